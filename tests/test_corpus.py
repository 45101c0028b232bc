"""The 95 directive strings copied from the official SDKs and docs (tests/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

import oss_process
from tests.corpus import untabled

CORPUS = Path(__file__).parent / "data" / "official-examples.tsv"


def _examples() -> list[tuple[str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            directive, origin = line.split("\t", 1)
            rows.append((directive, origin))
    return rows


EXAMPLES = _examples()
UNTABLED = {entry.name for entry in untabled()}


def test_the_corpus_is_all_there() -> None:
    assert len(EXAMPLES) == 95
    assert len({d for d, _ in EXAMPLES}) == 95


CONTRADICTIONS = {
    directive: code
    for directive, code, _ in (
        line.split("\t", 2)
        for line in (CORPUS.parent / "official-contradictions.tsv").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
}
#: The warnings by which an official string goes against the documentation.
CONTRADICTING = frozenset(CONTRADICTIONS.values())


def test_every_listed_contradiction_is_an_official_string() -> None:
    assert set(CONTRADICTIONS) <= {d for d, _ in EXAMPLES}


@pytest.mark.parametrize(("directive", "origin"), EXAMPLES, ids=[d[:60] for d, _ in EXAMPLES])
def test_official_example(directive: str, origin: str) -> None:
    tree = oss_process.parse(directive)
    printed = oss_process.unparse(tree)
    assert printed == directive
    assert oss_process.parse(printed) == tree
    diagnostics = oss_process.lint(directive)
    assert [d for d in diagnostics if d.is_error] == [], origin
    codes = {d.code for d in diagnostics}
    # A string goes against the documentation exactly when tests/data/official-contradictions.tsv says so.
    assert codes & CONTRADICTING == ({CONTRADICTIONS[directive]} if directive in CONTRADICTIONS else set()), origin
    # A directive says it is not checked exactly when it names an action without a table
    # (the catalogue says which, at run time: tables keep being added).
    named = {f"{stage.category}/{action.name}" for stage in tree.stages for action in stage.actions}
    assert ("W102" in codes) == bool(named & UNTABLED), origin
    canonical = oss_process.canonicalize(directive)
    assert oss_process.canonicalize(canonical) == canonical
    assert not any(d.is_error for d in oss_process.lint(canonical))
    # The canonical form keeps the actions, in order.
    assert [(s.category, [a.name for a in s.actions]) for s in oss_process.parse(canonical).stages][:1] == [
        (s.category, [a.name for a in s.actions]) for s in tree.stages
    ][:1]
