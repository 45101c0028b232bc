"""The catalogue as a value: a user's tables in a catalogue of their own, served by the
whole pipeline (validation, printing, the speed layer) with no other change; sources
whose fields the tables declare; tables loaded by category."""

from __future__ import annotations

import subprocess
import sys
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process import _accel, _pipeline, strategies
from oss_process._accel.cache import CACHE
from oss_process.builder import UnsupportedDirectiveError, step_class
from oss_process.cli.decoding import examine
from oss_process.cli.explain import explanation, explanation_text
from oss_process.kinds import Choice, Integer, IntegerChoice
from oss_process.rules import Exclusive, FailsBelowSource
from oss_process.source import Source, SourceField
from oss_process.tables import BUILTIN, SYNC_ONLY, ActionInfo, ActionSpec, Catalogue, CategoryInfo, ParamSpec
from tests.property.settings import per_table

PROPERTY_PER_TABLE = per_table()

# A made-up action, as a user would write its table: nothing in the package knows it.
TINT = ActionSpec(
    "Tint the image (made up for this test).",
    (
        ParamSpec("c", Choice(("red", "blue")), "The tint colour.", keyword="colour", required=True),
        ParamSpec("n", Integer(0, 100), "The strength.", keyword="strength", default="50", unit="%"),
        ParamSpec("k", Integer(1, 9), "The strength in steps.", keyword="step_count"),
        ParamSpec("w", Integer(1, 4096), "The width to tint.", keyword="width", unit="px"),
    ),
    rules=(
        Exclusive(keys=("n", "k"), hint="keep one"),
        FailsBelowSource(key="w", when=("c", "red"), source_field="width", noun="width", unit="px", hint="lower w"),
    ),
)
MINE = BUILTIN.with_actions("paint", [ActionInfo("tint", SYNC_ONLY, spec=TINT)], summary="Made-up painting.").with_source_fields(
    [SourceField("width", "the source image's width", "px")]
)


def codes(text: str, **options: object) -> list[str]:
    return [d.code for d in oss_process.lint(text, **options)]  # type: ignore[arg-type]


def test_a_catalogue_of_its_own_checks_the_made_up_action() -> None:
    assert codes("paint/tint,n_50,c_red", catalogue=MINE) == []
    assert codes("paint/tint,c_green", catalogue=MINE) == ["E207"]
    assert codes("paint/tint,n_1,k_2,c_red", catalogue=MINE) == ["E203"]
    assert codes("paint/tint,n_1", catalogue=MINE) == ["E202"]
    assert codes("paint/tint,c_red,x_1", catalogue=MINE) == ["W220"]
    assert codes("paint/tint,c_red,n_101", catalogue=MINE) == ["E206"]
    assert codes("paint/tint,c_red", catalogue=MINE, mode="async") == ["E103"]  # no W111: it cannot run there
    assert codes("paint/tinted,c_red", catalogue=MINE) == ["E101"]
    # The built-in catalogue is left as it was.
    assert codes("paint/tint,c_red") == ["E100"]
    assert BUILTIN.lookup("paint", "tint") is None


def test_printing_reads_the_made_up_table() -> None:
    assert oss_process.canonicalize("paint/tint,n_50,c_red", catalogue=MINE) == "paint/tint,c_red"
    assert oss_process.canonicalize("paint/tint,k_03,c_blue", catalogue=MINE) == "paint/tint,c_blue,k_3"
    tree = oss_process.parse("paint/tint,n_050,c_red")
    assert oss_process.print_canonical(tree, catalogue=MINE) == "paint/tint,c_red"
    # Without the table, nothing is known of the order or the default.
    assert oss_process.print_canonical(tree) == "paint/tint,n_050,c_red"
    checked = oss_process.validate(tree, catalogue=MINE)
    assert [d.code for d in checked.diagnostics] == ["W208"]
    assert checked.canonical == "paint/tint,c_red"
    assert [p.value for p in checked.directive.stages[0].actions[0].parameters] == [50, "red"]


