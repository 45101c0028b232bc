"""The vocabulary of the tables: what a category, an action and a parameter are."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from .._frozen import Frozen
from ..errors import ArgumentError
from ..kinds import Checked, Problem
from ..source import Source, SourceField

if TYPE_CHECKING:
    from ..ast import Value
    from ..kinds import Kind
    from ..rules import ChainRule, Rule

__all__ = [
    "ASYNC_ONLY",
    "BOTH",
    "SYNC_ONLY",
    "ActionInfo",
    "ActionSpec",
    "Catalogue",
    "CategoryInfo",
    "Confidence",
    "Mode",
    "ParamSpec",
    "Role",
]


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


class Confidence(str, Enum):
    """How a row's facts are known, as ``spec/media-actions.md`` tags them."""

    DOC = "DOC"  # an official documentation page or error-code page
    SDK = "SDK"  # official SDK source, tests or samples
    EX = "EX"  # seen in real strings only (official samples or public code)
    INF = "INF"  # inferred

    def __str__(self) -> str:
        return self.value

    @property
    def documented(self) -> bool:
        """True when an official page or SDK states the fact."""
        return self in (Confidence.DOC, Confidence.SDK)


class ParamSpec(Frozen):
    """One row of a parameter table, as the OSS documentation states it.

    ``keyword`` is the row's name in the builder (``AudioConvert(start_ms=...)`` fills
    ``ss``); without one the key itself is the keyword.
    """

    __slots__ = ("bounds", "confidence", "default", "key", "keyword", "kind", "meaning", "required", "source", "unit", "when_omitted")

    key: str
    kind: Kind
    meaning: str
    keyword: str
    unit: str | None
    required: bool
    #: The documented default, spelled canonically; a parameter equal to it is not printed.
    default: str | None
    #: What leaving the parameter out means, in words.
    when_omitted: str | None
    #: Where the row's facts come from (None: the action's reference).
    source: str | None
    #: How they are known; a row that is not documented (EX, INF) is checked, and using it
    #: is a warning (W223) that says so.
    confidence: Confidence
    #: How the kind's range or choices are known (default DOC: an undocumented key may
    #: still have documented limits, as quality's bare value has). Not documented, a value
    #: they refuse is a warning (W232), never a refusal on a guess.
    bounds: Confidence

    def __init__(
        self,
        key: str,
        kind: Kind,
        meaning: str,
        *,
        keyword: str | None = None,
        unit: str | None = None,
        required: bool = False,
        default: str | None = None,
        when_omitted: str | None = None,
        source: str | None = None,
        confidence: Confidence = Confidence.DOC,
        bounds: Confidence = Confidence.DOC,
    ) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "meaning", meaning)
        object.__setattr__(self, "keyword", keyword or key)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "required", required)
        #: The documented default, spelled canonically; a parameter equal to it is not printed.
        object.__setattr__(self, "default", default)
        #: What leaving the parameter out means, in words.
        object.__setattr__(self, "when_omitted", when_omitted)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "confidence", confidence)
        object.__setattr__(self, "bounds", bounds)

    def __repr__(self) -> str:
        return f"ParamSpec({self.key!r}, {self.kind!r})"

    def known_as(self, confidence: Confidence, source: str | None = None) -> ParamSpec:
        """This row as another table takes it where it is known only as ``confidence``
        (hls/m3u8 takes video/convert's rows, seen only in its presets: EX): the same key,
        kind, meaning and defaults; its limits no better known than the row there
        (``bounds`` the weaker of its own and ``confidence``); ``source`` says where.

        Its default is not this table's documented default: the canonical form keeps an
        explicit value equal to it (a cache key must not merge what may differ here)."""
        bounds = min(self.bounds, confidence, key=_RANK.__getitem__)
        omitted = self.when_omitted
        if self.default is not None and not confidence.documented:
            omitted = f"{omitted or 'undocumented'} (where the row comes from, the default is {self.default})"
        return ParamSpec(
            self.key,
            self.kind,
            self.meaning,
            keyword=self.keyword,
            unit=self.unit,
            required=self.required,
            default=self.default if confidence.documented else None,
            when_omitted=omitted,
            source=source if source is not None else self.source,
            confidence=min(self.confidence, confidence, key=_RANK.__getitem__),
            bounds=bounds,
        )

    def check(self, text: str) -> Checked:
        """The kind's check of a value of this row. Where the row's bounds are not
        documented, what only they refuse (the codes of ``INFERRED_REFUSALS``) is W232."""
        checked = self.kind.check(text)
        if checked.value is not None or self.bounds.documented or not checked.problems:
            return checked
        if not all(p.code in INFERRED_REFUSALS for p in checked.problems if p.code[0] == "E"):
            return checked
        how = "inferred" if self.bounds is Confidence.INF else "only seen in use"
        where = f": {self.source}" if self.source else ""
        warned = tuple(
            Problem("W232", f"{p.message} (the limits are {how}, not documented{where})", p.hint) if p.code[0] == "E" else p
            for p in checked.problems
        )
        return Checked(None, checked.canonical, warned)


