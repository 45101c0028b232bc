"""The grammar: what parses into which tree, and how syntax errors read."""

from __future__ import annotations

import pytest

import oss_process
from oss_process import Action, Directive, Parameter, Stage
from tests.corpus import untabled


def tree(text: str) -> list[tuple[str | None, list[tuple[str, list[tuple[str | None, str]]]]]]:
    """The tree as plain data, spans left out."""
    return [
        (stage.category, [(a.name, [(p.key, p.text) for p in a.parameters]) for a in stage.actions])
        for stage in oss_process.parse(text).stages
    ]


def test_stages_actions_and_parameters() -> None:
    assert tree("image/resize,w_200/rotate,90|image/format,png") == [
        ("image", [("resize", [("w", "200")]), ("rotate", [(None, "90")])]),
        ("image", [("format", [(None, "png")])]),
    ]


def test_key_value_splits_at_the_first_underscore() -> None:
    assert tree("sys/saveas,o_a_b-c_") == [("sys", [("saveas", [("o", "a_b-c_")])])]
    assert tree("image/watermark,text_SGVsbG8g5Zu-54mH5pyN5YqhIQ") == [("image", [("watermark", [("text", "SGVsbG8g5Zu-54mH5pyN5YqhIQ")])])]


def test_bare_values_negative_and_decimal() -> None:
    assert tree("image/bright,-50/contrast,-50") == [("image", [("bright", [(None, "-50")]), ("contrast", [(None, "-50")])])]
    assert tree("video/convert,fps_29.97") == [("video", [("convert", [("fps", "29.97")])])]


def test_actions_without_parameters() -> None:
    assert tree("image/info") == [("image", [("info", [])])]
    assert tree("image/resize,w_1/info") == [("image", [("resize", [("w", "1")]), ("info", [])])]


def test_style_stage() -> None:
    assert tree("style/panda_style.v-2|sys/saveas,o_eA") == [
        ("style", [("panda_style.v-2", [])]),
        ("sys", [("saveas", [("o", "eA")])]),
    ]


def test_notify_as_a_stage_of_its_own() -> None:
    assert tree("audio/convert,f_aac|notify,topic_dGVzdA==") == [
        ("audio", [("convert", [("f", "aac")])]),
        (None, [("notify", [("topic", "dGVzdA==")])]),
    ]


def test_keywords_only_when_whole_tokens() -> None:
    # "styles" and "notifyx" are categories; only exactly "style" and "notify" are keywords.
    assert tree("styles/x|notifyx/y") == [("styles", [("x", [])]), ("notifyx", [("y", [])])]


def test_padding_only_at_the_end_of_a_value() -> None:
    assert tree("sys/saveas,o_ZGVzdC5qcGc=") == [("sys", [("saveas", [("o", "ZGVzdC5qcGc=")])])]
    with pytest.raises(oss_process.ParseError):
        oss_process.parse("sys/saveas,o_ZGV=zdC5qcGc")


def test_spans_slice_the_source() -> None:
    text = "audio/convert,f_aac,ab_96000|notify,topic_dGVzdA"
    directive = oss_process.parse(text)
    first, second = directive.stages
    assert directive.span == (0, len(text))
    assert text[slice(*first.span)] == "audio/convert,f_aac,ab_96000"
    assert text[slice(*first.actions[0].span)] == "convert,f_aac,ab_96000"
    assert [text[slice(*p.span)] for p in first.actions[0].parameters] == ["f_aac", "ab_96000"]
    assert text[slice(*second.span)] == "notify,topic_dGVzdA"
    assert text[slice(*second.actions[0].span)] == "notify,topic_dGVzdA"


def test_parse_validates_nothing() -> None:
    assert oss_process.parse("foo/bar,x_1") == Directive((Stage("foo", (Action("bar", (Parameter("x", "1"),)),)),))


