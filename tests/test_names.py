"""Names carried in sys/saveas (b, o) and notify (topic): Base64, naming rules, templates.

Spec: directive-language.md sections 2 and 3, pitfalls.md, and the audio-transcoding seed page,
plus the strict choices the library made where the documentation is silent (E306, W305,
W307, W302, E300 for unused bits, E310, E308, W309).
"""

from __future__ import annotations

import base64

import pytest

import oss_process
from oss_process import Action, Diagnostic, Directive, Parameter, Span, Stage
from tests.corpus import untabled
from tests.helpers import b64, codes, errors

# A processing action that sets {autoext} and {streamindex}, then the save step.
SAVE = "audio/convert,f_aac|sys/saveas,"
# The seed page's first example, verbatim.
SEED = (
    "audio/convert,ss_10000,t_60000,f_aac,ab_96000|sys/saveas,b_b3V0YnVja2V0,"
    "o_b3V0b2JqcHJlZml4LnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
)

Found = list[tuple[str, tuple[int, int]]]


def lint(text: str, mode: str | None = None) -> list[Diagnostic]:
    """lint, checked against validate(parse(...)): the fast and the full path must agree."""
    found = oss_process.lint(text, mode=mode)
    try:
        tree = oss_process.parse(text)
    except oss_process.ParseError:
        return found
    assert list(oss_process.validate(tree, mode=mode).diagnostics) == found
    return found


def span_of(d: Diagnostic) -> tuple[int, int]:
    return (d.span.start, d.span.end)


def values_of(directive: Directive) -> dict[str | None, object]:
    """Each parameter's typed value, by key."""
    return {p.key: p.value for s in directive.stages for a in s.actions for p in a.parameters}


def found(text: str, mode: str | None = None) -> Found:
    return [(d.code, span_of(d)) for d in lint(text, mode)]


def value_span(text: str, key: str, value: str) -> tuple[int, int]:
    """Where the value of ``,key_value`` sits in ``text``."""
    start = text.index(f",{key}_{value}") + len(key) + 2
    return (start, start + len(value))


def save_o(encoded: str, prefix: str = SAVE) -> str:
    return f"{prefix}o_{encoded}"


def unchecked_save() -> str:
    """An action with no parameter table, picked from the catalogue, then the save step: it
    sets no known variables, so no W309 can follow it. Skips the test when none is left."""
    entries = untabled()
    if not entries:
        pytest.skip("every action has a parameter table: none is left that sets no known variables")
    return f"{entries[0].name},w_100|sys/saveas,"


def save_b(encoded: str) -> str:
    return f"{SAVE}b_{encoded},o_{b64('out.aac')}"


def with_topic(encoded: str) -> str:
    return f"{SAVE}o_{b64('out.aac')}/notify,topic_{encoded}"


def only(text: str, key: str, value: str, mode: str | None = None) -> Diagnostic:
    """The one diagnostic of ``text``, which must point at the value of ``key``."""
    diagnostics = lint(text, mode)
    assert len(diagnostics) == 1, diagnostics
    assert span_of(diagnostics[0]) == value_span(text, key, value)
    return diagnostics[0]


def assert_clean(text: str, mode: str | None = None) -> None:
    assert lint(text, mode) == []
    assert oss_process.canonicalize(text, mode=mode) == text


def assert_invalid(text: str) -> None:
    with pytest.raises(oss_process.InvalidDirectiveError):
        oss_process.canonicalize(text)


def built(o: str, b: str | None = None, topic: str | None = None) -> Directive:
    """audio/convert,f_aac|sys/saveas,[b_..,]o_..[|notify,topic_..] as a tree, no spans."""
    save = ((Parameter("b", b),) if b is not None else ()) + (Parameter("o", o),)
    stages = [
        Stage("audio", (Action("convert", (Parameter("f", "aac"),)),)),
        Stage("sys", (Action("saveas", save),)),
    ]
    if topic is not None:
        stages.append(Stage(None, (Action("notify", (Parameter("topic", topic),)),)))
    return Directive(tuple(stages))


# --- Base64 ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.aac", "a", "ab", "abc", "dir/sub/out.{autoext}", "中文/音频.mp3"])
def test_unpadded_url_safe_base64_is_clean(name: str) -> None:
    assert_clean(save_o(b64(name)))