def test_the_source_fields_a_catalogue_declares() -> None:
    wide = Source(width=100)
    assert codes("paint/tint,c_red,w_200", catalogue=MINE, source=wide) == ["E215"]
    assert codes("paint/tint,c_blue,w_200", catalogue=MINE, source=wide) == []
    assert codes("paint/tint,c_red,w_50", catalogue=MINE, source=wide) == []
    with pytest.raises(oss_process.ArgumentError, match="'depth' is not declared"):
        oss_process.lint("audio/convert,f_aac", source=Source(depth=3))
    with pytest.raises(oss_process.ArgumentError, match="positive int"):
        Source(width=0)
    # A field is of the type its declaration says: the format is a word, the width a number.
    with pytest.raises(oss_process.ArgumentError, match="'format' must be a non-empty str"):
        oss_process.lint("image/rotate,90", source=Source(format=3))
    with pytest.raises(oss_process.ArgumentError, match="'width' must be a positive int"):
        oss_process.lint("image/rotate,90", source=Source(width="wide"))
    assert oss_process.lint("image/rotate,90", source=Source(width=10, format="png")) == []


def test_every_source_field_a_built_in_rule_reads_is_declared() -> None:
    read = {field for _, _, info in BUILTIN.tabled() for rule in info.spec.rules for field in rule.source_fields}  # type: ignore[union-attr]
    assert read
    assert read <= set(BUILTIN.source_fields)


def test_source_audio_is_a_source() -> None:
    old = oss_process.SourceAudio(44100, 2)
    assert old == Source(sample_rate=44100, channels=2)
    assert hash(old) == hash(Source(channels=2, sample_rate=44100))
    assert (old.sample_rate, old.channels, old.bitrate) == (44100, 2, None)
    opus = "audio/convert,f_opus|sys/saveas,o_YQ"
    assert codes(opus, source=old) == codes(opus, source=Source(sample_rate=44100)) == ["E212"]


def test_rules_take_keyword_only_options() -> None:
    with pytest.raises(TypeError):
        Exclusive(("aq", "ab"), "keep one")  # type: ignore[call-arg]


def test_the_speed_layer_serves_the_made_up_action_and_keys_its_caches_by_catalogue() -> None:
    texts = [f"paint/tint,c_red,k_{k},w_{w}" for k in range(1, 10) for w in range(1, 4)]
    for text in texts:
        assert oss_process.lint(text, catalogue=MINE) == []
    plan = CACHE.plans[("paint/tint,c_,k_,w_", None, MINE)]
    assert plan.fast_path is not None  # type: ignore[attr-defined]
    last = "paint/tint,c_blue,k_9,w_4096"
    served = _accel._fast(last, None, None, MINE)
    assert served is not None
    reference = _pipeline.run(last, None, None, MINE)
    assert (served.canonical, served.diagnostics) == (reference.canonical, reference.diagnostics) == (last, ())
    # The same text under the built-in catalogue: its own verdict, not the cached one.
    assert codes(last) == ["E100"]
    assert _accel._fast(last, None, None, BUILTIN) is None


def test_a_catalogue_replaces_a_built_in_table_for_itself_only() -> None:
    convert = BUILTIN.lookup("audio", "convert")
    assert convert is not None
    assert convert.spec is not None
    wider = ActionSpec(
        convert.spec.summary,
        tuple(
            ParamSpec(p.key, Choice((*p.kind.choices, "wav")), p.meaning, keyword=p.keyword, required=p.required)  # type: ignore[attr-defined]
            if p.key == "f"
            else p
            for p in convert.spec.parameters
        ),
        convert.spec.rules,
        convert.spec.output_variables,
    )
    mine = BUILTIN.with_actions("audio", [ActionInfo("convert", convert.modes, convert.role, wider)])
    wav = "audio/convert,f_wav|sys/saveas,o_YQ"
    assert codes(wav) == ["E207"]
    assert codes(wav, catalogue=mine) == []
    assert codes(wav) == ["E207"]


def test_arguments_are_checked() -> None:
    with pytest.raises(oss_process.ArgumentError, match="catalogue must be a Catalogue"):
        oss_process.lint("audio/convert,f_aac", catalogue={})  # type: ignore[arg-type]
    assert isinstance(BUILTIN, Catalogue)


