"""Validation: a directive checked against the tables, every problem a diagnostic.

The checks walk the tables in :mod:`oss_process.tables`; nothing here names an action.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from ._rules import Emit, RuleContext
from ._suggest import did_you_mean
from ._syntax import RawDirective, from_ast
from ._values import Base64Name, Checked, template_variables
from .ast import Action, Directive, Parameter, Span, Stage, Value
from .diagnostics import Diagnostic
from .errors import ArgumentError
from .tables import CATEGORIES, MAX_PIPES, MAX_STYLE_NAME, OLDER_MAX_PIPES, STANDALONE, ActionInfo, Mode, ParamSpec, Role
from .tables.variables import PER_OPERATION

__all__ = ["ModeLike", "SourceAudio", "Validation", "validate"]

#: What ``mode=`` accepts: ``"async"``, ``"sync"``, a :class:`Mode`, or None for "unknown".
ModeLike = Optional[Union[Mode, str]]


@dataclass(frozen=True, slots=True)
class SourceAudio:
    """What the caller knows of the input audio, for checks of the effective output."""

    sample_rate: int | None = None  # Hz
    channels: int | None = None
    bitrate: int | None = None  # bit/s

    def __post_init__(self) -> None:
        for name in ("sample_rate", "channels", "bitrate"):
            value = getattr(self, name)
            if value is not None and (type(value) is not int or value <= 0):
                raise ArgumentError((), message=f"SourceAudio.{name} must be a positive int or None, not {value!r}")


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


def validate(directive: Directive, *, mode: ModeLike = None, source: SourceAudio | None = None) -> Validation:
    """Check a parsed (or built) directive against the tables.

    Diagnostics point into the text the directive was parsed from; for a tree built
    without spans they point into its :func:`~oss_process.unparse` form.
    """
    raw = from_ast(directive)
    report = check_raw(raw, coerce_mode(mode), source)
    return Validation(typed_tree(raw, report, directive.span), tuple(report.diagnostics))


class Report:
    """What one pass over a raw directive found, aligned with it for the printer:
    ``infos`` has an entry per action and ``checked`` one per parameter, in order."""

    __slots__ = ("checked", "diagnostics", "infos")

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.infos: list[ActionInfo | None] = []
        self.checked: list[Checked | None] = []

    @property
    def has_error(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def _stage_name(category: str | None, name: str) -> str:
    return name if category is None else f"{category}/{name}"


def check_raw(raw: RawDirective, mode: Mode | None, source: SourceAudio | None) -> Report:
    report = Report()
    diagnostics = report.diagnostics

    def emit(code: str, message: str, span: Span, hint: str | None = None) -> None:
        diagnostics.append(Diagnostic(code, message, span, hint))

    pipes = len(raw) - 1
    if pipes > OLDER_MAX_PIPES:
        over = raw[min(pipes, MAX_PIPES + 1)][1] - 1
        if pipes > MAX_PIPES:
            emit("E105", f"{pipes} pipes: OSS allows at most {MAX_PIPES}", Span(over, over + 1), "split the work into separate requests")
        else:
            emit("W106", f"{pipes} pipes: older OSS documentation allows only {OLDER_MAX_PIPES}", Span(over, over + 1))

    # Every action with its place, for the checks across stages below.
    flat: Flat = []
    for stage_index, (category, stage_start, stage_end, actions) in enumerate(raw):
        category_info = CATEGORIES.get(category) if category is not None else None
        if category is not None and category_info is None:
            emit(
                "E100",
                f"unknown category {category!r}",
                Span(stage_start, stage_start + len(category)),
                did_you_mean(category, CATEGORIES) or "categories: " + ", ".join(CATEGORIES),
            )
        unchecked: list[str] = []
        for action_index, (name, action_start, action_end, params) in enumerate(actions):
            action_span = Span(action_start, action_end)
            if category_info is None:
                info = STANDALONE.get(name) if category is None else None
            else:
                info = category_info.actions.get(name)
                if category_info.open_ended:
                    if len(name) > MAX_STYLE_NAME:
                        emit("E110", f"the style name is {len(name)} characters long; the limit is {MAX_STYLE_NAME}", action_span)
                elif info is None and category_info.covered:
                    emit(
                        "E101",
                        f"unknown action {name!r} in {category}",
                        Span(action_start, action_start + len(name)),
                        did_you_mean(name, category_info.actions) or f"{category} actions: " + ", ".join(category_info.actions),
                    )
                elif info is None or info.spec is None:
                    unchecked.append(name)
            report.infos.append(info)
            flat.append((stage_index, action_index, category, name, action_span, info))
            repeated = _repeated_category(params, last=action_index == len(actions) - 1)
            if repeated is not None:
                emit(
                    "E107",
                    f"the category {repeated[1]!r} is repeated inside a stage after {_stage_name(category, name)}",
                    Span(repeated[2], repeated[3]),
                    f"chain the next action with '/' alone, or start a new stage with '|{repeated[1]}/'",
                )
            if info is None or info.spec is None:
                report.checked.extend([None] * len(params))
            else:
                _check_parameters(report, emit, _stage_name(category, name), info, params, action_span, repeated, source)
        if unchecked:
            listed = ", ".join(dict.fromkeys(unchecked))
            emit(
                "W102",
                f"{category}/{listed} not checked: no parameter table for {'it' if len(unchecked) == 1 else 'them'} yet",
                Span(stage_start, stage_end),
            )

    _check_modes(flat, mode, raw, emit)
    _check_roles(flat, emit)
    _check_template_variables(raw, report, emit)
    return report


def _repeated_category(params: list[tuple[str | None, str, int, int]], last: bool) -> tuple[str | None, str, int, int] | None:
    """``image/auto-orient,1,image/resize``: a bare category name ends the action and
    another action follows in the same stage."""
    if params and not last:
        final = params[-1]
        if final[0] is None and final[1] in CATEGORIES:
            return final
    return None


def _check_parameters(
    report: Report,
    emit: Emit,
    where: str,
    info: ActionInfo,
    params: list[tuple[str | None, str, int, int]],
    action_span: Span,
    skip: object,
    source: SourceAudio | None,
) -> None:
    spec = info.spec
    assert spec is not None
    spans: dict[str, Span] = {}
    values: dict[str, Value] = {}
    checked = report.checked
    for param in params:
        key, text, start, end = param
        if key is None:
            checked.append(None)
            if param is not skip:
                emit(
                    "E204",
                    f"{where} takes key_value parameters; {text!r} has no key",
                    Span(start, end),
                    "parameters: " + ", ".join(spec.by_key),
                )
            continue
        pspec = spec.by_key.get(key)
        if pspec is None:
            checked.append(None)
            emit("E200", f"unknown parameter {key!r} for {where}", Span(start, start + len(key)), did_you_mean(key, spec.by_key))
            continue
        if key in spans:
            checked.append(None)
            emit("E201", f"{key} is given twice", Span(start, end), "keep one")
            continue
        spans[key] = Span(start, end)
        result = check_value(pspec, text)
        checked.append(result)
        if result.problems:
            value_span = Span(start + len(key) + 1, end)
            for problem in result.problems:
                emit(problem.code, f"{key}: {problem.message}", value_span, problem.hint)
        if result.value is not None:
            values[key] = result.value
    for pspec in spec.parameters:
        if pspec.required and pspec.key not in spans:
            emit(
                "E202",
                f"{where} needs {pspec.key}: {pspec.meaning}",
                action_span,
                f"add {pspec.key}_<{pspec.kind.describe()}>",
            )
    if spec.rules:

        def valid_for_parameter(key: str, value: Value) -> bool:
            return spec.by_key[key].kind.check(str(value)).value is not None

        context = RuleContext(where, values, spans, action_span, source, emit, valid_for_parameter)
        for rule in spec.rules:
            rule.check(context)


_VALUE_CACHE_SIZE = 1024


def check_value(pspec: ParamSpec, text: str) -> Checked:
    """``pspec.kind.check(text)``, remembered: a value's check depends on nothing else."""
    cache = pspec.checked
    result = cache.get(text)
    if result is None:
        result = pspec.kind.check(text)
        if len(cache) >= _VALUE_CACHE_SIZE:
            cache.clear()
        cache[text] = result
    return result


