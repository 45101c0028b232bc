"""The gateway guard: find the process parameter in a request the way OSS does, check it,
and refuse a bad one in OSS's own error shape.

:func:`check_request` takes what a gateway sees (method, query string, body, content
type) and returns a :class:`RequestVerdict`, or None when the request carries no process
parameter. :func:`error_response` turns a verdict into the 400 ``InvalidArgument`` answer
that the official SDKs already parse. The middlewares in :mod:`oss_process.middleware`
are thin adapters around these two.

Request-level findings are diagnostics like the directive's own, with codes of their own
(``G001``..., in the one registry :data:`oss_process.CODES`; :data:`GATEWAY_CODES` is
that subset) and a span only when they have a place in the directive. The directive's
spans are into the directive as OSS reads it (percent-decoded).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from types import MappingProxyType
from typing import Final, Literal, NamedTuple
from urllib.parse import quote, unquote_to_bytes

from . import MAX_LENGTH, Diagnostic, Directive, DirectiveError, Mode, Span, canonicalize, lint, parse
from .diagnostics import CODES, render
from .tables import Catalogue
from .tables.policy import STRICT_CODES

__all__ = [
    "ASYNC_PARAMETER",
    "DEFAULT_MAX_BODY_BYTES",
    "GATEWAY_CODES",
    "GUARDED_METHODS",
    "SYNC_PARAMETER",
    "AnyDiagnostic",
    "ErrorResponse",
    "ModeOption",
    "ProcessParameter",
    "Reject",
    "RequestDiagnostic",
    "RequestVerdict",
    "as_bytes",
    "check_request",
    "error_response",
    "mentions_process",
    "new_request_id",
    "wants_body",
    "with_canonical",
]

SYNC_PARAMETER: Final = Mode.SYNC.parameter
ASYNC_PARAMETER: Final = Mode.ASYNC.parameter

#: OSS processes on GET (and HEAD, its header-only twin) and POST; other methods pass untouched.
GUARDED_METHODS: Final = frozenset({"GET", "HEAD", "POST"})

#: The longest body the guard reads. The longest directive allowed (MAX_LENGTH characters)
#: fully percent-encoded after the longest parameter name fits with room to spare.
DEFAULT_MAX_BODY_BYTES: Final = 64 * 1024

#: "auto": the parameter's name decides (x-oss-process: sync, x-oss-async-process: async);
#: "sync"/"async": one mode for every request; None: skip the checks that depend on the mode.
ModeOption = Literal["auto", "sync", "async"] | None

#: Which verdicts turn a request away: those with errors, those with any diagnostic, none.
#: "strict": errors, and the warnings of what OSS ignores (``tables/policy.py``, ``strict``).
Reject = Literal["errors", "strict", "warnings", "never"]

#: The request-level codes: a read-only view of the G codes of :data:`oss_process.CODES`.
#: docs/middleware.md lists them.
GATEWAY_CODES: Final = MappingProxyType({code: info for code, info in CODES.items() if code.startswith("G")})

#: What the guard reports: a request-level finding may have no span (None).
AnyDiagnostic = Diagnostic[Span | None]

#: The name this module gave request-level findings when they had a class of their own.
RequestDiagnostic = Diagnostic


@dataclass(frozen=True, slots=True)
class ProcessParameter:
    """One process parameter as found in the request."""

    name: str  # percent-decoded, case as written
    text: str  # the value as OSS reads it: percent-decoded; without a body's final newline (G007)
    location: Literal["query", "body"]
    index: int  # its place among the "&"-separated pairs there, for with_canonical
    encoded: bool  # the value was percent-encoded in the request


@dataclass(frozen=True)
class RequestVerdict:
    """What the guard found in one request.

    ``parameter`` is the process parameter OSS would run (None when there is none, e.g.
    only a wrong-case name); ``others`` are the rest it found (ignored or extra);
    ``diagnostics`` holds the request-level findings first, then the directive's own.
    """

    parameter: ProcessParameter | None
    mode: Mode | None
    diagnostics: tuple[AnyDiagnostic, ...]
    others: tuple[ProcessParameter, ...] = ()
    catalogue: Catalogue | None = None  # what the directive was checked against (None: the built-in one)

    @property
    def text(self) -> str | None:
        return self.parameter.text if self.parameter is not None else None

    @property
    def errors(self) -> tuple[AnyDiagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[AnyDiagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not any(d.is_error for d in self.diagnostics)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.diagnostics)

    def blocks(self, reject: Reject = "errors") -> bool:
        """True when a guard with this ``reject`` policy turns the request away."""
        if reject == "never":
            return False
        if reject == "warnings":
            return bool(self.diagnostics)
        if reject == "strict":
            return not self.ok or any(d.code in STRICT_CODES for d in self.diagnostics)
        return not self.ok

    # Parsed lazily: a tree costs far more than a (cached) lint, and most callers want a yes or no.
    @cached_property
    def directive(self) -> Directive | None:
        """The syntax tree of the directive; None without one or on a syntax error."""
        if self.parameter is None:
            return None
        try:
            return parse(self.parameter.text)
        except DirectiveError:
            return None

    @cached_property
    def canonical(self) -> str | None:
        """The directive's canonical form; None when there is no directive or it has errors."""
        # Only the directive's own errors stop it; a request-level one leaves it meaningful.
        if self.parameter is None or any(d.is_error and d.code not in GATEWAY_CODES for d in self.diagnostics):
            return None
        try:
            return canonicalize(self.parameter.text, mode=self.mode, catalogue=self.catalogue)
        except DirectiveError:
            return None


