"""Rules across the parameters of one action, as data: each table lists the rules that
hold for its action, and the validator runs them without knowing the action.

A rule is any object with the members of :class:`Rule`; the ones here take keyword-only
options: ``Exclusive(keys=("aq", "ab"), hint="keep one")``. A rule that reads the source
names a field the catalogue declares (:class:`oss_process.source.SourceField`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol

from .ast import Value

if TYPE_CHECKING:
    from dataclasses import dataclass

    from .source import Source
else:
    from ._options import dataclass  # the same classes, without dataclass code generation

__all__ = [
    "Advised",
    "AffectsFormats",
    "AllowedPerChoice",
    "Alone",
    "AnimatedOnlyFrom",
    "AtMost",
    "ChainEmit",
    "ChainEntry",
    "ChainRule",
    "CropInside",
    "Doubtful",
    "Emit",
    "EndsChain",
    "EnlargesDespiteLimit",
    "Exclusive",
    "FailsBelowSource",
    "GridWithin",
    "IndexInside",
    "NameEmit",
    "Needs",
    "OneOf",
    "OnlyWith",
    "Overridden",
    "Rule",
    "RuleContext",
    "SavedName",
    "SourceAtMost",
    "SourceSideAtMost",
    "SourceWithin",
    "TargetWithin",
    "Untested",
    "WithinOutput",
]


class Emit(Protocol):
    """Report a problem at parameter ``key``, or at the action itself when ``key`` is None."""

    def __call__(self, code: str, message: str, key: str | None, hint: str | None = None) -> None: ...


class RuleContext(NamedTuple):
    """One action under check. ``present`` has every parameter given (valid or not);
    ``values`` only those whose value checked out. ``source`` is the object as this action
    receives it: the source given, as the actions before it changed it (their tables'
    ``effect``); ``position`` the action's index in the directive; ``output`` what the
    whole directive gives (None: not known); ``original`` the source as given."""

    values: Mapping[str, Value]
    present: Collection[str]
    source: Source | None
    emit: Emit
    valid_for_parameter: Callable[[str, Value], bool]
    position: int = 0
    output: Source | None = None
    #: The source as given, before any action changed it.
    original: Source | None = None


class Rule(Protocol):
    @property
    def reads(self) -> tuple[str, ...]:
        """Parameters whose values the rule reads; a rule that reads none and no source
        depends only on which parameters are present, and is checked once per shape."""

    @property
    def uses_source(self) -> bool: ...

    @property
    def source_fields(self) -> tuple[str, ...]:
        """The fields of :class:`~oss_process.source.Source` the rule reads."""

    @property
    def requires_source(self) -> bool:
        """The rule can report nothing without a description of the source audio."""

    def check(self, ctx: RuleContext) -> None: ...

    def describe(self) -> str: ...


#: ``quiet_when(values, present, bind)``, which a rule that reads values may have: a Python
#: expression over the speed layer's variables that is true only when ``check`` reports
#: nothing without a source. ``values`` maps each present key whose value checked out to
#: the variable holding its typed value; ``bind`` names a constant. None: it cannot say.
QuietWhen = Callable[[Mapping[str, str], Collection[str], Callable[[object, str], str]], "str | None"]


def _listing(values: tuple[int, ...] | tuple[str, ...], conjunction: str = "and") -> str:
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


@dataclass(frozen=True, kw_only=True)
class Exclusive:
    keys: tuple[str, ...]
    hint: str

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    def describe(self) -> str:
        return f"{_listing(self.keys)} are mutually exclusive"

    def check(self, ctx: RuleContext) -> None:
        given = [k for k in self.keys if k in ctx.present]
        if len(given) > 1:
            ctx.emit("E203", self.describe(), given[1], self.hint)


@dataclass(frozen=True, kw_only=True)
class AllowedPerChoice:
    """The values of ``key`` that each value of ``selector`` supports (the per-format
    tables; a choice not listed restricts nothing). When ``key`` is omitted the output
    keeps the source's value (``source_field``): checked against the table when the
    source is known, warned about when the table is narrow and the source unknown; with
    ``source_field`` empty, an omitted key is not checked.

    ``code`` is E210 where the restriction is documented; W232 where it is inferred
    (``basis`` says from what): then a value outside it is a warning, never a refusal."""

    key: str
    selector: str
    allowed: Mapping[str, tuple[int, ...] | tuple[str, ...]]
    source_field: str = ""
    noun: str
    unit: str = ""
    preferred: tuple[int, ...] | tuple[str, ...]
    code: str = "E210"
    basis: str = ""

    uses_source: ClassVar[bool] = True
    requires_source: ClassVar[bool] = False

    @property
    def source_fields(self) -> tuple[str, ...]:
        return (self.source_field,) if self.source_field else ()

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.key, self.selector)

    def describe(self) -> str:
        # Choices with the same values are listed together (doc/convert's many sources).
        grouped: dict[tuple[int, ...] | tuple[str, ...], list[str]] = {}
        for choice, values in self.allowed.items():
            grouped.setdefault(values, []).append(choice)
        rows = "; ".join(f"{', '.join(choices)}: {_listing(values)}" for values, choices in grouped.items())
        inferred = f" (inferred: {self.basis})" if self.code[0] == "W" else ""
        return f"{self.key} by {self.selector}: {rows}{inferred}"

    def quiet_when(self, values: Mapping[str, str], present: Collection[str], bind: Callable[[object, str], str]) -> str | None:
        choice = values.get(self.selector)
        if choice is None:  # no selector value to check the key by
            return "True"
        narrow = bind(frozenset(self.allowed), "NARROW_CHOICES")
        if self.key not in present:  # without a source, W211 for a narrow choice
            return "True" if not self.source_field else f"{choice}.__class__ is not str or {choice} not in {narrow}"
        value = values.get(self.key)
        if value is None:
            return "True"
        pairs = bind(frozenset((c, v) for c, allowed in self.allowed.items() for v in allowed), "ALLOWED_PAIRS")
        typed = f"{choice}.__class__ is str and {value}.__class__ in (int, str)"
        return f"not ({typed}) or {choice} not in {narrow} or ({choice}, {value}) in {pairs}"

    def _suggestion(self, allowed: tuple[int, ...] | tuple[str, ...], near: Value | None) -> int | str:
        if isinstance(near, int):
            numbers = [v for v in allowed if isinstance(v, int)]
            if numbers:
                return min(numbers, key=lambda v: abs(v - near))
        preferred: tuple[int | str, ...] = self.preferred
        return next((v for v in preferred if v in allowed), allowed[-1])

    def check(self, ctx: RuleContext) -> None:
        choice = ctx.values.get(self.selector)
        if not isinstance(choice, str):
            return
        allowed = self.allowed.get(choice)
        if self.key in ctx.present:
            value = ctx.values.get(self.key)
            if isinstance(value, int | str) and allowed is not None and value not in allowed:
                inferred = f" (inferred, not documented: {self.basis})" if self.code[0] == "W" else ""
                ctx.emit(
                    self.code,
                    f"{self.key}: {choice} supports the {self.noun}s {_listing(allowed)}, not {value}{inferred}",
                    self.key,
                    f"use {self.key}_{self._suggestion(allowed, value)}",
                )
            return
        if not self.source_field:
            return
        known = ctx.source.get(self.source_field) if ctx.source is not None else None
        if isinstance(known, int):
            # The seed restricts what a format keeps only where its note lists values (E212);
            # a source outside the parameter's own values is not documented to fail (W216).
            if allowed is not None and known not in allowed:
                ctx.emit(
                    "E212",
                    f"{self.key} is not set, so the output keeps the source's {self.noun} ({known} {self.unit}), "
                    f"which {self.selector}_{choice} does not support",
                    None,
                    f"set {self.key}_{self._suggestion(allowed, known)}",
                )
            elif not ctx.valid_for_parameter(self.key, known):
                ctx.emit(
                    "W216",
                    f"{self.key} is not set, so the output keeps the source's {self.noun} ({known} {self.unit}), "
                    f"outside the values {self.key} takes; whether {self.selector}_{choice} keeps it is not documented",
                    None,
                    f"set {self.key}_{self._suggestion(self.preferred, known)}",
                )
        elif allowed is not None:
            ctx.emit(
                "W211",
                f"{self.key} is not set: the output keeps the source's {self.noun}, "
                f"and {self.selector}_{choice} supports only {_listing(allowed)}; the job fails for any other",
                None,
                f"set it, for example {self.key}_{self._suggestion(allowed, None)}",
            )


@dataclass(frozen=True, kw_only=True)
class OnlyWith:
    """``key`` takes effect only when ``selector`` is one of ``choices``; with ``value``
    set, only that value of ``key`` is meant (doc/preview's ``export_1`` needs ``print_1``:
    ``export_0`` needs nothing)."""

    key: str
    selector: str
    choices: tuple[str, ...] | tuple[int, ...]
    #: What ``selector`` is when it is left out (its documented default), if anything.
    absent: str | int | None = None
    #: The one value of ``key`` the rule is about (None: any).
    value: str | int | None = None

    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.selector,) if self.value is None else (self.selector, self.key)

    @property
    def _written(self) -> str:
        return self.key if self.value is None else f"{self.key}_{self.value}"

    def describe(self) -> str:
        return f"{self._written} takes effect only with {self.selector} {_listing(self.choices, 'or')}"

    def quiet_when(self, values: Mapping[str, str], present: Collection[str], bind: Callable[[object, str], str]) -> str | None:
        if self.key not in present:
            return "True"
        other = ""  # true when the key's value is not the one meant
        if self.value is not None:
            given = values.get(self.key)
            if given is None:  # not checked out: not the value meant
                return "True"
            other = f"{given} != {bind(self.value, 'MEANT_VALUE')} or "
        choice = values.get(self.selector)
        if choice is None:  # left out, it is its default (when known): the same for every value
            by_default = self.selector not in present and self.absent is not None and self.absent not in self.choices
            if not by_default:
                return "True"
            return None if not other else other.removesuffix(" or ")
        effective = bind(frozenset(self.choices), "EFFECTIVE_CHOICES")
        return f"{other}{choice}.__class__ not in (str, int) or {choice} in {effective}"

    def check(self, ctx: RuleContext) -> None:
        if self.key not in ctx.present or (self.value is not None and ctx.values.get(self.key) != self.value):
            return
        choice = ctx.values.get(self.selector)
        by_default = choice is None and self.selector not in ctx.present
        if by_default:
            choice = self.absent
        if isinstance(choice, str | int) and choice not in self.choices:
            ctx.emit(
                "W213",
                f"{self._written} takes effect only when {self.selector} is {_listing(self.choices, 'or')}; "
                f"here it is {choice}{' (the default)' if by_default else ''}",
                self.key,
                f"remove {self.key}, or set {self.selector}_{self.choices[0]}",
            )


@dataclass(frozen=True, kw_only=True)
class Needs:
    """``key`` does nothing unless ``needed`` is given too (every key of it, when a tuple:
    a mixed watermark's ``order`` needs both ``text`` and ``image``)."""

    key: str
    needed: str | tuple[str, ...]

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def all_needed(self) -> tuple[str, ...]:
        return (self.needed,) if isinstance(self.needed, str) else self.needed

    def describe(self) -> str:
        return f"{self.key} takes effect only with {_listing(self.all_needed)}"

    def check(self, ctx: RuleContext) -> None:
        missing = [k for k in self.all_needed if k not in ctx.present]
        if self.key in ctx.present and missing:
            needed = _listing(self.all_needed)
            ctx.emit(
                "W214", f"{self.key} has no effect without {needed}", self.key, f"set {_listing(tuple(missing))}, or remove {self.key}"
            )


@dataclass(frozen=True, kw_only=True)
class Advised:
    """``keys`` the documentation advises setting: left out, the job may fail (``reason``:
    audio/concat's inputs keep their own rates and channels, which may differ)."""

    keys: tuple[str, ...]
    reason: str

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    def describe(self) -> str:
        return f"{_listing(self.keys)} should be set: {self.reason}"

    def check(self, ctx: RuleContext) -> None:
        missing = tuple(k for k in self.keys if k not in ctx.present)
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            ctx.emit("W234", f"{_listing(missing)} {verb} not set: {self.reason}", None, f"set {_listing(missing)}")


@dataclass(frozen=True, kw_only=True)
class OneOf:
    """At least one of ``keys`` is needed (a positional row counts by its key)."""

    keys: tuple[str, ...]
    #: How the message names them, when not by their keys (a bare value is no key).
    described: str | None = None

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    def describe(self) -> str:
        return f"one of {self.described or _listing(self.keys, 'or')} is needed"

    def check(self, ctx: RuleContext) -> None:
        if not any(k in ctx.present for k in self.keys):
            ctx.emit("E202", f"{self.describe()}: none is given", None, f"add {self.keys[0]}_<value>")


@dataclass(frozen=True, kw_only=True)
class Overridden:
    """``key`` has no effect when one of ``by`` is given: the documentation says which wins."""

    key: str
    by: tuple[str, ...]

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    def describe(self) -> str:
        return f"{self.key} has no effect with {_listing(self.by)}"

    def check(self, ctx: RuleContext) -> None:
        given = [k for k in self.by if k in ctx.present]
        if self.key in ctx.present and given:
            verb = "is given, and wins" if len(given) == 1 else "are given, and win"
            ctx.emit("W217", f"{self.key} has no effect: {_listing(tuple(given))} {verb}", self.key, f"remove {self.key}")


@dataclass(frozen=True, kw_only=True)
class Untested:
    """``key`` together with one of ``with_keys``: what OSS does is not documented."""

    key: str
    with_keys: tuple[str, ...]

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    def describe(self) -> str:
        return f"{self.key} with {_listing(self.with_keys)} is not documented"

    def check(self, ctx: RuleContext) -> None:
        given = [k for k in self.with_keys if k in ctx.present]
        if self.key in ctx.present and given:
            ctx.emit(
                "W218",
                f"{self.key} together with {_listing(tuple(given))}: which one OSS follows is not documented",
                self.key,
                f"keep {self.key} or {_listing(tuple(given))}",
            )


@dataclass(frozen=True, kw_only=True)
class Doubtful:
    """A value of ``key`` above ``above`` is within the range this project accepts but
    beyond a limit some source states (``note``): a warning, not a refusal."""

    key: str
    above: int
    note: str

    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.key,)

    def describe(self) -> str:
        return f"{self.key} above {self.above}: {self.note}"

    def quiet_when(self, values: Mapping[str, str], present: Collection[str], bind: Callable[[object, str], str]) -> str | None:
        value = values.get(self.key)
        return "True" if value is None else f"{value}.__class__ is not int or {value} <= {self.above}"

    def check(self, ctx: RuleContext) -> None:
        value = ctx.values.get(self.key)
        if isinstance(value, int) and value > self.above:
            ctx.emit("W219", f"{self.key}_{value} is above {self.above}: {self.note}", self.key, f"stay at or below {self.above}")