# Each syntax error: the code and the whole rendered diagnostic.
SYNTAX_ERRORS = [
    ("", "E003", "error[E003]: the directive is empty\n    \n    ^\n    hint: a directive looks like audio/convert,f_aac|sys/saveas,o_..."),
    (
        "image/",
        "E011",
        "error[E011]: the directive ends too early after '/'; expected an action name such as 'convert'\n    image/\n          ^",
    ),
    (
        "image/resize,w_100|",
        "E011",
        "error[E011]: the directive ends too early after '|'; expected 'notify', 'style' or a category such as 'audio'\n"
        "    image/resize,w_100|\n                       ^",
    ),
    (
        "image/resize//w_1",
        "E010",
        "error[E010]: unexpected '/' after '/'; expected an action name such as 'convert'\n    image/resize//w_1\n                 ^",
    ),
    ("a||b", "E010", "error[E010]: unexpected '|' after 'a'; expected '/'\n    a||b\n     ^"),
    (
        "audio/convert,f_",
        "E011",
        "error[E011]: the directive ends too early after 'f_'; expected a value after '_'\n    audio/convert,f_\n                    ^",
    ),
    ("style,x", "E010", "error[E010]: unexpected ',' after 'style'; expected '/'\n    style,x\n         ^"),
    (
        "notify/x",
        "E010",
        "error[E010]: unexpected '/' after 'notify'; expected ',', '|' or the end of the directive\n    notify/x\n          ^",
    ),
    (
        "audio/convert,f_aac|",
        "E011",
        "error[E011]: the directive ends too early after '|'; expected 'notify', 'style' or a category such as 'audio'\n"
        "    audio/convert,f_aac|\n                        ^",
    ),
    (
        "x-oss-process=image/resize,w_1",
        "E015",
        "error[E015]: the directive starts with the form field name 'x-oss-process='\n"
        "    x-oss-process=image/resize,w_1\n    ^^^^^^^^^^^^^^\n"
        "    hint: pass only the value after '=': the field name says the mode (mode='sync' or mode='async')",
    ),
    (
        "image%2Fresize",
        "E014",
        "error[E014]: unexpected '%' after 'image': the directive is percent-encoded\n    image%2Fresize\n         ^\n"
        "    hint: percent-decode it first (%2C is ',', %2F is '/', %7C is '|')",
    ),
    (
        "sys/saveas,o_a+b",
        "E013",
        "error[E013]: unexpected '+' after 'o_a': standard Base64, or a space encoded as '+'\n    sys/saveas,o_a+b\n                  ^\n"
        "    hint: encode names with URL-safe Base64: '-' instead of '+' and '_' instead of '/'",
    ),
    (
        "obj@300h",
        "E016",
        "error[E016]: unexpected '@' after 'obj': the legacy image-service syntax\n    obj@300h\n       ^\n"
        "    hint: write image/<action>,<parameters> instead of '@'",
    ),
    (
        "image/resize,w_\uff11",
        "E017",
        "error[E017]: unexpected '\uff11' (U+FF11 FULLWIDTH DIGIT ONE) after 'w_': "
        "only ASCII letters, digits and - _ . = , / | may appear\n"
        "    image/resize,w_\\uff11\n                   ^^^^^^\n    hint: write '1' instead: this is its full-width form",
    ),
    (
        "image/resize,w_1\x00",
        "E017",
        "error[E017]: unexpected control character U+0000 after 'w_1': only ASCII letters, digits and - _ . = , / | may appear\n"
        "    image/resize,w_1\\x00\n                    ^^^^",
    ),
    (
        "a/b\tc",
        "E012",
        "error[E012]: unexpected tab after 'b'\n    a/b\\tc\n       ^^\n    hint: remove it: a directive contains no whitespace",
    ),
    (
        "image/resize,w_1\n",
        "E012",
        "error[E012]: unexpected newline after 'w_1'\n    image/resize,w_1\\n\n                    ^^\n"
        "    hint: remove it: a directive contains no whitespace",
    ),
]


