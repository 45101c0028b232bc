"""audio/convert against its table on the seed page ("Audio transcoding"), row by row.

Every expected verdict below is derived from the seed text
(``/work/shared/seeds/000_844cff18ea73f948.txt``), not from what the library returns:
the tables at the top of this file are copied from the seed's parameter table and notes,
independently of ``oss_process.tables.audio``. Where the seed is silent the strict choice
of ``oss_process/tables/limits.py`` applies (``ss``/``t`` bounded by 2**31-1).
"""

from __future__ import annotations

import itertools
import re

import pytest

import oss_process
from oss_process import Diagnostic, SourceAudio
from oss_process.tables.limits import MAX_INT32
from tests.helpers import b64

# --- The seed's table, as data -----------------------------------------------------------

# f: "The container format of the output audio."
FORMATS = ("mp3", "aac", "flac", "oga", "ac3", "opus", "amr")
# ar: "Valid values: 8000 ... 96000".
SAMPLE_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000)
# ar note: "48 kHz and lower for MP3, 8 kHz, 12 kHz, 16 kHz, 24 kHz, and 48 kHz for Opus,
# 32 kHz, 44.1 kHz, and 48 kHz for AC3, and 8 kHz and 16 kHz for AMR."
RATES_BY_FORMAT: dict[str, frozenset[int]] = {
    "mp3": frozenset(r for r in SAMPLE_RATES if r <= 48_000),
    "opus": frozenset({8000, 12000, 16000, 24000, 48000}),
    "ac3": frozenset({32000, 44100, 48000}),
    "amr": frozenset({8000, 16000}),
    "aac": frozenset(SAMPLE_RATES),
    "flac": frozenset(SAMPLE_RATES),
    "oga": frozenset(SAMPLE_RATES),
}
# ac: "Valid values: 1 to 8." Note: "one or two for MP3, up to six for AC3 5.1, and one for AMR."
CHANNELS = tuple(range(1, 9))
CHANNELS_BY_FORMAT: dict[str, frozenset[int]] = {
    "mp3": frozenset({1, 2}),
    "ac3": frozenset(range(1, 7)),
    "amr": frozenset({1}),
    "aac": frozenset(CHANNELS),
    "flac": frozenset(CHANNELS),
    "oga": frozenset(CHANNELS),
    "opus": frozenset(CHANNELS),
}
# Formats whose note narrows ar or ac: leaving them to the source is a gamble (W211).
NARROW_RATES = ("mp3", "opus", "ac3", "amr")
NARROW_CHANNELS = ("mp3", "ac3", "amr")
# A sample rate every format accepts... there is none (AMR: 8k/16k, AC3: 32k+), so per format.
SAFE_RATE = {fmt: 8000 if fmt == "amr" else 48000 for fmt in FORMATS}

# The canonical (table) order of the parameters.
TABLE_ORDER = ("ss", "t", "f", "ar", "ac", "aq", "ab", "abopt", "adepth")

SAVEAS = f"|sys/saveas,o_{b64('out/result.aac')}"


# --- Helpers -----------------------------------------------------------------------------


def param_span(text: str, key: str, *, last: bool = False) -> tuple[int, int]:
    """The span of ``key_value`` (the first, or the last, parameter with this key)."""
    marker = f",{key}_"
    start = (text.rindex(marker) if last else text.index(marker)) + 1
    end = len(text)
    for stop in (",", "|", "/"):
        found = text.find(stop, start)
        if found != -1:
            end = min(end, found)
    return start, end


def value_span(text: str, key: str, *, last: bool = False) -> tuple[int, int]:
    start, end = param_span(text, key, last=last)
    return start + len(key) + 1, end


def action_span(text: str) -> tuple[int, int]:
    """audio/convert's action: from its name to the end of its parameters."""
    start = text.index("convert")
    pipe = text.find("|")
    return start, len(text) if pipe == -1 else pipe


def job(text: str, **options: object) -> list[Diagnostic]:
    """lint, less the W111 a fragment without sys/saveas also gets (asserted here): the
    tests below are about the table."""
    found = oss_process.lint(text, **options)  # type: ignore[arg-type]
    unsaved = [d for d in found if d.code == "W111"]
    assert len(unsaved) == ("sys/saveas" not in text and options.get("mode") != "sync"), found
    return [d for d in found if d.code != "W111"]


def codes(text: str, **options: object) -> list[str]:
    return [d.code for d in job(text, **options)]


def errors(text: str, **options: object) -> list[str]:
    return [d.code for d in job(text, **options) if d.is_error]


def only(text: str, **options: object) -> Diagnostic:
    found = job(text, **options)
    assert len(found) == 1, [(d.code, d.message) for d in found]
    return found[0]


def suggested(hint: str | None, key: str) -> int:
    """The value a hint such as 'use ar_48000' or 'set it, for example ac_2' proposes."""
    assert hint is not None
    match = re.search(rf"\b{key}_(\d+)\b", hint)
    assert match is not None, hint
    return int(match.group(1))


def convert(*params: str) -> str:
    return ",".join(("audio/convert", *params))


# --- Integer rows: both sides of every boundary -------------------------------------------

OK = None