#: How well each confidence knows a fact: DOC best, INF least.
_RANK = {Confidence.DOC: 3, Confidence.SDK: 2, Confidence.EX: 1, Confidence.INF: 0}

#: What a kind refuses that only its range or choices decide: out of range, not a choice,
#: not a number (the row's own kind being what is inferred).
INFERRED_REFUSALS = frozenset({"E205", "E206", "E207"})


class ActionSpec(Frozen):
    """The table of one action: its parameters in documented (and canonical) order.

    ``builder_name`` names the action's builder class (default: the camel-cased label,
    ``image/resize`` -> ``ImageResize``); the method that chains it is its snake case.
    """

    __slots__ = (
        "builder_name",
        "by_key",
        "chain_rules",
        "effect",
        "max_substeps",
        "order",
        "output_variables",
        "parameters",
        "positional",
        "reference",
        "rules",
        "substeps",
        "summary",
    )

    summary: str
    parameters: tuple[ParamSpec, ...]
    #: The row of the action's one bare (positional) value, ``image/rotate,90``; its key
    #: names it in messages, documentation and the builder, never in a directive. It is
    #: written first, before the keyed rows, and always printed (a default is not dropped:
    #: the action without its value is another directive).
    positional: ParamSpec | None
    rules: tuple[Rule, ...]
    #: Rules about the action's place among the others (what may follow it, how many).
    chain_rules: tuple[ChainRule, ...]
    #: What the action does to the object (an image's size and format), given its typed
    #: values by key and the object before it: the source rules of later actions read it.
    effect: Callable[[Mapping[str, Value], Source], Source] | None
    #: Per-operation template variables ({autoext}, ...) this action's output defines.
    output_variables: frozenset[str] | None
    reference: str
    builder_name: str | None
    #: The sub-steps that may follow the action in its stage, each with its own table
    #: (video/concat's ``/pre,o_...`` and ``/sur,o_...``), in the order written.
    substeps: Mapping[str, ActionSpec]
    #: At most this many sub-steps after one action (None: no limit); more is E117.
    max_substeps: int | None
    by_key: Mapping[str, ParamSpec]
    order: Mapping[str, int]

    def __init__(
        self,
        summary: str,
        parameters: tuple[ParamSpec, ...],
        rules: tuple[Rule, ...] = (),
        output_variables: frozenset[str] | None = None,
        reference: str = "",
        *,
        builder_name: str | None = None,
        positional: ParamSpec | None = None,
        chain_rules: tuple[ChainRule, ...] = (),
        effect: Callable[[Mapping[str, Value], Source], Source] | None = None,
        substeps: Mapping[str, ActionSpec] | None = None,
        max_substeps: int | None = None,
    ) -> None:
        if positional is not None and any(p.key == positional.key for p in parameters):
            raise ValueError(f"the positional row {positional.key!r} has the key of a keyed row")
        object.__setattr__(self, "summary", summary)
        object.__setattr__(self, "parameters", parameters)
        object.__setattr__(self, "positional", positional)
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "chain_rules", chain_rules)
        object.__setattr__(self, "effect", effect)
        #: Per-operation template variables ({autoext}, ...) this action's output defines.
        object.__setattr__(self, "output_variables", output_variables)
        object.__setattr__(self, "reference", reference)
        object.__setattr__(self, "builder_name", builder_name)
        object.__setattr__(self, "substeps", MappingProxyType(dict(substeps or {})))
        object.__setattr__(self, "max_substeps", max_substeps)
        object.__setattr__(self, "by_key", MappingProxyType({p.key: p for p in parameters}))
        object.__setattr__(self, "order", MappingProxyType({p.key: i for i, p in enumerate(parameters)}))

    @property
    def rows(self) -> tuple[ParamSpec, ...]:
        """Every row in documented order: the positional one (if any) first, then the keyed ones."""
        return self.parameters if self.positional is None else (self.positional, *self.parameters)

    def row(self, key: str | None) -> ParamSpec | None:
        """The row of a parameter's key; None (a bare value) is the positional row."""
        return self.positional if key is None else self.by_key.get(key)

    def __repr__(self) -> str:
        return f"ActionSpec({self.summary!r})"