# --- Finding the parameter ------------------------------------------------------------------

# A query worth a close look: a parameter name containing "process" (any case) or a "%",
# which may hide one. Anything else is not a processing request, decided in one search.
_MENTION = re.compile(rb"(?:^|&)[^=&]*(?:process|%)", re.IGNORECASE)
_FORM_TYPE = "application/x-www-form-urlencoded"


def mentions_process(query: str | bytes) -> bool:
    """False when the query certainly holds no process parameter: the guard's fast exit."""
    return _MENTION.search(as_bytes(query)) is not None


# The selector of a POST, spelled exactly: enough to decide on a query without "%".
_SELECTOR = re.compile(rb"(?:^|&)x-oss-(?:async-)?process(?:[=&]|$)")


def wants_body(method: str, query: str | bytes) -> bool:
    """True when :func:`check_request` needs the body: a POST naming a process sub-resource."""
    if method.upper() != "POST":
        return False
    data = as_bytes(query)
    if b"%" not in data:
        return _SELECTOR.search(data) is not None
    return any(Mode.from_parameter(pair.name) is not None for pair in _process_pairs(data, "query", plus_is_space=False))


def as_bytes(data: str | bytes) -> bytes:
    """A query or body as the guard reads it: bytes as they are, a str as the bytes it
    stands for (latin-1, as WSGI hands the query over; UTF-8 if it holds more)."""
    if isinstance(data, bytes):
        return data
    try:
        return data.encode("latin-1")  # WSGI hands the query over as bytes decoded as latin-1
    except UnicodeEncodeError:
        return data.encode("utf-8")


def _decode(raw: bytes, plus_is_space: bool) -> str:
    if plus_is_space:
        raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        raw = unquote_to_bytes(raw)
    return raw.decode("utf-8", "replace")


def _process_pairs(data: bytes, location: Literal["query", "body"], *, plus_is_space: bool) -> list[ProcessParameter]:
    """The pairs of ``data`` whose name is a process parameter's in any case."""
    found = []
    for index, piece in enumerate(data.split(b"&")):
        raw_name, _, raw_value = piece.partition(b"=")
        if len(raw_name) < len(SYNC_PARAMETER):  # the shortest name; also skips empty pieces
            continue
        name = _decode(raw_name, plus_is_space)
        if Mode.from_parameter(name.lower()) is not None:
            found.append(ProcessParameter(name, _decode(raw_value, plus_is_space), location, index, b"%" in raw_value))
    return found


def _is_form(content_type: str | None) -> bool:
    return content_type is not None and content_type.partition(";")[0].strip().lower() == _FORM_TYPE


def _exact_names(
    found: Iterable[ProcessParameter], findings: list[AnyDiagnostic], others: list[ProcessParameter]
) -> list[ProcessParameter]:
    """The parameters spelled as OSS reads them; the others (another case) go to
    ``others``, each with its finding."""
    exact = []
    for parameter in found:
        if Mode.from_parameter(parameter.name) is not None:
            exact.append(parameter)
        else:
            findings.append(_wrong_case(parameter))
            others.append(parameter)
    return exact


