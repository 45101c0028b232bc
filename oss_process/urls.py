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
from collections.abc import Sequence
from dataclasses import dataclass

from .ast import Span
from .diagnostics import Diagnostic, OffsetMap
from .errors import ArgumentError, DirectiveError
from .styles import Styles
from .tables import Mode
from .tables.limits import MAX_STYLE_NAME

__all__ = ["URLDirective", "from_url", "percent_decode", "style_in_key"]

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
    breaks it. ``delimiter`` is the style delimiter the directive was read after
    (``a.jpg!thumb``), None when it came from the query.
    """

    url: str
    text: str
    mode: Mode
    offsets: OffsetMap
    span: Span
    signed: bool
    delimiter: str | None = None


class _Pair:
    __slots__ = ("end", "has_value", "name", "name_end", "start")

    def __init__(self, start: int, piece: str) -> None:
        raw_name, equals, _ = piece.partition("=")
        self.start, self.end = start, start + len(piece)
        self.name_end = start + len(raw_name)
        self.name = percent_decode(raw_name)[0] if "%" in raw_name else raw_name
        self.has_value = bool(equals)


def from_url(url: str, *, styles: Styles | None = None) -> URLDirective:
    """The directive in ``url``: a full URL or an object key with its query
    (``a.jpg?x-oss-process=...``), or with ``styles`` a style named after one of the
    bucket's style delimiters (``a.jpg!thumb``).

    The query runs from the first ``?`` to a ``#``; its one ``x-oss-process`` or
    ``x-oss-async-process`` parameter (names match exactly, as OSS matches them) gives
    the directive and the mode. Its value is percent-decoded; a ``+`` is kept as ``+``,
    as the gateway guard reads a query: OSS is not documented to read it as a space, and
    either way it is standard Base64 in the directive, which the core names (E013). Other
    parameters (``OSSAccessKeyId``, ``Expires``, ``Signature``, ``x-oss-credential``, ...)
    are left alone.

    A style delimiter is read only when the query holds no process parameter (an
    explicit ``x-oss-process`` wins), and only the delimiters ``styles.delimiters``
    holds: see :func:`style_in_key`. The directive is then ``style/<name>``, in
    :attr:`~oss_process.Mode.SYNC` (a URL fetched as it is); ``offsets`` put its
    ``style/`` on the delimiter and its name on the name, and ``delimiter`` is set.

    Raises :class:`~oss_process.ArgumentError` when ``url`` is not a ``str``, and
    :class:`~oss_process.DirectiveError` when the query holds no process parameter (its
    diagnostic, when it has one, spans the URL: E015 a name in another case, G004 a
    second process parameter, G005 a name without a value) and the key names no style.
    """
    if not isinstance(url, str):
        raise ArgumentError((), message=f"from_url: a URL is a str, not {type(url).__name__}")
    if styles is not None and not isinstance(styles, Styles):
        raise ArgumentError((), message=f"from_url: styles must be a Styles or None, not {type(styles).__name__}")
    delimiters = styles.delimiters if styles is not None else ""
    mark = url.find("?")
    if mark < 0:
        styled = _styled(url, styles, ()) if delimiters else None
        if styled is not None:
            return styled
        raise DirectiveError((), url, f"no query in {_shown(url)}: {_missing(url, delimiters)}")
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
        styled = _styled(url, styles, pairs) if delimiters and other_case is None else None
        if styled is not None:
            return styled
        if other_case is not None:
            raise DirectiveError((_other_case(other_case),), url)
        raise DirectiveError((), url, f"no process parameter in the query of {_shown(url)}: {_missing(url, delimiters)}")
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
    return URLDirective(url, text, mode, offsets, Span(value_start, pair.end), _signed(pairs))


def _signed(pairs: Sequence[_Pair]) -> bool:
    return any(p.name == "Signature" or p.name.lower() == "x-oss-signature" for p in pairs)


# A URL's scheme: the key starts after the host that follows it.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_STYLE_NAME = re.compile(f"[A-Za-z0-9_.-]{{1,{MAX_STYLE_NAME}}}")


def style_in_key(url: str, styles: Styles) -> tuple[int, str] | None:
    """Where the object key of ``url`` names a style after one of the bucket's style
    delimiters, and the name: ``(offset of the delimiter, name)``, or None.

    The key is the path (after the host, when ``url`` has a scheme) up to the query or
    the fragment, as written: a percent-encoded delimiter is a character of the key.
    OSS reads what follows a delimiter as a style name; a key may hold several
    delimiters (``my-photo.jpg-small`` with ``-``), so among the places where the rest is a
    style name, one naming a style of ``styles`` wins, and of those, or else of them all,
    the first (the longest name). Something must come before the delimiter: the object.
    """
    if not styles.delimiters:
        return None
    end = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    scheme = _SCHEME.match(url)
    if scheme is None:
        start = 1 if url.startswith("/") else 0
    else:
        slash = url.find("/", scheme.end(), end)
        start = end if slash < 0 else slash + 1
    places = [
        (index, url[index + 1 : end])
        for index in range(start + 1, end - 1)
        if url[index] in styles.delimiters and _STYLE_NAME.fullmatch(url, index + 1, end)
    ]
    known = [place for place in places if place[1] in styles]
    chosen = known or places
    return chosen[0] if chosen else None


_STYLE_PREFIX = "style/"


def _styled(url: str, styles: Styles | None, pairs: Sequence[_Pair]) -> URLDirective | None:
    assert styles is not None
    found = style_in_key(url, styles)
    if found is None:
        return None
    at, name = found
    # "style/" stands where the delimiter is written; each character of the name on itself.
    table = (0,) * len(_STYLE_PREFIX) + tuple(range(1, len(name) + 2))
    span = Span(at, at + 1 + len(name))
    return URLDirective(url, _STYLE_PREFIX + name, Mode.SYNC, OffsetMap(at, table), span, _signed(pairs), url[at])


def _shown(url: str) -> str:
    return repr(url if len(url) <= 80 else url[:77] + "...")


def _missing(url: str, delimiters: str = "") -> str:
    encoded = _ENCODED_QUERY.search(url)
    if encoded is not None:
        return (
            f"the '?' before {encoded.group(1)} is percent-encoded (%3F), so OSS reads it as part of "
            "the object key and processes nothing; write it as '?'"
        )
    also = f", or a style after a delimiter ({', '.join(delimiters)}) in the key" if delimiters else ""
    return f"a directive travels as ?x-oss-process=<directive> or ?x-oss-async-process=<directive>{also}"


def _other_case(pair: _Pair) -> Diagnostic:
    right = pair.name.lower()
    return Diagnostic(
        "E015",
        f"{pair.name!r} is not {right}: OSS matches the name exactly and ignores this parameter",
        Span(pair.start, pair.name_end),
        f"write the name in lower case: {right}",
    )