INTEGER_BOUNDARIES = [
    # ss, t: "0" (the default) or "an integer greater than 0"; no documented maximum,
    # bounded by 2**31-1 (limits.py).
    *[
        pytest.param("f_aac", key, value, expected, id=f"{key}_{value}")
        for key in ("ss", "t")
        for value, expected in (
            ("0", OK),
            ("1", OK),
            (str(MAX_INT32 - 1), OK),
            (str(MAX_INT32), OK),
            (str(MAX_INT32 + 1), "E206"),
            (str(2**32), "E206"),
            ("-1", "E206"),  # below the minimum, 0: not "not an integer"
        )
    ],
    # ac: 1 to 8.
    pytest.param("f_aac", "ac", "0", "E206", id="ac_0"),
    pytest.param("f_aac", "ac", "1", OK, id="ac_1"),
    pytest.param("f_aac", "ac", "8", OK, id="ac_8"),
    pytest.param("f_aac", "ac", "9", "E206", id="ac_9"),
    pytest.param("f_aac", "ac", "-1", "E206", id="ac_-1"),
    # aq: 0 to 100.
    pytest.param("f_aac", "aq", "-1", "E206", id="aq_-1"),
    pytest.param("f_aac", "aq", "0", OK, id="aq_0"),
    pytest.param("f_aac", "aq", "1", OK, id="aq_1"),
    pytest.param("f_aac", "aq", "99", OK, id="aq_99"),
    pytest.param("f_aac", "aq", "100", OK, id="aq_100"),
    pytest.param("f_aac", "aq", "101", "E206", id="aq_101"),
    # ab: 1000 to 10000000 bit/s.
    pytest.param("f_aac", "ab", "0", "E206", id="ab_0"),
    pytest.param("f_aac", "ab", "999", "E206", id="ab_999"),
    pytest.param("f_aac", "ab", "1000", OK, id="ab_1000"),
    pytest.param("f_aac", "ab", "1001", OK, id="ab_1001"),
    pytest.param("f_aac", "ab", "9999999", OK, id="ab_9999999"),
    pytest.param("f_aac", "ab", "10000000", OK, id="ab_10000000"),
    pytest.param("f_aac", "ab", "10000001", "E206", id="ab_10000001"),
    # adepth: 16 and 24 (with f_flac, where it takes effect).
    pytest.param("f_flac", "adepth", "0", "E207", id="adepth_0"),
    pytest.param("f_flac", "adepth", "8", "E207", id="adepth_8"),
    pytest.param("f_flac", "adepth", "15", "E207", id="adepth_15"),
    pytest.param("f_flac", "adepth", "16", OK, id="adepth_16"),
    pytest.param("f_flac", "adepth", "17", "E207", id="adepth_17"),
    pytest.param("f_flac", "adepth", "20", "E207", id="adepth_20"),
    pytest.param("f_flac", "adepth", "23", "E207", id="adepth_23"),
    pytest.param("f_flac", "adepth", "24", OK, id="adepth_24"),
    pytest.param("f_flac", "adepth", "25", "E207", id="adepth_25"),
    pytest.param("f_flac", "adepth", "32", "E207", id="adepth_32"),
    # abopt: the strings 0, 1 and 2 (with ab, where it takes effect).
    pytest.param("f_aac,ab_96000", "abopt", "0", OK, id="abopt_0"),
    pytest.param("f_aac,ab_96000", "abopt", "1", OK, id="abopt_1"),
    pytest.param("f_aac,ab_96000", "abopt", "2", OK, id="abopt_2"),
    pytest.param("f_aac,ab_96000", "abopt", "3", "E207", id="abopt_3"),
    pytest.param("f_aac,ab_96000", "abopt", "9", "E207", id="abopt_9"),
    pytest.param("f_aac,ab_96000", "abopt", "-1", "E207", id="abopt_-1"),
    pytest.param("f_aac,ab_96000", "abopt", "a", "E207", id="abopt_a"),
    # abopt's type is "string" in the seed, its values the strings 0, 1 and 2: no other spelling.
    pytest.param("f_aac,ab_96000", "abopt", "00", "E207", id="abopt_00"),
    pytest.param("f_aac,ab_96000", "abopt", "02", "E207", id="abopt_02"),
]


@pytest.mark.parametrize("mode", [None, "async"])
@pytest.mark.parametrize(("before", "key", "value", "expected"), INTEGER_BOUNDARIES)
def test_value_boundaries(before: str, key: str, value: str, expected: str | None, mode: str | None) -> None:
    text = convert(before, f"{key}_{value}")
    if expected is None:
        assert job(text, mode=mode) == []
        return
    diagnostic = only(text, mode=mode)
    assert diagnostic.code == expected
    assert diagnostic.is_error
    assert diagnostic.severity == "error"
    assert diagnostic.span == value_span(text, key)
    with pytest.raises(oss_process.InvalidDirectiveError):
        oss_process.canonicalize(text, mode=mode)


@pytest.mark.parametrize("rate", SAMPLE_RATES, ids=lambda r: f"ar_{r}")
def test_every_listed_sample_rate_is_accepted(rate: int) -> None:
    text = convert("f_aac", f"ar_{rate}")
    assert job(text) == []
    assert oss_process.canonicalize(text) == text


@pytest.mark.parametrize(
    "value", ["0", "1", "7999", "8001", "11024", "11026", "44000", "44101", "47999", "64001", "96001", "100000", "192000"]
)
def test_sample_rate_not_in_the_list_is_not_allowed(value: str) -> None:
    text = convert("f_aac", f"ar_{value}")
    diagnostic = only(text)
    assert diagnostic.code == "E207"
    assert diagnostic.span == value_span(text, "ar")


