"""The typed builder: the seed's directives, errors as lint reports them, the tables as
its only source of rules, the way back from trees to builder code, the types mypy
checks, and the examples in docs/builder.md."""

from __future__ import annotations

import dataclasses
import inspect
import linecache
import os
import pickle
import re
import subprocess
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process import ArgumentError, DirectiveError, InvalidDirectiveError, Mode, ParseError, _build, builder, parse, unparse
from oss_process.builder import (
    AudioConvert,
    AudioConvertBitrateOption,
    AudioFormat,
    BitDepth,
    BitrateOption,
    BuiltDirective,
    Notify,
    SampleRate,
    SaveAs,
    UnsupportedDirectiveError,
    step_class,
)
from oss_process.kinds import Base64Name, Checked, Choice, Integer, IntegerChoice, Problem, TopicName
from oss_process.rules import Exclusive
from oss_process.strategies import audio_trees, built_directives
from oss_process.tables import BUILTIN, SYNC_ONLY, ActionInfo, ActionSpec, ParamSpec, Role, audio
from tests.corpus import catalogue, untabled
from tests.helpers import b64
from tests.property.settings import PROPERTY
from tests.test_seed import JAVA, SEED_FIRST, SEED_SECOND_FIXED

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "builder.md"

# The object name the seed's examples encoded with a trailing newline, re-encoded without it.
SEED_OBJECT = "outobjprefix.{autoext}"
SEED_FIRST_CLEAN = SEED_FIRST.replace("o_b3V0b2JqcHJlZml4LnthdXRvZXh0fQo", f"o_{b64(SEED_OBJECT)}")
SEED_SECOND_CLEAN = SEED_SECOND_FIXED.replace("o_b3V0b2JqLnthdXRvZXh0fQo", f"o_{b64('outobj.{autoext}')}")


def rebuilt(directive: BuiltDirective) -> BuiltDirective:
    """``directive`` rebuilt from its repr."""
    namespace = {"AudioConvert": AudioConvert, "BitrateOption": BitrateOption}
    result = eval(repr(directive), namespace)  # the repr is builder code: that is the claim under test
    assert isinstance(result, BuiltDirective)
    return result


# --- The seed's directives ------------------------------------------------------------


def test_the_first_seed_example_exactly() -> None:
    built = (
        AudioConvert(format="aac", start_ms=10_000, duration_ms=60_000, bitrate=96_000)
        .save_as(bucket="outbucket", object=SEED_OBJECT)
        .notify(topic="AudioConvert")
    )
    assert SEED_FIRST_CLEAN == (
        "audio/convert,ss_10000,t_60000,f_aac,ab_96000|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LnthdXRvZXh0fQ/notify,topic_QXVkaW9Db252ZXJ0"
    )
    assert str(built) == built.text == SEED_FIRST_CLEAN
    assert built.warnings == ()
    assert built.mode is Mode.ASYNC


def test_the_second_seed_example_in_canonical_order() -> None:
    # Keyword order does not matter; the canonical form writes the table's order, in
    # which ar and ac come before ab (the page writes f, ab, ar, ac).
    built = (
        AudioConvert(format="opus", bitrate=96_000, sample_rate=48_000, channels=2)
        .save_as(bucket="outbucket", object="outobj.{autoext}")
        .notify(topic="AudioConvert")
    )
    assert str(built) == (
        "audio/convert,f_opus,ar_48000,ac_2,ab_96000|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqLnthdXRvZXh0fQ/notify,topic_QXVkaW9Db252ZXJ0"
    )
    assert str(built) == oss_process.canonicalize(SEED_SECOND_CLEAN)
    # The same parameters as the page's, action by action.
    page = parse(SEED_SECOND_CLEAN)
    assert [(a.name, sorted((p.key or "", p.text) for p in a.parameters)) for _, a in built.tree.actions()] == [
        (a.name, sorted((p.key or "", p.text) for p in a.parameters)) for _, a in page.actions()
    ]


def test_the_sdk_samples_directive_exactly() -> None:
    built = (
        AudioConvert(format="aac", start_ms=10_000, duration_ms=60_000, bitrate=96_000)
        .save_as(bucket="examplebucket", object="dest.aac")
        .notify(topic="AudioConvert")
    )
    assert str(built) == JAVA


def test_the_issue_example() -> None:
    built = (
        AudioConvert(format="aac", bitrate=96_000, start_ms=10_000, duration_ms=60_000)
        .save_as(bucket="outbucket", object="out.{autoext}")
        .notify(topic="AudioConvert")
    )
    assert str(built) == (
        f"audio/convert,ss_10000,t_60000,f_aac,ab_96000|sys/saveas,b_{b64('outbucket')},o_{b64('out.{autoext}')}"
        f"/notify,topic_{b64('AudioConvert')}"
    )


# --- What the builder writes ----------------------------------------------------------


def test_a_convert_alone_is_a_directive() -> None:
    built = AudioConvert(format="flac", bit_depth=24, sample_rate=96_000)
    assert str(built) == "audio/convert,f_flac,ar_96000,adepth_24"
    assert built.steps == (built,)


def test_defaults_are_left_out_as_in_the_canonical_form() -> None:
    built = AudioConvert(format="aac", start_ms=0, duration_ms=0, bitrate=64_000, bitrate_option=BitrateOption.ALWAYS_TARGET)
    assert str(built) == "audio/convert,f_aac,ab_64000"
    assert built == AudioConvert(format="aac", bitrate=64_000)


