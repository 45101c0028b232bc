"""The seed page's own directives: its two RESTful examples and the strings its Java,
Python and Go samples build."""

from __future__ import annotations

import pytest

import oss_process
from tests.helpers import b64, codes

SEED_FIRST = (
    "audio/convert,ss_10000,t_60000,f_aac,ab_96000"
    "|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
)
# As printed on the page: a space after the comma before o_.
SEED_SECOND = (
    "audio/convert,f_opus,ab_96000,ar_48000,ac_2|sys/saveas,b_b3V0YnVja2V0, o_b3V0b2JqLnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
)
SEED_SECOND_FIXED = SEED_SECOND.replace(", o_", ",o_")

# The samples build "%s|sys/saveas,b_%s,o_%s/notify,topic_QXVkaW9Db252ZXJ0" from these.
STYLE = "audio/convert,ss_10000,t_60000,f_aac,ab_96000"
SAMPLE_BUCKET, SAMPLE_TARGET = "examplebucket", "dest.aac"
JAVA = f"{STYLE}|sys/saveas,b_{b64(SAMPLE_BUCKET)},o_{b64(SAMPLE_TARGET)}/notify,topic_QXVkaW9Db252ZXJ0"
PYTHON = JAVA  # urlsafe_b64encode(...).rstrip('='): the same string
GO = f"{STYLE}|sys/saveas,b_ZXhhbXBsZWJ1Y2tldA==,o_ZGVzdC5hYWM=/notify,topic_QXVkaW9Db252ZXJ0"  # base64.URLEncoding pads


def test_sample_encodings_are_what_the_samples_compute() -> None:
    assert b64(SAMPLE_BUCKET) == "ZXhhbXBsZWJ1Y2tldA"
    assert b64(SAMPLE_TARGET) == "ZGVzdC5hYWM"
    assert JAVA == (
        "audio/convert,ss_10000,t_60000,f_aac,ab_96000|sys/saveas,b_ZXhhbXBsZWJ1Y2tldA,o_ZGVzdC5hYWM/notify,topic_QXVkaW9Db252ZXJ0"
    )


@pytest.mark.parametrize("mode", [None, "async"])
def test_first_example_lints_without_errors_and_warns_of_its_newline(mode: str | None) -> None:
    diagnostics = oss_process.lint(SEED_FIRST, mode=mode)
    assert [d.code for d in diagnostics] == ["W305"]
    (warning,) = diagnostics
    assert warning.severity == "warning"
    assert "ends with a newline" in warning.message
    start = SEED_FIRST.index("b3V0b2JqcHJlZml4")
    assert warning.span == (start, start + len("b3V0b2JqcHJlZml4LnthdXRvZXh0fQo"))


def test_first_example_is_already_canonical() -> None:
    assert oss_process.canonicalize(SEED_FIRST) == SEED_FIRST


def test_first_example_is_async_only() -> None:
    assert codes(SEED_FIRST, mode="sync") == ["E103", "W305", "E103"]


def test_first_example_decodes_to_the_documented_names() -> None:
    checked = oss_process.validate(oss_process.parse(SEED_FIRST))
    values = {p.key: p.value for _, action in checked.directive.actions() for p in action.parameters}
    assert values == {
        "ss": 10000,
        "t": 60000,
        "f": "aac",
        "ab": 96000,
        "b": "outbucket",
        "o": "outobjprefix.{autoext}\n",
        "topic": "AudioConvert",
    }


def test_second_example_as_printed_is_a_syntax_error_at_the_space() -> None:
    with pytest.raises(oss_process.ParseError) as raised:
        oss_process.parse(SEED_SECOND)
    (diagnostic,) = raised.value.diagnostics
    space = SEED_SECOND.index(" ")
    assert diagnostic.code == "E012"
    assert diagnostic.span == (space, space + 1)
    assert diagnostic.render(SEED_SECOND) == (
        "error[E012]: unexpected space after ','\n"
        "    ...ert,f_opus,ab_96000,ar_48000,ac_2|sys/saveas,b_b3V0YnVja2V0, o_b3V0b2JqLnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0\n"
        "                                                                   ^\n"
        "    hint: remove it: a directive contains no whitespace"
    )
    # The parser goes on past the space: the rest is validated (the object name ends in a newline).
    assert [d.code for d in oss_process.lint(SEED_SECOND)] == ["E012", "W305"]


def test_second_example_without_the_space() -> None:
    assert codes(SEED_SECOND_FIXED, mode="async") == ["W305"]
    assert oss_process.canonicalize(SEED_SECOND_FIXED) == (
        "audio/convert,f_opus,ar_48000,ac_2,ab_96000|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqLnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
    )


@pytest.mark.parametrize("text", [JAVA, PYTHON], ids=["java", "python"])
def test_java_and_python_samples_are_clean_and_canonical(text: str) -> None:
    assert oss_process.lint(text, mode="async") == []
    assert oss_process.canonicalize(text) == text


def test_go_sample_pads_its_base64() -> None:
    diagnostics = oss_process.lint(GO, mode="async")
    assert [(d.code, GO[d.span.start : d.span.end]) for d in diagnostics] == [
        ("W302", "ZXhhbXBsZWJ1Y2tldA=="),
        ("W302", "ZGVzdC5hYWM="),
    ]
    assert oss_process.canonicalize(GO) == JAVA
