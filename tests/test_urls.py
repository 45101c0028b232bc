"""``oss_process.from_url``: the directive in a pasted URL or object key, its mode, and
the map of its offsets back into the URL. Expected texts are written out by hand."""

from __future__ import annotations

import pickle

import pytest

import oss_process
from oss_process import ArgumentError, Diagnostic, DirectiveError, Mode, Span, from_url, lint, render
from oss_process.diagnostics import OffsetMap
from oss_process.urls import URLDirective, percent_decode

HOST = "https://bucket.oss-cn-hangzhou.aliyuncs.com"


def test_a_full_url_gives_the_directive_and_the_mode_from_the_name() -> None:
    url = f"{HOST}/a.jpg?x-oss-process=image/resize,w_1"
    found = from_url(url)
    assert found == URLDirective(url, "image/resize,w_1", Mode.SYNC, OffsetMap(len(url) - 16), Span(len(url) - 16, len(url)), False)
    assert found.url[found.span.start : found.span.end] == found.text


def test_a_bare_key_with_its_query_and_the_async_name() -> None:
    found = from_url("foo.mp3?x-oss-async-process=audio/convert,f_aac")
    assert (found.text, found.mode, found.offsets.shift) == ("audio/convert,f_aac", Mode.ASYNC, 28)
    assert from_url("?x-oss-process=image/resize,w_1").text == "image/resize,w_1"  # the query alone


def test_signed_url_parameters_are_left_alone_and_the_signature_is_noticed() -> None:
    v1 = f"{HOST}/a.mp3?OSSAccessKeyId=LTAI&Expires=1700000000&x-oss-async-process=audio/convert,f_aac&Signature=ab%2Bc%3D"
    found = from_url(v1)
    assert (found.text, found.signed) == ("audio/convert,f_aac", True)
    v4 = (
        "a.mp3?x-oss-process=image/resize,w_1&x-oss-signature-version=OSS4-HMAC-SHA256"
        "&x-oss-credential=LTAI%2F20240101%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-expires=60&x-oss-signature=ab12"
    )
    assert (from_url(v4).text, from_url(v4).signed) == ("image/resize,w_1", True)
    assert not from_url("a.mp3?versionId=v1&x-oss-process=image/resize,w_1").signed


def test_the_value_is_percent_decoded_and_spans_map_into_the_url() -> None:
    url = "a.mp3?x-oss-async-process=audio%2Fconvert%2Cf_aac%2C%20ab_96000%7Csys%2Fsaveas%2Co_YQ&Expires=1"
    found = from_url(url)
    assert found.text == "audio/convert,f_aac, ab_96000|sys/saveas,o_YQ"
    [space] = lint(found.text, mode=found.mode)
    assert space.code == "E012"
    [moved] = found.offsets.relocate([space])
    assert url[moved.span.start : moved.span.end] == "%20"  # the whole escape of the one character
    assert render(moved, url) == (
        "error[E012]: unexpected space after ','\n"
        f"    {url}\n"
        "                                                        ^^^\n"
        "    hint: remove it: a directive contains no whitespace"
    )
    assert '"column": 53, "end_column": 56' in render(space, found.text, offsets=found.offsets, format="json")


def test_a_plus_stays_a_plus_and_a_fragment_ends_the_query() -> None:
    found = from_url("k.aac?x-oss-async-process=audio/convert,f_aac|sys/saveas,o_a+b#section")
    assert found.text == "audio/convert,f_aac|sys/saveas,o_a+b"
    assert [d.code for d in lint(found.text, mode=found.mode)] == ["E013"]  # standard Base64, named as such


def test_percent_decode_keeps_the_offsets_of_each_character() -> None:
    assert percent_decode("a%2Fb+%E3%80%80") == ("a/b+\u3000", (0, 1, 4, 5, 6, 15))
    assert percent_decode("%ff") == ("\udcff", (0, 3))  # not UTF-8: kept for the core to report
    from oss_process.cli import decoding

    assert decoding.percent_decode is percent_decode  # one implementation