@pytest.mark.parametrize(
    ("padded", "canonical"),
    [("dGVzdC5qcGc=", "dGVzdC5qcGc"), ("YQ==", "YQ"), ("YWI=", "YWI")],
)
def test_padding_warns_w302_and_canonical_drops_it(padded: str, canonical: str) -> None:
    text = save_o(padded)
    d = only(text, "o", padded)
    assert d.code == "W302"
    assert d.severity == "warning"
    assert not d.is_error
    assert d.hint == "drop the trailing '='"
    assert oss_process.canonicalize(text) == save_o(canonical)


def test_padding_on_bucket_and_topic_warns_and_is_dropped() -> None:
    # The Go SDK's mock test pads both names; the notify doc pads the topic (dGVzdA==).
    text = f"{SAVE}o_dGVzdC5qcGc=,b_ZGVzdC1idWNrZXQ=/notify,topic_dGVzdA=="
    assert found(text) == [
        ("W302", value_span(text, "o", "dGVzdC5qcGc=")),
        ("W302", value_span(text, "b", "ZGVzdC1idWNrZXQ=")),
        ("W302", value_span(text, "topic", "dGVzdA==")),
    ]
    assert oss_process.canonicalize(text) == f"{SAVE}b_ZGVzdC1idWNrZXQ,o_dGVzdC5qcGc/notify,topic_dGVzdA"


def test_padded_and_unpadded_decode_to_the_same_name() -> None:
    padded = oss_process.validate(oss_process.parse(save_o("dGVzdC5qcGc=")))
    unpadded = oss_process.validate(oss_process.parse(save_o("dGVzdC5qcGc")))
    assert padded.directive.stages[1].actions[0].parameters[0].value == "test.jpg"
    assert unpadded.directive.stages[1].actions[0].parameters[0].value == "test.jpg"
    assert padded.ok
    assert [d.code for d in padded.warnings] == ["W302"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("YQ=", "o: wrong Base64 padding: 1 '=' where 2 belong"),
        ("YQ===", "o: wrong Base64 padding: 3 '=' where 2 belong"),
        ("YWJj=", "o: wrong Base64 padding: 1 '=' where 0 belong"),
        ("YWJj==", "o: wrong Base64 padding: 2 '=' where 0 belong"),
        ("YWI==", "o: wrong Base64 padding: 2 '=' where 1 belong"),
    ],
)
def test_wrong_padding_count_is_e300(value: str, message: str) -> None:
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E300"
    assert d.is_error
    assert d.message == message
    assert_invalid(text)


def test_padding_alone_is_a_syntax_error_and_e300_in_a_tree() -> None:
    text = save_o("==")
    start = text.index("==")
    assert found(text) == [("E010", (start, start + 1))]
    tree = built("==")
    result = oss_process.validate(tree)
    assert [(d.code, span_of(d), d.message) for d in result.diagnostics] == [
        ("E300", (start, start + 2), "o: wrong Base64 padding: 2 '=' where 0 belong")
    ]


@pytest.mark.parametrize("value", ["Y", "YWJjZ", "YWJjZ==="])
def test_length_that_encodes_no_whole_bytes_is_e300(value: str) -> None:
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E300"
    assert d.message == f"o: {len(value.rstrip('='))} Base64 characters cannot encode whole bytes"
    assert_invalid(text)


@pytest.mark.parametrize("value", ["a.b", "dGVzdC5qcGc.", ".YQ"])
def test_dot_in_a_value_is_e300(value: str) -> None:
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E300"
    assert d.message == "o: '.' is not a URL-safe Base64 character"
    assert d.hint is None
    assert_invalid(text)


@pytest.mark.parametrize("value", ["QR==", "YR==", "YWK="])
def test_padded_last_character_with_unused_bits_is_e300(value: str) -> None:
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E300"
    assert d.message == "o: the last Base64 character has unused bits set: no encoder writes this"


