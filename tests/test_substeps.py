"""Sub-steps (``ActionSpec.substeps``): the steps a table lets follow its action in the
same stage, each checked by its own table (video/concat's ``/pre,o_...``), at most
``max_substeps`` of them; on every path, printed in the order written."""

from __future__ import annotations

import oss_process
from oss_process import _pipeline
from oss_process._accel import FAST_PATH_AFTER
from oss_process._accel.cache import CACHE
from oss_process.kinds import Base64Name, Integer, ObjectName, templated
from oss_process.tables import ASYNC_ONLY, BUILTIN, ActionInfo, ActionSpec, ParamSpec
from tests.helpers import b64

_CLIP = (
    ParamSpec("o", Base64Name(ObjectName(templated({}, (), {}))), "The clip's object.", required=True),
    ParamSpec("ss", Integer(0, 1000), "Where the clip starts.", default="0"),
    ParamSpec("t", Integer(0, 1000), "How long it lasts.", default="0"),
)
PRE, SUR = ActionSpec("Before.", _CLIP), ActionSpec("After.", _CLIP)
MIX = ActionSpec("Mix.", (ParamSpec("n", Integer(0, 9), "A number."),), substeps={"pre": PRE, "sur": SUR}, max_substeps=3)
CATALOGUE = BUILTIN.with_actions("audio", [ActionInfo("mix", ASYNC_ONLY, spec=MIX)])
A, B = b64("a.mp3"), b64("b.mp3")


def lint(text: str) -> list[str]:
    return [d.code for d in oss_process.lint(text, catalogue=CATALOGUE)]


def canon(text: str) -> str:
    return oss_process.canonicalize(text, catalogue=CATALOGUE)


def test_sub_steps_are_checked_by_their_own_tables() -> None:
    assert lint(f"audio/mix,n_1/pre,o_{A}/sur,t_5,o_{B},ss_0") == ["W111"]  # no saveas: nowhere to go
    assert canon(f"audio/mix,n_1/pre,o_{A}/sur,t_5,o_{B},ss_0") == f"audio/mix,n_1/pre,o_{A}/sur,o_{B},t_5"
    assert sorted(lint(f"audio/mix/pre,ss_2000,o_{A}")) == ["E206", "W111"]
    assert sorted(lint("audio/mix/pre,ss_1")) == ["E202", "W111"]  # the clip's object is required
    assert sorted(lint(f"audio/mix/pre,o_{A},x_1")) == ["W111", "W220"]  # an unknown key, as anywhere


def test_the_order_written_is_kept_and_a_sub_step_alone_is_unknown() -> None:
    assert canon(f"audio/mix/sur,o_{B}/pre,o_{A}") == f"audio/mix/sur,o_{B}/pre,o_{A}"
    assert "E101" in lint(f"audio/convert,f_aac/pre,o_{A}")  # not a sub-step of convert
    assert "E101" in lint(f"audio/pre,o_{A}")


def test_at_most_max_substeps() -> None:
    three = f"audio/mix/pre,o_{A}/pre,o_{A}/sur,o_{B}"
    assert "E117" not in lint(three)
    found = [d for d in oss_process.lint(three + f"/sur,o_{B}", catalogue=CATALOGUE) if d.code == "E117"]
    assert len(found) == 1
    assert found[0].span.start == len(three) + 1  # at the fourth sub-step
    assert "more than 3 sub-steps (pre/sur) after audio/mix" in found[0].message


def test_every_path_agrees_with_the_reference() -> None:
    texts = [f"audio/mix,n_{n}/pre,o_{A},ss_{ss}/sur,o_{B},t_{t}" for n in (1, 10) for ss in (0, 5, 2000) for t in (0, 7)]
    texts += [f"audio/mix/sur,o_{B}/pre,o_{A}/pre,o_{A}/sur,o_{B}", f"audio/mix,n_2/pre,o_{A}|sys/saveas,o_{B}"]
    for _ in range(FAST_PATH_AFTER + 2):
        for text in texts:
            CACHE.verdicts.clear()
            reference = _pipeline.run(text, None, None, CATALOGUE)
            assert oss_process.lint(text, catalogue=CATALOGUE) == list(reference.diagnostics), text
            if reference.canonical is not None:
                assert canon(text) == reference.canonical, text
