"""Each rule's ``quiet_when`` (the test the fast path inlines) against its ``check``, for
every rule of the tables that has one: true only when ``check`` reports nothing without
a source, and, for the built-in rules, exactly then (so that a value that warns is the
only one to leave the inlined test)."""

from __future__ import annotations

import math
import re
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oss_process._accel.quick import lexical
from oss_process.ast import Value
from oss_process.kinds import Choice, Integer, IntegerChoice
from oss_process.rules import RuleContext
from oss_process.tables import BUILTIN, ActionSpec, ParamSpec
from tests.property.settings import per_kind


def _rules() -> list[tuple[ActionSpec, object]]:
    found: dict[int, tuple[ActionSpec, object]] = {}
    for _, _, info in BUILTIN.tabled():
        spec = info.spec
        if spec is None:
            continue
        for rule in spec.rules:
            if hasattr(rule, "quiet_when") and id(rule) not in found:
                found[id(rule)] = (spec, rule)
    return list(found.values())


RULES = _rules()


def _edges(spec: ActionSpec) -> list[int]:
    """The numbers the rules compare with, either side: where an inlined test goes wrong."""
    numbers = [v for rule in spec.rules for v in vars(rule).values() if isinstance(v, int) and not isinstance(v, bool)]
    numbers += [math.isqrt(n) for n in numbers]
    return sorted({n + d for n in numbers for d in (-1, 0, 1)})


def _mentioned(spec: ActionSpec, rule: object) -> set[str]:
    """The keys of the table that the rule names (in a field, or a tuple field)."""
    words: set[str] = set()
    for field in vars(rule).values():
        if isinstance(field, str | tuple):
            words.update(field if isinstance(field, tuple) else [field])
    return {row.key for row in spec.parameters} & words | {*rule.reads}  # type: ignore[attr-defined]


def _typed(row: ParamSpec, text: str) -> Value | None:
    return row.kind.check(text).value


def _values(spec: ActionSpec, rule: object) -> st.SearchStrategy[dict[str, Value | None]]:
    """Present keys the rule names, each with its typed value or None (not checked out)."""
    by_key = {}
    edges = _edges(spec)
    mentioned = _mentioned(spec, rule)
    for row in spec.parameters:
        if row.key not in mentioned:
            continue
        texts = st.from_regex(re.compile(lexical(row.kind)), fullmatch=True)
        if isinstance(row.kind, Integer) and edges:
            texts = st.sampled_from([str(n) for n in edges]) | texts
        elif isinstance(row.kind, Choice | IntegerChoice):  # the choices themselves, not only their alphabet
            texts = st.sampled_from([str(c) for c in row.kind.choices]) | texts
        by_key[row.key] = st.none() | texts.map(partial(_typed, row))
    return st.fixed_dictionaries({}, optional=by_key)


def test_the_tables_have_rules_with_an_inlined_test() -> None:
    assert {type(rule).__name__ for _, rule in RULES} >= {"AllowedPerChoice", "Doubtful", "OnlyWith", "TargetWithin"}


@pytest.mark.parametrize(("spec", "rule"), RULES, ids=lambda item: type(item).__name__ if not isinstance(item, ActionSpec) else "")
def test_quiet_when_is_true_exactly_when_check_reports_nothing(spec: ActionSpec, rule: object) -> None:
    @per_kind()
    @given(_values(spec, rule))
    def agree(given_values: dict[str, Value | None]) -> None:
        values = {key: value for key, value in given_values.items() if value is not None}
        constants: dict[str, object] = {}

        def bind(constant: object, name: str) -> str:
            unique = f"{name}_{len(constants)}"
            constants[unique] = constant
            return unique

        names = {key: f"value_{key}" for key in values}
        expression = rule.quiet_when(names, given_values.keys(), bind)  # type: ignore[attr-defined]
        reported: list[str] = []
        context = RuleContext(values, given_values.keys(), None, lambda code, *_: reported.append(code), lambda k, v: True)
        rule.check(context)  # type: ignore[attr-defined]
        if expression is None:  # it cannot tell: the fast path asks check
            return
        quiet = eval(expression, {**constants, **{names[k]: v for k, v in values.items()}})
        assert bool(quiet) == (not reported), (expression, given_values, reported)

    agree()
