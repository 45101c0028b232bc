"""Rules across the parameters of one action, as data: each table lists the rules that
hold for its action, and the validator runs them without knowing the action.

A rule is any object with the members of :class:`Rule`; the ones here take keyword-only
options: ``Exclusive(keys=("aq", "ab"), hint="keep one")``. A rule that reads the source
names a field the catalogue declares (:class:`oss_process.source.SourceField`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol

from .ast import Value

if TYPE_CHECKING:
    from .source import Source

__all__ = ["AllowedPerChoice", "Emit", "Exclusive", "FailsBelowSource", "Needs", "OnlyWith", "Rule", "RuleContext"]


class Emit(Protocol):
    """Report a problem at parameter ``key``, or at the action itself when ``key`` is None."""

    def __call__(self, code: str, message: str, key: str | None, hint: str | None = None) -> None: ...


class RuleContext(NamedTuple):
    """One action under check. ``present`` has every parameter given (valid or not);
    ``values`` only those whose value checked out."""

    values: Mapping[str, Value]
    present: Collection[str]
    source: Source | None
    emit: Emit
    valid_for_parameter: Callable[[str, Value], bool]


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


def _listing(values: tuple[int, ...] | tuple[str, ...]) -> str:
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


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
    tables). When ``key`` is omitted the output keeps the source's value
    (``source_field``): checked against the table when the source is known, warned
    about when the table is narrow and the source unknown."""

    key: str
    selector: str
    allowed: Mapping[str, tuple[int, ...]]
    source_field: str
    noun: str
    unit: str
    preferred: tuple[int, ...]

    uses_source: ClassVar[bool] = True
    requires_source: ClassVar[bool] = False

    @property
    def source_fields(self) -> tuple[str, ...]:
        return (self.source_field,)

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.key, self.selector)

    def describe(self) -> str:
        rows = "; ".join(f"{choice}: {_listing(values)}" for choice, values in self.allowed.items())
        return f"{self.key} by {self.selector}: {rows}"

    def _suggestion(self, allowed: tuple[int, ...], near: int | None) -> int:
        if near is not None:
            return min(allowed, key=lambda v: abs(v - near))
        return next((v for v in self.preferred if v in allowed), allowed[-1])

    def check(self, ctx: RuleContext) -> None:
        choice = ctx.values.get(self.selector)
        if not isinstance(choice, str):
            return
        allowed = self.allowed.get(choice)
        if self.key in ctx.present:
            value = ctx.values.get(self.key)
            if isinstance(value, int) and allowed is not None and value not in allowed:
                ctx.emit(
                    "E210",
                    f"{self.key}: {choice} supports the {self.noun}s {_listing(allowed)}, not {value}",
                    self.key,
                    f"use {self.key}_{self._suggestion(allowed, value)}",
                )
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
    """``key`` takes effect only when ``selector`` is one of ``choices``."""

    key: str
    selector: str
    choices: tuple[str, ...]

    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.selector,)

    def describe(self) -> str:
        return f"{self.key} takes effect only with {self.selector} {_listing(self.choices)}"

    def check(self, ctx: RuleContext) -> None:
        choice = ctx.values.get(self.selector)
        if self.key in ctx.present and isinstance(choice, str) and choice not in self.choices:
            ctx.emit(
                "W213",
                f"{self.key} takes effect only when {self.selector} is {_listing(self.choices)}; here it is {choice}",
                self.key,
                f"remove {self.key}, or set {self.selector}_{self.choices[0]}",
            )


@dataclass(frozen=True, kw_only=True)
class Needs:
    """``key`` does nothing unless ``needed`` is given too."""

    key: str
    needed: str

    reads: ClassVar[tuple[str, ...]] = ()
    uses_source: ClassVar[bool] = False
    requires_source: ClassVar[bool] = False
    source_fields: ClassVar[tuple[str, ...]] = ()

    def describe(self) -> str:
        return f"{self.key} takes effect only with {self.needed}"

    def check(self, ctx: RuleContext) -> None:
        if self.key in ctx.present and self.needed not in ctx.present:
            ctx.emit("W214", f"{self.key} has no effect without {self.needed}", self.key, f"set {self.needed}, or remove {self.key}")


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
