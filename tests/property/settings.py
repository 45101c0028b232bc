"""Example budgets for the property tests: no deadline (the first parse of a run builds
the parser), and examples enough to matter in CI time.

``PROPERTY`` is for the properties that do not depend on the tables (trees and strings of
the grammar, the fast paths): ``PROPERTY_EXAMPLES`` examples each.

The properties that run once per table of the catalogue (valid directives, trees,
spellings, canonical texts, near misses) take :func:`per_table`, so that their cost grows
with the number of tables: one table costs the same whatever the catalogue. Each table gets
``EXAMPLES_PER_TABLE`` examples per property, and its near misses code by code share one
such budget (each code at least ``MIN_EXAMPLES``). Per table that is 5 properties of 50
examples and about 24 codes of 2 examples: some 300 examples at about 8 ms each (a draw,
a lint, a canonicalize), about 2.5 s. The built-in catalogue has 3 tables (about 8 s); at
tenfold, 30 tables, about 75 s, and with the rest of the suite (about 90 s) under 3
minutes, well under 5.

The quick checks of the speed layer run once per distinct kind of the tables' rows
(:func:`per_kind`): ``EXAMPLES_PER_KIND`` examples, about 0.15 s a kind and property
here; even if every row of 30 tables had a kind of its own (150), about 45 s, and with
the above still under 4 minutes.
"""

from hypothesis import HealthCheck, settings

PROPERTY_EXAMPLES = 300
EXAMPLES_PER_TABLE = 50
MIN_EXAMPLES = 2
EXAMPLES_PER_KIND = 60

PROPERTY = settings(max_examples=PROPERTY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def per_table(share: int = 1) -> settings:
    """The settings of one property of one table; ``share``: the number of properties
    that split one table's budget (the codes of its near misses)."""
    return settings(PROPERTY, max_examples=max(MIN_EXAMPLES, EXAMPLES_PER_TABLE // share))


def per_kind() -> settings:
    """The settings of one property of one value kind of the tables."""
    return settings(PROPERTY, max_examples=EXAMPLES_PER_KIND)
