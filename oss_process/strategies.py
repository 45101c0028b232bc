"""Hypothesis strategies for directives, for this project's tests and for yours.

Needs ``hypothesis`` (not a runtime dependency of oss_process). Test a gateway, a proxy
or an SDK wrapper against the directives OSS documents::

    from hypothesis import given
    from oss_process.strategies import NearMiss, audio_directives, near_misses

    @given(audio_directives())
    def test_my_gateway_accepts_valid_directives(text: str) -> None: ...

    @given(near_misses())
    def test_my_gateway_refuses_near_misses(miss: NearMiss) -> None:
        response = my_gateway.post(miss.text, mode=miss.mode)
        assert response.status == 400 and miss.code in response.text

Valid input, every value drawn from the tables in :mod:`oss_process.tables`:

- :func:`audio_directives`: valid ``audio/convert`` directives with ``sys/saveas`` and
  ``notify``, as strings, spelled in any of the equivalent ways;
  :func:`audio_meanings` is what they say, :func:`spellings` writes one meaning in many
  ways (order, defaults, padding, leading zeros, ``|notify``);
- :func:`audio_trees`: the same as parsed trees (valid ASTs);
- :func:`built_directives`: the same made with :mod:`oss_process.builder`.

Invalid input:

- :func:`near_misses`: a valid directive with one mistake, as a :class:`NearMiss` that
  names the one error code lint must report (and ``canonicalize`` raise); the mistakes
  are derived from the tables' ranges, enums and rules, the grammar's alphabet and the
  stage rules. ``near_misses(codes=["E210"])`` draws only some; :data:`NEAR_MISS_CODES`
  lists them all.

Any shape, for parsers:

- :func:`directive_trees`: any tree the grammar can produce (mostly invalid for the tables);
- :func:`grammar_strings`: strings generated from the grammar file itself.
"""

from __future__ import annotations

import base64
import string
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from ._grammar import grammar_text, terminal_patterns
from .ast import Action, Directive, Parameter, Stage
from .builder import AudioConvert, BuiltDirective, Notify, SaveAs, StepType, _kwargs
from .kinds import Base64Name, BucketName, Choice, Integer, IntegerChoice, ObjectName, TopicName
from .rules import AllowedPerChoice, Exclusive, FailsBelowSource
from .tables import CATEGORIES, ActionSpec, Mode, ParamSpec, audio
from .tables.audio import CHANNELS_BY_FORMAT, FORMATS, SAMPLE_RATES, SAMPLE_RATES_BY_FORMAT
from .tables.limits import MAX_INT32
from .tables.variables import ALL as ALL_VARIABLES
from .tables.variables import PUBLIC
from .validation import SourceAudio

__all__ = [
    "NEAR_MISS_CODES",
    "AudioMeaning",
    "NearMiss",
    "audio_directives",
    "audio_meanings",
    "audio_trees",
    "built_directives",
    "directive_trees",
    "grammar_strings",
    "near_misses",
    "spellings",
]

_KEYWORDS = ("style", "notify")


def _terminal(name: str, max_size: int = 12) -> st.SearchStrategy[str]:
    pattern = terminal_patterns()[name]
    return st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) <= max_size)


def _category() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(sorted(CATEGORIES)), _terminal("CATEGORY")).filter(lambda c: c not in _KEYWORDS)


def _parameter() -> st.SearchStrategy[Parameter]:
    keyed = st.builds(Parameter, _terminal("KEY").map(lambda k: k[:-1]), _terminal("VALUE"))
    bare = st.builds(lambda text: Parameter(None, text), _terminal("BARE"))
    return st.one_of(keyed, bare)


def _action(name: st.SearchStrategy[str]) -> st.SearchStrategy[Action]:
    return st.builds(Action, name, st.lists(_parameter(), max_size=4).map(tuple))


def directive_trees() -> st.SearchStrategy[Directive]:
    """Trees of every shape the grammar allows, with spans left empty."""
    processing = st.builds(Stage, _category(), st.lists(_action(_terminal("ACTION")), min_size=1, max_size=3).map(tuple))
    style = st.builds(lambda name: Stage("style", (Action(name),)), _terminal("STYLE_NAME", 20))
    notify = st.builds(lambda action: Stage(None, (action,)), _action(st.just("notify")))
    stage = st.one_of(processing, processing, style, notify)
    return st.builds(Directive, st.lists(stage, min_size=1, max_size=4).map(tuple))


