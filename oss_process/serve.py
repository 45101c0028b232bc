"""The check service for nginx: an ASGI app that answers nginx's ``auth_request``
subrequests about the directive of the request they stand for.

``GET /check`` reads the original request from the headers nginx sets
(``X-Original-Method: $request_method``, ``X-Original-URI: $request_uri``), finds the
directive as :func:`oss_process.gateway.check_request` does, and answers

- **204** when the request may go on, with ``X-Oss-Process-Verdict`` (``ok``, ``warning``,
  ``none``: no process parameter, or ``unchecked``: a POST, whose body ``auth_request``
  does not pass) and, when the directive is valid, ``X-Oss-Process-Canonical`` (its
  canonical form), ``X-Oss-Process-Mode``, ``X-Oss-Process-Cache-Key`` (a SHA-256 of the
  query with the directive in canonical form: one key per meaning, of a bounded size)
  and ``X-Oss-Process-Query`` (the query as sent, the directive in canonical form, for a
  configuration that sends that upstream; left out when over ``MAX_QUERY_BYTES``);
  without a process parameter, ``X-Oss-Process-Cache-Key`` is the hash of the query;
- **403** when it must not, with ``X-Oss-Process-Verdict: error``, the codes in
  ``X-Oss-Process-Codes`` and the first error in ``X-Oss-Process-Message`` (ASCII, each
  at most ``MAX_HEADER_BYTES``), for nginx to answer through ``error_page``;

``GET /error`` (nginx's ``error_page`` location) answers OSS's own 400
``InvalidArgument`` XML for the same request, every diagnostic in full, which the SDKs
raise as their own error. ``GET /healthz`` says the service is up, ``GET /metrics``
gives requests, verdicts by code and the check's latency in the Prometheus text format
(the ``prometheus_client`` library: the ``[serve]`` extra).

``auth_request`` passes no request body: a POST (``x-oss-async-process``, or
``x-oss-process`` with ``sys/saveas``) is not checked here but by the middleware
(:mod:`oss_process.middleware`) where the application runs Python.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final, Literal
from urllib.parse import unquote

from . import gateway
from .diagnostics import CODES
from .gateway import ModeOption, Reject, RequestVerdict
from .media import MissingExtraError

__all__ = [
    "CACHE_KEY_HEADER",
    "CANONICAL_HEADER",
    "CODES_HEADER",
    "MAX_HEADER_BYTES",
    "MESSAGE_HEADER",
    "MODE_HEADER",
    "QUERY_HEADER",
    "VERDICT_HEADER",
    "CheckService",
    "cache_key",
]

CANONICAL_HEADER: Final = "X-Oss-Process-Canonical"
CACHE_KEY_HEADER: Final = "X-Oss-Process-Cache-Key"
QUERY_HEADER: Final = "X-Oss-Process-Query"
MODE_HEADER: Final = "X-Oss-Process-Mode"
VERDICT_HEADER: Final = "X-Oss-Process-Verdict"
CODES_HEADER: Final = "X-Oss-Process-Codes"
MESSAGE_HEADER: Final = "X-Oss-Process-Message"
#: The most bytes of each diagnostic header: nginx reads a subrequest's headers into one
#: buffer (``proxy_buffer_size``, 4 KiB by default), and must not fail on ours.
MAX_HEADER_BYTES: Final = 512
#: The longest canonical directive and rewritten query sent in headers (longer ones are
#: left out: the cache key is a hash, and the request then goes on as it came). With the
#: rest, all fits in the 16 KiB the shipped configuration gives the subrequest's headers.
MAX_CANONICAL_BYTES: Final = 2048
MAX_QUERY_BYTES: Final = 8192

Verdict = Literal["ok", "warning", "error", "none", "unchecked"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# The check's latency buckets, in seconds: a directive is checked in microseconds, the
# request around it in tens of them.
_BUCKETS = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1)


def _ascii(text: str, limit: int = MAX_HEADER_BYTES) -> str:
    """``text`` as a header value: printable ASCII (others escaped), at most ``limit`` bytes."""
    shown = text.encode("ascii", "backslashreplace").decode("ascii")
    shown = "".join(c if " " <= c <= "~" else f"\\x{ord(c):02x}" for c in shown)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def cache_key(query: str, verdict: RequestVerdict | None) -> str | None:
    """The query as a cache key: the process parameter's value in canonical form, every
    other parameter as written, in the order written (the order of repeated parameters
    can matter), hashed to a bounded length. None when the directive has no canonical
    form (an error), so that nothing is cached under it."""
    if verdict is None:  # no process parameter: the query as it is
        return hashlib.sha256(query.encode("utf-8", "surrogateescape")).hexdigest()
    canonical = verdict.canonical
    if canonical is None or verdict.parameter is None:
        return None
    pairs = query.split("&") if query else []
    parameter = verdict.parameter
    if parameter.location == "query" and 0 <= parameter.index < len(pairs):
        name = pairs[parameter.index].partition("=")[0]
        pairs[parameter.index] = f"{unquote(name)}={canonical}"
    return hashlib.sha256("&".join(pairs).encode("utf-8", "surrogateescape")).hexdigest()


class _Metrics:
    """Requests, verdicts, codes and latency, in a registry of the service's own."""

    def __init__(self) -> None:
        try:
            import prometheus_client
        except ImportError:
            raise MissingExtraError(
                (), message="the check service's metrics need prometheus_client: pip install 'oss-process[serve]'"
            ) from None
        self.client = prometheus_client
        self.registry = prometheus_client.CollectorRegistry()
        self.checks = prometheus_client.Counter("oss_process_checks", "Requests checked, by verdict.", ["verdict"], registry=self.registry)
        self.diagnostics = prometheus_client.Counter(
            "oss_process_diagnostics", "Diagnostics found, by code.", ["code", "severity"], registry=self.registry
        )
        self.latency = prometheus_client.Histogram(
            "oss_process_check_seconds", "Time to check one request.", buckets=_BUCKETS, registry=self.registry
        )
        self.errors = prometheus_client.Counter(
            "oss_process_internal_errors", "Checks that failed inside the service (answered as allowed).", registry=self.registry
        )

    def observe(self, verdict: Verdict, found: RequestVerdict | None, seconds: float) -> None:
        self.checks.labels(verdict).inc()
        for diagnostic in found.diagnostics if found is not None else ():
            self.diagnostics.labels(diagnostic.code, CODES[diagnostic.code].severity.value).inc()
        self.latency.observe(seconds)

    def text(self) -> tuple[bytes, str]:
        return self.client.generate_latest(self.registry), self.client.CONTENT_TYPE_LATEST


