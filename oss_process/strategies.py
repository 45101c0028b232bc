"""Hypothesis strategies for directives, for this project's tests and for yours.

Needs ``hypothesis`` (not a runtime dependency of oss_process). Test a gateway, a proxy
or an SDK wrapper against the directives OSS documents::

    from hypothesis import given
    from oss_process.strategies import NearMiss, directives, near_misses

    @given(directives("audio/convert"))
    def test_my_gateway_accepts_valid_directives(text: str) -> None: ...

    @given(near_misses())
    def test_my_gateway_refuses_near_misses(miss: NearMiss) -> None:
        response = my_gateway.post(miss.text, mode=miss.mode)
        assert response.status == 400 and miss.code in response.text

Everything is drawn from the tables of a catalogue (``catalogue=``, the built-in
:data:`oss_process.tables.BUILTIN` by default): each parameter's kind says what its valid
values are and what lies just outside them, each rule how to satisfy and how to break it,
``required`` which keys an action needs, and the catalogue's roles and modes which steps
may follow a processing action and in which request. ``action`` names one table by its
label (``"audio/convert"``, ``"sys/saveas"``, ``"sys/notify"``: see
:meth:`~oss_process.tables.Catalogue.tabled`); a saving or notifying table is drawn
after a processing action that shares a mode with it.

Valid input:

- :func:`meanings`: what a valid directive says (a :class:`Meaning`: typed values per
  step, and the mode), before it is spelled; :func:`spellings` writes one meaning in any
  of its equivalent ways (any order, explicit defaults, Base64 padding, leading zeros,
  ``|notify`` or ``/notify``); :func:`canonical_text` writes it the one canonical way;
- :func:`directives`: valid directives as strings, spelled in any of those ways;
- :func:`trees`: the same as parsed trees (valid ASTs);
- :func:`built_directives`: the same made with :mod:`oss_process.builder` (for the
  actions the builder covers).

Invalid input:

- :func:`near_misses`: a valid directive with one mistake, as a :class:`NearMiss` that
  names the one error code lint must report (and ``canonicalize`` raise). The mistakes
  come from the kinds (a value outside its range, enum or alphabet), the rules (each
  rule broken on its own), ``required``, the grammar's alphabet and the stage rules.
  ``near_misses(codes=["E210"])`` draws only some; :func:`near_miss_codes` lists the
  codes a table (or a catalogue) can give, :data:`NEAR_MISS_CODES` those of the built-in
  catalogue.

Any shape, for parsers:

- :func:`directive_trees`: any tree the grammar can produce (mostly invalid for the tables);
- :func:`grammar_strings`: strings generated from the grammar file itself.

The audio names of the first version remain: :func:`audio_meanings` (an
:class:`AudioMeaning`), :func:`audio_directives` and :func:`audio_trees` are the above for
``audio/convert`` with ``sys/saveas``.

Kinds and rules of your own
---------------------------
A table may bring a kind or a rule of its own (any object with the methods of
:class:`~oss_process.kinds.Kind` or :class:`~oss_process.rules.Rule`). The strategies
know a kind or rule by its type, through a registry:

- :func:`register_kind` gives a kind type its :class:`KindExamples`: the strategy of its
  valid (typed) values, how a value is written canonically and in other spellings, and
  its violating texts, each with the code its check reports. A :class:`Base64Name`
  looks up its name rule (``BucketName``, ``ObjectName``, ``TopicName``, yours) in the
  same registry: there the values are the decoded names.
- :func:`register_rule` gives a rule type its :class:`RuleExamples`: how to make the rule
  hold for drawn values, and the ways to break it, each with its code.

Without an entry, nothing breaks: a parameter of an unknown kind is left out of valid
directives (an action that *requires* one raises :class:`UnsupportedTable` when its
strategy is made) and gets no near miss; an unknown rule is satisfied by leaving out
optional parameters until its own ``check`` reports nothing (else the example is
rejected) and gets no near miss.
"""

from __future__ import annotations

import base64
import re
import string
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from hypothesis import reject
from hypothesis import strategies as st

from ._grammar import grammar_text, terminal_patterns
from .ast import Action, Directive, Parameter, Stage, Value
from .builder import BuiltDirective
from .embedded import ObjectWithProcess
from .kinds import (
    Base64Name,
    BucketName,
    Choice,
    FrameRate,
    HexColor,
    Integer,
    IntegerChoice,
    Named,
    ObjectName,
    PageRange,
    Resolution,
    Text,
    TopicName,
)
from .rules import (
    Advised,
    AllowedPerChoice,
    Alone,
    Doubtful,
    Exclusive,
    FailsBelowSource,
    GridWithin,
    Needs,
    OneOf,
    OnlyWith,
    Overridden,
    RuleContext,
    SourceAtMost,
    Untested,
)
from .source import Source, SourceAudio
from .tables import BUILTIN, ActionInfo, ActionSpec, Catalogue, Mode, ParamSpec, Role
from .tables.model import INFERRED_REFUSALS
from .tables.variables import ALL as ALL_VARIABLES
from .tables.variables import PUBLIC

__all__ = [
    "NEAR_MISS_CODES",
    "AudioMeaning",
    "Context",
    "KindExamples",
    "Meaning",
    "NearMiss",
    "RuleExamples",
    "StepMeaning",
    "UnsupportedTable",
    "audio_directives",
    "audio_meanings",
    "audio_trees",
    "built_directives",
    "canonical_text",
    "directive_trees",
    "directives",
    "grammar_strings",
    "meanings",
    "near_miss_codes",
    "near_misses",
    "register_kind",
    "register_rule",
    "spellings",
    "trees",
]


class UnsupportedTable(TypeError):
    """A table the strategies cannot draw valid directives for: a required parameter of
    a kind no :class:`KindExamples` is registered for."""


# --- The registry: what a kind or a rule contributes ---------------------------------


@dataclass(frozen=True)
class Context:
    """Where a value stands: the template variables a name may use there (the public
    ones, and those the processing action before a save defines)."""

    variables: frozenset[str] = frozenset(PUBLIC)
    #: The source fields the catalogue declares (a mistake about the source needs its field).
    source_fields: frozenset[str] = frozenset()


#: (violating text, the mistake in words), drawn.
Violation = st.SearchStrategy[tuple[str, str]]


def _no_violations(kind: Any, context: Context) -> Mapping[str, Violation]:
    return {}


def _write_str(kind: Any, value: Value) -> str:
    return str(value)


@dataclass(frozen=True)
class KindExamples:
    """What the strategies know of one kind type.

    - ``values(kind, context)``: the kind's valid values, typed as its ``check`` types them;
    - ``write(kind, value)``: the value's canonical text;
    - ``spellings(kind, value)``: every text that means the value (default: the canonical one);
    - ``violations(kind, context)``: by error code, texts the kind's ``check`` refuses with
      exactly that error.
    """

    values: Callable[[Any, Context], st.SearchStrategy[Value]]
    write: Callable[[Any, Value], str] = _write_str
    spellings: Callable[[Any, Value], st.SearchStrategy[str]] | None = None
    violations: Callable[[Any, Context], Mapping[str, Violation]] = _no_violations


def _leave_as_is(draw: st.DrawFn, rule: Any, step: _Step) -> None:
    return None


def _no_rule_violations(rule: Any, step: _Step) -> Mapping[str, Breaker]:
    return {}


#: Breaks a rule in ``step`` (setting and forcing keys); returns the change in words and
#: the source the mistake needs (None: the directive alone is wrong).
Breaker = Callable[[st.DrawFn, "_Step"], tuple[str, Source | None]]


@dataclass(frozen=True)
class RuleExamples:
    """What the strategies know of one rule type.

    - ``satisfy(draw, rule, step)``: make the rule hold for the values drawn for one
      action, through ``step.put`` / ``step.drop`` (which leave required and forced keys be);
    - ``violations(rule, step)``: by error code, ways to break the rule in ``step``.

    Whatever ``satisfy`` leaves, keys are then dropped until the rule's own ``check``
    reports nothing; a broken rule must report exactly its code, or the example is rejected.
    """

    satisfy: Callable[[st.DrawFn, Any, _Step], None] = _leave_as_is
    violations: Callable[[Any, _Step], Mapping[str, Breaker]] = _no_rule_violations


_KINDS: dict[type, KindExamples] = {}
_RULES: dict[type, RuleExamples] = {}


def register_kind(kind_type: type, examples: KindExamples) -> None:
    """Draw values of ``kind_type`` (and its subclasses) with ``examples``; replaces an earlier entry."""
    _KINDS[kind_type] = examples


def register_rule(rule_type: type, examples: RuleExamples) -> None:
    """Satisfy and break rules of ``rule_type`` (and its subclasses) with ``examples``."""
    _RULES[rule_type] = examples


def _entry(registry: Mapping[type, Any], thing: object) -> Any:
    return next((registry[t] for t in type(thing).__mro__ if t in registry), None)


def _kind(kind: object) -> KindExamples | None:
    examples: KindExamples | None = _entry(_KINDS, kind)
    if examples is not None and isinstance(kind, Base64Name) and _entry(_KINDS, kind.rule) is None:
        return None
    return examples