@pytest.mark.parametrize("fmt", ["amr", "ac3", "opus", "mp3"])
def test_sample_rate_outside_the_list_is_e207_not_e210_for_a_narrow_format(fmt: str) -> None:
    # 7999 is no sample rate at all: the parameter's own list rejects it first.
    text = convert(f"f_{fmt}", "ar_7999", "ac_1")
    assert codes(text) == ["E207"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_listed_format_is_accepted(fmt: str) -> None:
    text = convert(f"f_{fmt}", f"ar_{SAFE_RATE[fmt]}", "ac_1")
    assert job(text) == []
    assert job(text, mode="async") == []
    assert oss_process.canonicalize(text) == text


@pytest.mark.parametrize("value", ["wav", "m4a", "mp4", "ogg", "aac3", "mp", "flacc", "3"])
def test_unlisted_format_is_not_allowed(value: str) -> None:
    text = convert(f"f_{value}")
    diagnostic = only(text)
    assert diagnostic.code == "E207"
    assert diagnostic.span == value_span(text, "f")


@pytest.mark.parametrize(
    ("written", "fmt"),
    [
        pytest.param(variant, fmt, id=variant)
        for fmt in FORMATS
        for variant in dict.fromkeys((fmt.upper(), fmt.capitalize(), fmt[:-1] + fmt[-1].upper(), fmt[0] + fmt[1:].upper()))
        if variant != fmt
    ],
)
def test_format_is_case_sensitive_and_the_hint_names_the_format(written: str, fmt: str) -> None:
    text = convert(f"f_{written}")
    diagnostic = only(text)
    assert diagnostic.code == "E207"
    assert diagnostic.span == value_span(text, "f")
    assert diagnostic.hint is not None
    assert f"'{fmt}'" in diagnostic.hint


# --- Integers are ASCII digits only --------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected", "offender"),
    [
        # A run of such characters is one problem, spanning the run.
        pytest.param("ss", "\u0661\u0662", "E017", "\u0661\u0662", id="ss_arabic-indic"),
        pytest.param("ss", "\uff11", "E017", "\uff11", id="ss_fullwidth"),
        pytest.param("ss", "1\u0661", "E017", "\u0661", id="ss_ascii-then-arabic-indic"),
        pytest.param("ss", "\u00b2", "E017", "\u00b2", id="ss_superscript"),
        pytest.param("ab", "\uff19\uff16\uff10\uff10\uff10", "E017", "\uff19\uff16\uff10\uff10\uff10", id="ab_fullwidth"),
        pytest.param("ar", "\u096a\u096e\u0966\u0966\u0966", "E017", "\u096a\u096e\u0966\u0966\u0966", id="ar_devanagari"),
        pytest.param("ss", "+5", "E010", "+", id="ss_plus"),  # a sign, not standard Base64
        pytest.param("ss", " 1", "E012", " ", id="ss_space"),
        pytest.param("ac", "\u30002", "E012", "\u3000", id="ac_ideographic-space"),
    ],
)
def test_non_ascii_and_foreign_characters_are_syntax_errors(key: str, value: str, expected: str, offender: str) -> None:
    text = convert("f_aac", f"{key}_{value}")
    diagnostic = only(text)
    assert diagnostic.code == expected
    assert diagnostic.code.startswith("E0")
    start = text.index(offender)
    assert diagnostic.span == (start, start + len(offender))
    assert value_span(text, key)[0] <= diagnostic.span.start
    with pytest.raises(oss_process.ParseError):
        oss_process.canonicalize(text)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("ss", "1_000", id="ss_underscore-separator"),
        pytest.param("ss", "-0", id="ss_negative-zero"),
        pytest.param("ss", "1.5", id="ss_decimal"),
        pytest.param("ss", "1.0", id="ss_decimal-zero"),
        pytest.param("ss", "0x10", id="ss_hex"),
        pytest.param("ss", "1e3", id="ss_exponent"),
        pytest.param("ss", "10=", id="ss_padding"),
        pytest.param("t", "60s", id="t_unit"),
        pytest.param("ab", "96k", id="ab_k-suffix"),
        pytest.param("ab", "96K", id="ab_K-suffix"),
        pytest.param("ab", "96_000", id="ab_underscore"),
        pytest.param("aq", "5O", id="aq_letter-o"),
        pytest.param("ac", "two", id="ac_word"),
        pytest.param("ar", "44.1k", id="ar_kilohertz"),
        pytest.param("adepth", "16bit", id="adepth_unit"),
    ],
)
def test_integer_spelled_otherwise_is_not_an_integer(key: str, value: str) -> None:
    before = "f_flac" if key == "adepth" else "f_aac"
    text = convert(before, f"{key}_{value}")
    diagnostic = only(text)
    assert diagnostic.code == "E205"
    assert diagnostic.span == value_span(text, key)
    with pytest.raises(oss_process.InvalidDirectiveError):
        oss_process.canonicalize(text)


@pytest.mark.parametrize(("value", "hint_part"), [("1_000", "'_'"), ("-0", "negative"), ("1.5", "whole"), ("+5", None)])
def test_not_an_integer_hints(value: str, hint_part: str | None) -> None:
    # ss_+5 never reaches the integer check: '+' is outside the grammar.
    text = convert("f_aac", f"ss_{value}")
    diagnostic = only(text)
    if hint_part is None:
        assert diagnostic.code == "E010"
        assert (diagnostic.message, diagnostic.hint) == ("unexpected '+' after 'ss_': a number takes no sign", "drop the '+'")
    else:
        assert diagnostic.code == "E205"
        assert diagnostic.hint is not None
        assert hint_part in diagnostic.hint


@pytest.mark.parametrize(("key", "value", "minimum"), [("ss", "-1", 0), ("ar", "-8000", 8000), ("ac", "-3", 1)])
def test_a_negative_number_is_below_the_minimum(key: str, value: str, minimum: int) -> None:
    text = convert("f_aac", f"{key}_{value}")
    diagnostic = only(text)
    assert (diagnostic.code, diagnostic.message) == ("E206", f"{key}: {value!r} is below the minimum, {minimum}")
    assert diagnostic.span == value_span(text, key)


def test_kilo_suffix_hint_spells_the_number_in_full() -> None:
    diagnostic = only(convert("f_aac", "ab_96k"))
    assert diagnostic.hint is not None
    assert "96000" in diagnostic.hint


INTEGER_KEYS = ("ss", "t", "ar", "ac", "aq", "ab", "adepth")


