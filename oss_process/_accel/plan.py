"""Plans: the reference validation's :class:`~oss_process.validation.Structure` of a shape,
kept with what the flat raw form needs to check and print any directive of that shape.

A plan runs on the scanner's raw tuples instead of the frozen tree (far cheaper to
build), remembers what each row's kind makes of a text and what each action's rules
make of its values, and prints through a program: literal text and parameter slots in
table order. ``tests/property/test_differential.py`` holds it to the reference pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from .._syntax import RawDirective, to_ast
from ..ast import Span, Value
from ..diagnostics import Diagnostic
from ..kinds import Checked
from ..rules import RuleContext
from ..source import Source
from ..tables import Catalogue, Mode, ParamSpec, Role
from ..tables.variables import PER_OPERATION
from ..validation import (
    AT_ACTION,
    AT_ACTION_NAME,
    AT_CATEGORY,
    AT_COMMA,
    AT_KEY,
    AT_PIPE,
    AT_STAGE,
    AT_VALUE,
    ActionCheck,
    Structure,
    Templated,
    diagnostic_order,
    run_rules,
    saved_name_diagnostics,
    structure,
    threaded,
    variable_diagnostics,
)
from .cache import CACHE

__all__ = ["Outcome", "Plan", "RuleCheck", "check_value", "compile_plan", "render_program", "run_plan"]

# A print program: literal text, or (parameter index, text before it, default to drop).
PrintItem = str | tuple[int, str, str | None]


def search_for_unset(variables: frozenset[str]) -> Callable[[str], object] | None:
    """A search for the per-operation variables not in ``variables`` (None: there are none)."""
    unset = sorted(set(PER_OPERATION) - variables)
    return re.compile("\\{(?:" + "|".join(unset) + ")\\}").search if unset else None


def check_value(row: ParamSpec, text: str) -> Checked:
    """``row.check(text)``, remembered: a value's check depends on nothing else."""
    values = CACHE.values
    key = (row, text)
    result = values.get(key)
    if result is None:
        result = values.put(key, row.check(text))
    return result  # type: ignore[return-value]


class RuleCheck:
    """An action's value rules, with a memo of whether they report nothing."""

    __slots__ = ("check", "reads", "reads_sourceless", "rules_sourceless")

    def __init__(self, check: ActionCheck) -> None:
        self.check = check
        self.rules_sourceless = tuple(rule for rule in check.rules if not rule.requires_source)
        self.reads = self._reads(check.rules)
        self.reads_sourceless = self._reads(self.rules_sourceless)

    def _reads(self, rules: Sequence[object]) -> tuple[int, ...]:
        """Indices of the parameters whose values the rules read."""
        keys = self.check.keys
        return tuple(dict.fromkeys(keys[k] for rule in rules for k in rule.reads if k in keys))  # type: ignore[attr-defined]

    def reported(self, read: tuple[object, ...], source: Source | None) -> tuple[tuple[str, str, str | None, str | None], ...]:
        """What the rules report for these values (those of ``reads``, or of
        ``reads_sourceless`` when ``source`` is None), as (code, message, key, hint); an
        empty tuple when nothing; remembered."""
        memo_key = (self, read) if source is None else (self, read, source)
        found = CACHE.rules.get(memo_key)
        if found is None:
            reported: list[tuple[str, str, str | None, str | None]] = []

            def emit(code: str, message: str, key: str | None, hint: str | None = None) -> None:
                reported.append((code, message, key, hint))

            check = self.check
            indices = self.reads_sourceless if source is None else self.reads
            values: dict[int, Value | None] = dict(zip(indices, read, strict=True))  # type: ignore[arg-type]
            known = {key: v for key, i in check.keys.items() if (v := values.get(i)) is not None}
            context = RuleContext(known, check.keys, source, emit, self.valid_for_parameter, check.action_index)
            for rule in self.rules_sourceless if source is None else check.rules:
                rule.check(context)
            found = CACHE.rules.put(memo_key, tuple(reported))
        return found  # type: ignore[return-value]

    def quiet_source(self, names: Mapping[int, str], bind: Callable[[object, str], str]) -> str | None:
        """An expression over the fast path's variables (``names``: parameter index -> the
        variable of its typed value) that is true only when the rules report nothing
        without a source; None when a rule cannot tell (``reported`` says)."""
        check = self.check
        values = {key: names[i] for key, i in check.keys.items() if i in names}
        parts = []
        for rule in self.rules_sourceless:
            if not rule.reads:  # it depends on which keys are present alone: decided now
                if self._reports_alone(rule):
                    return None
                continue
            quiet_when = getattr(rule, "quiet_when", None)
            expression = quiet_when(values, check.keys, bind) if quiet_when is not None else None
            if expression is None:
                return None
            if expression != "True":
                parts.append(f"({expression})")
        return " and ".join(parts) or "True"

    def _reports_alone(self, rule: object) -> bool:
        reported: list[str] = []

        def emit(code: str, message: str, key: str | None, hint: str | None = None) -> None:
            reported.append(code)

        check = self.check
        rule.check(RuleContext({}, check.keys, None, emit, self.valid_for_parameter, check.action_index))  # type: ignore[attr-defined]
        return bool(reported)

    def valid_for_parameter(self, key: str, value: Value) -> bool:
        spec = self.check.spec
        row = spec.by_key.get(key) or spec.positional
        return row is not None and check_value(row, str(value)).value is not None