def _rule(rule: object) -> RuleExamples:
    examples: RuleExamples | None = _entry(_RULES, rule)
    return examples if examples is not None else RuleExamples()


def _write(kind: object, value: Value) -> str:
    examples = _kind(kind)
    assert examples is not None
    return examples.write(kind, value)


def _values(kind: object, context: Context) -> st.SearchStrategy[Value]:
    examples = _kind(kind)
    assert examples is not None
    return examples.values(kind, context)


def _texts(kind: object, context: Context) -> st.SearchStrategy[str]:
    return _values(kind, context).map(lambda value: _write(kind, value))


def _violations(kind: object, context: Context) -> Mapping[str, Violation]:
    examples = _kind(kind)
    return {} if examples is None else examples.violations(kind, context)


def _is_value(text: str) -> bool:
    return re.fullmatch(terminal_patterns()["VALUE"], text) is not None


def _is_bare(text: str) -> bool:
    return re.fullmatch(terminal_patterns()["BARE"], text) is not None


def _error_codes(kind: object, text: str) -> list[str]:
    return [p.code for p in kind.check(text).problems if p.code[0] == "E"]  # type: ignore[attr-defined]


# --- The built-in kinds --------------------------------------------------------------

_NOT_INTEGERS = ("96k", "1.5", "0x10", "1_000", "ten", "1e3")


def _zeros(kind: Any, value: Value) -> st.SearchStrategy[str]:
    text = str(value)
    if text.startswith("-"):
        return st.just(text)
    return st.sampled_from([text, "0" + text, "00" + text])


def _not_integers(low: int) -> Violation:
    # "-1" is an integer where the range allows negative values.
    texts = [*_NOT_INTEGERS, *(["-1"] if low >= 0 else [])]
    return st.sampled_from(texts).map(lambda text: (text, f"{text!r} is not a plain integer"))


def _integer_violations(kind: Integer, context: Context) -> Mapping[str, Violation]:
    above = st.integers(kind.maximum + 1, max(kind.maximum * 10, kind.maximum + 10))
    outside = above if kind.minimum <= 0 else above | st.integers(0, kind.minimum - 1)
    return {
        "E205": _not_integers(kind.minimum),
        "E206": outside.map(lambda v: (str(v), f"{v} outside {kind.minimum}-{kind.maximum}")),
    }


def _choice_violations(kind: IntegerChoice, context: Context) -> Mapping[str, Violation]:
    others = st.integers(0, 10**7).filter(lambda v: v not in kind.choices)
    return {"E205": _not_integers(min(kind.choices)), "E207": others.map(lambda v: (str(v), f"{v}: not one of its values"))}


register_kind(
    Integer,
    KindExamples(
        values=lambda kind, context: st.integers(kind.minimum, kind.maximum),
        spellings=_zeros,
        violations=_integer_violations,
    ),
)
register_kind(
    IntegerChoice,
    KindExamples(values=lambda kind, context: st.sampled_from(kind.choices), spellings=_zeros, violations=_choice_violations),
)
register_kind(
    Choice,
    KindExamples(
        values=lambda kind, context: st.sampled_from(kind.choices),
        violations=lambda kind, context: {
            "E207": st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)
            .filter(lambda v: v not in kind.choices and all(v != a.spelling for a in kind.aliases))
            .map(lambda v: (v, f"{v!r}: not one of its values"))
        },
    ),
)
register_kind(
    HexColor,
    KindExamples(
        values=lambda kind, context: st.from_regex(r"[0-9A-F]{6}", fullmatch=True),
        spellings=lambda kind, value: st.sampled_from([str(value), str(value).lower()]),
        violations=lambda kind, context: {
            "E207": st.sampled_from([("AABBCCDD", "8 digits"), ("#FFFFFF", "a '#'"), ("FFF", "3 digits"), ("GG0000", "not hexadecimal")])
        },
    ),
)


def _resolutions(kind: Resolution, context: Context) -> st.SearchStrategy[Value]:
    side = st.integers(kind.minimum, kind.maximum).map(str)
    return st.one_of(st.tuples(side, side).map("x".join), side.map(lambda w: f"{w}x"), side.map(lambda h: f"x{h}"))


def _resolution_violations(kind: Resolution, context: Context) -> Mapping[str, Violation]:
    above = st.integers(kind.maximum + 1, kind.maximum * 10)
    return {
        "E206": above.map(lambda v: (f"{v}x{kind.minimum}", f"a side of {v}, over {kind.maximum}")),
        "E207": st.sampled_from([("1920X1080", "a capital X"), ("x", "no side"), ("1920*1080", "'*' for 'x'"), ("1920", "one number")]),
    }


register_kind(
    Resolution,
    KindExamples(
        values=_resolutions,
        spellings=lambda kind, value: st.sampled_from([str(value), "0" + str(value)] if str(value)[0] != "x" else [str(value)]),
        violations=_resolution_violations,
    ),
)


def _frame_rates(kind: FrameRate, context: Context) -> st.SearchStrategy[Value]:
    hundredths = st.integers(1, kind.maximum * 100)
    return hundredths.map(lambda n: f"{n // 100}.{n % 100:02d}".rstrip("0").rstrip("."))


register_kind(
    FrameRate,
    KindExamples(
        values=_frame_rates,
        # The same number: a trailing zero after the point, or a leading zero (W208).
        spellings=lambda kind, value: st.sampled_from(
            [str(value), (str(value) + "0") if "." in str(value) else f"{value}.0", f"0{value}" if str(value)[0] != "0" else str(value)]
        ),
        violations=lambda kind, context: {
            "E205": st.sampled_from([("25fps", "a unit"), ("2e1", "an exponent"), ("25.", "a bare point"), (".5", "no whole part")]),
            "E206": st.sampled_from(
                [("0", "zero"), ("0.0", "zero"), (f"{kind.maximum}.5", "over the maximum"), ("1000", "over the maximum")]
            ),
        },
    ),
)


def _b64(text: str, padded: bool = False) -> str:
    encoded = base64.urlsafe_b64encode(text.encode()).decode()
    return encoded if padded else encoded.rstrip("=")


@st.composite
def _bad_base64(draw: st.DrawFn, names: st.SearchStrategy[Value]) -> tuple[str, str]:
    encoded = _b64(str(draw(names)))
    needed = -len(encoded) % 4
    spoilers = {
        "wrong padding": encoded + "=" * draw(st.sampled_from([p for p in (1, 2, 3) if p != needed])),
        "a length no bytes encode": encoded + "A" * ((1 - len(encoded)) % 4 or 4),
    }
    if needed:  # the last character has unused low bits: set one
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        spoilers["unused bits set"] = encoded[:-1] + alphabet[alphabet.index(encoded[-1]) | 1]
    change = draw(st.sampled_from(sorted(spoilers)))
    return spoilers[change], change


@st.composite
def _not_utf8(draw: st.DrawFn) -> tuple[str, str]:
    raw = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe4\xb8", b"\x80"])) + draw(st.text("abc", max_size=5)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("="), "bytes that are not UTF-8"


def _base64_violations(kind: Base64Name, context: Context) -> Mapping[str, Violation]:
    names = _values(kind.rule, context)
    found: dict[str, Violation] = {"E300": _bad_base64(names), "E301": _not_utf8()}
    for code, bad in _violations(kind.rule, context).items():
        found[code] = bad.map(lambda pair: (_b64(pair[0]), f"{pair[1]} ({pair[0][:40]!r})"))
    return found


register_kind(
    Base64Name,
    KindExamples(
        values=lambda kind, context: _values(kind.rule, context),
        write=lambda kind, value: _b64(str(value)),
        spellings=lambda kind, value: st.booleans().map(lambda padded: _b64(str(value), padded)),
        violations=_base64_violations,
    ),
)


def _insert(draw: st.DrawFn, text: str, piece: str) -> str:
    where = draw(st.integers(0, len(text)))
    return text[:where] + piece + text[where:]


_BUCKETS = st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True)
_TOPICS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,30}", fullmatch=True)


@st.composite
def _bad_buckets(draw: st.DrawFn) -> tuple[str, str]:
    good = draw(_BUCKETS)
    return draw(
        st.sampled_from(
            [
                (_insert(draw, good, draw(st.sampled_from("_.A "))), "a character outside a-z, 0-9 and '-'"),
                (good[:2], "shorter than 3 characters"),
                ((good * 64)[:64], "longer than 63 characters"),
                ("-" + good, "starts with '-'"),
            ]
        )
    )


register_kind(
    BucketName,
    KindExamples(values=lambda kind, context: _BUCKETS, violations=lambda kind, context: {"E303": _bad_buckets()}),
)


def _object_names(context: Context) -> st.SearchStrategy[str]:
    alphabet = st.sampled_from(string.ascii_letters + string.digits + "-_.!*'()" + "éü中文")
    segment = st.text(alphabet, min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))
    variable = st.sampled_from(sorted(f"{{{v}}}" for v in context.variables if v in ALL_VARIABLES))
    piece = st.one_of(segment, segment, variable) if context.variables else segment
    path = st.lists(st.lists(piece, min_size=1, max_size=3).map("".join), min_size=1, max_size=3).map("/".join)
    return path.filter(lambda name: 0 < len(name.encode()) <= 1023)


