"""Sub-steps (``ActionSpec.substeps``): the steps a table lets follow its action in the
same stage, each checked by its own table (video/concat's ``/pre,o_...``), at most
``max_substeps`` of them; on every path, printed in the order written."""

from __future__ import annotations

import pytest

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


# --- The builder: a method per sub-step on the action that has it ----------------------


def test_the_builder_appends_sub_steps_in_their_parents_stage() -> None:
    from oss_process.builder import VideoConcat

    built = VideoConcat(format="mp4").sur(object="b.mp4", duration_ms=5000).pre(object="a.mp4", start_ms=1000).save_as(object="out.mp4")
    # In the order called: sur before pre is another join, not a spelling of this one.
    assert str(built) == f"video/concat,f_mp4/sur,o_{b64('b.mp4')},t_5000/pre,o_{b64('a.mp4')},ss_1000|sys/saveas,o_{b64('out.mp4')}"
    assert repr(built) == (
        "VideoConcat(format='mp4').sur(object='b.mp4', duration_ms=5000).pre(object='a.mp4', start_ms=1000).save_as(object='out.mp4')"
    )
    assert built.mode is oss_process.Mode.ASYNC
    assert oss_process.lint(str(built), mode="async") == []


def test_sub_steps_rebuild_from_text_into_the_chain_that_takes_more() -> None:
    from oss_process.builder import AudioConcat, AudioConcatChain, BuiltDirective, DocPreviewChain, VideoConcat, VideoConcatChain

    text = f"audio/concat,f_mp3,ab_96000/pre,o_{A},ss_0,t_3000/sur,o_{B}"
    rebuilt = BuiltDirective.from_text(text)
    assert type(rebuilt) is AudioConcatChain
    assert repr(rebuilt) == "AudioConcat(format='mp3', bitrate=96000).pre(object='a.mp3', duration_ms=3000).sur(object='b.mp3')"
    assert rebuilt == AudioConcat(format="mp3", bitrate=96000).pre(object="a.mp3", duration_ms=3000).sur(object="b.mp3")
    # The action alone, as a chain of one, takes sub-steps; its class does too.
    alone = VideoConcatChain.from_text("video/concat,f_mp4")
    assert alone.steps == (VideoConcat(format="mp4"),)
    assert str(alone.pre(object="a.mp4")) == f"video/concat,f_mp4/pre,o_{b64('a.mp4')}"
    preview = DocPreviewChain.from_text("doc/preview,print_1/watermark,text_5YaF6YOo,size_30")
    assert repr(preview) == "DocPreview(allow_print=1).watermark(words='内部', size=30)"
    assert str(preview) == "doc/preview,print_1/watermark,text_5YaF6YOo,size_30"


def test_a_sub_step_is_checked_with_its_parent_when_it_is_added() -> None:
    from oss_process.builder import VideoConcat, VideoConcatChain

    with pytest.raises(oss_process.InvalidDirectiveError) as caught:
        VideoConcat(format="mp4").pre(object="a.mp4", start_ms=-1)
    assert [d.code for d in caught.value.diagnostics if d.is_error] == ["E206"]
    joined: VideoConcat | VideoConcatChain = VideoConcat(format="mp4")
    for _ in range(10):  # the object itself and ten clips: IMM's eleven inputs
        joined = joined.pre(object="a.mp4")
    with pytest.raises(oss_process.InvalidDirectiveError) as caught:
        joined.sur(object="b.mp4")
    assert [d.code for d in caught.value.diagnostics if d.is_error] == ["E117"]


def test_no_sub_step_after_a_save_nor_on_an_action_without_them() -> None:
    from oss_process.builder import AudioConvert, VideoConcat

    saved = VideoConcat(format="mp4").save_as(object="out.mp4")
    assert not hasattr(saved, "pre")
    assert not hasattr(AudioConvert(format="aac"), "pre")


def test_a_catalogues_own_sub_steps_get_methods_without_new_code() -> None:
    from oss_process.builder import step_class

    mix = step_class("audio", "mix", catalogue=CATALOGUE)
    built = mix(n=2).pre(o="a.mp3", ss=5).sur(o="b.mp3")
    assert str(built) == f"audio/mix,n_2/pre,o_{A},ss_5/sur,o_{B}"
    assert type(built).from_text(str(built)) == built
    again = type(built).from_text(str(built), catalogue=CATALOGUE)
    assert repr(again) == repr(built) == "AudioMix(n=2).pre(o='a.mp3', ss=5).sur(o='b.mp3')"
    with pytest.raises(oss_process.InvalidDirectiveError) as caught:
        built.pre(o="a.mp3").sur(o="b.mp3")  # a fourth: this table allows three
    assert [d.code for d in caught.value.diagnostics if d.is_error] == ["E117"]
    with pytest.raises(oss_process.InvalidDirectiveError):
        mix(n=2).pre(o="a.mp3", ss=2000)  # the sub-step's own table: ss up to 1000


def test_a_sub_step_name_the_builder_cannot_use_is_refused() -> None:
    from oss_process._build import source

    taken = ActionSpec("Mix.", (), substeps={"save_as": PRE})
    with pytest.raises(ValueError, match="'save_as' cannot name a method"):
        source(BUILTIN.with_actions("audio", [ActionInfo("mix", ASYNC_ONLY, spec=taken)]))
