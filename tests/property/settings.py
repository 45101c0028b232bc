"""One settings object for every property test: no deadline (the first Lark parse of a
run builds the parser), examples enough to matter in CI time."""

from hypothesis import HealthCheck, settings

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
