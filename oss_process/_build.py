"""The builder's machinery, and the generator that writes its classes from the tables.

:func:`source` writes the Python of a catalogue's step classes: one dataclass per action
with a table, keywords from ``ParamSpec.keyword`` and types from the kinds, and a chaining
method per action whose role is save or notify. For the built-in catalogue that source is
checked in as :mod:`oss_process._steps` (``python -m oss_process.builder --write``), so that
type checkers see it; for any other catalogue :func:`step_classes` runs it.
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
import keyword
import linecache
import re
import sys
import textwrap
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, TypeVar, Union, cast

from ._accel.cache import CACHE
from .ast import Action, Directive, Parameter, Stage, Value
from .diagnostics import Diagnostic
from .errors import ArgumentError, DirectiveError, InvalidDirectiveError
from .kinds import Base64Name, Choice, Integer, IntegerChoice
from .printer import unparse
from .tables import BUILTIN, ActionInfo, ActionSpec, Catalogue, Mode, ParamSpec, Role
from .validation import ModeLike, validate

__all__ = [
    "BitrateOption",
    "Built",
    "ChainBase",
    "ProcessStep",
    "StepBase",
    "UnsupportedDirectiveError",
    "chained_steps",
    "source",
    "step_classes",
]


class BitrateOption(str, Enum):
    """``abopt``: what happens when the source bitrate is below ``bitrate`` (``ab``).

    The values are the table's; ``ALWAYS_TARGET`` is its default, so the canonical form
    leaves it out. ``bitrate_option`` also takes each value itself, as a str or an int.
    """

    ALWAYS_TARGET = "0"  # always use the target bitrate
    SOURCE_IF_LOWER = "1"  # keep the source bitrate when it is lower than the target
    FAIL_IF_SOURCE_LOWER = "2"  # fail the job when the source bitrate is lower than the target


# Rows whose keyword takes an enum rather than a Literal: the tables name the choices
# but not what each means. Used only while the enum's values are the row's choices.
ENUMS: Mapping[tuple[str | None, str, str], type[Enum]] = {("audio", "convert", "abopt"): BitrateOption}


_DECIMAL = re.compile(r"0|-?[1-9][0-9]*")


def numbered(kind: object) -> tuple[int, ...] | None:
    """The choices of a :class:`Choice` that are all integers written in plain decimal
    (``abopt``: "0", "1", "2"), as ints: its keyword takes the number too."""
    if isinstance(kind, Choice) and kind.choices and all(_DECIMAL.fullmatch(c) for c in kind.choices):
        return tuple(int(c) for c in kind.choices)
    return None


class UnsupportedDirectiveError(DirectiveError):
    """A tree the builder has no calls for: an action without a parameter table, or a
    directive that does not start with one processing action followed only by steps that
    save or notify. The directive may well be valid; parse and canonicalize still handle it."""


def fills(key: str | None, convert: type[Enum] | None = None) -> dict[str, object]:
    """Field metadata: the keyword fills the table's parameter ``key`` (None: the action's
    positional, bare value); ``convert`` turns the validator's typed value back into the
    keyword's type (an enum)."""
    return {"key": key, "convert": convert}


class StepBase:
    """One action of a directive, its keywords in dataclass fields tagged with table keys."""

    #: The catalogue whose table the step follows and whose checks it passes.
    CATALOGUE: ClassVar[Catalogue]
    #: (category, action) in the catalogue; category None: a stage of its own.
    ACTION: ClassVar[tuple[str | None, str]]
    #: The builder call that makes this step (repr writes it): a class or a method name.
    METHOD: ClassVar[str]
    #: The method that appends this processing step to a chain of its category (``resize``
    #: for ``image/resize``), for an action that may follow another; else None.
    CHAIN: ClassVar[str | None] = None
    #: For a sub-step (``/pre,o_...`` of video/concat): the (category, action) of each
    #: action whose table lists it; ``ACTION`` is then (None, its name).
    PARENTS: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __post_init__(self) -> None:
        # A required keyword given as None is the caller's mistake, not the directive's E202.
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if "key" in f.metadata and f.default is dataclasses.MISSING and getattr(self, f.name) is None:
                fills = "the bare value" if f.metadata["key"] is None else f.metadata["key"]
                raise ArgumentError((), message=f"{self.METHOD}({f.name}=None): {f.name} is required (it fills {fills})")

    @classmethod
    def entry(cls) -> ActionInfo:
        """The catalogue's entry for this step's action."""
        if cls.PARENTS:
            parent = cls.CATALOGUE.lookup(*cls.PARENTS[0])
            info = parent.substep(cls.ACTION[1]) if parent is not None else None
        else:
            info = cls.CATALOGUE.lookup(*cls.ACTION)
        # Generated from this catalogue's tables, so the entry is there.
        assert info is not None, cls.ACTION
        return info

    @classmethod
    def spec(cls) -> ActionSpec:
        spec = cls.entry().spec
        assert spec is not None
        return spec

    @classmethod
    def keywords(cls) -> Mapping[str, str | None]:
        """Keyword name -> table key (None: the positional value), in field order."""
        return {f.name: f.metadata["key"] for f in dataclasses.fields(cls) if "key" in f.metadata}  # type: ignore[arg-type]

    def action(self) -> Action:
        """The action with its parameters in canonical form: table order, each value
        written as the table's kind writes it, values equal to the default left out."""
        spec = self.spec()
        named: list[tuple[int, str | None, str]] = []
        for name, key in self.keywords().items():
            value = getattr(self, name)
            if value is None:
                continue
            if key is None:  # the positional value: first, always written
                assert spec.positional is not None
                named.append((-1, None, _write(type(self).__name__, name, spec.positional, value)))
                continue
            pspec = spec.by_key[key]
            text = _write(type(self).__name__, name, pspec, value)
            if text != pspec.default:
                named.append((spec.order[key], key, text))
        named.sort(key=lambda item: item[0])
        return Action(self.ACTION[1], tuple(Parameter(key, text) for _, key, text in named))

    def call_arguments(self, *, positional: bool = False) -> str:
        """The arguments that rebuild this step, as code: all keywords, or (``positional``:
        for a chaining method) the bare value first and without its name."""
        found = []
        for name, key in self.keywords().items():
            value = getattr(self, name)
            if value is not None:
                found.append(
                    (key is not None or not positional, f"{name}={_code(value)}" if key is not None or not positional else _code(value))
                )
        found.sort(key=lambda item: item[0])
        return ", ".join(text for _, text in found)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.call_arguments()})"