@pytest.mark.parametrize("key", INTEGER_KEYS)
@pytest.mark.parametrize("digits", [20, 4300, 4301, 5000], ids=lambda n: f"{n}-digits")
def test_huge_numbers_are_out_of_range_never_an_exception(key: str, digits: int) -> None:
    before = "f_flac" if key == "adepth" else "f_aac"
    text = convert(before, f"{key}_{'9' * digits}")
    diagnostic = only(text)
    assert diagnostic.code == "E206"
    assert diagnostic.span == value_span(text, key)
    with pytest.raises(oss_process.InvalidDirectiveError):
        oss_process.canonicalize(text)


def test_huge_number_with_leading_zeros_is_still_out_of_range() -> None:
    text = convert("f_aac", "ss_" + "0" * 4000 + "9" * 20)
    found = job(text)
    assert "E206" in [d.code for d in found]
    assert all(d.code in ("E206", "W208") for d in found)
    assert all(d.span == value_span(text, "ss") for d in found)


def test_five_thousand_leading_zeros_before_a_small_number_only_warn() -> None:
    text = convert("f_aac", "ss_" + "0" * 5000 + "1")
    diagnostic = only(text)
    assert diagnostic.code == "W208"
    assert diagnostic.span == value_span(text, "ss")
    assert oss_process.canonicalize(text) == "audio/convert,ss_1,f_aac"


@pytest.mark.parametrize(
    ("before", "key", "written", "canonical"),
    [
        pytest.param("f_aac", "ss", "010", "audio/convert,ss_10,f_aac", id="ss_010"),
        pytest.param("f_aac", "ss", "02147483647", f"audio/convert,ss_{MAX_INT32},f_aac", id="ss_0-max"),
        pytest.param("f_aac", "ss", "000", "audio/convert,f_aac", id="ss_000-is-the-default"),
        pytest.param("f_aac", "t", "0060000", "audio/convert,t_60000,f_aac", id="t_0060000"),
        pytest.param("f_aac", "t", "00", "audio/convert,f_aac", id="t_00-is-the-default"),
        pytest.param("f_aac", "ar", "08000", "audio/convert,f_aac,ar_8000", id="ar_08000"),
        pytest.param("f_aac", "ar", "048000", "audio/convert,f_aac,ar_48000", id="ar_048000"),
        pytest.param("f_aac", "ac", "01", "audio/convert,f_aac,ac_1", id="ac_01"),
        pytest.param("f_aac", "ac", "08", "audio/convert,f_aac,ac_8", id="ac_08"),
        pytest.param("f_aac", "aq", "000", "audio/convert,f_aac,aq_0", id="aq_000-has-no-default"),
        pytest.param("f_aac", "aq", "0100", "audio/convert,f_aac,aq_100", id="aq_0100"),
        pytest.param("f_aac", "ab", "01000", "audio/convert,f_aac,ab_1000", id="ab_01000"),
        pytest.param("f_flac", "adepth", "016", "audio/convert,f_flac,adepth_16", id="adepth_016"),
        pytest.param("f_flac", "adepth", "0024", "audio/convert,f_flac,adepth_24", id="adepth_0024"),
    ],
)
def test_leading_zeros_warn_and_canonicalize_away(before: str, key: str, written: str, canonical: str) -> None:
    text = convert(before, f"{key}_{written}")
    diagnostic = only(text)
    assert diagnostic.code == "W208"
    assert diagnostic.severity == "warning"
    assert not diagnostic.is_error
    assert diagnostic.span == value_span(text, key)
    assert diagnostic.hint is not None
    assert str(int(written)) in diagnostic.hint
    assert oss_process.canonicalize(text) == canonical


@pytest.mark.parametrize(
    ("before", "param", "expected"),
    [
        pytest.param("f_aac", "ac_09", ["E206", "W208"], id="ac_09"),
        pytest.param("f_aac", "ac_00", ["E206", "W208"], id="ac_00"),
        pytest.param("f_aac", "aq_0101", ["E206", "W208"], id="aq_0101"),
        pytest.param("f_aac", "ab_0999", ["E206", "W208"], id="ab_0999"),
        pytest.param("f_aac", f"ss_0{MAX_INT32 + 1}", ["E206", "W208"], id="ss_0-max+1"),
        pytest.param("f_flac", "adepth_015", ["E207", "W208"], id="adepth_015"),
        pytest.param("f_aac", "ar_07999", ["E207", "W208"], id="ar_07999"),
    ],
)
def test_leading_zeros_do_not_hide_an_out_of_range_value(before: str, param: str, expected: list[str]) -> None:
    text = convert(before, param)
    found = job(text)
    assert sorted(d.code for d in found) == expected
    key = param.split("_")[0]
    assert all(d.span == value_span(text, key) for d in found)


# --- Presence rules: required, exclusive, unknown, duplicate, bare -----------------------


@pytest.mark.parametrize("text", ["audio/convert", "audio/convert,ab_96000", "audio/convert,ss_0,t_0,ar_48000,ac_2,aq_50"])
def test_f_is_required(text: str) -> None:
    diagnostic = only(text)
    assert diagnostic.code == "E202"
    assert diagnostic.span == action_span(text)
    assert diagnostic.hint is not None
    assert "f_" in diagnostic.hint
    with pytest.raises(oss_process.InvalidDirectiveError):
        oss_process.canonicalize(text)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param(("aq_50", "ab_96000"), id="aq-then-ab"),
        pytest.param(("ab_96000", "aq_50"), id="ab-then-aq"),
        pytest.param(("aq_0", "ab_1000"), id="lowest-values"),
        pytest.param(("aq_100", "ab_10000000", "abopt_1"), id="with-abopt"),
    ],
)
def test_aq_and_ab_are_mutually_exclusive(params: tuple[str, ...]) -> None:
    text = convert("f_aac", *params)
    diagnostic = only(text)
    assert diagnostic.code == "E203"
    assert diagnostic.span in (param_span(text, "aq"), param_span(text, "ab"))