def test_tables_load_by_category_when_first_checked() -> None:
    code = (
        "import sys, oss_process\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.startswith('oss_process.tables.') and m[19:] in ('audio', 'system'))\n"
        "print(loaded())\n"
        "oss_process.lint('image/resize,w_1')\n"
        "print(loaded())\n"
        "oss_process.lint('audio/convert,f_aac')\n"
        "print(loaded())\n"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.splitlines() == ["[]", "[]", "['oss_process.tables.audio']"]


@PROPERTY_PER_TABLE
@given(data=st.data())
def test_every_face_serves_a_made_up_action_with_no_other_change(data: st.DataObject) -> None:
    """The issue's test: the table above, in a catalogue of its own, is served by
    validation, canonical printing, explain, the run-time builder, the strategies and the
    fast path, and nothing in the package names it."""
    # The strategies: valid directives and near misses from the table's kinds and rules.
    meaning = data.draw(strategies.meanings("paint/tint", catalogue=MINE))
    text = data.draw(strategies.spellings(meaning, catalogue=MINE))
    # Validation and canonical printing.
    assert [d for d in oss_process.lint(text, mode=meaning.mode, catalogue=MINE) if d.is_error] == [], text
    canonical = oss_process.canonicalize(text, mode=meaning.mode, catalogue=MINE)
    assert canonical == strategies.canonical_text(meaning, catalogue=MINE)
    assert oss_process.print_canonical(oss_process.parse(text), catalogue=MINE) == canonical
    miss = data.draw(strategies.near_misses(action="paint/tint", catalogue=MINE))
    assert [d.code for d in oss_process.lint(miss.text, mode=miss.mode, source=miss.source, catalogue=MINE) if d.is_error] == [miss.code]

    # The run-time builder: keywords from the rows, the same canonical text.
    tint = step_class("paint", "tint", catalogue=MINE)
    values = meaning.steps[0].values
    keywords = {TINT.by_key[key].keyword: value for key, value in values.items()}
    built = tint(**keywords)
    rest = [step for step in meaning.steps[1:]]
    for step in rest:
        info = MINE.lookup(step.category, step.name)
        assert info is not None
        assert info.spec is not None
        method = getattr(built, "save_as" if info.spec.builder_name == "SaveAs" else "notify")
        built = method(**{info.spec.by_key[k].keyword: v for k, v in step.values.items()})
    assert str(built) == canonical

    # explain reads the same table.
    model, _ = explanation(examine(canonical.encode()), meaning.mode, MINE)
    assert model["canonical"] == canonical
    stages = model["stages"]
    assert isinstance(stages, list)
    tint_action = stages[0]["actions"][0]
    assert (tint_action["label"], tint_action["checked"], tint_action["summary"]) == ("paint/tint", True, TINT.summary)
    explained = {item["key"]: item["value"] for item in tint_action["parameters"] if item["given"]}
    assert explained == {
        key: value for key, value in values.items() if TINT.by_key[key].default is None or str(value) != TINT.by_key[key].default
    }

    # The fast path, once the shape recurs, gives what the reference pipeline gives.
    for _ in range(_accel.FAST_PATH_AFTER + 1):
        CACHE.verdicts.clear()
        oss_process.lint(canonical, mode=meaning.mode, catalogue=MINE)
    served = _accel._fast(canonical, meaning.mode, None, MINE)
    reference = _pipeline.run(canonical, meaning.mode, None, MINE)
    if reference.diagnostics == ():
        assert served is not None
        assert (served.canonical, served.diagnostics) == (reference.canonical, ()), canonical
    else:
        assert served is None  # warnings (W211 on a source-less rule) take the full path


def test_explain_reads_the_made_up_table() -> None:
    model, diagnostics = explanation(examine(b"paint/tint,n_050,c_red"), None, MINE)
    assert [d.code for d in diagnostics] == ["W208"]
    assert model["canonical"] == "paint/tint,c_red"
    assert model["runs_in"] == ["sync"]
    stages = model["stages"]
    assert isinstance(stages, list)
    (stage,) = stages
    assert stage["summary"] == "Made-up painting."
    (action,) = stage["actions"]
    assert (action["label"], action["checked"], action["summary"]) == ("paint/tint", True, TINT.summary)
    rows = {item["key"]: item for item in action["parameters"]}
    assert (rows["n"]["value"], rows["n"]["unit"], rows["n"]["meaning"]) == (50, "%", "The strength.")
    assert (rows["k"]["given"], rows["k"]["accepts"]) == (False, "integer from 1 to 9")
    text = explanation_text(model)
    assert "  paint/tint: Tint the image (made up for this test)." in text.splitlines()
    # The built-in catalogue knows nothing of it.
    model, diagnostics = explanation(examine(b"paint/tint,c_red"), None)
    assert [d.code for d in diagnostics] == ["E100"]


def test_the_speed_layer_agrees_with_the_reference_on_integers_longer_than_any_check_converts() -> None:
    wide = ActionSpec(
        "Wide integers (made up).",
        (
            ParamSpec("n", Integer(0, 10**30), "A huge count.", required=True),
            ParamSpec("k", IntegerChoice((-1, 10**25)), "A choice with a sign and a long one."),
        ),
    )
    mine = BUILTIN.with_actions("paint", [ActionInfo("wide", SYNC_ONLY, spec=wide)])
    texts = [f"paint/wide,n_{'9' * digits}" for digits in (1, 5, 19, 20, 25, 31)] + ["paint/wide,n_1,k_-1", f"paint/wide,n_1,k_1{'0' * 25}"]
    for _ in range(_accel.FAST_PATH_AFTER + 2):
        for text in texts:
            CACHE.verdicts.clear()
            reference = _pipeline.run(text, None, None, mine)
            assert [d.code for d in oss_process.lint(text, catalogue=mine)] == [d.code for d in reference.diagnostics], text
    assert [d.code for d in oss_process.lint(f"paint/wide,n_{'9' * 25}", catalogue=mine)] == ["E206"]
    assert oss_process.lint("paint/wide,n_1,k_-1", catalogue=mine) == []


def test_a_catalogue_without_a_save_step_has_no_save_as() -> None:
    alone = Catalogue([CategoryInfo("paint", "Made-up painting.", MappingProxyType({"tint": ActionInfo("tint", SYNC_ONLY, spec=TINT)}))])
    tint = step_class("paint", "tint", catalogue=alone)
    built = tint(colour="red")
    assert str(built) == "paint/tint,c_red"
    with pytest.raises(UnsupportedDirectiveError, match=r"\.save_as\(\): .* has no table for the step it adds"):
        built.save_as(object="out")


def test_tables_catalogues_sources_and_results_are_values() -> None:
    info = BUILTIN.lookup("audio", "convert")
    assert info is not None
    assert info.spec is not None
    result = oss_process.validate(oss_process.parse("audio/convert,f_aac|sys/saveas,o_YQ"))
    for thing, name in [
        (info, "modes"),
        (info.spec, "parameters"),
        (info.spec.parameters[0], "default"),
        (BUILTIN, "categories"),
        (Source(width=1), "_facts"),
        (result, "diagnostics"),
    ]:
        with pytest.raises(AttributeError, match="is immutable"):
            setattr(thing, name, None)
        with pytest.raises(AttributeError, match="is immutable"):
            delattr(thing, name)
    # Equal by what was found, as the frozen dataclass it was.
    assert result == oss_process.Validation(result.directive, ())


def test_the_gateway_checks_against_a_catalogue_of_its_own() -> None:
    from oss_process.gateway import check_request
    from oss_process.middleware import GuardOptions

    verdict = check_request("GET", "x-oss-process=paint/tint,n_050,c_red", catalogue=MINE)
    assert verdict is not None
    assert verdict.codes == ("W208",)
    assert verdict.canonical == "paint/tint,c_red"
    builtin = check_request("GET", "x-oss-process=paint/tint,c_red")
    assert builtin is not None
    assert builtin.codes == ("E100",)
    assert builtin.canonical is None
    with pytest.raises(TypeError, match="catalogue must be a Catalogue"):
        GuardOptions(catalogue={})  # type: ignore[arg-type]