def test_names_are_encoded_without_padding_and_keep_unicode_and_templates() -> None:
    built = AudioConvert(format="mp3", sample_rate=44_100, channels=2).save_as(object="音频/{barename}.{autoext}", bucket="{bucket}")
    saveas = built.tree.stages[1].actions[0]
    assert [(p.key, p.text, p.value) for p in saveas.parameters] == [
        ("b", b64("{bucket}"), "{bucket}"),
        ("o", b64("音频/{barename}.{autoext}"), "音频/{barename}.{autoext}"),
    ]
    assert "=" not in str(built)


def test_notify_without_save_is_a_stage_of_its_own() -> None:
    built = AudioConvert(format="aac").notify(topic="done")
    assert str(built) == f"audio/convert,f_aac|notify,topic_{b64('done')}"
    assert parse(str(built)) == built.tree


def test_the_tree_carries_typed_values() -> None:
    built = AudioConvert(format="aac", bitrate=96_000, bitrate_option=BitrateOption.SOURCE_IF_LOWER).save_as(object="a.aac")
    values = {p.key: p.value for _, action in built.tree.actions() for p in action.parameters}
    assert values == {"f": "aac", "ab": 96_000, "abopt": "1", "o": "a.aac"}


def test_built_directives_are_immutable_hashable_and_picklable() -> None:
    built = AudioConvert(format="aac").save_as(object="a.aac")
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.steps = ()  # type: ignore[misc]
    assert {built, AudioConvert(format="aac").save_as(object="a.aac")} == {built}
    assert pickle.loads(pickle.dumps(built)) == built
    assert repr(pickle.loads(pickle.dumps(built))) == repr(built)


def test_equal_when_they_print_the_same() -> None:
    assert AudioConvert(format="aac", start_ms=0) == AudioConvert(format="aac")
    assert AudioConvert(format="aac") != AudioConvert(format="mp3")
    assert AudioConvert(format="aac") != "audio/convert,f_aac"


# --- Errors at build time, as lint reports them ----------------------------------------


def assert_as_lint_reports(error: DirectiveError, codes: list[str]) -> None:
    """The error carries exactly lint's diagnostics for the built text, spans included."""
    assert [d.code for d in error.diagnostics if d.is_error] == codes
    linted = oss_process.lint(error.text, mode="async")
    assert error.diagnostics == DirectiveError(linted, error.text).diagnostics
    assert str(error) == str(InvalidDirectiveError(linted, error.text))


BAD_BUILDS: list[tuple[str, Any, list[str]]] = [
    ("aq with ab", lambda: AudioConvert(format="aac", quality=80, bitrate=96_000), ["E203"]),
    ("a rate opus lacks", lambda: AudioConvert(format="opus", sample_rate=44_100), ["E210"]),
    ("channels amr lacks", lambda: AudioConvert(format="amr", sample_rate=8_000, channels=2), ["E210"]),
    ("bitrate too low", lambda: AudioConvert(format="aac", bitrate=500), ["E206"]),
    ("negative start", lambda: AudioConvert(format="aac", start_ms=-1), ["E206"]),
    ("start too late", lambda: AudioConvert(format="aac", start_ms=2**31), ["E206"]),
    ("unknown format", lambda: AudioConvert(format="wav"), ["E207"]),  # type: ignore[arg-type]
    ("unknown rate", lambda: AudioConvert(format="aac", sample_rate=44_000), ["E207"]),  # type: ignore[arg-type]
    ("bad bucket", lambda: AudioConvert(format="aac").save_as(bucket="Out_Bucket", object="a"), ["E303"]),
    ("leading slash", lambda: AudioConvert(format="aac").save_as(object="/out.aac"), ["E304"]),
    ("dot segment", lambda: AudioConvert(format="aac").save_as(object="a/../out.aac"), ["E306"]),
    ("unknown variable", lambda: AudioConvert(format="aac").save_as(object="out.{sep}"), ["E308"]),
    ("bad topic", lambda: AudioConvert(format="aac").notify(topic="-topic"), ["E310"]),
    ("two saves", lambda: AudioConvert(format="aac").save_as(object="a").save_as(object="b"), ["E108"]),
    ("notify before save", lambda: AudioConvert(format="aac").notify(topic="t").save_as(object="a"), ["E108"]),
    ("two notifies", lambda: AudioConvert(format="aac").save_as(object="a").notify(topic="t").notify(topic="u"), ["E108"]),
]


@pytest.mark.parametrize(("build", "codes"), [pytest.param(build, codes, id=name) for name, build, codes in BAD_BUILDS])
def test_invalid_builds_raise_lints_diagnostics(build: Any, codes: list[str]) -> None:
    with pytest.raises(InvalidDirectiveError) as caught:
        build()
    assert_as_lint_reports(caught.value, codes)


def test_a_wrong_step_in_a_chain_raises_when_it_is_added() -> None:
    saved = AudioConvert(format="aac").save_as(object="a.aac")
    with pytest.raises(InvalidDirectiveError) as caught:
        saved.notify(topic="bad_topic")
    assert caught.value.text == f"audio/convert,f_aac|sys/saveas,o_{b64('a.aac')}/notify,topic_{b64('bad_topic')}"
    assert_as_lint_reports(caught.value, ["E310"])


