"""The vocabulary of the tables: what a category, an action and a parameter are."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

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

    @property
    def parameter(self) -> str:
        """The request parameter's name: ``x-oss-process`` or ``x-oss-async-process``."""
        return _PARAMETERS[self]

    @classmethod
    def from_parameter(cls, name: str) -> Mode | None:
        """The mode a request parameter's exact (case-sensitive) name selects, else None."""
        for mode, parameter in _PARAMETERS.items():
            if parameter == name:
                return mode
        return None


_PARAMETERS: Mapping[Mode, str] = MappingProxyType({Mode.SYNC: "x-oss-process", Mode.ASYNC: "x-oss-async-process"})


SYNC_ONLY = frozenset({Mode.SYNC})
ASYNC_ONLY = frozenset({Mode.ASYNC})
BOTH = frozenset({Mode.SYNC, Mode.ASYNC})


class Role(Enum):
    """Where an action may stand in a directive."""

    PROCESS = "process"  # produces or transforms content
    SAVE = "save"  # stores the result (sys/saveas)
    NOTIFY = "notify"  # announces completion (notify)


class ParamSpec:
    """One row of a parameter table, as the OSS documentation states it."""

    __slots__ = ("checked", "default", "key", "kind", "meaning", "required", "unit", "when_omitted")

    def __init__(
        self,
        key: str,
        kind: Kind,
        meaning: str,
        *,
        unit: str | None = None,
        required: bool = False,
        default: str | None = None,
        when_omitted: str | None = None,
    ) -> None:
        self.key = key
        self.kind = kind
        self.meaning = meaning
        self.unit = unit
        self.required = required
        #: The documented default, spelled canonically; a parameter equal to it is not printed.
        self.default = default
        #: What leaving the parameter out means, in words.
        self.when_omitted = when_omitted
        #: Results of ``kind.check`` by text: they depend on nothing else. Cleared when full.
        self.checked: dict[str, Checked] = {}

    def __repr__(self) -> str:
        return f"ParamSpec({self.key!r}, {self.kind!r})"


class ActionSpec:
    """The table of one action: its parameters in documented (and canonical) order."""

    __slots__ = ("by_key", "order", "output_variables", "parameters", "reference", "rules", "summary")

    def __init__(
        self,
        summary: str,
        parameters: tuple[ParamSpec, ...],
        rules: tuple[Rule, ...] = (),
        output_variables: frozenset[str] | None = None,
        reference: str = "",
    ) -> None:
        self.summary = summary
        self.parameters = parameters
        self.rules = rules
        #: Per-operation template variables ({autoext}, ...) this action's output defines.
        self.output_variables = output_variables
        self.reference = reference
        self.by_key: Mapping[str, ParamSpec] = MappingProxyType({p.key: p for p in parameters})
        self.order: Mapping[str, int] = MappingProxyType({p.key: i for i, p in enumerate(parameters)})

    def __repr__(self) -> str:
        return f"ActionSpec({self.summary!r})"


class ActionInfo(NamedTuple):
    """What the catalogue knows of an action, with or without a parameter table."""

    name: str
    modes: frozenset[Mode] = BOTH
    role: Role = Role.PROCESS
    spec: ActionSpec | None = None


class CategoryInfo(NamedTuple):
    name: str
    summary: str
    actions: Mapping[str, ActionInfo]
    #: Any action name is allowed (style/<name>); nothing about it can be checked.
    open_ended: bool = False

    @property
    def covered(self) -> bool:
        """True when some action has a table: then an unknown action is an error."""
        return any(info.spec is not None for info in self.actions.values())
