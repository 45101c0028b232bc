"""The typed, immutable syntax tree of a directive.

Every node is a frozen, slotted dataclass: hashable, picklable and comparable. Equality
is structural: spans (where a node sat in its source) and the typed values that
validation attaches do not take part in it, so ``parse(unparse(tree)) == tree``.

Each constructor checks the types of its fields: a wrong one raises
:class:`~oss_process.ArgumentError` naming the node and the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .errors import ArgumentError

__all__ = ["Action", "Directive", "Parameter", "Span", "Stage", "Value"]

#: A typed parameter value: an integer, or a string (an enum value, a decoded name).
Value = int | str


def _wrong(place: str, wanted: str, found: object) -> ArgumentError:
    from .errors import ArgumentError  # errors imports diagnostics, which imports this module

    return ArgumentError((), message=f"{place} must be {wanted}, not {type(found).__name__} ({found!r:.60})")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Offsets(NamedTuple):
    start: int
    end: int


class Span(_Offsets):
    """Offsets into the source text, in code points: ``text[start:end]``."""

    __slots__ = ()

    def __new__(cls, start: int, end: int) -> Span:
        # A NamedTuple's own __new__ cannot be replaced in its body: hence the base class.
        if start.__class__ is not int or end.__class__ is not int:
            for name, value in (("start", start), ("end", end)):
                if not _is_int(value):
                    raise _wrong(f"Span.{name}", "an int", value)
        return tuple.__new__(cls, (start, end))


NO_SPAN = Span(0, 0)


def _check_children(place: str, children: object, kind: type) -> None:
    """``children`` is a tuple of ``kind`` nodes (exactly: a subclass would not compare equal)."""
    if not isinstance(children, tuple):
        raise _wrong(place, f"a tuple of {kind.__name__}", children)
    for index, child in enumerate(children):
        if child.__class__ is not kind:
            raise _wrong(f"{place}[{index}]", f"{'an' if kind.__name__[0] in 'AEIOU' else 'a'} {kind.__name__}", child)


@dataclass(frozen=True, slots=True)
class Parameter:
    """``key_value`` (``key`` set) or a bare value (``key`` is None).

    ``text`` is the value as written; ``value`` is its typed meaning, set by validation.
    """

    key: str | None
    text: str
    span: Span = field(default=NO_SPAN, compare=False)
    value: Value | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not (self.key is None or isinstance(self.key, str)):
            raise _wrong("Parameter.key", "a str or None", self.key)
        if not isinstance(self.text, str):
            raise _wrong("Parameter.text", "a str", self.text)
        if self.span.__class__ is not Span:
            raise _wrong("Parameter.span", "a Span", self.span)
        value = self.value
        if not (value is None or isinstance(value, str) or _is_int(value)):
            raise _wrong("Parameter.value", "an int, a str or None", value)


@dataclass(frozen=True, slots=True)
class Action:
    """One step: ``name`` and its parameters, in the order written."""

    name: str
    parameters: tuple[Parameter, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise _wrong("Action.name", "a str", self.name)
        _check_children("Action.parameters", self.parameters, Parameter)
        if self.span.__class__ is not Span:
            raise _wrong("Action.span", "a Span", self.span)

    def get(self, key: str) -> Parameter | None:
        """The first parameter with this key, if any."""
        for parameter in self.parameters:
            if parameter.key == key:
                return parameter
        return None


@dataclass(frozen=True, slots=True)
class Stage:
    """One ``|``-separated stage: ``category/action[/action...]``.

    ``style/<name>`` is category ``"style"`` with one action named after the style.
    The bare ``notify,topic_...`` stage has ``category`` None.
    """

    category: str | None
    actions: tuple[Action, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        if not (self.category is None or isinstance(self.category, str)):
            raise _wrong("Stage.category", "a str or None", self.category)
        _check_children("Stage.actions", self.actions, Action)
        if self.span.__class__ is not Span:
            raise _wrong("Stage.span", "a Span", self.span)


@dataclass(frozen=True, slots=True)
class Directive:
    """A whole directive: its stages, left to right."""

    stages: tuple[Stage, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    def __post_init__(self) -> None:
        _check_children("Directive.stages", self.stages, Stage)
        if self.span.__class__ is not Span:
            raise _wrong("Directive.span", "a Span", self.span)

    def actions(self) -> tuple[tuple[Stage, Action], ...]:
        """Every action with the stage it belongs to, in order."""
        return tuple((stage, action) for stage in self.stages for action in stage.actions)