def test_warnings_do_not_raise() -> None:
    built = AudioConvert(format="mp3").save_as(object="{index}.mp3")
    assert [w.code for w in built.warnings] == [d.code for d in oss_process.lint(str(built), mode="async")] == ["W211", "W211", "W309"]
    # Not saved yet: the job would store its output nowhere (W111).
    assert [w.code for w in AudioConvert(format="aac", bit_depth=16).warnings] == ["W111", "W213"]


def test_values_the_grammar_cannot_hold_are_judged_as_values() -> None:
    # lint of "o_" or "f_aac,ab_1" would say "syntax error"; the builder says what is wrong.
    with pytest.raises(InvalidDirectiveError) as caught:
        AudioConvert(format="aac").save_as(object="")
    assert [d.code for d in caught.value.diagnostics] == ["E304"]
    with pytest.raises(InvalidDirectiveError) as caught:
        AudioConvert(format="aac,ab_1")  # type: ignore[arg-type]
    assert [d.code for d in caught.value.diagnostics] == ["E207", "W111"]


@pytest.mark.parametrize(
    "build",
    [
        lambda: AudioConvert(format="aac", bitrate="96000"),  # type: ignore[arg-type]
        lambda: AudioConvert(format="aac", bitrate=True),
        lambda: AudioConvert(format="aac", channels=2.0),  # type: ignore[arg-type]
        lambda: AudioConvert(format=b"aac"),  # type: ignore[arg-type]
        lambda: AudioConvert(format="aac").save_as(object=b"a.aac"),  # type: ignore[arg-type]
        lambda: AudioConvert(format="aac").save_as(object="\ud800"),
        lambda: AudioConvert(format="aac", start_ms=10**5000),
    ],
)
def test_values_of_the_wrong_python_type_are_argument_errors(build: Any) -> None:
    with pytest.raises(ArgumentError) as caught:
        build()
    assert isinstance(caught.value, TypeError)
    assert caught.value.diagnostics == ()


# --- The tables are the only source of rules ------------------------------------------


@pytest.mark.parametrize("step", [AudioConvert, SaveAs, Notify])
def test_every_table_key_has_one_keyword(step: Any) -> None:
    keys = list(step.keywords().values())
    assert sorted(keys) == sorted(step.spec().by_key)
    assert len(set(keys)) == len(keys)
    # Required in the table: required in the signature, and the other way round.
    for field in dataclasses.fields(step):
        if "key" in field.metadata:
            required = field.default is dataclasses.MISSING
            assert required == step.spec().by_key[field.metadata["key"]].required, field.name


def test_the_literal_types_are_the_tables_enums() -> None:
    assert typing.get_args(AudioFormat) == audio.FORMATS
    assert typing.get_args(SampleRate) == audio.SAMPLE_RATES
    rows = audio.CONVERT.by_key
    assert typing.get_args(BitDepth) == rows["adepth"].kind.choices  # type: ignore[attr-defined]
    assert tuple(option.value for option in BitrateOption) == rows["abopt"].kind.choices  # type: ignore[attr-defined]
    assert BitrateOption.ALWAYS_TARGET.value == rows["abopt"].default
    # Choices written as numbers: the strings, then the numbers they spell.
    choices = rows["abopt"].kind.choices  # type: ignore[attr-defined]
    assert typing.get_args(AudioConvertBitrateOption) == (*choices, *map(int, choices))


def test_the_bitrate_option_is_the_enum_its_value_or_that_number() -> None:
    # docs/builder.md: "one of 0, 1, 2"; the seed types abopt as a string of those numbers.
    for value in ("0", "1", "2"):
        expected = AudioConvert(format="aac", bitrate=96_000, bitrate_option=BitrateOption(value))
        for spelled in (value, int(value)):
            built = AudioConvert(format="aac", bitrate=96_000, bitrate_option=spelled)  # type: ignore[arg-type]
            assert str(built) == str(expected)
            assert built == expected
            assert eval(repr(built)) == built
    with pytest.raises(InvalidDirectiveError) as caught:
        AudioConvert(format="aac", bitrate=96_000, bitrate_option=3)  # type: ignore[arg-type]
    assert [d.code for d in caught.value.diagnostics] == ["E207", "W111"]  # W111: not saved yet
    for wrong in (True, 1.0):
        message = f"AudioConvert(bitrate_option=...) takes an int or a str, not {type(wrong).__name__} ({wrong!r})"
        with pytest.raises(ArgumentError, match=re.escape(message)):
            AudioConvert(format="aac", bitrate=96_000, bitrate_option=wrong)  # type: ignore[arg-type]


def test_a_choice_of_words_takes_no_number() -> None:
    with pytest.raises(ArgumentError, match=re.escape("AudioConvert(format=...) takes a str, not int (3)")):
        AudioConvert(format=3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: AudioConvert(format=None), "AudioConvert(format=None): format is required (it fills f)"),  # type: ignore[arg-type]
        (lambda: AudioConvert(format="aac").save_as(object=None), "save_as(object=None): object is required (it fills o)"),  # type: ignore[arg-type]
        (lambda: AudioConvert(format="aac").notify(topic=None), "notify(topic=None): topic is required (it fills topic)"),  # type: ignore[arg-type]
        (lambda: SaveAs(object=None), "save_as(object=None): object is required (it fills o)"),  # type: ignore[arg-type]
    ],
)
def test_none_for_a_required_keyword_is_the_callers_mistake(build: Callable[[], object], message: str) -> None:
    # Not the directive's missing parameter (E202): the call is wrong, whatever the tables say.
    with pytest.raises(ArgumentError, match=re.escape(message)):
        build()