@st.composite
def _bad_objects(draw: st.DrawFn, context: Context) -> tuple[str, str]:
    good = draw(_object_names(context))
    return draw(st.sampled_from([("/" + good, "starts with '/'"), ("a" * draw(st.integers(1024, 1100)), "longer than 1023 bytes")]))


@st.composite
def _bad_templates(draw: st.DrawFn, context: Context) -> tuple[str, str]:
    good = draw(_object_names(context))
    unknown = draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True).filter(lambda v: v not in ALL_VARIABLES))
    return draw(
        st.sampled_from(
            [
                (f"{good}{{{unknown}}}", f"the unknown variable {{{unknown}}}"),
                (good + "{", "a '{' never closed"),
                (good + "}", "a '}' that closes nothing"),
            ]
        )
    )


def _dot_segments(context: Context) -> Violation:
    pairs = st.tuples(_object_names(context), st.sampled_from(["./", "../"]))
    return pairs.map(lambda pair: (pair[1] + pair[0], f"a {pair[1]!r} segment"))


def _usable(kind: ObjectName, context: Context) -> Context:
    """The context with only the variables this name's templates know (a concat clip's: none)."""
    templates = kind.templates
    known = frozenset(v for v in context.variables if v in templates.variables or any(v.startswith(p) for p in templates.prefixes))
    return replace(context, variables=known)


register_kind(
    ObjectName,
    KindExamples(
        values=lambda kind, context: _object_names(_usable(kind, context)),
        violations=lambda kind, context: {
            "E304": _bad_objects(_usable(kind, context)),
            "E306": _dot_segments(_usable(kind, context)),
            "E308": _bad_templates(_usable(kind, context)),
        },
    ),
)


@st.composite
def _bad_topics(draw: st.DrawFn) -> tuple[str, str]:
    good = draw(_TOPICS)
    return draw(
        st.sampled_from(
            [
                ("-" + good, "starts with '-'"),
                (_insert(draw, good, draw(st.sampled_from("_. "))), "a character outside letters, digits and '-'"),
                ((good * 256)[:256], "longer than 255 characters"),
            ]
        )
    )


register_kind(TopicName, KindExamples(values=lambda kind, context: _TOPICS, violations=lambda kind, context: {"E310": _bad_topics()}))


def _texts_within(kind: Text) -> st.SearchStrategy[str]:
    alphabet = st.sampled_from(string.ascii_letters + string.digits + " .,!-" + "éü中文")
    return st.text(alphabet, min_size=1, max_size=min(kind.max_chars, 40)).filter(lambda text: not kind.check(text))


register_kind(
    Text,
    KindExamples(
        values=lambda kind, context: _texts_within(kind),
        violations=lambda kind, context: {
            "E312": st.integers(kind.max_chars + 1, kind.max_chars + 20).map(lambda n: ("a" * n, f"{n} characters"))
        },
    ),
)
register_kind(
    Named,
    KindExamples(
        values=lambda kind, context: st.sampled_from(kind.names),
        violations=lambda kind, context: {
            "E207": st.from_regex(r"[a-z-]{1,12}", fullmatch=True)
            .filter(lambda v: v not in kind.names)
            .map(lambda v: (v, f"{v!r}: not a {kind.what}"))
        },
    ),
)


def _page_ranges() -> st.SearchStrategy[str]:
    """start-end with start <= end, pages from 1: the one documented form."""
    pairs = st.tuples(st.integers(1, 5000), st.integers(0, 5000))
    return pairs.map(lambda pair: f"{pair[0]}-{pair[0] + pair[1]}")


@st.composite
def _bad_page_ranges(draw: st.DrawFn) -> tuple[str, str]:
    start, end = sorted(draw(st.tuples(st.integers(1, 5000), st.integers(1, 5000))))
    if start == end:
        end += 1
    return draw(
        st.sampled_from(
            [
                (f"{end}-{start}", "a range that starts after it ends"),
                (f"{start}-", "a range without its end"),
                (f"{start}~{end}", "'~' for '-'"),
                (f"{start} - {end}", "spaces around the '-'"),
                (f"{start}-{end},", "a trailing ','"),
            ]
        )
    )


register_kind(
    PageRange,
    KindExamples(
        values=lambda kind, context: _page_ranges(),
        violations=lambda kind, context: {
            "E206": st.integers(0, 5000).map(lambda end: (f"0-{end}", "page 0: pages count from 1")),
            "E207": _bad_page_ranges(),
        },
    ),
)

_PLAIN_OBJECTS = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}\.(png|jpg)", fullmatch=True)


def _processed_objects(kind: ObjectWithProcess) -> st.SearchStrategy[str]:
    first = kind.allowed[0]
    processing = st.integers(1, 100).map(lambda p: f"?x-oss-process={kind.category}/{first},P_{p}")
    return st.tuples(_PLAIN_OBJECTS, st.one_of(st.just(""), processing)).map("".join)


register_kind(
    ObjectWithProcess,
    KindExamples(
        values=lambda kind, context: _processed_objects(kind),
        violations=lambda kind, context: {
            "E304": _PLAIN_OBJECTS.map(lambda name: ("/" + name, "starts with '/'")),
            "E314": st.tuples(_PLAIN_OBJECTS, st.sampled_from(kind.refused)).map(
                lambda pair: (f"{pair[0]}?x-oss-process={kind.category}/{pair[1]}", f"{pair[1]} in its processing")
            ),
        },
    ),
)


# --- One action's parameters, as they are drawn and spoiled ---------------------------


def _row_of(spec: ActionSpec, key: str | None) -> ParamSpec | None:
    """The row of ``key``; the positional row goes by its own key here (no keyed row has
    it), and is written bare and first (:meth:`_Step.text`)."""
    positional = spec.positional
    if positional is not None and key == positional.key:
        return positional
    return spec.by_key.get(key) if key is not None else None


def _is_positional(spec: ActionSpec, key: str | None) -> bool:
    return spec.positional is not None and key == spec.positional.key


