"""Issue 13: every problem in one pass, causes named, the policy table, strict=True.

The expected texts are written from the issue and the README (Reliability, the policy
table), not copied from output.
"""

from __future__ import annotations

import base64

import pytest

import oss_process
from oss_process import MAX_LENGTH, render
from oss_process.tables import MAX_DIAGNOSTICS, MAX_SYNTAX_ERRORS
from oss_process.tables.policy import POLICY, STRICT_CODES

SAVE = "|sys/saveas,o_YQ"


def codes(text: str, **options: object) -> list[str]:
    return [d.code for d in oss_process.lint(text, **options)]  # type: ignore[arg-type]


def test_the_issue_example_reports_every_problem() -> None:
    text = "audio/convert, f_aac, ab_1, ss_+1"
    found = oss_process.lint(text)
    # three spaces, the sign, ab below its minimum; f after a space still counts (no E202)
    assert [(d.code, text[d.span.start : d.span.end]) for d in found if d.is_error] == [
        ("E012", " "),
        ("E012", " "),
        ("E206", "1"),
        ("E012", " "),
        ("E010", "+"),
    ]
    assert "E202" not in codes(text)
    assert oss_process.check(text).canonical is None
    with pytest.raises(oss_process.ParseError) as raised:
        oss_process.canonicalize(text)
    assert len(raised.value.diagnostics) == len(found)
    assert render(found, text) == "\n".join(d.render(text) for d in found)


def test_a_space_skipped_joins_what_it_split() -> None:
    assert codes("audio/convert,f_a ac,ab_96000" + SAVE) == ["E012"]  # f_aac, as meant
    assert codes("audio/convert,f_mp 3x" + SAVE) == ["E012"]  # the token it split is not judged again
    text = "audio/convert,f_aac,  ab_96000 " + SAVE
    spaces = [d for d in oss_process.lint(text) if d.code == "E012"]
    assert [text[d.span.start : d.span.end] for d in spaces] == ["  ", " "]  # a run is one problem


def test_a_stray_character_is_skipped_alone() -> None:
    assert codes("audio//convert,f_aac" + SAVE) == ["E010"]
    assert codes("audio/convert,f_aac,=ab_96000" + SAVE) == ["E010"]
    assert codes("audio/convert,f_aac;ab_96000" + SAVE) == ["E010"]  # f_aacab_96000 is not judged


def test_an_unreadable_value_drops_its_parameter_only() -> None:
    text = "audio/convert,ss_\uff11,f_aac,ab_1" + SAVE
    found = oss_process.lint(text)
    assert [d.code for d in found] == ["E017", "E206"]


def test_an_unfinished_end_has_no_knock_on() -> None:
    assert codes("audio/convert,f_aac|sys/saveas,o_") == ["E011"]  # not also "needs o"
    assert codes("audio/convert,f_") == ["W111", "E011"]  # not also "needs f"; nothing saves it
    assert codes("audio/") == ["E011"]


def test_whole_text_mistakes_stop_recovery() -> None:
    assert codes("audio%2Fconvert%2Cf_aac%2C%20ab_1") == ["E014"]
    assert codes("image@100w_100h") == ["E016"]


def test_a_form_field_name_is_skipped_and_the_value_checked() -> None:
    text = "x-oss-async-process=audio/convert,f_aac,ab_1" + SAVE
    found = oss_process.lint(text)
    assert [d.code for d in found] == ["E015", "E206"]
    assert text[slice(*found[0].span)] == "x-oss-async-process="


def test_an_object_key_with_its_query_names_the_mistake() -> None:
    text = "photo.jpg?x-oss-process=image/resize,w_100"
    (found,) = oss_process.lint(text)
    assert found.render(text) == (
        "error[E015]: this is an object key and its query, not a directive: the directive is the value of x-oss-process\n"
        "    photo.jpg?x-oss-process=image/resize,w_100\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "    hint: pass only what follows 'x-oss-process=' (percent-decoded), or read the URL with oss_process.from_url()"
    )


def test_syntax_errors_are_bounded() -> None:
    text = " ".join("abcdefghijklmnopqrstuvwxyz")
    found = oss_process.lint(text)
    assert len(found) == MAX_SYNTAX_ERRORS + 1
    assert found[-1].code == "E004"
    assert found[-1].message == f"syntax checking stopped after {MAX_SYNTAX_ERRORS} errors; the rest of the directive is not checked"


