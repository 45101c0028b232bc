"""A typed builder for the directives that have parameter tables.

    >>> from oss_process.builder import AudioConvert
    >>> str(
    ...     AudioConvert(format="aac", bitrate=96_000, start_ms=10_000, duration_ms=60_000)
    ...     .save_as(bucket="outbucket", object="out.{autoext}")
    ...     .notify(topic="AudioConvert")
    ... )
    'audio/convert,ss_10000,t_60000,f_aac,ab_96000|sys/saveas,b_b3V0YnVja2V0,o_b3V0LnthdXRvZXh0fQ/notify,topic_QXVkaW9Db252ZXJ0'

Keywords have readable names; each field's metadata names the short key it fills.
Everything else comes from the tables in :mod:`oss_process.tables`: which keys exist,
their order, their defaults, how a value is written, and every range, enum and rule
(the validator checks what is built, exactly as it checks a parsed directive). The
``Literal`` types below exist for ``mypy`` only; a test holds them to the tables.

The builder covers ``audio/convert``, ``sys/saveas`` and ``notify``.
:meth:`BuiltDirective.from_tree` turns any valid tree of those back into a built
directive, whose ``repr`` is the builder code; other trees raise
:class:`UnsupportedDirectiveError`.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, Union

from .ast import Action, Directive, Parameter, Stage, Value
from .diagnostics import Diagnostic
from .errors import ArgumentError, DirectiveError, InvalidDirectiveError
from .kinds import Base64Name, Choice, Integer, IntegerChoice
from .printer import print_canonical, unparse
from .tables import ActionInfo, ActionSpec, Mode, ParamSpec, Role, lookup
from .validation import ModeLike, validate

__all__ = [
    "AudioConvert",
    "AudioFormat",
    "BitDepth",
    "BitrateOption",
    "BuiltDirective",
    "Notify",
    "SampleRate",
    "SaveAs",
    "Step",
    "UnsupportedDirectiveError",
]

# For mypy only: the runtime check is the table's (audio.FORMATS, audio.SAMPLE_RATES and
# the adepth row); tests/test_builder.py fails when these and the tables differ.
AudioFormat = Literal["mp3", "aac", "flac", "oga", "ac3", "opus", "amr"]
SampleRate = Literal[8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000]
BitDepth = Literal[16, 24]


class BitrateOption(str, Enum):
    """``abopt``: what happens when the source bitrate is below ``bitrate`` (``ab``).

    The values are the table's; ``ALWAYS_TARGET`` is its default, so the canonical form
    leaves it out.
    """

    ALWAYS_TARGET = "0"  # always use the target bitrate
    SOURCE_IF_LOWER = "1"  # keep the source bitrate when it is lower than the target
    FAIL_IF_SOURCE_LOWER = "2"  # fail the job when the source bitrate is lower than the target


class UnsupportedDirectiveError(DirectiveError):
    """A tree the builder has no calls for: an action other than ``audio/convert``,
    ``sys/saveas`` and ``notify``, or more than one ``audio/convert``. The directive may
    well be valid; parse and canonicalize still handle it."""


def _fills(key: str, *, convert: type[Enum] | None = None) -> dict[str, object]:
    """Field metadata: the keyword fills the table's parameter ``key``; ``convert`` turns
    the validator's typed value back into the keyword's type (an enum)."""
    return {"key": key, "convert": convert}


class _Step:
    """One action of a directive, its keywords in dataclass fields tagged with table keys."""

    #: (category, action) in the catalogue; category None: a stage of its own.
    ACTION: ClassVar[tuple[str | None, str]]
    #: The builder method that appends this step to a directive (repr writes it).
    METHOD: ClassVar[str]

    @classmethod
    def info(cls) -> ActionInfo:
        info = lookup(*cls.ACTION)
        # The catalogue has a table for every builder step (tests/test_builder.py).
        assert info is not None, cls.ACTION
        return info

    @classmethod
    def spec(cls) -> ActionSpec:
        spec = cls.info().spec
        assert spec is not None
        return spec

    @classmethod
    def keywords(cls) -> Mapping[str, str]:
        """Keyword name -> table key, in field order."""
        return {f.name: f.metadata["key"] for f in dataclasses.fields(cls) if "key" in f.metadata}  # type: ignore[arg-type]

    def action(self) -> Action:
        """The action with its parameters in canonical form: table order, each value
        written as the table's kind writes it, values equal to the default left out."""
        spec = self.spec()
        named = []
        for name, key in self.keywords().items():
            value = getattr(self, name)
            if value is None:
                continue
            pspec = spec.by_key[key]
            text = _write(type(self).__name__, name, pspec, value)
            if text != pspec.default:
                named.append((spec.order[key], key, text))
        return Action(self.ACTION[1], tuple(Parameter(key, text) for _, key, text in sorted(named)))

    def call_arguments(self) -> str:
        """The keyword arguments that rebuild this step, as code."""
        return ", ".join(f"{name}={_code(getattr(self, name))}" for name in self.keywords() if getattr(self, name) is not None)

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
    if isinstance(kind, Choice) and not isinstance(value, str):
        raise _wrong_type(owner, name, "a str", value)
    return str(value)