@pytest.mark.parametrize(("method", "step"), [(BuiltDirective.save_as, SaveAs), (BuiltDirective.notify, Notify)])
def test_each_method_takes_its_steps_keywords(method: Any, step: Any) -> None:
    parameters = dict(inspect.signature(method).parameters)
    del parameters["self"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert sorted(parameters) == sorted(step.keywords())
    assert method.__name__ == step.METHOD


# --- From trees back to builder code --------------------------------------------------


@PROPERTY
@given(built_directives())
def test_a_built_directive_parses_back_to_its_tree_and_repr_rebuilds_it(built: BuiltDirective) -> None:
    text = str(built)
    assert parse(text) == built.tree
    assert unparse(built.tree) == text
    assert oss_process.canonicalize(text, mode="async") == text
    assert not any(d.is_error for d in oss_process.lint(text, mode="async"))
    again = rebuilt(built)
    assert again == built
    assert repr(again) == repr(built)
    assert BuiltDirective.from_tree(built.tree) == built
    assert repr(BuiltDirective.from_text(text)) == repr(built)


@PROPERTY
@given(audio_trees())
def test_every_valid_tree_turns_into_builder_calls(tree: oss_process.Directive) -> None:
    built = BuiltDirective.from_tree(tree, mode="async")
    canonical = oss_process.canonicalize(unparse(tree), mode="async")
    assert str(built) == canonical
    assert built.tree == parse(canonical)
    assert rebuilt(built) == built
    # One call per meaning: the canonical spelling gives the same code.
    assert repr(BuiltDirective.from_text(canonical)) == repr(built)


def test_from_tree_leaves_defaults_out_and_reads_any_spelling() -> None:
    text = "audio/convert,ab_096000,f_aac,ss_0,abopt_0|sys/saveas,o_ZGVzdC5hYWM=|notify,topic_QXVkaW9Db252ZXJ0"
    built = BuiltDirective.from_text(text)
    assert repr(built) == "AudioConvert(format='aac', bitrate=96000).save_as(object='dest.aac').notify(topic='AudioConvert')"


def test_from_tree_of_the_seeds_first_example_keeps_its_newline() -> None:
    built = BuiltDirective.from_text(SEED_FIRST)
    assert repr(built) == (
        "AudioConvert(format='aac', start_ms=10000, duration_ms=60000, bitrate=96000)"
        ".save_as(object='outobjprefix.{autoext}\\n', bucket='outbucket').notify(topic='AudioConvert')"
    )
    assert str(built) == SEED_FIRST
    assert [w.code for w in built.warnings] == ["W305"]


def without_a_table(kind: str) -> str:
    """A directive of an action with no parameter table (so no builder step), picked from the
    catalogue: "sync" a sync-only one; "async" an async-only one, saved, of a category with no
    table at all; "beside-steps" the same in a category the builder has steps for. Skips
    the test when the catalogue has no such action left."""
    tabled = {entry.category for entry in catalogue() if entry.table is not None}
    if kind == "sync":
        entries, tail = untabled(modes=frozenset({"sync"})), ",w_100"
    else:
        beside = kind == "beside-steps"
        entries = [entry for entry in untabled(modes=frozenset({"async"})) if (entry.category in tabled) == beside]
        tail = ",f_mp4|sys/saveas,o_YQ"
    if not entries:
        wanted = {
            "sync": "sync-only action",
            "async": "async-only action of a category without tables",
            "beside-steps": "async-only action of a category with builder steps",
        }
        pytest.skip(f"no {wanted[kind]} without a parameter table is left in the catalogue")
    return entries[0].name + tail


@pytest.mark.parametrize("kind", ["sync", "async", "style", "beside-steps"])
def test_trees_without_builder_calls_are_unsupported(kind: str) -> None:
    text = "style/thumbnail" if kind == "style" else without_a_table(kind)
    with pytest.raises(UnsupportedDirectiveError) as caught:
        BuiltDirective.from_text(text)
    assert isinstance(caught.value, DirectiveError)
    assert caught.value.text == text


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("audio/convert,f_aac,aq_5,ab_96000", ["E203"]),
        ("sys/saveas,o_YQ", ["E109"]),
        ("audio/convert,f_aac|sys/saveas,o_YQ|sys/saveas,o_Yg", ["E108"]),
        ("audio/convert,f_aac/convert,f_mp3", ["E104"]),
    ],
)
def test_invalid_trees_raise_their_diagnostics(text: str, codes: list[str]) -> None:
    with pytest.raises(InvalidDirectiveError) as caught:
        BuiltDirective.from_text(text)
    assert [d.code for d in caught.value.diagnostics if d.is_error] == codes
    assert caught.value.diagnostics == DirectiveError(oss_process.lint(text), text).diagnostics


def test_from_text_raises_parse_errors() -> None:
    with pytest.raises(ParseError):
        BuiltDirective.from_text("audio/convert,f_aac, ab_96000")


def test_from_tree_checks_the_mode_it_is_given() -> None:
    with pytest.raises(InvalidDirectiveError) as caught:
        BuiltDirective.from_text("audio/convert,f_aac", mode="sync")
    assert [d.code for d in caught.value.diagnostics] == ["E103"]


