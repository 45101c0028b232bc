"""Guards for the two Python web protocols: :class:`ASGIMiddleware` and :class:`WSGIMiddleware`.

Wrapping an app with no options already guards it: a request whose process directive has
an error gets OSS's own 400 ``InvalidArgument`` answer; everything else reaches the app
as it came. Both take the same keyword options:

- ``mode``: "auto" (the parameter's name decides), "sync", "async" or None (no mode checks);
- ``reject``: "errors" (default), "strict" (errors, and what OSS would ignore: an unknown
  key, an empty parameter), "warnings" (any diagnostic) or "never" (observe only);
- ``on_verdict``: called as ``on_verdict(verdict, action)`` for every request with a
  process parameter, ``action`` being "passed", "rejected" or "rewritten";
- ``rewrite``: off by default. When on, a directive that passes is replaced by its
  canonical form. The process parameter is a signed sub-resource in OSS's V1 signature,
  so a rewrite breaks a signed request: use it only where the guard signs or nothing does;
- ``max_body_bytes``: the most of a POST body the guard reads (G006 beyond it).

The guard never turns a good request into a failure: an exception inside it is logged
and the request goes on unchanged; the bytes it read are handed on intact.
"""

from __future__ import annotations

import io
import logging
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, Literal, NamedTuple, TypeVar, get_args

from . import gateway
from .gateway import DEFAULT_MAX_BODY_BYTES, GUARDED_METHODS, ErrorResponse, ModeOption, Reject, RequestVerdict
from .tables import Catalogue

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed import WriteableBuffer
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment  # noqa: F401 - named in a string below

__all__ = ["ASGIMiddleware", "GuardAction", "GuardOptions", "VerdictHook", "WSGIMiddleware"]

logger = logging.getLogger(__name__)

GuardAction = Literal["passed", "rejected", "rewritten"]
VerdictHook = Callable[[RequestVerdict, GuardAction], None]

# ASGI's types, spelled out: the protocol needs no library.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class GuardOptions:
    """The options both middlewares take; checked when the middleware is built."""

    mode: ModeOption = "auto"
    reject: Reject = "errors"
    on_verdict: VerdictHook | None = None
    rewrite: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    catalogue: Catalogue | None = None  # the tables to check against; the built-in ones by default

    def __post_init__(self) -> None:
        if self.mode not in (None, "auto", "sync", "async"):
            raise ValueError(f"mode must be 'auto', 'sync', 'async' or None, not {self.mode!r}")
        if self.reject not in get_args(Reject):
            raise ValueError(f"reject must be 'errors', 'strict', 'warnings' or 'never', not {self.reject!r}")
        if self.on_verdict is not None and not callable(self.on_verdict):
            raise TypeError("on_verdict must be callable")
        if type(self.max_body_bytes) is not int or self.max_body_bytes < 0:
            raise ValueError(f"max_body_bytes must be a non-negative int, not {self.max_body_bytes!r}")
        if self.catalogue is not None and not isinstance(self.catalogue, Catalogue):
            raise TypeError(f"catalogue must be a Catalogue or None, not {type(self.catalogue).__name__}")


class _Decision(NamedTuple):
    action: GuardAction
    response: ErrorResponse | None = None
    query: bytes | None = None  # the rewritten query, if any
    body: bytes | None = None  # the rewritten body, if any


def _decide(options: GuardOptions, verdict: RequestVerdict, query: bytes, body: bytes | None, host: str) -> _Decision:
    if verdict.blocks(options.reject):
        decision = _Decision("rejected", gateway.error_response(verdict, host_id=host))
    else:
        decision = _Decision("passed")
        canonical = verdict.canonical if options.rewrite else None
        parameter = verdict.parameter
        if canonical is not None and parameter is not None and canonical != parameter.text:
            if parameter.location == "query":
                decision = _Decision("rewritten", query=gateway.with_canonical(query, parameter, canonical))
            elif body is not None:  # None: the body was not read whole, and is left as it is
                decision = _Decision("rewritten", body=gateway.with_canonical(body, parameter, canonical))
    if options.on_verdict is not None:
        try:
            options.on_verdict(verdict, decision.action)
        except Exception:
            logger.exception("oss_process guard: the on_verdict hook raised; the request is handled as decided")
    return decision


