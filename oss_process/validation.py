"""Validation: a directive checked against the tables, every problem a diagnostic.

It runs in two phases, and nothing in either names an action: both walk the tables.

1. :func:`compile_plan` looks only at the directive's *shape* (categories, actions, keys,
   bare values): catalogue lookups, modes, stage order, unknown, duplicate and missing
   parameters, rules that depend on presence only, and the canonical print order.
   Its findings carry locators rather than spans, so one plan serves every directive of
   that shape; the fast path in ``_api`` caches plans by shape.
2. :func:`run_plan` checks the values (each kind's check, remembered per value), the
   rules that read values or the source audio, and template variables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from ._accel.quick import Namespace, define, lexical, quick_source
from ._suggest import did_you_mean
from ._syntax import RawDirective, RawParam, from_ast
from .ast import Action, Directive, Parameter, Span, Stage, Value
from .diagnostics import Diagnostic
from .errors import ArgumentError
from .kinds import Base64Name, Checked, template_variables
from .rules import Rule, RuleContext
from .source import Source, SourceAudio
from .tables import (
    CATEGORIES,
    MAX_PIPES,
    MAX_STYLE_NAME,
    OLDER_MAX_PIPES,
    STANDALONE,
    ActionInfo,
    ActionSpec,
    Mode,
    ParamSpec,
    Role,
)
from .tables.variables import PER_OPERATION

__all__ = ["ModeLike", "SourceAudio", "Validation", "validate"]

#: What ``mode=`` accepts: ``"async"``, ``"sync"``, a :class:`Mode`, or None for "unknown".
ModeLike = Mode | str | None


@dataclass(frozen=True, slots=True)
class Validation:
    """The result of :func:`validate`: the tree with typed values, and the diagnostics."""

    directive: Directive
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not any(d.is_error for d in self.diagnostics)


def coerce_mode(mode: ModeLike) -> Mode | None:
    if mode is None or isinstance(mode, Mode):
        return mode
    if mode in ("sync", "async"):
        return Mode(mode)
    raise ArgumentError((), message=f"mode must be 'async', 'sync' or None, not {mode!r}")


def validate(directive: Directive, *, mode: ModeLike = None, source: Source | None = None) -> Validation:
    """Check a parsed (or built) directive against the tables.

    Diagnostics point into the text the directive was parsed from; for a tree built
    without spans they point into its :func:`~oss_process.unparse` form.
    """
    raw = from_ast(directive)
    outcome = run_plan(raw, compile_plan(raw, coerce_mode(mode)), source)
    span = directive.span if directive.span.end else Span(0, raw[-1][2] if raw else 0)
    return Validation(typed_tree(raw, outcome.values, span), tuple(outcome.diagnostics))


# --- Phase 1: the plan of a shape --------------------------------------------------------

# Where a finding points, resolved to a span against each directive of the shape.
AT_STAGE, AT_CATEGORY, AT_ACTION, AT_ACTION_NAME, AT_PARAM, AT_KEY, AT_VALUE, AT_PIPE = range(8)


class _Find(Protocol):
    def __call__(self, code: str, message: str, at: int, index: int, hint: str | None = None) -> None: ...


class Finding(NamedTuple):
    code: str
    message: str
    hint: str | None
    at: int  # one of the AT_ constants
    target: int  # the index of the stage, action or parameter there


class ActionCheck:
    """A tabled action of the plan: where its parameters are, and its value rules."""

    __slots__ = ("action_index", "keys", "memo", "reads", "reads_sourceless", "rules", "rules_sourceless", "spec")

    def __init__(self, action_index: int, spec: ActionSpec, keys: dict[str, int], rules: tuple[Rule, ...]) -> None:
        self.action_index = action_index
        self.spec = spec
        self.keys = keys  # key -> index of the parameter that counts
        self.rules = rules  # the rules that read values or the source
        self.rules_sourceless = tuple(rule for rule in rules if not rule.requires_source)
        self.reads = self._reads(rules)
        self.reads_sourceless = self._reads(self.rules_sourceless)
        # (values read[, source]) -> True when the rules report nothing; cleared when full.
        self.memo: dict[tuple[object, ...], bool] = {}

    def quiet(self, read: tuple[object, ...], source: Source | None) -> bool:
        """True when the value rules report nothing for these values (those of ``reads``,
        or of ``reads_sourceless`` when ``source`` is None); remembered."""
        memo_key = read if source is None else (*read, source)
        quiet = self.memo.get(memo_key)
        if quiet is None:
            reported: list[str] = []

            def emit(code: str, message: str, key: str | None, hint: str | None = None) -> None:
                reported.append(code)

            indices = self.reads_sourceless if source is None else self.reads
            values: dict[int, Value | None] = dict(zip(indices, read, strict=True))  # type: ignore[arg-type]
            known = {key: v for key, i in self.keys.items() if (v := values.get(i)) is not None}
            context = RuleContext(known, self.keys, source, emit, self.valid_for_parameter)
            for rule in self.rules_sourceless if source is None else self.rules:
                rule.check(context)
            quiet = not reported
            if len(self.memo) >= _CACHE_LIMIT:
                self.memo.clear()
            self.memo[memo_key] = quiet
        return quiet

    def _reads(self, rules: tuple[Rule, ...]) -> tuple[int, ...]:
        """Indices of the parameters whose values the rules read."""
        return tuple(dict.fromkeys(self.keys[k] for rule in rules for k in rule.reads if k in self.keys))

    def valid_for_parameter(self, key: str, value: Value) -> bool:
        return check_value(self.spec.by_key[key], str(value)).value is not None


# A print program: literal text, or (parameter index, text before it, default to drop).
PrintItem = str | tuple[int, str, str | None]


class Plan:
    __slots__ = ("checks", "fast", "fast_path", "findings", "full_runs", "infos", "program", "pspecs", "shape_only", "templated")

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.infos: list[ActionInfo | None] = []  # per action
        self.pspecs: list[ParamSpec | None] = []  # per parameter: the row that checks it
        self.checks: list[ActionCheck] = []
        # (parameter index, the processing action before it, the variables that action sets,
        # a search for the per-operation variables it does not set)
        self.templated: list[tuple[int, str, frozenset[str], Callable[[str], object] | None]] = []
        self.program: list[PrintItem] = []
        self.fast = False  # every parameter keyed and checked, nothing found
        # Everything in it follows from the shape alone (not so with a style name, whose
        # "_" the shape cannot tell from a key's), so directives of one shape may share it.
        self.shape_only = True
        # compile_fast(plan, shape), made by the fast path for the plans it caches, once
        # full_runs directives of the shape have taken the full path
        self.fast_path: FastPath | None = None
        self.full_runs = 0


def _label(category: str | None, name: str) -> str:
    return name if category is None else f"{category}/{name}"


_MODE_WORDS = {Mode.SYNC: "synchronous processing (x-oss-process)", Mode.ASYNC: "asynchronous processing (x-oss-async-process)"}
_PARAMETER = {Mode.SYNC: "x-oss-process", Mode.ASYNC: "x-oss-async-process"}


def compile_plan(raw: RawDirective, mode: Mode | None) -> Plan:
    plan = Plan()
    findings = plan.findings

    def find(code: str, message: str, at: int, index: int, hint: str | None = None) -> None:
        findings.append(Finding(code, message, hint, at, index))

    pipes = len(raw) - 1
    if pipes > MAX_PIPES:
        find("E105", f"{pipes} pipes: OSS allows at most {MAX_PIPES}", AT_PIPE, MAX_PIPES + 1, "split the work into separate requests")
    elif pipes > OLDER_MAX_PIPES:
        find("W106", f"{pipes} pipes: older OSS documentation allows only {OLDER_MAX_PIPES}", AT_PIPE, pipes)

    # Actions written after a repeated category (E107): meant as a stage of their own.
    meant_as_stage: set[int] = set()
    # category -> (first stage using it, its actions without a table), for one warning each
    unchecked: dict[str, tuple[int, dict[str, None]]] = {}
    # (stage index, action index in stage, category, name, catalogue entry), every action
    flat: list[tuple[int, int, str | None, str, ActionInfo | None]] = []
    action_index = param_index = 0
    has_bare = has_style = False
    for stage_index, (category, _, _, actions) in enumerate(raw):
        category_info = CATEGORIES.get(category) if category is not None else None
        if category is not None and category_info is None:
            hint = did_you_mean(category, CATEGORIES) or "categories: " + ", ".join(CATEGORIES)
            find("E100", f"unknown category {category!r}", AT_CATEGORY, stage_index, hint)
        for position, (name, _, _, params) in enumerate(actions):
            info: ActionInfo | None
            if category_info is None:
                info = STANDALONE.get(name) if category is None else None
            else:
                info = category_info.actions.get(name)
                if category_info.open_ended:
                    has_style = True
                    if len(name) > MAX_STYLE_NAME:
                        find(
                            "E110", f"the style name is {len(name)} characters long; the limit is {MAX_STYLE_NAME}", AT_ACTION, action_index
                        )
                elif info is None and category_info.covered:
                    hint = did_you_mean(name, category_info.actions) or f"{category} actions: " + ", ".join(category_info.actions)
                    find("E101", f"unknown action {name!r} in {category}", AT_ACTION_NAME, action_index, hint)
                elif (info is None or info.spec is None) and category is not None:
                    unchecked.setdefault(category, (stage_index, {}))[1][name] = None
            plan.infos.append(info)
            flat.append((stage_index, position, category, name, info))
            repeated = None
            if params and position < len(actions) - 1 and params[-1][0] is None and params[-1][1] in CATEGORIES:
                repeated = param_index + len(params) - 1
                meant_as_stage.add(action_index + 1)
                find(
                    "E107",
                    f"the category {params[-1][1]!r} is repeated inside a stage after {_label(category, name)}",
                    AT_PARAM,
                    repeated,
                    f"chain the next action with '/' alone, or start a new stage with '|{params[-1][1]}/'",
                )
            has_bare = has_bare or any(p[0] is None for p in params)
            if info is None or info.spec is None:
                plan.pspecs.extend([None] * len(params))
            else:
                _plan_parameters(plan, find, _label(category, name), info.spec, params, action_index, param_index, repeated)
            action_index += 1
            param_index += len(params)

    for category, (stage_index, names) in unchecked.items():
        them = "it" if len(names) == 1 else "them"
        find("W102", f"{category}/{', '.join(names)} not checked: no parameter table for {them} yet", AT_STAGE, stage_index)
    _plan_modes(flat, mode, raw, find, meant_as_stage)
    _plan_roles(flat, find)
    _plan_templates(plan, raw)
    _plan_printing(plan, raw)
    plan.shape_only = not has_style
    plan.fast = not findings and not has_bare and not has_style
    return plan


def _plan_parameters(
    plan: Plan,
    find: _Find,
    where: str,
    spec: ActionSpec,
    params: list[RawParam],
    action_index: int,
    first_param: int,
    repeated: int | None,
) -> None:
    keys: dict[str, int] = {}
    for index, (key, text, _, _) in enumerate(params, start=first_param):
        pspec = None
        if key is None:
            if index != repeated:
                find(
                    "E204",
                    f"{where} takes key_value parameters; {text!r} has no key",
                    AT_PARAM,
                    index,
                    "parameters: " + ", ".join(spec.by_key),
                )
        elif key not in spec.by_key:
            find("E200", f"unknown parameter {key!r} for {where}", AT_KEY, index, did_you_mean(key, spec.by_key))
        elif key in keys:
            find("E201", f"{key} is given twice", AT_PARAM, index, "keep one")
        else:
            keys[key] = index
            pspec = spec.by_key[key]
        plan.pspecs.append(pspec)
    for row in spec.parameters:
        if row.required and row.key not in keys:
            find("E202", f"{where} needs {row.key}: {row.meaning}", AT_ACTION, action_index, f"add {row.key}_<{row.kind.describe()}>")

    def emit(code: str, message: str, key: str | None, hint: str | None = None) -> None:
        if key is None:
            find(code, message, AT_ACTION, action_index, hint)
        else:
            find(code, message, AT_PARAM, keys[key], hint)

    # Rules that read no value depend on the shape alone: decided here, once.
    shape_rules = [r for r in spec.rules if not r.reads and not r.uses_source]
    context = RuleContext({}, keys, None, emit, lambda key, value: True)
    for rule in shape_rules:
        rule.check(context)
    value_rules = tuple(r for r in spec.rules if r.reads or r.uses_source)
    if value_rules:
        plan.checks.append(ActionCheck(action_index, spec, keys, value_rules))


def _plan_modes(
    flat: list[tuple[int, int, str | None, str, ActionInfo | None]],
    mode: Mode | None,
    raw: RawDirective,
    find: _Find,
    meant_as_stage: set[int],
) -> None:
    effective = mode
    if mode is not None:
        for index, (_, _, category, name, info) in enumerate(flat):
            if info is not None and mode not in info.modes:
                other = next(iter(info.modes))
                find(
                    "E103",
                    f"{_label(category, name)} runs only in {_MODE_WORDS[other]}, not in {_MODE_WORDS[mode]}",
                    AT_ACTION,
                    index,
                    f"send it as {_PARAMETER[other]}",
                )
    else:
        first = {m: next((i for i, entry in enumerate(flat) if entry[4] is not None and entry[4].modes == {m}), None) for m in Mode}
        async_at, sync_at = first[Mode.ASYNC], first[Mode.SYNC]
        if async_at is not None and sync_at is not None:
            a, s = flat[async_at], flat[sync_at]
            find(
                "E103",
                f"{_label(a[2], a[3])} runs only in {_MODE_WORDS[Mode.ASYNC]} and "
                f"{_label(s[2], s[3])} only in {_MODE_WORDS[Mode.SYNC]}: no one request runs both",
                AT_ACTION,
                max(async_at, sync_at),
            )
        effective = Mode.ASYNC if async_at is not None else Mode.SYNC if sync_at is not None else None
    if effective is Mode.ASYNC:
        message = "in x-oss-async-process only sys/saveas and notify may follow the processing action"
        hint = "run further processing as a separate request on the saved result"
        stages = sorted({s for s, _, _, _, info in flat if s > 0 and _role(info) is Role.PROCESS})
        for stage_index in stages:
            find("E104", message, AT_STAGE, stage_index, hint)
        # A second catalogued action chained in the first stage (audio/convert,.../convert,...).
        # Sub-steps the catalogue does not list, such as concat's /pre and /sur, are left be.
        chained = [
            i
            for i, (s, position, _, _, info) in enumerate(flat)
            if s == 0 and position > 0 and info is not None and i not in meant_as_stage
        ]
        for index in chained:
            if _role(flat[index][4]) is Role.PROCESS:
                find("E104", message, AT_ACTION, index, hint)


def _role(info: ActionInfo | None) -> Role:
    return info.role if info is not None else Role.PROCESS


def _plan_roles(flat: list[tuple[int, int, str | None, str, ActionInfo | None]], find: _Find) -> None:
    """Processing first; then at most one save, followed only by at most one notify."""
    roles = [_role(entry[4]) for entry in flat]
    if flat and roles[0] is not Role.PROCESS:
        _, _, category, name, _ = flat[0]
        find(
            "E109",
            f"nothing to process: the directive starts with {_label(category, name)}",
            AT_ACTION,
            0,
            "put the processing action first, as in audio/convert,...|sys/saveas,...",
        )
    seen: set[Role] = set()
    for index, (_, position, category, name, _) in enumerate(flat):
        role = roles[index]
        if role is Role.PROCESS:
            continue
        label = _label(category, name)
        if role in seen:
            find("E108", f"{label} appears twice", AT_ACTION, index, "keep one")
            continue
        seen.add(role)
        # A repeat is reported once, as a repeat, not also as something following the first.
        if role is Role.SAVE:
            if any(r not in (Role.NOTIFY, Role.SAVE) for r in roles[index + 1 :]):
                find("E108", f"{label} must be the last step; only notify may follow it", AT_ACTION, index)
        elif any(r is not Role.NOTIFY for r in roles[index + 1 :]):
            find("E108", f"{label} must be the last step", AT_ACTION, index)
        elif category is not None and (position == 0 or roles[index - 1] is not Role.SAVE):
            find(
                "E108",
                f"{label} inside a stage must follow sys/saveas",
                AT_ACTION,
                index,
                "write .../saveas,o_.../notify,topic_... or a stage of its own: |notify,topic_...",
            )


def _plan_templates(plan: Plan, raw: RawDirective) -> None:
    """Names that may hold per-operation variables, and what the action before them sets."""
    producer: tuple[str, frozenset[str] | None] | None = None
    index = 0
    infos = iter(plan.infos)
    for category, _, _, actions in raw:
        for name, _, _, params in actions:
            info = next(infos)
            if info is not None and info.role is Role.PROCESS:
                producer = (_label(category, name), info.spec.output_variables if info.spec else None)
            elif producer is not None and producer[1] is not None:
                for offset in range(len(params)):
                    pspec = plan.pspecs[index + offset]
                    if pspec is not None and isinstance(pspec.kind, Base64Name) and pspec.kind.rule.allows_templates:
                        unset = sorted(set(PER_OPERATION) - producer[1])
                        search = re.compile("\\{(?:" + "|".join(unset) + ")\\}").search if unset else None
                        plan.templated.append((index + offset, producer[0], producer[1], search))
            index += len(params)


def _plan_printing(plan: Plan, raw: RawDirective) -> None:
    """The canonical print program: table order, defaults dropped, notify chained."""
    program: list[PrintItem] = []
    action_index = param_index = 0
    after_save = False
    for category, _, _, actions in raw:
        if program:
            program.append("/" if category is None and after_save else "|")
        if category is not None:
            program.append(f"{category}/")
        for position, (name, _, _, params) in enumerate(actions):
            info = plan.infos[action_index]
            program.append(("/" if position else "") + name)
            spec = info.spec if info is not None else None
            ordered: list[tuple[int, PrintItem]] = []
            extra: list[PrintItem] = []
            for index in range(param_index, param_index + len(params)):
                key = params[index - param_index][0]
                pspec = plan.pspecs[index]
                if key is None:
                    extra.append((index, ",", None))
                elif spec is None or pspec is None:
                    extra.append((index, f",{key}_", None))
                else:
                    ordered.append((spec.order[key], (index, f",{key}_", pspec.default)))
            ordered.sort(key=lambda item: item[0])
            program.extend(item for _, item in ordered)
            program.extend(extra)
            action_index += 1
            param_index += len(params)
        after_save = bool(actions) and _role(plan.infos[action_index - 1]) is Role.SAVE
    # Merge neighbouring literals: fewer items to walk when printing.
    merged: list[PrintItem] = []
    for item in program:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    plan.program = merged


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


# --- Phase 2: the values -----------------------------------------------------------------

_CACHE_LIMIT = 1024


def check_value(pspec: ParamSpec, text: str) -> Checked:
    """``pspec.kind.check(text)``, remembered: a value's check depends on nothing else."""
    cache = _CHECKED
    result = cache.get((pspec, text))
    if result is None:
        result = pspec.kind.check(text)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[pspec, text] = result
    return result