@dataclass(frozen=True, kw_only=True)
class FailsBelowSource:
    """With ``when`` set, the job fails when the source's ``source_field`` is below ``key``."""

    key: str
    when: tuple[str, str]
    source_field: str
    noun: str
    unit: str
    hint: str

    uses_source: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True

    @property
    def source_fields(self) -> tuple[str, ...]:
        return (self.source_field,)

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.key, self.when[0])

    def describe(self) -> str:
        return f"{self.when[0]}_{self.when[1]} fails when the source {self.noun} is below {self.key}"

    def check(self, ctx: RuleContext) -> None:
        switch, setting = self.when
        target = ctx.values.get(self.key)
        known = ctx.source.get(self.source_field) if ctx.source is not None else None
        if ctx.values.get(switch) == setting and isinstance(target, int) and isinstance(known, int) and known < target:
            ctx.emit(
                "E215",
                f"{switch}_{setting} fails the job: the source {self.noun} ({known} {self.unit}) "
                f"is below {self.key} ({target} {self.unit})",
                switch,
                self.hint,
            )


# --- Rules about an action's place in the directive --------------------------------------


class ChainEntry(NamedTuple):
    """One action of the directive, as chain rules see it."""

    label: str  # category/name, or the name of a stage of its own
    role: str  # the catalogue role's value: "process", "save" or "notify"
    spec: object  # its table (ActionSpec), or None
    present: frozenset[str]  # the keys given
    substep: bool = False  # a sub-step of the action before it (its table's ``substeps``)