@pytest.mark.parametrize("url", [None, b"a.jpg?x-oss-process=image/resize,w_1", 7])
def test_what_is_not_a_str_is_the_callers_error(url: object) -> None:
    with pytest.raises(ArgumentError, match=f"^from_url: a URL is a str, not {type(url).__name__}$"):
        from_url(url)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("a.jpg", "no query in 'a.jpg': a directive travels as ?x-oss-process=<directive> or ?x-oss-async-process=<directive>"),
        (
            "a.jpg?versionId=1",
            "no process parameter in the query of 'a.jpg?versionId=1': "
            "a directive travels as ?x-oss-process=<directive> or ?x-oss-async-process=<directive>",
        ),
        (
            "a.jpg%3Fx-oss-process%3Dimage%2Fresize",
            "no query in 'a.jpg%3Fx-oss-process%3Dimage%2Fresize': the '?' before x-oss-process is percent-encoded (%3F), "
            "so OSS reads it as part of the object key and processes nothing; write it as '?'",
        ),
        ("a.jpg#x?x-oss-process=image/resize,w_1#y", None),  # the '#' before '?' is kept: a pasted key may hold one
    ],
)
def test_no_process_parameter(url: str, message: str | None) -> None:
    if message is None:
        assert from_url(url).text == "image/resize,w_1"
        return
    with pytest.raises(DirectiveError) as raised:
        from_url(url)
    assert (str(raised.value), raised.value.diagnostics, raised.value.text) == (message, (), url)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "a.jpg?x-oss-process=image/resize,w_1&x-oss-async-process=b",
            "G004: another process parameter, x-oss-async-process: OSS runs one directive per request\n"
            "error[G004]: another process parameter, x-oss-async-process: OSS runs one directive per request\n"
            "    a.jpg?x-oss-process=image/resize,w_1&x-oss-async-process=b\n"
            "                                         ^^^^^^^^^^^^^^^^^^^^^\n"
            "    hint: send a single x-oss-process or x-oss-async-process",
        ),
        (
            "a.jpg?x-oss-process&Expires=1",
            "G005: x-oss-process without a value: a POST names it in the query and sends the directive in its body\n"
            "error[G005]: x-oss-process without a value: a POST names it in the query and sends the directive in its body\n"
            "    a.jpg?x-oss-process&Expires=1\n"
            "          ^^^^^^^^^^^^^\n"
            "    hint: pass the body, x-oss-process=<directive>, or the directive alone",
        ),
        (
            "a.jpg?X-Oss-Process=image/resize,w_1",
            "E015: 'X-Oss-Process' is not x-oss-process: OSS matches the name exactly and ignores this parameter\n"
            "error[E015]: 'X-Oss-Process' is not x-oss-process: OSS matches the name exactly and ignores this parameter\n"
            "    a.jpg?X-Oss-Process=image/resize,w_1\n"
            "          ^^^^^^^^^^^^^\n"
            "    hint: write the name in lower case: x-oss-process",
        ),
    ],
)
def test_a_query_oss_would_not_run_says_why_under_the_url(url: str, shown: str) -> None:
    with pytest.raises(DirectiveError) as raised:
        from_url(url)
    assert str(raised.value) == shown
    assert all(d.is_error for d in raised.value.diagnostics)


def test_the_result_is_frozen_and_public() -> None:
    found = from_url("a?x-oss-process=image/resize,w_1")
    with pytest.raises(AttributeError):
        found.text = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(found)) == found
    assert oss_process.URLDirective is URLDirective
    assert "from_url" in oss_process.__all__


def test_offset_map_moves_spans_into_the_line() -> None:
    decoded = OffsetMap(14, (0, 1, 4, 5))  # "a%2Fbc" after a 14-character field name
    assert (decoded.offset(1), decoded.offset(2), decoded.column(1)) == (15, 18, 16)
    assert decoded.span(Span(1, 2)) == Span(15, 18)
    moved = decoded.relocate([Diagnostic("E012", "m", Span(1, 2)), Diagnostic("G002", "n", None)])
    assert moved == [Diagnostic("E012", "m", Span(15, 18)), Diagnostic("G002", "n", None)]
    assert OffsetMap(3).span(Span(0, 2)) == Span(3, 5)