_CHECKED: dict[tuple[ParamSpec, str], Checked] = {}


class Outcome(NamedTuple):
    diagnostics: list[Diagnostic]
    canonicals: list[str]  # per parameter: its canonical text (as written when unchecked)
    values: list[Value | None]  # per parameter: its typed value, when it checked out


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
        if at == AT_KEY and key is not None:
            return Span(start, start + len(key))
        if at == AT_VALUE and key is not None:
            return Span(start + len(key) + 1, end)
        return Span(start, end)


def run_plan(raw: RawDirective, plan: Plan, source: Source | None) -> Outcome:
    """Check the values of ``raw`` under its plan; every finding becomes a diagnostic."""
    locate = Locator(raw)
    diagnostics = [Diagnostic(f.code, f.message, locate(f.at, f.target), f.hint) for f in plan.findings]
    params = locate.params
    canonicals = [text for _, text, _, _ in params]
    values: list[Value | None] = [None] * len(params)
    for index, pspec in enumerate(plan.pspecs):
        if pspec is None:
            continue
        key, text, _, _ = params[index]
        result = check_value(pspec, text)
        for problem in result.problems:
            diagnostics.append(Diagnostic(problem.code, f"{key}: {problem.message}", locate(AT_VALUE, index), problem.hint))
        canonicals[index] = result.canonical
        values[index] = result.value

    for check in plan.checks:
        present = check.keys
        known = {key: v for key, i in present.items() if (v := values[i]) is not None}

        def emit(code: str, message: str, key: str | None, hint: str | None = None, check: ActionCheck = check) -> None:
            span = locate(AT_ACTION, check.action_index) if key is None else locate(AT_PARAM, check.keys[key])
            diagnostics.append(Diagnostic(code, message, span, hint))

        context = RuleContext(known, present, source, emit, check.valid_for_parameter)
        for rule in check.rules:
            rule.check(context)

    for index, producer, variables, _ in plan.templated:
        value = values[index]
        if isinstance(value, str) and "{" in value:
            for variable in template_variables(value)[0]:
                if variable in PER_OPERATION and variable not in variables:
                    diagnostics.append(
                        Diagnostic(
                            "W309",
                            f"{params[index][0]}: {{{variable}}} is not set by {producer}",
                            locate(AT_VALUE, index),
                            "variables it sets: " + ", ".join("{" + v + "}" for v in sorted(variables)),
                        )
                    )
    diagnostics.sort(key=lambda d: (d.span.start, d.code))
    return Outcome(diagnostics, canonicals, values)