@pytest.mark.parametrize("value", ["QR", "YR", "YWK"])
def test_unpadded_last_character_with_unused_bits_is_e300(value: str) -> None:
    text = save_o(value)
    assert found(text) == [("E300", value_span(text, "o", value))]
    assert_invalid(text)
    # Its canonical twin (unused bits zero) is fine.
    assert_clean(save_o({"QR": "QQ", "YR": "YQ", "YWK": "YWI"}[value]))


@pytest.mark.parametrize("value", ["QR", "YWK"])
def test_unpadded_unused_bits_message_names_the_unused_bits(value: str) -> None:
    d = only(save_o(value), "o", value)
    assert d.message == "o: the last Base64 character has unused bits set: no encoder writes this"


def test_standard_plus_inside_a_value_is_named_e311() -> None:
    # Standard Base64 of "a?>aac" has a '+', which the directive language does not have.
    standard = base64.b64encode(b"a?>aac").decode()
    assert standard == "YT8+YWFj"
    text = save_o(standard)
    start = text.index(standard)
    assert found(text) == [("E311", (start, start + len(standard)))]
    (d,) = oss_process.lint(text)
    assert d.hint == "use URL-safe Base64 ('-' for '+', '_' for '/', no '=' padding): o_YT8-YWFj"
    with pytest.raises(oss_process.ParseError):
        oss_process.canonicalize(text)
    # Where the '+' decodes to nothing, it is named alone (E013) with the same advice.
    (plus,) = oss_process.lint(save_o("a+b"))
    assert plus.code == "E013"
    assert plus.hint == "encode names with URL-safe Base64: '-' instead of '+' and '_' instead of '/'"


def test_standard_slash_inside_a_value_is_named_e311_not_its_symptoms() -> None:
    # Standard Base64 of "a??b" is "YT8/Yg==": read as written, the '/' ends o_ and starts
    # an action "Yg" (E104, E108, E101); the cause is named once instead.
    standard = base64.b64encode(b"a??b").decode().rstrip("=")
    assert standard == "YT8/Yg"
    text = save_o(standard)
    start = text.index(standard)
    assert found(text) == [("E311", (start, start + len(standard)))]
    # validate of the tree it parses to says the same (the printed text is the text).
    assert [d.code for d in oss_process.validate(oss_process.parse(text)).diagnostics] == ["E311"]
    # The URL-safe spelling of the same bytes is a fine object name.
    url_safe = save_o("YT8_Yg")
    assert_clean(url_safe)
    tree = oss_process.validate(oss_process.parse(url_safe)).directive
    assert tree.stages[1].actions[0].parameters[0].value == "a??b"


def test_standard_slash_at_the_end_is_e011() -> None:
    text = save_o(base64.b64encode(b"???").decode())
    assert text.endswith("o_Pz8/")
    assert found(text) == [("E011", (len(text), len(text)))]


@pytest.mark.parametrize(
    ("o", "b", "topic", "key", "bad"),
    [
        ("a+b/", None, None, "o", "a+b/"),
        ("YT8+", None, None, "o", "YT8+"),
        ("YT8/Yg", None, None, "o", "YT8/Yg"),
        ("eA", "b3V0+", None, "b", "b3V0+"),
        ("eA", None, "a+b/", "topic", "a+b/"),
    ],
)
def test_standard_alphabet_in_a_built_tree_is_e300(o: str, b: str | None, topic: str | None, key: str, bad: str) -> None:
    tree = built(o, b, topic)
    printed = oss_process.unparse(tree)
    result = oss_process.validate(tree)
    assert not result.ok
    assert [(d.code, span_of(d)) for d in result.diagnostics] == [("E300", value_span(printed, key, bad))]
    (d,) = result.diagnostics
    bad_char = "+" if "+" in bad else "/"
    assert d.message == f"{key}: {bad_char!r} is not a URL-safe Base64 character"
    assert d.hint == "use the URL-safe alphabet: '-' for '+', '_' for '/'"
    # The value was not decoded.
    values = values_of(result.directive)
    assert values[key] is None