class ActionInfo(Frozen):
    """What the catalogue knows of an action, with or without a parameter table.

    ``spec`` is the table, or where to import it from (``"module:NAME"``, relative to
    ``oss_process.tables`` when it starts with a dot): the tables of a category load when
    one of its actions is first checked, not when ``oss_process`` is imported.
    """

    __slots__ = ("_spec", "modes", "name", "result_by_notification", "role")

    name: str
    modes: frozenset[Mode]
    role: Role
    _spec: ActionSpec | str | None
    #: The result is a message to the notify topic, not an object: such an asynchronous
    #: job needs no sys/saveas (image/deblindwatermark: the watermark read from the image).
    result_by_notification: bool

    def __init__(
        self,
        name: str,
        modes: frozenset[Mode] = BOTH,
        role: Role = Role.PROCESS,
        spec: ActionSpec | str | None = None,
        *,
        result_by_notification: bool = False,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "modes", modes)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "_spec", spec)
        object.__setattr__(self, "result_by_notification", result_by_notification)

    def substep(self, name: str) -> ActionInfo | None:
        """The sub-step ``name`` of this action's table (``ActionSpec.substeps``), as an
        action of the same modes; None when the table has none of that name."""
        spec = self.spec
        sub = spec.substeps.get(name) if spec is not None else None
        return ActionInfo(name, self.modes, spec=sub) if sub is not None else None

    @property
    def has_table(self) -> bool:
        """True when the action has a parameter table (without loading it)."""
        return self._spec is not None

    @property
    def spec(self) -> ActionSpec | None:
        spec = self._spec
        if isinstance(spec, str):
            module, _, attribute = spec.partition(":")
            from importlib import import_module

            spec = getattr(import_module(module, __package__), attribute)
            if not isinstance(spec, ActionSpec):
                raise TypeError(f"{self._spec} is not an ActionSpec")
            object.__setattr__(self, "_spec", spec)
        return spec

    def __repr__(self) -> str:
        return f"ActionInfo({self.name!r}, {sorted(m.value for m in self.modes)}, {self.role})"


class CategoryInfo(NamedTuple):
    name: str
    summary: str
    actions: Mapping[str, ActionInfo]
    #: Any action name is allowed (style/<name>); nothing about it can be checked.
    open_ended: bool = False

    @property
    def covered(self) -> bool:
        """True when some action has a table: then an unknown action is an error."""
        return any(info.has_table for info in self.actions.values())


def _label(category: str | None, name: str) -> str:
    return name if category is None else f"{category}/{name}"


