"""The positional (bare-value) row of a table: checked by its kind, one only, printed first.

Expectations from spec/media-actions.md section 0 (bare-value actions take exactly one
positional value, EC 0040-00000203) and the README's canonical-form rules; the made-up
table mixes a positional row with a keyed one, which no built-in table does yet.
"""

from __future__ import annotations

import pytest

import oss_process
from oss_process import builder
from oss_process.kinds import Integer
from oss_process.tables import BUILTIN, SYNC_ONLY, ActionInfo, ActionSpec, ParamSpec

# paint/tint,<amount 0-10>[,g_<0-5>]: a required bare value, and a keyed row with a default.
TINT = ActionSpec(
    "Tint the image.",
    (ParamSpec("g", Integer(0, 5), "The green share.", default="0"),),
    positional=ParamSpec("amount", Integer(0, 10), "How much to tint.", required=True),
)
MINE = BUILTIN.with_actions("paint", [ActionInfo("tint", SYNC_ONLY, spec=TINT)])


def codes(text: str) -> list[str]:
    return sorted(d.code for d in oss_process.lint(text, catalogue=MINE))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paint/tint,0", []),
        ("paint/tint,10", []),
        ("paint/tint,11", ["E206"]),
        ("paint/tint,-1", ["E206"]),
        ("paint/tint,x", ["E205"]),
        ("paint/tint", ["E202"]),
        ("paint/tint,g_1", ["E202"]),
        ("paint/tint,1,2", ["E209"]),
        ("paint/tint,1,g_1,2", ["E209"]),
        ("paint/tint,amount_1", ["E202", "W220"]),  # the row's name is no key
    ],
)
def test_the_positional_value_is_checked_by_its_row(text: str, expected: list[str]) -> None:
    assert codes(text) == expected
    assert oss_process.check(text, catalogue=MINE).ok == (not any(c.startswith("E") for c in expected))


def test_the_message_names_the_row() -> None:
    (diagnostic,) = oss_process.lint("paint/tint,11", catalogue=MINE)
    assert diagnostic.message.startswith("amount: ")
    assert diagnostic.span == oss_process.Span(11, 13)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("paint/tint,5", "paint/tint,5"),
        ("paint/tint,05", "paint/tint,5"),  # leading zero dropped (W208)
        ("paint/tint,0", "paint/tint,0"),  # the bare value is always written
        ("paint/tint,g_2,5", "paint/tint,5,g_2"),  # the bare value first, then the table's keys
        ("paint/tint,g_0,5", "paint/tint,5"),  # a keyed default is still dropped
    ],
)
def test_the_canonical_form_writes_the_value_first_in_its_kinds_spelling(text: str, canonical: str) -> None:
    assert oss_process.canonicalize(text, catalogue=MINE) == canonical
    assert oss_process.print_canonical(oss_process.parse(text), catalogue=MINE) == canonical
    # The speed layer's print program agrees (lint through the speed layer, twice: a plan is kept).
    for _ in range(3):
        assert oss_process.canonicalize(text, catalogue=MINE) == canonical


def test_the_builder_fills_the_bare_value() -> None:
    from oss_process._build import step_classes

    tint = step_classes(MINE).namespace["PaintTint"]
    built = tint(amount=7, g=2)  # type: ignore[operator]
    assert str(built) == "paint/tint,7,g_2"
    assert repr(builder.BuiltDirective.from_text("paint/tint,g_2,07", catalogue=MINE)) == "PaintTint(amount=7, g=2)"
    with pytest.raises(oss_process.ArgumentError, match="it fills the bare value"):
        tint(amount=None)  # type: ignore[operator]


def test_the_built_in_bare_value_actions() -> None:
    assert str(builder.ImageRotate(degrees=90)) == "image/rotate,90"
    assert str(builder.ImageBright(brightness=-50)) == "image/bright,-50"
    assert oss_process.canonicalize("image/auto-orient,1/rotate,090/bright,-050") == "image/auto-orient,1/rotate,90/bright,-50"


def test_a_positional_row_may_not_share_a_keyed_rows_key() -> None:
    with pytest.raises(ValueError, match="positional row"):
        ActionSpec("x", (ParamSpec("a", Integer(0, 1), "a"),), positional=ParamSpec("a", Integer(0, 1), "a"))


def test_every_image_action_has_a_table() -> None:
    image = BUILTIN.categories["image"]
    assert all(info.has_table for info in image.actions.values())
    assert [d.code for d in oss_process.lint("image/slim")] == ["E101"]  # EC 0040-00000213's example
    assert [d.code for d in oss_process.lint("video/snapshot,t_1")] == ["W233"]  # t is in ms: 1 reads as seconds