class ChainEmit(Protocol):
    """Report a problem at the action of index ``at`` among all of the directive's."""

    def __call__(self, code: str, message: str, at: int, hint: str | None = None) -> None: ...


class ChainRule(Protocol):
    def check_chain(self, entries: tuple[ChainEntry, ...], index: int, emit: ChainEmit) -> None:
        """Check the action ``entries[index]`` (whose table lists the rule) among the others."""

    def describe(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class EndsChain:
    """No processing may follow the action: its output is not an image (``reason``)."""

    reason: str

    def describe(self) -> str:
        return f"nothing is processed after it: {self.reason}"

    def check_chain(self, entries: tuple[ChainEntry, ...], index: int, emit: ChainEmit) -> None:
        after = next((i for i in range(index + 1, len(entries)) if entries[i].role == "process"), None)
        if after is not None:
            emit(
                "W115",
                f"{entries[after].label} after {entries[index].label}: {self.reason}",
                after,
                f"end the chain with {entries[index].label}, or run it in a request of its own",
            )


@dataclass(frozen=True, kw_only=True)
class AtMost:
    """How many of this action (those with ``counting`` given, when set) one directive may
    hold: ``documented`` by the current page, ``refused`` above what any source allows."""

    documented: int
    refused: int
    noun: str
    counting: str | None = None
    other: str = ""

    def describe(self) -> str:
        return f"at most {self.documented} {self.noun}s in one directive"

    def check_chain(self, entries: tuple[ChainEntry, ...], index: int, emit: ChainEmit) -> None:
        me = entries[index]
        same = [i for i, e in enumerate(entries) if e.label == me.label and (self.counting is None or self.counting in e.present)]
        if not same or same[0] != index:
            return  # reported once, at the first
        count = len(same)
        if count > self.refused:
            emit("E117", f"{count} {self.noun}s: no source allows more than {self.refused}", same[self.refused], "remove some")
        elif count > self.documented:
            emit(
                "W116",
                f"{count} {self.noun}s: the documentation allows {self.documented}{self.other}",
                same[self.documented],
                f"keep at most {self.documented}",
            )


# --- Rules about the source image (spec/media-actions.md sections 0 and 1) ---------------


def _size(source: Source | None) -> tuple[int, int] | None:
    if source is None:
        return None
    width, height = source.number("width"), source.number("height")
    return None if width is None or height is None else (width, height)


@dataclass(frozen=True, kw_only=True)
class SourceWithin:
    """What OSS takes as a source image, checked at the directive's first action."""

    max_bytes: int
    max_side: int
    max_pixels: int

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = True
    #: Reads the image as the actions before it left it (``RuleContext.source``, ``output``).
    threaded: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True
    source_fields: ClassVar[tuple[str, ...]] = ("width", "height", "size", "frames")

    def describe(self) -> str:
        return f"a source of at most {self.max_bytes} bytes, {self.max_side} px a side and {self.max_pixels} px in all (x frames)"

    def check(self, ctx: RuleContext) -> None:
        if ctx.position != 0 or ctx.source is None:
            return
        size = ctx.source.number("size")
        if size is not None and size > self.max_bytes:
            ctx.emit(
                "W231",
                f"the source is {size} bytes, over the {self.max_bytes} OSS processes by default",
                None,
                "the quota can be raised for the bucket; else make the source smaller",
            )
        found = _size(ctx.source)
        if found is None:
            return
        width, height = found
        frames = ctx.source.number("frames") or 1
        if max(width, height) > self.max_side:
            ctx.emit("E225", f"the source is {width} x {height} px; OSS takes at most {self.max_side} px a side", None)
        elif width * height * frames > self.max_pixels:
            total = f"{width} x {height}" + (f" x {frames} frames" if frames > 1 else "")
            ctx.emit("E225", f"the source is {total} = {width * height * frames} px; OSS takes at most {self.max_pixels}", None)


@dataclass(frozen=True, kw_only=True)
class WithinOutput:
    """The image an action gives (its table's ``effect``) is at most ``max_side`` a side
    and ``max_pixels`` in all."""

    effect: Callable[[Mapping[str, Value], Source], Source]
    max_side: int
    max_pixels: int
    reads: tuple[str, ...]
    #: A target rule (``TargetWithin``) that already judges these values, whatever the source.
    target: TargetWithin | None = None

    uses_source: ClassVar[bool] = True
    #: Reads the image as the actions before it left it (``RuleContext.source``, ``output``).
    threaded: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True
    source_fields: ClassVar[tuple[str, ...]] = ("width", "height")

    def describe(self) -> str:
        return f"the result is at most {self.max_side} px a side and {self.max_pixels} px in all"

    def check(self, ctx: RuleContext) -> None:
        before = _size(ctx.source)
        if before is None or any(k in ctx.present and k not in ctx.values for k in self.reads):
            return  # a value already refused: what the action gives is not known
        if self.target is not None and ctx.values.get("m") in self.target.modes and "w" in ctx.values and "h" in ctx.values:
            return  # w x h exactly: the target rule says it
        assert ctx.source is not None
        found = _size(self.effect(ctx.values, ctx.source))
        if found is None or found == before:
            return  # the image as it came (limit_1): what OSS gives for it is not documented
        width, height = found
        if max(width, height) > self.max_side or width * height > self.max_pixels:
            ctx.emit(
                "E226",
                f"the result would be {width} x {height} px; OSS gives at most {self.max_side} px a side and {self.max_pixels} px in all",
                None,
                "resize to less",
            )


@dataclass(frozen=True, kw_only=True)
class EnlargesDespiteLimit:
    """A resize that would enlarge the image does nothing with limit_1 (the default)."""

    resized: Callable[..., tuple[int, int]]

    reads: ClassVar[tuple[str, ...]] = ("m", "w", "h", "l", "s", "p", "limit")
    uses_source: ClassVar[bool] = True
    #: Reads the image as the actions before it left it (``RuleContext.source``, ``output``).
    threaded: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True
    source_fields: ClassVar[tuple[str, ...]] = ("width", "height")

    def describe(self) -> str:
        return "with limit_1 (the default) a resize to more than the source gives the source's size"

    def check(self, ctx: RuleContext) -> None:
        found = _size(ctx.source)
        if found is None or ctx.values.get("limit", 1) != 1:
            return
        width, height = found
        target = self.resized(ctx.values, width, height, limited=False)
        if target[0] >= width and target[1] >= height and target != (width, height):
            ctx.emit(
                "W227",
                f"limit_1 (the default) keeps the {width} x {height} px source as it is: the resize would enlarge it to "
                f"{target[0]} x {target[1]}",
                None,
                "add limit_0 to enlarge",
            )


@dataclass(frozen=True, kw_only=True)
class CropInside:
    """A crop's origin must lie inside the image ("Advance cut's position is out of image")."""

    origin: Callable[[Mapping[str, Value], int, int], tuple[int, int]]

    reads: ClassVar[tuple[str, ...]] = ("x", "y", "w", "h", "g")
    uses_source: ClassVar[bool] = True
    #: Reads the image as the actions before it left it (``RuleContext.source``, ``output``).
    threaded: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True
    source_fields: ClassVar[tuple[str, ...]] = ("width", "height")

    def describe(self) -> str:
        return "the crop's origin lies inside the image"

    def check(self, ctx: RuleContext) -> None:
        found = _size(ctx.source)
        # Where another anchor than nw puts the origin is not documented: no refusal on a guess.
        if found is None or ctx.values.get("g", "nw") != "nw" or any(k in ctx.present and k not in ctx.values for k in ("x", "y")):
            return
        width, height = found
        x, y = self.origin(ctx.values, width, height)
        if x >= width or y >= height:
            ctx.emit(
                "E228",
                f"the crop starts at ({x}, {y}), outside the {width} x {height} px image: OSS refuses it "
                '("Advance cut\'s position is out of image")',
                "x" if x >= width and "x" in ctx.present else "y" if "y" in ctx.present else None,
            )


@dataclass(frozen=True, kw_only=True)
class IndexInside:
    """An index crop past the last slice gives the source image back, uncut."""

    slices: Callable[[Mapping[str, Value], int, int], tuple[int, int, int]]

    reads: ClassVar[tuple[str, ...]] = ("x", "y", "i")
    uses_source: ClassVar[bool] = True
    #: Reads the image as the actions before it left it (``RuleContext.source``, ``output``).
    threaded: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True
    source_fields: ClassVar[tuple[str, ...]] = ("width", "height")

    def describe(self) -> str:
        return "i names one of the slices"

    def check(self, ctx: RuleContext) -> None:
        found = _size(ctx.source)
        index = ctx.values.get("i", 0)
        if found is None or not isinstance(index, int):
            return
        width, height = found
        for key, side in (("y", height), ("x", width)):
            slice_size = ctx.values.get(key)
            if isinstance(slice_size, int) and slice_size > side:
                ctx.emit(
                    "W227",
                    f"{key}_{slice_size} is more than the image's {side} px: one slice, the whole image",
                    key,
                    f"use at most {key}_{side}",
                )
                return
            if slice_size is not None:
                break  # y wins over x
        count, _, _ = self.slices(ctx.values, *found)
        if index >= count:
            ctx.emit(
                "W227",
                f"i_{index} is past the last of the {count} slices: OSS gives the image back uncut",
                "i",
                f"use i_0 to i_{count - 1}",
            )


@dataclass(frozen=True, kw_only=True)
class SourceSideAtMost:
    """The action takes a source of at most ``max_side`` a side (rotate: 4096)."""

    max_side: int

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = True
    #: Reads the image as the actions before it left it (``RuleContext.source``, ``output``).
    threaded: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True
    source_fields: ClassVar[tuple[str, ...]] = ("width", "height")

    def describe(self) -> str:
        return f"the image it receives is at most {self.max_side} x {self.max_side} px"

    def check(self, ctx: RuleContext) -> None:
        found = _size(ctx.source)
        if found is None or max(found) <= self.max_side:
            return
        if _size(ctx.original) == found:  # the source as given: the documented limit
            ctx.emit(
                "E229",
                f"the source is {found[0]} x {found[1]} px; this action takes at most {self.max_side} x {self.max_side}",
                None,
                "resize it first",
            )
        else:  # the limit is documented for the source; for the image a chain made, inferred
            ctx.emit(
                "W230",
                f"the image is {found[0]} x {found[1]} px when it reaches this action, whose source may be at most "
                f"{self.max_side} x {self.max_side}",
                None,
                "resize to less first",
            )


@dataclass(frozen=True, kw_only=True)
class SourceAtMost:
    """The object the action takes is at most ``maximum`` in ``field`` (doc/snapshot: a
    document of at most 20 MB): beyond it, E229."""

    field: str
    maximum: int
    #: What the object is, in the message ("document").
    noun: str
    unit: str

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True

    @property
    def source_fields(self) -> tuple[str, ...]:
        return (self.field,)

    def describe(self) -> str:
        return f"the {self.noun} it takes is at most {self.maximum} {self.unit}"

    def check(self, ctx: RuleContext) -> None:
        known = ctx.source.number(self.field) if ctx.source is not None else None
        if known is not None and known > self.maximum:
            ctx.emit("E229", f"the {self.noun} is {known} {self.unit}; this action takes at most {self.maximum}", None)


@dataclass(frozen=True, kw_only=True)
class AffectsFormats:
    """The action changes only outputs of ``formats`` (quality: jpg and webp)."""

    formats: tuple[str, ...]
    what: str

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = True
    #: Reads the image as the actions before it left it (``RuleContext.source``, ``output``).
    threaded: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True
    source_fields: ClassVar[tuple[str, ...]] = ("format",)

    def describe(self) -> str:
        return f"{self.what} changes only {_listing(self.formats)} outputs"

    def check(self, ctx: RuleContext) -> None:
        output = ctx.output.word("format") if ctx.output is not None else None
        if output is not None and output not in self.formats:
            ctx.emit("W227", f"the output is {output}: {self.what} changes only {_listing(self.formats)} outputs", None)


@dataclass(frozen=True, kw_only=True)
class AnimatedOnlyFrom:
    """Converting to ``target`` keeps animation only from a source of that format."""

    target: str

    reads: ClassVar[tuple[str, ...]] = ("format",)
    uses_source: ClassVar[bool] = True
    #: Reads the image as the actions before it left it (``RuleContext.source``, ``output``).
    threaded: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True
    source_fields: ClassVar[tuple[str, ...]] = ("format",)

    def describe(self) -> str:
        return f"format,{self.target} is animated only from a {self.target} source"

    def check(self, ctx: RuleContext) -> None:
        before = ctx.source.word("format") if ctx.source is not None else None
        if ctx.values.get("format") == self.target and before is not None and before != self.target:
            ctx.emit("W227", f"format,{self.target} from a {before} image gives a still {self.target}, not an animation", "format")


@dataclass(frozen=True, kw_only=True)
class TargetWithin:
    """In ``modes`` that give exactly w x h, that target is at most ``max_pixels``
    (EC 0040-00000007 refuses ``m_fixed,w_5000,h_5000``), whatever the source."""

    modes: tuple[str, ...]
    max_pixels: int

    reads: ClassVar[tuple[str, ...]] = ("m", "w", "h")
    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    def describe(self) -> str:
        return f"with m {_listing(self.modes, 'or')}, w x h is at most {self.max_pixels} px"

    def quiet_when(self, values: Mapping[str, str], present: Collection[str], bind: Callable[[object, str], str]) -> str | None:
        mode, width, height = values.get("m"), values.get("w"), values.get("h")
        if mode is None or width is None or height is None:
            return "True"
        return (
            f"{mode} not in {bind(frozenset(self.modes), 'EXACT_MODES')} or {width}.__class__ is not int "
            f"or {height}.__class__ is not int or {width} * {height} <= {self.max_pixels}"
        )

    def check(self, ctx: RuleContext) -> None:
        width, height = ctx.values.get("w"), ctx.values.get("h")
        if ctx.values.get("m") in self.modes and isinstance(width, int) and isinstance(height, int) and width * height > self.max_pixels:
            ctx.emit(
                "E226",
                f"m_{ctx.values['m']} gives {width} x {height} = {width * height} px; OSS gives at most {self.max_pixels} px in all",
                "w",
                "resize to less",
            )


@dataclass(frozen=True, kw_only=True)
class GridWithin:
    """A row (or column) of ``count`` cells of ``cell`` px, ``gap`` px apart inside a
    ``border`` of that many px, spans count x cell + (count - 1) x gap + 2 x border: beyond
    ``limit`` a warning (W219), as the page states the limit but not what OSS does past it,
    and the layout is inferred. Left out, gap and border are 0 (their default); without
    count or cell the span is not known."""

    count: str
    cell: str
    gap: str
    border: str
    limit: int
    note: str

    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.count, self.cell, self.gap, self.border)

    def describe(self) -> str:
        return f"{self.count} x {self.cell} + ({self.count} - 1) x {self.gap} + 2 x {self.border} is at most {self.limit}: {self.note}"

    def numbers(self, values: Mapping[str, Value]) -> tuple[int, int, int, int]:
        """count, cell, gap and border, each 0 when left out (or not a number)."""
        found = [values.get(k, 0) for k in (self.count, self.cell, self.gap, self.border)]
        count, cell, gap, border = (n if isinstance(n, int) else 0 for n in found)
        return count, cell, gap, border

    def span(self, values: Mapping[str, Value]) -> int:
        count, cell, gap, border = self.numbers(values)
        return count * cell + (count - 1) * gap + 2 * border

    def known(self, values: Mapping[str, Value], present: Collection[str]) -> bool:
        """Whether the span can be told: count and cell given, and every value given checked out."""
        if not all(isinstance(values.get(k), int) for k in (self.count, self.cell)):
            return False
        return all(isinstance(values.get(k), int) for k in (self.gap, self.border) if k in present)

    def quiet_when(self, values: Mapping[str, str], present: Collection[str], bind: Callable[[object, str], str]) -> str | None:
        named = {k: values.get(k) for k in self.reads}
        if any(named[k] is None for k in (self.count, self.cell)) or any(named[k] is None for k in (self.gap, self.border) if k in present):
            return "True"  # a value left out or not checked out: no span to tell
        terms = [named[k] for k in self.reads if named[k] is not None]
        typed = " and ".join(f"{t}.__class__ is int" for t in terms)
        gap, border = named[self.gap] or "0", named[self.border] or "0"
        total = f"{named[self.count]} * {named[self.cell]} + ({named[self.count]} - 1) * {gap} + 2 * {border}"
        return f"not ({typed}) or {total} <= {self.limit}"

    def check(self, ctx: RuleContext) -> None:
        if not self.known(ctx.values, ctx.present):
            return
        span = self.span(ctx.values)
        if span > self.limit:
            count, cell = ctx.values[self.count], ctx.values[self.cell]
            ctx.emit(
                "W219",
                f"{self.count}_{count} of {self.cell}_{cell} (with {self.gap}_{ctx.values.get(self.gap, 0)}, "
                f"{self.border}_{ctx.values.get(self.border, 0)}) span {span} px: {self.note}",
                self.count,
                f"fewer or smaller, to at most {self.limit} px",
            )