def test_hostile_input_stays_bounded() -> None:
    for text in (" a" * (MAX_LENGTH // 2), "a/," * (MAX_LENGTH // 3), "\u4e2d" * MAX_LENGTH):
        assert len(oss_process.lint(text)) <= MAX_SYNTAX_ERRORS + 1


def test_diagnostics_are_bounded_and_counted() -> None:
    warnings_only = "audio/convert,f_aac," + ",".join(f"zz{i}_1" for i in range(150)) + SAVE
    found = oss_process.lint(warnings_only)
    assert len(found) == MAX_DIAGNOSTICS + 1
    assert found[-1].code == "W005"
    assert (
        found[-1].message
        == f"50 more problems not reported (all of them warnings): at most {MAX_DIAGNOSTICS} are reported for one directive"
    )
    assert oss_process.canonicalize(warnings_only)  # warnings pass
    with_errors = "audio/convert,f_aac," + ",".join(f"zz{i}_1" for i in range(120)) + ",ab_1,ss_x" + SAVE
    last = oss_process.lint(with_errors)[-1]
    assert (last.code, last.message.split(":")[0]) == ("E004", "22 more problems not reported (2 errors among them)")
    assert oss_process.check(with_errors).diagnostics == tuple(oss_process.lint(with_errors))


# --- Standard Base64, named (E311) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [("a??b", "o"), ("a?>aac", "o"), ("dir/a??b.mp3", "o")],
)
def test_standard_base64_is_one_diagnostic_with_the_fix(name: str, key: str) -> None:
    standard = base64.b64encode(name.encode()).decode()
    safe = base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")
    text = f"audio/convert,f_aac|sys/saveas,{key}_{standard}"
    (found,) = oss_process.lint(text)
    assert found.code == "E311"
    assert text[slice(*found.span)] == standard
    assert found.hint == f"use URL-safe Base64 ('-' for '+', '_' for '/', no '=' padding): {key}_{safe}"
    assert oss_process.check(text).canonical is None
    assert oss_process.canonicalize(f"audio/convert,f_aac|sys/saveas,{key}_{safe}")


def test_standard_base64_message_says_why() -> None:
    text = "audio/convert,f_aac|sys/saveas,o_ZGVzdD8/LmFhYw=="
    (found,) = oss_process.lint(text)
    assert found.render(text) == (
        "error[E311]: o: 'ZGVzdD8/LmFhYw==' is standard Base64: a '/' ends the value, and what follows reads as another action\n"
        "    audio/convert,f_aac|sys/saveas,o_ZGVzdD8/LmFhYw==\n"
        f"{' ' * 37}{'^' * 16}\n"
        "    hint: use URL-safe Base64 ('-' for '+', '_' for '/', no '=' padding): o_ZGVzdD8_LmFhYw"
    )


def test_a_slash_before_notify_is_not_taken_into_the_value() -> None:
    text = "audio/convert,f_aac|sys/saveas,o_ZGVzdD8/LmFhYw/notify,topic_QXVkaW9Db252ZXJ0"
    (found,) = oss_process.lint(text)
    assert text[slice(*found.span)] == "ZGVzdD8/LmFhYw"


def test_valid_directives_are_never_read_as_standard_base64() -> None:
    # "YWJj/notify" would decode, but nothing is wrong: the cause is sought only behind errors.
    assert codes("audio/convert,f_aac|sys/saveas,o_YWJj/notify,topic_QXVkaW9Db252ZXJ0") == []


# --- The policy table and strict=True --------------------------------------------------------


def test_policy_codes_are_stable_codes_of_the_right_severity() -> None:
    for mistake, treatment in POLICY.items():
        info = oss_process.CODES[treatment.code]
        assert info.retired is None, mistake
        assert treatment.strict == (treatment.code in STRICT_CODES)
        if treatment.strict:
            assert info.severity == "warning", mistake
    assert oss_process.CODES["E200"].retired is not None
    assert {"W220", "W221"} == STRICT_CODES


def test_unknown_keys_and_empty_parameters_are_ignored_but_said() -> None:
    text = "audio/convert,x_1,f_aac,,ab_96000" + SAVE
    found = oss_process.lint(text)
    assert [(d.code, text[slice(*d.span)]) for d in found] == [("W220", "x"), ("W221", ",")]
    assert "has no effect" in found[0].message
    assert "has no effect" in found[1].message
    assert oss_process.canonicalize(text) == "audio/convert,f_aac,ab_96000,x_1" + SAVE


def test_strict_refuses_what_oss_ignores() -> None:
    text = "audio/convert,f_aac,x_1" + SAVE
    assert oss_process.check(text).ok
    strict = oss_process.check(text, strict=True)
    assert (strict.ok, strict.canonical, [d.severity for d in strict.diagnostics]) == (False, None, ["warning"])
    with pytest.raises(oss_process.InvalidDirectiveError):
        oss_process.canonicalize(text, strict=True)
    # Other warnings are not refused: a leading zero is no mistake OSS ignores.
    assert oss_process.canonicalize("audio/convert,f_aac,ss_01" + SAVE, strict=True) == "audio/convert,ss_1,f_aac" + SAVE


def test_an_async_job_without_saveas_warns_unless_its_result_is_a_message() -> None:
    assert codes("audio/convert,f_aac") == ["W111"]
    assert codes("audio/convert,f_aac|notify,topic_QXVkaW9Db252ZXJ0") == ["W111"]
    assert codes("audio/convert,f_aac", mode="sync") == ["E103"]
    assert "W111" not in codes("image/deblindwatermark,s_low,t_text|notify,topic_QXVkaW9Db252ZXJ0")


def test_sub_steps_of_an_action_without_a_table_are_not_checked() -> None:
    from oss_process.tables import ASYNC_ONLY, BUILTIN, ActionInfo

    untabled = BUILTIN.with_actions("audio", [ActionInfo("mix", ASYNC_ONLY)])  # as audio/concat was
    text = "audio/mix,f_mp3,ar_44100,ac_2/pre,o_YQ,ss_0,t_1000/sur,o_Yg,t_0|sys/saveas,o_ZGVzdC5tcDM"
    (found,) = oss_process.lint(text, catalogue=untabled)
    assert (found.code, found.severity) == ("W102", "warning")
    assert found.message == "audio/mix, pre, sur not checked: no parameter table for them yet"
    assert oss_process.canonicalize(text, catalogue=untabled) == text


# --- Recovery resumes the automaton; it must read as a full rerun would --------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from oss_process import _accel, _recover  # noqa: E402
from oss_process._lark_parser import Automaton  # noqa: E402
from oss_process.tables import BUILTIN  # noqa: E402
from tests.property.settings import PROPERTY  # noqa: E402
from tests.property.test_differential import mutated  # noqa: E402
from tests.test_hostile import NEAR_ALPHABET  # noqa: E402

# Separators and stray characters, dense: several recoveries a text, each after an edit
# before the automaton's last checkpoint now and then.
DENSE = st.text(st.sampled_from("ab,/|_= x\uff11;"), max_size=30)
HOSTILE = st.one_of(DENSE, NEAR_ALPHABET, mutated(oss_process.strategies.audio_directives()))


_RESUME = Automaton.resume


def _from_scratch(self: Automaton, text: str, checkpoints: list[tuple[int, tuple[int, ...]]] | None) -> tuple[int, frozenset[str]] | None:
    return _RESUME(self, text, None)  # every pass from the start


@PROPERTY
@given(HOSTILE)
def test_resumed_recovery_is_a_full_rerun(text: str) -> None:
    if oss_process._pipeline.limits(text) is not None or not isinstance(oss_process._pipeline.syntax(text), oss_process.Diagnostic):
        return
    resumed = _recover.recover(text)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(Automaton, "resume", _from_scratch)
        assert _recover.recover(text) == resumed


@PROPERTY
@given(HOSTILE)
def test_the_speed_layer_recovers_as_the_reference(text: str) -> None:
    reference = oss_process._pipeline.run(text, None, None, BUILTIN).diagnostics
    assert _accel._full(text, None, None, BUILTIN).diagnostics == reference


def test_resumed_recovery_is_a_full_rerun_on_dense_texts() -> None:
    # Texts of 30 characters from a small alphabet: edits before the last checkpoint happen
    # (an unfinished unit dropped back to its comma, a stage skipped, a cut end).
    import random

    rng = random.Random(13)
    checked = 0
    for _ in range(3000):
        text = "".join(rng.choice("ab,/|_= x\uff11;") for _ in range(30))
        if oss_process._pipeline.limits(text) is not None or not isinstance(oss_process._pipeline.syntax(text), oss_process.Diagnostic):
            continue
        resumed = _recover.recover(text)
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(Automaton, "resume", _from_scratch)
            assert _recover.recover(text) == resumed, text
        checked += 1
    assert checked > 2000
