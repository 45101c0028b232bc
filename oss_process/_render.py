"""The formats of :func:`oss_process.diagnostics.render`, loaded on its first call.

A format is a function ``(diagnostics, text, options) -> str`` in :data:`FORMATS`; a new
one (SARIF) is a function and an entry there, with any option it needs added to
:class:`Options` and to ``render``'s keywords.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Final, NamedTuple

from .ast import Span
from .diagnostics import CODES, Diagnostic, OffsetMap, Origin, Severity
from .errors import ArgumentError

AnyDiagnostic = Diagnostic[Span | None]


class Options(NamedTuple):
    """``render``'s keywords; each format reads those it uses."""

    color: bool
    origin: Origin | None
    offsets: OffsetMap | None
    spaced: bool
    fields: Mapping[str, object] | None
    indent: int | None
    argument: str | None
    request_id: str
    host_id: str


Format = Callable[[Sequence[AnyDiagnostic], str, Options], str]


def render_as(
    diagnostics: AnyDiagnostic | Iterable[AnyDiagnostic],
    text: str,
    format: str,
    color: bool,
    origin: Origin | None,
    offsets: OffsetMap | None,
    spaced: bool,
    fields: Mapping[str, object] | None,
    indent: int | None,
    argument: str | None,
    request_id: str,
    host_id: str,
) -> str:
    """``diagnostics.render``, its arguments checked."""
    formatter = FORMATS.get(format) if isinstance(format, str) else None
    if formatter is None:
        raise ArgumentError((), message=f"render: format must be one of {', '.join(map(repr, FORMATS))}, not {format!r}")
    if not isinstance(text, str):
        raise ArgumentError((), message=f"render: text is a str, not {type(text).__name__}")
    if isinstance(diagnostics, Diagnostic):
        shown: tuple[AnyDiagnostic, ...] = (diagnostics,)
    # A list or a tuple first: it spares the check against the abstract class.
    elif diagnostics.__class__ in (list, tuple) or (isinstance(diagnostics, Iterable) and not isinstance(diagnostics, (str, bytes))):
        shown = tuple(diagnostics)
    else:
        raise ArgumentError((), message=f"render: takes a Diagnostic or an iterable of them, not {type(diagnostics).__name__}")
    for item in shown:
        if not isinstance(item, Diagnostic) or item.code not in CODES:
            raise ArgumentError((), message=f"render: diagnostics are Diagnostic objects with a known code, not {item!r}")
    return formatter(shown, text, Options(color, origin, offsets, spaced, fields, indent, argument, request_id, host_id))


# --- text -----------------------------------------------------------------------------------

# Characters of context shown on each side of a span; keeps huge inputs readable.
_CONTEXT = 60

