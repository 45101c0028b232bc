"""oss_process.strategies: what each public strategy promises, held to lint's verdicts,
table by table of the catalogue, and for a table made up here."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process import Directive, DirectiveError, InvalidDirectiveError, ParseError
from oss_process.builder import BuiltDirective
from oss_process.diagnostics import CODES
from oss_process.kinds import Checked, Choice, Integer, Problem
from oss_process.rules import Exclusive
from oss_process.strategies import (
    NEAR_MISS_CODES,
    AudioMeaning,
    KindExamples,
    Meaning,
    NearMiss,
    UnsupportedTable,
    audio_directives,
    audio_meanings,
    audio_trees,
    built_directives,
    canonical_text,
    directives,
    meanings,
    near_miss_codes,
    near_misses,
    register_kind,
    spellings,
    trees,
)
from oss_process.tables import BUILTIN, SYNC_ONLY, ActionInfo, ActionSpec, Catalogue, ParamSpec
from tests.property.settings import PROPERTY, per_table

# Syntax codes come from parse; the others from validation.
SYNTAX = {"E011", "E012", "E013", "E014", "E015", "E016", "E017"}

TABLES = [label for label, _, _ in BUILTIN.tabled()]
CODES_BY_TABLE = [(label, code) for label in TABLES for code in near_miss_codes(label)]


def assert_raises_exactly(miss: NearMiss, catalogue: Catalogue = BUILTIN) -> None:
    """``canonicalize`` raises the near miss's code and no other error; lint agrees."""
    with pytest.raises(DirectiveError) as caught:
        oss_process.canonicalize(miss.text, mode=miss.mode, source=miss.source, catalogue=catalogue)
    assert isinstance(caught.value, ParseError if miss.code in SYNTAX else InvalidDirectiveError), miss
    assert [d.code for d in caught.value.diagnostics if d.is_error] == [miss.code], (miss, caught.value.diagnostics)
    linted = oss_process.lint(miss.text, mode=miss.mode, source=miss.source, catalogue=catalogue)
    assert [d.code for d in linted if d.is_error] == [miss.code], miss


def spelled(action: str, catalogue: Catalogue = BUILTIN) -> st.SearchStrategy[tuple[Meaning, str]]:
    return meanings(action, catalogue=catalogue).flatmap(lambda m: spellings(m, catalogue=catalogue).map(lambda text: (m, text)))


# --- Per table of the built-in catalogue ------------------------------------------------


@pytest.mark.parametrize("action", TABLES)
def test_directives_of_each_table_are_valid(action: str) -> None:
    @per_table()
    @given(spelled(action))
    def check(case: tuple[Meaning, str]) -> None:
        meaning, text = case
        assert action in [step.label for step in meaning.steps]
        assert not any(d.is_error for d in oss_process.lint(text, mode=meaning.mode)), text

    check()


@pytest.mark.parametrize("action", TABLES)
def test_trees_of_each_table_are_valid_trees(action: str) -> None:
    @per_table()
    @given(trees(action))
    def check(tree: Directive) -> None:
        assert oss_process.validate(tree).ok
        assert oss_process.parse(oss_process.unparse(tree)) == tree

    check()


@pytest.mark.parametrize("action", TABLES)
def test_every_near_miss_of_each_table_raises_exactly_the_code_it_claims(action: str) -> None:
    @per_table()
    @given(near_misses(action=action))
    def check(miss: NearMiss) -> None:
        assert_raises_exactly(miss)

    check()


@pytest.mark.parametrize(("action", "code"), CODES_BY_TABLE)
def test_each_code_of_each_table(action: str, code: str) -> None:
    @per_table(share=len(near_miss_codes(action)))
    @given(near_misses(codes=[code], action=action))
    def check(miss: NearMiss) -> None:
        assert miss.code == code
        assert miss.change
        assert_raises_exactly(miss)

    check()


def test_each_table_gives_the_near_misses_of_its_kinds_and_rules() -> None:
    assert set(near_miss_codes("audio/convert")) >= {"E202", "E203", "E205", "E206", "E207", "E210", "E212", "E215"}
    assert set(near_miss_codes("sys/saveas")) >= {"E202", "E300", "E301", "E303", "E304", "E306", "E308"}
    assert set(near_miss_codes("sys/notify")) >= {"E202", "E300", "E301", "E310"}
    # A table's near misses are its own: the notify table has no integer to spoil.
    assert not {"E205", "E206", "E303", "E304"} & set(near_miss_codes("sys/notify"))


