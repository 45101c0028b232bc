"""Issue 15: the shortcuts of the syntax-error path give what the reference gives.

Each test holds one shortcut to what it stands for: the kept last diagnosis, the shape's
fast path checking what recovery left, the Base64 value search of ``_causes``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process import _accel, _causes, _lark_parser, _pipeline
from oss_process._accel.cache import CACHE
from oss_process._accel.plan import run_plan
from oss_process.tables import BUILTIN
from tests.property.settings import PROPERTY
from tests.property.test_differential import mutated


def test_the_kept_diagnosis_is_the_one_of_its_own_text_and_place() -> None:
    expected = _lark_parser.automaton().first_error(" audio/convert,f_aac")
    assert expected is not None
    first = _lark_parser.diagnose(" audio/convert,f_aac", 0, expected[1])
    # Same place and expected terminals, another text: its own message, not the one kept.
    other = _lark_parser.diagnose("\taudio/convert,f_aac", 0, expected[1])
    assert (first.message, other.message) == ("unexpected space at the start", "unexpected tab at the start")
    # Same text, another place.
    text = "audio/convert,f_aac, ab_1 ,x"
    at_comma, at_end = text.index(" "), text.rindex(" ")
    stop = _lark_parser.automaton().first_error(text)
    assert stop is not None
    assert stop[0] == at_comma
    assert _lark_parser.diagnose(text, at_comma, stop[1]).span == oss_process.Span(at_comma, at_comma + 1)
    assert _lark_parser.diagnose(text, at_end, stop[1]).span == oss_process.Span(at_end, at_end + 1)
    assert _lark_parser.diagnose(text, at_comma, stop[1]).message == "unexpected space after ','"


def _recurring(template: str, count: int = 2 * _accel.FAST_PATH_AFTER) -> list[str]:
    """Valid directives of one shape, every value new: the shape gets its fast path."""
    texts = [template.format(i=i + 1) for i in range(count)]
    for text in texts:
        assert not [d for d in oss_process.lint(text) if d.is_error], text
    return texts


def test_what_recovery_left_is_checked_by_its_fast_path_as_by_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    CACHE.clear()
    texts = _recurring("audio/convert,ss_{i}000,f_aac,ab_{i}6000|sys/saveas,o_b3V0LmFhYw")
    shape = _accel.shape_of(texts[0])
    plan = CACHE.plans.get((shape, None, BUILTIN))
    assert plan is not None
    assert plan.fast_path is not None  # type: ignore[attr-defined]
    broken = [
        " " + texts[3],  # the rest is clean: the fast path answers
        "/" + texts[4],
        texts[5] + "+",
        texts[6].replace(",f_", ", f_"),
        texts[7].replace(",ab_", ", ab_") + "+",
        # The rest has the shape, but not a clean value (an error, or a warning): the plan.
        " " + texts[8].replace("ab_96000", "ab_1"),
        " " + texts[9].replace("f_aac", "f_mp3"),
        " " + texts[10].replace("ss_11000", "ss_011000"),
    ]
    planned: list[object] = []

    def counted(raw: object, *rest: object) -> object:
        planned.append(raw)
        return run_plan(raw, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(_accel, "run_plan", counted)
    for index, text in enumerate(broken):
        CACHE.verdicts.clear()
        reference = _pipeline.run(text, None, None, BUILTIN).diagnostics
        del planned[:]
        assert _accel._full(text, None, None, BUILTIN).diagnostics == reference, text
        assert bool(planned) == (index >= 5), text  # the plan only where the fast path does not answer
        assert tuple(oss_process.lint(text)) == reference, text
    # Texts that share the shape get their own spans: the fast path reports nothing, and
    # the plan's spans are those of each text.
    one, two = (" " + re.sub("ab_[0-9]+", "ab_1", t) for t in (texts[8], texts[11]))
    spans = [[d.span for d in oss_process.lint(t)] for t in (one, two)]
    assert spans[0][0] == spans[1][0] == oss_process.Span(0, 1)
    assert spans[0][1:] == [oss_process.Span(one.index("ab_") + 3, one.index("|"))]
    assert spans[1][1:] == [oss_process.Span(two.index("ab_") + 3, two.index("|"))]
    assert spans[0] != spans[1]


# The pattern the value search replaced: a key at the start or after a separator.
_LOOKBEHIND = re.compile(r"(?:^|(?<=[,/|]))(b|content|image|o|pages|text|topic|type)_")


@PROPERTY
@given(st.one_of(mutated(oss_process.strategies.audio_directives()), st.text(st.sampled_from("bo_,/|+=-Yx"), max_size=30)))
def test_the_value_search_finds_each_value_the_lookbehind_pattern_does(text: str) -> None:
    starts = [(m.group(1), m.end()) for m in _causes._value_starts(text, BUILTIN)]
    assert starts == [(m.group(1), m.end()) for m in _LOOKBEHIND.finditer(text)]
    for match in _causes._value_starts(text, BUILTIN):
        assert match.group(2) == re.match(r"[A-Za-z0-9+/_=-]*", text[match.end() :]).group()  # type: ignore[union-attr]


def test_the_value_search_knows_the_keys_of_the_catalogue() -> None:
    keys = {
        row.key
        for _, _, info in BUILTIN.tabled()
        if info.spec
        for row in info.spec.parameters
        if isinstance(row.kind, oss_process.kinds.Base64Name)
    }
    assert _LOOKBEHIND.pattern.endswith(f"({'|'.join(sorted(keys))})_")


def test_a_value_with_no_plus_or_slash_costs_no_rerun() -> None:
    reruns: list[str] = []

    def rerun(text: str) -> list[oss_process.Diagnostic]:
        reruns.append(text)
        return list(_pipeline.diagnostics_of(text, None, None, BUILTIN))

    clean = " audio/convert,f_aac|sys/saveas,o_ZGVzdC5hYWM"
    found = _pipeline.diagnostics_of(clean, None, None, BUILTIN)
    assert _causes.with_causes(clean, found, BUILTIN, rerun) == found
    assert reruns == []
    # A standard-Base64 value: reruns, and its E311.
    text = "audio/convert,f_aac|sys/saveas,o_" + "ZGVzdD8/LmFhYw=="
    found = _pipeline.diagnostics_of(text, None, None, BUILTIN)
    assert "E311" in [d.code for d in _causes.with_causes(text, found, BUILTIN, rerun)]
    assert reruns


def test_error_traffic_alone_makes_the_fast_path_of_what_recovery_leaves() -> None:
    """Directives that all carry one syntax error (a leading space, a pasted path) make the
    fast path of what recovery leaves, as valid ones make theirs; their verdicts stay the
    reference pipeline's, each with its own spans."""
    CACHE.clear()
    texts = [
        f"{prefix}audio/convert,ss_{i * 37},f_aac,ab_96000|sys/saveas,o_{b64}"
        for i in range(3 * _accel.FAST_PATH_AFTER)
        for prefix, b64 in ((" ", "b3V0LmFhYw"), ("/", "b3V0L3R3by5hYWM"))
    ]
    for text in texts:
        reference = _pipeline.run(text, None, None, BUILTIN)
        assert oss_process.lint(text) == list(reference.diagnostics), text
    shape = _accel.shape_of("audio/convert,ss_1,f_aac,ab_96000|sys/saveas,o_b3V0LmFhYw")
    assert CACHE.plans[(shape, None, BUILTIN)].fast_path is not None  # type: ignore[attr-defined]