def check_request(
    method: str,
    query: str | bytes,
    body: bytes | None = None,
    content_type: str | None = None,
    *,
    mode: ModeOption = "auto",
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    catalogue: Catalogue | None = None,
) -> RequestVerdict | None:
    """Find and check the process parameter of a request as OSS would; None without one.

    ``query`` is the raw query string (percent-encoded, without "?"). ``body`` is needed
    only when :func:`wants_body` says so: a POST to ``?x-oss-process`` or
    ``?x-oss-async-process``, whose body is ``<name>=<directive>``, raw as the official
    SDKs send it or form-encoded as ali-oss does. Values are percent-decoded as OSS reads
    them; a "+" stays a "+" (so the core names the standard-Base64 mistake, E013) except in
    an ``application/x-www-form-urlencoded`` body, where it means a space. A body longer
    than ``max_body_bytes`` is not parsed (G006); a line break ending the body after the
    directive is G007, and the directive is checked without it. ``catalogue`` holds the tables the
    directive is checked against (the built-in ones by default).
    """
    method = method.upper()
    if method not in GUARDED_METHODS or not mentions_process(query):
        return None
    named = _process_pairs(as_bytes(query), "query", plus_is_space=False)
    if not named:
        return None
    findings: list[AnyDiagnostic] = []
    others: list[ProcessParameter] = []
    exact = _exact_names(named, findings, others)
    if not exact:
        return RequestVerdict(None, None, tuple(findings), tuple(others))

    if method == "POST":
        effective = _from_post(exact, body or b"", content_type, max_body_bytes, findings, others)
    else:
        effective, *extra = exact
        for found in extra:
            findings.append(_second(found))
            others.append(found)
        if effective.name == ASYNC_PARAMETER:
            findings.append(
                Diagnostic(
                    "G002",
                    "x-oss-async-process in a GET request: asynchronous processing accepts only POST",
                    None,
                    "send POST /<object>?x-oss-async-process with the body x-oss-async-process=<directive>",
                )
            )
    if effective is None:
        return RequestVerdict(None, None, tuple(findings), tuple(others))

    lint_mode = Mode.from_parameter(effective.name) if mode == "auto" else None if mode is None else Mode(mode)
    if method != "POST":
        findings.extend(_saveas_in_get(effective.text))
    diagnostics: tuple[AnyDiagnostic, ...] = (*findings, *lint(effective.text, mode=lint_mode, catalogue=catalogue))
    return RequestVerdict(effective, lint_mode, diagnostics, tuple(others), catalogue)


def _from_post(
    selectors: list[ProcessParameter],
    body: bytes,
    content_type: str | None,
    max_body_bytes: int,
    findings: list[AnyDiagnostic],
    others: list[ProcessParameter],
) -> ProcessParameter | None:
    """The directive of a POST: the query names the sub-resource, the body carries it."""
    selector = selectors[0].name
    for found in selectors[1:]:
        if found.name != selector:
            findings.append(_second(found))
    # Normally "?x-oss-process" has no value; one that has counts as a directive too.
    candidates = [found for found in selectors if found.text]
    if len(body) > max_body_bytes:
        findings.append(
            Diagnostic(
                "G006",
                f"the body is longer than the {max_body_bytes} bytes the guard reads",
                None,
                f"the body is <parameter>=<directive>, and a directive has at most {MAX_LENGTH} characters",
            )
        )
        return None
    candidates.extend(_exact_names(_process_pairs(body, "body", plus_is_space=_is_form(content_type)), findings, others))
    if not candidates:
        findings.append(
            Diagnostic(
                "G005",
                f"POST ?{selector} without {selector}=<directive> in the body",
                None,
                f"send the body {selector}=<directive>, as the official SDKs do",
            )
        )
        return None
    effective = next((c for c in candidates if c.location == "body" and c.name == selector), candidates[0])
    if effective.name != selector:
        findings.append(
            Diagnostic(
                "G005",
                f"the query names {selector} but the body sends {effective.name}",
                None,
                "name the same parameter in the query and in the body",
            )
        )
    for found in candidates:
        if found is not effective:
            findings.append(_second(found))
            others.append(found)
    return _without_final_newline(effective, body, findings)


