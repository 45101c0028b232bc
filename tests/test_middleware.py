"""The middlewares on real loopback servers, driven by the official SDK and plain HTTP.

Each test starts a server (uvicorn for ASGI, wsgiref in a thread for WSGI) that serves a
guard wrapped around a small upstream: it records what reaches it and answers as OSS
does on success. Every test runs under both protocols unless it says otherwise.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import socket
import socketserver
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import oss2  # type: ignore[import-untyped]
import pytest
import uvicorn

from oss_process import gateway
from oss_process.gateway import RequestVerdict
from oss_process.middleware import ASGIMiddleware, GuardAction, Message, Receive, Scope, Send, WSGIMiddleware

from .corpus import unchecked_sync_action
from .helpers import b64

GOOD_ASYNC = f"audio/convert,f_aac,ss_0,ab_96000|sys/saveas,o_{b64('out/{barename}.aac')}"  # ss_0: not canonical
GOOD_ASYNC_CANONICAL = f"audio/convert,f_aac,ab_96000|sys/saveas,o_{b64('out/{barename}.aac')}"
BAD_ASYNC = "audio/convert,f_aac,ab_96000|sys/saveas,o_abc+d"  # a '+' (no Base64 of anything): E013 at 45
SAVE_SMALL = f"sys/saveas,o_{b64('small.jpg')}"
GOOD_SYNC_SAVE = f"image/resize,w_100|{SAVE_SMALL}"  # w_100: a width image/resize takes
ASYNC_ANSWER = {"EventId": "181-1kZUlN60OH4fWOcOjZEnGnG****", "RequestId": "1D99637F-F59E-5B41", "TaskId": "MediaConvert-e4a737df"}
SYNC_ANSWER = {"bucket": "", "fileSize": 3267, "object": "small.jpg", "status": "OK"}
OBJECT_BYTES = b"the object, processed"


# --- The upstream: a stand-in for OSS -------------------------------------------------------


@dataclass
class Received:
    method: str
    path: str
    query: bytes
    headers: dict[str, str]
    body: bytes
    body_messages: int = 1  # ASGI: how many http.request messages carried the body


@dataclass
class Upstream:
    """Records each request that reaches it; answers as OSS does on success."""

    received: list[Received] = field(default_factory=list)

    def answer(self, method: str, query: bytes) -> tuple[str, bytes]:
        if method == "POST" and b"x-oss-async-process" in query:
            return "application/json;charset=utf-8", json.dumps(ASYNC_ANSWER).encode()
        if method == "POST" and b"x-oss-process" in query:
            return "application/json;charset=utf-8", json.dumps(SYNC_ANSWER).encode()
        return "application/octet-stream", OBJECT_BYTES

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        self.received.append(Received(scope["method"], scope["path"], scope["query_string"], headers, b"".join(chunks), len(chunks)))
        content_type, body = self.answer(scope["method"], scope["query_string"])
        response_headers = [(b"content-type", content_type.encode()), (b"x-oss-request-id", b"5C3D9778CC1C2AEDF85BC8B0")]
        await send({"type": "http.response.start", "status": 200, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
        if environ.get("CONTENT_LENGTH"):
            headers["content-length"] = environ["CONTENT_LENGTH"]
        query = environ.get("QUERY_STRING", "").encode("latin-1")
        self.received.append(Received(environ["REQUEST_METHOD"], environ["PATH_INFO"], query, headers, body))
        content_type, answer = self.answer(environ["REQUEST_METHOD"], query)
        start_response("200 OK", [("Content-Type", content_type), ("x-oss-request-id", "5C3D9778CC1C2AEDF85BC8B0")])
        return [answer]


# --- Servers on the loopback interface ------------------------------------------------------


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Server:
    port: int
    upstream: Upstream
    verdicts: list[tuple[tuple[str, ...], GuardAction]]

    def bucket(self) -> oss2.Bucket:
        return oss2.Bucket(oss2.Auth("test-id", "test-secret"), f"http://127.0.0.1:{self.port}", "bucket", connect_timeout=5)

    def request(
        self, method: str, target: str, body: bytes | Iterable[bytes] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            chunked = body is not None and not isinstance(body, bytes)
            connection.request(method, target, body=body, headers=headers or {}, encode_chunked=chunked)
            response = connection.getresponse()
            return response.status, response.msg, response.read()
        finally:
            connection.close()


def _start_uvicorn(app: Callable[..., Any]) -> tuple[int, Callable[[], None]]:
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets that say so.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.005)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)
        sock.close()

    return sock.getsockname()[1], stop


def _start_wsgiref(app: Callable[..., Any]) -> tuple[int, Callable[[], None]]:
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()  # the socket listens already: make_server bound and activated it

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(10)

    return server.server_port, stop


@pytest.fixture(params=["asgi", "wsgi"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def serve(protocol: str) -> Iterator[Callable[..., Server]]:
    """``serve(**options)``: a guarded server for this protocol, stopped after the test."""
    stops: list[Callable[[], None]] = []

    def start(**options: Any) -> Server:
        upstream = Upstream()
        verdicts: list[tuple[tuple[str, ...], GuardAction]] = []
        if "on_verdict" not in options:
            options["on_verdict"] = lambda verdict, action: verdicts.append((verdict.codes, action))
        if protocol == "asgi":
            port, stop = _start_uvicorn(ASGIMiddleware(upstream.asgi, **options))
        else:
            port, stop = _start_wsgiref(WSGIMiddleware(upstream.wsgi, **options))
        stops.append(stop)
        return Server(port, upstream, verdicts)

    yield start
    for stop in stops:
        stop()


def unchecked() -> str:
    return unchecked_sync_action()


def error_of(body: bytes) -> dict[str, str]:
    root = ElementTree.fromstring(body)
    assert root.tag == "Error"
    return {child.tag: child.text or "" for child in root}


# --- The official SDK against the guard -----------------------------------------------------


def test_sdk_async_process_good_directive_reaches_upstream_unchanged(serve: Callable[..., Server]) -> None:
    server = serve()
    result = server.bucket().async_process_object("audio/in.mp3", GOOD_ASYNC)
    assert (result.status, result.event_id, result.async_request_id, result.task_id) == (
        200,
        ASYNC_ANSWER["EventId"],
        ASYNC_ANSWER["RequestId"],
        ASYNC_ANSWER["TaskId"],
    )
    [got] = server.upstream.received
    assert (got.method, got.path, got.query) == ("POST", "/bucket/audio/in.mp3", b"x-oss-async-process=")
    assert got.body == b"x-oss-async-process=" + GOOD_ASYNC.encode()  # not rewritten: off by default
    assert got.headers["authorization"].startswith("OSS test-id:")  # the signature went through
    assert server.verdicts == [((), "passed")]


def test_sdk_async_process_bad_directive_raises_server_error(serve: Callable[..., Server]) -> None:
    server = serve()
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        server.bucket().async_process_object("audio/in.mp3", BAD_ASYNC)
    error = caught.value
    assert isinstance(error, oss2.exceptions.InvalidArgument)  # oss2 maps (400, InvalidArgument) to its own class
    assert (error.status, error.code, error.ec) == (400, "InvalidArgument", "E013")
    assert "E013 error at 45-46: unexpected '+' after 'o_abc'" in error.message
    assert "URL-safe Base64" in error.message  # the hint says the fix
    assert len(error.request_id) == 24
    assert error.request_id == error.details["RequestId"]
    assert (error.name, error.value) == ("x-oss-async-process", BAD_ASYNC)
    assert server.upstream.received == []
    assert server.verdicts == [(("E013",), "rejected")]


def test_sdk_async_action_under_x_oss_process_is_refused(serve: Callable[..., Server]) -> None:
    server = serve()
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        server.bucket().process_object("audio/in.mp3", GOOD_ASYNC)
    assert caught.value.status == 400
    assert caught.value.ec == "E103"
    assert "send it as x-oss-async-process" in caught.value.message
    assert server.upstream.received == []


def test_sdk_process_object_with_saveas_passes(serve: Callable[..., Server]) -> None:
    directive = f"{unchecked()},w_100|{SAVE_SMALL}"
    server = serve()
    result = server.bucket().process_object("photo.jpg", directive)
    assert (result.status, result.object, result.fileSize) == (200, "small.jpg", 3267)
    [got] = server.upstream.received
    assert got.body == b"x-oss-process=" + directive.encode()
    assert server.verdicts == [(("W102",), "passed")]  # an action without a table: a warning, not a refusal


def test_sdk_get_object_with_process_passes_query_unchanged(serve: Callable[..., Server]) -> None:
    server = serve()
    assert server.bucket().get_object("photo.jpg", process="image/resize,w_100").read() == OBJECT_BYTES
    [got] = server.upstream.received
    assert (got.method, got.query) == ("GET", b"x-oss-process=image%2Fresize%2Cw_100")


def test_sdk_get_object_with_saveas_is_refused(serve: Callable[..., Server]) -> None:
    server = serve()
    with pytest.raises(oss2.exceptions.ServerError) as caught:
        server.bucket().get_object("photo.jpg", process=GOOD_SYNC_SAVE)
    assert (caught.value.status, caught.value.ec) == (400, "G001")
    assert "G001 error at 23-" in caught.value.message
    assert server.upstream.received == []


# --- Plain HTTP: the GET, form-encoded and wrong-case forms -------------------------------


def test_get_with_async_parameter_is_refused_in_oss_shape(serve: Callable[..., Server]) -> None:
    server = serve()
    status, headers, body = server.request("GET", "/bucket/a.mp3?x-oss-async-process=" + quote(GOOD_ASYNC, safe=""))
    assert status == 400
    assert headers["Content-Type"] == "application/xml"
    assert headers["x-oss-ec"] == "G002"
    error = error_of(body)
    assert error["Code"] == "InvalidArgument"
    assert error["RequestId"] == headers["x-oss-request-id"]
    assert error["HostId"] == f"127.0.0.1:{server.port}"
    assert error["EC"] == "G002"
    assert "accepts only POST" in error["Message"]
    assert server.upstream.received == []


def test_head_is_refused_without_a_body(serve: Callable[..., Server]) -> None:
    server = serve()
    status, headers, body = server.request("HEAD", "/bucket/a.jpg?x-oss-process=" + GOOD_SYNC_SAVE)
    assert (status, headers["x-oss-ec"], body) == (400, "G001", b"")


def test_form_encoded_body_as_ali_oss_sends_it(serve: Callable[..., Server]) -> None:
    server = serve()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    good = urlencode({"x-oss-async-process": GOOD_ASYNC}).encode()
    assert b"%2F" in good
    assert b"%7C" in good
    status, _, body = server.request("POST", "/bucket/a.mp3?x-oss-async-process", good, form)
    assert (status, json.loads(body)) == (200, ASYNC_ANSWER)
    assert server.upstream.received[0].body == good

    bad = urlencode({"x-oss-async-process": "audio/convert,f_aac,ab_abc|sys/saveas,o_" + b64("x.aac")}).encode()
    status, _, body = server.request("POST", "/bucket/a.mp3?x-oss-async-process", bad, form)
    assert status == 400
    error = error_of(body)
    assert error["EC"] == "E205"
    assert "E205 error at 23-26:" in error["Message"]  # offsets into the decoded directive
    assert len(server.upstream.received) == 1


def test_wrong_case_name_passes_with_a_warning(serve: Callable[..., Server]) -> None:
    server = serve()
    status, _, body = server.request("GET", "/bucket/a.jpg?X-Oss-Process=image/resize,w_100")
    assert (status, body) == (200, OBJECT_BYTES)  # what OSS does: the object, unprocessed
    assert server.verdicts == [(("G003",), "passed")]


def test_wrong_case_name_is_refused_when_warnings_reject(serve: Callable[..., Server]) -> None:
    server = serve(reject="warnings")
    status, headers, body = server.request("GET", "/bucket/a.jpg?X-Oss-Process=image/resize,w_100")
    assert (status, headers["x-oss-ec"]) == (400, "G003")
    assert "write the name in lower case: x-oss-process" in error_of(body)["Message"]
    assert server.upstream.received == []


def test_strict_refuses_what_oss_would_ignore(serve: Callable[..., Server]) -> None:
    ignored = GOOD_ASYNC.replace("ab_96000", "ab_96000,bitrate_1")  # W220: OSS ignores the key
    assert serve().request("POST", "/bucket/a.mp3?x-oss-async-process", f"x-oss-async-process={ignored}".encode())[0] == 200
    server = serve(reject="strict")
    status, headers, body = server.request("POST", "/bucket/a.mp3?x-oss-async-process", f"x-oss-async-process={ignored}".encode())
    assert (status, headers["x-oss-ec"]) == (400, "W220")
    assert "unknown parameter 'bitrate' for audio/convert: OSS ignores it, so it has no effect" in error_of(body)["Message"]
    assert server.upstream.received == []
    with pytest.raises(ValueError, match="reject must be 'errors', 'strict', 'warnings' or 'never'"):
        serve(reject="strictly")


def test_two_process_parameters_are_refused(serve: Callable[..., Server]) -> None:
    server = serve()
    target = "/bucket/a.mp3?x-oss-async-process"
    body = f"x-oss-async-process={GOOD_ASYNC}&x-oss-async-process={GOOD_ASYNC}".encode()
    status, headers, _ = server.request("POST", target, body)
    assert (status, headers["x-oss-ec"]) == (400, "G004")


def test_post_without_directive_in_body_is_refused(serve: Callable[..., Server]) -> None:
    server = serve()
    status, headers, body = server.request("POST", "/bucket/a.mp3?x-oss-async-process", b"")
    assert (status, headers["x-oss-ec"]) == (400, "G005")
    assert "without x-oss-async-process=<directive> in the body" in error_of(body)["Message"]


def test_body_with_a_final_newline_is_refused_with_g007(serve: Callable[..., Server]) -> None:
    server = serve()
    body = b"x-oss-async-process=" + GOOD_ASYNC.encode() + b"\n"  # curl --data-binary @file
    status, headers, answer = server.request("POST", "/bucket/a.mp3?x-oss-async-process", body)
    assert (status, headers["x-oss-ec"]) == (400, "G007")
    message = error_of(answer)["Message"]
    assert "G007 error: the body ends with a newline ('\\n') after the directive" in message
    assert "E012" not in message
    assert server.upstream.received == []
    assert server.verdicts == [(("G007",), "rejected")]


# --- What the guard leaves alone, and how it hands bodies on ------------------------------


def test_request_without_process_parameter_is_untouched(serve: Callable[..., Server]) -> None:
    server = serve(max_body_bytes=64)
    upload = bytes(range(256)) * 400  # far over the limit: never read by the guard
    status, _, _ = server.request("POST", "/bucket/upload.bin?uploads", upload)
    assert status == 200
    status, _, _ = server.request("GET", "/bucket/a.jpg?versionId=x%2By&response-content-type=text%2Fplain")
    assert status == 200
    first, second = server.upstream.received
    assert (first.query, first.body) == (b"uploads", upload)
    assert second.query == b"versionId=x%2By&response-content-type=text%2Fplain"
    assert server.verdicts == []


def test_body_over_the_limit_is_refused(serve: Callable[..., Server]) -> None:
    server = serve(max_body_bytes=64)
    body = b"x-oss-async-process=" + GOOD_ASYNC.encode() + b"&pad=" + b"p" * 10_000
    status, headers, _ = server.request("POST", "/bucket/a.mp3?x-oss-async-process", body)
    assert (status, headers["x-oss-ec"]) == (400, "G006")
    assert server.upstream.received == []


def test_body_over_the_limit_is_handed_on_intact_when_observing(serve: Callable[..., Server]) -> None:
    server = serve(max_body_bytes=64, reject="never")
    body = b"x-oss-async-process=" + GOOD_ASYNC.encode() + b"&pad=" + bytes(range(256)) * 40
    status, _, answer = server.request("POST", "/bucket/a.mp3?x-oss-async-process", body)
    assert (status, json.loads(answer)) == (200, ASYNC_ANSWER)
    assert server.upstream.received[0].body == body  # what was read, then the rest
    assert server.verdicts == [(("G006",), "passed")]


def test_streamed_body_is_replayed_chunk_by_chunk(protocol: str, serve: Callable[..., Server]) -> None:
    if protocol == "wsgi":
        pytest.skip("wsgiref reads no chunked request bodies")
    server = serve()
    body = b"x-oss-async-process=" + GOOD_ASYNC.encode()
    pieces = [body[:10], body[10:40], body[40:]]

    def slowly() -> Iterator[bytes]:
        for piece in pieces:
            yield piece
            time.sleep(0.03)  # so that each piece arrives as a message of its own

    status, _, _ = server.request("POST", "/bucket/a.mp3?x-oss-async-process", slowly())
    assert status == 200
    [got] = server.upstream.received
    assert got.body == body
    assert got.body_messages >= len(pieces)  # the app saw the chunks as the guard received them


def test_failure_inside_the_guard_lets_the_request_through(
    serve: Callable[..., Server], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    server = serve()

    def broken(*args: object, **kwargs: object) -> RequestVerdict | None:
        raise RuntimeError("a bug in the guard")

    monkeypatch.setattr(gateway, "check_request", broken)
    with caplog.at_level(logging.ERROR, logger="oss_process.middleware"):
        result = server.bucket().async_process_object("audio/in.mp3", BAD_ASYNC)
    assert result.status == 200  # not a 500: the request went on, as it would without the guard
    assert server.upstream.received[0].body == b"x-oss-async-process=" + BAD_ASYNC.encode()
    assert any("guard failed" in record.message and record.exc_info for record in caplog.records)


def test_failing_hook_changes_nothing(serve: Callable[..., Server], caplog: pytest.LogCaptureFixture) -> None:
    def hook(verdict: RequestVerdict, action: GuardAction) -> None:
        raise ValueError("the metrics backend is down")

    server = serve(on_verdict=hook)
    with caplog.at_level(logging.ERROR, logger="oss_process.middleware"):
        assert server.bucket().async_process_object("audio/in.mp3", GOOD_ASYNC).status == 200
        with pytest.raises(oss2.exceptions.ServerError):
            server.bucket().async_process_object("audio/in.mp3", BAD_ASYNC)
    assert len(server.upstream.received) == 1
    assert sum("on_verdict hook raised" in record.message for record in caplog.records) == 2


# --- Rewriting, opt-in ----------------------------------------------------------------------


def test_rewrite_puts_the_canonical_directive_in_body_and_query(serve: Callable[..., Server]) -> None:
    # mode=None: no mode checks, so that an audio directive may ride a GET and show the query rewritten
    server = serve(rewrite=True, mode=None)
    assert server.bucket().async_process_object("audio/in.mp3", GOOD_ASYNC).status == 200
    status, _, _ = server.request(
        "GET", "/bucket/a.mp3?versionId=v1&x-oss-process=" + quote("audio/convert,ab_96000,f_aac", safe="") + "&x=1"
    )
    assert status == 200
    posted, got = server.upstream.received
    assert posted.body == b"x-oss-async-process=" + GOOD_ASYNC_CANONICAL.encode()
    assert posted.headers["content-length"] == str(len(posted.body))
    assert got.query == b"versionId=v1&x-oss-process=audio%2Fconvert%2Cf_aac%2Cab_96000&x=1"  # encoded as it came
    assert [action for _, action in server.verdicts] == ["rewritten", "rewritten"]


def test_rewrite_leaves_canonical_and_refused_requests_alone(serve: Callable[..., Server]) -> None:
    server = serve(rewrite=True)
    assert server.bucket().async_process_object("audio/in.mp3", GOOD_ASYNC_CANONICAL).status == 200
    with pytest.raises(oss2.exceptions.ServerError):
        server.bucket().async_process_object("audio/in.mp3", BAD_ASYNC)
    assert [action for _, action in server.verdicts] == ["passed", "rejected"]


# --- Protocol details without a server ------------------------------------------------------


async def _forward_non_http() -> list[str]:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        pass

    guard = ASGIMiddleware(app)
    await guard({"type": "lifespan"}, receive, send)
    await guard({"type": "websocket", "query_string": b"x-oss-process=bad", "headers": []}, receive, send)
    return seen


def test_asgi_scopes_other_than_http_pass_through() -> None:
    import asyncio

    assert asyncio.run(_forward_non_http()) == ["lifespan", "websocket"]


@pytest.mark.parametrize(("option", "value"), [("mode", "both"), ("reject", "always"), ("max_body_bytes", -1), ("on_verdict", "print")])
def test_bad_options_fail_when_the_middleware_is_built(option: str, value: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        WSGIMiddleware(Upstream().wsgi, **{option: value})  # type: ignore[arg-type]
    with pytest.raises((ValueError, TypeError)):
        ASGIMiddleware(Upstream().asgi, **{option: value})  # type: ignore[arg-type]


def _call_wsgi(guard: WSGIMiddleware, environ: dict[str, Any]) -> tuple[str, bytes]:
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], object]:
        status.append(line)
        return lambda data: None

    body = b"".join(guard(environ, start_response))
    return status[0], body


def test_wsgi_reads_no_further_than_content_length() -> None:
    body = b"x-oss-async-process=" + GOOD_ASYNC.encode()
    seen: list[bytes] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        stream = environ["wsgi.input"]
        seen.append(stream.readline(5) + stream.read())  # a read to the end stops at CONTENT_LENGTH
        start_response("200 OK", [])
        return []

    guard = WSGIMiddleware(app, max_body_bytes=16, reject="never")
    next_request = b"GET / HTTP/1.1\r\n\r\n"  # what a kept-alive socket holds after the body
    environ: dict[str, Any] = {"REQUEST_METHOD": "POST", "QUERY_STRING": "x-oss-async-process", "CONTENT_LENGTH": str(len(body))}
    environ["wsgi.input"] = io.BytesIO(body + next_request)
    assert _call_wsgi(guard, environ)[0] == "200 OK"
    assert seen == [body]


def test_wsgi_reads_a_terminated_input_without_content_length() -> None:
    body = b"x-oss-async-process=" + BAD_ASYNC.encode()
    environ: dict[str, Any] = {"REQUEST_METHOD": "POST", "QUERY_STRING": "x-oss-async-process", "wsgi.input_terminated": True}
    environ["wsgi.input"] = io.BytesIO(body)
    status, answer = _call_wsgi(WSGIMiddleware(Upstream().wsgi), environ)
    assert status == "400 Bad Request"
    assert error_of(answer)["EC"] == "E013"
    # Without CONTENT_LENGTH nor wsgi.input_terminated there is no body to read (PEP 3333).
    environ = {"REQUEST_METHOD": "POST", "QUERY_STRING": "x-oss-async-process", "wsgi.input": io.BytesIO(body)}
    status, answer = _call_wsgi(WSGIMiddleware(Upstream().wsgi), environ)
    assert error_of(answer)["EC"] == "G005"


def test_keep_alive_connection_gets_one_answer_per_request(serve: Callable[..., Server]) -> None:
    server = serve()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    statuses = []
    try:
        for directive in (BAD_ASYNC, GOOD_ASYNC, BAD_ASYNC, GOOD_ASYNC):
            connection.request("POST", "/bucket/a.mp3?x-oss-async-process", f"x-oss-async-process={directive}".encode())
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
    finally:
        connection.close()
    assert statuses == [400, 200, 400, 200]
    assert len(server.upstream.received) == 2


def test_flask_app_behind_the_wsgi_guard() -> None:
    flask = pytest.importorskip("flask")
    app = flask.Flask("oss")

    def process(bucket: str, key: str) -> Any:
        return flask.jsonify(ASYNC_ANSWER)

    app.add_url_rule("/<bucket>/<path:key>", view_func=process, methods=["POST"])
    app.wsgi_app = WSGIMiddleware(app.wsgi_app)
    port, stop = _start_wsgiref(app)
    try:
        bucket = Server(port, Upstream(), []).bucket()
        assert bucket.async_process_object("a.mp3", GOOD_ASYNC).task_id == ASYNC_ANSWER["TaskId"]
        with pytest.raises(oss2.exceptions.ServerError) as caught:
            bucket.async_process_object("a.mp3", BAD_ASYNC)
        assert (caught.value.status, caught.value.ec) == (400, "E013")
    finally:
        stop()
