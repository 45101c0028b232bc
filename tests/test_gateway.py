"""check_request and error_response: what the guard finds in a request, and how it refuses."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import quote, urlencode

import oss2  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oss_process import Mode, Span
from oss_process.gateway import (
    GATEWAY_CODES,
    ProcessParameter,
    Reject,
    RequestVerdict,
    as_bytes,
    check_request,
    error_response,
    mentions_process,
    wants_body,
    with_canonical,
)

from .corpus import unchecked_sync_action
from .helpers import b64

GOOD_ASYNC = f"audio/convert,f_aac,ab_96000|sys/saveas,o_{b64('out.aac')}"
SAVE = f"sys/saveas,o_{b64('small.jpg')}"


def post(directive: str, name: str = "x-oss-async-process", **options: object) -> RequestVerdict:
    verdict = check_request("POST", f"{name}=", f"{name}={directive}".encode(), "text/plain", **options)  # type: ignore[arg-type]
    assert verdict is not None
    return verdict


def get(query: str, **options: object) -> RequestVerdict:
    verdict = check_request("GET", query, **options)  # type: ignore[arg-type]
    assert verdict is not None
    return verdict


def unchecked() -> str:
    return unchecked_sync_action()


# --- Finding the parameter ------------------------------------------------------------------


def test_sdk_post_body_is_read_raw_with_the_mode_from_its_name() -> None:
    verdict = post(GOOD_ASYNC)
    assert verdict.parameter == ProcessParameter("x-oss-async-process", GOOD_ASYNC, "body", 0, encoded=False)
    assert (verdict.mode, verdict.diagnostics, verdict.ok) == (Mode.ASYNC, (), True)
    assert verdict.directive is not None
    assert [s.category for s in verdict.directive.stages] == ["audio", "sys"]


def test_get_query_is_percent_decoded_as_oss2_sends_it() -> None:
    directive = unchecked() + ",w_100"
    verdict = get("x-oss-process=" + quote(directive, safe=""))
    assert verdict.parameter is not None
    assert (verdict.parameter.text, verdict.parameter.encoded, verdict.mode) == (directive, True, Mode.SYNC)
    assert verdict.codes == ("W102",)
    assert verdict.ok


def test_form_encoded_body_reads_like_the_raw_one() -> None:
    form = urlencode({"x-oss-async-process": GOOD_ASYNC}).encode()
    verdict = check_request("POST", "x-oss-async-process", form, "application/x-www-form-urlencoded; charset=utf-8")
    assert verdict is not None
    assert (verdict.text, verdict.ok) == (GOOD_ASYNC, True)


def test_plus_is_a_plus_in_a_raw_body_and_a_space_in_a_form() -> None:
    directive = "audio/convert,f_aac|sys/saveas,o_ab+c"
    assert post(directive).codes == ("E013",)  # the standard-Base64 mistake, named
    form = check_request("POST", "x-oss-async-process", f"x-oss-async-process={directive}".encode(), "application/x-www-form-urlencoded")
    assert form is not None
    assert (form.text, form.codes) == (directive.replace("+", " "), ("E012",))


def test_offsets_point_into_the_decoded_directive() -> None:
    directive = "audio/convert,f_aac,ab_abc"
    unsaved, diagnostic = get("x-oss-process=" + quote(directive, safe=""), mode="async").diagnostics
    assert unsaved.code == "W111"
    assert diagnostic.code == "E205"
    assert diagnostic.span is not None
    assert directive[diagnostic.span.start : diagnostic.span.end] == "abc"


@pytest.mark.parametrize(
    ("method", "query", "body"),
    [
        ("GET", "", None),
        ("GET", "versionId=abc%2Bdef&response-content-type=text%2Fplain", None),
        ("GET", "x-oss-processing=1", None),  # a longer name is another parameter
        ("POST", "uploads", b"x-oss-process=image/resize,w_1"),  # no process sub-resource: another API
        ("PUT", "x-oss-process=image/resize,w_1", b""),  # OSS processes only on GET and POST
        ("DELETE", "x-oss-process", None),
    ],
)
def test_requests_without_a_process_parameter_get_no_verdict(method: str, query: str, body: bytes | None) -> None:
    assert check_request(method, query, body) is None


def test_the_fast_exit_looks_at_names_only() -> None:
    assert not mentions_process(b"a=x-oss-process&b=1")
    assert mentions_process(b"a=1&X-OSS-PROCESS=1")
    assert mentions_process("x%2Doss%2Dprocess=image%2Fresize")  # a "%" may hide the name
    assert check_request("GET", "x%2Doss%2Dprocess=image%2Fresize%2Cw_1") is not None


def test_only_a_post_to_a_process_sub_resource_wants_its_body() -> None:
    assert wants_body("POST", "x-oss-process")
    assert wants_body("post", b"x-oss-async-process=")
    assert not wants_body("GET", "x-oss-process=a")
    assert not wants_body("POST", "uploads")
    assert not wants_body("POST", "X-Oss-Process")  # ignored by OSS: its body means nothing


# --- What OSS refuses or ignores: the G codes -------------------------------------------


def test_g001_saveas_in_a_get() -> None:
    directive = "image/resize,w_100|" + SAVE
    verdict = get("x-oss-process=" + directive)
    g001 = next(d for d in verdict.diagnostics if d.code == "G001")
    assert g001.span == Span(directive.index("saveas"), len(directive))
    assert not verdict.ok
    assert check_request("POST", "x-oss-process", f"x-oss-process={directive}".encode()) is not None
    assert post(directive, "x-oss-process").ok  # the same directive is fine in a POST


def test_g001_is_reported_even_when_the_directive_does_not_parse() -> None:
    assert {"G001", "E013"} <= set(get("x-oss-process=image/resize,w_1|sys/saveas,o_a+b").codes)


def test_g002_async_parameter_in_a_get() -> None:
    verdict = get("x-oss-async-process=" + GOOD_ASYNC)
    assert verdict.codes[0] == "G002"
    assert verdict.mode is Mode.ASYNC


def test_async_action_under_x_oss_process_is_the_core_e103() -> None:
    verdict = post(GOOD_ASYNC, "x-oss-process")
    assert verdict.mode is Mode.SYNC
    assert verdict.codes == ("E103",)


def test_g003_wrong_case_is_ignored_as_oss_ignores_it() -> None:
    verdict = get("X-Oss-Process=image/resize,w_100,bogus")
    assert verdict.codes == ("G003",)  # a warning; the value is not checked: OSS never reads it
    assert verdict.parameter is None
    assert verdict.others[0].name == "X-Oss-Process"
    assert verdict.ok
    assert verdict.blocks("warnings")
    assert not verdict.blocks("errors")


def test_g003_beside_the_right_name() -> None:
    directive = unchecked() + ",w_100"
    verdict = get("X-OSS-PROCESS=a&x-oss-process=" + directive)
    assert (verdict.codes, verdict.text) == (("G003", "W102"), directive)


def test_g003_in_a_post_body() -> None:
    verdict = check_request("POST", "x-oss-process", b"X-Oss-Process=image/resize,w_1")
    assert verdict is not None
    assert verdict.codes == ("G003", "G005")


@pytest.mark.parametrize(
    ("method", "query", "body"),
    [
        ("GET", "x-oss-process=image/resize,w_1&x-oss-process=image/resize,w_2", None),
        ("GET", f"x-oss-process=image/resize,w_1&x-oss-async-process={GOOD_ASYNC}", None),
        ("POST", "x-oss-async-process", f"x-oss-async-process={GOOD_ASYNC}&x-oss-async-process={GOOD_ASYNC}".encode()),
        ("POST", f"x-oss-async-process={GOOD_ASYNC}", f"x-oss-async-process={GOOD_ASYNC}".encode()),
        ("POST", "x-oss-async-process&x-oss-process", f"x-oss-async-process={GOOD_ASYNC}".encode()),
    ],
)
def test_g004_two_process_parameters(method: str, query: str, body: bytes | None) -> None:
    verdict = check_request(method, query, body)
    assert verdict is not None
    assert "G004" in verdict.codes
    assert not verdict.ok
    if method == "POST":
        assert verdict.text == GOOD_ASYNC


@pytest.mark.parametrize(
    ("query", "body", "message"),
    [
        ("x-oss-async-process=", b"", "without x-oss-async-process=<directive> in the body"),
        ("x-oss-async-process", b"foo=bar", "without x-oss-async-process=<directive> in the body"),
        ("x-oss-process", f"x-oss-async-process={GOOD_ASYNC}".encode(), "the query names x-oss-process but the body sends"),
    ],
)
def test_g005_body_without_the_directive_its_query_names(query: str, body: bytes, message: str) -> None:
    verdict = check_request("POST", query, body)
    assert verdict is not None
    assert verdict.codes[0] == "G005"
    assert message in verdict.diagnostics[0].message


def test_as_bytes_reads_a_str_query_as_wsgi_hands_it_over() -> None:
    assert as_bytes(b"x-oss-process=a%2Fb") == b"x-oss-process=a%2Fb"
    assert as_bytes("x-oss-process=\u00e9") == b"x-oss-process=\xe9"  # latin-1: one byte each
    assert as_bytes("x-oss-process=\u3000") == "x-oss-process=\u3000".encode()  # beyond latin-1: UTF-8


def test_a_directive_in_the_query_of_a_post_with_an_empty_body_is_read() -> None:
    verdict = check_request("POST", "x-oss-async-process=" + GOOD_ASYNC, b"")
    assert verdict is not None
    assert verdict.parameter is not None
    assert (verdict.parameter.location, verdict.ok) == ("query", True)


def test_g006_body_longer_than_the_guard_reads() -> None:
    body = f"x-oss-async-process={GOOD_ASYNC}".encode()
    verdict = check_request("POST", "x-oss-async-process", body, max_body_bytes=len(body) - 1)
    assert verdict is not None
    assert (verdict.codes, verdict.parameter) == (("G006",), None)
    assert check_request("POST", "x-oss-async-process", body, max_body_bytes=len(body)) is not None


G007_HINT = (
    "the body was probably sent from a file, and curl --data-binary @file keeps the file's final newline: "
    "write the file with printf '%s', not echo, or strip the newline before sending"
)


@pytest.mark.parametrize(("newline", "shown"), [(b"\n", "'\\n'"), (b"\r\n", "'\\r\\n'")])
@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])
def test_g007_a_final_newline_in_the_body_is_named_and_the_directive_checked_without_it(
    newline: bytes, shown: str, content_type: str | None
) -> None:
    body = f"x-oss-async-process={GOOD_ASYNC}".encode() + newline  # as curl --data-binary @file sends a file
    verdict = check_request("POST", "x-oss-async-process", body, content_type)
    assert verdict is not None
    [finding] = verdict.diagnostics  # no E012 for the newline: the directive is checked without it
    assert finding.code == "G007"
    assert finding.message == f"the body ends with a newline ({shown}) after the directive; OSS does not document that it strips one"
    assert (finding.span, finding.hint) == (None, G007_HINT)
    assert (verdict.text, verdict.ok, verdict.canonical) == (GOOD_ASYNC, False, GOOD_ASYNC)
    assert verdict.blocks()  # a refusal: whether OSS strips it is not documented


def test_g007_only_for_a_line_break_ending_the_directive() -> None:
    # A second newline is the directive's own whitespace; one after another pair is not in it.
    doubled = check_request("POST", "x-oss-async-process", f"x-oss-async-process={GOOD_ASYNC}\n\n".encode())
    assert doubled is not None
    assert doubled.codes == ("G007", "E012")
    later = check_request("POST", "x-oss-async-process", f"x-oss-async-process={GOOD_ASYNC}&a=1\n".encode())
    assert later is not None
    assert later.codes == ()
    encoded = check_request("POST", "x-oss-async-process", f"x-oss-async-process={GOOD_ASYNC}%0A".encode())
    assert encoded is not None
    assert encoded.codes == ("E012",)  # percent-encoded: not a file's final newline
    in_query = get("x-oss-process=" + quote(f"{unchecked()},w_1\n", safe=""))
    assert "G007" not in in_query.codes


def test_empty_directive_is_the_core_e003() -> None:
    assert get("x-oss-process").codes == ("E003",)
    assert post("").codes == ("E003",)


def test_mode_option() -> None:
    assert post(GOOD_ASYNC, "x-oss-process", mode=None).ok  # no mode checks
    assert post(GOOD_ASYNC, "x-oss-process", mode="async").ok
    assert post(GOOD_ASYNC, mode="sync").codes == ("E103",)


def test_every_g_code_is_documented_with_its_severity() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "middleware.md").read_text(encoding="utf-8")
    for code, info in GATEWAY_CODES.items():
        assert re.search(rf"^\| `{code}` \| {info.severity.value} \|", docs, re.MULTILINE), code


def test_blocks_follows_the_policy() -> None:
    warned = get(f"x-oss-process={unchecked()},w_100")  # W102 only
    failed = post("audio/convert,f_bogus")
    ignored = post("audio/convert,f_aac,x_1|sys/saveas,o_YQ")  # W220: OSS ignores the key
    policies: tuple[Reject, ...] = ("errors", "strict", "warnings", "never")
    assert [warned.blocks(p) for p in policies] == [False, False, True, False]  # W102 is no policy warning
    assert [ignored.blocks(p) for p in policies] == [False, True, True, False]
    assert [failed.blocks(p) for p in policies] == [True, True, True, False]


# --- Rewriting ------------------------------------------------------------------------------


def test_canonical_and_with_canonical_keep_the_encoding_style() -> None:
    directive = "audio/convert,ab_96000,f_aac,ss_0|sys/saveas,o_" + b64("o.aac") + "="
    canonical = "audio/convert,f_aac,ab_96000|sys/saveas,o_" + b64("o.aac")
    raw = post(directive)
    assert raw.canonical == canonical
    assert raw.parameter is not None
    body = b"x-oss-async-process=" + directive.encode()
    assert with_canonical(body, raw.parameter, canonical) == b"x-oss-async-process=" + canonical.encode()

    query = b"a=1&x-oss-process=" + quote(directive, safe="").encode() + b"&b=2"
    encoded = check_request("GET", query, mode=None)
    assert encoded is not None
    assert encoded.parameter is not None
    assert encoded.canonical == canonical
    assert with_canonical(query, encoded.parameter, canonical) == b"a=1&x-oss-process=" + quote(canonical, safe="").encode() + b"&b=2"


def test_no_canonical_when_the_directive_has_errors() -> None:
    assert post("audio/convert,f_bogus").canonical is None
    assert get("X-Oss-Process=a").canonical is None


# --- The error response ---------------------------------------------------------------------


class _Response:
    """What oss2.exceptions.make_exception reads from an HTTP response."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def read(self, amount: int) -> bytes:
        return self.body[:amount]


