"""A bucket's styles: ``Styles`` read from ListStyle's XML or the JSON form, each
``style/<name>`` resolved by lint, check and canonicalize, and the style delimiters of
a URL. Expected texts, spans and columns are worked out by hand from the inputs."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple, Protocol

import pytest

import oss_process
from oss_process import (
    MAX_LENGTH,
    ArgumentError,
    Diagnostic,
    DirectiveError,
    InvalidDirectiveError,
    Mode,
    ParseError,
    Span,
    Styles,
    StylesError,
    canonicalize,
    check,
    cli,
    from_url,
    lint,
    render,
)
from oss_process.styles import MAX_STYLES, MAX_STYLES_FILE
from oss_process.tables import MAX_DIAGNOSTICS
from tests.helpers import b64

ROOT = Path(__file__).resolve().parent.parent
HOST = "https://examplebucket.oss-cn-hangzhou.aliyuncs.com"

# ListStyle's answer as the service sends it: the shape of the API page's example and of
# oss2's unit test (unittests/test_bucket.py, test_list_bucket_style), with the Category
# field the API page lists.
LIST_STYLE = """<?xml version="1.0" encoding="UTF-8"?>
<StyleList>
 <Style>
 <Name>imagestyle</Name>
 <Content>image/resize,p_50</Content>
 <Category>image</Category>
 <CreateTime>Wed, 20 May 2020 12:07:15 GMT</CreateTime>
 <LastModifyTime>Wed, 21 May 2020 12:07:15 GMT</LastModifyTime>
 </Style>
 <Style>
 <Name>imagestyle1</Name>
 <Content>image/resize,w_200</Content>
 <CreateTime>Wed, 20 May 2020 12:08:04 GMT</CreateTime>
 <LastModifyTime>Wed, 21 May 2020 12:08:04 GMT</LastModifyTime>
 </Style>
 <Style>
 <Name>imagestyle2</Name>
 <Content>image/resize,w_300</Content>
 <CreateTime>Fri, 12 Mar 2021 06:19:13 GMT</CreateTime>
 <LastModifyTime>Fri, 13 Mar 2021 06:27:21 GMT</LastModifyTime>
 </Style>
