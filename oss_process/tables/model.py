"""The vocabulary of the tables: what a category, an action and a parameter are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._rules import Rule
    from .._values import Checked, Kind

__all__ = ["ASYNC_ONLY", "BOTH", "SYNC_ONLY", "ActionInfo", "ActionSpec", "CategoryInfo", "Mode", "ParamSpec", "Role"]


class Mode(str, Enum):
    """The request parameter a directive travels in; compares equal to its value."""

    SYNC = "sync"  # x-oss-process
    ASYNC = "async"  # x-oss-async-process

    def __str__(self) -> str:
        return self.value


SYNC_ONLY = frozenset({Mode.SYNC})
ASYNC_ONLY = frozenset({Mode.ASYNC})
BOTH = frozenset({Mode.SYNC, Mode.ASYNC})


class Role(Enum):
    """Where an action may stand in a directive."""

    PROCESS = "process"  # produces or transforms content
    SAVE = "save"  # stores the result (sys/saveas)
    NOTIFY = "notify"  # announces completion (notify)


@dataclass(frozen=True)
class ParamSpec:
    """One row of a parameter table, as the OSS documentation states it."""

    key: str
    kind: Kind
    meaning: str
    unit: str | None = None
    required: bool = False
    #: The documented default, spelled canonically; a parameter equal to it is not printed.
    default: str | None = None
    #: What leaving the parameter out means, in words.
    when_omitted: str | None = None
    #: Results of ``kind.check`` by text: they depend on nothing else. Cleared when full.
    checked: dict[str, Checked] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)


@dataclass(frozen=True)
class ActionSpec:
    """The table of one action: its parameters in documented (and canonical) order."""

    summary: str
    parameters: tuple[ParamSpec, ...]
    rules: tuple[Rule, ...] = ()
    #: Per-operation template variables ({autoext}, ...) this action's output defines.
    output_variables: frozenset[str] | None = None
    reference: str = ""
    by_key: Mapping[str, ParamSpec] = field(init=False, repr=False, compare=False)
    order: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", MappingProxyType({p.key: p for p in self.parameters}))
        object.__setattr__(self, "order", MappingProxyType({p.key: i for i, p in enumerate(self.parameters)}))


@dataclass(frozen=True)
class ActionInfo:
    """What the catalogue knows of an action, with or without a parameter table."""

    name: str
    modes: frozenset[Mode] = BOTH
    role: Role = Role.PROCESS
    spec: ActionSpec | None = None


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    summary: str
    actions: Mapping[str, ActionInfo]
    #: Any action name is allowed (style/<name>); nothing about it can be checked.
    open_ended: bool = False

    @property
    def covered(self) -> bool:
        """True when some action has a table: then an unknown action is an error."""
        return any(info.spec is not None for info in self.actions.values())
