"""A real nginx with the shipped configuration (examples/nginx/oss-process.conf), the check
service under uvicorn, and a loopback upstream standing in for the bucket; driven with
oss2 and plain HTTP. The upstream's log proves what got through."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import oss2  # type: ignore[import-untyped]
import pytest

from oss_process.serve import CheckService
from tests.test_middleware import _start_uvicorn

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)

pytestmark = pytest.mark.skipif(NGINX is None, reason="no nginx here (.ci/run installs Debian's nginx-light)")


class _Bucket(BaseHTTPRequestHandler):
    """The bucket: answers every GET with the query it was sent, and logs it."""

    log: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        self.log.append((self.command, self.path))
        body = b"image bytes for " + self.path.encode("latin-1")
        missing = "missing" in self.path
        self.send_response(404 if missing else 200)
        if missing:  # OSS's 404 may carry caching headers: the edge keeps only 200s all the same
            self.send_header("Cache-Control", "max-age=600")
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Edge:
    """nginx on a loopback port, with the shipped server block and the two upstreams."""

    def __init__(self, directory: Path, bucket_port: int, check_port: int, fail_closed: bool = False, rewrite: bool = False) -> None:
        self.port = _free_port()
        directory.mkdir(parents=True, exist_ok=True)
        shipped = (ROOT / "examples" / "nginx" / "oss-process.conf").read_text(encoding="utf-8")
        # the shipped block as it is, but its port, its cache directory and the fail mode
        server = shipped.replace("listen 8080;", f"listen 127.0.0.1:{self.port};")
        server = server.replace("/var/cache/nginx/oss-process", str(directory / "cache"))
        for switch, on in (("fail_closed", fail_closed), ("rewrite", rewrite)):
            opened = f"map $host $oss_process_{switch} {{\n    default "
            assert opened in server
            if on:
                server = server.replace(opened + "0;", opened + "1;")
        (directory / "oss-process.conf").write_text(server, encoding="utf-8")
        user = "user root root;" if os.geteuid() == 0 else ""  # workers must reach the temporary directories
        temporary = " ".join(f"{kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (directory / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    {temporary}
    upstream oss_bucket {{ server 127.0.0.1:{bucket_port}; keepalive 8; }}
    upstream oss_process_check {{ server 127.0.0.1:{check_port}; keepalive 8; }}
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    include {directory / "oss-process.conf"};
}}
""",
            encoding="utf-8",
        )
        assert NGINX is not None
        self.directory = directory
        self.process = subprocess.Popen([NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf")], stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    error = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise RuntimeError(f"nginx did not start: {error}") from None
                time.sleep(0.02)

    def get(self, target: str, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", target, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.msg, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def bucket() -> Iterator[tuple[int, list[tuple[str, str]]]]:
    log: list[tuple[str, str]] = []
    handler = type("Handler", (_Bucket,), {"log": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_port, log
    server.shutdown()
    server.server_close()


@pytest.fixture
def check_port() -> Iterator[int]:
    port, stop = _start_uvicorn(CheckService())
    yield port
    stop()


@pytest.fixture
def edge(tmp_path: Path, bucket: tuple[int, list[tuple[str, str]]], check_port: int) -> Iterator[Edge]:
    started = Edge(tmp_path / "nginx", bucket[0], check_port)
    yield started
    started.stop()


def test_a_good_directive_reaches_the_bucket_as_sent(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    status, headers, body = edge.get("/public/photo.jpg?x-oss-process=image/resize,w_100,m_lfit&response-content-type=image%2Fjpeg")
    assert (status, headers["X-Cache-Status"], headers["X-Oss-Process-Verdict"]) == (200, "MISS", "ok")
    assert bucket[1] == [("GET", "/public/photo.jpg?x-oss-process=image/resize,w_100,m_lfit&response-content-type=image%2Fjpeg")]
    assert body == b"image bytes for " + bucket[1][0][1].encode()


def test_two_spellings_of_one_meaning_are_one_cache_entry(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    first = edge.get("/public/photo.jpg?x-oss-process=image/resize,w_100,m_lfit")
    second = edge.get("/public/photo.jpg?x-oss-process=image/resize,m_lfit,w_100")
    encoded = edge.get("/public/photo.jpg?x-oss-process=" + quote("image/resize,m_lfit,w_100", safe=""))
    default = edge.get("/public/photo.jpg?x-oss-process=image/resize,w_100")  # m_lfit is the default
    assert [r[1]["X-Cache-Status"] for r in (first, second, encoded, default)] == ["MISS", "HIT", "HIT", "HIT"]
    assert second[2] == first[2]  # the cached answer
    assert len(bucket[1]) == 1
    # another meaning, another entry; another object, another entry
    assert edge.get("/public/photo.jpg?x-oss-process=image/resize,m_lfit,w_200")[1]["X-Cache-Status"] == "MISS"
    assert edge.get("/public/other.jpg?x-oss-process=image/resize,m_lfit,w_100")[1]["X-Cache-Status"] == "MISS"
    assert len(bucket[1]) == 3
    # without a directive the query is the key: two versions of an object are two entries
    versions = [edge.get(f"/public/photo.jpg?versionId={v}")[1]["X-Cache-Status"] for v in (1, 2, 1)]
    assert versions == ["MISS", "MISS", "HIT"]
    assert len(bucket[1]) == 5


def test_a_bad_directive_is_refused_with_oss_s_own_answer(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    status, headers, body = edge.get("/public/photo.jpg?x-oss-process=image/resize,w_0")
    assert status == 400
    assert headers["x-oss-ec"] == "E206"
    assert headers["Content-Type"] == "application/xml"
    assert b"<Code>InvalidArgument</Code>" in body
    assert b"E206 error at 15-16: w: 0 is below the minimum, 1" in body
    assert bucket[1] == []  # nothing bad got through


def test_private_and_signed_requests_are_never_cached(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    private = [edge.get("/photo.jpg?x-oss-process=image/resize,w_100")[1]["X-Cache-Status"] for _ in range(2)]
    signed = [
        edge.get("/public/photo.jpg?x-oss-process=image/resize,w_100&OSSAccessKeyId=a&Expires=1&Signature=b")[1]["X-Cache-Status"]
        for _ in range(2)
    ]
    header = [
        edge.get("/public/photo.jpg?x-oss-process=image/resize,w_100", {"Authorization": "OSS a:b"})[1]["X-Cache-Status"] for _ in range(2)
    ]
    assert (private, signed, header) == (["BYPASS"] * 2, ["BYPASS"] * 2, ["BYPASS"] * 2)
    assert len(bucket[1]) == 6


def test_oss2_through_the_edge(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    client = oss2.Bucket(oss2.Auth("test-id", "test-secret"), f"http://127.0.0.1:{edge.port}", "examplebucket", connect_timeout=5)
    assert client.get_object("photo.jpg", process="image/resize,w_100").read().startswith(b"image bytes for ")
    with pytest.raises(oss2.exceptions.ServerError) as raised:
        client.get_object("photo.jpg", process="image/resize,w_0")
    assert (raised.value.status, raised.value.code, raised.value.details["EC"]) == (400, "InvalidArgument", "E206")
    url = client.sign_url("GET", "photo.jpg", 60, params={"x-oss-process": "image/resize,m_lfit,w_100"})
    status, headers, _ = edge.get(url.split(f":{edge.port}", 1)[1])
    assert (status, headers["X-Cache-Status"]) == (200, "BYPASS")
    # oss2 sends the directive percent-encoded, and it arrives so: the signature covers it
    paths = [path for _, path in bucket[1]]
    assert len(paths) == 2
    assert all(path.startswith("/examplebucket/photo.jpg?") for path in paths)
    assert "x-oss-process=image%2Fresize%2Cw_100" in paths[0]
    assert re.search(r"Signature=[^&]+", paths[1])


def test_fail_open_when_the_service_is_down_or_slow(tmp_path: Path, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    down = Edge(tmp_path / "down", bucket[0], _free_port())  # nothing listens there
    try:
        status, headers, _ = down.get("/public/photo.jpg?x-oss-process=image/resize,w_100")
        assert (status, headers["X-Cache-Status"]) == (200, "BYPASS")  # through, unchecked, uncached
    finally:
        down.stop()

    async def slow(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await asyncio.sleep(2)

    port, stop = _start_uvicorn(slow)
    slowly = Edge(tmp_path / "slow", bucket[0], port)
    try:
        started = time.monotonic()
        status, headers, _ = slowly.get("/public/photo.jpg?x-oss-process=image/resize,w_100")
        assert (status, headers["X-Cache-Status"]) == (200, "BYPASS")
        assert time.monotonic() - started < 1.5  # the 250 ms read timeout, not the service's 2 s
    finally:
        slowly.stop()
        stop()
    assert len(bucket[1]) == 2


def test_fail_closed_refuses_when_the_service_is_down(tmp_path: Path, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    closed = Edge(tmp_path / "closed", bucket[0], _free_port(), fail_closed=True)
    try:
        assert closed.get("/public/photo.jpg?x-oss-process=image/resize,w_100")[0] == 500
    finally:
        closed.stop()
    assert bucket[1] == []


def test_the_canonical_directive_upstream_when_asked_never_for_a_signed_request(
    tmp_path: Path, bucket: tuple[int, list[tuple[str, str]]], check_port: int
) -> None:
    rewriting = Edge(tmp_path / "rewrite", bucket[0], check_port, rewrite=True)
    try:
        assert rewriting.get("/public/a%20b.jpg?v=1&x-oss-process=image/resize,w_100,m_lfit")[0] == 200
        signed = "/public/a.jpg?x-oss-process=image/resize,w_100,m_lfit&OSSAccessKeyId=a&Expires=1&Signature=b"
        assert rewriting.get(signed)[0] == 200
        assert rewriting.get("/public/a.jpg?v=2")[0] == 200  # no directive: as it came
    finally:
        rewriting.stop()
    assert bucket[1] == [
        ("GET", "/public/a%20b.jpg?v=1&x-oss-process=image/resize,w_100"),  # the path as sent, the directive canonical
        ("GET", signed),  # a rewritten directive would no longer match its signature
        ("GET", "/public/a.jpg?v=2"),
    ]


def test_what_could_share_an_entry_wrongly_does_not(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    def status(target: str) -> str:
        return edge.get(target)[1]["X-Cache-Status"]

    # the bucket is sent the path as written: a path another reader may resolve elsewhere is not cached
    assert [status("/private/../public/b.jpg"), status("/public/b.jpg")] == ["BYPASS", "MISS"]
    assert [status("/private%2F..%2Fpublic/c.jpg"), status("/public/c.jpg")] == ["BYPASS", "MISS"]
    assert [status("/public//d.jpg"), status("/public/d.jpg")] == ["BYPASS", "MISS"]
    assert [status("/public/e.jpg?b=1?c=2"), status("/public/e.jpg%3Fb=1?c=2")] == ["MISS", "MISS"]
    # repeated parameters in another order: another key
    assert [status("/public/f.jpg?r=a&r=b"), status("/public/f.jpg?r=b&r=a")] == ["MISS", "MISS"]
    # a percent-encoded name may spell a signature: not cached
    assert [status("/public/g.jpg?x-oss-process=image/resize,w_100&%53ignature=x")] * 2 == ["BYPASS"] * 2
    # only 200s are kept
    assert [edge.get("/public/missing.jpg")[0], status("/public/missing.jpg")] == [404, "MISS"]


def test_what_follows_a_hash_sign_is_checked(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    # nginx forwards a '#' in the request line: the directive after it is checked, not skipped
    status, headers, _ = edge.get("/public/a.jpg?a=1#&x-oss-process=image/resize,w_0")
    assert (status, headers["x-oss-ec"]) == (400, "E206")
    assert edge.get("/public/a.jpg?x-oss-process=image/resize,w_100#,h_0")[0] == 400  # '#' is no directive character
    assert bucket[1] == []


def test_a_long_query_is_checked_and_cached(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    target = "/public/a.jpg?x-oss-process=image/resize,w_100&pad=" + "a" * 6000
    assert [(r[0], r[1]["X-Cache-Status"]) for r in (edge.get(target), edge.get(target))] == [(200, "MISS"), (200, "HIT")]
    assert "too big header" not in (edge.directory / "error.log").read_text()


def test_the_refusal_of_a_query_that_is_not_ascii_is_oss_s_answer(edge: Edge, bucket: tuple[int, list[tuple[str, str]]]) -> None:
    request = b"GET /public/a.jpg?x-oss-process=image/resize,w_0&pad=\xc3\xa9 HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", edge.port), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"x-oss-ec: E206" in head
    assert b"X-Oss-Process-Verdict: error" in head
    assert b"<Code>InvalidArgument</Code>" in body
    assert bucket[1] == []