</StyleList>"""

# Styles of tabled actions only, so the expected diagnostics follow from the tables.
STYLES = Styles(
    {
        "upright": "image/auto-orient,1",
        "tilt": "image/auto-orient,1/rotate,400",  # rotate's value at column 28
        "aac": "audio/convert,ab_96000,f_aac,ss_0",  # not canonical: f before ab, ss_0 dropped
        "saved": f"audio/convert,f_aac|sys/saveas,o_{b64('a.aac')}",
        "spaced": "image/rotate, 90",
        "unfinished": "image/rotate,90|",
        "nested": "style/aac",
        "self": "style/self",
        "ping": "style/pong",
        "pong": "style/ping",
    },
    delimiters="!",
)
SAVE = f"sys/saveas,o_{b64('out.jpg')}"
ONE = "<Style><Name>a</Name><Content>x</Content></Style>"


def found(text: str, **options: object) -> list[tuple[str, str, str]]:
    """(code, the text under the span, message) of each diagnostic."""
    return [(d.code, text[d.span.start : d.span.end], d.message) for d in lint(text, **options)]  # type: ignore[arg-type]


# --- Reading the styles -------------------------------------------------------------------


def test_list_style_xml_as_the_service_sends_it() -> None:
    styles = Styles.from_xml(LIST_STYLE)
    assert dict(styles) == {"imagestyle": "image/resize,p_50", "imagestyle1": "image/resize,w_200", "imagestyle2": "image/resize,w_300"}
    assert styles.delimiters == ""  # ListStyle does not say them
    assert Styles.from_xml(LIST_STYLE.encode(), delimiters="!").delimiters == "!"  # bytes, as read from the wire


def test_get_style_answers_one_style_and_an_empty_list_is_a_bucket_without_styles() -> None:
    one = "<Style><Name>imagestyle</Name><Content>image/resize,p_50</Content><CreateTime>x</CreateTime></Style>"
    assert dict(Styles.from_xml(one)) == {"imagestyle": "image/resize,p_50"}
    assert len(Styles.from_xml("<StyleList></StyleList>")) == 0
    assert dict(Styles.from_xml("\ufeff<StyleList><Style><Name>a</Name><Content>b</Content><Future>x</Future></Style></StyleList>")) == {
        "a": "b"
    }


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ("<StyleList><Style><Name>a</Name></StyleList>", r"^x\.xml: not well-formed XML: mismatched tag at line 1, column 35$"),
        ("<StyleList><Style><Name>a&foo;</Name></Style></StyleList>", "undefined entity"),
        (
            '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><StyleList>&b;</StyleList>',
            "DOCTYPE or ENTITY declaration",
        ),
        ('<!DOCTYPE StyleList SYSTEM "file:///etc/passwd"><StyleList/>', "DOCTYPE or ENTITY declaration"),
        ("<ListStyleResult/>", r"the root element is <ListStyleResult>: ListStyle answers <StyleList>"),
        ("<Error><Code>AccessDenied</Code><Message>You have no right.</Message></Error>", r"an OSS error answer \(AccessDenied"),
        ("<StyleList><Style><Content>image/resize,p_50</Content></Style></StyleList>", "style 1 has no <Name>"),
        (f"<StyleList>{ONE}<Style><Name>b</Name></Style></StyleList>", "style 2 has no <Content>"),
        (f"<StyleList>{ONE}{ONE}</StyleList>", "the style 'a' is given twice"),
        ("<Style><Name>my style</Name><Content>x</Content></Style>", r"the style name 'my style' is not 1-63 letters"),
        (f"<Style><Name>{'a' * 64}</Name><Content>x</Content></Style>", "is not 1-63 letters"),
        ("<Style><Name>a</Name><Content></Content></Style>", "the style 'a' is empty"),
    ],
)
def test_what_is_not_liststyle_xml_is_refused_naming_the_file(document: str, says: str) -> None:
    with pytest.raises(StylesError, match=says) as raised:
        Styles.from_xml(document, origin="x.xml")
    assert str(raised.value).startswith("x.xml: ")
    assert isinstance(raised.value, DirectiveError)


def test_a_bucket_holds_at_most_fifty_styles() -> None:
    def xml(count: int) -> str:
        styles = "".join(f"<Style><Name>s{i}</Name><Content>image/rotate,90</Content></Style>" for i in range(count))
        return f"<StyleList>{styles}</StyleList>"

    assert len(Styles.from_xml(xml(MAX_STYLES))) == MAX_STYLES == 50
    with pytest.raises(StylesError, match=r"^x\.xml: 51 styles: a bucket holds at most 50$"):
        Styles.from_xml(xml(MAX_STYLES + 1), origin="x.xml")
    with pytest.raises(StylesError, match="51 styles"):
        Styles.from_json(json.dumps({"styles": {f"s{i}": "image/rotate,90" for i in range(51)}}))
    with pytest.raises(StylesError, match="51 styles"):
        Styles({f"s{i}": "image/rotate,90" for i in range(51)})


def test_the_json_form_with_its_delimiters() -> None:
    styles = Styles.from_json('{"delimiters": ["!", "-"], "styles": {"thumb": "image/resize,w_200"}}')
    assert (dict(styles), styles.delimiters) == ({"thumb": "image/resize,w_200"}, "-!")  # in OSS's order
    assert Styles.from_json('{"styles": {}}') == Styles()


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ("{", "not valid JSON: Expecting property name"),
        ('["thumb"]', r'the JSON is a list: a styles file is an object \{"styles"'),
        ('{"thumb": "image/resize,w_200"}', "unknown key 'thumb': a styles file holds delimiters and styles"),
        ('{"delimiters": ["!"]}', '"styles" is missing'),
        ('{"styles": ["thumb"]}', '"styles" is a list'),
        ('{"styles": {"thumb": 200}}', "the style 'thumb' is a number: a style is a directive, a string"),
        ('{"styles": {"thumb": "a", "thumb": "b"}}', "the key 'thumb' is given twice"),
        ('{"styles": {"a b": "x"}}', "the style name 'a b' is not"),
        ('{"styles": {}, "delimiters": "!"}', '"delimiters" is a string: it is a list of characters'),
        ('{"styles": {}, "delimiters": ["?"]}', r"'\?' is not a style delimiter: OSS offers -, _, /, !"),
        ('{"styles": {}, "delimiters": ["!-"]}', "'!-' is not a style delimiter"),
    ],
)
def test_what_is_not_the_json_form_is_refused_naming_the_file(document: str, says: str) -> None:
    with pytest.raises(StylesError, match=says) as raised:
        Styles.from_json(document, origin="s.json")
    assert str(raised.value).startswith("s.json: ")


def test_load_chooses_by_the_first_character_and_names_the_file(tmp_path: Path) -> None:
    xml, json_file = tmp_path / "styles.xml", tmp_path / "styles.json"
    xml.write_text(LIST_STYLE, encoding="utf-8")
    json_file.write_text('\n  {"delimiters": ["!"], "styles": {"thumb": "image/resize,w_200"}}', encoding="utf-8")
    assert Styles.load(xml) == Styles.from_xml(LIST_STYLE)
    assert Styles.load(str(json_file)).delimiters == "!"
    assert Styles.load(json_file, delimiters="-_").delimiters == "-_"  # the caller's replace the file's
    assert Styles.load(ROOT / "examples" / "styles.xml") == Styles.load(ROOT / "examples" / "styles.json").with_delimiters("")

    for content, says in [
        (b"", "is empty"),
        (b"thumb: image/resize,w_200", "starts with 't': a styles file is ListStyle's XML"),
        (b"<StyleList>\xff</StyleList>", "byte 11 is not UTF-8"),
        (b" " * MAX_STYLES_FILE + b"{}", f"longer than {MAX_STYLES_FILE} bytes"),
    ]:
        bad = tmp_path / "bad.txt"
        bad.write_bytes(content)
        with pytest.raises(StylesError, match=f"^{bad}: .*{says}"):
            Styles.load(bad)
    with pytest.raises(StylesError, match=f"^{tmp_path / 'none.xml'}: cannot read it: No such file"):
        Styles.load(tmp_path / "none.xml")


def test_styles_are_an_immutable_hashable_picklable_mapping() -> None:
    styles = Styles({"b": "image/rotate,90", "a": "image/rotate,180"}, delimiters="!-")
    assert (styles["a"], "b" in styles, len(styles), styles.delimiters) == ("image/rotate,180", True, 2, "-!")
    assert styles == Styles({"a": "image/rotate,180", "b": "image/rotate,90"}, delimiters=["-", "!"])
    assert hash(styles) == hash(Styles({"a": "image/rotate,180", "b": "image/rotate,90"}, delimiters="-!"))
    assert styles != styles.with_delimiters("")
    assert pickle.loads(pickle.dumps(styles)) == styles
    assert repr(Styles({"a": "x"}, delimiters="!")) == "Styles({'a': 'x'}, delimiters='!')"
    with pytest.raises(AttributeError):
        styles.delimiters = "-"
    with pytest.raises(ArgumentError, match="styles must be a mapping"):
        Styles(["a"])  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=r"a style's name and content are str, not int \(1\)"):
        Styles({"a": 1})  # type: ignore[dict-item]
    error = StylesError("x.xml: broken")
    assert (str(pickle.loads(pickle.dumps(error))), error.diagnostics) == ("x.xml: broken", ())


# --- Resolving style/<name> -------------------------------------------------------------


def test_without_styles_nothing_changes() -> None:
    for text in ["style/thumb", f"style/thumb|{SAVE}", "style/tilt|image/rotate,400", "style/a|style/b"]:
        assert lint(text, styles=None) == lint(text)
        assert check(text).diagnostics == tuple(lint(text))
    assert lint("style/thumb") == []  # not checked
    assert canonicalize(f"style/thumb|{SAVE}") == f"style/thumb|{SAVE}"


def test_a_style_the_bucket_does_not_have_is_an_error() -> None:
    [unknown] = lint("style/uprigth", styles=STYLES)
    assert (unknown.code, unknown.severity, unknown.span) == ("E112", "error", Span(6, 13))
    assert unknown.message == "the bucket has no style 'uprigth': OSS answers NoSuchStyle"
    assert unknown.hint == "did you mean 'upright'?"
    assert lint("style/zzz", styles=Styles({"a": "x", "b": "y"}))[0].hint == "its styles: a, b"
    assert lint("style/zzz", styles=Styles())[0].hint == "the styles given hold none"
    # A name longer than any style's is E110 alone: no bucket can have it.
    assert [d.code for d in lint("style/" + "a" * 64, styles=STYLES)] == ["E110"]
    with pytest.raises(InvalidDirectiveError) as raised:
        canonicalize("style/uprigth", styles=STYLES)
    assert [d.code for d in raised.value.diagnostics] == ["E112"]


def test_a_styles_content_is_checked_and_said_at_the_style_with_its_column() -> None:
    text = f"style/tilt|{SAVE}"
    [rotate] = lint(text, styles=STYLES)
    assert (rotate.code, rotate.span) == ("E206", Span(6, 10))  # the style's name
    # "image/auto-orient,1/rotate,400": the value 400 starts at column 28 of the content.
    assert rotate.message == "style tilt, at column 28: degrees: 400 is above the maximum, 360"
    assert render(rotate, text).splitlines()[1:3] == [f"    {text}", "          ^^^^"]


def test_the_text_around_a_style_keeps_its_own_places() -> None:
    text = "image/rotate,400|style/tilt|image/rotate,500"
    assert found(text, styles=STYLES) == [
        ("E206", "400", "degrees: 400 is above the maximum, 360"),
        ("E206", "tilt", "style tilt, at column 28: degrees: 400 is above the maximum, 360"),
        ("E206", "500", "degrees: 500 is above the maximum, 360"),
    ]


def test_the_styles_stages_come_first_then_the_rest() -> None:
    # The style saves already: the save after it is a second one, as written out.
    assert found(f"style/saved|{SAVE}", mode="async", styles=STYLES) == [("E108", SAVE.removeprefix("sys/"), "sys/saveas appears twice")]
    # An async job whose style saves its output: no W111, which the style alone would get.
    assert [d.code for d in lint("style/saved", mode="async")] == ["W111"]
    assert lint("style/saved", mode="async", styles=STYLES) == []
    assert lint(f"style/aac|{SAVE}", mode="async", styles=STYLES) == []


def test_a_style_is_checked_in_the_mode_of_the_request() -> None:
    [mode] = lint("style/aac", mode="sync", styles=STYLES)
    assert mode.code == "E103"
    assert mode.message.startswith("style aac, at column 7: audio/convert runs only in asynchronous processing")
    assert [d.code for d in lint(f"style/upright|{SAVE}", mode="async", styles=STYLES)] == ["E103"]


def test_a_content_that_breaks_the_grammar_is_said_as_it_is() -> None:
    # Spliced in, "image/rotate,90|" would run into the pipe after it: its own E011 is said.
    assert found(f"style/unfinished|{SAVE}", styles=STYLES) == [
        ("E011", "unfinished", "style unfinished, at column 17: " + lint("image/rotate,90|")[0].message)
    ]
    [space] = lint("style/spaced", styles=STYLES)
    assert (space.code, space.message) == ("E012", "style spaced, at column 14: unexpected space after ','")


def test_a_style_inside_a_style_is_resolved_with_a_warning_and_a_loop_is_an_error() -> None:
    assert found(f"style/nested|{SAVE}", mode="async", styles=STYLES) == [
        (
            "W114",
            "nested",
            "style nested, at column 7: the style aac is named inside another style: "
            "OSS does not document that a style's content may use a style",
        )
    ]
    assert canonicalize(f"style/nested|{SAVE}", mode="async", styles=STYLES, expand_styles=True) == f"audio/convert,f_aac,ab_96000|{SAVE}"
    [loop] = lint("style/self", styles=STYLES)
    assert (loop.code, loop.span, loop.message) == (
        "E113",
        Span(6, 10),
        "style self, at column 7: the style self names itself (self -> self): its expansion never ends",
    )
    codes = [(d.code, d.message.split(": the")[0]) for d in lint("style/ping", styles=STYLES)]
    assert codes == [("E113", "style ping, at column 7: style pong, at column 7"), ("W114", "style ping, at column 7")]


def test_the_expansion_is_bounded() -> None:
    # Six references to b, each of six to c: the expansion would be 36 times c's length.
    big = Styles({"a": "|".join(["style/b"] * 6), "b": "|".join(["style/c"] * 6), "c": "image/rotate," + "9" * 300})
    [over] = lint("style/a", styles=big)
    assert (over.code, over.span) == ("E001", Span(0, 7))
    assert over.message == f"with its styles expanded, the directive is longer than {MAX_LENGTH} characters, the limit"
    commas = Styles({"a": "image/rotate,90" + ",," * 70})  # 141 commas: within the limit alone
    [parameters] = lint("style/a|style/a", styles=commas)
    assert (parameters.code, parameters.span) == ("E002", Span(0, 15))
    assert parameters.message == "with its styles expanded, the directive has 282 parameters; the limit is 256"
    # A content over the limit on its own is said at the style, as that content's check says it.
    [alone] = lint("style/a", styles=Styles({"a": "image/rotate,90" + ",," * 200}))
    assert (alone.code, alone.span) == ("E002", Span(6, 7))
    assert alone.message == "style a, at column 1: the directive has 401 parameters; the limit is 256"


def test_many_diagnostics_in_styles_are_bounded_and_counted_once() -> None:
    empty = Styles({"e": "image/rotate,1" + ",," * 60})  # 120 empty parameters each (W221)
    found_ = lint("style/e|style/e", styles=empty)
    assert len(found_) == MAX_DIAGNOSTICS + 1
    assert all(d.code == "W221" and d.message.startswith("style e, at column ") for d in found_[:-1])
    assert found_[-1].code == "W005"
    assert found_[-1].message.startswith("140 more problems not reported")  # 240 in all
    assert check("style/e|style/e", styles=empty).diagnostics == tuple(found_)


def test_canonicalize_keeps_the_style_or_writes_it_out() -> None:
    text = f"style/aac|sys/saveas,o_{b64('out.aac')}=="
    assert canonicalize(text, mode="async", styles=STYLES) == f"style/aac|sys/saveas,o_{b64('out.aac')}"
    expanded = canonicalize(text, mode="async", styles=STYLES, expand_styles=True)
    assert expanded == f"audio/convert,f_aac,ab_96000|sys/saveas,o_{b64('out.aac')}"
    assert canonicalize("image/rotate,90", styles=STYLES, expand_styles=True) == "image/rotate,90"  # no style: as it is
    with pytest.raises(ArgumentError, match=r"expand_styles=True needs the bucket's styles \(styles=\)"):
        canonicalize("style/aac", expand_styles=True)
    with pytest.raises(ParseError):
        canonicalize("style/aac|", styles=STYLES)  # a syntax error: judged as it is
    with pytest.raises(InvalidDirectiveError):
        canonicalize("style/tilt", styles=STYLES)
    # A warning strict refuses (an empty parameter, which OSS ignores) inside the style.
    trailing = Styles({"turn": "image/rotate,90,"})
    assert canonicalize("style/turn", styles=trailing, expand_styles=True) == "image/rotate,90"
    with pytest.raises(InvalidDirectiveError) as raised:
        canonicalize("style/turn", styles=trailing, strict=True)
    assert [d.code for d in raised.value.diagnostics] == ["W221"]


def test_check_gives_lints_diagnostics_and_keeps_the_tree_as_written() -> None:
    for text, mode in [(f"style/tilt|{SAVE}", None), ("style/saved|" + SAVE, Mode.ASYNC), ("style/ping", None), ("style/nope|x/y", None)]:
        result = check(text, mode=mode, styles=STYLES)
        assert result.diagnostics == tuple(lint(text, mode=mode, styles=STYLES))
        assert result.directive is not None
        assert result.directive.stages[0].category == "style"
        assert result.canonical is None
    assert check(f"style/upright|{SAVE}", styles=STYLES).canonical == f"style/upright|{SAVE}"


def test_styles_of_the_wrong_type_are_the_callers_error() -> None:
    for call in (lint, check, canonicalize):
        with pytest.raises(ArgumentError, match=r"styles must be a Styles .* not dict"):
            call("style/a", styles={"a": "image/rotate,90"})  # type: ignore[arg-type]


# --- Style delimiters in URLs ------------------------------------------------------------


def test_a_delimiter_in_the_key_names_a_style() -> None:
    url = f"{HOST}/photos/a.jpg!tilt"
    styled = from_url(url, styles=STYLES)
    at = url.index("!")
    assert (styled.text, styled.mode, styled.delimiter, styled.signed) == ("style/tilt", Mode.SYNC, "!", False)
    assert styled.span == Span(at, len(url))
    # "style/" stands on the delimiter, the name on itself: a diagnostic lands on the name.
    [moved] = styled.offsets.relocate(lint(styled.text, mode=styled.mode, styles=STYLES))
    assert url[moved.span.start : moved.span.end] == "tilt"
    assert styled.offsets.span(Span(0, len(styled.text))) == Span(at, len(url))
    signed = from_url(f"{HOST}/a.jpg!upright?OSSAccessKeyId=LTAI&Expires=1700000000&Signature=ab%2Bc", styles=STYLES)
    assert (signed.text, signed.signed) == ("style/upright", True)
    assert from_url("a.jpg!upright", styles=STYLES).text == "style/upright"  # a key alone


def test_only_the_delimiters_given_are_read() -> None:
    with pytest.raises(DirectiveError, match="no query in"):
        from_url(f"{HOST}/a.jpg!tilt")  # no styles: an object key
    with pytest.raises(DirectiveError, match="no query in"):
        from_url(f"{HOST}/a.jpg!tilt", styles=STYLES.with_delimiters(""))
    with pytest.raises(DirectiveError, match=r"or a style after a delimiter \(!\) in the key"):
        from_url(f"{HOST}/a.jpg-tilt", styles=STYLES)
    with pytest.raises(DirectiveError):
        from_url(f"{HOST}/a.jpg%21tilt", styles=STYLES)  # an escaped '!' is a character of the key
    with pytest.raises(DirectiveError):
        from_url(f"{HOST}/!tilt", styles=STYLES)  # no object before the delimiter
    with pytest.raises(DirectiveError):
        from_url("https://example-bucket.oss-cn-hangzhou.aliyuncs.com", styles=STYLES.with_delimiters("-"))  # the host is no key


def test_the_query_wins_and_a_style_is_sought_where_the_rest_is_a_name() -> None:
    assert from_url(f"{HOST}/a.jpg!tilt?x-oss-process=image/rotate,90", styles=STYLES).text == "image/rotate,90"
    dashes = Styles({"small": "image/rotate,90", "v2": "image/rotate,180"}, delimiters="-!")
    assert from_url(f"{HOST}/my-photo.jpg!small", styles=dashes).text == "style/small"  # "photo.jpg!small" is no name
    assert from_url(f"{HOST}/a.jpg-small-v2", styles=dashes).text == "style/v2"  # the one the bucket has
    assert from_url(f"{HOST}/a.jpg-big-v3", styles=dashes).text == "style/big-v3"  # none: the first, as OSS reads it
    assert from_url(f"{HOST}/a/b.jpg/v2", styles=dashes.with_delimiters("/")).text == "style/v2"
    with pytest.raises(ArgumentError, match="styles must be a Styles or None, not str"):
        from_url(f"{HOST}/a.jpg!x", styles="!")  # type: ignore[arg-type]


# --- The command line --------------------------------------------------------------------


class Ran(NamedTuple):
    status: int
    out: str
    err: str


class Runner(Protocol):
    def __call__(self, *argv: str, stdin: bytes = b"") -> Ran: ...


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    def invoke(*argv: str, stdin: bytes = b"") -> Ran:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        capsys.readouterr()
        status = cli.main(list(argv))
        captured = capsys.readouterr()
        return Ran(status, captured.out, captured.err)

    monkeypatch.setenv("NO_COLOR", "1")
    return invoke


XML_FILE = str(ROOT / "examples" / "styles.xml")
JSON_FILE = str(ROOT / "examples" / "styles.json")


def test_cli_lint_resolves_styles_and_locates_inside_a_url(run: Runner) -> None:
    url = f"{HOST}/photo.jpg!tilt"
    ran = run("lint", "--styles", XML_FILE, "--style-delimiters", "!", "style/vivid", "style/tilt", url, "style/vivd")
    assert ran.status == 1
    column = url.index("tilt") + 1
    assert "<arg>:2:7: error[E206]: style tilt, at column 28: degrees: 400 is above the maximum, 360" in ran.out
    assert f"<arg>:3:{column}: error[E206]: style tilt, at column 28:" in ran.out
    assert "<arg>:4:7: error[E112]: the bucket has no style 'vivd'" in ran.out
    assert "hint: did you mean 'vivid'?" in ran.out
    assert ran.out.endswith("4 directives checked: 3 errors and 0 warnings, 3 invalid.\n")
    # The JSON form holds its delimiter; without one a URL is no style.
    assert run("lint", "--styles", JSON_FILE, url).status == 1
    assert "E112" not in run("lint", "--styles", XML_FILE, url).out


def test_cli_canon_writes_the_styles_out_only_when_asked(run: Runner) -> None:
    text = f"style/aac96k|sys/saveas,o_{b64('out.aac')}"
    assert run("canon", "--mode", "async", "--styles", XML_FILE, text) == Ran(0, text + "\n", "")
    expanded = run("canon", "--mode", "async", "--styles", XML_FILE, "--expand-styles", text, "style/tilt")
    assert expanded.status == 1
    assert expanded.out == f"audio/convert,f_aac,ab_96000|sys/saveas,o_{b64('out.aac')}\n\n"
    assert "error[E206]: style tilt, at column 28" in expanded.err
    jsonl = run("canon", "--format", "jsonl", "--styles", JSON_FILE, "--expand-styles", "style/vivid")
    assert '"canonical": "image/auto-orient,1/bright,10/contrast,20/sharpen,100"' in jsonl.out


def test_cli_explain_shows_a_styles_content(run: Runner) -> None:
    ran = run("explain", "--styles", JSON_FILE, f"{HOST}/photo.jpg!vivid")
    assert ran.status == 0
    assert "  style/vivid: the style named 'vivid': image/auto-orient,1/bright,10/contrast,20/sharpen,100\n" in ran.out
    assert "the style named 'nope', which the bucket does not have" in run("explain", "--styles", JSON_FILE, "style/nope").out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["lint", "--style-delimiters", "!", "style/a"], "--style-delimiters needs --styles FILE"),
        (["canon", "--expand-styles", "style/a"], "--expand-styles needs --styles FILE"),
        (["lint", "--styles", XML_FILE, "--style-delimiters", "~", "style/a"], "--style-delimiters: '~' is not a style delimiter"),
        (["explain", "--styles", "/nonexistent/styles.xml", "style/a"], "/nonexistent/styles.xml: cannot read it"),
    ],
)
def test_cli_style_option_errors_are_one_line_and_status_2(run: Runner, argv: list[str], says: str) -> None:
    ran = run(*argv)
    assert (ran.status, ran.out) == (2, "")
    assert says in ran.err.splitlines()[-1]


def test_cli_a_bad_styles_file_is_one_line_and_status_2(run: Runner, tmp_path: Path) -> None:
    bad = tmp_path / "styles.xml"
    bad.write_text('<!DOCTYPE x [<!ENTITY a "b">]><StyleList/>', encoding="utf-8")
    ran = run("lint", "--styles", str(bad), "style/a")
    assert ran == Ran(2, "", f"oss-process lint: error: {bad}: the XML has a DOCTYPE or ENTITY declaration: ListStyle's answer has none\n")


def test_cli_worker_processes_get_the_styles() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "oss_process", "lint", "--jobs", "2", "--files", "--styles", XML_FILE, "-"],
        input="\n".join(["style/tilt"] * 3000 + ["style/vivid"]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert ran.returncode == 1
    assert ran.stdout.endswith("3,001 directives checked: 3,000 errors and 0 warnings, 3,000 invalid.\n")


def test_a_diagnostic_placed_from_a_style_renders_under_the_text() -> None:
    text = f"image/rotate,90|style/tilt|{SAVE}"
    [rotate] = lint(text, styles=STYLES)
    assert isinstance(rotate, Diagnostic)
    assert render(rotate, text) == (
        f"error[E206]: style tilt, at column 28: degrees: 400 is above the maximum, 360\n    {text}\n{' ' * (4 + text.index('tilt'))}^^^^"
    )
    assert oss_process.CODES["E112"].severity == "error"
    assert oss_process.CODES["W114"].severity == "warning"