def _check(options: GuardOptions, method: str, query: bytes, body: bytes | None, content_type: str | None) -> RequestVerdict | None:
    # Looked up on the module at each call, so a test can make it fail.
    return gateway.check_request(
        method, query, body, content_type, mode=options.mode, max_body_bytes=options.max_body_bytes, catalogue=options.catalogue
    )


# --- ASGI -----------------------------------------------------------------------------------


App = TypeVar("App")


class _Guard(Generic[App]):
    """What both middlewares keep: the app they guard and the options."""

    def __init__(
        self,
        app: App,
        *,
        mode: ModeOption = "auto",
        reject: Reject = "errors",
        on_verdict: VerdictHook | None = None,
        rewrite: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.app = app
        self.options = GuardOptions(mode, reject, on_verdict, rewrite, max_body_bytes, catalogue)


class ASGIMiddleware(_Guard[ASGIApp]):
    """Guards an ASGI app (Starlette, FastAPI, any ASGI server): ``ASGIMiddleware(app, **options)``.

    A POST body is read up to ``max_body_bytes`` and the messages received are replayed to
    the app, chunk by chunk as they came, before the app's own ``receive`` takes over.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in GUARDED_METHODS
            or not gateway.mentions_process(scope.get("query_string", b""))
        ):
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        try:
            decision = await self._inspect(scope, receive, received)
        except Exception:
            logger.exception("oss_process guard failed; the request goes on unchanged")
            decision = None
        if decision is None:
            await self.app(scope, _replay(received, receive), send)
        elif decision.response is not None:
            await _send_response(send, decision.response, head_only=scope["method"] == "HEAD")
        else:
            if decision.query is not None:
                scope = {**scope, "query_string": decision.query}
            if decision.body is not None:
                scope = {**scope, "headers": _with_content_length(scope.get("headers", ()), len(decision.body))}
                received = [{"type": "http.request", "body": decision.body, "more_body": False}]
            await self.app(scope, _replay(received, receive), send)

    async def _inspect(self, scope: Scope, receive: Receive, received: list[Message]) -> _Decision | None:
        method: str = scope["method"]
        query: bytes = scope.get("query_string", b"")
        body: bytes | None = None
        if gateway.wants_body(method, query):
            body = await _read_body(receive, received, self.options.max_body_bytes)
        content_type = host = None
        for name, value in scope.get("headers", ()):
            if name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"host":
                host = value.decode("latin-1")
        verdict = _check(self.options, method, query, body, content_type)
        if verdict is None:
            return None
        whole = body if body is not None and received and _complete(received) else None
        return _decide(self.options, verdict, query, whole, host or "")


async def _read_body(receive: Receive, received: list[Message], limit: int) -> bytes:
    """Up to ``limit + 1`` bytes of the body (enough to know it is too long); every message
    received is kept in ``received`` for the app."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        message = await receive()
        received.append(message)
        if message["type"] != "http.request":  # http.disconnect: the client is gone
            break
        chunk: bytes = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _complete(received: list[Message]) -> bool:
    last = received[-1]
    return bool(last["type"] == "http.request" and not last.get("more_body", False))


def _replay(received: list[Message], receive: Receive) -> Receive:
    if not received:
        return receive
    pending = deque(received)

    async def replayed() -> Message:
        if pending:
            return pending.popleft()
        return await receive()

    return replayed


def _with_content_length(headers: Iterable[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    return [(name, str(length).encode() if name == b"content-length" else value) for name, value in headers]


async def _send_response(send: Send, response: ErrorResponse, *, head_only: bool) -> None:
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else response.body})


# --- WSGI -----------------------------------------------------------------------------------


class WSGIMiddleware(_Guard["WSGIApplication"]):
    """Guards a WSGI app (Flask, Django, any WSGI server): ``WSGIMiddleware(app, **options)``.

    A POST body is read up to ``max_body_bytes``; ``wsgi.input`` is then replaced by a
    stream of what was read followed by the rest, so the app reads the body it was sent.
    """

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        query = str(environ.get("QUERY_STRING", ""))
        if method not in GUARDED_METHODS or not gateway.mentions_process(query):
            return self.app(environ, start_response)
        try:
            decision = self._inspect(environ, method, query)
        except Exception:
            logger.exception("oss_process guard failed; the request goes on unchanged")
            decision = None
        if decision is not None:
            if decision.response is not None:
                response = decision.response
                start_response(f"{response.status} {response.reason}", list(response.headers))
                return [] if method == "HEAD" else [response.body]
            # The environ changes only here, once nothing can fail: else it stays as it came.
            if decision.query is not None:
                _set_query(environ, decision.query.decode("latin-1"))
            if decision.body is not None:
                environ["wsgi.input"] = io.BytesIO(decision.body)
                environ["CONTENT_LENGTH"] = str(len(decision.body))
        return self.app(environ, start_response)

    def _inspect(self, environ: WSGIEnvironment, method: str, query: str) -> _Decision | None:
        body: bytes | None = None
        complete = False
        if gateway.wants_body(method, query):
            body, complete = _read_wsgi_body(environ, self.options.max_body_bytes)
        verdict = _check(self.options, method, gateway.as_bytes(query), body, environ.get("CONTENT_TYPE"))
        if verdict is None:
            return None
        host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
        return _decide(self.options, verdict, gateway.as_bytes(query), body if complete else None, host)


def _set_query(environ: WSGIEnvironment, query: str) -> None:
    environ["QUERY_STRING"] = query
    # Some servers also pass the request line's target; keep it in step.
    for key in ("REQUEST_URI", "RAW_URI"):
        target = environ.get(key)
        if isinstance(target, str) and "?" in target:
            environ[key] = target.partition("?")[0] + "?" + query


def _read_wsgi_body(environ: WSGIEnvironment, limit: int) -> tuple[bytes, bool]:
    """Up to ``limit + 1`` bytes of the body, and whether that is all of it.

    ``wsgi.input`` is replaced at once (even if reading fails half-way) by what was read
    followed by the rest, so the app reads the same body.
    """
    try:
        length: int | None = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        length = None
    if length is None and not environ.get("wsgi.input_terminated"):
        return b"", True  # PEP 3333: no CONTENT_LENGTH, no body to read
    stream: BinaryIO = environ["wsgi.input"]
    wanted = limit + 1 if length is None else min(max(length, 0), limit + 1)
    chunks: list[bytes] = []
    size = 0
    ended = False
    try:
        while size < wanted:
            chunk = stream.read(wanted - size)
            if not chunk:
                ended = True
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        head = b"".join(chunks)
        complete = ended or (length is not None and size >= length)
        remaining = None if length is None else max(length - size, 0)
        environ["wsgi.input"] = io.BytesIO(head) if complete else io.BufferedReader(_ReplayedInput(head, stream, remaining))
    return head, complete


class _ReplayedInput(io.RawIOBase):
    """The bytes already read, then the rest of the original stream (at most ``remaining``)."""

    def __init__(self, head: bytes, rest: BinaryIO, remaining: int | None) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest
        self._remaining = remaining

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(target), len(self._head))
            target[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        wanted = len(target) if self._remaining is None else min(len(target), self._remaining)
        if wanted == 0:
            return 0
        data = self._rest.read(wanted)
        target[: len(data)] = data
        if self._remaining is not None:
            self._remaining -= len(data)
        return len(data)
