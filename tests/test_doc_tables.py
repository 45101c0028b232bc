"""The document tables and audio/info (issue 16): the page range of doc/convert, and the
rule that doc/preview and doc/edit are the whole directive (E118)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process.kinds import PageRange
from oss_process.tables import BUILTIN, Mode


def codes(text: str, mode: Mode | None = None) -> list[str]:
    return sorted(d.code for d in oss_process.lint(text, mode=mode))


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


SAVE = "|sys/saveas,o_" + b64("pages/{index}.png")


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("1-10", []),
        ("7-7", []),
        ("9-10", []),  # compared as numbers, not as text
        ("1-99999999999999999999999", []),  # no page count is documented
        ("3", ["W224"]),
        ("1,3,5-7", ["W224"]),
        ("01-10", ["W208"]),
        ("0-3", ["W232"]),  # the row's limits are inferred: refusals only warn
        ("2-0", ["W232"]),
        ("10-9", ["W232"]),
        ("1-", ["W232"]),
        ("1 - 10", ["W232"]),
        ("1-10,", ["W232"]),
        ("\u0661-\u0663", ["W232"]),  # Arabic-Indic digits are not page numbers
    ],
)
def test_page_ranges(pages: str, expected: list[str]) -> None:
    assert codes(f"doc/convert,target_png,pages_{b64(pages)}{SAVE}") == expected


@given(st.text(st.sampled_from("0123456789-,a "), max_size=12))
def test_page_range_clean_is_exactly_no_problem(name: str) -> None:
    rule = PageRange()
    assert rule.clean(name) == (rule.check(name) == [])


def test_the_range_that_starts_after_it_ends_is_turned_round_in_the_hint() -> None:
    (found,) = oss_process.lint(f"doc/convert,pages_{b64('12-3')}{SAVE}")
    assert found.hint == "write 3-12"


@pytest.mark.parametrize("action", ["doc/preview", "doc/edit"])
def test_preview_and_edit_take_no_other_stage(action: str) -> None:
    assert codes(action) == []
    assert codes(action + SAVE) == ["E118"]
    assert codes(f"{action}|image/resize,w_100") == ["E118"]
    (found,) = oss_process.lint(action + SAVE)
    assert found.span.start == len(action + "|sys/")  # at the other action
    assert "do not support pipes" in found.message


def test_other_sync_actions_may_still_pipe() -> None:
    assert codes("doc/snapshot,page_2|image/resize,w_100") == []


def test_doc_preview_keys_are_only_seen_in_use() -> None:
    assert codes("doc/preview,export_1,print_1,copy_1") == ["W223", "W223", "W223"]
    assert codes("doc/preview,export_3") == ["W223", "W232"]


def test_convert_without_saveas_warns_and_sets_its_variables() -> None:
    assert codes("doc/convert,target_png") == ["W111"]
    for variable in ("index", "sheetname", "autoext"):
        assert codes(f"doc/convert,target_png|sys/saveas,o_{b64('out/{' + variable + '}')}") == []


def test_audio_info_takes_no_parameter_and_is_sync() -> None:
    assert codes("audio/info") == []
    assert codes("audio/info,x_1") == ["W220"]
    assert codes("audio/info", Mode.ASYNC) == ["E103"]


def test_every_doc_action_has_a_table() -> None:
    assert all(info.has_table for info in BUILTIN.categories["doc"].actions.values())
    info = BUILTIN.lookup("audio", "info")
    assert info is not None
    assert info.has_table