@dataclass
class _Step:
    """One action of a directive being drawn: its (key, text) pairs in order (key None:
    a bare value; the positional row's value goes by the row's key) and the keys a
    mistake relies on (``forced``: never dropped or changed)."""

    category: str | None
    info: ActionInfo
    spec: ActionSpec
    context: Context
    params: list[tuple[str | None, str]] = field(default_factory=list)
    forced: set[str] = field(default_factory=set)
    substep: bool = False  # a sub-step of the processing action before it, in its stage

    @property
    def name(self) -> str:
        return self.info.name

    def texts(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, text in self.params:
            if key is not None:
                found.setdefault(key, text)
        return found

    def values(self) -> dict[str, Value]:
        """The typed value of every key whose text its kind accepts."""
        found: dict[str, Value] = {}
        for key, text in self.texts().items():
            row = _row_of(self.spec, key)
            if row is not None:
                value = row.kind.check(text).value
                if value is not None:
                    found[key] = value
        return found

    def may_change(self, key: str) -> bool:
        # The positional value is always written: without it the action is another directive.
        row = _row_of(self.spec, key)
        return key not in self.forced and (row is None or not (row.required or row is self.spec.positional))

    def put(self, key: str, value: Value, *, force: bool = False) -> None:
        """Set ``key`` to the canonical text of ``value``."""
        row = _row_of(self.spec, key)
        assert row is not None
        self.put_text(key, _write(row.kind, value), force=force)

    def put_text(self, key: str, text: str, *, force: bool = False) -> None:
        if key in self.forced and not force:
            return
        if force:
            self.forced.add(key)
        if key in self.texts():
            self.params = [(k, text if k == key else t) for k, t in self.params]
        else:
            self.params.append((key, text))

    def drop(self, key: str) -> bool:
        """Leave ``key`` out, unless it is required or forced; True when it was dropped."""
        if key not in self.texts() or not self.may_change(key):
            return False
        self.params = [(k, t) for k, t in self.params if k != key]
        return True

    def text(self, head: str) -> str:
        """The action written after ``head`` (its name, or category/name)."""
        first = [text for key, text in self.params if _is_positional(self.spec, key)]
        rest = [text if key is None else f"{key}_{text}" for key, text in self.params if not _is_positional(self.spec, key)]
        return ",".join([head, *first, *rest])


def _diagnose(step: _Step, source: Source | None = None) -> list[tuple[str, str | None]]:
    """(code, key) of every problem the step's table finds: its kinds, ``required`` and rules."""
    found: list[tuple[str, str | None]] = []
    texts = step.texts()
    for key, text in texts.items():
        row = _row_of(step.spec, key)
        if row is not None:
            found.extend((code, key) for code in _error_codes(row.kind, text))
    found.extend(("E202", row.key) for row in step.spec.rows if row.required and row.key not in texts)

    def emit(code: str, message: str, key: str | None, hint: str | None = None) -> None:
        found.append((code, key))

    def valid(key: str, value: Value) -> bool:
        row = _row_of(step.spec, key)
        return row is not None and row.kind.check(str(value)).value is not None

    context = RuleContext(step.values(), texts, source, emit, valid)
    for rule in step.spec.rules:
        rule.check(context)
    return found


def _errors(step: _Step, source: Source | None = None) -> list[str]:
    return sorted(code for code, _ in _diagnose(step, source) if code[0] == "E")


def _distance(errors: list[str], expected: list[str]) -> int:
    return sum(((Counter(errors) - Counter(expected)) + (Counter(expected) - Counter(errors))).values())


def _settle(draw: st.DrawFn, step: _Step, expected: list[str], source: Source | None = None, skip: object = None) -> None:
    """Make every rule but ``skip`` hold, then leave out optional keys until the step's
    errors are ``expected`` (and, where leaving out a key silences a warning, without
    it); reject the example when they cannot be."""
    expected = sorted(expected)
    for _ in range(2):
        for rule in step.spec.rules:
            if rule is not skip:
                _rule(rule).satisfy(draw, rule, step)
    while True:
        problems = _diagnose(step, source)
        errors = sorted(code for code, _ in problems if code[0] == "E")
        if errors == expected and not any(code[0] == "W" and key is not None and step.may_change(key) for code, key in problems):
            return
        chosen = None
        for key in [k for k in step.texts() if step.may_change(k)]:
            trial = _Step(
                step.category, step.info, step.spec, step.context, [(k, t) for k, t in step.params if k != key], step.forced, step.substep
            )
            trial_problems = _diagnose(trial, source)
            trial_errors = sorted(code for code, _ in trial_problems if code[0] == "E")
            closer = _distance(trial_errors, expected) < _distance(errors, expected)
            if closer or (errors == trial_errors == expected and len(trial_problems) < len(problems)):
                chosen = key
                break
        if chosen is None:
            if errors != expected:
                reject()
            return
        step.drop(chosen)


def _draw_values(draw: st.DrawFn, step: _Step) -> None:
    """Valid values for ``step``: every required row, any optional row, then the rules."""
    for row in step.spec.rows:
        if _kind(row.kind) is None:
            continue
        if not row.confidence.documented and not row.required:
            continue  # a valid directive keeps to what is documented: using such a row warns (W223)
        if row.required or row is step.spec.positional or draw(st.booleans()):
            step.put(row.key, draw(_values(row.kind, step.context)))
    _settle(draw, step, [])


# --- The built-in rules ----------------------------------------------------------------


def _satisfy_exclusive(draw: st.DrawFn, rule: Exclusive, step: _Step) -> None:
    given = [key for key in rule.keys if key in step.texts()]
    if len(given) > 1:
        fixed = [key for key in given if not step.may_change(key)]
        keep = fixed[0] if fixed else draw(st.sampled_from(given))
        for key in given:
            if key != keep:
                step.drop(key)


def _break_exclusive(rule: Exclusive, step: _Step) -> Mapping[str, Breaker]:
    rows = [step.spec.by_key.get(key) for key in rule.keys]
    if any(row is None or _kind(row.kind) is None for row in rows):
        return {}

    def spoil(draw: st.DrawFn, step: _Step) -> tuple[str, Source | None]:
        for key in rule.keys:
            step.put(key, draw(_values(step.spec.by_key[key].kind, step.context)), force=True)
        return f"{' and '.join(rule.keys)} together", None

    return {"E203": spoil}


register_rule(Exclusive, RuleExamples(satisfy=_satisfy_exclusive, violations=_break_exclusive))


def _accepts(row: ParamSpec, value: Value) -> bool:
    return row.kind.check(str(value)).value is not None


def _satisfy_per_choice(draw: st.DrawFn, rule: AllowedPerChoice, step: _Step) -> None:
    values = step.values()
    choice, value = values.get(rule.selector), values.get(rule.key)
    allowed = rule.allowed.get(choice) if isinstance(choice, str) else None
    if allowed is None or value is None or value in allowed or not step.may_change(rule.key):
        return
    row = step.spec.by_key[rule.key]
    candidates = [v for v in allowed if _accepts(row, v)]
    if candidates:
        step.put(rule.key, draw(st.sampled_from(candidates)))
    else:
        step.drop(rule.key)


def _break_per_choice(rule: AllowedPerChoice, step: _Step) -> Mapping[str, Breaker]:
    row, selector = step.spec.by_key.get(rule.key), step.spec.by_key.get(rule.selector)
    if row is None or selector is None or _kind(row.kind) is None:
        return {}
    pool = sorted({v for values in rule.allowed.values() for v in values} | set(getattr(row.kind, "choices", ())))
    narrowed = {
        choice: outside
        for choice, allowed in rule.allowed.items()
        if _accepts(selector, choice) and (outside := [v for v in pool if v not in allowed and _accepts(row, v)])
    }
    found: dict[str, Breaker] = {}
    if narrowed:

        def explicit(draw: st.DrawFn, step: _Step) -> tuple[str, Source | None]:
            choice = draw(st.sampled_from(sorted(narrowed)))
            value = draw(st.sampled_from(narrowed[choice]))
            step.put(rule.selector, choice, force=True)
            step.put(rule.key, value, force=True)
            return f"{rule.key}_{value} with {rule.selector}_{choice}", None

        found["E210"] = explicit
    choices = [choice for choice in rule.allowed if _accepts(selector, choice)]
    if choices and not row.required and rule.source_field in step.context.source_fields:

        def from_source(draw: st.DrawFn, step: _Step) -> tuple[str, Source | None]:
            choice = draw(st.sampled_from(choices))
            value = draw(st.integers(1, 10**6).filter(lambda v: v not in rule.allowed[choice]))
            step.put(rule.selector, choice, force=True)
            step.drop(rule.key)
            step.forced.add(rule.key)  # stays out
            change = f"{rule.key} omitted, {rule.selector}_{choice}, source {rule.source_field} {value}"
            return change, _source(**{rule.source_field: value})

        found["E212"] = from_source
    return found


def _break_per_choice_by_code(rule: AllowedPerChoice, step: _Step) -> Mapping[str, Breaker]:
    # An inferred restriction (W232) only warns: it gives no E210 near miss.
    found = _break_per_choice(rule, step)
    return found if rule.code == "E210" else {code: breaker for code, breaker in found.items() if code != "E210"}


register_rule(AllowedPerChoice, RuleExamples(satisfy=_satisfy_per_choice, violations=_break_per_choice_by_code))


def _satisfy_only_with(draw: st.DrawFn, rule: OnlyWith, step: _Step) -> None:
    choice = step.values().get(rule.selector)
    if choice is None and rule.selector not in step.texts():
        choice = rule.absent
    if isinstance(choice, str) and choice not in rule.choices:
        step.drop(rule.key)


def _satisfy_needs(draw: st.DrawFn, rule: Needs, step: _Step) -> None:
    if any(key not in step.texts() for key in rule.all_needed):
        step.drop(rule.key)


def _drawable_rows(rule_keys: tuple[str, ...], step: _Step) -> list[ParamSpec]:
    rows = [_row_of(step.spec, key) for key in rule_keys]
    return [row for row in rows if row is not None and _kind(row.kind) is not None and row.confidence.documented]


def _satisfy_one_of(draw: st.DrawFn, rule: OneOf, step: _Step) -> None:
    if any(key in step.texts() for key in rule.keys):
        return
    rows = _drawable_rows(rule.keys, step)
    if rows:
        row = draw(st.sampled_from(rows))
        step.put(row.key, draw(_values(row.kind, step.context)))


def _break_one_of(rule: OneOf, step: _Step) -> Mapping[str, Breaker]:
    if any((row := _row_of(step.spec, key)) is not None and (row.required or row is step.spec.positional) for key in rule.keys):
        return {}

    def spoil(draw: st.DrawFn, step: _Step) -> tuple[str, Source | None]:
        for key in rule.keys:
            step.drop(key)
            step.forced.add(key)  # stays out
        return f"none of {', '.join(rule.keys)}", None

    return {"E202": spoil}


def _satisfy_overridden(draw: st.DrawFn, rule: Overridden, step: _Step) -> None:
    if any(key in step.texts() for key in rule.by):
        step.drop(rule.key)


def _satisfy_untested(draw: st.DrawFn, rule: Untested, step: _Step) -> None:
    if any(key in step.texts() for key in rule.with_keys):
        step.drop(rule.key)


def _satisfy_doubtful(draw: st.DrawFn, rule: Doubtful, step: _Step) -> None:
    value = step.values().get(rule.key)
    row = _row_of(step.spec, rule.key)
    if isinstance(value, int) and value > rule.above and row is not None and isinstance(row.kind, Integer):
        step.put(rule.key, draw(st.integers(row.kind.minimum, rule.above)))


register_rule(OnlyWith, RuleExamples(satisfy=_satisfy_only_with))
register_rule(Needs, RuleExamples(satisfy=_satisfy_needs))
register_rule(OneOf, RuleExamples(satisfy=_satisfy_one_of, violations=_break_one_of))
register_rule(Overridden, RuleExamples(satisfy=_satisfy_overridden))
register_rule(Untested, RuleExamples(satisfy=_satisfy_untested))
register_rule(Doubtful, RuleExamples(satisfy=_satisfy_doubtful))


def _break_below_source(rule: FailsBelowSource, step: _Step) -> Mapping[str, Breaker]:
    row, switch = step.spec.by_key.get(rule.key), step.spec.by_key.get(rule.when[0])
    if row is None or switch is None or _kind(row.kind) is None or rule.source_field not in step.context.source_fields:
        return {}

    def spoil(draw: st.DrawFn, step: _Step) -> tuple[str, Source | None]:
        target = draw(_values(row.kind, step.context).filter(lambda v: isinstance(v, int) and v >= 2))
        assert isinstance(target, int)
        step.put(rule.key, target, force=True)
        step.put_text(rule.when[0], rule.when[1], force=True)
        source = _source(**{rule.source_field: draw(st.integers(1, target - 1))})
        return f"{rule.when[0]}_{rule.when[1]} with a source {rule.source_field} below {rule.key}", source

    return {"E215": spoil}


register_rule(FailsBelowSource, RuleExamples(violations=_break_below_source))


def _satisfy_grid_within(draw: st.DrawFn, rule: GridWithin, step: _Step) -> None:
    values = step.values()
    if not rule.known(values, step.texts()) or rule.span(values) <= rule.limit:
        return
    _, cell, gap, border = rule.numbers(values)
    fits = (rule.limit - 2 * border + gap) // (cell + gap)  # the most cells within the limit
    row = _row_of(step.spec, rule.count)
    if row is not None and isinstance(row.kind, Integer) and row.kind.minimum <= fits and step.may_change(rule.count):
        step.put(rule.count, draw(st.integers(row.kind.minimum, min(fits, row.kind.maximum))))
    elif not step.drop(rule.count):
        step.drop(rule.cell)


def _satisfy_advised(draw: st.DrawFn, rule: Advised, step: _Step) -> None:
    for key in rule.keys:
        row = _row_of(step.spec, key)
        if key not in step.texts() and row is not None and _kind(row.kind) is not None:
            step.put(key, draw(_values(row.kind, step.context)))  # a forced key stays out


def _break_source_at_most(rule: SourceAtMost, step: _Step) -> Mapping[str, Breaker]:
    if rule.field not in step.context.source_fields:
        return {}

    def spoil(draw: st.DrawFn, step: _Step) -> tuple[str, Source | None]:
        known = draw(st.integers(rule.maximum + 1, 4 * rule.maximum))
        return f"a source {rule.field} of {known}, over {rule.maximum}", _source(**{rule.field: known})

    return {"E229": spoil}


register_rule(GridWithin, RuleExamples(satisfy=_satisfy_grid_within))
register_rule(Advised, RuleExamples(satisfy=_satisfy_advised))
register_rule(SourceAtMost, RuleExamples(violations=_break_source_at_most))


# --- The catalogue: which steps a directive of a table has -----------------------------


def _source(**facts: int) -> Source:
    """A source of these facts: a ``SourceAudio`` when they are all about audio, as before."""
    return SourceAudio(**facts) if set(facts) <= set(SourceAudio.FIELDS) else Source(**facts)


def _label(category: str | None, name: str) -> str:
    return name if category is None else f"{category}/{name}"


class _Entry(NamedTuple):
    category: str | None
    info: ActionInfo
    substep: bool = False

    @property
    def label(self) -> str:
        return _label(self.category, self.info.name)

    @property
    def spec(self) -> ActionSpec:
        spec = self.info.spec
        assert spec is not None
        return spec


class _Shape(NamedTuple):
    """The steps of one kind of valid directive: a processing action, the mode, and the
    saving and notifying actions after it (None: left out)."""

    mode: Mode
    process: _Entry
    save: _Entry | None
    notify: _Entry | None

    def entries(self) -> list[_Entry]:
        return [e for e in (self.process, self.save, self.notify) if e is not None]


def _tabled(catalogue: Catalogue) -> dict[str, _Entry]:
    return {label: _Entry(category, info) for label, category, info in catalogue.tabled()}


def _drawable(entry: _Entry) -> bool:
    return all(_kind(row.kind) is not None for row in entry.spec.rows if row.required or row is entry.spec.positional)


def _notify_ways(catalogue: Catalogue, save: _Entry, notify: _Entry) -> list[str]:
    """How ``notify`` may follow ``save``: chained in its stage ("/"), or a stage of its own ("|")."""
    ways = []
    if catalogue.lookup(save.category, notify.info.name) is notify.info:
        ways.append("/")
    if catalogue.lookup(None, notify.info.name) is notify.info:
        ways.append("|")
    return ways


def _alone(entry: _Entry) -> bool:
    """The action must be the whole directive (doc/preview): no save or notify may follow."""
    return any(isinstance(rule, Alone) for rule in entry.spec.chain_rules)


def _shapes(catalogue: Catalogue, label: str, mode: Mode | None = None, roles: frozenset[Role] = frozenset()) -> list[_Shape]:
    """Every shape of a valid directive that holds the table ``label`` (and a step of each
    of ``roles``), in ``mode`` when given: processing first, then at most one save, then
    at most one notify, each running in the directive's mode."""
    tables = _tabled(catalogue)
    target = tables[label]
    by_role = {role: [e for e in tables.values() if e.info.role is role and _drawable(e)] for role in Role}
    processes = [target] if target.info.role is Role.PROCESS else by_role[Role.PROCESS]
    needs_save = Role.SAVE in roles or Role.NOTIFY in roles or target.info.role is not Role.PROCESS
    saves: list[_Entry | None] = [target] if target.info.role is Role.SAVE else [*by_role[Role.SAVE], *([] if needs_save else [None])]
    notifies: list[_Entry | None] = (
        [target] if target.info.role is Role.NOTIFY else [*by_role[Role.NOTIFY], *([] if Role.NOTIFY in roles else [None])]
    )
    found = []
    for process in processes:
        for run in sorted(process.info.modes & target.info.modes, key=lambda m: m.value):
            if mode is not None and run is not mode:
                continue
            for save in saves:
                if save is not None and (run not in save.info.modes or _alone(process)):
                    continue
                for notify in notifies:
                    if notify is not None and (save is None or run not in notify.info.modes or not _notify_ways(catalogue, save, notify)):
                        continue
                    found.append(_Shape(run, process, save, notify))
    return found


def _contexts(catalogue: Catalogue, shape_entries: list[_Entry]) -> list[Context]:
    """The context of each step: the names after a processing action may use the
    variables its output defines."""
    fields = frozenset(catalogue.source_fields)
    variables = frozenset(PUBLIC)
    found = []
    for entry in shape_entries:
        found.append(Context(variables, fields))
        if entry.info.role is Role.PROCESS and not entry.substep:
            variables = frozenset(PUBLIC) | (entry.spec.output_variables or frozenset())
    return found


# --- What a valid directive says, and how it is spelled -------------------------------


@dataclass(frozen=True)
class StepMeaning:
    """One action of a valid directive: where the catalogue lists it, and its typed values
    (by key, in table order)."""

    category: str | None
    name: str
    values: Mapping[str, Value]
    #: A sub-step (``/pre,o_...``) of the processing action before it, in its stage.
    substep: bool = False

    @property
    def label(self) -> str:
        return _label(self.category, self.name)


def _entries(catalogue: Catalogue, steps: Iterable[StepMeaning]) -> list[_Entry]:
    """The catalogue's entry of each step: a sub-step's is its parent table's."""
    found = []
    parent: ActionInfo | None = None
    for step in steps:
        if step.substep:
            info = parent.substep(step.name) if parent is not None else None
        else:
            info = parent = catalogue.lookup(step.category, step.name)
        if info is None or info.spec is None:
            raise ValueError(f"{step.label} has no table in {catalogue!r}")
        found.append(_Entry(step.category, info, step.substep))
    return found


@dataclass(frozen=True)
class Meaning:
    """What a valid directive says, before it is spelled: the request's mode and the
    steps (a processing action and its sub-steps, then maybe a save, then maybe a notify)."""

    mode: Mode
    steps: tuple[StepMeaning, ...]

    def specs(self, catalogue: Catalogue = BUILTIN) -> tuple[ActionSpec, ...]:
        """The table of each step: a sub-step's is the one its parent's table lists."""
        return tuple(entry.spec for entry in _entries(catalogue, self.steps))

    def without_defaults(self, catalogue: Catalogue = BUILTIN) -> Meaning:
        """The same meaning with every value equal to its documented default left out."""
        steps = []
        for step, entry in zip(self.steps, _entries(catalogue, self.steps), strict=True):
            defaults = {r.key: r.kind.check(r.default).value for r in entry.spec.parameters if r.default is not None}
            values = {k: v for k, v in step.values.items() if defaults.get(k, v) != v or k not in defaults}
            steps.append(StepMeaning(step.category, step.name, values, step.substep))
        return Meaning(self.mode, tuple(steps))


@dataclass
class _Draft:
    """A valid directive as it is being spelled (or spoiled)."""

    mode: Mode
    steps: list[_Step]
    notify_way: str = "/"

    def step(self, label: str) -> _Step | None:
        return next((s for s in self.steps if _label(s.category, s.name) == label), None)

    def stages(self, head: str | None = None) -> list[str]:
        """The stages' texts; ``head`` replaces the processing action's name."""
        process, *rest = self.steps
        stages = [process.text(head or _label(process.category, process.name))]
        for step in rest:
            if step.substep:
                stages[-1] += "/" + step.text(step.name)
            elif step.info.role is Role.NOTIFY:
                if self.notify_way == "/":
                    stages[-1] += "/" + step.text(step.name)
                else:
                    stages.append(step.text(step.name))
            else:
                stages.append(step.text(_label(step.category, step.name)))
        return stages

    def text(self, head: str | None = None) -> str:
        return "|".join(self.stages(head))


def _draft(meaning: Meaning, catalogue: Catalogue) -> _Draft:
    """The canonical spelling of ``meaning``: table order, no padding, no leading zeros."""
    entries = _entries(catalogue, meaning.steps)
    steps = []
    for entry, context, step in zip(entries, _contexts(catalogue, entries), meaning.steps, strict=True):
        params: list[tuple[str | None, str]] = [
            (row.key, _write(row.kind, step.values[row.key])) for row in entry.spec.rows if row.key in step.values
        ]
        steps.append(_Step(entry.category, entry.info, entry.spec, context, params, substep=entry.substep))
    return _Draft(meaning.mode, steps)


#: At most this many sub-steps are drawn (fewer where the table allows fewer).
SUBSTEPS_DRAWN = 3


def _substeps(draw: st.DrawFn, process: _Entry, needed: str | None) -> list[_Entry]:
    """Sub-steps after ``process``, any of its table's, in any order; ``needed``: one of them is that one."""
    spec = process.spec
    if not spec.substeps:
        return []
    most = min(SUBSTEPS_DRAWN, spec.max_substeps if spec.max_substeps is not None else SUBSTEPS_DRAWN)
    names = draw(st.lists(st.sampled_from(sorted(spec.substeps)), min_size=1 if needed else 0, max_size=most))
    if needed is not None and needed not in names:
        names[draw(st.integers(0, len(names) - 1))] = needed
    found = []
    for name in names:
        info = process.info.substep(name)
        assert info is not None
        found.append(_Entry(process.category, info, substep=True))
    return found


@st.composite
def _meaning(draw: st.DrawFn, catalogue: Catalogue, shapes: list[_Shape], substeps: bool = True, needed: str | None = None) -> Meaning:
    """A valid meaning of one of ``shapes``; ``substeps``: with any sub-steps its processing
    table has (``needed``: one of them that one)."""
    shape = draw(st.sampled_from(shapes))
    process, *rest = shape.entries()
    parts = _substeps(draw, process, needed) if substeps or needed else []
    entries = [process, *parts, *rest]
    steps = []
    for entry, context in zip(entries, _contexts(catalogue, entries), strict=True):
        step = _Step(entry.category, entry.info, entry.spec, context, substep=entry.substep)
        _draw_values(draw, step)
        steps.append(StepMeaning(entry.category, entry.info.name, {k: step.values()[k] for k in step.texts()}, entry.substep))
    return Meaning(shape.mode, tuple(steps))


def _labels(catalogue: Catalogue, action: str | None) -> list[str]:
    tables = _tabled(catalogue)
    if action is not None and action not in tables:
        raise ValueError(f"{action!r} has no table in the catalogue; tables: {', '.join(tables)}")
    return [action] if action is not None else list(tables)


def _shapes_for(catalogue: Catalogue, action: str | None, mode: Mode | None = None, roles: frozenset[Role] = frozenset()) -> list[_Shape]:
    labels = _labels(catalogue, action)
    for label in labels:
        entry = _tabled(catalogue)[label]
        if action is not None and not _drawable(entry):
            missing = [r.key for r in entry.spec.rows if r.required and _kind(r.kind) is None]
            raise UnsupportedTable(f"{label} requires {', '.join(missing)}, of a kind no KindExamples is registered for (register_kind)")
    shapes = [shape for label in labels for shape in _shapes(catalogue, label, mode, roles)]
    if not shapes:
        raise UnsupportedTable(f"no valid directive holds {action or 'any table'} in this catalogue")
    return shapes


def meanings(action: str | None = None, *, catalogue: Catalogue = BUILTIN, mode: Mode | None = None) -> st.SearchStrategy[Meaning]:
    """What valid directives holding the table ``action`` (any table, by default) say:
    every required key, any optional one, each value valid for its kind, every rule held."""
    return _meaning(catalogue, _shapes_for(catalogue, action, mode))


@st.composite
def _spelled(draw: st.DrawFn, meaning: Meaning, catalogue: Catalogue) -> str:
    draft = _draft(meaning, catalogue)
    for step in draft.steps:
        for row in step.spec.parameters:
            if row.default is not None and row.key not in step.texts() and draw(st.booleans()):
                before = sorted(_diagnose(step), key=str)
                step.params.append((row.key, row.default))
                if sorted(_diagnose(step), key=str) != before:  # an explicit default that changes what a rule says
                    step.params.pop()
        spelled: list[tuple[str | None, str]] = []
        for key, text in step.params:
            checking = _row_of(step.spec, key)
            assert key is not None
            assert checking is not None
            examples = _kind(checking.kind)
            value = checking.kind.check(text).value
            if examples is not None and examples.spellings is not None and value is not None:
                text = draw(examples.spellings(checking.kind, value))
            spelled.append((key, text))
        step.params = list(draw(st.permutations(spelled)))
    notify = next((s for s in draft.steps if s.info.role is Role.NOTIFY), None)
    save = next((s for s in draft.steps if s.info.role is Role.SAVE), None)
    if notify is not None and save is not None:
        draft.notify_way = draw(
            st.sampled_from(_notify_ways(catalogue, _Entry(save.category, save.info), _Entry(notify.category, notify.info)))
        )
    return draft.text()


def canonical_text(meaning: Meaning | AudioMeaning, *, catalogue: Catalogue = BUILTIN) -> str:
    """``meaning`` written the canonical way: table order, defaults left out, Base64
    without padding, integers without leading zeros, notify chained after the save."""
    return _draft(_general(meaning, catalogue).without_defaults(catalogue), catalogue).text()


def spellings(meaning: Meaning | AudioMeaning, *, catalogue: Catalogue = BUILTIN) -> st.SearchStrategy[str]:
    """The many ways to write ``meaning``: any order, explicit defaults, Base64 padding,
    leading zeros, notify chained (``/notify``) or as a stage of its own (``|notify``)."""
    return _spelled(_general(meaning, catalogue), catalogue)


def directives(action: str | None = None, *, catalogue: Catalogue = BUILTIN, mode: Mode | None = None) -> st.SearchStrategy[str]:
    """Valid directives holding the table ``action`` (any, by default), spelled in any of
    the equivalent ways. Lint them in the mode of their meaning: see :func:`meanings`."""
    return meanings(action, catalogue=catalogue, mode=mode).flatmap(lambda m: spellings(m, catalogue=catalogue))


def trees(action: str | None = None, *, catalogue: Catalogue = BUILTIN, mode: Mode | None = None) -> st.SearchStrategy[Directive]:
    """Valid trees (ASTs) holding the table ``action``, as parsed from :func:`directives`."""
    from ._api import parse

    return directives(action, catalogue=catalogue, mode=mode).map(parse)


def built_directives(action: str = "audio/convert", *, catalogue: Catalogue = BUILTIN) -> st.SearchStrategy[BuiltDirective]:
    """Valid directives made with the builder (``BuiltDirective.from_text``), for the
    tables the builder covers (it raises ``UnsupportedDirectiveError`` for others)."""
    return meanings(action, catalogue=catalogue).map(
        lambda m: BuiltDirective.from_text(canonical_text(m, catalogue=catalogue), mode=m.mode)
    )


# --- The audio names of the first version ----------------------------------------------


@dataclass(frozen=True)
class AudioMeaning:
    """What a valid audio directive says, before it is spelled: typed values per action."""

    convert: dict[str, int | str]
    bucket: str | None
    obj: str
    topic: str | None


_AUDIO = "audio/convert"


def _keyed(spec: ActionSpec, keyword: str) -> str:
    return next(row.key for row in spec.parameters if row.keyword == keyword)


def _audio_meaning(meaning: Meaning, catalogue: Catalogue = BUILTIN) -> AudioMeaning:
    convert, save, *notify = meaning.steps
    save_spec = catalogue.lookup(save.category, save.name).spec  # type: ignore[union-attr]
    assert save_spec is not None
    bucket, obj = save.values.get(_keyed(save_spec, "bucket")), save.values[_keyed(save_spec, "object")]
    topic = None
    if notify:
        notify_spec = catalogue.lookup(notify[0].category, notify[0].name).spec  # type: ignore[union-attr]
        assert notify_spec is not None
        topic = notify[0].values[_keyed(notify_spec, "topic")]
    assert isinstance(obj, str)
    assert bucket is None or isinstance(bucket, str)
    assert topic is None or isinstance(topic, str)
    return AudioMeaning(dict(convert.values), bucket, obj, topic)


def _general(meaning: Meaning | AudioMeaning, catalogue: Catalogue) -> Meaning:
    if isinstance(meaning, Meaning):
        return meaning
    tables = _tabled(catalogue)
    save = next(e for e in tables.values() if e.info.role is Role.SAVE and Mode.ASYNC in e.info.modes)
    names = {_keyed(save.spec, "object"): meaning.obj, **({} if meaning.bucket is None else {_keyed(save.spec, "bucket"): meaning.bucket})}
    steps = [StepMeaning("audio", "convert", meaning.convert), StepMeaning(save.category, save.info.name, names)]
    if meaning.topic is not None:
        notify = next(e for e in tables.values() if e.info.role is Role.NOTIFY and _notify_ways(catalogue, save, e))
        steps.append(StepMeaning(notify.category, notify.info.name, {_keyed(notify.spec, "topic"): meaning.topic}))
    return Meaning(Mode.ASYNC, tuple(steps))


def audio_meanings() -> st.SearchStrategy[AudioMeaning]:
    """Valid audio/convert settings with sys/saveas (and maybe notify) that respect every rule of the tables."""
    return _meaning(BUILTIN, _shapes(BUILTIN, _AUDIO, Mode.ASYNC, frozenset({Role.SAVE}))).map(_audio_meaning)


def audio_directives() -> st.SearchStrategy[str]:
    """Valid asynchronous audio/convert directives, spelled in any of the equivalent ways."""
    return audio_meanings().flatmap(spellings)


def audio_trees() -> st.SearchStrategy[Directive]:
    """Valid trees (ASTs) of asynchronous audio/convert directives, as parsed from :func:`audio_directives`."""
    from ._api import parse

    return audio_directives().map(parse)


# --- Any shape the grammar allows -------------------------------------------------------


def _terminal(name: str, max_size: int = 12) -> st.SearchStrategy[str]:
    pattern = terminal_patterns()[name]
    return st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) <= max_size)


