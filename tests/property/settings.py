"""Example budgets for the property tests: no deadline (the first parse of a run builds
the parser), and examples enough to matter in CI time.

``PROPERTY`` is for the properties that do not depend on the tables (trees and strings of
the grammar, the fast paths): ``PROPERTY_EXAMPLES`` examples each.

The properties that run once per table of the catalogue (valid directives, trees,
spellings, canonical texts, near misses) take :func:`per_table`, so that their cost grows
with the number of tables and one table costs the same whatever the catalogue: each table
gets ``EXAMPLES_PER_TABLE`` examples per property, and its near misses, code by code,
share one such budget (each code at least ``MIN_EXAMPLES``). The quick checks of the
speed layer run once per distinct kind of the tables' rows (:func:`per_kind`). The
README's Development section gives what this costs now and at ten times the tables.
"""

from hypothesis import HealthCheck, settings

PROPERTY_EXAMPLES = 200
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
