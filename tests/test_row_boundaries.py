"""Both sides of each boundary of every row of the video, hls, audio/concat and doc tables
and their sub-steps, derived from the tables: a documented range or list refuses what is
outside it (E206, E207), an inferred one only warns (W232), and what is inside passes.

Each case sets one key in a valid directive of the golden corpus (its first valid row
without options) and looks at what is reported at that parameter only: the rules of the
table may say more about the whole."""

from __future__ import annotations

from typing import NamedTuple

import pytest

import oss_process
from oss_process.ast import Action, Directive, Parameter, Stage
from oss_process.kinds import Choice, FrameRate, Integer, IntegerChoice, Resolution
from oss_process.printer import unparse
from oss_process.tables import BUILTIN, ActionSpec, ParamSpec
from tests.test_golden import CORPUS, read

CATEGORIES = {"video", "hls", "doc"}
LABELS = {"audio/concat", "audio/info"}
# What a kind refuses of a value, as the value's own finding.
KIND_CODES = {"E205", "E206", "E207", "W232"}


class Case(NamedTuple):
    title: str  # the table: its action's label, or the sub-step's after it
    base: str  # a valid directive
    where: tuple[int, int]  # (stage, action) of the action whose key is set
    row: ParamSpec
    value: str
    inside: bool


def boundary_values(kind: object) -> list[tuple[str, bool]]:
    """(value, inside its range or list) just inside and just outside each boundary."""
    if isinstance(kind, Integer):
        low, high = kind.minimum, kind.maximum
        return [(str(low - 1), False), (str(low), True), (str(high), True), (str(high + 1), False)]
    if isinstance(kind, Resolution):
        low, high = kind.minimum, kind.maximum
        found = [(f"{low}x{low}", True), (f"{high}x{high}", True), (f"{high + 1}x{low}", False), (f"x{high + 1}", False)]
        found += [(f"{high}x", True), (f"x{low}", True)]
        return found + ([(f"{low - 1}x{low}", False)] if low > 0 else [])
    if isinstance(kind, FrameRate):
        return [("0", False), ("0.01", True), (str(kind.maximum), True), (f"{kind.maximum}.01", False)]
    if isinstance(kind, IntegerChoice):
        return [(str(c), True) for c in kind.choices] + [(str(max(kind.choices) + 1), False)]
    if isinstance(kind, Choice):
        # The first choice with a letter more: near, and still a value the grammar reads.
        return [(c, True) for c in kind.choices] + [(kind.choices[0] + "z", False)]
    return []


def _base(label: str, substep: str | None = None) -> tuple[str, tuple[int, int]] | None:
    """The first valid row of the action's corpus without options (with the sub-step, when
    given), and where in it the action (or its first such sub-step) stands."""
    for row in read(CORPUS / label / "valid.tsv"):
        if row.mode is not None or row.source is not None:
            continue
        first = oss_process.parse(row.text).stages[0]
        names = [action.name for action in first.actions]
        if substep is None:
            return row.text, (0, 0)
        if substep in names[1:]:
            return row.text, (0, names.index(substep, 1))
    return None


def _cases() -> list[Case]:
    found = []
    for label, category, info in BUILTIN.tabled():
        if category not in CATEGORIES and label not in LABELS:
            continue
        spec = info.spec
        assert spec is not None
        tables: list[tuple[str, ActionSpec, str | None]] = [
            (label, spec, None),
            *((f"{label}/{n}", sub, n) for n, sub in spec.substeps.items()),
        ]
        for title, table, substep in tables:
            based = _base(label, substep)
            assert based is not None, f"{label}'s corpus has no valid row without options{' with /' + substep if substep else ''}"
            for row in table.rows:
                if row is table.positional:
                    continue
                for value, inside in boundary_values(row.kind):
                    found.append(Case(title, *based, row, value, inside))
    return found


CASES = _cases()


def _plain(action: Action, key: str | None = None, value: str = "") -> Action:
    """The action without spans; with ``key`` set to ``value``, as its last parameter."""
    kept = tuple(Parameter(p.key, p.text) for p in action.parameters if key is None or p.key != key)
    return Action(action.name, (*kept, Parameter(key, value)) if key is not None else kept)


def with_value(case: Case) -> tuple[str, int, int]:
    """The base directive with the key set to the value, and where that parameter is."""
    tree = oss_process.parse(case.base)
    at_stage, at_action = case.where
    stages = [
        Stage(
            stage.category,
            tuple(
                _plain(action, case.row.key, case.value) if (i, j) == case.where else _plain(action)
                for j, action in enumerate(stage.actions)
            ),
        )
        for i, stage in enumerate(tree.stages)
    ]
    text = unparse(Directive(tuple(stages)))
    span = oss_process.parse(text).stages[at_stage].actions[at_action].parameters[-1].span
    return text, span.start, span.end


def test_the_cases_cover_every_table_and_sub_step() -> None:
    titles = {case.title for case in CASES}
    assert {
        "video/convert",
        "video/snapshot",
        "hls/m3u8",
        "audio/concat",
        "doc/convert",
        "video/concat/pre",
        "doc/preview/watermark",
    } <= titles
    # Every one of them has both sides of a boundary.
    for title in titles:
        sides = {case.inside for case in CASES if case.title == title}
        assert sides == {True, False}, title


@pytest.mark.parametrize("case", CASES, ids=[f"{c.title}:{c.row.key}_{c.value}" for c in CASES])
def test_both_sides_of_each_boundary(case: Case) -> None:
    text, start, end = with_value(case)
    codes = [d.code for d in oss_process.lint(text) if d.code in KIND_CODES and start <= d.span.start and d.span.end <= end]
    if case.inside:
        # A rule may still warn W232 about the value beside another key's (yuva420p beside h264 in hls).
        assert [code for code in codes if code != "W232"] == [], (text, codes)
        assert case.row.kind.check(case.value).problems == ()
    elif case.row.bounds.documented:
        # Out of a range: E206; not one of a list: E207.
        assert codes == ["E207" if isinstance(case.row.kind, Choice | IntegerChoice) else "E206"], (text, codes)
    else:
        assert codes == ["W232"], (text, codes)