def test_url_safe_twin_of_a_built_tree_validates() -> None:
    result = oss_process.validate(built("YT8_Yg", b64("outbucket"), b64("AudioConvert")))
    assert result.ok
    assert result.diagnostics == ()
    values = values_of(result.directive)
    assert values == {"f": "aac", "b": "outbucket", "o": "a??b", "topic": "AudioConvert"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe", "o: byte 0 of the decoded name is not valid UTF-8 (0xff)"),
        (b"abc\xc3", "o: byte 3 of the decoded name is not valid UTF-8 (0xc3)"),
        (b"ok/\xe4\xb8", "o: byte 3 of the decoded name is not valid UTF-8 (0xe4)"),
        (b"\xc0\xaf", "o: byte 0 of the decoded name is not valid UTF-8 (0xc0)"),
    ],
)
def test_bytes_that_are_not_utf8_are_e301(raw: bytes, message: str) -> None:
    value = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E301"
    assert d.message == message
    assert_invalid(text)


def test_padded_non_utf8_reports_only_e301() -> None:
    value = base64.urlsafe_b64encode(b"\xff\xfe").decode()
    assert value == "__4="
    text = save_o(value)
    assert found(text) == [("E301", value_span(text, "o", value))]


@pytest.mark.parametrize(
    ("name", "char", "at"),
    [
        ("a\x00b", "\x00", 1),
        ("\x00", "\x00", 0),
        ("a\tb", "\t", 1),
        ("a\x7f", "\x7f", 1),
        ("a\x85", "\x85", 1),
        ("x/\x1b[0m.aac", "\x1b", 2),
        ("a\r\n", "\r", 1),
        ("a\nb\n", "\n", 1),
    ],
)
def test_control_characters_in_an_object_name_warn_w305(name: str, char: str, at: int) -> None:
    value = b64(name)
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "W305"
    assert not d.is_error
    assert d.message == f"o: the object name contains the control character {char!r} at {at}"
    assert d.hint is None
    assert oss_process.canonicalize(text) == text


def test_trailing_newline_warns_w305_with_its_own_message() -> None:
    value = b64("out.aac\n")
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "W305"
    assert d.message == "o: the object name 'out.aac' ends with a newline"
    assert d.hint == "encode the name without the newline (echo -n, or strip it before encoding)"


def test_seed_example_object_name_ends_with_a_newline() -> None:
    value = "b3V0b2JqcHJlZml4LnthdXRvZXh0fQo"
    assert base64.urlsafe_b64decode(value + "=") == b"outobjprefix.{autoext}\n"
    d = only(SEED, "o", value, mode="async")
    assert d.code == "W305"
    assert d.message == "o: the object name 'outobjprefix.{autoext}' ends with a newline"
    assert d.hint == "encode the name without the newline (echo -n, or strip it before encoding)"
    assert oss_process.canonicalize(SEED, mode="async") == SEED
    values = values_of(oss_process.validate(oss_process.parse(SEED)).directive)
    assert values["b"] == "outbucket"
    assert values["o"] == "outobjprefix.{autoext}\n"
    assert values["topic"] == "AudioConvert"


# --- Bucket names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "abc",
        "a" * 63,
        "0ab",
        "a--b",
        "outbucket",
        "my-bucket-1",
        "123",
        "{bucket}",
        "{bucket}-out",
        "out-{bucket}-x",
        "{t_year}x",
        "{tags.dest}",
        "{bucket}{bucket}",
    ],
)
def test_valid_bucket_names(name: str) -> None:
    assert_clean(save_b(b64(name)))


def test_bucket_is_optional() -> None:
    assert_clean(save_o(b64("out.aac")))


def test_official_bucket_template_example() -> None:
    # help.aliyun.com/zh/oss/variables: b_e2J1Y2tldH0 is {bucket}.
    assert base64.urlsafe_b64decode("e2J1Y2tldH0=") == b"{bucket}"
    assert_clean(save_b("e2J1Y2tldH0"))


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("ab", None),
        ("a" * 64, None),
        ("a", None),
        ("Abc", "bucket names are lower-case"),
        ("OUTBUCKET", "bucket names are lower-case"),
        ("a_b", None),
        ("-ab", None),
        ("ab-", None),
        ("-", None),
        ("my.bucket", None),
        ("my bucket", None),
        ("bücket", None),
        ("ab\n", "encode the name without the newline (echo -n, or strip it before encoding)"),
    ],
)
def test_invalid_bucket_names_are_e303(name: str, hint: str | None) -> None:
    value = b64(name)
    text = save_b(value)
    d = only(text, "b", value)
    assert d.code == "E303"
    assert d.message == f"b: {name!r} is not a bucket name: 3-63 of a-z, 0-9, '-', starting and ending with a letter or digit"
    assert d.hint == hint
    assert_invalid(text)