class Catalogue(Frozen):
    """Every category and action a check knows, their modes and roles, their tables, and
    the facts about the source their rules may read.

    A catalogue is a value: the pipeline is given one (the built-in
    :data:`oss_process.tables.BUILTIN` by default), and caches are kept per catalogue.
    To check an action the built-in one does not cover, make a catalogue of your own::

        mine = BUILTIN.with_actions("image", [ActionInfo("resize", SYNC_ONLY, spec=MY_RESIZE)])
        lint("image/resize,w_100", catalogue=mine)
    """

    __slots__ = ("categories", "source_fields", "standalone")

    categories: Mapping[str, CategoryInfo]
    #: Actions that may stand as a stage of their own, without a category ("|notify,...").
    standalone: Mapping[str, ActionInfo]
    source_fields: Mapping[str, SourceField]

    def __init__(
        self,
        categories: Iterable[CategoryInfo],
        *,
        standalone: Iterable[ActionInfo] = (),
        source_fields: Iterable[SourceField] = (),
    ) -> None:
        object.__setattr__(self, "categories", MappingProxyType({c.name: c for c in categories}))
        #: Actions that may stand as a stage of their own, without a category ("|notify,...").
        object.__setattr__(self, "standalone", MappingProxyType({a.name: a for a in standalone}))
        object.__setattr__(self, "source_fields", MappingProxyType({f.name: f for f in source_fields}))

    def lookup(self, category: str | None, action: str) -> ActionInfo | None:
        """The entry of ``category/action`` (category None: a standalone stage)."""
        if category is None:
            return self.standalone.get(action)
        info = self.categories.get(category)
        return info.actions.get(action) if info is not None else None

    def stage(self, category: str | None, names: Iterable[str]) -> list[ActionInfo | None]:
        """The entries of one stage's actions in order: a name its action's table lists
        among its sub-steps (``ActionSpec.substeps``) is that sub-step, else a lookup."""
        found: list[ActionInfo | None] = []
        parent: ActionInfo | None = None
        for name in names:
            sub = parent.substep(name) if parent is not None else None
            found.append(sub or self.lookup(category, name))
            if sub is None:
                parent = found[-1]
        return found

    def actions(self) -> Iterator[tuple[str | None, ActionInfo]]:
        """Every (category, action) of the catalogue, standalone ones (category None) last."""
        for category in self.categories.values():
            for info in category.actions.values():
                yield category.name, info
        for info in self.standalone.values():
            yield None, info

    def tabled(self) -> Iterator[tuple[str, str | None, ActionInfo]]:
        """(label, category, entry) of every action with a table, each table once: a
        standalone action that is also in a category is listed under its category."""
        seen: set[int] = set()
        for category, info in self.actions():
            if info.has_table and id(info) not in seen:
                seen.add(id(info))
                yield _label(category, info.name), category, info

    def with_actions(self, category: str, actions: Iterable[ActionInfo], *, summary: str | None = None) -> Catalogue:
        """A new catalogue with ``actions`` added to ``category`` (made if it is new;
        an action of the same name is replaced). This catalogue is left as it is."""
        old = self.categories.get(category)
        merged = dict(old.actions) if old is not None else {}
        merged.update((a.name, a) for a in actions)
        new = CategoryInfo(
            category,
            summary if summary is not None else (old.summary if old is not None else ""),
            MappingProxyType(merged),
            old.open_ended if old is not None else False,
        )
        categories = {**self.categories, category: new}
        return Catalogue(categories.values(), standalone=self.standalone.values(), source_fields=self.source_fields.values())

    def with_source_fields(self, fields: Iterable[SourceField]) -> Catalogue:
        """A new catalogue whose sources may also carry ``fields``."""
        return Catalogue(
            self.categories.values(), standalone=self.standalone.values(), source_fields=[*self.source_fields.values(), *fields]
        )

    def check_source(self, source: Source) -> Source:
        """``source`` with its words spelled as the fields declare (``format="JPEG"`` is
        ``"jpg"``); raise :class:`~oss_process.ArgumentError` when it has a field no table
        declares, or a fact of the wrong type."""
        unknown = [name for name in source if name not in self.source_fields]
        if unknown:
            declared = ", ".join(self.source_fields) or "none"
            raise ArgumentError((), message=f"source field {unknown[0]!r} is not declared by the catalogue (declared: {declared})")
        for name in source:
            wanted = self.source_fields[name].type
            if type(source.get(name)) is not wanted:
                what = "a positive int" if wanted is int else "a non-empty str"
                raise ArgumentError((), message=f"source field {name!r} must be {what}, not {source.get(name)!r}")
        spelled: dict[str, int | str] = {}
        for name in source:
            value = source.get(name)
            if isinstance(value, str):
                word = value.lower()
                spelled[name] = dict(self.source_fields[name].aliases).get(word, word)
        if all(spelled[name] == source.get(name) for name in spelled):
            return source
        return Source(**{**source.facts, **spelled})

    def __repr__(self) -> str:
        return f"<Catalogue of {sum(1 for _ in self.tabled())} tables>"