def _as_oss2_sees_it(verdict: RequestVerdict) -> oss2.exceptions.ServerError:
    response = error_response(verdict, host_id="bucket.oss-cn-hangzhou.aliyuncs.com")
    headers = dict(response.headers)
    assert (response.status, headers["Content-Type"], headers["Content-Length"]) == (400, "application/xml", str(len(response.body)))
    assert len(response.body) <= 4096  # all of it within what oss2 reads
    error = oss2.exceptions.make_exception(_Response(response.status, headers, response.body))
    assert isinstance(error, oss2.exceptions.InvalidArgument)
    assert error.request_id == response.request_id == error.details["RequestId"] == headers["x-oss-request-id"]
    assert error.ec == headers["x-oss-ec"]
    return error


def test_error_response_reads_as_oss_invalid_argument_in_oss2() -> None:
    verdict = post("audio/convert,f_aac,ab_abc|" + SAVE.replace("o_", "o_=="))
    error = _as_oss2_sees_it(verdict)
    assert (error.status, error.code, error.ec) == (400, "InvalidArgument", verdict.errors[0].code)
    assert error.details["HostId"] == "bucket.oss-cn-hangzhou.aliyuncs.com"
    assert (error.name, error.value) == ("x-oss-async-process", verdict.text)
    for diagnostic in verdict.diagnostics:
        assert diagnostic.span is not None
        assert f"{diagnostic.code} {diagnostic.severity.value} at {diagnostic.span.start}-{diagnostic.span.end}: " in error.message
    assert re.fullmatch(r"[0-9A-F]{24}", error.request_id)