def _reserved(catalogue: Catalogue) -> set[str]:
    """Names that are not a processing category: open-ended categories (style) and standalone actions."""
    return {c.name for c in catalogue.categories.values() if c.open_ended} | set(catalogue.standalone)


def _category(catalogue: Catalogue) -> st.SearchStrategy[str]:
    reserved = _reserved(catalogue)
    known = sorted(set(catalogue.categories) - reserved)
    return st.one_of(st.sampled_from(known), _terminal("CATEGORY")).filter(lambda c: c not in reserved)


def _parameter() -> st.SearchStrategy[Parameter]:
    keyed = st.builds(Parameter, _terminal("KEY").map(lambda k: k[:-1]), _terminal("VALUE"))
    bare = st.builds(lambda text: Parameter(None, text), _terminal("BARE"))
    return st.one_of(keyed, bare, st.just(Parameter(None, "")))  # the last: an empty parameter (",,")


def _action(name: st.SearchStrategy[str]) -> st.SearchStrategy[Action]:
    return st.builds(Action, name, st.lists(_parameter(), max_size=4).map(tuple))


def directive_trees(*, catalogue: Catalogue = BUILTIN) -> st.SearchStrategy[Directive]:
    """Trees of every shape the grammar allows, with spans left empty; categories are
    mostly the catalogue's."""
    processing = st.builds(Stage, _category(catalogue), st.lists(_action(_terminal("ACTION")), min_size=1, max_size=3).map(tuple))
    style = st.builds(lambda name: Stage("style", (Action(name),)), _terminal("STYLE_NAME", 20))
    standalone = sorted(catalogue.standalone)
    stages = [processing, processing, style]
    if standalone:
        stages.append(st.builds(lambda action: Stage(None, (action,)), _action(st.sampled_from(standalone))))
    return st.builds(Directive, st.lists(st.one_of(stages), min_size=1, max_size=4).map(tuple))