def test_a_table_with_sub_steps_gives_the_near_misses_of_its_sub_steps() -> None:
    # video/concat itself has no required key with Base64, nor a limit on its stage: these come from /pre and /sur.
    assert {"E117", "E202", "E300", "E301", "E306"} <= set(near_miss_codes("video/concat"))
    # doc/preview's /watermark has no limit on how many: no E117.
    assert "E117" not in near_miss_codes("doc/preview")
    assert "E312" in near_miss_codes("doc/preview")  # the watermark's text, its sub-step's own kind


@pytest.mark.parametrize("action", ["audio/concat", "video/concat", "doc/preview"])
def test_sub_steps_are_drawn_checked_and_built(action: str) -> None:
    counts: list[int] = []

    @per_table()
    @given(meanings(action))
    def check(meaning: Meaning) -> None:
        parts = [step for step in meaning.steps if step.substep]
        counts.append(len(parts))
        text = oss_process.canonicalize(canonical_text(meaning), mode=meaning.mode)
        # In its parent's stage, in the order drawn, each checked by its own table.
        first_stage = oss_process.parse(text).stages[0]
        assert [action_node.name for action_node in first_stage.actions[1:]] == [step.name for step in parts]
        assert repr(BuiltDirective.from_text(text, mode=meaning.mode)).count(").") >= len(parts)

    check()
    assert max(counts) >= 1
    assert 0 in counts


# --- The whole built-in catalogue, and the audio names ----------------------------------


@PROPERTY
@given(near_misses())
def test_every_near_miss_raises_exactly_the_code_it_claims(miss: NearMiss) -> None:
    assert_raises_exactly(miss)


def test_near_miss_codes_are_stable_error_codes() -> None:
    assert all(CODES[code].severity == "error" for code in NEAR_MISS_CODES)
    assert list(NEAR_MISS_CODES) == sorted(NEAR_MISS_CODES)
    assert near_miss_codes() == NEAR_MISS_CODES
    # Every code the first, audio-only version drew, but E200 (retired: an unknown key is W220).
    first = "E011 E012 E013 E014 E015 E016 E017 E100 E101 E103 E104 E108 E109 E201 E202 E203 E204 E205 E206 E207 E210 E212 E215"
    assert "E200" not in NEAR_MISS_CODES
    assert set(NEAR_MISS_CODES) >= {*first.split(), "E300", "E301", "E303", "E304", "E306", "E308", "E310"}


@pytest.mark.parametrize("codes", [["E999"], [], ["W302"]])
def test_near_misses_refuses_codes_it_cannot_draw(codes: list[str]) -> None:
    with pytest.raises(ValueError, match="near_misses draws only"):
        near_misses(codes=codes)


def test_near_misses_refuses_a_code_the_table_cannot_give() -> None:
    with pytest.raises(ValueError, match="near_misses draws only"):
        near_misses(codes=["E206"], action="sys/notify")


def test_near_misses_about_the_source_carry_it() -> None:
    @per_table()
    @given(near_misses(codes=["E212", "E215"]))
    def check(miss: NearMiss) -> None:
        assert miss.source is not None
        # Without the source the directive is valid: the mistake is the source's.
        assert not any(d.is_error for d in oss_process.lint(miss.text, mode=miss.mode))

    check()


@per_table()
@given(audio_directives())
def test_audio_directives_are_valid(text: str) -> None:
    assert not any(d.is_error for d in oss_process.lint(text, mode="async"))


@per_table()
@given(audio_trees())
def test_audio_trees_are_valid_trees(tree: Directive) -> None:
    assert oss_process.validate(tree, mode="async").ok
    assert oss_process.parse(oss_process.unparse(tree)) == tree


@per_table()
@given(built_directives())
def test_built_directives_are_canonical(built: BuiltDirective) -> None:
    assert oss_process.canonicalize(str(built), mode="async") == str(built)


@per_table()
@given(audio_meanings().flatmap(lambda meaning: spellings(meaning).map(lambda text: (meaning, text))))
def test_spellings_build_what_they_mean(case: tuple[AudioMeaning, str]) -> None:
    meaning, text = case
    built = BuiltDirective.from_text(text)
    convert = built.steps[0]
    assert convert.action() == oss_process.parse(str(built)).stages[0].actions[0]
    save = built.steps[1]
    assert (getattr(save, "object", None), getattr(save, "bucket", None)) == (meaning.obj, meaning.bucket)
    assert (getattr(built.steps[-1], "topic", None) if len(built.steps) == 3 else None) == meaning.topic


