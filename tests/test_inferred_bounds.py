"""A row whose range or choices are inferred (``ParamSpec(bounds=...)``) warns where a
documented one refuses (W232), on every path: the reference pipeline, the plans, the fast
paths; a documented row still refuses."""

from __future__ import annotations

import oss_process
from oss_process import _accel, _pipeline
from oss_process._accel.cache import CACHE
from oss_process.kinds import Choice, Integer
from oss_process.tables import BUILTIN, SYNC_ONLY, ActionInfo, ActionSpec, Confidence, ParamSpec

GUESSED = ActionSpec(
    "A test action.",
    (
        ParamSpec("n", Integer(0, 51), "A documented key whose range is inferred.", bounds=Confidence.INF, source="IMM's range"),
        ParamSpec("m", Choice(("a", "b")), "A key whose choices are only seen in use.", bounds=Confidence.EX),
        ParamSpec("k", Integer(0, 9), "A documented key and range."),
    ),
)
CATALOGUE = BUILTIN.with_actions("video", [ActionInfo("guess", SYNC_ONLY, spec=GUESSED)])


def codes(text: str) -> list[str]:
    return [d.code for d in oss_process.lint(text, catalogue=CATALOGUE)]


def test_outside_inferred_bounds_is_a_warning_that_says_so() -> None:
    assert codes("video/guess,n_52") == ["W232"]
    (found,) = oss_process.lint("video/guess,n_52", catalogue=CATALOGUE)
    assert "inferred, not documented: IMM's range" in found.message
    assert codes("video/guess,m_c") == ["W232"]
    assert "only seen in use" in oss_process.lint("video/guess,m_c", catalogue=CATALOGUE)[0].message
    assert codes("video/guess,n_x") == ["W232"]  # the row's kind is inferred too
    # The value is kept as written; it is not refused.
    assert oss_process.canonicalize("video/guess,n_52", catalogue=CATALOGUE) == "video/guess,n_52"


def test_inside_the_bounds_and_documented_bounds_are_as_before() -> None:
    assert codes("video/guess,n_51,m_b,k_9") == []
    assert codes("video/guess,k_10") == ["E206"]
    assert codes("video/guess,n_052") == ["W208", "W232"]  # its other warnings stay


def test_every_path_agrees_with_the_reference() -> None:
    texts = [f"video/guess,n_{n},m_{m},k_{k}" for n in (0, 51, 52, 99) for m in ("a", "c") for k in (0, 10)]
    for _ in range(_accel.FAST_PATH_AFTER + 2):
        for text in texts:
            CACHE.verdicts.clear()
            reference = _pipeline.run(text, None, None, CATALOGUE)
            assert oss_process.lint(text, catalogue=CATALOGUE) == list(reference.diagnostics), text