def _code(value: object) -> str:
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


def _write(owner: str, name: str, pspec: ParamSpec, value: object) -> str:
    """``value`` as the directive writes it, by the table's kind; a value of the wrong
    Python type is the caller's mistake (ArgumentError), a wrong value the validator's."""
    kind = pspec.kind
    if isinstance(kind, Integer | IntegerChoice):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _wrong_type(owner, name, "an int", value)
        try:
            return str(int(value))
        except ValueError:  # more digits than int -> str allows: out of every range
            raise ArgumentError((), message=f"{owner}({name}=...): the integer is too large to write") from None
    if isinstance(kind, Base64Name):
        if not isinstance(value, str):
            raise _wrong_type(owner, name, "a str", value)
        try:
            encoded = value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ArgumentError((), message=f"{owner}({name}=...): the name is not encodable as UTF-8 ({error.reason})") from None
        # URL-safe Base64 without padding: the canonical spelling.
        return base64.urlsafe_b64encode(encoded).decode("ascii").rstrip("=")
    if isinstance(value, Enum):
        value = value.value
    numbers = numbered(kind)
    if numbers is not None and isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # the validator says whether it is one of them
    if not isinstance(value, str):
        raise _wrong_type(owner, name, "a str" if numbers is None else "an int or a str", value)
    if isinstance(kind, Choice):
        return value
    # A kind of the user's own: its check knows the canonical spelling.
    return kind.check(value).canonical


def _wrong_type(owner: str, name: str, wanted: str, value: object) -> ArgumentError:
    return ArgumentError((), message=f"{owner}({name}=...) takes {wanted}, not {type(value).__name__} ({value!r})")


def _kwargs(step: type[StepBase], values: Mapping[str | None, Value]) -> dict[str, Any]:
    """Keyword arguments for ``step`` from typed values by table key (None: the positional
    value), as validation reads them; keyed values equal to the table's default are left out."""
    spec = step.spec()
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(step):  # type: ignore[arg-type]
        if "key" not in f.metadata or f.metadata["key"] not in values:
            continue
        key = f.metadata["key"]
        value = values[key]
        pspec = spec.row(key)
        assert pspec is not None
        if key is not None and pspec.default is not None and _write(step.__name__, f.name, pspec, value) == pspec.default:
            continue
        convert = f.metadata["convert"]
        kwargs[f.name] = convert(value) if convert is not None else value
    return kwargs


class _Checked(NamedTuple):
    """What validation made of a built directive."""

    tree: Directive  # canonical, with typed values
    text: str
    warnings: tuple[Diagnostic, ...]
    mode: Mode | None


def _tree(steps: tuple[StepBase, ...], catalogue: Catalogue) -> Directive:
    """One stage per step, except that a notify after a save joins its stage when the
    save's category lists it (``.../saveas,o_.../notify,...``), as the canonical form writes it."""
    stages: list[Stage] = []
    previous: ActionInfo | None = None
    for index, step in enumerate(steps):
        info = step.entry()
        action = step.action()
        if index and step.PARENTS:
            # A sub-step stands in its parent's stage: "video/concat,.../pre,o_...".
            stages[-1] = Stage(stages[-1].category, (*stages[-1].actions, action))
        elif (
            index
            and step.CHAIN is not None
            and previous is not None
            and previous.role is Role.PROCESS
            and stages[-1].category == step.ACTION[0]
        ):
            # A chain of one category's processing: one stage, "image/resize,.../format,...".
            stages[-1] = Stage(stages[-1].category, (*stages[-1].actions, action))
        elif (
            previous is not None
            and previous.role is Role.SAVE
            and info.role is Role.NOTIFY
            and catalogue.lookup(stages[-1].category, info.name) is info
        ):
            stages[-1] = Stage(stages[-1].category, (*stages[-1].actions, action))
        else:
            stages.append(Stage(step.ACTION[0], (action,)))
        previous = info
    return Directive(tuple(stages))


def _check(steps: tuple[StepBase, ...], catalogue: Catalogue) -> _Checked:
    """Validate the steps as one directive, once; raise on any error, with every diagnostic."""
    tree = _tree(steps, catalogue)
    modes = frozenset.intersection(*(step.entry().modes for step in steps))
    mode = next(iter(modes)) if len(modes) == 1 else None
    checked = validate(tree, mode=mode, catalogue=catalogue)
    if not checked.ok:
        # Spans point into the tree's unparsed text: lint of that text reports the same.
        raise InvalidDirectiveError(checked.diagnostics, unparse(tree))
    assert checked.canonical is not None  # validation prints what has no error
    return _Checked(checked.directive, checked.canonical, checked.warnings, mode)