def _wrong_type(owner: str, name: str, wanted: str, value: object) -> ArgumentError:
    return ArgumentError((), message=f"{owner}({name}=...) takes {wanted}, not {type(value).__name__} ({value!r})")


def _kwargs(step: type[_Step], values: Mapping[str, Value]) -> dict[str, Any]:
    """Keyword arguments for ``step`` from typed values by table key (as validation
    reads them); values equal to the table's default are left out."""
    spec = step.spec()
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(step):  # type: ignore[arg-type]
        key = f.metadata.get("key")
        if key is None or key not in values:
            continue
        value = values[key]
        pspec = spec.by_key[key]
        if pspec.default is not None and _write(step.__name__, f.name, pspec, value) == pspec.default:
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


def _tree(steps: tuple[Step, ...]) -> Directive:
    """One stage per step, except that a notify after a save joins its stage
    (``.../saveas,o_.../notify,...``), as the canonical form writes it."""
    stages: list[Stage] = []
    previous: ActionInfo | None = None
    for step in steps:
        info = step.info()
        category, _ = step.ACTION
        action = step.action()
        if previous is not None and previous.role is Role.SAVE and info.role is Role.NOTIFY:
            stages[-1] = Stage(stages[-1].category, (*stages[-1].actions, action))
        else:
            stages.append(Stage(category, (action,)))
        previous = info
    return Directive(tuple(stages))


def _check(steps: tuple[Step, ...]) -> _Checked:
    """Validate the steps as one directive; raise on any error, with every diagnostic."""
    tree = _tree(steps)
    modes = frozenset.intersection(*(step.info().modes for step in steps))
    mode = next(iter(modes)) if len(modes) == 1 else None
    checked = validate(tree, mode=mode)
    if not checked.ok:
        # Spans point into the tree's unparsed text: lint of that text reports the same.
        raise InvalidDirectiveError(checked.diagnostics, unparse(tree))
    return _Checked(checked.directive, print_canonical(tree), checked.warnings, mode)