class Plan:
    """Everything the speed layer keeps for one shape (in one mode and catalogue)."""

    __slots__ = ("bare", "fast", "fast_path", "full_runs", "program", "rule_checks", "shape", "shared", "unset_searches")

    def __init__(self, shape: Structure, program: list[PrintItem], bare: dict[int, str] | None = None) -> None:
        self.shape = shape
        self.program = program
        #: parameter index -> text of each bare value: part of the shape, so one per plan.
        self.bare = bare or {}
        self.rule_checks = [RuleCheck(check) for check in shape.checks]
        # per templated name: a search for the variables its producer does not set
        self.unset_searches: list[tuple[Templated, Callable[[str], object] | None]] = [
            (where, search_for_unset(where.variables)) for where in shape.templated
        ]
        # Everything in it follows from the shape alone (not so with a style name, whose
        # "_" the shape cannot tell from a key's), so directives of one shape may share it.
        self.shared = not shape.has_style
        # No error in the shape (its warnings are part of every verdict; a bare value, part of
        # the shape, is checked once by its action's positional row): a fast path may serve it.
        self.fast = not any(f.code[0] == "E" for f in shape.findings) and not shape.has_style
        self.fast_path: object | None = None  # a FastPath, made once the shape recurs
        self.full_runs = 0


def threaded_quiet(plan: Plan, values: tuple[Value | None, ...], source: Source) -> bool:
    """True when no rule of the plan reports anything for these values (one per parameter)
    with the source threaded through the directive's actions; remembered."""
    memo_key = (plan, values, source)
    quiet = CACHE.rules.get(memo_key)
    if quiet is None:
        reported: list[str] = []

        def emit(code: str, message: str, key: str | None, hint: str | None = None) -> None:
            reported.append(code)

        before, output = threaded(plan.shape, values, source)
        for rule_check in plan.rule_checks:
            check = rule_check.check
            known = {key: v for key, i in check.keys.items() if (v := values[i]) is not None}
            given = before.get(check.action_index, source)
            context = RuleContext(known, check.keys, given, emit, rule_check.valid_for_parameter, check.action_index, output, source)
            for rule in check.rules:
                rule.check(context)
        quiet = CACHE.rules.put(memo_key, not reported)
    return quiet  # type: ignore[return-value]


def compile_plan(raw: RawDirective, mode: Mode | None, catalogue: Catalogue) -> Plan:
    """The plan of the raw directive's shape."""
    tree = to_ast(raw, raw[-1][2] if raw else 0)
    shape = structure(tree, mode, catalogue)
    params = [p for stage in raw for action in stage[3] for p in action[3]]
    return Plan(shape, _program(shape, raw), {i: text for i, (key, text, _, _) in enumerate(params) if key is None})