def test_aq_and_ab_exclusive_even_when_one_is_invalid() -> None:
    text = convert("f_aac", "aq_101", "ab_96000")
    assert sorted(codes(text)) == ["E203", "E206"]


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("abb", "ab"),
        ("AB", "ab"),
        ("Ab", "ab"),
        ("SS", "ss"),
        ("sss", "ss"),
        ("T", "t"),
        ("tt", "t"),
        ("AR", "ar"),
        ("aR", "ar"),
        ("abop", "abopt"),
        ("abopts", "abopt"),
        ("Abopt", "abopt"),
        ("adpth", "adepth"),
        ("adept", "adepth"),
    ],
)
def test_unknown_parameter_with_did_you_mean(key: str, suggestion: str) -> None:
    text = convert("f_aac", f"{key}_1")
    diagnostic = only(text)
    assert diagnostic.code == "W220"
    start = text.index(f",{key}_") + 1
    assert diagnostic.span == (start, start + len(key))
    assert diagnostic.hint is not None
    assert f"'{suggestion}'" in diagnostic.hint


def test_capital_f_is_unknown_and_f_is_then_missing() -> None:
    text = "audio/convert,F_aac"
    found = job(text)
    assert sorted(d.code for d in found) == ["E202", "W220"]
    (unknown,) = (d for d in found if d.code == "W220")
    assert unknown.span == (text.index("F_"), text.index("F_") + 1)
    assert unknown.hint is not None
    assert "'f'" in unknown.hint


@pytest.mark.parametrize("key", ["zzz", "format", "fmt", "bitrate", "rate"])
def test_unknown_parameter_far_from_any_gets_the_list_of_keys(key: str) -> None:
    text = convert("f_aac", f"{key}_1")
    diagnostic = only(text)
    assert diagnostic.code == "W220"
    start = text.index(f",{key}_") + 1
    assert diagnostic.span == (start, start + len(key))
    assert diagnostic.message == f"unknown parameter {key!r} for audio/convert: OSS ignores it, so it has no effect"
    assert diagnostic.hint == "parameters: ss, t, f, ar, ac, aq, ab, abopt, adepth"


@pytest.mark.parametrize(
    ("before", "param"),
    [
        ("", "f_aac"),
        ("f_aac", "ss_1"),
        ("f_aac", "t_1"),
        ("f_aac", "ar_44100"),
        ("f_aac", "ac_2"),
        ("f_aac", "aq_50"),
        ("f_aac", "ab_96000"),
        ("f_aac,ab_96000", "abopt_1"),
        ("f_flac", "adepth_16"),
    ],
    ids=lambda v: v or "-",
)
def test_duplicate_parameter(before: str, param: str) -> None:
    text = convert(*filter(None, (before, param, param)))
    diagnostic = only(text)
    assert diagnostic.code == "E201"
    key = param.split("_")[0]
    assert diagnostic.span == param_span(text, key, last=True)


def test_duplicate_format_with_another_value() -> None:
    text = convert("f_aac", "f_mp3")
    diagnostic = only(text)
    assert diagnostic.code == "E201"
    assert diagnostic.span == param_span(text, "f", last=True)


@pytest.mark.parametrize("bare", ["aac", "96000", "ss", "mp3", "f"])
def test_bare_value_is_in_the_wrong_form(bare: str) -> None:
    text = convert("f_aac", bare)
    diagnostic = only(text)
    assert diagnostic.code == "E204"
    start = text.rindex("," + bare) + 1
    assert diagnostic.span == (start, start + len(bare))


def test_bare_format_is_in_the_wrong_form_and_f_is_missing() -> None:
    assert sorted(codes("audio/convert,aac")) == ["E202", "E204"]


# --- Processing mode ---------------------------------------------------------------------


def test_audio_convert_is_async_only() -> None:
    text = convert("f_aac")
    diagnostic = only(text, mode="sync")
    assert diagnostic.code == "E103"
    assert diagnostic.span == action_span(text)
    assert job(text, mode="async") == []
    assert job(text) == []
    with pytest.raises(oss_process.InvalidDirectiveError):
        oss_process.canonicalize(text, mode="sync")
    assert oss_process.canonicalize(text + SAVEAS, mode="async") == text + SAVEAS


# --- Per-format notes: sample rates and channels (E210) -----------------------------------


@pytest.mark.parametrize("rate", SAMPLE_RATES, ids=lambda r: f"ar_{r}")
@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_rate_per_format(fmt: str, rate: int) -> None:
    text = convert(f"f_{fmt}", f"ar_{rate}", "ac_1")
    if rate in RATES_BY_FORMAT[fmt]:
        assert job(text) == []
        assert oss_process.canonicalize(text) == text
        return
    diagnostic = only(text)
    assert diagnostic.code == "E210"
    start, end = param_span(text, "ar")
    assert start <= diagnostic.span.start <= value_span(text, "ar")[0]
    assert diagnostic.span.end == end
    assert suggested(diagnostic.hint, "ar") in RATES_BY_FORMAT[fmt]


@pytest.mark.parametrize("channels", CHANNELS, ids=lambda c: f"ac_{c}")
@pytest.mark.parametrize("fmt", FORMATS)
def test_channels_per_format(fmt: str, channels: int) -> None:
    text = convert(f"f_{fmt}", f"ar_{SAFE_RATE[fmt]}", f"ac_{channels}")
    if channels in CHANNELS_BY_FORMAT[fmt]:
        assert job(text) == []
        return
    diagnostic = only(text)
    assert diagnostic.code == "E210"
    start, end = param_span(text, "ac")
    assert start <= diagnostic.span.start <= value_span(text, "ac")[0]
    assert diagnostic.span.end == end
    assert suggested(diagnostic.hint, "ac") in CHANNELS_BY_FORMAT[fmt]


