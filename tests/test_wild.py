"""Every directive others wrote in public code (tests/data/wild-directives.tsv, copied from
the shared corpus): nothing raises, copies of official strings give no error, and the
strings the reviewer read as wrong get the codes tests/data/wild-verdicts.tsv records."""

from __future__ import annotations

from pathlib import Path

import pytest

import oss_process
from oss_process.cli.decoding import examine
from oss_process.cli.explain import explanation
from tests.wild import status, verdicts, wild

ROWS = wild()
VERDICTS = verdicts()
OFFICIAL = {
    line.split("\t", 1)[0]
    for line in (Path(__file__).parent / "data" / "official-examples.tsv").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
}


def test_the_corpus_is_all_there() -> None:
    assert len(ROWS) == 380
    assert all(row.repository for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}:{row.directive[:40]}" for i, row in enumerate(ROWS)])
def test_nothing_raises_and_official_copies_pass(row: object) -> None:
    directive = row.directive  # type: ignore[attr-defined]
    diagnostics = oss_process.lint(directive)
    assert all(d.code != "E999" for d in diagnostics)
    try:
        canonical = oss_process.canonicalize(directive)
    except oss_process.DirectiveError:
        assert any(d.is_error for d in diagnostics)
    else:
        assert not any(d.is_error for d in diagnostics)
        assert oss_process.canonicalize(canonical) == canonical
    model, _ = explanation(examine(directive.encode()), None)
    assert model["directive"] == directive
    if directive in OFFICIAL or "same as an official" in row.note:  # type: ignore[attr-defined]
        assert not any(d.is_error for d in diagnostics), [d.render(directive) for d in diagnostics]


def test_every_string_read_as_wrong_has_a_verdict() -> None:
    wrong = {row.directive for row in ROWS if "looks wrong" in row.note}
    assert wrong == set(VERDICTS)


@pytest.mark.parametrize("directive", sorted(VERDICTS), ids=[d[:50] for d in sorted(VERDICTS)])
def test_what_lint_says_of_each_string_read_as_wrong(directive: str) -> None:
    verdict = VERDICTS[directive]
    codes = sorted(d.code for d in oss_process.lint(directive))
    assert codes == verdict.codes
    # "agree": lint refuses it; "not checked": its action has no table yet; "disagree in
    # part": only warnings, for the reason the file gives.
    if verdict.verdict == "agree":
        assert any(code[0] == "E" for code in codes)
    elif verdict.verdict == "not checked":
        assert status(codes) == "not checked"
    else:
        assert verdict.verdict == "disagree in part"
        assert not any(code[0] == "E" for code in codes)


def test_every_string_that_parses_is_checked() -> None:
    # Every action has a table now: video, hls and doc strings are checked like image ones.
    found = {row.directive: status([d.code for d in oss_process.lint(row.directive)]) for row in ROWS}
    assert [text for text, verdict in found.items() if verdict == "not checked"] == []
    media = [text for text in found if text.startswith(("video/", "hls/", "doc/"))]
    assert len(media) >= 40
    assert sum(found[text] == "checked" for text in media) >= len(media) - 3  # the rest are syntax errors