def _program(shape: Structure, raw: RawDirective) -> list[PrintItem]:
    """The canonical print program: table order, defaults dropped, notify chained."""
    program: list[PrintItem] = []
    action_index = param_index = 0
    after_save = False
    for category, _, _, actions in raw:
        # As the printer: "|sys/notify,..." is the notify stage "|notify,...".
        first = shape.infos[action_index] if actions else None
        bare = category is None or (first is not None and first.role is Role.NOTIFY)
        if program:
            program.append("/" if bare and after_save else "|")
        if not bare:
            program.append(f"{category}/")
        for position, (name, _, _, params) in enumerate(actions):
            info = shape.infos[action_index]
            program.append(("/" if position else "") + name)
            spec = info.spec if info is not None else None
            ordered: list[tuple[int, PrintItem]] = []
            extra: list[PrintItem] = []
            for index in range(param_index, param_index + len(params)):
                key = params[index - param_index][0]
                row = shape.rows[index]
                if key is None and row is not None:  # the positional value: first, always printed
                    ordered.append((-1, (index, ",", None)))
                elif key is None:  # a bare value; "" (an empty parameter) is dropped
                    extra.append((index, ",", ""))
                elif spec is None or row is None:
                    extra.append((index, f",{key}_", None))
                else:
                    ordered.append((spec.order[key], (index, f",{key}_", row.default)))
            ordered.sort(key=lambda item: item[0])
            program.extend(item for _, item in ordered)
            program.extend(extra)
            action_index += 1
            param_index += len(params)
        last = shape.infos[action_index - 1] if actions else None
        after_save = last is not None and last.role is Role.SAVE
    # Merge neighbouring literals: fewer items to walk when printing.
    merged: list[PrintItem] = []
    for item in program:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    return merged


def render_program(program: Sequence[PrintItem], canonicals: Sequence[str]) -> str:
    out: list[str] = []
    for item in program:
        if isinstance(item, str):
            out.append(item)
        else:
            index, before, default = item
            text = canonicals[index]
            if text != default:
                out.append(before)
                out.append(text)
    return "".join(out)


class Outcome(NamedTuple):
    diagnostics: list[Diagnostic]
    canonicals: list[str]  # per parameter: its canonical text (as written when unchecked)


class Locator:
    """Turns a finding's place (stage, action or parameter index) into a span of ``raw``."""

    __slots__ = ("actions", "params", "raw")

    def __init__(self, raw: RawDirective) -> None:
        self.raw = raw
        self.actions = [a for stage in raw for a in stage[3]]
        self.params = [p for action in self.actions for p in action[3]]

    def __call__(self, at: int, index: int) -> Span:
        if at in (AT_STAGE, AT_CATEGORY, AT_PIPE):
            category, start, end, _ = self.raw[index]
            if at == AT_PIPE:
                return Span(start - 1, start)
            return Span(start, start + len(category)) if at == AT_CATEGORY and category else Span(start, end)
        if at in (AT_ACTION, AT_ACTION_NAME):
            name, start, end, _ = self.actions[index]
            return Span(start, start + len(name)) if at == AT_ACTION_NAME else Span(start, end)
        key, _, start, end = self.params[index]
        if at == AT_COMMA:
            return Span(start - 1, start)
        if at == AT_KEY and key is not None:
            return Span(start, start + len(key))
        if at == AT_VALUE and key is not None:
            return Span(start + len(key) + 1, end)
        return Span(start, end)


def run_plan(raw: RawDirective, plan: Plan, source: Source | None) -> Outcome:
    """Check the values of ``raw`` under its plan; every finding becomes a diagnostic."""
    shape = plan.shape
    locate = Locator(raw)
    diagnostics = [Diagnostic(f.code, f.message, locate(f.at, f.target), f.hint) for f in shape.findings]
    params = locate.params
    canonicals = [text for _, text, _, _ in params]
    values: list[Value | None] = [None] * len(params)
    for index, row in enumerate(shape.rows):
        if row is None:
            continue
        text = params[index][1]
        result = check_value(row, text)
        for problem in result.problems:
            diagnostics.append(Diagnostic(problem.code, f"{row.key}: {problem.message}", locate(AT_VALUE, index), problem.hint))
        canonicals[index] = result.canonical
        values[index] = result.value

    before, output = threaded(shape, values, source)
    for rule_check in plan.rule_checks:
        check = rule_check.check
        given = before.get(check.action_index, source)
        run_rules(check, values, given, locate, rule_check.valid_for_parameter, diagnostics, output, source)
    if shape.templated:
        diagnostics.extend(variable_diagnostics(shape, values, [key for key, _, _, _ in params], locate))
    if shape.saved_names:
        diagnostics.extend(saved_name_diagnostics(shape, values, locate))
    diagnostics.sort(key=diagnostic_order)
    return Outcome(diagnostics, canonicals)