def grammar_strings(*, catalogue: Catalogue = BUILTIN) -> st.SearchStrategy[str]:
    """Strings generated from ``grammar/oss_process.lark`` by ``hypothesis.extra.lark``,
    with the catalogue's action names and its tables' keys among the terminals."""
    from hypothesis.extra.lark import from_lark
    from lark import Lark

    grammar = Lark(grammar_text(), parser="lalr", lexer="contextual", start="start")
    names = sorted({info.name for _, info in catalogue.actions()})
    keys = sorted({f"{row.key}_" for entry in _tabled(catalogue).values() for row in entry.spec.parameters})
    explicit = {
        "CATEGORY": _category(catalogue),
        "ACTION": st.one_of(st.sampled_from(names), _terminal("ACTION")),
        "KEY": st.one_of(st.sampled_from(keys), _terminal("KEY")),
    }
    return from_lark(grammar, start="start", explicit=explicit)


# --- Near misses --------------------------------------------------------------------


@dataclass(frozen=True)
class NearMiss:
    """A directive one mistake away from valid: lint reports exactly one error, ``code``,
    when the directive is sent in ``mode`` about a source described by ``source``."""

    text: str
    code: str
    change: str  # the mistake, in words
    mode: Mode = Mode.ASYNC
    source: Source | None = None