@pytest.mark.parametrize("name", ["{bucket}_out", "{bucket}X", "{bucket}.x", "a{{b", "{{bucket}}"])
def test_bucket_template_with_illegal_literal_characters_is_e303(name: str) -> None:
    value = b64(name)
    text = save_b(value)
    d = only(text, "b", value)
    assert d.code == "E303"
    assert d.message == f"b: the bucket name {name!r} has characters other than a-z, 0-9 and '-'"
    assert_invalid(text)


def test_bucket_template_with_an_unknown_variable_is_e308() -> None:
    value = b64("{Bucket}")
    text = save_b(value)
    d = only(text, "b", value)
    assert d.code == "E308"
    assert d.message == "b: unknown template variable {Bucket}"
    assert d.hint == "did you mean 'bucket'? names are case-sensitive"


@pytest.mark.parametrize("name", ["-{bucket}", "{bucket}-", "{bucket}" + "a" * 61])
def test_bucket_template_that_can_never_be_valid_is_e303(name: str) -> None:
    assert errors(save_b(b64(name))) == ["E303"]


# --- Object names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "a",
        "a" * 1023,
        "中" * 341,
        "a" + "中" * 340 + "b",
        "a..b",
        ".hidden",
        "a/.b",
        "a./b",
        "...",
        "a/..b",
        "a/b../c",
        "dir/sub/file.aac",
        "Case/Sensitive.AAC",
        "with space.aac",
    ],
)
def test_valid_object_names(name: str) -> None:
    assert_clean(save_o(b64(name)))


@pytest.mark.parametrize(("name", "size"), [("a" * 1024, 1024), ("中" * 342, 1026), ("a" * 1022 + "é", 1024), ("中" * 341 + "a", 1024)])
def test_object_names_over_1023_bytes_are_e304(name: str, size: int) -> None:
    assert len(name.encode()) == size
    value = b64(name)
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E304"
    assert d.message == f"o: the object name is {size} bytes long; the limit is 1023"
    assert_invalid(text)


def test_empty_object_value_is_a_syntax_error() -> None:
    text = SAVE + "o_"
    assert found(text) == [("E011", (len(text), len(text)))]
    with pytest.raises(oss_process.ParseError):
        oss_process.canonicalize(text)


def test_empty_object_name_in_a_built_tree_is_e304() -> None:
    tree = built("")
    printed = oss_process.unparse(tree)
    assert printed == SAVE + "o_"
    result = oss_process.validate(tree)
    assert [(d.code, span_of(d), d.message) for d in result.diagnostics] == [
        ("E304", (len(printed), len(printed)), "o: the object name is empty")
    ]


@pytest.mark.parametrize(("name", "first"), [("/a", "/"), ("\\a", "\\"), ("/dir/out.aac", "/"), ("\\\\server", "\\")])
def test_object_name_starting_with_a_slash_is_e304(name: str, first: str) -> None:
    value = b64(name)
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E304"
    assert d.message == f"o: the object name {name!r} starts with {first!r}"
    assert d.hint == "remove the leading slash"
    assert_invalid(text)


@pytest.mark.parametrize("name", ["a/../b", "..", ".", "./x", "x/.", "a/./b", "x/..", "../x", "a/b/../../c", "{dirname}/../x"])
def test_dot_segments_are_e306(name: str) -> None:
    value = b64(name)
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E306"
    assert d.message == f"o: the object name {name!r} has a '.' or '..' segment"
    assert d.hint == "name the object without relative path segments"
    assert_invalid(text)


@pytest.mark.parametrize("name", ["a/", "dir/sub/", "{dirname}/"])
def test_trailing_slash_warns_w307(name: str) -> None:
    value = b64(name)
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "W307"
    assert not d.is_error
    assert d.message == f"o: the object name {name!r} ends with '/': a directory placeholder, not a file"
    assert oss_process.canonicalize(text) == text