@pytest.mark.parametrize("channels", ["0", "9"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_channels_outside_1_to_8_are_out_of_range_for_every_format(fmt: str, channels: str) -> None:
    text = convert(f"f_{fmt}", f"ar_{SAFE_RATE[fmt]}", f"ac_{channels}")
    diagnostic = only(text)
    assert diagnostic.code == "E206"
    assert diagnostic.span == value_span(text, "ac")


# --- Warnings: W211, W213, W214 -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_leaving_rate_and_channels_to_the_source(fmt: str) -> None:
    text = convert(f"f_{fmt}")
    found = job(text)
    assert all(d.code == "W211" for d in found)
    expected = (fmt in NARROW_RATES) + (fmt in NARROW_CHANNELS)
    assert len(found) == expected
    for diagnostic in found:
        assert not diagnostic.is_error
        assert diagnostic.span == action_span(text)
    hints = [d.hint or "" for d in found]
    if fmt in NARROW_RATES:
        (hint,) = (h for h in hints if "ar_" in h)
        assert suggested(hint, "ar") in RATES_BY_FORMAT[fmt]
    if fmt in NARROW_CHANNELS:
        (hint,) = (h for h in hints if "ac_" in h)
        assert suggested(hint, "ac") in CHANNELS_BY_FORMAT[fmt]
    # Warnings only: the directive still canonicalizes.
    assert oss_process.canonicalize(text) == text


@pytest.mark.parametrize("fmt", FORMATS)
def test_setting_the_rate_leaves_only_the_channels_warning(fmt: str) -> None:
    text = convert(f"f_{fmt}", f"ar_{SAFE_RATE[fmt]}")
    assert codes(text) == ["W211"] * (fmt in NARROW_CHANNELS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_setting_the_channels_leaves_only_the_rate_warning(fmt: str) -> None:
    text = convert(f"f_{fmt}", "ac_1")
    assert codes(text) == ["W211"] * (fmt in NARROW_RATES)


def test_aac_with_nothing_left_narrow_has_no_warning() -> None:
    assert codes("audio/convert,f_aac") == []
    assert codes("audio/convert,f_aac" + SAVEAS) == []


@pytest.mark.parametrize("depth", ["16", "24"])
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "flac"])
def test_adepth_has_no_effect_unless_flac(fmt: str, depth: str) -> None:
    text = convert(f"f_{fmt}", f"ar_{SAFE_RATE[fmt]}", "ac_1", f"adepth_{depth}")
    diagnostic = only(text)
    assert diagnostic.code == "W213"
    assert not diagnostic.is_error
    start, end = param_span(text, "adepth")
    assert start <= diagnostic.span.start <= value_span(text, "adepth")[0]
    assert diagnostic.span.end == end


@pytest.mark.parametrize("depth", ["16", "24"])
def test_adepth_with_flac_is_quiet(depth: str) -> None:
    assert codes(convert("f_flac", f"adepth_{depth}")) == []


@pytest.mark.parametrize("option", ["0", "1", "2"])
@pytest.mark.parametrize("others", [(), ("aq_50",)], ids=["alone", "with-aq"])
def test_abopt_without_ab_has_no_effect(option: str, others: tuple[str, ...]) -> None:
    text = convert("f_aac", *others, f"abopt_{option}")
    diagnostic = only(text)
    assert diagnostic.code == "W214"
    assert not diagnostic.is_error
    start, end = param_span(text, "abopt")
    assert start <= diagnostic.span.start <= value_span(text, "abopt")[0]
    assert diagnostic.span.end == end


@pytest.mark.parametrize("option", ["0", "1", "2"])
def test_abopt_with_ab_is_quiet(option: str) -> None:
    assert codes(convert("f_aac", "ab_96000", f"abopt_{option}")) == []


# --- The source audio: E212, and W211 resolved ----------------------------------------------


@pytest.mark.parametrize("rate", SAMPLE_RATES, ids=lambda r: f"source-{r}Hz")
@pytest.mark.parametrize("fmt", FORMATS)
def test_source_sample_rate_kept_when_ar_is_omitted(fmt: str, rate: int) -> None:
    text = convert(f"f_{fmt}", "ac_1")
    source = SourceAudio(sample_rate=rate)
    if rate in RATES_BY_FORMAT[fmt]:
        # The source fits: no error, and no W211 either.
        assert job(text, source=source) == []
        assert oss_process.canonicalize(text, source=source) == text
        return
    diagnostic = only(text, source=source)
    assert diagnostic.code == "E212"
    assert diagnostic.span == action_span(text)
    assert suggested(diagnostic.hint, "ar") in RATES_BY_FORMAT[fmt]
    with pytest.raises(oss_process.InvalidDirectiveError):
        oss_process.canonicalize(text, source=source)
    # Without the source it is only the W211 gamble (or nothing for a format with all rates).
    assert errors(text) == []


@pytest.mark.parametrize("channels", CHANNELS, ids=lambda c: f"source-{c}ch")
@pytest.mark.parametrize("fmt", FORMATS)
def test_source_channels_kept_when_ac_is_omitted(fmt: str, channels: int) -> None:
    text = convert(f"f_{fmt}", f"ar_{SAFE_RATE[fmt]}")
    source = SourceAudio(channels=channels)
    if channels in CHANNELS_BY_FORMAT[fmt]:
        assert job(text, source=source) == []
        return
    diagnostic = only(text, source=source)
    assert diagnostic.code == "E212"
    assert diagnostic.span == action_span(text)
    assert suggested(diagnostic.hint, "ac") in CHANNELS_BY_FORMAT[fmt]


@pytest.mark.parametrize("fmt", ["aac", "flac", "oga", "opus"])
def test_source_outside_the_values_of_a_format_without_a_note_only_warns(fmt: str) -> None:
    # ac: "Valid values: 1 to 8", and the output keeps the source's count when ac is
    # omitted; but the seed's notes restrict what a format keeps only for mp3, ac3 and amr
    # (and opus's rates): for these formats a failure is not documented (W216, not E212).
    text = convert(f"f_{fmt}", f"ar_{SAFE_RATE[fmt]}")
    diagnostic = only(text, source=SourceAudio(channels=12))
    assert (diagnostic.code, diagnostic.severity) == ("W216", "warning")
    assert diagnostic.message == (
        "ac is not set, so the output keeps the source's channel count (12 channels), "
        f"outside the values ac takes; whether f_{fmt} keeps it is not documented"
    )
    assert oss_process.canonicalize(text, source=SourceAudio(channels=12)) == text
    assert codes(text + ",ac_2", source=SourceAudio(channels=12)) == []
    if fmt != "opus":  # opus narrows the rate: 192 kHz is E212 there
        rate = convert(f"f_{fmt}", "ac_1")
        assert codes(rate, source=SourceAudio(sample_rate=192_000)) == ["W216"]


@pytest.mark.parametrize(
    ("fmt", "source"),
    [
        ("mp3", SourceAudio(sample_rate=44100, channels=2)),
        ("mp3", SourceAudio(sample_rate=8000, channels=1)),
        ("opus", SourceAudio(sample_rate=48000)),
        ("opus", SourceAudio(sample_rate=48000, channels=8)),
        ("ac3", SourceAudio(sample_rate=48000, channels=6)),
        ("ac3", SourceAudio(sample_rate=32000, channels=1)),
        ("amr", SourceAudio(sample_rate=8000, channels=1)),
        ("amr", SourceAudio(sample_rate=16000, channels=1, bitrate=12200)),
        ("aac", SourceAudio(sample_rate=96000, channels=8)),
        ("flac", SourceAudio(sample_rate=88200, channels=2)),
    ],
    ids=lambda v: v if isinstance(v, str) else f"{v.sample_rate}Hz-{v.channels}ch",
)
def test_source_that_fits_needs_no_warning(fmt: str, source: SourceAudio) -> None:
    text = convert(f"f_{fmt}")
    assert job(text, source=source) == []
    assert job(text, source=source, mode="async") == []
    assert oss_process.canonicalize(text, source=source) == text


@pytest.mark.parametrize(
    ("source", "still_unknown"),
    [
        pytest.param(SourceAudio(sample_rate=44100), "ac", id="rate-known"),
        pytest.param(SourceAudio(channels=2), "ar", id="channels-known"),
        pytest.param(SourceAudio(bitrate=128000), "both", id="bitrate-known"),
        pytest.param(SourceAudio(), "both", id="nothing-known"),
    ],
)
def test_partly_known_source_warns_of_the_rest(source: SourceAudio, still_unknown: str) -> None:
    text = convert("f_mp3")
    found = job(text, source=source)
    assert [d.code for d in found] == ["W211"] * (2 if still_unknown == "both" else 1)
    if still_unknown != "both":
        (warning,) = found
        assert warning.hint is not None
        assert f"{still_unknown}_" in warning.hint


@pytest.mark.parametrize(
    ("params", "source"),
    [
        pytest.param(("f_opus", "ar_48000"), SourceAudio(sample_rate=44100), id="opus-ar-set"),
        pytest.param(("f_amr", "ar_8000", "ac_1"), SourceAudio(sample_rate=44100, channels=2), id="amr-both-set"),
        pytest.param(("f_mp3", "ar_48000", "ac_2"), SourceAudio(sample_rate=96000, channels=6), id="mp3-both-set"),
        pytest.param(("f_ac3", "ar_48000", "ac_6"), SourceAudio(sample_rate=8000, channels=8), id="ac3-both-set"),
    ],
)
def test_explicit_values_override_the_source(params: tuple[str, ...], source: SourceAudio) -> None:
    assert job(convert(*params), source=source) == []


def test_opus_without_ar_and_a_44100_source_fails() -> None:
    text = "audio/convert,f_opus" + SAVEAS
    diagnostic = only(text, source=SourceAudio(sample_rate=44100))
    assert diagnostic.code == "E212"
    assert diagnostic.span == action_span(text)


# --- abopt against the source bitrate: E215 ------------------------------------------------


@pytest.mark.parametrize(
    ("option", "ab", "bitrate", "expected"),
    [
        pytest.param("2", 96000, 95999, ["E215"], id="abopt_2-source-just-below"),
        pytest.param("2", 96000, 64000, ["E215"], id="abopt_2-source-below"),
        pytest.param("2", 96000, 96000, [], id="abopt_2-source-equal"),
        pytest.param("2", 96000, 96001, [], id="abopt_2-source-above"),
        pytest.param("2", 1000, 999, ["E215"], id="abopt_2-lowest-ab"),
        pytest.param("2", 1000, 1000, [], id="abopt_2-lowest-ab-equal"),
        pytest.param("2", 10000000, 9999999, ["E215"], id="abopt_2-highest-ab"),
        pytest.param("2", 10000000, 10000000, [], id="abopt_2-highest-ab-equal"),
        pytest.param("1", 96000, 64000, [], id="abopt_1-source-below"),
        pytest.param("1", 96000, 1, [], id="abopt_1-source-far-below"),
        pytest.param("0", 96000, 64000, [], id="abopt_0-source-below"),
    ],
)
def test_abopt_against_the_source_bitrate(option: str, ab: int, bitrate: int, expected: list[str]) -> None:
    text = convert("f_aac", f"ab_{ab}", f"abopt_{option}") + SAVEAS
    found = job(text, source=SourceAudio(bitrate=bitrate))
    assert [d.code for d in found] == expected
    for diagnostic in found:
        start, end = param_span(text, "abopt")
        assert start <= diagnostic.span.start <= value_span(text, "abopt")[0]
        assert diagnostic.span.end == end
        with pytest.raises(oss_process.InvalidDirectiveError):
            oss_process.canonicalize(text, source=SourceAudio(bitrate=bitrate))


@pytest.mark.parametrize(
    "source", [None, SourceAudio(), SourceAudio(sample_rate=44100, channels=2)], ids=["no-source", "empty", "no-bitrate"]
)
def test_abopt_2_without_a_known_bitrate_is_quiet(source: SourceAudio | None) -> None:
    assert codes(convert("f_aac", "ab_96000", "abopt_2"), source=source) == []


def test_abopt_2_without_ab_only_warns_whatever_the_source() -> None:
    text = convert("f_aac", "aq_50", "abopt_2")
    assert codes(text, source=SourceAudio(bitrate=1)) == ["W214"]


def test_abopt_2_with_an_invalid_ab_reports_the_range_only() -> None:
    text = convert("f_aac", "ab_999", "abopt_2")
    assert codes(text, source=SourceAudio(bitrate=500)) == ["E206"]


# --- Canonical form -------------------------------------------------------------------------

FULL = ("ss_3", "t_5", "f_flac", "ar_44100", "ac_2", "ab_1000", "abopt_1", "adepth_16")
FULL_CANONICAL = convert(*FULL)
WITH_AQ = ("ss_10000", "t_60000", "f_flac", "ar_96000", "ac_8", "aq_100", "adepth_24")
WITH_AQ_CANONICAL = convert(*WITH_AQ)


def _orders(params: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Some orders of ``params``: reversed, every rotation, odd-even interleavings."""
    orders = [tuple(reversed(params))]
    orders += [params[i:] + params[:i] for i in range(1, len(params))]
    orders.append(params[1::2] + params[::2])
    orders.append(tuple(reversed(params[::2])) + params[1::2])
    return orders


@pytest.mark.parametrize(
    ("written", "canonical"),
    [pytest.param(order, FULL_CANONICAL, id="full-" + "-".join(p.split("_")[0] for p in order)) for order in _orders(FULL)]
    + [pytest.param(order, WITH_AQ_CANONICAL, id="aq-" + "-".join(p.split("_")[0] for p in order)) for order in _orders(WITH_AQ)],
)
def test_canonical_order_is_the_table_order(written: tuple[str, ...], canonical: str) -> None:
    text = convert(*written)
    assert job(text) == []
    assert oss_process.canonicalize(text) == canonical
    assert oss_process.canonicalize(text + SAVEAS) == canonical + SAVEAS


@pytest.mark.parametrize("order", list(itertools.permutations(("f_aac", "ss_1", "ac_2", "aq_5"))), ids="-".join)
def test_canonical_order_of_every_permutation(order: tuple[str, ...]) -> None:
    assert oss_process.canonicalize(convert(*order)) == "audio/convert,ss_1,f_aac,ac_2,aq_5"


def test_every_parameter_at_once_prints_in_the_seed_table_order() -> None:
    # The seed's table lists ss, t, f, ar, ac, aq, ab, abopt, adepth; aq and ab exclude each
    # other, so the two directives below hold every row between them.
    for params, without in ((FULL, {"aq"}), (WITH_AQ, {"ab", "abopt"})):
        printed = oss_process.canonicalize(convert(*reversed(params)))
        keys = [p.split("_")[0] for p in printed.split(",")[1:]]
        assert keys == [k for k in TABLE_ORDER if k not in without]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        pytest.param("audio/convert,ss_0,f_aac", "audio/convert,f_aac", id="ss_0"),
        pytest.param("audio/convert,t_0,f_aac", "audio/convert,f_aac", id="t_0"),
        pytest.param("audio/convert,f_aac,ab_96000,abopt_0", "audio/convert,f_aac,ab_96000", id="abopt_0"),
        pytest.param("audio/convert,abopt_0,t_0,ss_0,f_aac,ab_96000", "audio/convert,f_aac,ab_96000", id="all-defaults"),
        pytest.param("audio/convert,f_aac,ss_0,ab_96000", "audio/convert,f_aac,ab_96000", id="docstring-example"),
        pytest.param("audio/convert,f_aac,ss_000,t_00", "audio/convert,f_aac", id="defaults-with-leading-zeros"),
        pytest.param("audio/convert,f_aac,aq_0", "audio/convert,f_aac,aq_0", id="aq_0-is-no-default"),
        pytest.param(
            "audio/convert,f_flac,ss_1,t_1,abopt_1,ab_1000", "audio/convert,ss_1,t_1,f_flac,ab_1000,abopt_1", id="non-defaults-kept"
        ),
        pytest.param(
            "audio/convert,ab_096000,f_aac,t_060000,ss_010000", "audio/convert,ss_10000,t_60000,f_aac,ab_96000", id="seed-example-reordered"
        ),
        pytest.param("audio/convert,f_mp3", "audio/convert,f_mp3", id="warnings-only"),
    ],
)
def test_canonical_drops_defaults_and_leading_zeros(written: str, canonical: str) -> None:
    assert oss_process.canonicalize(written) == canonical
    assert oss_process.canonicalize(written + SAVEAS) == canonical + SAVEAS
    # Canonical is a fixed point, and has nothing left to warn about but W211.
    assert oss_process.canonicalize(canonical) == canonical
    assert all(d.code == "W211" for d in job(canonical))


def test_seed_example_is_canonical() -> None:
    text = "audio/convert,ss_10000,t_60000,f_aac,ab_96000"
    assert job(text, mode="async") == []
    assert oss_process.canonicalize(text, mode="async") == text


def test_seed_opus_example_reorders_to_table_order() -> None:
    # The page writes f_opus,ab_96000,ar_48000,ac_2; the table has ar and ac before ab.
    text = "audio/convert,f_opus,ab_96000,ar_48000,ac_2"
    assert job(text, mode="async") == []
    assert oss_process.canonicalize(text) == "audio/convert,f_opus,ar_48000,ac_2,ab_96000"