def grammar_strings() -> st.SearchStrategy[str]:
    """Strings generated from ``grammar/oss_process.lark`` by ``hypothesis.extra.lark``."""
    from hypothesis.extra.lark import from_lark
    from lark import Lark

    grammar = Lark(grammar_text(), parser="lalr", lexer="contextual", start="start")
    explicit = {
        "CATEGORY": _category(),
        "ACTION": st.one_of(st.sampled_from(["convert", "saveas", "notify", "resize"]), _terminal("ACTION")),
        "KEY": st.one_of(st.sampled_from(["f_", "ab_", "o_", "topic_"]), _terminal("KEY")),
    }
    return from_lark(grammar, start="start", explicit=explicit)


@dataclass(frozen=True)
class AudioMeaning:
    """What a valid audio directive says, before it is spelled: typed values per action."""

    convert: dict[str, int | str]
    bucket: str | None
    obj: str
    topic: str | None


def _object_names() -> st.SearchStrategy[str]:
    alphabet = st.sampled_from(string.ascii_letters + string.digits + "-_.!*'()" + "éü中文")
    segment = st.text(alphabet, min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))
    variable = st.sampled_from(["{autoext}", "{streamindex}", *(f"{{{v}}}" for v in PUBLIC)])
    piece = st.one_of(segment, segment, variable)
    path = st.lists(st.lists(piece, min_size=1, max_size=3).map("".join), min_size=1, max_size=3).map("/".join)
    return path.filter(lambda name: 0 < len(name.encode()) <= 1023)


_BUCKETS = st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True)
_TOPICS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,30}", fullmatch=True)


@st.composite
def audio_meanings(draw: st.DrawFn) -> AudioMeaning:
    """Valid audio/convert settings that respect every rule of the seed's tables."""
    fmt = draw(st.sampled_from(FORMATS))
    convert: dict[str, int | str] = {"f": fmt}
    for key in ("ss", "t"):
        if draw(st.booleans()):
            convert[key] = draw(st.integers(0, MAX_INT32))
    if draw(st.booleans()):
        convert["ar"] = draw(st.sampled_from(SAMPLE_RATES_BY_FORMAT.get(fmt, SAMPLE_RATES)))
    if draw(st.booleans()):
        convert["ac"] = draw(st.sampled_from(CHANNELS_BY_FORMAT.get(fmt, tuple(range(1, 9)))))
    quality = draw(st.sampled_from(["aq", "ab", None]))
    if quality == "aq":
        convert["aq"] = draw(st.integers(0, 100))
    elif quality == "ab":
        convert["ab"] = draw(st.integers(1000, 10_000_000))
        if draw(st.booleans()):
            convert["abopt"] = draw(st.sampled_from(["0", "1", "2"]))
    if fmt == "flac" and draw(st.booleans()):
        convert["adepth"] = draw(st.sampled_from([16, 24]))
    bucket = draw(st.none() | _BUCKETS)
    topic = draw(st.none() | _TOPICS)
    return AudioMeaning(convert, bucket, draw(_object_names()), topic)


def _b64(text: str, padded: bool) -> str:
    encoded = base64.urlsafe_b64encode(text.encode()).decode()
    return encoded if padded else encoded.rstrip("=")


_CONVERT = audio.CONVERT.parameters
_DEFAULTS = {p.key: p.default for p in _CONVERT if p.default is not None}
_INTEGERS = {p.key for p in _CONVERT if isinstance(p.kind, Integer | IntegerChoice)}


@st.composite
def spellings(draw: st.DrawFn, meaning: AudioMeaning) -> str:
    """One of the many ways to write ``meaning``: any order, explicit defaults, padding,
    leading zeros, notify chained or as a stage of its own."""
    values = {k: str(v) for k, v in meaning.convert.items()}
    for key, default in _DEFAULTS.items():
        if key not in values and (key != "abopt" or "ab" in values) and draw(st.booleans()):
            values[key] = default
    for key in values:
        if key in _INTEGERS and draw(st.booleans()):
            values[key] = "0" * draw(st.integers(1, 2)) + values[key]
    params = draw(st.permutations([f"{k}_{v}" for k, v in values.items()]))
    saveas = [f"o_{_b64(meaning.obj, draw(st.booleans()))}"]
    if meaning.bucket is not None:
        saveas.append(f"b_{_b64(meaning.bucket, draw(st.booleans()))}")
    saveas = draw(st.permutations(saveas))
    text = "audio/convert," + ",".join(params) + "|sys/saveas," + ",".join(saveas)
    if meaning.topic is not None:
        text += ("/" if draw(st.booleans()) else "|") + f"notify,topic_{_b64(meaning.topic, draw(st.booleans()))}"
    return text