def test_error_response_lists_errors_before_warnings() -> None:
    verdict = get(f"x-oss-process={unchecked()},w_1|{SAVE}")
    assert verdict.codes == ("G001", "W102")
    error = _as_oss2_sees_it(verdict)
    assert error.message.index("G001 error") < error.message.index("W102 warning")


def test_error_response_stays_within_what_oss2_reads() -> None:
    many = "audio/convert,f_aac," + ",".join(f"zz{i}_1" for i in range(200)) + "|sys/saveas,o_YQ"  # 200 unknown parameters
    verdict = post(many)
    # MAX_DIAGNOSTICS of them, and one W005 that counts the other 100
    assert len(verdict.diagnostics) == 101
    assert verdict.diagnostics[-1].code == "W005"
    assert verdict.diagnostics[-1].message.startswith("100 more problems not reported (all of them warnings)")
    error = _as_oss2_sees_it(verdict)
    assert error.value is None  # too long to echo
    assert re.search(r"; and \d+ more$", error.message)


def test_error_response_cuts_one_huge_diagnostic() -> None:
    verdict = post("audio/convert,f_aac," + "k" * 5000 + "_1|sys/saveas,o_YQ")
    error = _as_oss2_sees_it(verdict)
    assert error.message.startswith("The x-oss-async-process is invalid: W220 warning")
    assert error.message.endswith("...")