#: Spoils a valid draft, focused on one of its steps (the table under test).
_Spoil = Callable[[st.DrawFn, _Draft, _Step], NearMiss]


class _Spoiler(NamedTuple):
    code: str
    spoil: _Spoil
    mode: Mode | None = None  # the mistake needs a directive in this mode
    roles: frozenset[Role] = frozenset()  # ... with a step of each of these roles
    fits: Callable[[_Shape], bool] = lambda shape: True


def _finish(
    draw: st.DrawFn, draft: _Draft, target: _Step, code: str, change: str, source: Source | None = None, skip: object = None
) -> NearMiss:
    """The near miss of a spoiled ``target``: its other keys settled so that it has
    exactly the error ``code``, every other step none."""
    _settle(draw, target, [code], source, skip)
    if any(_errors(step, source) for step in draft.steps if step is not target):
        reject()
    return NearMiss(draft.text(), code, change, draft.mode, source)


def _kind_spoiler(row: ParamSpec, code: str, *, positional: bool = False) -> _Spoiler:
    fits = _is_bare if positional else _is_value

    def spoil(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        # Only texts the grammar reads as a value (a bare one for the positional row): anything else is a syntax error.
        text, change = draw(_violations(row.kind, target.context)[code].filter(lambda pair: fits(pair[0])))
        target.put_text(row.key, text, force=True)
        return _finish(draw, draft, target, code, f"{row.key}: {change}")

    return _Spoiler(code, spoil)


def _rule_spoiler(rule: object, code: str) -> _Spoiler:
    def spoil(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        change, source = _rule(rule).violations(rule, target)[code](draw, target)
        return _finish(draw, draft, target, code, change, source, skip=rule)

    return _Spoiler(code, spoil)


def _param_spoilers(entry: _Entry, catalogue: Catalogue) -> list[_Spoiler]:
    """The mistakes in the parameters of one table: from its kinds, rules and ``required``."""
    spec = entry.spec
    template = _Step(entry.category, entry.info, spec, Context(source_fields=frozenset(catalogue.source_fields)))
    # A row whose bounds are not documented only warns outside them (W232): no near miss there.
    found = [
        _kind_spoiler(row, code, positional=row is spec.positional)
        for row in spec.rows
        for code in _violations(row.kind, template.context)
        if row.bounds.documented or code not in INFERRED_REFUSALS
    ]
    found += [_rule_spoiler(rule, code) for rule in spec.rules for code in _rule(rule).violations(rule, template)]

    def missing(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        row = draw(st.sampled_from([row for row in spec.rows if row.required]))
        target.params = [(k, t) for k, t in target.params if k != row.key]
        target.forced.add(row.key)
        return _finish(draw, draft, target, "E202", f"{entry.label} without {row.key}")

    if any(row.required for row in spec.rows):
        found.append(_Spoiler("E202", missing))

    def duplicate(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        # A keyed parameter twice: a second positional value is E209, not E201.
        keyed = [(k, t) for k, t in target.params if not _is_positional(spec, k)]
        if not keyed:
            row = draw(st.sampled_from([row for row in spec.parameters if _kind(row.kind) is not None]))
            target.put(row.key, draw(_values(row.kind, target.context)), force=True)
            _settle(draw, target, [])
            keyed = [(k, t) for k, t in target.params if not _is_positional(spec, k)]
        key, text = draw(st.sampled_from(keyed))
        target.params.insert(draw(st.integers(0, len(target.params))), (key, text))
        return NearMiss(draft.text(), "E201", f"{key} given twice", draft.mode)

    # A bare value where the table has no positional row is E204; beside the positional
    # value (always drawn, written first), a second one is E209.
    # An undocumented positional row is never drawn: a bare value there is read as it (W223).
    positional = spec.positional
    bare_code = "E204" if positional is None else "E209" if positional.confidence.documented else None

    def bare(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        # Digits: never a category name, which at the end of an action reads as E107.
        value = str(draw(st.integers(0, 10**6)))
        target.params.insert(draw(st.integers(0, len(target.params))), (None, value))
        assert bare_code is not None
        return NearMiss(draft.text(), bare_code, f"the bare value {value} besides the table's keys", draft.mode)

    # An unknown key is no near miss: OSS ignores it (W220, tables/policy.py).
    if any(_kind(row.kind) is not None for row in spec.parameters):
        found.append(_Spoiler("E201", duplicate))
    if bare_code is not None:
        found.append(_Spoiler(bare_code, bare))
    return found


# Stages: the catalogue, the modes and the order of processing, saving and notifying.


def _stage_spoilers(catalogue: Catalogue) -> list[_Spoiler]:
    reserved = {*catalogue.categories, *_reserved(catalogue)}

    def unknown_category(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        category = draw(st.from_regex(r"[A-Za-z][a-z0-9]{0,7}", fullmatch=True).filter(lambda c: c not in reserved))
        return NearMiss(draft.text(f"{category}/{draft.steps[0].name}"), "E100", f"the category {category!r}", draft.mode)

    def unknown_action(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        category = draft.steps[0].category
        assert category is not None
        known = catalogue.categories[category].actions
        name = draw(st.from_regex(r"[a-z][a-z0-9-]{0,9}", fullmatch=True).filter(lambda a: a not in known))
        return NearMiss(draft.text(f"{category}/{name}"), "E101", f"the action {category}/{name}", draft.mode)

    def checked_category(shape: _Shape) -> bool:
        category = catalogue.categories.get(shape.process.category or "")
        return category is not None and category.covered and not category.open_ended

    def wrong_mode(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        process = draft.steps[0]
        other = draw(st.sampled_from(sorted(set(Mode) - process.info.modes, key=lambda m: m.value)))
        kept = [process]
        for step in draft.steps[1:]:  # the steps after it that run in the other mode too: one E103
            if other not in step.info.modes:
                break
            kept.append(step)
        draft.steps = kept
        return NearMiss(draft.text(), "E103", f"{_label(process.category, process.name)} sent as {other.value}", other)

    def processing_twice(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        first, *rest = draft.stages()
        process = draft.steps[0]
        return NearMiss(
            "|".join([first, first, *rest]), "E104", f"{_label(process.category, process.name)} twice, in two stages", draft.mode
        )

    def notify_before_save(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        draft.notify_way = "|"
        first, save, notify = draft.stages()
        return NearMiss("|".join([first, notify, save]), "E108", "notify before the save", draft.mode)

    def nothing_to_process(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        return NearMiss("|".join(draft.stages()[1:]), "E109", "no processing action before the save", draft.mode)

    def standalone_notify(shape: _Shape) -> bool:
        return shape.save is not None and shape.notify is not None and "|" in _notify_ways(catalogue, shape.save, shape.notify)

    return [
        _Spoiler("E100", unknown_category),
        _Spoiler("E101", unknown_action, fits=checked_category),
        _Spoiler("E103", wrong_mode, fits=lambda shape: set(Mode) - shape.process.info.modes != set()),
        _Spoiler("E104", processing_twice, mode=Mode.ASYNC),
        _Spoiler("E108", notify_before_save, roles=frozenset({Role.SAVE, Role.NOTIFY}), fits=standalone_notify),
        _Spoiler("E109", nothing_to_process, roles=frozenset({Role.SAVE})),
    ]


# Syntax: one character (or the whole spelling) outside the grammar.


def _inserted(code: str, characters: str, change: str, fits: Callable[[str, int], bool] = lambda text, where: True) -> _Spoiler:
    def spoil(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
        char, text = draw(st.sampled_from(characters)), draft.text()
        where = draw(st.sampled_from([i for i in range(len(text) + 1) if fits(text, i)]))
        return NearMiss(text[:where] + char + text[where:], code, f"{change} {char!r}", draft.mode)

    return _Spoiler(code, spoil)


def _stands_alone(text: str, where: int) -> bool:
    """A '+' that stands alone: at the start of a token. Between '_' and a digit it reads as
    a number's sign (E010); inside a Base64 value, as standard Base64 (E311)."""
    return where == 0 or text[where - 1] in ",/|"


def _cut_short(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
    text = draft.text()
    # Not after ',': a trailing comma is an empty parameter, which OSS ignores (W221).
    cut = draw(st.sampled_from([i + 1 for i, c in enumerate(text) if c in "/|"]))
    return NearMiss(text[:cut], "E011", f"cut after {text[cut - 1]!r}", draft.mode)


def _percent_encoded(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
    return NearMiss(urllib.parse.quote(draft.text(), safe=""), "E014", "percent-encoded", draft.mode)


def _form_field(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
    field_name = draw(st.sampled_from(["", "?"])) + draft.mode.parameter + "="
    return NearMiss(field_name + draft.text(), "E015", f"with the field name {field_name!r}", draft.mode)


_SYNTAX_SPOILERS = (
    _Spoiler("E011", _cut_short),
    _inserted("E012", " \t\n\u3000", "the whitespace"),
    _inserted("E013", "+", "the standard Base64 character", _stands_alone),
    _Spoiler("E014", _percent_encoded),
    _Spoiler("E015", _form_field),
    _inserted("E016", "@", "the legacy image separator"),
    _inserted("E017", "\u00e9\u4e2d\uff11\x00\x7f\u200b", "the character"),
)


class _Option(NamedTuple):
    label: str
    spoiler: _Spoiler
    shapes: list[_Shape]
    substep: str | None = None  # the mistake is in this sub-step of the table ``label``


def _substep_spoilers(entry: _Entry, catalogue: Catalogue) -> list[tuple[str, _Spoiler]]:
    """The mistakes in a table's sub-steps: each sub-step's own parameters, and one sub-step
    more than ``max_substeps`` (E117)."""
    found = []
    for name in sorted(entry.spec.substeps):
        info = entry.info.substep(name)
        assert info is not None
        sub = _Entry(entry.category, info, substep=True)
        if _drawable(sub):
            found += [(name, spoiler) for spoiler in _param_spoilers(sub, catalogue)]
    most = entry.spec.max_substeps
    if most is not None and found:

        def one_too_many(draw: st.DrawFn, draft: _Draft, target: _Step) -> NearMiss:
            index = draft.steps.index(target)
            parts = [step for step in draft.steps if step.substep]
            copies = [target] * (most + 1 - len(parts))
            draft.steps[index:index] = copies
            return NearMiss(draft.text(), "E117", f"{most + 1} sub-steps after {entry.label}", draft.mode)

        found += [(name, _Spoiler("E117", one_too_many)) for name in sorted(entry.spec.substeps)[:1]]
    return found


def _options(catalogue: Catalogue, action: str | None) -> dict[str, list[_Option]]:
    """By code, every (table, mistake) with the shapes of directive it can spoil."""
    found: dict[str, list[_Option]] = {}
    tables = _tabled(catalogue)
    general = [*_SYNTAX_SPOILERS, *_stage_spoilers(catalogue)]
    for label in _labels(catalogue, action):
        if not _drawable(tables[label]):
            continue
        spoilers: list[tuple[str | None, _Spoiler]] = [
            (None, spoiler) for spoiler in [*general, *_param_spoilers(tables[label], catalogue)]
        ]
        spoilers += _substep_spoilers(tables[label], catalogue)
        for substep, spoiler in spoilers:
            shapes = [s for s in _shapes(catalogue, label, spoiler.mode, spoiler.roles) if spoiler.fits(s)]
            if shapes:
                found.setdefault(spoiler.code, []).append(_Option(label, spoiler, shapes, substep))
    return found


def near_miss_codes(action: str | None = None, *, catalogue: Catalogue = BUILTIN) -> tuple[str, ...]:
    """Every code :func:`near_misses` can draw for the table ``action`` (any table, by default), sorted."""
    return tuple(sorted(_options(catalogue, action)))


#: Every code :func:`near_misses` can draw from the built-in catalogue, sorted.
NEAR_MISS_CODES: tuple[str, ...] = near_miss_codes()


def near_misses(
    codes: Iterable[str] | None = None, *, action: str | None = None, catalogue: Catalogue = BUILTIN
) -> st.SearchStrategy[NearMiss]:
    """Valid directives holding the table ``action`` (any, by default) with one mistake
    each, and the one error code it raises.

    ``codes`` limits the mistakes to those codes (each must be in
    :func:`near_miss_codes`). Warnings may come along (a near miss of ``f_mp3`` may also
    warn W211); errors never.
    """
    options = _options(catalogue, action)
    available = tuple(sorted(options))
    chosen = available if codes is None else tuple(codes)
    unknown = sorted(set(chosen) - set(options))
    if unknown or not chosen:
        raise ValueError(f"near_misses draws only {', '.join(available)}; not {', '.join(unknown) or 'nothing'}")
    return _near_miss(catalogue, {code: options[code] for code in chosen})


@st.composite
def _near_miss(draw: st.DrawFn, catalogue: Catalogue, options: dict[str, list[_Option]]) -> NearMiss:
    code = draw(st.sampled_from(sorted(options)))
    option = draw(st.sampled_from(options[code]))
    # Sub-steps only where the mistake is in one: a mistake of the stage would repeat in them.
    draft = _draft(draw(_meaning(catalogue, option.shapes, substeps=False, needed=option.substep)), catalogue)
    if option.substep is None:
        target = draft.step(option.label)
    else:
        target = draw(st.sampled_from([step for step in draft.steps if step.substep and step.name == option.substep]))
    assert target is not None
    return option.spoiler.spoil(draw, draft, target)