_RED, _YELLOW, _CYAN, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[36m", "\033[1m", "\033[0m"


def _display(char: str) -> str:
    """How one character of the input is shown: printable ASCII as itself, else escaped."""
    if " " <= char <= "~":
        return char
    escaped = repr(char)[1:-1]
    return escaped if escaped != char else f"\\u{ord(char):04x}"


def _shown(part: str) -> str:
    # Directives are printable ASCII: one C-level test spares the per-character walk.
    if part.isascii() and part.isprintable():
        return part
    return "".join(map(_display, part))


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color and text else text


def _snippet(span: Span, text: str, plain: bool) -> tuple[str, str, str]:
    """The shown input, the spaces before the carets and the carets; ``plain``: ``text``
    is printable ASCII, shown as it is."""
    start, end = span
    size = len(text)
    if not 0 <= start <= end <= size:  # clamped into the text
        start = max(0, min(start, size))
        end = max(start, min(end, size))
    if end - start > _CONTEXT:  # a long span shows its first part only
        end = start + _CONTEXT
    lo = start - _CONTEXT if start > _CONTEXT else 0
    hi = (end if end > start else start + 1) + _CONTEXT
    if hi > size:
        hi = size
    lead = "..." if lo else ""
    tail = "..." if hi < size else ""
    if plain:
        return f"{lead}{text[lo:hi]}{tail}", " " * (len(lead) + start - lo), "^" * (end - start or 1)
    before = _shown(text[lo:start])
    inside = _shown(text[start:end])
    line = f"{lead}{before}{inside}{_shown(text[end:hi])}{tail}"
    return line, " " * (len(lead) + len(before)), "^" * max(1, len(inside))


def _column(offset: int, offsets: OffsetMap | None) -> int:
    return offset + 1 if offsets is None else offsets.column(offset)


# Per code: its label ("error[E012]") and the tone it is painted in.
_LABELS: Final = {
    code: (f"{info.severity.value}[{code}]", _BOLD + (_RED if info.severity is Severity.ERROR else _YELLOW)) for code, info in CODES.items()
}


def _text_block(diagnostic: AnyDiagnostic, text: str, options: Options, plain: bool) -> str:
    label, tone = _LABELS[diagnostic.code]
    span = diagnostic.span
    origin = options.origin
    hint = diagnostic.hint
    if options.color:
        return _painted_block(diagnostic, text, options, plain, label, tone)
    # Uncoloured, each part formatted once: the command line prints many of these.
    if origin is None:
        head = f"{label}: {diagnostic.message}"
    elif span is None:
        head = f"{origin.source}:{origin.line}: {label}: {diagnostic.message}"
    else:
        offsets = options.offsets
        column = span.start + 1 if offsets is None else offsets.column(span.start)
        head = f"{origin.source}:{origin.line}:{column}: {label}: {diagnostic.message}"
    if span is not None:
        line, indent, carets = _snippet(span, text, plain)
        head = f"{head}\n    {line}\n    {indent}{carets}"
    return f"{head}\n    hint: {hint}" if hint else head


def _painted_block(diagnostic: AnyDiagnostic, text: str, options: Options, plain: bool, label: str, tone: str) -> str:
    span = diagnostic.span
    origin = options.origin
    head = f"{_paint(label, tone, True)}: {_paint(diagnostic.message, _BOLD, True)}"
    if origin is not None:
        column = "" if span is None else f":{_column(span.start, options.offsets)}"
        head = f"{_paint(f'{origin.source}:{origin.line}{column}:', _BOLD, True)} {head}"
    out = [head]
    if span is not None:
        line, indent, carets = _snippet(span, text, plain)
        out += [f"    {line}", f"    {indent}{_paint(carets, tone, True)}"]
    if diagnostic.hint:
        out.append(f"    {_paint('hint:', _CYAN, True)} {diagnostic.hint}")
    return "\n".join(out)


def _text(diagnostics: Sequence[AnyDiagnostic], text: str, options: Options) -> str:
    plain = text.isascii() and text.isprintable()  # directives are: no character to escape
    blocks = [_text_block(d, text, options, plain) for d in diagnostics]
    if options.spaced:
        return "\n\n".join(blocks) + "\n\n" if blocks else ""
    return "\n".join(blocks)


def spaced_text(diagnostics: Sequence[AnyDiagnostic], text: str, origin: Origin | None, offsets: OffsetMap | None, color: bool) -> str:
    """``render(diagnostics, text, origin=origin, offsets=offsets, color=color, spaced=True)``
    without checking its arguments: for the command line, which prints the library's own
    diagnostics, one such call for every directive with a problem."""
    return _text(diagnostics, text, Options(color, origin, offsets, True, None, None, None, "", ""))


# --- json -----------------------------------------------------------------------------------


def as_data(diagnostic: AnyDiagnostic, offsets: OffsetMap | None = None) -> dict[str, object]:
    """One diagnostic as the JSON format shows it; offsets and columns None without a span."""
    span = diagnostic.span
    info = CODES[diagnostic.code]
    return {
        "code": diagnostic.code,
        "severity": info.severity.value,
        "title": info.title,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "start": None if span is None else span.start,
        "end": None if span is None else span.end,
        "column": None if span is None else _column(span.start, offsets),
        "end_column": None if span is None else _column(span.end, offsets),
    }


def _json(diagnostics: Sequence[AnyDiagnostic], text: str, options: Options) -> str:
    document = dict(options.fields or {})
    document["diagnostics"] = [as_data(d, options.offsets) for d in diagnostics]
    return json.dumps(document, indent=options.indent)


# --- github ---------------------------------------------------------------------------------


def _github_escape(text: str, is_property: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


def _annotation(diagnostic: AnyDiagnostic, options: Options) -> str:
    info = CODES[diagnostic.code]
    properties: dict[str, str] = {}
    origin, span = options.origin, diagnostic.span
    if origin is not None:
        if origin.is_file:
            properties["file"] = origin.source
        properties["line"] = properties["endLine"] = str(origin.line)
        if span is not None:
            start, end = _column(span.start, options.offsets), _column(span.end, options.offsets)
            properties["col"], properties["endColumn"] = str(start), str(max(start, end - 1))
    properties["title"] = f"{diagnostic.code} {info.title}"
    message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    listed = ",".join(f"{key}={_github_escape(value, True)}" for key, value in properties.items())
    return f"::{info.severity.value} {listed}::{_github_escape(message, False)}\n"


def _github(diagnostics: Sequence[AnyDiagnostic], text: str, options: Options) -> str:
    return "".join(_annotation(d, options) for d in diagnostics)


# --- oss-xml --------------------------------------------------------------------------------

# oss2 reads only the first 4096 bytes of an error body (exceptions.make_exception): the
# whole document must fit, or it stops parsing as XML.
ERROR_BODY_LIMIT: Final = 4096
# The value is echoed (as OSS does for InvalidArgument) only when short enough to leave
# the message room.
_ECHO_LIMIT = 1024
# Characters XML 1.0 cannot carry (and line breaks, to keep the message on one line).
_NOT_XML_TEXT = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    # xml.sax.saxutils.escape, without the import of urllib.request it brings
    text = _NOT_XML_TEXT.sub(lambda m: repr(m.group())[1:-1], text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(text: str, limit: int) -> str:
    """``text`` as XML character data in at most ``limit`` UTF-8 bytes, cut with "..." if need be."""
    escaped = _xml_text(text)
    cut = len(text)
    while len(escaped.encode()) > limit and cut > 0:
        cut = max(0, cut - max(1, len(escaped.encode()) - limit))
        escaped = _xml_text(text[:cut] + "...")
    return escaped if len(escaped.encode()) <= limit else ""


def _describe(diagnostic: AnyDiagnostic) -> str:
    where = "" if diagnostic.span is None else f" at {diagnostic.span.start}-{diagnostic.span.end}"
    hint = f" (hint: {diagnostic.hint})" if diagnostic.hint else ""
    return f"{diagnostic.code} {diagnostic.severity.value}{where}: {diagnostic.message}{hint}"


def _oss_xml(diagnostics: Sequence[AnyDiagnostic], text: str, options: Options) -> str:
    """The Message lists every diagnostic, errors first, as ``<code> <severity> at
    <start>-<end>: <message> (hint: ...)``, as many as fit; EC holds the first code."""
    ordered = sorted(diagnostics, key=lambda d: not d.is_error)
    first = ordered[0].code if ordered else ""
    name = options.argument
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>InvalidArgument</Code>\n  <Message>'
    tail = [f"</Message>\n  <RequestId>{_xml_text(options.request_id)}</RequestId>", f"  <HostId>{_xml_text(options.host_id)}</HostId>"]
    if name is not None:
        tail.append(f"  <ArgumentName>{_xml_text(name)}</ArgumentName>")
        if len(text) <= _ECHO_LIMIT:
            tail.append(f"  <ArgumentValue>{_xml_text(text)}</ArgumentValue>")
    tail += [f"  <EC>{first}</EC>", "</Error>\n"]
    frame_tail = "\n".join(tail)
    budget = ERROR_BODY_LIMIT - len(head.encode()) - len(frame_tail.encode())

    subject = name if name is not None else "process parameter"
    message = _fit(f"The {subject} is invalid: ", budget)
    for shown, diagnostic in enumerate(ordered):
        piece = _xml_text(("; " if shown else "") + _describe(diagnostic))
        left = len(ordered) - shown - 1
        reserve = len(f"; and {left} more") if left else 0
        room = budget - len(message.encode())
        if len(piece.encode()) + reserve > room:
            if shown == 0:  # one diagnostic too long alone: cut it rather than show none
                message += _fit(_describe(diagnostic), room - reserve)
                left_after = left
            else:
                left_after = left + 1
            if left_after:
                message += f"; and {left_after} more"
            break
        message += piece
    return head + message + frame_tail


FORMATS: Final[Mapping[str, Format]] = MappingProxyType({"text": _text, "json": _json, "github": _github, "oss-xml": _oss_xml})