def _without_final_newline(effective: ProcessParameter, body: bytes, findings: list[AnyDiagnostic]) -> ProcessParameter:
    """The directive without the line break that ends the body, if it ends it (G007)."""
    # Only a raw line break ending the body: the last pair, as a file sent whole leaves it.
    if effective.location != "body" or not body.endswith(b"\n") or effective.index != body.count(b"&"):
        return effective
    newline = "\r\n" if body.endswith(b"\r\n") and effective.text.endswith("\r\n") else "\n"
    if not effective.text.endswith(newline):
        return effective
    shown = newline.encode("unicode_escape").decode()
    findings.append(
        Diagnostic(
            "G007",
            f"the body ends with a newline ('{shown}') after the directive; OSS does not document that it strips one",
            None,
            "the body was probably sent from a file, and curl --data-binary @file keeps the file's final newline: "
            "write the file with printf '%s', not echo, or strip the newline before sending",
        )
    )
    # The directive itself is checked without it, so no E012 repeats the finding.
    return replace(effective, text=effective.text[: -len(newline)])


def _wrong_case(found: ProcessParameter) -> AnyDiagnostic:
    right = found.name.lower()
    return Diagnostic(
        "G003",
        f"{found.name!r} in the {found.location} is not {right}: OSS matches the name exactly and ignores this parameter",
        None,
        f"write the name in lower case: {right}",
    )


def _second(found: ProcessParameter) -> AnyDiagnostic:
    return Diagnostic(
        "G004",
        f"another process parameter, {found.name} in the {found.location}: OSS runs one directive per request",
        None,
        "send a single x-oss-process or x-oss-async-process",
    )


# sys/saveas as an action of a sys stage: "sys/" and maybe other actions, then "saveas"
# ending the action name. Values hold no "/" or "|", so this finds what the parser would,
# without a parse, and also in a directive that does not parse.
_SAVEAS = re.compile(r"(?:^|\|)sys/(?:[^|/]*/)*?(saveas)(?=[,/|]|$)")
_ACTION_END = re.compile(r"[/|]")


def _saveas_in_get(text: str) -> list[Diagnostic]:
    if "saveas" not in text:
        return []
    spans = []
    for match in _SAVEAS.finditer(text):
        end = _ACTION_END.search(text, match.end(1))
        spans.append(Span(match.start(1), end.start() if end else len(text)))
    return [
        Diagnostic(
            "G001",
            "sys/saveas in a GET request: OSS saves a result only in a POST and answers 400",
            span,
            "send POST /<object>?x-oss-process with the body x-oss-process=<directive>",
        )
        for span in spans
    ]


def with_canonical(data: bytes, parameter: ProcessParameter, canonical: str) -> bytes:
    """``data`` (the query or body ``parameter`` came from) with its value replaced by
    ``canonical``, percent-encoded only if the original was."""
    pieces = data.split(b"&")
    name = pieces[parameter.index].partition(b"=")[0]
    value = quote(canonical, safe="") if parameter.encoded else canonical
    pieces[parameter.index] = name + b"=" + value.encode("utf-8")
    return b"&".join(pieces)


# --- The error response ---------------------------------------------------------------------


class ErrorResponse(NamedTuple):
    """A complete HTTP answer: status line, headers (str pairs), body."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    request_id: str


def new_request_id() -> str:
    """24 upper-case hexadecimal digits, the shape of OSS's x-oss-request-id."""
    return secrets.token_hex(12).upper()


def error_response(verdict: RequestVerdict, *, request_id: str | None = None, host_id: str = "") -> ErrorResponse:
    """The 400 answer OSS gives for a bad argument, carrying the verdict's diagnostics.

    The body is OSS's ``<Error>`` document with Code ``InvalidArgument`` (the renderer's
    ``oss-xml`` format); the Message lists every diagnostic as ``<code> <severity> at
    <start>-<end>: <message> (hint: ...)``, errors first, offsets into the directive; EC
    (and the ``x-oss-ec`` header) holds the first code. ``ArgumentName``/``ArgumentValue``
    name the parameter, as OSS does (oss2 exposes them as ``InvalidArgument.name``/
    ``.value``). The document stays under the 4096 bytes oss2 reads.
    """
    request_id = request_id or new_request_id()
    first = next((d.code for d in verdict.diagnostics if d.is_error), verdict.codes[0] if verdict.diagnostics else "")
    named = verdict.parameter or (verdict.others[0] if verdict.others else None)
    text, argument = ("", None) if named is None else (named.text, named.name)
    document = render(verdict.diagnostics, text, format="oss-xml", argument=argument, request_id=request_id, host_id=host_id)
    body = document.encode("utf-8")
    headers = (
        ("Content-Type", "application/xml"),
        ("Content-Length", str(len(body))),
        ("x-oss-request-id", request_id),
        ("x-oss-ec", first),
    )
    return ErrorResponse(400, "Bad Request", headers, body, request_id)