def test_an_unknown_table_is_refused() -> None:
    with pytest.raises(ValueError, match="has no table"):
        directives("csv/select")  # SelectObject: no table


# --- A table made up here ---------------------------------------------------------------

# image/sketch: a width (required), a stroke style or a density, never both.
SKETCH = ActionSpec(
    summary="Draw the image as a sketch.",
    parameters=(
        ParamSpec("w", Integer(1, 4096), "The width of the sketch.", unit="px", required=True),
        ParamSpec("m", Choice(("pencil", "ink", "charcoal")), "The stroke style."),
        ParamSpec("d", Integer(0, 100), "The stroke density.", default="50"),
    ),
    rules=(Exclusive(keys=("m", "d"), hint="keep one: m sets a style, d a density"),),
)
MINE = BUILTIN.with_actions("image", [ActionInfo("sketch", SYNC_ONLY, spec=SKETCH)])


@per_table()
@given(spelled("image/sketch", MINE))
def test_a_made_up_table_gives_valid_directives(case: tuple[Meaning, str]) -> None:
    meaning, text = case
    assert text.startswith("image/sketch,")
    assert not any(d.is_error for d in oss_process.lint(text, mode=meaning.mode, catalogue=MINE)), text
    # Its own catalogue is what checks it: the built-in one does not list image/sketch, and
    # its image category is covered (image/rotate has a table), so there it is unknown.
    assert "E101" in [d.code for d in oss_process.lint(text, mode=meaning.mode)]


def test_a_made_up_table_gives_the_near_misses_of_its_kinds_rules_and_modes() -> None:
    codes = set(near_miss_codes("image/sketch", catalogue=MINE))
    assert codes >= {"E103", "E202", "E203", "E205", "E206", "E207", "E109"}
    # Synchronous only: no notify to misplace, no second stage that async forbids.
    assert not codes & {"E104", "E108", "E210", "E212", "E215"}

    @per_table()
    @given(near_misses(action="image/sketch", catalogue=MINE))
    def check(miss: NearMiss) -> None:
        assert_raises_exactly(miss, MINE)

    check()


class Hexadecimal(NamedTuple):
    """A user's kind: lower-case hexadecimal digits, typed as the integer they write."""

    def describe(self) -> str:
        return "hexadecimal digits"

    def check(self, text: str) -> Checked:
        if text and all(c in "0123456789abcdef" for c in text):
            return Checked(int(text, 16), text)
        return Checked(None, text, (Problem("E207", f"{text!r} is not hexadecimal"),))


class Registered(Hexadecimal):
    """The same kind, with strategies registered for it."""


def _tinted(kind: object, required: bool) -> Catalogue:
    spec = ActionSpec(
        summary="Tint the image.",
        parameters=(ParamSpec("w", Integer(1, 4096), "The width."), ParamSpec("c", kind, "The colour.", required=required)),  # type: ignore[arg-type]
    )
    return BUILTIN.with_actions("image", [ActionInfo("tint", SYNC_ONLY, spec=spec)])


def test_a_kind_without_strategies_is_left_out() -> None:
    optional = _tinted(Hexadecimal(), required=False)
    assert "E207" not in near_miss_codes("image/tint", catalogue=optional)

    @per_table()
    @given(meanings("image/tint", catalogue=optional))
    def check(meaning: Meaning) -> None:
        assert "c" not in meaning.steps[0].values

    check()
    with pytest.raises(UnsupportedTable, match="register_kind"):
        meanings("image/tint", catalogue=_tinted(Hexadecimal(), required=True))


def test_a_registered_kind_gives_values_and_near_misses() -> None:
    register_kind(
        Registered,
        KindExamples(
            values=lambda kind, context: st.integers(0, 2**32),
            write=lambda kind, value: format(value, "x"),
            violations=lambda kind, context: {"E207": st.sampled_from(["xyz", "0X1F"]).map(lambda text: (text, "not hexadecimal"))},
        ),
    )
    required = _tinted(Registered(), required=True)
    assert "E207" in near_miss_codes("image/tint", catalogue=required)

    @per_table()
    @given(spelled("image/tint", required), near_misses(codes=["E207"], action="image/tint", catalogue=required))
    def check(case: tuple[Meaning, str], miss: NearMiss) -> None:
        meaning, text = case
        assert isinstance(meaning.steps[0].values["c"], int)
        assert not any(d.is_error for d in oss_process.lint(text, mode=meaning.mode, catalogue=required)), text
        assert_raises_exactly(miss, required)

    check()
