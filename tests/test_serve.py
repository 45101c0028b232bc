"""The check service (oss_process.serve) under a real uvicorn: its answers to nginx's
subrequests, its error body, its headers' bounds, health and Prometheus metrics."""

from __future__ import annotations

import hashlib
import http.client
from collections.abc import Iterator
from typing import Any

import pytest

from oss_process import cli, gateway
from oss_process.serve import MAX_HEADER_BYTES, CheckService, cache_key
from tests.test_middleware import _start_uvicorn


class Service:
    def __init__(self, app: CheckService) -> None:
        self.app = app
        self.port, self.stop = _start_uvicorn(app)

    def get(self, path: str, uri: str = "", method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", path, headers={"X-Original-URI": uri, "X-Original-Method": method})
            response = connection.getresponse()
            return response.status, response.msg, response.read()
        finally:
            connection.close()


@pytest.fixture
def service() -> Iterator[Service]:
    started = Service(CheckService())
    yield started
    started.stop()


def test_a_good_directive(service: Service) -> None:
    status, headers, body = service.get("/check", "/a.jpg?x-oss-process=image/resize,w_100,m_lfit&versionId=2")
    assert (status, body) == (204, b"")
    assert headers["X-Oss-Process-Verdict"] == "ok"
    assert headers["X-Oss-Process-Canonical"] == "image/resize,w_100"  # m_lfit is the default
    assert headers["X-Oss-Process-Mode"] == "sync"
    # a hash of the query in order, the directive canonical: bounded, whatever the query
    assert headers["X-Oss-Process-Cache-Key"] == hashlib.sha256(b"x-oss-process=image/resize,w_100&versionId=2").hexdigest()


def test_a_warning_passes_with_its_codes(service: Service) -> None:
    status, headers, _ = service.get("/check", "/a.jpg?x-oss-process=image/resize,w_100,colour_FF0000")
    assert (status, headers["X-Oss-Process-Verdict"], headers["X-Oss-Process-Codes"]) == (204, "warning", "W220")
    assert headers["X-Oss-Process-Canonical"] == "image/resize,w_100,colour_FF0000"


def test_a_bad_directive_and_its_error_body(service: Service) -> None:
    uri = "/a.jpg?x-oss-process=image/resize,w_0,h_0"
    status, headers, _ = service.get("/check", uri)
    assert status == 403
    assert (headers["X-Oss-Process-Verdict"], headers["X-Oss-Process-Codes"]) == ("error", "E206,E206")
    assert headers["X-Oss-Process-Message"] == "E206 w: 0 is below the minimum, 1"
    assert "X-Oss-Process-Canonical" not in headers
    status, headers, body = service.get("/error", uri)
    assert (status, headers["x-oss-ec"], headers["Content-Type"]) == (400, "E206", "application/xml")
    assert b"E206 error at 15-16: w: 0 is below the minimum, 1" in body
    assert b"E206 error at 19-20: h: 0 is below the minimum, 1" in body  # every diagnostic, in full


def test_no_process_parameter_and_a_post(service: Service) -> None:
    status, headers, _ = service.get("/check", "/a.jpg?versionId=2&a=1")
    # the other parameters stay in the key: two versions of an object are two entries
    assert (status, headers["X-Oss-Process-Verdict"]) == (204, "none")
    assert headers["X-Oss-Process-Cache-Key"] == hashlib.sha256(b"versionId=2&a=1").hexdigest()
    # auth_request passes no body: a POST is left to the middleware
    status, headers, _ = service.get("/check", "/a.mp3?x-oss-async-process", method="POST")
    assert (status, headers["X-Oss-Process-Verdict"]) == (204, "unchecked")
    assert "X-Oss-Process-Cache-Key" not in headers
    status, _, _ = service.get("/error", "/a.jpg?versionId=2")
    assert status == 500  # nothing to refuse: nginx asked without a reason


def test_diagnostic_headers_are_ascii_and_bounded(service: Service) -> None:
    many = ",".join(f"w_{n}" for n in range(200))
    status, headers, _ = service.get("/check", f"/a.jpg?x-oss-process=image/resize,{many}")
    assert status == 403
    for name in ("X-Oss-Process-Codes", "X-Oss-Process-Message"):
        assert len(headers[name].encode("latin-1")) <= MAX_HEADER_BYTES
        assert headers[name].isascii()
    assert headers["X-Oss-Process-Codes"].endswith(",E004")  # lint's own bound on what one directive reports
    long = "a" * 5000
    status, headers, _ = service.get("/check", f"/a.jpg?x-oss-process=image/resize,w_100,{long}_1")
    assert len(headers["X-Oss-Process-Codes"]) <= MAX_HEADER_BYTES
    # a character outside ASCII in the directive (percent-encoded UTF-8): the message names it in ASCII
    status, headers, _ = service.get("/check", "/a.jpg?x-oss-process=image/resize,w_%E2%80%83100")
    assert (status, headers["X-Oss-Process-Message"]) == (403, "E012 unexpected character U+2003 EM SPACE after 'w_'")


def test_header_values_are_cut_to_the_bound() -> None:
    from oss_process.serve import _ascii

    assert _ascii("x" * 600) == "x" * (MAX_HEADER_BYTES - 3) + "..."
    assert _ascii("tab\there, \u00e9") == "tab\\x09here, \\xe9"


def test_health_and_metrics(service: Service) -> None:
    assert service.get("/healthz")[:3:2] == (200, b"ok\n")
    service.get("/check", "/a.jpg?x-oss-process=image/resize,w_100")
    service.get("/check", "/a.jpg?x-oss-process=image/resize,w_0")
    service.get("/check", "/a.jpg?x-oss-process=image/resize,w_0")
    status, headers, body = service.get("/metrics")
    text = body.decode()
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    assert 'oss_process_checks_total{verdict="ok"} 1.0' in text
    assert 'oss_process_checks_total{verdict="error"} 2.0' in text
    assert 'oss_process_diagnostics_total{code="E206",severity="error"} 2.0' in text
    assert "oss_process_check_seconds_count 3.0" in text
    assert service.get("/nowhere")[0] == 404


def test_a_failure_inside_the_service_lets_the_request_go_on(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(gateway, "check_request", broken)
    status, headers, _ = service.get("/check", "/a.jpg?x-oss-process=image/resize,w_100")
    assert (status, headers["X-Oss-Process-Verdict"]) == (204, "unchecked")
    assert "oss_process_internal_errors_total 1.0" in service.get("/metrics")[2].decode()


def test_reject_strict_refuses_what_oss_ignores() -> None:
    strict = Service(CheckService(reject="strict"))
    try:
        assert strict.get("/check", "/a.jpg?x-oss-process=image/resize,w_100,colour_FF0000")[0] == 403
        assert strict.get("/check", "/a.jpg?x-oss-process=image/resize,w_100")[0] == 204
    finally:
        strict.stop()


def test_cache_keys_are_one_per_meaning() -> None:
    def key(query: str) -> str | None:
        return cache_key(query, gateway.check_request("GET", query))

    assert key("x-oss-process=image/resize,w_100,m_lfit&b=2") == key("x-oss-process=image%2Fresize%2Cm_lfit%2Cw_100&b=2")
    assert key("x-oss-process=image/resize,w_100") != key("x-oss-process=image/resize,w_100&versionId=1")
    # the order is kept: repeated parameters may mean something else in another order
    assert key("a=1&a=2&x-oss-process=image/resize,w_100") != key("a=2&a=1&x-oss-process=image/resize,w_100")
    assert key("x-oss-process=image/resize,w_0") is None
    assert key("versionId=1") != key("versionId=2")


def test_the_command_says_what_it_needs(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_uvicorn(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "uvicorn":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_uvicorn)
    assert cli.main(["serve", "--port", "0"]) == 2
    assert "oss-process serve needs uvicorn: pip install 'oss-process[serve]'" in capsys.readouterr().err