# --- The builder's verdict is lint's, for any values -----------------------------------

# Values near and across the tables' edges, and a few of the wrong kind of text.
_INTEGERS = st.one_of(st.none(), st.integers(-2, 12), st.integers(0, 3_000_000_000), st.sampled_from(audio.SAMPLE_RATES))
_FORMATS = st.one_of(st.sampled_from(audio.FORMATS), st.sampled_from(["wav", "AAC", "mp4"]))


@st.composite
def any_builds(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any] | None, str | None]:
    convert: dict[str, Any] = {name: draw(_INTEGERS) for name in AudioConvert.keywords() if name not in ("format", "bitrate_option")}
    convert["format"] = draw(_FORMATS)
    convert["bitrate_option"] = draw(st.none() | st.sampled_from([*BitrateOption, 0, 1, 2, 3, "1", "3"]))
    names = st.sampled_from(["out.{autoext}", "a/b.mp3", "/abs", "x/../y", "{nope}", "{index}", "Bucket_1", "outbucket"])
    save = draw(st.none() | st.fixed_dictionaries({"object": names, "bucket": st.none() | names}))
    topic = draw(st.none() | st.sampled_from(["AudioConvert", "-bad", "a_b", "t"]))
    return convert, save, topic


def attempt(convert: dict[str, Any], save: dict[str, Any] | None, topic: str | None) -> BuiltDirective | InvalidDirectiveError:
    try:
        built: BuiltDirective = AudioConvert(**convert)
        if save is not None:
            built = built.save_as(**save)
        return built if topic is None else built.notify(topic=topic)
    except InvalidDirectiveError as error:
        return error


@PROPERTY
@given(any_builds())
def test_the_builder_accepts_exactly_what_lint_accepts(case: tuple[dict[str, Any], dict[str, Any] | None, str | None]) -> None:
    outcome = attempt(*case)
    if isinstance(outcome, InvalidDirectiveError):
        assert outcome.diagnostics == DirectiveError(oss_process.lint(outcome.text, mode="async"), outcome.text).diagnostics
        assert any(d.is_error for d in outcome.diagnostics)
    else:
        assert [d for d in oss_process.lint(str(outcome), mode="async") if d.is_error] == []
        assert outcome.warnings == tuple(oss_process.lint(str(outcome), mode="async"))


# --- mypy catches typed misuse ----------------------------------------------------------


def test_mypy_strict_rejects_each_typed_misuse(tmp_path: Path) -> None:
    snippet = (ROOT / "tests" / "typing" / "builder_misuse.txt").read_text(encoding="utf-8")
    expected = {
        (number, code)
        for number, line in enumerate(snippet.splitlines(), start=1)
        if (found := re.search(r"# error: ([a-z-]+)$", line))
        for code in [found.group(1)]
    }
    assert len(expected) >= 10
    program = tmp_path / "builder_misuse.py"
    program.write_text(snippet, encoding="utf-8")
    # A cache of its own: a shared cache replays old errors of a module with this name.
    options = ["--strict", "--no-error-summary", "--show-error-codes", "--python-version", "3.10", "--cache-dir", str(tmp_path / "cache")]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *options, str(program)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
        check=False,
        timeout=300,
    )
    reported = {
        (int(found.group(1)), found.group(2))
        for line in result.stdout.splitlines()
        if (found := re.match(rf"{re.escape(str(program))}:(\d+): error: .*\[([a-z-]+)\]$", line))
    }
    assert result.returncode == 1, result.stdout + result.stderr
    assert reported == expected, result.stdout


# --- docs/builder.md -------------------------------------------------------------------


def doc_examples() -> dict[str, str]:
    """The code blocks of docs/builder.md and the README marked ``<!-- example: name -->``."""
    text = DOCS.read_text(encoding="utf-8") + (ROOT / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- example: ([\w-]+) -->\n```python\n(.*?)```", text, re.DOTALL))


def test_the_docs_examples_are_all_found() -> None:
    assert sorted(doc_examples()) == ["build", "errors", "image", "oss2", "own-table", "rebuild", "strategies", "substeps"]


@pytest.mark.parametrize("name", ["build", "errors", "image", "own-table", "rebuild", "strategies", "substeps"])
def test_docs_example_runs(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(doc_examples()[name], f"docs/builder.md:{name}", "exec"), {"__name__": "docs_example"})
    if name == "errors":
        printed = capsys.readouterr().out
        block = doc_examples()[name]
        shown = "\n".join(line[2:] for line in block.splitlines() if line.startswith("# ")) + "\n"
        assert printed == shown


class FakeBucket:
    """Stands in for oss2.Bucket: records what async_process_object would send."""

    sent: typing.ClassVar[list[tuple[str, str]]] = []

    def __init__(self, auth: object, endpoint: str, bucket_name: str) -> None:
        self.bucket_name = bucket_name

    def async_process_object(self, key: str, process: str, headers: object = None) -> Any:
        self.sent.append((key, process))
        return types.SimpleNamespace(event_id="e", request_id="r", task_id="t")


@pytest.fixture
def fake_oss2(monkeypatch: pytest.MonkeyPatch) -> type[FakeBucket]:
    oss2 = types.ModuleType("oss2")
    credentials = types.ModuleType("oss2.credentials")
    oss2.Auth = lambda provider: ("auth", provider)  # type: ignore[attr-defined]
    oss2.Bucket = FakeBucket  # type: ignore[attr-defined]
    oss2.credentials = credentials  # type: ignore[attr-defined]
    credentials.EnvironmentVariableCredentialsProvider = lambda: "credentials"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "oss2", oss2)
    monkeypatch.setitem(sys.modules, "oss2.credentials", credentials)
    FakeBucket.sent.clear()
    return FakeBucket