class FastPath(NamedTuple):
    """The fast path of :func:`run_plan` for a plan without findings.

    ``match(text)`` matches the directives of the plan's shape whose every value is
    spelled as its kind's ``lexical`` pattern says (a regular expression: the shape's
    literal text, with a group per value); ``run(match.groups(), source)`` returns the
    canonical string when nothing at all would be reported. Either gives None otherwise,
    and the caller takes the full path, which reports.
    """

    match: Callable[[str], re.Match[str] | None]
    run: Callable[[Sequence[str], Source | None], str | None]


def compile_fast(plan: Plan, shape: str) -> FastPath:
    """The :class:`FastPath` of a plan without findings, for the ``shape`` (a directive
    with its values cut out after their keys' ``_``) the plan was compiled from.

    ``run`` is generated from the plan, like ``namedtuple`` and ``dataclasses`` generate
    methods: one straight-line function, no loops over tables, a few microseconds where
    the general path costs tens. Each value is checked by its kind's ``quick_source``,
    inlined, which gives a value only for text that is clean as written: the canonical
    text of a value is its text. A template is only searched for variables its producer
    does not set; a false alarm there (an escaped ``{{index}}``) merely takes the full path.
    """
    assert plan.fast
    namespace = Namespace()
    bind = namespace.bind
    lines = []
    count = len(plan.pspecs)
    literals = shape.split("_")
    assert len(literals) == count + 1, shape
    pattern = (
        re.escape(literals[0])
        + "".join(
            f"_({lexical(pspec.kind)}){re.escape(literal)}"  # type: ignore[union-attr]
            for pspec, literal in zip(plan.pspecs, literals[1:], strict=True)
        )
    )
    if count:
        lines.append(f"{''.join(f't{i}, ' for i in range(count))}= texts")
    for i, pspec in enumerate(plan.pspecs):
        assert pspec is not None
        lines.append(quick_source(pspec.kind, f"t{i}", f"v{i}", namespace))
    for check in plan.checks:
        quiet = bind(check.quiet, "rules_quiet")
        sourceless = "".join(f"v{i}, " for i in check.reads_sourceless)
        sourced = "".join(f"v{i}, " for i in check.reads)
        lines.append(f"if not ({quiet}(({sourceless}), None) if source is None else {quiet}(({sourced}), source)): return None")
    for index, _, _, search in plan.templated:
        if search is not None:
            lines.append(f"if '{{' in v{index} and {bind(search, 'unset_variable')}(v{index}): return None")
    pieces = []
    for item in plan.program:
        if isinstance(item, str):
            pieces.append(item.replace("{", "{{").replace("}", "}}"))
        else:
            index, before, default = item
            if default is None:
                pieces.append(before.replace("{", "{{").replace("}", "}}") + "{" + f"t{index}" + "}")
            else:
                pieces.append("{" + f"'' if t{index} == {bind(default, 'DEFAULT')} else {bind(before, 'BEFORE')} + t{index}" + "}")
    lines.append("return f" + repr("".join(pieces)))
    run = define("fast(texts, source)", "\n".join(lines), namespace, f"the fast path of {shape[:80]!r}")
    return FastPath(re.compile(pattern).fullmatch, run)  # type: ignore[arg-type]


def typed_tree(raw: RawDirective, values: Sequence[Value | None], span: Span) -> Directive:
    typed = iter(values)
    return Directive(
        tuple(
            Stage(
                category,
                tuple(
                    Action(name, tuple(Parameter(key, text, Span(ps, pe), next(typed)) for key, text, ps, pe in params), Span(a_s, a_e))
                    for name, a_s, a_e, params in actions
                ),
                Span(s_s, s_e),
            )
            for category, s_s, s_e, actions in raw
        ),
        span,
    )