def audio_directives() -> st.SearchStrategy[str]:
    """Valid asynchronous audio/convert directives, spelled in any of the equivalent ways."""
    return audio_meanings().flatmap(spellings)


def audio_trees() -> st.SearchStrategy[Directive]:
    """Valid trees (ASTs) of asynchronous audio/convert directives, as parsed from
    :func:`audio_directives`: any order, explicit defaults, padding, ``|notify``."""
    from ._api import parse

    return audio_directives().map(parse)


def built_directives() -> st.SearchStrategy[BuiltDirective]:
    """Valid directives made with the builder, from :func:`audio_meanings`."""
    return audio_meanings().map(_built)


def _built(meaning: AudioMeaning) -> BuiltDirective:
    built: BuiltDirective = AudioConvert(**_kwargs(AudioConvert, meaning.convert))
    built = built.save_as(bucket=meaning.bucket, object=meaning.obj)
    return built if meaning.topic is None else built.notify(topic=meaning.topic)


# --- Near misses ---------------------------------------------------------------------


@dataclass(frozen=True)
class NearMiss:
    """A directive one mistake away from valid: lint reports exactly one error, ``code``,
    for ``text`` sent in ``mode`` (with ``source`` describing the input audio, when the
    mistake is about the source), and ``canonicalize`` raises it."""

    text: str
    code: str
    change: str  # the mistake, in words
    mode: Mode = Mode.ASYNC
    source: SourceAudio | None = None


# One valid directive as it is being spelled: each action's (key, text) pairs in order;
# key None: a bare value.
_Params = list[tuple[str | None, str]]


@dataclass
class _Draft:
    convert: _Params
    saveas: _Params
    notify: _Params | None

    def params(self, action: str) -> _Params:
        found = {"convert": self.convert, "saveas": self.saveas, "notify": self.notify}[action]
        assert found is not None
        return found

    def present(self) -> list[str]:
        return ["convert", "saveas"] + ([] if self.notify is None else ["notify"])

    def text(self, head: str | None = None) -> str:
        """``head`` replaces ``audio/convert`` (an unknown category or action)."""
        stages = [_spell(head or _label(AudioConvert), self.convert), _spell(_label(SaveAs), self.saveas)]
        return "|".join(stages) + ("" if self.notify is None else "/" + _spell(Notify.ACTION[1], self.notify))


_STEPS: dict[str, StepType] = {"convert": AudioConvert, "saveas": SaveAs, "notify": Notify}


def _label(step: StepType) -> str:
    category, name = step.ACTION
    return name if category is None else f"{category}/{name}"


def _spell(name: str, params: _Params) -> str:
    return ",".join([name, *(text if key is None else f"{key}_{text}" for key, text in params)])


def _draft(meaning: AudioMeaning) -> _Draft:
    """The canonical spelling of ``meaning``, to be spoiled."""
    order = AudioConvert.spec().order
    convert: _Params = [(key, str(value)) for key, value in sorted(meaning.convert.items(), key=lambda item: order[item[0]])]
    keys = {**SaveAs.keywords(), **Notify.keywords()}
    saveas: _Params = [(keys["object"], _b64(meaning.obj, False))]
    if meaning.bucket is not None:
        saveas.insert(0, (keys["bucket"], _b64(meaning.bucket, False)))
    notify: _Params | None = None if meaning.topic is None else [(keys["topic"], _b64(meaning.topic, False))]
    return _Draft(convert, saveas, notify)


def _put(params: _Params, spec: ActionSpec, key: str, text: str) -> _Params:
    """``params`` with ``key`` set to ``text``, without the keys the table makes exclusive with it."""
    partners = {k for rule in spec.rules if isinstance(rule, Exclusive) and key in rule.keys for k in rule.keys} - {key}
    kept = [(k, t) for k, t in params if k not in partners]
    if any(k == key for k, _ in kept):
        return [(k, text if k == key else t) for k, t in kept]
    return [*kept, (key, text)]