_B = TypeVar("_B", bound="Built")


class Built:
    """A valid directive made with the builder. ``str()`` is its canonical text.

    Built directives are immutable; two are equal when they mean the same directive
    (their canonical strings are equal), and ``repr`` is the builder code that rebuilds one.
    """

    __slots__ = ()

    CATALOGUE: ClassVar[Catalogue]

    if TYPE_CHECKING:
        # Set by each subclass: a property of a processing step, a field of a chain.
        @property
        def steps(self) -> tuple[StepBase, ...]:
            """The actions, left to right."""

    def _outcome(self) -> _Checked:
        """The validation of this directive, made once (on construction, or on first use
        for the steps :meth:`from_tree` makes without checking them one by one)."""
        found: _Checked | None = getattr(self, "_result", None)
        if found is None:
            found = _check(self.steps, self.CATALOGUE)
            object.__setattr__(self, "_result", found)
        return found

    @property
    def tree(self) -> Directive:
        """The canonical tree, with typed values: ``parse(str(self)) == self.tree``."""
        return self._outcome().tree

    @property
    def text(self) -> str:
        """The canonical directive string."""
        return self._outcome().text

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """What lint warns about (errors raise at build time); spans point into ``text``."""
        return self._outcome().warnings

    @property
    def mode(self) -> Mode | None:
        """The request parameter to send it in: ``Mode.ASYNC`` for ``x-oss-async-process``."""
        return self._outcome().mode

    @classmethod
    def from_tree(cls: type[_B], directive: Directive, *, mode: ModeLike = None, catalogue: Catalogue | None = None) -> _B:
        """The built directive of a parsed tree: ``repr`` of the result is the builder code.

        ``catalogue`` defaults to the one this class was made from (the built-in one for
        :class:`~oss_process.builder.BuiltDirective`). Raises
        :class:`UnsupportedDirectiveError` when the tree holds an action without a table,
        or is not one processing action and the steps after it (or is not a ``cls``), and
        :class:`InvalidDirectiveError` (the diagnostics of ``validate``) when it has errors.
        Values equal to their default are left out.
        """
        tables = cls.CATALOGUE if catalogue is None else catalogue
        classes = step_classes(tables)
        text = unparse(directive)
        types: list[type[StepBase]] = []
        for stage in directive.stages:
            for action, info in zip(stage.actions, tables.stage(stage.category, (a.name for a in stage.actions)), strict=True):
                step = classes.step_of(info)
                if step is None:
                    where = action.name if stage.category is None else f"{stage.category}/{action.name}"
                    raise UnsupportedDirectiveError(
                        (), text, f"the builder has no step for {where}; it has one per action with a table: {classes.covered}"
                    )
                types.append(step)
        checked = validate(directive, mode=mode, catalogue=tables)
        if not checked.ok:
            raise InvalidDirectiveError(checked.diagnostics, text)
        processing = [t for t in types if issubclass(t, ProcessStep)]
        # A chain is one stage ("image/resize,.../format,..."): the builder writes no pipe between
        # processing steps, so a directive with one is not rebuilt as one without.
        chained = (
            len(processing) > 1
            and all(t.CHAIN is not None and t.ACTION[0] == types[0].ACTION[0] for t in processing)
            and types[: len(processing)] == processing
            and len(directive.stages[0].actions) >= len(processing)
        )
        if not types or not issubclass(types[0], ProcessStep) or (len(processing) > 1 and not chained):
            raise UnsupportedDirectiveError(
                (),
                text,
                "the builder makes directives of one processing action, or a chain of one category's (image/...), and the steps after it",
            )
        # A bare value has a typed value only as its action's positional one (key None).
        values = [{p.key: p.value for p in action.parameters if p.value is not None} for _, action in checked.directive.actions()]
        built: Built
        if len(types) == 1:
            built = cast(Built, types[0](**_kwargs(types[0], values[0])))
        else:
            # The chain checks every step at once; its first step is not checked on its own.
            first = _unchecked(types[0], _kwargs(types[0], values[0]))
            rest = (step(**_kwargs(step, found)) for step, found in zip(types[1:], values[1:], strict=True))
            # Only processing: the chain of its category, which more processing may follow;
            # only sub-steps after it: the chain that more sub-steps may follow.
            alone = chained and len(processing) == len(types)
            parts = classes.substep_chains.get(types[0]) if all(t.PARENTS for t in types[1:]) else None
            chain = classes.chains.get(types[0].ACTION[0] or "", classes.chain) if alone else parts or classes.chain
            built = cast(Built, chain((first, *rest)))
        # ImageChain.from_text("image/rotate,90"), VideoConcatChain.from_text("video/concat,f_mp4"): a chain of one.
        of_one = (classes.chains.get(types[0].ACTION[0] or ""), classes.substep_chains.get(types[0]))
        if not isinstance(built, cls) and len(types) == 1 and cls in of_one:
            built = cast("type[ChainBase]", cls)((cast(StepBase, built),))
        if not isinstance(built, cls):
            what = "a chain of several steps" if isinstance(built, ChainBase) else type(built).__name__
            raise UnsupportedDirectiveError((), text, f"{cls.__name__}.from_tree: the tree builds {what}, not {cls.__name__}")
        return built

    @classmethod
    def from_text(cls: type[_B], text: str, *, mode: ModeLike = None, catalogue: Catalogue | None = None) -> _B:
        """:meth:`from_tree` of ``parse(text)``; raises :class:`ParseError` on a syntax error."""
        from ._api import parse

        return cls.from_tree(parse(text), mode=mode, catalogue=catalogue)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        first, *rest = self.steps
        calls = [
            f".{step.CHAIN}({step.call_arguments(positional=True)})"
            if isinstance(step, ProcessStep) and step.CHAIN
            else f".{step.METHOD}({step.call_arguments()})"
            for step in rest
        ]
        return repr(first) + "".join(calls)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Built):
            return NotImplemented
        return self.text == other.text  # the canonical string: one per meaning

    def __hash__(self) -> int:
        return hash(self.text)