Flat = list[tuple[int, int, Optional[str], str, Span, Optional[ActionInfo]]]


def _role(info: ActionInfo | None) -> Role:
    return info.role if info is not None else Role.PROCESS


def _check_modes(flat: Flat, mode: Mode | None, raw: RawDirective, emit: Emit) -> None:
    effective = mode
    if mode is not None:
        for _, _, category, name, span, info in flat:
            if info is not None and mode not in info.modes:
                other = next(iter(info.modes))
                emit(
                    "E103",
                    f"{_stage_name(category, name)} runs only in {_MODE_WORDS[other]}, not in {_MODE_WORDS[mode]}",
                    span,
                    f"send it as {_PARAMETER[other]}",
                )
    else:
        needs = {m: next(((c, n, s) for _, _, c, n, s, info in flat if info is not None and info.modes == {m}), None) for m in Mode}
        async_needed, sync_needed = needs[Mode.ASYNC], needs[Mode.SYNC]
        if async_needed and sync_needed:
            later = max(async_needed, sync_needed, key=lambda item: item[2].start)
            emit(
                "E103",
                f"{_stage_name(async_needed[0], async_needed[1])} runs only in {_MODE_WORDS[Mode.ASYNC]} and "
                f"{_stage_name(sync_needed[0], sync_needed[1])} only in {_MODE_WORDS[Mode.SYNC]}: no one request runs both",
                later[2],
            )
        effective = Mode.ASYNC if async_needed else Mode.SYNC if sync_needed else None
    if effective is Mode.ASYNC:
        processing_stages = sorted({s for s, _, _, _, _, info in flat if s > 0 and _role(info) is Role.PROCESS})
        for stage_index in processing_stages:
            _, start, end, _ = raw[stage_index]
            emit(
                "E104",
                "in x-oss-async-process only sys/saveas and notify may follow the processing action",
                Span(start, end),
                "run further processing as a separate request on the saved result",
            )