def _rows(kinds: tuple[type, ...] = (object,)) -> list[tuple[str, ParamSpec]]:
    """(action, row) for every table row whose value is of one of ``kinds`` (any, by default)."""
    return [(action, row) for action, step in _STEPS.items() for row in step.spec().parameters if isinstance(row.kind, kinds)]


def _rules(kind: type) -> list[tuple[str, Any]]:
    return [(action, rule) for action, step in _STEPS.items() for rule in step.spec().rules if isinstance(rule, kind)]


def _valid_values(kind: object) -> tuple[int | str, ...] | None:
    """Every valid value of a small enumerable kind, else None."""
    if isinstance(kind, IntegerChoice | Choice):
        return kind.choices
    if isinstance(kind, Integer) and kind.maximum - kind.minimum <= 1000:
        return tuple(range(kind.minimum, kind.maximum + 1))
    return None


def _valid_text(kind: object) -> st.SearchStrategy[str]:
    values = _valid_values(kind)
    if values is not None:
        return st.sampled_from(values).map(str)
    assert isinstance(kind, Integer)
    return st.integers(kind.minimum, kind.maximum).map(str)


def _insert(draw: st.DrawFn, text: str, piece: str) -> str:
    where = draw(st.integers(0, len(text)))
    return text[:where] + piece + text[where:]


def _with_action(draw: st.DrawFn, draft: _Draft, action: str) -> _Draft:
    """``draft`` with ``action`` present (a notify stage is added when missing)."""
    if action == "notify" and draft.notify is None:
        draft.notify = [(Notify.keywords()["topic"], _b64(draw(_TOPICS), False))]
    return draft


_Spoiler = Callable[[st.DrawFn, _Draft], NearMiss]
_SPOILERS: dict[str, _Spoiler] = {}


def _spoils(code: str) -> Callable[[_Spoiler], _Spoiler]:
    def register(spoiler: _Spoiler) -> _Spoiler:
        _SPOILERS[code] = spoiler
        return spoiler

    return register


# Values: each table row's kind says what lies just outside it.