# --- Rules about a video and its units (spec/media-actions.md section 2) -----------------


@dataclass(frozen=True, kw_only=True)
class LikelyUnit:
    """A non-zero value of ``key`` below ``below`` is valid, but reads as another unit
    (``note``: snapshot ``t_1`` is 1 ms, where the writer most likely meant 1 s)."""

    key: str
    below: int
    note: str
    #: How many of the key's unit make the unit it was likely meant in (1000 ms in a second).
    factor: int = 1000

    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.key,)

    def describe(self) -> str:
        return f"{self.key} from 1 to {self.below - 1}: {self.note}"

    def quiet_when(self, values: Mapping[str, str], present: Collection[str], bind: Callable[[object, str], str]) -> str | None:
        value = values.get(self.key)
        return "True" if value is None else f"{value}.__class__ is not int or {value} == 0 or {value} >= {self.below}"

    def check(self, ctx: RuleContext) -> None:
        value = ctx.values.get(self.key)
        if isinstance(value, int) and 0 < value < self.below:
            ctx.emit(
                "W233", f"{self.key}_{value}: {self.note}", self.key, f"if you meant {value} s, write {self.key}_{value * self.factor}"
            )


#: What a :class:`WithinSource` compares with: the source fields it needs, and how.
_MEASURES: Mapping[str, tuple[tuple[str, ...], Callable[..., int]]] = {
    "width": (("width",), lambda width: width),
    "height": (("height",), lambda height: height),
    "long side": (("width", "height"), max),
    "short side": (("width", "height"), min),
    "duration": (("duration",), lambda duration: duration),
}