def test_lone_slash_is_e304_and_w307() -> None:
    value = b64("/")
    text = save_o(value)
    span = value_span(text, "o", value)
    assert found(text) == [("E304", span), ("W307", span)]


def test_too_long_with_trailing_slash_reports_both() -> None:
    value = b64("a" * 1024 + "/")
    text = save_o(value)
    span = value_span(text, "o", value)
    assert found(text) == [("E304", span), ("W307", span)]


def test_leading_slash_and_dot_segment_report_both() -> None:
    value = b64("/a/../b")
    text = save_o(value)
    span = value_span(text, "o", value)
    assert found(text) == [("E304", span), ("E306", span)]


def test_escaped_braces_count_once_towards_the_byte_limit() -> None:
    assert_clean(save_o(b64("a" * 1020 + "{{}}")))


# --- Template variables ------------------------------------------------------------------

PUBLIC_VARIABLES = [
    "bucket",
    "key",
    "dirname",
    "barename",
    "basename",
    "ext",
    "year",
    "mon",
    "day",
    "hour",
    "min",
    "sec",
    "t_year",
    "t_mon",
    "t_day",
    "t_hour",
    "t_min",
    "t_sec",
    "tags.owner",
    "tags.a",
]


@pytest.mark.parametrize("variable", PUBLIC_VARIABLES)
def test_every_public_variable_is_accepted(variable: str) -> None:
    assert_clean(save_o(b64(f"out/{{{variable}}}.aac")))
    assert_clean(save_o(b64(f"x{{{variable}}}")))


def test_public_variables_together() -> None:
    name = "{dirname}/{barename}-{year}{mon}{day}{hour}{min}{sec}-{t_year}{t_mon}{t_day}{t_hour}{t_min}{t_sec}.{ext}"
    assert_clean(save_o(b64(name)))
    assert_clean(save_o(b64("{bucket}/{key}/{basename}/{tags.env}")))


@pytest.mark.parametrize(
    "name",
    ["out.{autoext}", "out_{streamindex}.{autoext}", "{dirname}/{barename}_{streamindex}.{autoext}", "{key}.{autoext}"],
)
def test_audio_convert_variables_are_accepted(name: str) -> None:
    assert_clean(save_o(b64(name)))


@pytest.mark.parametrize("name", ["a{{b}}c", "{{autoext}}", "{{index}}", "{{resolution}}.aac", "x{{", "}}", "{{", "{{{autoext}}}", "{{}}"])
def test_brace_escapes_are_accepted(name: str) -> None:
    assert_clean(save_o(b64(name)))


def test_unknown_variable_sep_is_e308_with_did_you_mean() -> None:
    value = b64("out{sep}1.aac")
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E308"
    assert d.message == "o: unknown template variable {sep}"
    assert d.hint == "did you mean 'sec'?"
    assert_invalid(text)


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        ("{Autoext}", "o: unknown template variable {Autoext}", "did you mean 'autoext'? names are case-sensitive"),
        ("{ autoext}", "o: unknown template variable { autoext}", "did you mean 'autoext'?"),
        ("{}", "o: unknown template variable {}", None),
        ("{tags.}", "o: unknown template variable {tags.}", None),
        ("{zzzz}", "o: unknown template variable {zzzz}", None),
    ],
)
def test_unknown_variables_are_e308(name: str, message: str, hint: str | None) -> None:
    value = b64(name)
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E308"
    assert d.message == message
    assert d.hint == hint


def test_each_unknown_variable_is_reported() -> None:
    value = b64("{a}{b}")
    text = save_o(value)
    span = value_span(text, "o", value)
    assert found(text) == [("E308", span), ("E308", span)]
    assert [d.message for d in lint(text)] == ["o: unknown template variable {a}", "o: unknown template variable {b}"]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("{a", "'{' at 0 is never closed (write '{{' for a literal brace)"),
        ("a}", "'}' at 1 closes nothing (write '}}' for a literal brace)"),
        ("out.{autoext", "'{' at 4 is never closed (write '{{' for a literal brace)"),
        ("{{a}", "'}' at 3 closes nothing (write '}}' for a literal brace)"),
    ],
)
def test_unbalanced_braces_are_e308(name: str, problem: str) -> None:
    value = b64(name)
    text = save_o(value)
    d = only(text, "o", value)
    assert d.code == "E308"
    assert d.message == f"o: template {name!r}: {problem}"
    assert_invalid(text)