def _unchecked(step: type[StepBase], kwargs: Mapping[str, object]) -> StepBase:
    """A step with its fields set as ``__init__`` would set them, without its check."""
    made = object.__new__(step)
    for f in dataclasses.fields(step):  # type: ignore[arg-type]
        object.__setattr__(made, f.name, kwargs.get(f.name))
    return made


class ProcessStep(StepBase, Built):
    """An action that produces the content: a directive of its own, checked when made."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._outcome()

    @property
    def steps(self) -> tuple[StepBase, ...]:
        return (self,)


@dataclass(frozen=True, eq=False, repr=False)
class ChainBase(Built):
    """A directive of several steps, made by the chaining methods; checked when made."""

    steps: tuple[StepBase, ...]

    def __post_init__(self) -> None:
        self._outcome()


# --- The generator -----------------------------------------------------------------------


class StepClasses(NamedTuple):
    """The builder classes of one catalogue."""

    namespace: Mapping[str, object]  # every name the generated source defines
    by_info: Mapping[ActionInfo, type[StepBase]]
    chain: type[ChainBase]
    covered: str  # the labels, for messages
    #: category -> the chain class of its processing steps (ImageChain)
    chains: Mapping[str, type[ChainBase]]
    module_name: str | None = None  # in sys.modules, for a catalogue other than the built-in one
    #: a sub-step's table -> its class (``ConcatPre``)
    substeps: Mapping[ActionSpec, type[StepBase]] = MappingProxyType({})
    #: a step with sub-steps -> the chain class of it and its sub-steps (``VideoConcatChain``)
    substep_chains: Mapping[type[StepBase], type[ChainBase]] = MappingProxyType({})

    def step_of(self, info: ActionInfo | None) -> type[StepBase] | None:
        """The class of an action, or of a sub-step (whose entry is made on each lookup)."""
        if info is None:
            return None
        found = self.by_info.get(info)
        return found if found is not None or info.spec is None else self.substeps.get(info.spec)


class _Row(NamedTuple):
    keyword: str
    key: str | None  # None: the positional value
    annotation: str  # without "| None"
    convert: str | None  # the enum that converts typed values back, by name
    required: bool
    doc: str


class _Planned(NamedTuple):
    name: str  # the class
    method: str  # the call that makes it: the class, or a chaining method
    category: str | None  # where it stands: None for a stage of its own
    action: str
    label: str
    role: Role
    summary: str
    rows: tuple[_Row, ...]  # required first, then the table's order
    aliases: tuple[tuple[str, tuple[str, ...]], ...]  # (name, the Literal's values) for the rows' choices
    chain: str | None = None  # the method that appends it to a chain of its category
    #: a sub-step: the (category, action) of each action whose table lists it
    parents: tuple[tuple[str, str], ...] = ()
    #: an action with sub-steps: (method, class) of each, in its table's order
    substeps: tuple[tuple[str, str], ...] = ()


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _quote(text: str) -> str:
    """A string literal as ``ruff format`` writes it: double quotes where it can."""
    literal = repr(text)
    return f'"{literal[1:-1]}"' if literal[0] == "'" and '"' not in text else literal


def _rows(spec: ActionSpec, name: str, category: str | None, action: str) -> tuple[list[_Row], list[tuple[str, tuple[str, ...]]]]:
    """The keywords of a table, required first, and the ``Literal`` aliases of its choices."""
    rows = []
    aliases = []
    for pspec in spec.rows:
        kind = pspec.kind
        key = None if pspec is spec.positional else pspec.key
        enum = ENUMS.get((category, action, pspec.key))
        if isinstance(kind, Choice | IntegerChoice):
            annotation, convert = name + _camel(pspec.keyword), None
            # The choices, then those spelled as numbers as the numbers: abopt takes "1" and 1.
            values = [_quote(c) if isinstance(c, str) else str(c) for c in kind.choices]
            values += map(str, numbered(kind) or ())
            aliases.append((annotation, tuple(values)))
            if enum is not None and tuple(e.value for e in enum) == kind.choices:
                annotation, convert = f"{enum.__name__} | {annotation}", enum.__name__
        else:
            # Base64Name's typed value is the decoded name; a kind of the user's own takes its text.
            annotation, convert = ("int" if isinstance(kind, Integer) else "str"), None
        rows.append(_Row(pspec.keyword, key, annotation, convert, pspec.required, _row_doc(pspec, positional=key is None)))
    rows.sort(key=lambda row: not row.required)  # stable: the table's order within each
    return rows, aliases


def _plan(catalogue: Catalogue) -> list[_Planned]:
    """What the generator writes for each action of the catalogue that has a table, then
    for each sub-step of those tables (one class per sub-step table, shared by its parents)."""
    found = []
    for _, category, info in catalogue.tabled():
        spec = info.spec
        assert spec is not None
        # A standalone action ("|notify,...") stands as a stage of its own, named without a category.
        home = None if catalogue.standalone.get(info.name) is info else category
        label = info.name if home is None else f"{home}/{info.name}"
        name = spec.builder_name or _camel(label)
        rows, aliases = _rows(spec, name, category, info.name)
        method = name if info.role is Role.PROCESS else _snake(name)
        found.append(_Planned(name, method, home, info.name, label, info.role, spec.summary, tuple(rows), tuple(aliases)))
    # Processing that runs synchronously may follow other processing of its category
    # (image/resize,.../format,...): where a category has two such tables, each gets a method.
    chainable: dict[str, list[int]] = {}
    for index, step in enumerate(found):
        entry = catalogue.lookup(step.category, step.action)
        if step.role is Role.PROCESS and step.category is not None and entry is not None and Mode.SYNC in entry.modes:
            chainable.setdefault(step.category, []).append(index)
    for indices in chainable.values():
        if len(indices) > 1:
            for index in indices:
                found[index] = found[index]._replace(chain=_snake(_camel(found[index].action)))
    subs: dict[ActionSpec, _Planned] = {}
    for index, step in enumerate(found):
        entry = catalogue.lookup(step.category, step.action)
        spec = entry.spec if entry is not None and step.role is Role.PROCESS and step.category is not None else None
        if spec is None or not spec.substeps or step.category is None:
            continue
        for method, sub in spec.substeps.items():
            planned = subs.get(sub)
            if planned is not None and planned.method != method:
                raise ValueError(f"{step.label}: the sub-step {method!r} is also {planned.method!r}: one table, one name")
            if planned is None:
                name = sub.builder_name or _camel(f"{step.label}-{method}")
                rows, aliases = _rows(sub, name, None, method)
                planned = _Planned(name, method, None, method, f"/{method}", Role.PROCESS, sub.summary, tuple(rows), tuple(aliases))
            subs[sub] = planned._replace(parents=(*planned.parents, (step.category, step.action)))
        found[index] = step._replace(substeps=tuple((method, subs[sub].name) for method, sub in spec.substeps.items()))
    found += subs.values()
    _check_names(found)
    return found


def _chains(steps: list[_Planned]) -> dict[str, list[_Planned]]:
    """category -> its chainable processing steps, in table order."""
    found: dict[str, list[_Planned]] = {}
    for step in steps:
        if step.chain is not None and step.category is not None:
            found.setdefault(step.category, []).append(step)
    return found


def _row_doc(pspec: ParamSpec, *, positional: bool = False) -> str:
    notes = ["the bare value" if positional else f"``{pspec.key}``"]
    if pspec.required:
        notes.append("required")
    if pspec.unit:
        notes.append(pspec.unit)
    if pspec.default is not None:
        notes.append(f"default {pspec.default}")
    omitted = f" Left out: {pspec.when_omitted}." if pspec.when_omitted and not pspec.required else ""
    return f"``{pspec.keyword}`` ({', '.join(notes)}): {pspec.meaning}{omitted}"


# What the generated source defines or imports besides the classes, and the names its
# signatures and class bodies use: a class or keyword of the same name would hide one.
_RESERVED = frozenset(
    {"BuiltDirective", "Step", "StepType", "STEPS", "CHAINS", "SUBSTEP_CHAINS", "self", "int", "str", "None", "chained_steps"}
    | {"BitrateOption", "Catalogue", "ChainBase", "ClassVar", "Literal", "ProcessStep", "StepBase", "Union", "dataclass", "fills"}
)


def _check_names(steps: list[_Planned]) -> None:
    """Each generated name is a public Python name, and no two are the same."""
    top = [name for step in steps for name in (step.name, *(alias for alias, _ in step.aliases))]
    methods = [step.method for step in steps if step.role is not Role.PROCESS]
    for name in (*top, *methods, *(row.keyword for step in steps for row in step.rows)):
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
            raise ValueError(f"{name!r} cannot name a builder class, method or keyword: give the table a builder_name or keyword")
    chains = _chains(steps)
    top += [name for category in chains for name in (_camel(category), f"{_camel(category)}Steps", f"{_camel(category)}Chain")]
    top += [name for step in steps if step.substeps for name in (f"{step.name}Steps", f"{step.name}Chain")]
    chained = {category: {step.chain for step in members if step.chain} for category, members in chains.items()}
    for names in chained.values():
        for name in names:
            if not name.isidentifier() or keyword.iskeyword(name) or name in methods or name in _attributes(ProcessStep):
                raise ValueError(f"{name!r} cannot name a chaining method: give the table a builder_name")
    for step in steps:
        taken_here = _attributes(ProcessStep) | set(methods) | chained.get(step.category or "", set())
        for name, _ in step.substeps:
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_") or name in taken_here:
                raise ValueError(f"{step.label}: the sub-step {name!r} cannot name a method: the name is taken or not a Python name")
    taken = set(_RESERVED)
    for name in (*top, *methods):
        if name in taken:
            raise ValueError(f"two builder names are {name!r}: give one of the tables another builder_name")
        taken.add(name)
    for step in steps:
        # A keyword must not hide what the class already has (``mode``, ``text``, ``steps``...).
        process = step.role is Role.PROCESS and not step.parents
        attributes = _attributes(ProcessStep) | set(methods) if process else _attributes(StepBase)
        if step.chain is not None and step.category is not None:
            attributes |= chained[step.category]
        attributes |= {name for name, _ in step.substeps}
        keywords = [row.keyword for row in step.rows]
        clash = next((k for k in keywords if keywords.count(k) > 1 or k in taken or k in attributes), None)
        if clash is not None:
            raise ValueError(f"{step.label}: the keyword {clash!r} is taken; give the row another keyword")


def _attributes(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def _docstring(text: str, indent: str) -> str:
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = []
    for paragraph in body.split("\n\n"):
        hanging = "  " if paragraph.startswith("- ") else ""
        for item in paragraph.split("\n"):
            lines.extend(textwrap.wrap(item, 100, subsequent_indent=hanging) or [""])
        lines.append("")
    lines.pop()
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    return f'{indent}"""{lines[0]}\n' + "".join(f"{indent}{line}\n" if line else "\n" for line in lines[1:]) + f'{indent}"""\n'


def _keywords_doc(step: _Planned) -> str:
    return "\n".join(f"- {row.doc}" for row in step.rows)


_BUILTIN_HEADER = '''\
# Generated by `python -m oss_process.builder --write` from the tables of the built-in
# catalogue: edit the tables, not this file (tests/test_builder.py holds it to them).
"""The builder's classes for the tables of ``oss_process.tables.BUILTIN``: see
:mod:`oss_process.builder`."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import ClassVar, Literal, Union

