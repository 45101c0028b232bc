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