def test_error_response_is_xml_whatever_the_directive_holds() -> None:
    verdict = get("x-oss-process=" + quote('image/x\x00\x1b<&>"]]>\ud800é', safe="", errors="surrogatepass"))
    error = _as_oss2_sees_it(verdict)
    assert error.value is not None
    assert "\\x00" in error.value
    assert "<&>" in error.value


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "HEAD", "POST"]),
    query=st.one_of(
        st.binary(max_size=60).map(lambda q: b"x-oss-process=" + q),
        st.sampled_from([b"x-oss-process", b"x-oss-async-process=", b"X-Oss-Process=a&x-oss-process=%ZZ%"]),
    ),
    body=st.binary(max_size=120).map(lambda b: b"x-oss-process=" + b),
    content_type=st.sampled_from([None, "text/plain", "application/x-www-form-urlencoded"]),
)
def test_any_bytes_give_a_verdict_and_a_readable_refusal(method: str, query: bytes, body: bytes, content_type: str | None) -> None:
    verdict = check_request(method, query, body, content_type)
    assert verdict is not None
    if verdict.diagnostics:
        root = ElementTree.fromstring(error_response(verdict).body)
        assert root.findtext("EC") == sorted(verdict.diagnostics, key=lambda d: not d.is_error)[0].code
