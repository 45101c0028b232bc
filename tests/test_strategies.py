"""oss_process.strategies: what each public strategy promises, held to lint's verdicts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import oss_process
from oss_process import Directive, DirectiveError, InvalidDirectiveError, ParseError
from oss_process.builder import BuiltDirective
from oss_process.diagnostics import CODES
from oss_process.strategies import (
    NEAR_MISS_CODES,
    AudioMeaning,
    NearMiss,
    audio_directives,
    audio_meanings,
    audio_trees,
    built_directives,
    near_misses,
    spellings,
)
from tests.property.settings import PROPERTY

# Syntax codes come from parse; the others from validation.
SYNTAX = {"E011", "E012", "E013", "E014", "E015", "E016", "E017"}


def assert_raises_exactly(miss: NearMiss) -> None:
    """``canonicalize`` raises the near miss's code and no other error; lint agrees."""
    with pytest.raises(DirectiveError) as caught:
        oss_process.canonicalize(miss.text, mode=miss.mode, source=miss.source)
    assert isinstance(caught.value, ParseError if miss.code in SYNTAX else InvalidDirectiveError), miss
    assert [d.code for d in caught.value.diagnostics if d.is_error] == [miss.code], (miss, caught.value.diagnostics)
    linted = oss_process.lint(miss.text, mode=miss.mode, source=miss.source)
    assert [d.code for d in linted if d.is_error] == [miss.code], miss


@PROPERTY
@given(near_misses())
def test_every_near_miss_raises_exactly_the_code_it_claims(miss: NearMiss) -> None:
    assert_raises_exactly(miss)


@pytest.mark.parametrize("code", NEAR_MISS_CODES)
def test_each_code_of_near_misses(code: str) -> None:
    @settings(PROPERTY, max_examples=25)
    @given(near_misses(codes=[code]))
    def check(miss: NearMiss) -> None:
        assert miss.code == code
        assert miss.change
        assert_raises_exactly(miss)

    check()


def test_near_miss_codes_are_stable_error_codes() -> None:
    assert all(CODES[code].severity == "error" for code in NEAR_MISS_CODES)
    assert list(NEAR_MISS_CODES) == sorted(NEAR_MISS_CODES)
    # The tables' rules and kinds each give their near misses.
    assert {"E203", "E205", "E206", "E207", "E210", "E212", "E215", "E300", "E303", "E304", "E310"} <= set(NEAR_MISS_CODES)


@pytest.mark.parametrize("codes", [["E999"], [], ["W302"]])
def test_near_misses_refuses_codes_it_cannot_draw(codes: list[str]) -> None:
    with pytest.raises(ValueError, match="near_misses draws only"):
        near_misses(codes=codes)


def test_near_misses_about_the_source_carry_it() -> None:
    @settings(PROPERTY, max_examples=10)
    @given(near_misses(codes=["E212", "E215"]))
    def check(miss: NearMiss) -> None:
        assert miss.source is not None
        # Without the source the directive is valid: the mistake is the source's.
        assert not any(d.is_error for d in oss_process.lint(miss.text, mode=miss.mode))

    check()


@PROPERTY
@given(audio_directives())
def test_audio_directives_are_valid(text: str) -> None:
    assert not any(d.is_error for d in oss_process.lint(text, mode="async"))


@PROPERTY
@given(audio_trees())
def test_audio_trees_are_valid_trees(tree: Directive) -> None:
    assert oss_process.validate(tree, mode="async").ok
    assert oss_process.parse(oss_process.unparse(tree)) == tree


@PROPERTY
@given(built_directives())
def test_built_directives_are_canonical(built: BuiltDirective) -> None:
    assert oss_process.canonicalize(str(built), mode="async") == str(built)


@settings(PROPERTY, max_examples=50)
@given(audio_meanings().flatmap(lambda meaning: spellings(meaning).map(lambda text: (meaning, text))))
def test_spellings_build_what_they_mean(case: tuple[AudioMeaning, str]) -> None:
    meaning, text = case
    built = BuiltDirective.from_text(text)
    convert = built.steps[0]
    assert convert.action() == oss_process.parse(str(built)).stages[0].actions[0]
    save = built.steps[1]
    assert (getattr(save, "object", None), getattr(save, "bucket", None)) == (meaning.obj, meaning.bucket)
    assert (getattr(built.steps[-1], "topic", None) if len(built.steps) == 3 else None) == meaning.topic