@dataclass(frozen=True, kw_only=True)
class WithinSource:
    """``key`` is at most the source video's ``measure`` (a field, or the long or short
    side): beyond it, ``code``, an error where the page gives the range as [0, the
    measure], a warning (W227) where it says what OSS does instead (``instead``)."""

    key: str
    measure: str
    unit: str
    code: str
    instead: str = ""

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = True
    requires_source: ClassVar[bool] = True

    @property
    def source_fields(self) -> tuple[str, ...]:
        return _MEASURES[self.measure][0]

    def describe(self) -> str:
        return f"{self.key} is at most the video's {self.measure}"

    def check(self, ctx: RuleContext) -> None:
        value = ctx.values.get(self.key)
        fields, measure = _MEASURES[self.measure]
        known = [ctx.source.number(f) if ctx.source is not None else None for f in fields]
        if not isinstance(value, int) or any(k is None for k in known):
            return
        limit = measure(*known)
        if value > limit:
            said = f"{self.key}_{value} is past the video's {self.measure}, {limit} {self.unit}"
            if self.code[0] == "W":
                ctx.emit(self.code, f"{said}: {self.instead}", self.key, f"use at most {self.key}_{limit}")
            else:
                ctx.emit(self.code, f"{said}: the range is 0 to the video's {self.measure}", self.key, f"use at most {self.key}_{limit}")