@_spoils("E205")
def _not_an_integer(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, row = draw(st.sampled_from(_rows((Integer, IntegerChoice))))
    negative = ["-1"] if _int_range(row.kind)[0] >= 0 else []  # "-1" is an integer where the range allows it
    text = draw(st.sampled_from(["96k", "1.5", "0x10", "1_000", "ten", "1e3", *negative]))
    params = _put(_with_action(draw, draft, action).params(action), _STEPS[action].spec(), row.key, text)
    setattr(draft, action, params)
    return NearMiss(draft.text(), "E205", f"{row.key}_{text}: not a plain integer")


def _int_range(kind: object) -> tuple[int, int]:
    if isinstance(kind, Integer):
        return kind.minimum, kind.maximum
    assert isinstance(kind, IntegerChoice)
    return min(kind.choices), max(kind.choices)


@_spoils("E206")
def _out_of_range(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, row = draw(st.sampled_from(_rows((Integer,))))
    low, high = _int_range(row.kind)
    outside = st.integers(high + 1, high * 10 + 10)
    if low > 0:  # below zero the text has a '-': not an integer at all (E205)
        outside = outside | st.integers(0, low - 1)
    value = draw(outside)
    setattr(draft, action, _put(_with_action(draw, draft, action).params(action), _STEPS[action].spec(), row.key, str(value)))
    return NearMiss(draft.text(), "E206", f"{row.key}_{value}: outside {low}-{high}")


@_spoils("E207")
def _not_allowed(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, row = draw(st.sampled_from(_rows((Choice, IntegerChoice))))
    choices = _valid_values(row.kind)
    assert choices is not None
    if isinstance(row.kind, IntegerChoice):
        text = str(draw(st.integers(0, 10**7).filter(lambda v: v not in choices)))
    else:
        text = draw(st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True).filter(lambda v: v not in choices))
    setattr(draft, action, _put(_with_action(draw, draft, action).params(action), _STEPS[action].spec(), row.key, text))
    return NearMiss(draft.text(), "E207", f"{row.key}_{text}: not one of its values")


# Parameters: unknown, repeated, missing, bare, exclusive.


@_spoils("E200")
def _unknown_parameter(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action = draw(st.sampled_from(draft.present()))
    spec = _STEPS[action].spec()
    key = draw(st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True).filter(lambda k: k not in spec.by_key))
    params = draft.params(action)
    params.insert(draw(st.integers(0, len(params))), (key, "1"))
    return NearMiss(draft.text(), "E200", f"{key}: not a parameter of {action}")


@_spoils("E201")
def _duplicate(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action = draw(st.sampled_from(draft.present()))
    params = draft.params(action)
    key, text = draw(st.sampled_from(params))
    params.insert(draw(st.integers(0, len(params))), (key, text))
    return NearMiss(draft.text(), "E201", f"{key} given twice")


@_spoils("E202")
def _missing(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, row = draw(st.sampled_from([(a, r) for a, r in _rows() if r.required and a in draft.present()]))
    setattr(draft, action, [(k, t) for k, t in draft.params(action) if k != row.key])
    return NearMiss(draft.text(), "E202", f"{action} without {row.key}")


@_spoils("E203")
def _exclusive(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, rule = draw(st.sampled_from(_rules(Exclusive)))
    spec = _STEPS[action].spec()
    params = [(k, t) for k, t in _with_action(draw, draft, action).params(action) if k not in rule.keys]
    params += [(key, draw(_valid_text(spec.by_key[key].kind))) for key in rule.keys]
    setattr(draft, action, params)
    return NearMiss(draft.text(), "E203", f"{' and '.join(rule.keys)} together")


@_spoils("E204")
def _bare_value(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action = draw(st.sampled_from(draft.present()))
    params = draft.params(action)
    # Digits: never a category name, which at the end of an action reads as E107.
    bare = str(draw(st.integers(0, 10**6)))
    params.insert(draw(st.integers(0, len(params))), (None, bare))
    return NearMiss(draft.text(), "E204", f"the bare value {bare} without a key")


# Rules across parameters.


def _settle(draw: st.DrawFn, params: _Params, spec: ActionSpec, selector: str, choice: str, skip: object) -> _Params:
    """``params`` with ``selector`` set to ``choice`` and every other per-choice value
    moved inside what ``choice`` allows, so that only ``skip`` can break a rule."""
    params = _put(params, spec, selector, choice)
    for rule in spec.rules:
        if rule is skip or not isinstance(rule, AllowedPerChoice) or rule.selector != selector:
            continue
        allowed = rule.allowed.get(choice)
        current = dict(params).get(rule.key)
        if allowed is not None and current is not None and int(current) not in allowed:
            params = _put(params, spec, rule.key, str(draw(st.sampled_from(allowed))))
    return params


def _narrowed(rule: AllowedPerChoice, kind: object) -> list[tuple[str, tuple[int, ...]]]:
    """(choice, valid values it does not allow) for each choice that narrows the key."""
    values = _valid_values(kind) or ()
    narrowed = [(choice, tuple(int(v) for v in values if int(v) not in allowed)) for choice, allowed in rule.allowed.items()]
    return [(choice, outside) for choice, outside in narrowed if outside]


@_spoils("E210")
def _unsupported_by_choice(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, rule = draw(st.sampled_from([(a, r) for a, r in _rules(AllowedPerChoice) if _narrowed(r, _STEPS[a].spec().by_key[r.key].kind)]))
    spec = _STEPS[action].spec()
    choice, outside = draw(st.sampled_from(_narrowed(rule, spec.by_key[rule.key].kind)))
    value = draw(st.sampled_from(outside))
    params = _settle(draw, _with_action(draw, draft, action).params(action), spec, rule.selector, choice, rule)
    setattr(draft, action, _put(params, spec, rule.key, str(value)))
    return NearMiss(draft.text(), "E210", f"{rule.key}_{value} with {rule.selector}_{choice}")


@_spoils("E212")
def _source_unsupported_by_choice(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, rule = draw(st.sampled_from(_rules(AllowedPerChoice)))
    spec = _STEPS[action].spec()
    choice = draw(st.sampled_from(sorted(rule.allowed)))
    value = draw(st.integers(1, 10**6).filter(lambda v: v not in rule.allowed[choice]))
    params = _settle(draw, _with_action(draw, draft, action).params(action), spec, rule.selector, choice, rule)
    setattr(draft, action, [(k, t) for k, t in params if k != rule.key])
    source = SourceAudio(**{rule.source_field: value})
    change = f"{rule.key} omitted, {rule.selector}_{choice}, source {rule.source_field} {value}"
    return NearMiss(draft.text(), "E212", change, source=source)


@_spoils("E215")
def _fails_below_source(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, rule = draw(st.sampled_from(_rules(FailsBelowSource)))
    spec = _STEPS[action].spec()
    low, high = _int_range(spec.by_key[rule.key].kind)
    target = draw(st.integers(max(low, 2), high))
    switch, setting = rule.when
    params = _put(_with_action(draw, draft, action).params(action), spec, rule.key, str(target))
    setattr(draft, action, _put(params, spec, switch, setting))
    source = SourceAudio(**{rule.source_field: draw(st.integers(1, target - 1))})
    return NearMiss(draft.text(), "E215", f"{switch}_{setting} with a source {rule.source_field} below {rule.key}", source=source)


# Names: Base64 that does not decode, and names their rules refuse.


def _name_rows(rule_kind: type | None = None) -> list[tuple[str, ParamSpec]]:
    rows = _rows((Base64Name,))
    return [(a, r) for a, r in rows if rule_kind is None or isinstance(r.kind.rule, rule_kind)]  # type: ignore[attr-defined]


def _set_name(draw: st.DrawFn, draft: _Draft, rule_kind: type | None = None) -> tuple[str, str, _Params, ActionSpec]:
    action, row = draw(st.sampled_from(_name_rows(rule_kind)))
    return action, row.key, _with_action(draw, draft, action).params(action), _STEPS[action].spec()


@_spoils("E300")
def _bad_base64(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, key, params, spec = _set_name(draw, draft)
    encoded = dict(params).get(key) or _b64(draw(_BUCKETS), False)
    needed = -len(encoded) % 4
    spoilers = {
        "wrong padding": encoded + "=" * draw(st.sampled_from([p for p in (1, 2, 3) if p != needed])),
        "a length no bytes encode": encoded + "A" * ((1 - len(encoded)) % 4 or 4),
    }
    if needed:  # the last character has unused low bits: set one
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        spoilers["unused bits set"] = encoded[:-1] + alphabet[alphabet.index(encoded[-1]) | 1]
    change = draw(st.sampled_from(sorted(spoilers)))
    setattr(draft, action, _put(params, spec, key, spoilers[change]))
    return NearMiss(draft.text(), "E300", f"{key}: {change}")


@_spoils("E301")
def _not_utf8(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    action, key, params, spec = _set_name(draw, draft)
    raw = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe4\xb8", b"\x80"])) + draw(st.text("abc", max_size=5)).encode()
    setattr(draft, action, _put(params, spec, key, base64.urlsafe_b64encode(raw).decode().rstrip("=")))
    return NearMiss(draft.text(), "E301", f"{key}: bytes that are not UTF-8")


def _name_miss(draw: st.DrawFn, draft: _Draft, rule_kind: type, code: str, names: st.SearchStrategy[tuple[str, str]]) -> NearMiss:
    action, key, params, spec = _set_name(draw, draft, rule_kind)
    name, change = draw(names)
    setattr(draft, action, _put(params, spec, key, _b64(name, False)))
    return NearMiss(draft.text(), code, f"{key}: {change} ({name[:40]!r})")


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


@_spoils("E303")
def _bad_bucket(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    return _name_miss(draw, draft, BucketName, "E303", _bad_buckets())


@st.composite
def _bad_objects(draw: st.DrawFn) -> tuple[str, str]:
    good = draw(_object_names())
    return draw(st.sampled_from([("/" + good, "starts with '/'"), ("a" * draw(st.integers(1024, 1100)), "longer than 1023 bytes")]))


@_spoils("E304")
def _bad_object(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    return _name_miss(draw, draft, ObjectName, "E304", _bad_objects())


@_spoils("E306")
def _dot_segment(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    names = st.tuples(_object_names(), st.sampled_from(["./", "../"])).map(lambda pair: (pair[1] + pair[0], f"a {pair[1]!r} segment"))
    return _name_miss(draw, draft, ObjectName, "E306", names)


@st.composite
def _bad_templates(draw: st.DrawFn) -> tuple[str, str]:
    good = draw(_object_names())
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


@_spoils("E308")
def _bad_template(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    return _name_miss(draw, draft, ObjectName, "E308", _bad_templates())


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


@_spoils("E310")
def _bad_topic(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    return _name_miss(draw, draft, TopicName, "E310", _bad_topics())


# Stages: the catalogue and the order of processing, saving and notifying.

_KEYWORDS_AND_CATEGORIES = {*CATEGORIES, *_KEYWORDS}


@_spoils("E100")
def _unknown_category(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    category = draw(st.from_regex(r"[A-Za-z][a-z0-9]{0,7}", fullmatch=True).filter(lambda c: c not in _KEYWORDS_AND_CATEGORIES))
    return NearMiss(draft.text(f"{category}/{AudioConvert.ACTION[1]}"), "E100", f"the category {category!r}")


@_spoils("E101")
def _unknown_action(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    category = AudioConvert.ACTION[0]
    assert category is not None
    known = CATEGORIES[category].actions
    name = draw(st.from_regex(r"[a-z][a-z0-9-]{0,9}", fullmatch=True).filter(lambda a: a not in known))
    return NearMiss(draft.text(f"{category}/{name}"), "E101", f"the action {category}/{name}")


@_spoils("E103")
def _wrong_mode(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    draft.notify = None  # notify is asynchronous too: one E103 is the convert's
    (other,) = set(Mode) - set(AudioConvert.info().modes)
    return NearMiss(draft.text(), "E103", f"{_label(AudioConvert)} sent as {other.value}", mode=other)


@_spoils("E104")
def _processing_after_processing(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    first, rest = draft.text().split("|", 1)
    return NearMiss(f"{first}|{first}|{rest}", "E104", f"{_label(AudioConvert)} twice, in two stages")


@_spoils("E108")
def _notify_before_save(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    notify = _with_action(draw, draft, "notify").params("notify")
    draft.notify = None
    first, rest = draft.text().split("|", 1)
    return NearMiss(f"{first}|{_spell(Notify.ACTION[1], notify)}|{rest}", "E108", "notify before sys/saveas")


@_spoils("E109")
def _nothing_to_process(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    return NearMiss(draft.text().split("|", 1)[1], "E109", f"no {_label(AudioConvert)} before sys/saveas")


# Syntax: one character (or the whole spelling) outside the grammar.


@_spoils("E011")
def _cut_short(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    text = draft.text()
    cut = draw(st.sampled_from([i + 1 for i, c in enumerate(text) if c in ",/|"]))
    return NearMiss(text[:cut], "E011", f"cut after {text[cut - 1]!r}")


def _inserted(code: str, characters: str, change: str) -> _Spoiler:
    def spoil(draw: st.DrawFn, draft: _Draft) -> NearMiss:
        char = draw(st.sampled_from(characters))
        return NearMiss(_insert(draw, draft.text(), char), code, f"{change} {char!r}")

    return _spoils(code)(spoil)


_inserted("E012", " \t\n\u3000", "the whitespace")
_inserted("E013", "+", "the standard Base64 character")
_inserted("E016", "@", "the legacy image separator")
_inserted("E017", "\u00e9\u4e2d\uff11\x00\x7f\u200b", "the character")


@_spoils("E014")
def _percent_encoded(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    return NearMiss(urllib.parse.quote(draft.text(), safe=""), "E014", "percent-encoded")


@_spoils("E015")
def _form_field(draw: st.DrawFn, draft: _Draft) -> NearMiss:
    field_name = draw(st.sampled_from(["x-oss-async-process=", "?x-oss-async-process="]))
    return NearMiss(field_name + draft.text(), "E015", f"with the field name {field_name!r}")


#: Every code :func:`near_misses` can draw, sorted.
NEAR_MISS_CODES: tuple[str, ...] = tuple(sorted(_SPOILERS))


def near_misses(codes: Iterable[str] | None = None) -> st.SearchStrategy[NearMiss]:
    """Valid audio directives with one mistake each, and the one error code it raises.

    ``codes`` limits the mistakes to those codes (each must be in :data:`NEAR_MISS_CODES`).
    Warnings may come along (a near miss of ``f_mp3`` may also warn W211); errors never.
    """
    chosen = NEAR_MISS_CODES if codes is None else tuple(codes)
    unknown = sorted(set(chosen) - set(_SPOILERS))
    if unknown or not chosen:
        raise ValueError(f"near_misses draws only {', '.join(NEAR_MISS_CODES)}; not {', '.join(unknown) or 'nothing'}")
    return _near_miss(chosen)


@st.composite
def _near_miss(draw: st.DrawFn, codes: tuple[str, ...]) -> NearMiss:
    code = draw(st.sampled_from(codes))
    return _SPOILERS[code](draw, _draft(draw(audio_meanings())))
