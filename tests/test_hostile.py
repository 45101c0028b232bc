"""Hostile input: what attackers and broken clients send. Nothing may crash, hang or pass
as valid when it is malformed."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process.strategies import audio_directives
from tests.helpers import b64, errors
from tests.property.settings import PROPERTY
from tests.property.test_differential import mutated

SEED = (
    "audio/convert,ss_10000,t_60000,f_aac,ab_96000"
    "|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
)

# Any code point at all (surrogates included), and the directive alphabet with its lookalikes.
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=60)
LOOKALIKES = "|/,_=-.+%&?@#{} \t\r\n\x00\x7f\u00a0\u200b\u3000\uff0c\uff0f\uff5c\uff3f\uff11\u0661\u0968\u00b2\ufe4d\ud800\udfff"
NEAR_ALPHABET = st.text(st.sampled_from("audioconvertsysaveasnotifytopicf_ab0123456789AZ" + LOOKALIKES), max_size=80)


def check_promises(text: str, mode: str | None = None) -> None:
    """lint returns diagnostics inside the text and no internal error; canonicalize either
    refuses with an error diagnostic or returns a fixed point that parses."""
    diagnostics = oss_process.lint(text, mode=mode)
    assert all(d.code != "E999" for d in diagnostics), diagnostics
    assert all(0 <= d.span.start <= d.span.end <= len(text) for d in diagnostics)
    for d in diagnostics:
        d.render(text)
    if any(d.is_error for d in diagnostics):
        with pytest.raises(oss_process.DirectiveError):
            oss_process.canonicalize(text, mode=mode)
    else:
        canonical = oss_process.canonicalize(text, mode=mode)
        assert oss_process.canonicalize(canonical, mode=mode) == canonical
        assert oss_process.unparse(oss_process.parse(canonical)) == canonical


@PROPERTY
@given(ANY_TEXT)
def test_any_text(text: str) -> None:
    check_promises(text)


@PROPERTY
@given(NEAR_ALPHABET, st.sampled_from([None, "sync", "async"]))
def test_the_directive_alphabet_and_its_lookalikes(text: str, mode: str | None) -> None:
    check_promises(text, mode)


@PROPERTY
@given(mutated(audio_directives()))
def test_mutations_of_valid_directives(text: str) -> None:
    check_promises(text, "async")


@pytest.mark.parametrize("digits", [20, 4300, 4301, 5000, 8000])
def test_huge_numbers_are_diagnostics(digits: int) -> None:
    text = f"audio/convert,f_aac,ab_{'9' * digits}|sys/saveas,o_YQ"
    if len(text) > oss_process.MAX_LENGTH:
        assert errors(text) == ["E001"]
        return
    (diagnostic,) = oss_process.lint(text)
    assert diagnostic.code == "E206"
    assert len(diagnostic.message) < 200


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("," * 1_000_000, "E001"),
        ("audio/convert" + ",f_aac" * 1_000_000, "E001"),
        ("audio/convert,f_aac" + ",ab_1000" * 300, "E002"),
        ("|" * 5000, "E010"),  # 20 syntax errors, then E004: recovery stops
        ("a/" + "b/" * 3000, "E011"),  # and E100 for the category 'a' of what parses
        ("audio/convert,f_aac|sys/saveas,o_" + "QUFB" * 2000, "E304"),
    ],
    ids=["1MB of commas", "a million parameters", "300 parameters", "pipes", "slashes", "long name"],
)
def test_huge_inputs_are_refused_early(text: str, code: str) -> None:
    diagnostics = oss_process.lint(text)
    assert code in [d.code for d in diagnostics]
    assert len(diagnostics) <= oss_process.tables.MAX_SYNTAX_ERRORS + 1
    with pytest.raises(oss_process.DirectiveError):
        oss_process.canonicalize(text)


def test_percent_encoded_and_form_field_forms() -> None:
    assert errors("audio%2Fconvert%2Cf_aac") == ["E014"]
    assert errors("x-oss-async-process=audio/convert,f_aac") == ["E015"]
    assert errors("X-Oss-Process=image/resize,w_1") == ["E015"]


def save(name: bytes) -> str:
    encoded = base64.urlsafe_b64encode(name).decode().rstrip("=")
    return f"audio/convert,f_aac|sys/saveas,o_{encoded}"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        (b"\xff\xfe", "E301"),
        (b"ok\xc3", "E301"),
        (b"\xed\xa0\x80", "E301"),  # an encoded surrogate is not UTF-8
        (b"", "E304"),
        (b"../etc/passwd", "E306"),
        (b"a/../../b", "E306"),
        (b"/abs", "E304"),
        (b"\\abs", "E304"),
        (b"x" * 1024, "E304"),
    ],
)
def test_names_oss_rejects(name: bytes, code: str) -> None:
    text = save(name)
    if not name:
        text = "audio/convert,f_aac|sys/saveas,o_"
        assert errors(text) == ["E011"]  # an empty value is not even syntax
        return
    assert errors(text, mode="async") == [code]


@pytest.mark.parametrize("name", ["a\x00b", "a\x1bb", "a\rb", "a\u0085b", "ends\n"])
def test_control_characters_in_names_are_reported(name: str) -> None:
    diagnostics = oss_process.lint(save(name.encode()), mode="async")
    assert [d.code for d in diagnostics] == ["W305"]


def test_buckets_and_topics_with_hostile_bytes() -> None:
    nul, space = b64("a\x00b"), b64("a b")
    assert errors(f"audio/convert,f_aac|sys/saveas,b_{nul},o_eA") == ["E303"]
    assert errors(f"audio/convert,f_aac|notify,topic_{space}", mode="async") == ["E310"]


def test_standard_base64_is_caught() -> None:
    standard = base64.b64encode(b"\xfb\xff").decode()  # "+/8="
    # Not UTF-8 once decoded, so no E311: the '+' is named (E013), then the '/' that splits it.
    assert errors(f"audio/convert,f_aac|sys/saveas,o_{standard}") == ["E013", "E010"]


def test_the_seed_survives_every_single_character_deletion() -> None:
    for i in range(len(SEED)):
        check_promises(SEED[:i] + SEED[i + 1 :], "async")