__all__ += ["LikelyUnit", "WithinSource"]


# --- An action that is the whole directive --------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Alone:
    """The action is the whole directive: no other action, in its stage or after a '|'
    (``reason`` says who documents it)."""

    reason: str

    def describe(self) -> str:
        return f"the whole directive, with no other action or stage: {self.reason}"

    def check_chain(self, entries: tuple[ChainEntry, ...], index: int, emit: ChainEmit) -> None:
        # Chain entries do not say which stage an action is in: any other action is one too
        # many, but its own sub-steps (doc/preview's /watermark) are part of it.
        other = next((i for i in range(len(entries)) if i != index and not entries[i].substep), None)
        if other is not None:
            me = entries[index].label
            emit("E118", f"{entries[other].label} with {me}: {self.reason}", other, f"send {me} as a directive of its own")


@dataclass(frozen=True, kw_only=True)
class SavedName:
    """The object name the action's output is saved as (``sys/saveas``'s ``o``) should
    have a file suffix (``suffix`` True) or none (False): ``reason`` says what OSS does
    otherwise (video/snapshots: with one, only the last frame survives). A name holding one
    of the ``varying`` variables ({index}) differs per output, and is not judged."""

    suffix: bool
    reason: str
    varying: tuple[str, ...] = ("index",)

    def describe(self) -> str:
        return f"the object it is saved as has {'a' if self.suffix else 'no'} suffix: {self.reason}"

    def check_chain(self, entries: tuple[ChainEntry, ...], index: int, emit: ChainEmit) -> None:
        return None  # the name is a value: check_saved reads it

    def check_saved(self, name: str, emit: NameEmit) -> None:
        """Check ``name``, the object the action's output is saved as."""
        from .kinds import template_variables

        if "{" in name and any(v in self.varying for v in template_variables(name)[0]):
            return
        base = name.rpartition("/")[2]
        stem, dot, ending = base.rpartition(".")
        has_suffix = bool(dot and stem and ending)
        if has_suffix != self.suffix:
            said = f"has the suffix .{ending}" if has_suffix else "has no suffix"
            hint = f"save it as {name[: len(name) - len(ending) - 1]!r}" if has_suffix else "add a suffix, such as .jpg"
            emit("W316", f"{name!r} {said}: {self.reason}", hint)


class NameEmit(Protocol):
    """Report a problem with the saved object's name."""

    def __call__(self, code: str, message: str, hint: str | None = None) -> None: ...
