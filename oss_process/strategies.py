"""Hypothesis strategies for directives, for this project's tests and for yours.

Needs ``hypothesis`` (not a runtime dependency of oss_process)::

    from hypothesis import given
    from oss_process.strategies import audio_directives

    @given(audio_directives())
    def test_my_gateway_accepts_valid_directives(text): ...

- :func:`directive_trees`: any tree the grammar can produce (mostly invalid for the tables).
- :func:`grammar_strings`: strings generated from the grammar file itself.
- :func:`audio_meanings` / :func:`audio_directives`: valid ``audio/convert`` directives with
  ``sys/saveas`` and ``notify``; :func:`spellings` writes one meaning in many equivalent
  ways (order, defaults, padding, leading zeros, ``|notify``).
"""

from __future__ import annotations

import base64
import string
from dataclasses import dataclass

from hypothesis import strategies as st

from ._grammar import grammar_text, terminal_patterns
from ._values import Integer, IntegerChoice
from .ast import Action, Directive, Parameter, Stage
from .tables import CATEGORIES, audio
from .tables.audio import CHANNELS_BY_FORMAT, FORMATS, SAMPLE_RATES, SAMPLE_RATES_BY_FORMAT
from .tables.limits import MAX_INT32
from .tables.variables import PUBLIC

__all__ = [
    "AudioMeaning",
    "audio_directives",
    "audio_meanings",
    "directive_trees",
    "grammar_strings",
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