@pytest.mark.parametrize("variable", ["resolution", "sheetname", "index"])
def test_variable_audio_convert_does_not_set_warns_w309(variable: str) -> None:
    value = b64(f"out/{{{variable}}}.aac")
    text = save_o(value)
    (d,) = lint(text)
    assert d.code == "W309"
    assert not d.is_error
    assert span_of(d) == value_span(text, "o", value)
    assert d.message == f"o: {{{variable}}} is not set by audio/convert"
    assert d.hint == "variables it sets: {autoext}, {streamindex}"
    assert oss_process.canonicalize(text) == text


def test_w309_in_the_bucket_name() -> None:
    value = b64("{index}")
    text = save_b(value)
    (d,) = lint(text)
    assert (d.code, span_of(d)) == ("W309", value_span(text, "b", value))
    assert d.message == "b: {index} is not set by audio/convert"


def test_w309_for_a_variable_between_escapes() -> None:
    # "{{{index}}}" is a literal brace, the variable {index}, a literal brace.
    value = b64("{{{index}}}")
    text = save_o(value)
    assert found(text) == [("W309", value_span(text, "o", value))]


def test_unknown_variable_hides_w309() -> None:
    value = b64("{sep}{resolution}")
    text = save_o(value)
    assert found(text) == [("E308", value_span(text, "o", value))]


@pytest.mark.parametrize("name", ["{resolution}", "{sheetname}", "{index}.png", "{autoext}"])
def test_no_w309_after_an_action_without_a_table(name: str) -> None:
    text = save_o(b64(name), prefix=unchecked_save())
    assert codes(text) == ["W102"]
    assert oss_process.canonicalize(text) == text


def test_unknown_variable_is_e308_after_an_action_without_a_table() -> None:
    value = b64("{sep}")
    text = save_o(value, prefix=unchecked_save())
    assert found(text) == [("W102", (0, text.index("|"))), ("E308", value_span(text, "o", value))]


# help.aliyun.com/zh/oss/variables: b_e2J1Y2tldH0 ({bucket}), o_ZG9jX2ltYWdlcy97aW5kZXh9LnBuZw.
OFFICIAL_VARIABLES = "b_e2J1Y2tldH0,o_ZG9jX2ltYWdlcy97aW5kZXh9LnBuZw"


def test_official_variables_example() -> None:
    assert base64.urlsafe_b64decode("ZG9jX2ltYWdlcy97aW5kZXh9LnBuZw==") == b"doc_images/{index}.png"
    text = SAVE + OFFICIAL_VARIABLES
    assert found(text) == [("W309", value_span(text, "o", "ZG9jX2ltYWdlcy97aW5kZXh9LnBuZw"))]


def test_official_variables_example_after_an_action_without_a_table() -> None:
    assert codes(unchecked_save() + OFFICIAL_VARIABLES) == ["W102"]


# --- Topics ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["AudioConvert", "a" * 255, "x", "1abc", "a-b", "Z9-", "test", "test-topic"])
def test_valid_topics(name: str) -> None:
    assert_clean(with_topic(b64(name)), mode="async")
    assert_clean(with_topic(b64(name)))


def test_seed_topic() -> None:
    assert base64.urlsafe_b64decode("QXVkaW9Db252ZXJ0==") == b"AudioConvert"
    assert b64("AudioConvert") == "QXVkaW9Db252ZXJ0"
    assert_clean(with_topic("QXVkaW9Db252ZXJ0"), mode="async")


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("-x", None),
        ("a_b", None),
        ("Audio Convert", None),
        ("a.b", None),
        ("中文", None),
        ("{bucket}", None),
        ("a\n", "encode the name without the newline (echo -n, or strip it before encoding)"),
    ],
)
def test_invalid_topics_are_e310(name: str, hint: str | None) -> None:
    value = b64(name)
    text = with_topic(value)
    d = only(text, "topic", value, mode="async")
    assert d.code == "E310"
    assert d.message == f"topic: {name[:70]!r} is not a topic name: 1-255 letters, digits and '-', starting with a letter or digit"
    assert d.hint == hint
    assert_invalid(text)