class CheckService:
    """The ASGI app. ``mode`` and ``reject`` are as for the middleware (``reject`` says
    which verdicts are refused: "errors", "strict", "warnings" or "never")."""

    def __init__(self, *, mode: ModeOption = "auto", reject: Reject = "errors", metrics: bool = True) -> None:
        self.mode, self.reject = mode, reject
        self.metrics = _Metrics() if metrics else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path = scope.get("path", "")
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", ())}
        if path == "/check":
            status, answer, body = self._check(headers)
            await _answer(send, status, answer, body)
        elif path == "/error":
            await self._error(headers, send)
        elif path == "/healthz":
            await _answer(send, 200, [("Content-Type", "text/plain")], b"ok\n")
        elif path == "/metrics" and self.metrics is not None:
            text, content_type = self.metrics.text()
            await _answer(send, 200, [("Content-Type", content_type)], text)
        else:
            await _answer(send, 404, [("Content-Type", "text/plain")], b"not found\n")

    def verdict(self, method: str, uri: str) -> RequestVerdict | None:
        """The verdict on the original request (``$request_method``, ``$request_uri``)."""
        # nginx forwards a '#' in the request line as it is: what follows it is checked too
        query = uri.partition("?")[2]
        return gateway.check_request(method, query, b"", mode=self.mode)

    def _check(self, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        started = time.perf_counter()
        method = headers.get("x-original-method", "GET").upper()
        uri = headers.get("x-original-uri", "")
        found: RequestVerdict | None = None
        try:
            query = uri.partition("?")[2]
            if gateway.wants_body(method, query):
                verdict: Verdict = "unchecked"  # a POST: its body never reaches an auth_request
                answer: list[tuple[str, str]] = [(VERDICT_HEADER, verdict)]
                status = 204
            else:
                found = self.verdict(method, uri)
                status, verdict, answer = self._answer(found, query)
        except Exception:  # noqa: BLE001 - the service never turns a request away for its own fault
            if self.metrics is not None:
                self.metrics.errors.inc()
            return 204, [(VERDICT_HEADER, "unchecked")], b""
        if self.metrics is not None:
            self.metrics.observe(verdict, found, time.perf_counter() - started)
        return status, answer, b""

    def _answer(self, found: RequestVerdict | None, query: str) -> tuple[int, Verdict, list[tuple[str, str]]]:
        if found is None:  # no directive: the query as it is (versionId and the like change the answer)
            key = cache_key(query, None)
            return 204, "none", [(VERDICT_HEADER, "none"), (CACHE_KEY_HEADER, key or "-")]
        if found.blocks(self.reject):
            codes = _ascii(",".join(found.codes))
            first = next((d for d in found.diagnostics if d.is_error), found.diagnostics[0] if found.diagnostics else None)
            message = "" if first is None else _ascii(f"{first.code} {first.message}")
            return 403, "error", [(VERDICT_HEADER, "error"), (CODES_HEADER, codes), (MESSAGE_HEADER, message)]
        verdict: Verdict = "warning" if found.diagnostics else "ok"
        answer: list[tuple[str, str]] = [(VERDICT_HEADER, verdict)]
        if found.diagnostics:
            answer.append((CODES_HEADER, _ascii(",".join(found.codes))))
        canonical, key = found.canonical, cache_key(query, found)
        if canonical is not None and key is not None:
            answer.append((CACHE_KEY_HEADER, key))
            if found.mode is not None:
                answer.append((MODE_HEADER, found.mode.value))
            # informative, and for the opt-in rewrite: left out when too long for nginx's buffer
            if canonical.isascii() and len(canonical) <= MAX_CANONICAL_BYTES:
                answer.append((CANONICAL_HEADER, canonical))
                if found.parameter is not None and found.parameter.location == "query":
                    rewritten = gateway.with_canonical(query.encode("latin-1", "replace"), found.parameter, canonical).decode("latin-1")
                    if rewritten.isascii() and len(rewritten) <= MAX_QUERY_BYTES:
                        answer.append((QUERY_HEADER, rewritten))
        return 204, verdict, answer

    async def _error(self, headers: dict[str, str], send: Send) -> None:
        method = headers.get("x-original-method", "GET").upper()
        found = self.verdict(method, headers.get("x-original-uri", ""))
        if found is None or not found.blocks(self.reject):  # asked without a reason: nothing to refuse
            await _answer(send, 500, [("Content-Type", "text/plain")], b"no error to report\n")
            return
        response = gateway.error_response(found)
        await _answer(send, response.status, list(response.headers), response.body)


async def _answer(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    if not any(name.lower() == "content-length" for name, _ in headers):
        headers = [*headers, ("Content-Length", str(len(body)))]
    encoded = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    await send({"type": "http.response.start", "status": status, "headers": encoded})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def run(host: str = "127.0.0.1", port: int = 8181, *, mode: ModeOption = "auto", reject: Reject = "errors") -> None:
    """Serve :class:`CheckService` with uvicorn until stopped."""
    try:
        import uvicorn
    except ImportError:
        raise MissingExtraError((), message="oss-process serve needs uvicorn: pip install 'oss-process[serve]'") from None
    uvicorn.run(CheckService(mode=mode, reject=reject), host=host, port=port, log_level="warning", access_log=False)