@pytest.mark.parametrize(("text", "code", "rendered"), SYNTAX_ERRORS, ids=[repr(t[0])[:30] for t in SYNTAX_ERRORS])
def test_syntax_errors_read_well(text: str, code: str, rendered: str) -> None:
    with pytest.raises(oss_process.ParseError) as raised:
        oss_process.parse(text)
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.severity) == (code, "error")
    assert diagnostic.render(text) == rendered
    # lint goes on past it (every problem in one pass), and reports it first of the syntax ones.
    assert next(d for d in oss_process.lint(text) if d.code.startswith("E0")) == diagnostic


def test_size_limits_are_checked_before_parsing() -> None:
    many = "image/resize" + ",1" * (oss_process.MAX_PARAMETERS + 1)
    too_long = "a" * (oss_process.MAX_LENGTH + 1)
    (diagnostic,) = oss_process.lint(too_long)
    assert diagnostic.code == "E001"
    assert diagnostic.span == (oss_process.MAX_LENGTH, oss_process.MAX_LENGTH + 1)
    (diagnostic,) = oss_process.lint(many)
    assert diagnostic.code == "E002"


def test_as_many_parameters_as_the_limit_are_validated() -> None:
    entries = untabled()
    if not entries:
        pytest.skip("every action has a parameter table: none is left that takes any parameters and warns W102")
    assert oss_process.lint(entries[0].name + ",w_1" * oss_process.MAX_PARAMETERS)[0].code == "W102"


def test_render_shows_the_start_of_a_long_span() -> None:
    text = "a" * (oss_process.MAX_LENGTH + 5000)
    (diagnostic,) = oss_process.lint(text)
    line, marker = diagnostic.render(text).splitlines()[1:3]
    assert marker.strip() == "^" * 60
    assert len(line) < 200


def test_render_cuts_long_inputs_around_the_span() -> None:
    text = "image/resize," + "w_1," * 40 + " "
    rendered = next(d for d in oss_process.lint(text) if d.code == "E012").render(text)
    line, marker = rendered.splitlines()[1:3]
    assert line.startswith("    ...")
    assert len(line) < 100
    assert marker.index("^") == line.index(" ", 4)


def test_the_alphabet_is_what_the_grammar_allows() -> None:
    from oss_process._lark_parser import parse_raw
    from oss_process._syntax import in_alphabet

    allowed = in_alphabet()
    for code in range(0x250):
        char = chr(code)
        contexts = [f"a/b,c_d{char}", f"a/b,{char}", f"a/b{char}c", f"{char}a/b", f"style/a{char}", f"a/b{char}c/d"]
        parses = any(not isinstance(parse_raw(text, whole=True), oss_process.Diagnostic) for text in contexts)
        assert bool(allowed(char)) == parses, repr(char)


def test_a_sign_before_a_number_says_so_not_base64() -> None:
    text = "audio/convert,f_aac,ss_+1|sys/saveas,o_YQ"
    (diagnostic,) = oss_process.lint(text)
    assert diagnostic.render(text) == (
        "error[E010]: unexpected '+' after 'ss_': a number takes no sign\n"
        "    audio/convert,f_aac,ss_+1|sys/saveas,o_YQ\n"
        "                           ^\n"
        "    hint: drop the '+'"
    )


def test_a_form_field_name_in_another_case_says_oss_ignores_it() -> None:
    text = "X-Oss-Async-Process=audio/convert,f_aac|sys/saveas,o_YQ"
    (diagnostic,) = oss_process.lint(text)
    assert diagnostic.render(text) == (
        "error[E015]: the directive starts with the form field name 'X-Oss-Async-Process': OSS reads only "
        "'x-oss-async-process', in lower case, and ignores this parameter\n"
        "    X-Oss-Async-Process=audio/convert,f_aac|sys/saveas,o_YQ\n"
        "    ^^^^^^^^^^^^^^^^^^^\n"
        "    hint: write the name as x-oss-async-process, or pass only the value after '='"
    )
    # In the right case, the field name is only to be left out.
    assert oss_process.lint("x-oss-async-process=audio/convert,f_aac")[0].hint == (
        "pass only the value after '=': the field name says the mode (mode='sync' or mode='async')"
    )