def test_the_sdk_example_sends_the_seed_samples_string(fake_oss2: type[FakeBucket], capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(doc_examples()["oss2"], "README.md:oss2", "exec"), {"__name__": "__main__"})
    assert fake_oss2.sent == [("src.mp3", JAVA)]
    assert JAVA == (
        "audio/convert,ss_10000,t_60000,f_aac,ab_96000|sys/saveas,b_ZXhhbXBsZWJ1Y2tldA,o_ZGVzdC5hYWM/notify,topic_QXVkaW9Db252ZXJ0"
    )
    assert JAVA in doc_examples()["oss2"]  # the comment in the example shows it
    assert capsys.readouterr().out == "EventId: e\nRequestId: r\nTaskId: t\n"


def test_the_real_sdk_takes_key_and_process() -> None:
    oss2 = pytest.importorskip("oss2")
    parameters = list(inspect.signature(oss2.Bucket.async_process_object).parameters)
    assert parameters[:3] == ["self", "key", "process"]


def keyword_rows() -> list[str]:
    rows = ["| call | keyword | key | required | value (from the tables) | meaning |", "|---|---|---|---|---|---|"]
    classes = _build.step_classes(BUILTIN)
    for _, category, info in BUILTIN.tabled():
        step = step_class(category, info.name)
        call = f"{step.METHOD}(...)" if info.role is Role.PROCESS else f".{step.METHOD}(...)"
        calls = [(call, step)]
        for method, sub in step.spec().substeps.items():
            calls.append((f"{call}.{method}(...)", classes.substeps[sub]))
        for called, made in calls:
            for name, key in made.keywords().items():
                row = made.spec().row(key)
                assert row is not None
                unit = f" ({row.unit})" if row.unit else ""
                required = "yes" if row.required else "no"
                written = "(bare value)" if key is None else f"`{key}`"
                rows.append(f"| `{called}` | `{name}` | {written} | {required} | {row.kind.describe()}{unit} | {row.meaning} |")
    return rows


def test_the_docs_keyword_table_is_the_builders_and_the_tables() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = text.split("<!-- keywords:start -->\n", 1)[1].split("<!-- keywords:end -->", 1)[0].splitlines()
    assert documented == keyword_rows(), "\n".join(keyword_rows())


# --- Generated from the tables -----------------------------------------------------------

STEPS_FILE = ROOT / "oss_process" / "_steps.py"


def test_the_checked_in_classes_are_what_the_tables_generate() -> None:
    assert STEPS_FILE.read_text(encoding="utf-8") == _build.source(BUILTIN), "run: python -m oss_process.builder --write"


def test_the_regeneration_command_writes_and_checks_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "_steps.py"
    target.write_text("# stale\n", encoding="utf-8")
    monkeypatch.setattr(builder, "_STEPS_FILE", target)
    assert builder.main(["--check"]) == 1
    assert builder.main(["--write"]) == 0
    assert target.read_text(encoding="utf-8") == _build.source(BUILTIN)
    assert builder.main(["--check"]) == 0


def test_each_tabled_action_has_its_class_and_each_role_its_method() -> None:
    for _, category, info in BUILTIN.tabled():
        step = step_class(category, info.name)
        assert step.entry() is info
        if info.role is Role.PROCESS:
            assert issubclass(step, BuiltDirective)
        else:
            # A chaining method per save or notify action: the class's snake-case name.
            method = getattr(BuiltDirective, step.METHOD)
            assert method.__name__ == re.sub(r"(?<=[a-z])(?=[A-Z])", "_", step.__name__).lower()
    assert step_class("audio", "convert") is AudioConvert
    assert step_class("sys", "notify") is step_class(None, "notify") is Notify


def test_an_action_without_a_table_has_no_class() -> None:
    entries = untabled()
    if not entries:
        pytest.skip("every action has a parameter table: none is left without a builder class")
    entry = entries[0]
    with pytest.raises(LookupError, match=re.escape(f"{entry.name} has no parameter table")):
        step_class(entry.category, entry.action)


def fields(step: type[Any]) -> dict[str, object]:
    """The keywords of a step class and their types, as typing reads them."""
    hints = typing.get_type_hints(step)
    return {f.name: hints[f.name] for f in dataclasses.fields(step)}


def test_the_types_come_from_the_kinds() -> None:
    hints = fields(AudioConvert)
    assert hints["format"] == AudioFormat
    assert hints["sample_rate"] == SampleRate | None
    assert hints["bit_depth"] == BitDepth | None
    assert hints["start_ms"] == int | None
    assert hints["bitrate_option"] == BitrateOption | AudioConvertBitrateOption | None
    assert fields(SaveAs) == {"object": str, "bucket": str | None}


