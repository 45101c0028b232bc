"""The typed, immutable syntax tree of a directive.

Every node is a frozen, slotted dataclass: hashable, picklable and comparable. Equality
is structural: spans (where a node sat in its source) and the typed values that
validation attaches do not take part in it, so ``parse(unparse(tree)) == tree``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["Action", "Directive", "Parameter", "Span", "Stage", "Value"]

#: A typed parameter value: an integer, or a string (an enum value, a decoded name).
Value = int | str


class Span(NamedTuple):
    """Offsets into the source text, in code points: ``text[start:end]``."""

    start: int
    end: int


NO_SPAN = Span(0, 0)


@dataclass(frozen=True, slots=True)
class Parameter:
    """``key_value`` (``key`` set) or a bare value (``key`` is None).

    ``text`` is the value as written; ``value`` is its typed meaning, set by validation.
    """

    key: str | None
    text: str
    span: Span = field(default=NO_SPAN, compare=False)
    value: Value | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Action:
    """One step: ``name`` and its parameters, in the order written."""

    name: str
    parameters: tuple[Parameter, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)

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


@dataclass(frozen=True, slots=True)
class Directive:
    """A whole directive: its stages, left to right."""

    stages: tuple[Stage, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    def actions(self) -> tuple[tuple[Stage, Action], ...]:
        """Every action with the stage it belongs to, in order."""
        return tuple((stage, action) for stage in self.stages for action in stage.actions)