from ._build import BitrateOption, ChainBase, ProcessStep, StepBase, chained_steps, fills
from ._build import Built as _Directive
from .tables import BUILTIN as _CATALOGUE
from .tables import Catalogue
'''

# The same source run for another catalogue: step_classes gives it these names.
_RUN_HEADER = """\
# Generated by oss_process._build.step_classes from the tables of a catalogue of its own.
from __future__ import annotations
"""


def source(catalogue: Catalogue) -> str:
    """The Python source of a catalogue's builder classes: the text of
    :mod:`oss_process._steps` for the built-in catalogue."""
    steps = _plan(catalogue)
    if not steps:
        raise ValueError(f"{catalogue!r} has no table: the builder has nothing to build")
    out = [_BUILTIN_HEADER if catalogue is BUILTIN else _RUN_HEADER]
    aliases = [alias for step in steps for alias in step.aliases]
    chains = _chains(steps)
    chain_names = [name for category in chains for name in (_camel(category), f"{_camel(category)}Chain", f"{_camel(category)}Steps")]
    parents = [step for step in steps if step.substeps]
    chain_names += [name for step in parents for name in (f"{step.name}Chain", f"{step.name}Steps")]
    public = [
        "CHAINS",
        "STEPS",
        "SUBSTEP_CHAINS",
        *sorted(["BuiltDirective", "Step", "StepType", *(step.name for step in steps), *(name for name, _ in aliases), *chain_names]),
    ]
    out.append("\n__all__ = [\n" + "".join(f"    {_quote(name)},\n" for name in public) + "]\n")
    if aliases:
        out.append("\n" + "".join(_bracketed(f"{name} = Literal[", list(values), "]") + "\n" for name, values in aliases))
    out.append("\n\nclass BuiltDirective(_Directive):\n")
    out.append(_docstring("A valid directive made with the builder, with a method for each step that may follow it.", "    "))
    out.append("\n    __slots__ = ()\n\n    CATALOGUE: ClassVar[Catalogue] = _CATALOGUE\n")
    for step in steps:
        if step.role is Role.PROCESS:
            continue
        parameters = ", ".join(f"{row.keyword}: {row.annotation}" + ("" if row.required else " | None = None") for row in step.rows)
        arguments = ", ".join(f"{row.keyword}={row.keyword}" for row in step.rows)
        out.append(f"\n    def {step.method}(self, *, {parameters}) -> BuiltDirective:\n")
        out.append(_docstring(f"Append ``{step.label}``: {step.summary}\n\n{_keywords_doc(step)}", "        "))
        out.append(f"        return _Chain((*self.steps, {step.name}({arguments})))\n")
    for category, members in chains.items():
        out.append(_chain_methods(category, members))
    by_name = {step.name: step for step in steps}
    for step in parents:
        out.append(_substep_methods(step, by_name))
    for step in steps:
        process = step.role is Role.PROCESS and not step.parents
        out.append("\n\n")
        out.append(f"@dataclass(frozen=True, kw_only=True{', eq=False' if process else ''}, repr=False)\n")
        bases = ["ProcessStep", "BuiltDirective"] if process else ["StepBase"]
        if step.chain is not None and step.category is not None:
            bases.insert(1, f"{_camel(step.category)}Steps")
        if step.substeps:
            bases.insert(-1, f"{step.name}Steps")
        out.append(f"class {step.name}({', '.join(bases)}):\n")
        if process:
            tail = "A directive on its own: chain the methods of :class:`BuiltDirective` to save or announce the result."
        elif step.parents:
            owners = " and ".join(f":meth:`{_parent_of(by_name, parent).name}Steps.{step.method}`" for parent in step.parents)
            tail = f"Added by {owners}, in its parent's stage."
        else:
            tail = f"Added by :meth:`BuiltDirective.{step.method}`."
        out.append(_docstring(f"``{step.label}``: {step.summary} {tail}\n\n{_keywords_doc(step)}", "    "))
        out.append("\n    CATALOGUE = _CATALOGUE\n")
        out.append(f"    ACTION = ({_quote(step.category) if step.category is not None else 'None'}, {_quote(step.action)})\n")
        out.append(f"    METHOD = {_quote(step.method)}\n")
        if step.chain is not None:
            out.append(f"    CHAIN = {_quote(step.chain)}\n")
        if step.parents:
            out.append(
                _bracketed(
                    "    PARENTS = (", [f"({_quote(c)}, {_quote(a)})" for c, a in step.parents], ")", tuple_of_one=len(step.parents) == 1
                )
                + "\n"
            )
        if step.rows:
            out.append("\n")
        for row in step.rows:
            key = "None" if row.key is None else _quote(row.key)
            metadata = f"fills({key}{', ' + row.convert if row.convert else ''})"
            if row.required:
                out.append(f"    {row.keyword}: {row.annotation} = _field(metadata={metadata})\n")
            else:
                out.append(f"    {row.keyword}: {row.annotation} | None = _field(default=None, metadata={metadata})\n")
    out.append("\n\n@dataclass(frozen=True, eq=False, repr=False)\nclass _Chain(ChainBase, BuiltDirective):\n")
    out.append(_docstring("Several steps: what the chaining methods of :class:`BuiltDirective` return.", "    "))
    for category in chains:
        name = _camel(category)
        out.append(f"\n\n@dataclass(frozen=True, eq=False, repr=False)\nclass {name}Chain(ChainBase, {name}Steps, BuiltDirective):\n")
        out.append(_docstring(f"A chain of {category} processing, left to right: what the methods of :class:`{name}Steps` return.", "    "))
        out.append(f"\n\nclass {name}({name}Steps):\n")
        out.append(
            _docstring(
                f"The start of a chain of {category} processing: ``{name}().{chains[category][0].chain}(...)``; "
                "each method appends an action and returns the checked chain.",
                "    ",
            )
        )
        out.append("\n    __slots__ = ()\n")
    for step in parents:
        out.append(
            f"\n\n@dataclass(frozen=True, eq=False, repr=False)\nclass {step.name}Chain(ChainBase, {step.name}Steps, BuiltDirective):\n"
        )
        out.append(_docstring(f"``{step.label}`` and its sub-steps: what the methods of :class:`{step.name}Steps` return.", "    "))
    entries = ", ".join(f"{_quote(category)}: {_camel(category)}Chain" for category in chains)
    out.append(f"\n\n#: The chain class of each category whose processing chains.\nCHAINS: dict[str, type[ChainBase]] = {{{entries}}}\n")
    parts = [f"{step.name}: {step.name}Chain" for step in parents]
    out.append(
        "\n#: The chain class of each action with sub-steps, and of its sub-steps.\n"
        + _bracketed("SUBSTEP_CHAINS: dict[type[StepBase], type[ChainBase]] = {", parts, "}")
        + "\n"
    )
    names = [step.name for step in steps]
    out.append("\n\n#: One action of a built directive, and the classes of the actions.\n")
    alias = "  # noqa: UP007  # an alias evaluated at run time, not an annotation"
    out.append(_bracketed("Step = Union[", names, "]", comment=alias) + "\n")
    out.append(_bracketed("StepType = Union[", [f"type[{name}]" for name in names], "]", comment="  # noqa: UP007") + "\n")
    out.append(_bracketed("STEPS: tuple[StepType, ...] = (", names, ")", tuple_of_one=len(names) == 1) + "\n")
    return "".join(out)


def _chain_methods(category: str, members: list[_Planned]) -> str:
    """The mixin of a category's chaining methods: one per chainable processing step,
    its bare value (if any) positional, the rest keywords."""
    name = _camel(category)
    out = [f"\n\nclass {name}Steps:\n"]
    out.append(_docstring(f"The methods that chain {category} processing, each appending one action.", "    "))
    out.append("\n    __slots__ = ()\n")
    for step in members:
        arguments = [f"{row.keyword}={row.keyword}" for row in step.rows]
        out.append("\n" + _call(f"    def {step.chain}(", _parameters(step), f") -> {name}Chain:", "    "))
        doc = f"Append ``{step.label}``: {step.summary}" + (f"\n\n{_keywords_doc(step)}" if step.rows else "")
        out.append(_docstring(doc, "        "))
        out.append(_call(f"        step = {step.name}(", arguments, ")", "        "))
        out.append(f"        return {name}Chain((*chained_steps(self), step))\n")
    return "".join(out)


def _parent_of(steps: Mapping[str, _Planned], action: tuple[str, str]) -> _Planned:
    """The planned step of (category, action)."""
    return next(step for step in steps.values() if (step.category, step.action) == action and not step.parents)


def _substep_methods(step: _Planned, by_name: Mapping[str, _Planned]) -> str:
    """The mixin of an action's sub-step methods (``VideoConcatSteps.pre``): each appends
    a sub-step in the action's stage and returns the chain that more may follow."""
    out = [f"\n\nclass {step.name}Steps:\n"]
    out.append(_docstring(f"The methods that append the sub-steps of ``{step.label}``, in its stage.", "    "))
    out.append("\n    __slots__ = ()\n")
    for method, name in step.substeps:
        sub = by_name[name]
        out.append("\n" + _call(f"    def {method}(", _parameters(sub), f") -> {step.name}Chain:", "    "))
        doc = f"Append ``/{method}``: {sub.summary}" + (f"\n\n{_keywords_doc(sub)}" if sub.rows else "")
        out.append(_docstring(doc, "        "))
        out.append(_call(f"        part = {sub.name}(", [f"{row.keyword}={row.keyword}" for row in sub.rows], ")", "        "))
        out.append(f"        return {step.name}Chain((*chained_steps(self), part))\n")
    return "".join(out)


def _parameters(step: _Planned) -> list[str]:
    """A method's parameters: the bare value (if any) positional, the rest keywords."""
    bare = [row for row in step.rows if row.key is None]
    keyed = [row for row in step.rows if row.key is not None]
    parameters = ["self"]
    for row in bare:
        parameters.append(f"{row.keyword}: {row.annotation}" + ("" if row.required else " | None = None"))
    if bare:
        parameters.append("/")
    if keyed:
        parameters.append("*")
        parameters += [f"{row.keyword}: {row.annotation}" + ("" if row.required else " | None = None") for row in keyed]
    return parameters


def _call(head: str, items: list[str], tail: str, indent: str) -> str:
    """``head items tail`` on one line when it fits, else one item a line with a trailing
    comma (which ``ruff format`` keeps as it is)."""
    line = head + ", ".join(items) + tail
    if len(line) <= _LINE_LENGTH:
        return line + "\n"
    return head + "\n" + "".join(f"{indent}    {item},\n" for item in items) + indent + tail + "\n"


def chained_steps(start: object) -> tuple[StepBase, ...]:
    """The steps a chaining method appends to: none for a chain's start (``Image()``)."""
    steps: tuple[StepBase, ...] = getattr(start, "steps", ())
    return steps


#: The line length of ``ruff format`` (pyproject.toml): the generated source is formatted.
_LINE_LENGTH = 140


def _bracketed(head: str, items: list[str], tail: str, *, comment: str = "", tuple_of_one: bool = False) -> str:
    """``head items tail`` on one line, or one item a line as ``ruff format`` splits it;
    ``comment`` (a pragma, which ruff does not count) ends the first line."""
    line = head + ", ".join(items) + ("," if tuple_of_one else "") + tail
    if len(line) <= _LINE_LENGTH:
        return line + comment
    return head + comment + "\n" + "".join(f"    {item},\n" for item in items) + tail


_serial = itertools.count()


def _run(catalogue: Catalogue) -> ModuleType:
    """Run the generated source for ``catalogue`` as a module of its own: registered in
    ``sys.modules`` (dataclasses, ``get_type_hints`` and pickle look classes up there) and
    its source in :mod:`linecache`, so that tracebacks and ``inspect`` show its lines."""
    text = source(catalogue)
    number = next(_serial)
    module = ModuleType(f"oss_process._steps_{number}", f"The builder's classes for {catalogue!r}.")
    module.__file__ = f"<oss_process generated {number}: builder classes of {catalogue!r}>"
    linecache.cache[module.__file__] = (len(text), None, text.splitlines(keepends=True), module.__file__)
    from . import _steps

    vars(module).update(
        dataclass=dataclass,
        _field=dataclasses.field,
        ClassVar=ClassVar,
        Literal=Literal,
        Union=Union,
        BitrateOption=BitrateOption,
        ChainBase=ChainBase,
        ProcessStep=ProcessStep,
        StepBase=StepBase,
        chained_steps=chained_steps,
        fills=fills,
        Catalogue=Catalogue,
        # Every directive is a BuiltDirective; this catalogue's chaining methods override those it shares.
        _Directive=_steps.BuiltDirective,
        _CATALOGUE=catalogue,
    )
    sys.modules[module.__name__] = module
    exec(compile(text, module.__file__, "exec"), vars(module))  # source written by this module from the tables
    # A chaining method of the built-in catalogue that this one has no table for says so,
    # instead of building a step of the built-in catalogue.
    own = module.BuiltDirective
    for name, member in vars(_steps.BuiltDirective).items():
        if callable(member) and not name.startswith("_") and name not in vars(own):
            setattr(own, name, _no_such_step(name, catalogue))
    return module


def _no_such_step(method: str, catalogue: Catalogue) -> Callable[..., Any]:
    def missing(self: object, **keywords: object) -> Any:
        raise UnsupportedDirectiveError((), "", f".{method}(): {catalogue!r} has no table for the step it adds")

    missing.__name__ = method
    return missing


# The classes of each catalogue, made once and kept like an imported module (a bounded
# region of the one cache; the built-in catalogue's are the checked-in module).
_MADE = CACHE.builders
_MAKING = threading.Lock()


def step_classes(catalogue: Catalogue) -> StepClasses:
    """The builder classes of ``catalogue``: the checked-in ones for the built-in catalogue,
    made from the same generated source for any other, on first use."""
    found: StepClasses | None = _MADE.get(catalogue)  # type: ignore[assignment]
    if found is not None:
        return found
    with _MAKING:
        found = _MADE.get(catalogue)  # type: ignore[assignment]
        if found is None:
            if catalogue is BUILTIN:
                from . import _steps as module
            else:
                module = _run(catalogue)
            found = _classes(vars(module), module.__name__ if catalogue is not BUILTIN else None)
            _MADE.put(catalogue, found)
    return found


def _classes(namespace: Mapping[str, object], module_name: str | None) -> StepClasses:
    steps = cast("tuple[type[StepBase], ...]", namespace["STEPS"])
    labels = [
        step.ACTION[1] if step.ACTION[0] is None else "/".join(cast("tuple[str, str]", step.ACTION)) for step in steps if not step.PARENTS
    ]
    covered = " and ".join(filter(None, [", ".join(labels[:-1]), *labels[-1:]])) or "none"
    chain = cast("type[ChainBase]", namespace["_Chain"])
    chains = cast("Mapping[str, type[ChainBase]]", namespace.get("CHAINS", {}))
    parts = cast("Mapping[type[StepBase], type[ChainBase]]", namespace.get("SUBSTEP_CHAINS", {}))
    by_info = {step.entry(): step for step in steps if not step.PARENTS}
    substeps = {step.entry().spec: step for step in steps if step.PARENTS}
    return StepClasses(
        namespace, by_info, chain, covered, chains, module_name, MappingProxyType(cast("dict[ActionSpec, type[StepBase]]", substeps)), parts
    )