def test_each_build_is_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = oss_process.validate

    def counting(tree: oss_process.Directive, **options: Any) -> oss_process.Validation:
        calls.append(unparse(tree))
        return real(tree, **options)

    monkeypatch.setattr(_build, "validate", counting)
    built = AudioConvert(format="aac").save_as(object="a.aac").notify(topic="t")
    assert calls == ["audio/convert,f_aac", f"audio/convert,f_aac|sys/saveas,o_{b64('a.aac')}", str(built)]
    calls.clear()
    # The tree as given, for its diagnostics; then the rebuilt chain, once for all its steps.
    again = BuiltDirective.from_text("audio/convert,f_aac,ss_0|sys/saveas,o_YS5hYWM=/notify,topic_dA")
    assert calls == ["audio/convert,f_aac,ss_0|sys/saveas,o_YS5hYWM=/notify,topic_dA", str(built)]
    assert again == built


# A made-up action and a kind of the test's own: nothing in the package knows them.
class Shout:
    """Letters, written in capitals."""

    def check(self, text: str) -> Checked:
        if text.isascii() and text.isalpha():
            return Checked(text.upper(), text.upper())
        return Checked(None, text, (Problem("E207", f"{text!r} is not letters"),))

    def describe(self) -> str:
        return "letters"


TRIM = ActionSpec(
    "Cut a clip (made up for this test).",
    (
        ParamSpec("s", Integer(0, 1000), "Where the clip starts.", keyword="start", unit="ms", default="0"),
        ParamSpec("m", Choice(("fast", "exact")), "How to cut.", keyword="how", required=True),
        ParamSpec("r", IntegerChoice((8000, 16000)), "The clip's sampling rate.", keyword="rate", unit="Hz"),
        ParamSpec("l", Base64Name(TopicName()), "A label."),  # no keyword: the key is one
        ParamSpec("x", Shout(), "A shout.", keyword="shout"),
    ),
    rules=(Exclusive(keys=("s", "r"), hint="keep one"),),
)
MINE = BUILTIN.with_actions("audio", [ActionInfo("trim", SYNC_ONLY, spec=TRIM)])


def test_a_new_action_gets_a_builder_without_new_code() -> None:
    trim = step_class("audio", "trim", catalogue=MINE)
    assert trim.__name__ == "AudioTrim"
    assert list(inspect.signature(trim).parameters) == ["how", "start", "rate", "l", "shout"]
    assert inspect.signature(trim).parameters["how"].default is inspect.Parameter.empty
    assert trim.keywords() == {"how": "m", "start": "s", "rate": "r", "l": "l", "shout": "x"}

    built = trim(how="exact", rate=16000, l="clip-1", shout="hey", start=0)
    text = f"audio/trim,m_exact,r_16000,l_{b64('clip-1')},x_HEY"
    assert str(built) == text
    assert built.mode is Mode.SYNC
    assert isinstance(built, BuiltDirective)
    assert oss_process.lint(text, mode="sync", catalogue=MINE) == []
    assert oss_process.canonicalize(text, catalogue=MINE) == text
    assert [p.value for p in built.tree.stages[0].actions[0].parameters] == ["exact", 16000, "clip-1", "HEY"]
    # The built-in catalogue has no such action.
    assert [d.code for d in oss_process.lint(text)] == ["E101"]


def test_a_new_actions_builder_checks_with_its_catalogue() -> None:
    trim = step_class("audio", "trim", catalogue=MINE)
    with pytest.raises(InvalidDirectiveError) as caught:
        trim(how="exact", start=5, rate=8000)
    assert [d.code for d in caught.value.diagnostics] == ["E203"]
    assert caught.value.diagnostics == DirectiveError(oss_process.lint(caught.value.text, catalogue=MINE), caught.value.text).diagnostics
    with pytest.raises(InvalidDirectiveError) as caught:
        trim(how="slow")
    assert [d.code for d in caught.value.diagnostics] == ["E207"]
    with pytest.raises(ArgumentError):
        trim(how="fast", start="5")
    with pytest.raises(ArgumentError):
        trim(how="fast", shout=5)
    with pytest.raises(ArgumentError, match=re.escape("AudioTrim(how=None): how is required (it fills m)")):
        trim(how=None)


def test_a_new_action_chains_where_its_modes_allow() -> None:
    trim = step_class("audio", "trim", catalogue=MINE)
    saved = trim(how="fast").save_as(object="clip.{autoext}", bucket="out")
    assert str(saved) == f"audio/trim,m_fast|sys/saveas,b_{b64('out')},o_{b64('clip.{autoext}')}"
    assert saved.mode is Mode.SYNC
    assert repr(saved) == "AudioTrim(how='fast').save_as(object='clip.{autoext}', bucket='out')"
    # notify runs only asynchronously, trim only synchronously: no request runs both.
    with pytest.raises(InvalidDirectiveError) as caught:
        saved.notify(topic="done")
    assert [d.code for d in caught.value.diagnostics] == ["E103"]


def test_a_new_actions_trees_turn_back_into_its_calls() -> None:
    trim = step_class("audio", "trim", catalogue=MINE)
    text = f"audio/trim,x_hey,m_exact,s_0|sys/saveas,o_{b64('c.mp3')}="
    built = BuiltDirective.from_text(text, catalogue=MINE)
    assert repr(built) == "AudioTrim(how='exact', shout='HEY').save_as(object='c.mp3')"
    assert eval(repr(built), {"AudioTrim": trim}) == built
    assert str(built) == oss_process.canonicalize(text, catalogue=MINE)
    assert trim.from_text("audio/trim,m_fast", catalogue=MINE) == trim(how="fast")
    # Its class knows its catalogue; the built-in classes do not know the action.
    assert trim.from_text("audio/trim,m_fast") == trim(how="fast")
    with pytest.raises(UnsupportedDirectiveError):
        BuiltDirective.from_text("audio/trim,m_fast")
    with pytest.raises(UnsupportedDirectiveError, match="builds a chain of several steps, not AudioTrim"):
        trim.from_text(text)


