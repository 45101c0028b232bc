"""Both directions of the printer: trees to text and back, text to canonical text."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process import Directive
from oss_process.strategies import AudioMeaning, audio_meanings, directive_trees, grammar_strings, spellings
from tests.property.settings import PROPERTY


@PROPERTY
@given(directive_trees())
def test_parse_of_unparse_is_the_identity(tree: Directive) -> None:
    assert oss_process.parse(oss_process.unparse(tree)) == tree


@PROPERTY
@given(directive_trees())
def test_canonical_printing_is_a_fixed_point(tree: Directive) -> None:
    canonical = oss_process.print_canonical(tree)
    assert oss_process.print_canonical(oss_process.parse(canonical)) == canonical


def meaning_of(text: str) -> AudioMeaning:
    """What the validator read from ``text``, in the terms the strategy generated."""
    checked = oss_process.validate(oss_process.parse(text), mode="async")
    assert checked.ok, [d.render(text) for d in checked.errors]
    values = {(action.name, p.key): p.value for _, action in checked.directive.actions() for p in action.parameters}
    convert = {key: value for (action, key), value in values.items() if action == "convert" and key is not None}
    for key, default in (("ss", 0), ("t", 0), ("abopt", "0")):
        if convert.get(key) == default:
            del convert[key]
    obj, bucket, topic = values[("saveas", "o")], values.get(("saveas", "b")), values.get(("notify", "topic"))
    assert isinstance(obj, str)
    assert bucket is None or isinstance(bucket, str)
    assert topic is None or isinstance(topic, str)
    assert None not in convert.values()
    return AudioMeaning({k: v for k, v in convert.items() if v is not None}, bucket, obj, topic)


def _without_defaults(meaning: AudioMeaning) -> AudioMeaning:
    convert = {k: v for k, v in meaning.convert.items() if (k, v) not in {("ss", 0), ("t", 0), ("abopt", "0")}}
    return AudioMeaning(convert, meaning.bucket, meaning.obj, meaning.topic)


@PROPERTY
@given(audio_meanings().flatmap(lambda m: st.tuples(st.just(m), spellings(m), spellings(m))))
def test_every_spelling_of_a_meaning_has_one_canonical_form(case: tuple[AudioMeaning, str, str]) -> None:
    meaning, first, second = case
    canonical = oss_process.canonicalize(first, mode="async")
    assert oss_process.canonicalize(second, mode="async") == canonical
    assert oss_process.canonicalize(canonical, mode="async") == canonical
    # The canonical form says what the generator meant, and so does every spelling.
    assert meaning_of(canonical) == _without_defaults(meaning) == meaning_of(first)
    assert "=" not in canonical
    assert not any(warning.code in ("W302", "W208") for warning in oss_process.lint(canonical))


@PROPERTY
@given(audio_meanings())
def test_canonical_form_spells_names_without_padding(meaning: AudioMeaning) -> None:
    text = oss_process.canonicalize(next_spelling(meaning))
    encoded = text.split(",o_", 1)[1].split(",", 1)[0].split("/", 1)[0].split("|", 1)[0]
    assert base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode() == meaning.obj


def next_spelling(meaning: AudioMeaning) -> str:
    convert = ",".join(f"{k}_{v}" for k, v in meaning.convert.items())
    name = base64.urlsafe_b64encode(meaning.obj.encode()).decode()
    return f"audio/convert,{convert}|sys/saveas,o_{name}"


@PROPERTY
@given(grammar_strings())
def test_strings_from_the_grammar(text: str) -> None:
    # Every string the grammar generates parses; lint never raises; where canonicalize
    # succeeds its result is a fixed point that parses to the same stages.
    tree = oss_process.parse(text)
    diagnostics = oss_process.lint(text)
    assert all(d.code != "E999" for d in diagnostics)
    if any(d.is_error for d in diagnostics):
        with pytest.raises(oss_process.InvalidDirectiveError):
            oss_process.canonicalize(text)
        return
    canonical = oss_process.canonicalize(text)
    assert oss_process.canonicalize(canonical) == canonical
    assert len(oss_process.parse(canonical).stages) <= len(tree.stages)
