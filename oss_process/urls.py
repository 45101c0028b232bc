"""A directive pasted as a URL, or as an object key with its query: :func:`from_url`
finds the process parameter, percent-decodes its value, and maps the directive's offsets
back into the URL.

    >>> from oss_process import from_url
    >>> found = from_url("https://b.oss-cn-hangzhou.aliyuncs.com/a.jpg?x-oss-process=image%2Fresize%2Cw_1")
    >>> found.text, found.mode
    ('image/resize,w_1', <Mode.SYNC: 'sync'>)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ast import Span
from .diagnostics import Diagnostic, OffsetMap
from .errors import ArgumentError, DirectiveError
from .tables import Mode

__all__ = ["URLDirective", "from_url", "percent_decode"]

_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
# The directive put into the object key: its '?' encoded, so OSS sees no query (pitfalls).
_ENCODED_QUERY = re.compile(r"%3F(x-oss-(?:async-)?process)(?:%3D|=)", re.IGNORECASE)


def percent_decode(value: str) -> tuple[str, tuple[int, ...]]:
    """The decoded value and, for each of its characters and its end, the offset in ``value``.

    Escapes decode to UTF-8 bytes; bytes that are not UTF-8 stay as surrogates
    (``surrogateescape``), so the core reports them. A ``+`` stays a ``+``.
    """
    data = bytearray()
    byte_offsets: list[int] = []

    def literal(start: int, end: int) -> None:
        for index in range(start, end):
            encoded = value[index].encode("utf-8", "surrogateescape")
            data.extend(encoded)
            byte_offsets.extend([index] * len(encoded))

    position = 0
    for escape in _PERCENT_ESCAPE.finditer(value):
        literal(position, escape.start())
        data.append(int(escape.group(1), 16))
        byte_offsets.append(escape.start())
        position = escape.end()
    literal(position, len(value))
    text = data.decode("utf-8", "surrogateescape")
    offsets: list[int] = []
    index = 0
    for char in text:
        offsets.append(byte_offsets[index])
        index += len(char.encode("utf-8", "surrogateescape"))
    offsets.append(len(value))
    return text, tuple(offsets)


@dataclass(frozen=True, slots=True)
class URLDirective:
    """The directive found in a URL.

    ``text`` is the directive (the value, percent-decoded); ``mode`` comes from the
    parameter's name; ``offsets`` maps offsets in ``text`` to offsets in ``url`` (see
    :meth:`~oss_process.diagnostics.OffsetMap.relocate`); ``span`` is where the value is
    written in ``url``; ``signed`` says the URL carries a signature (``Signature``, or
    V4's ``x-oss-signature``), which covers the process parameter: changing the directive
    breaks it.
    """

    url: str
    text: str
    mode: Mode
    offsets: OffsetMap
    span: Span
    signed: bool


class _Pair:
    __slots__ = ("end", "has_value", "name", "name_end", "start")

    def __init__(self, start: int, piece: str) -> None:
        raw_name, equals, _ = piece.partition("=")
        self.start, self.end = start, start + len(piece)
        self.name_end = start + len(raw_name)
        self.name = percent_decode(raw_name)[0] if "%" in raw_name else raw_name
        self.has_value = bool(equals)


def from_url(url: str) -> URLDirective:
    """The directive in ``url``: a full URL or an object key with its query
    (``a.jpg?x-oss-process=...``).

    The query runs from the first ``?`` to a ``#``; its one ``x-oss-process`` or
    ``x-oss-async-process`` parameter (names match exactly, as OSS matches them) gives
    the directive and the mode. Its value is percent-decoded; a ``+`` is kept as ``+``,
    as the gateway guard reads a query: OSS is not documented to read it as a space, and
    either way it is standard Base64 in the directive, which the core names (E013). Other
    parameters (``OSSAccessKeyId``, ``Expires``, ``Signature``, ``x-oss-credential``, ...)
    are left alone.

    Raises :class:`~oss_process.ArgumentError` when ``url`` is not a ``str``, and
    :class:`~oss_process.DirectiveError` when the query holds no process parameter (its
    diagnostic, when it has one, spans the URL: E015 a name in another case, G004 a
    second process parameter, G005 a name without a value).
    """
    if not isinstance(url, str):
        raise ArgumentError((), message=f"from_url: a URL is a str, not {type(url).__name__}")
    mark = url.find("?")
    if mark < 0:
        raise DirectiveError((), url, f"no query in {_shown(url)}: {_missing(url)}")
    end = url.find("#", mark)
    end = len(url) if end < 0 else end
    pairs: list[_Pair] = []
    start = mark + 1
    for piece in url[start:end].split("&"):
        pairs.append(_Pair(start, piece))
        start += len(piece) + 1
    found = [pair for pair in pairs if Mode.from_parameter(pair.name) is not None]
    if not found:
        other_case = next((pair for pair in pairs if Mode.from_parameter(pair.name.lower()) is not None), None)
        if other_case is not None:
            raise DirectiveError((_other_case(other_case),), url)
        raise DirectiveError((), url, f"no process parameter in the query of {_shown(url)}: {_missing(url)}")
    pair, *others = found
    if others:
        second = others[0]
        raise DirectiveError(
            (
                Diagnostic(
                    "G004",
                    f"another process parameter, {second.name}: OSS runs one directive per request",
                    Span(second.start, second.end),
                    "send a single x-oss-process or x-oss-async-process",
                ),
            ),
            url,
        )
    if not pair.has_value:
        raise DirectiveError(
            (
                Diagnostic(
                    "G005",
                    f"{pair.name} without a value: a POST names it in the query and sends the directive in its body",
                    Span(pair.start, pair.end),
                    f"pass the body, {pair.name}=<directive>, or the directive alone",
                ),
            ),
            url,
        )
    value_start = pair.name_end + 1
    value = url[value_start : pair.end]
    if "%" in value:
        text, table = percent_decode(value)
        offsets = OffsetMap(value_start, table)
    else:
        text, offsets = value, OffsetMap(value_start)
    mode = Mode.from_parameter(pair.name)
    assert mode is not None
    signed = any(p.name == "Signature" or p.name.lower() == "x-oss-signature" for p in pairs)
    return URLDirective(url, text, mode, offsets, Span(value_start, pair.end), signed)


def _shown(url: str) -> str:
    return repr(url if len(url) <= 80 else url[:77] + "...")


def _missing(url: str) -> str:
    encoded = _ENCODED_QUERY.search(url)
    if encoded is not None:
        return (
            f"the '?' before {encoded.group(1)} is percent-encoded (%3F), so OSS reads it as part of "
            "the object key and processes nothing; write it as '?'"
        )
    return "a directive travels as ?x-oss-process=<directive> or ?x-oss-async-process=<directive>"


def _other_case(pair: _Pair) -> Diagnostic:
    right = pair.name.lower()
    return Diagnostic(
        "E015",
        f"{pair.name!r} is not {right}: OSS matches the name exactly and ignores this parameter",
        Span(pair.start, pair.name_end),
        f"write the name in lower case: {right}",
    )