def test_run_time_classes_come_from_the_generated_source() -> None:
    trim = step_class("audio", "trim", catalogue=MINE)
    namespace = _build.step_classes(MINE).namespace
    assert fields(trim) == {
        "how": typing.Literal["fast", "exact"],
        "start": int | None,
        "rate": typing.Literal[8000, 16000] | None,
        "l": str | None,
        "shout": str | None,
    }
    assert namespace["AudioTrimHow"] == typing.Literal["fast", "exact"]
    # The same generator as the checked-in module: the built-in actions come out the same.
    convert = step_class("audio", "convert", catalogue=MINE)
    assert convert is not AudioConvert
    assert fields(convert) == fields(AudioConvert)
    assert str(convert(format="aac", bitrate=96_000)) == str(AudioConvert(format="aac", bitrate=96_000))
    # Its source is registered, so tracebacks show the lines.
    code = namespace["BuiltDirective"].save_as.__code__  # type: ignore[attr-defined]
    assert linecache.getline(code.co_filename, code.co_firstlineno).strip().startswith("def save_as(self, *, object: str")
    assert step_class("audio", "trim", catalogue=MINE) is trim  # made once per catalogue


def test_a_save_role_gets_its_chaining_method() -> None:
    archive = ActionSpec(
        "Archive the result (made up for this test).",
        (ParamSpec("o", Base64Name(TopicName()), "The archive's name.", keyword="name", required=True),),
        builder_name="Archive",
    )
    ours = MINE.with_actions("sys", [ActionInfo("archive", SYNC_ONLY, Role.SAVE, spec=archive)])
    trim = step_class("audio", "trim", catalogue=ours)
    parameters = inspect.signature(trim.archive).parameters
    assert [(name, p.kind) for name, p in parameters.items()] == [
        ("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("name", inspect.Parameter.KEYWORD_ONLY),
    ]
    assert str(trim(how="fast").archive(name="box")) == f"audio/trim,m_fast|sys/archive,o_{b64('box')}"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (ParamSpec("m", Integer(0, 1), "Hides the directive's mode.", keyword="mode"), "the keyword 'mode' is taken"),
        (ParamSpec("x-y", Integer(0, 1), "No Python name."), "'x-y' cannot name"),
        (ParamSpec("c", Integer(0, 1), "A Python keyword.", keyword="class"), "'class' cannot name"),
    ],
)
def test_names_the_generator_cannot_use_are_refused(row: ParamSpec, message: str) -> None:
    odd = BUILTIN.with_actions("audio", [ActionInfo("odd", SYNC_ONLY, spec=ActionSpec("Odd.", (row,)))])
    with pytest.raises(ValueError, match=message):
        step_class("audio", "odd", catalogue=odd)


# --- Image chains -----------------------------------------------------------------------


def test_an_image_chain_is_one_stage_and_rebuilds_from_its_text() -> None:
    from oss_process.builder import Image, ImageChain, ImageFormat, ImageResize

    chain = Image().resize(width=200).rotate(90).format("png")
    assert str(chain) == "image/resize,w_200/rotate,90/format,png"
    assert isinstance(chain, ImageChain)
    assert repr(chain) == "ImageResize(width=200).rotate(90).format('png')"
    assert eval(repr(chain), {"ImageResize": ImageResize}) == chain
    rebuilt = BuiltDirective.from_text(str(chain))
    assert isinstance(rebuilt, ImageChain)
    assert rebuilt == chain
    # A chain of one: the chain class takes it too.
    one = ImageChain.from_text("image/rotate,90")
    assert isinstance(one, ImageChain)
    assert str(one) == "image/rotate,90"
    # Equal when they print the same: jpeg is read as jpg.
    assert ImageFormat(to="jpeg") == ImageFormat(to="jpg")  # type: ignore[arg-type]  # taken, with W224
    jpeg = ImageFormat(to="jpeg")  # type: ignore[arg-type]
    assert hash(jpeg) == hash(ImageFormat(to="jpg"))


def test_an_image_chain_with_steps_after_it_and_what_the_builder_does_not_rebuild() -> None:
    from oss_process.builder import ImageChain, ImageResize

    saved = ImageResize(width=100).format("webp").save_as(object="a.webp")
    assert str(saved) == "image/resize,w_100/format,webp|sys/saveas,o_YS53ZWJw"
    rebuilt = BuiltDirective.from_text(str(saved))
    assert rebuilt == saved
    assert not isinstance(rebuilt, ImageChain)  # after sys/saveas nothing is processed
    assert not hasattr(rebuilt, "resize")
    # The builder writes a chain as one stage: a directive that pipes image stages is not rebuilt.
    with pytest.raises(UnsupportedDirectiveError, match="chain of one category"):
        BuiltDirective.from_text("image/resize,w_100|image/format,png")
    # A chain is checked as it grows: an error raises, a warning stays on the result.
    with pytest.raises(InvalidDirectiveError) as caught:
        ImageResize(width=100).rotate(400)
    assert [d.code for d in caught.value.diagnostics] == ["E206"]
    assert [w.code for w in ImageResize(width=100).info().rotate(90).warnings] == ["W115"]