_MODE_WORDS = {Mode.SYNC: "synchronous processing (x-oss-process)", Mode.ASYNC: "asynchronous processing (x-oss-async-process)"}
_PARAMETER = {Mode.SYNC: "x-oss-process", Mode.ASYNC: "x-oss-async-process"}


def _check_roles(flat: Flat, emit: Emit) -> None:
    """Processing first; then at most one save, followed only by at most one notify."""
    roles = [_role(entry[5]) for entry in flat]
    if flat and roles[0] is not Role.PROCESS:
        _, _, category, name, span, _ = flat[0]
        emit(
            "E109",
            f"nothing to process: the directive starts with {_stage_name(category, name)}",
            span,
            "put the processing action first, as in audio/convert,...|sys/saveas,...",
        )
    seen: set[Role] = set()
    for i, (_, action_index, category, name, span, _) in enumerate(flat):
        role = roles[i]
        if role is Role.PROCESS:
            continue
        label = _stage_name(category, name)
        if role in seen:
            emit("E108", f"{label} appears twice", span, "keep one")
            continue
        seen.add(role)
        if role is Role.SAVE:
            if any(r is not Role.NOTIFY for r in roles[i + 1 :]):
                emit("E108", f"{label} must be the last step; only notify may follow it", span)
        elif i != len(flat) - 1:
            emit("E108", f"{label} must be the last step", span)
        elif category is not None and (action_index == 0 or roles[i - 1] is not Role.SAVE):
            emit(
                "E108",
                f"{label} inside a stage must follow sys/saveas",
                span,
                "write .../saveas,o_.../notify,topic_... or a stage of its own: |notify,topic_...",
            )


def _check_template_variables(raw: RawDirective, report: Report, emit: Emit) -> None:
    """A per-operation variable ({autoext}, ...) in a saved name must be one the
    processing action before it defines, when its table says which it defines."""
    producer = None
    cursor = 0
    infos = iter(report.infos)
    for category, _, _, actions in raw:
        for name, _, _, params in actions:
            info = next(infos)
            checks = report.checked[cursor : cursor + len(params)]
            cursor += len(params)
            if info is None:
                continue
            if info.role is Role.PROCESS:
                producer = (_stage_name(category, name), info.spec.output_variables if info.spec else None)
                continue
            if producer is None or producer[1] is None or info.spec is None:
                continue
            for (key, _, start, end), result in zip(params, checks):
                pspec = info.spec.by_key.get(key) if key is not None else None
                if result is None or not isinstance(result.value, str) or pspec is None:
                    continue
                if not (isinstance(pspec.kind, Base64Name) and pspec.kind.rule.allows_templates and "{" in result.value):
                    continue
                for variable in template_variables(result.value)[0]:
                    if variable in PER_OPERATION and variable not in producer[1]:
                        emit(
                            "W309",
                            f"{key}: {{{variable}}} is not set by {producer[0]}",
                            Span(start, end),
                            "variables it sets: " + ", ".join("{" + v + "}" for v in sorted(producer[1])),
                        )


def typed_tree(raw: RawDirective, report: Report, span: Span) -> Directive:
    checked = iter(report.checked)
    stages = []
    for category, s_start, s_end, actions in raw:
        built = []
        for name, a_start, a_end, params in actions:
            parameters = []
            for key, text, p_start, p_end in params:
                result = next(checked)
                value = result.value if result is not None else None
                parameters.append(Parameter(key, text, Span(p_start, p_end), value))
            built.append(Action(name, tuple(parameters), Span(a_start, a_end)))
        stages.append(Stage(category, tuple(built), Span(s_start, s_end)))
    return Directive(tuple(stages), span)