class BuiltDirective:
    """A valid directive made with the builder. ``str()`` is its canonical text.

    Built directives are immutable; two are equal when they mean the same directive
    (their canonical trees are equal), and ``repr`` is the builder code that rebuilds one.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        # Set by each subclass: a field of the chain, a property of AudioConvert.
        @property
        def steps(self) -> tuple[Step, ...]:
            """The actions, left to right."""

        _result: _Checked

    @property
    def tree(self) -> Directive:
        """The canonical tree, with typed values: ``parse(str(self)) == self.tree``."""
        return self._result.tree

    @property
    def text(self) -> str:
        """The canonical directive string."""
        return self._result.text

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """What lint warns about (errors raise at build time); spans point into ``text``."""
        return self._result.warnings

    @property
    def mode(self) -> Mode | None:
        """The request parameter to send it in: ``Mode.ASYNC`` for ``x-oss-async-process``."""
        return self._result.mode

    def save_as(self, *, object: str, bucket: str | None = None) -> BuiltDirective:
        """Append ``sys/saveas``: ``object`` (``o``) and ``bucket`` (``b``, default the
        source bucket) are plain names, Base64-encoded for you; they may use template
        variables such as ``{autoext}`` (write ``{{`` and ``}}`` for literal braces)."""
        return _Chain((*self.steps, SaveAs(bucket=bucket, object=object)))

    def notify(self, *, topic: str) -> BuiltDirective:
        """Append ``notify``: ``topic`` is the message-queue topic name, Base64-encoded for you."""
        return _Chain((*self.steps, Notify(topic=topic)))

    @classmethod
    def from_tree(cls, directive: Directive, *, mode: ModeLike = None) -> BuiltDirective:
        """The built directive of a parsed tree: ``repr`` of the result is the builder code.

        Raises :class:`UnsupportedDirectiveError` when the tree holds an action the
        builder does not cover, and :class:`InvalidDirectiveError` (the diagnostics of
        ``validate``) when it has errors. Values equal to their default are left out.
        """
        text = unparse(directive)
        types: list[StepType] = []
        for stage, action in directive.actions():
            info = lookup(stage.category, action.name)
            step = next((s for s in _STEP_TYPES if info is not None and s.info() is info), None)
            if step is None:
                where = action.name if stage.category is None else f"{stage.category}/{action.name}"
                raise UnsupportedDirectiveError((), text, f"the builder has no step for {where}; it covers {_COVERED}")
            types.append(step)
        checked = validate(directive, mode=mode)
        if not checked.ok:
            raise InvalidDirectiveError(checked.diagnostics, text)
        if not types or types[0] is not AudioConvert or AudioConvert in types[1:]:
            raise UnsupportedDirectiveError((), text, "the builder makes directives of one audio/convert and the steps after it")
        steps = [
            step(**_kwargs(step, {p.key: p.value for p in action.parameters if p.key is not None and p.value is not None}))
            for step, (_, action) in zip(types, checked.directive.actions(), strict=True)
        ]
        return steps[0] if len(steps) == 1 else _Chain(tuple(steps))  # type: ignore[return-value]

    @classmethod
    def from_text(cls, text: str, *, mode: ModeLike = None) -> BuiltDirective:
        """:meth:`from_tree` of ``parse(text)``; raises :class:`ParseError` on a syntax error."""
        from ._api import parse

        return cls.from_tree(parse(text), mode=mode)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        first, *rest = self.steps
        return repr(first) + "".join(f".{step.METHOD}({step.call_arguments()})" for step in rest)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BuiltDirective):
            return NotImplemented
        return self.tree == other.tree

    def __hash__(self) -> int:
        return hash(self.tree)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class AudioConvert(_Step, BuiltDirective):
    """``audio/convert``: transcode audio (``x-oss-async-process`` only). A directive on
    its own; chain ``.save_as(...)`` and ``.notify(...)`` to store and announce the result.

    ============== ====== ======================================================
    keyword        key    meaning (the table's words are in ``oss_process.tables``)
    ============== ====== ======================================================
    format         f      output container: mp3, aac, flac, oga, ac3, opus, amr
    start_ms       ss     where transcoding begins, in ms (default 0: the start)
    duration_ms    t      how much to transcode, in ms (default 0: to the end)
    sample_rate    ar     output sampling rate in Hz (default: the source's)
    channels       ac     output channel count (default: the source's)
    quality        aq     compression quality 0-100; exclusive with bitrate
    bitrate        ab     output bitrate in bit/s; exclusive with quality
    bitrate_option abopt  a :class:`BitrateOption`; takes effect with bitrate
    bit_depth      adepth sampling bit depth, 16 or 24; only with format flac
    ============== ====== ======================================================

    Raises :class:`InvalidDirectiveError` with lint's diagnostics on an invalid value or
    combination, and :class:`ArgumentError` on a value of the wrong Python type.
    """

    ACTION: ClassVar[tuple[str | None, str]] = ("audio", "convert")
    METHOD: ClassVar[str] = "AudioConvert"  # it starts a directive: its call is the constructor's

    format: AudioFormat = field(metadata=_fills("f"))
    start_ms: int | None = field(default=None, metadata=_fills("ss"))
    duration_ms: int | None = field(default=None, metadata=_fills("t"))
    sample_rate: SampleRate | None = field(default=None, metadata=_fills("ar"))
    channels: int | None = field(default=None, metadata=_fills("ac"))
    quality: int | None = field(default=None, metadata=_fills("aq"))
    bitrate: int | None = field(default=None, metadata=_fills("ab"))
    bitrate_option: BitrateOption | None = field(default=None, metadata=_fills("abopt", convert=BitrateOption))
    bit_depth: BitDepth | None = field(default=None, metadata=_fills("adepth"))
    _result: _Checked = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_result", _check((self,)))

    @property
    def steps(self) -> tuple[Step, ...]:
        return (self,)


@dataclass(frozen=True, kw_only=True, repr=False)
class SaveAs(_Step):
    """``sys/saveas``: ``bucket`` (``b``) and ``object`` (``o``), plain names that the
    directive carries as URL-safe Base64. Added by :meth:`BuiltDirective.save_as`."""

    ACTION: ClassVar[tuple[str | None, str]] = ("sys", "saveas")
    METHOD: ClassVar[str] = "save_as"

    bucket: str | None = field(default=None, metadata=_fills("b"))
    object: str = field(metadata=_fills("o"))


@dataclass(frozen=True, kw_only=True, repr=False)
class Notify(_Step):
    """``notify``: ``topic`` (``topic``), a message-queue topic name that the directive
    carries as URL-safe Base64. Added by :meth:`BuiltDirective.notify`."""

    ACTION: ClassVar[tuple[str | None, str]] = (None, "notify")
    METHOD: ClassVar[str] = "notify"

    topic: str = field(metadata=_fills("topic"))


@dataclass(frozen=True, eq=False, repr=False)
class _Chain(BuiltDirective):
    """A directive of several steps, made by :meth:`BuiltDirective.save_as` and ``.notify``."""

    steps: tuple[Step, ...]
    _result: _Checked = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_result", _check(self.steps))


#: One action of a built directive.
Step = Union[AudioConvert, SaveAs, Notify]  # noqa: UP007  # evaluated at runtime: Python 3.10 has no | on these
StepType = Union[type[AudioConvert], type[SaveAs], type[Notify]]  # noqa: UP007

_STEP_TYPES: tuple[StepType, ...] = (AudioConvert, SaveAs, Notify)
_LABELS = [("" if s.ACTION[0] is None else f"{s.ACTION[0]}/") + s.ACTION[1] for s in _STEP_TYPES]
_COVERED = ", ".join(_LABELS[:-1]) + " and " + _LABELS[-1]