@pytest.mark.parametrize("length", [256, 300, 1000])
def test_an_over_long_topic_says_its_length_and_the_limit(length: int) -> None:
    value = b64("a" * length)
    text = with_topic(value)
    d = only(text, "topic", value, mode="async")
    assert (d.code, d.message) == ("E310", f"topic: the topic name is {length} characters long; the limit is 255")
    assert_invalid(text)


def test_topic_base64_problems_use_the_base64_codes() -> None:
    text = with_topic("a.b")
    assert found(text) == [("E300", value_span(text, "topic", "a.b"))]
    bad = base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("=")
    text = with_topic(bad)
    assert found(text) == [("E301", value_span(text, "topic", bad))]


def test_topic_is_required() -> None:
    text = f"{SAVE}o_{b64('out.aac')}/notify"
    start = text.index("notify")
    (d,) = lint(text)
    assert (d.code, span_of(d)) == ("E202", (start, start + len("notify")))
    assert d.hint == "add topic_<URL-safe Base64 of a message-queue topic name>"
    assert_invalid(text)


def test_notify_is_not_for_synchronous_processing() -> None:
    text = with_topic(b64("AudioConvert"))
    notify = text.index("notify")
    assert ("E103", (notify, len(text))) in found(text, mode="sync")


# --- sys/saveas parameters and canonical form --------------------------------------------


def test_object_is_required_e202() -> None:
    text = f"{SAVE}b_{b64('outbucket')}"
    start = text.index("saveas")
    (d,) = lint(text)
    assert (d.code, span_of(d)) == ("E202", (start, len(text)))
    assert d.hint == "add o_<URL-safe Base64 of an object name>"
    assert_invalid(text)


def test_saveas_alone_is_e109() -> None:
    text = f"sys/saveas,o_{b64('out.aac')}"
    assert errors(text) == ["E109"]


def test_canonical_order_is_bucket_then_object() -> None:
    o, b = b64("out.{autoext}"), b64("outbucket")
    assert oss_process.canonicalize(f"{SAVE}o_{o},b_{b}") == f"{SAVE}b_{b},o_{o}"
    assert lint(f"{SAVE}o_{o},b_{b}") == []
    assert_clean(f"{SAVE}b_{b},o_{o}")


def test_notify_stage_after_saveas_is_chained_with_a_slash() -> None:
    o, b, topic = b64("out.{autoext}"), b64("outbucket"), b64("AudioConvert")
    text = f"{SAVE}o_{o},b_{b}|notify,topic_{topic}"
    assert lint(text, mode="async") == []
    expected = f"{SAVE}b_{b},o_{o}/notify,topic_{topic}"
    assert oss_process.canonicalize(text, mode="async") == expected
    assert oss_process.canonicalize(text) == expected
    assert_clean(expected, mode="async")


def test_brief_example_directive_is_clean() -> None:
    text = f"audio/convert,f_aac|sys/saveas,b_{b64('outbucket')},o_{b64('out.{autoext}')}/notify,topic_{b64('AudioConvert')}"
    assert_clean(text, mode="async")


def test_several_name_problems_are_all_reported_in_source_order() -> None:
    b, o, topic = b64("Bad_Bucket"), b64("/x/../y/"), b64("-topic")
    text = f"{SAVE}b_{b},o_{o}/notify,topic_{topic}"
    o_span = value_span(text, "o", o)
    assert found(text, mode="async") == [
        ("E303", value_span(text, "b", b)),
        ("E304", o_span),
        ("E306", o_span),
        ("W307", o_span),
        ("E310", value_span(text, "topic", topic)),
    ]
    with pytest.raises(oss_process.InvalidDirectiveError) as info:
        oss_process.canonicalize(text, mode="async")
    assert [d.code for d in info.value.diagnostics] == ["E303", "E304", "E306", "E310", "W307"]


def test_span_type_is_span() -> None:
    (d,) = lint(save_o("YQ=="))
    assert isinstance(d.span, Span)
