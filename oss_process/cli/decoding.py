"""From an input line to the directive the library sees: the text decoded as UTF-8, a form
field name or the URL around the process parameter taken off, percent-decoding undone,
with the map back to the line's columns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from oss_process import MAX_LENGTH, Diagnostic, DirectiveError, Mode, Span, Styles
from oss_process.diagnostics import OffsetMap
from oss_process.urls import from_url, percent_decode

from .reading import Overlong, RawLine

__all__ = ["PARAMETERS", "Entry", "examine", "in_line", "percent_decode", "plain_text"]

# The process parameters: a line holding none of them is no form field.
PARAMETERS = tuple(m.parameter for m in Mode)
_NAMES = "|".join(sorted((re.escape(m.parameter) for m in Mode), key=len, reverse=True))
# The form fields a directive is sent in; the name says the mode.
_FORM_FIELD = re.compile(f"({_NAMES})=")
# A process parameter (in any case: from_url says OSS ignores another) in a query: the
# line is a URL, an object key with its query, or the query alone ('?x-oss-process=...').
_IN_QUERY = re.compile(f"[?&](?:{_NAMES})(?=[=&#]|$)", re.IGNORECASE)

# Characters of an over-long line kept to show where the limit falls.
_OVERLONG_SHOWN = MAX_LENGTH + 20


class Entry(NamedTuple):
    """One input line and the directive in it."""

    line: str  # as read; undecodable bytes kept as surrogates (errors="surrogateescape")
    text: str  # the directive: the line less a form field name or the URL, percent-decoded
    mode: Mode | None  # from the form field's or the URL parameter's name, if any
    prefix: str = ""  # what comes before the directive: the form field name and '=', or the URL
    offsets: OffsetMap | None = None  # where text's offsets are in line; None: the same
    suffix: str = ""  # what follows it in a URL: the other query parameters, the fragment
    signed: bool = False  # a signed URL: the signature covers the directive
    problem: Diagnostic | None = None  # found before the library could look: not UTF-8, too long
    truncated: bool = False  # line holds only the start of an over-long line

    @property
    def percent_encoded(self) -> bool:
        return self.offsets is not None and self.offsets.table is not None


# A URL fetched as it is: with style delimiters, its key may name a style (a.jpg!thumb).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def examine(raw: RawLine, styles: Styles | None = None) -> Entry:
    """The directive in one input line, or the reason the library cannot be asked.
    With ``styles`` that have delimiters, a URL (with its scheme) whose query holds no
    process parameter may name a style in its key."""
    if isinstance(raw, Overlong):
        shown = raw.head.decode("utf-8", "surrogateescape")[:_OVERLONG_SHOWN]
        message = f"the line is {raw.characters} characters long; the limit is {MAX_LENGTH}"
        return Entry(shown, shown, None, problem=Diagnostic("E001", message, Span(MAX_LENGTH, raw.characters)), truncated=True)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.decode("utf-8", "surrogateescape")
        at = len(raw[: error.start].decode("utf-8"))
        problem = Diagnostic(
            "E017",
            f"byte {raw[error.start]:#04x} is not UTF-8: the line is not UTF-8 text",
            Span(at, at + 1),
            "a directive is ASCII; save the file as UTF-8",
        )
        return Entry(line, line, None, problem=problem)
    field = _FORM_FIELD.match(line)
    if field is None:
        mark = line.find("?")
        if mark >= 0 and _IN_QUERY.search(line, mark) is not None:
            return _from_url(line)
        if styles is not None and styles.delimiters and _URL.match(line):
            return _styled_url(line, styles)
        return Entry(line, line, None)
    prefix, value = line[: field.end()], line[field.end() :]
    mode = Mode.from_parameter(field.group(1))
    if "%" not in value:
        return Entry(line, value, mode, prefix, OffsetMap(len(prefix)))
    text, table = percent_decode(value)
    return Entry(line, text, mode, prefix, OffsetMap(len(prefix), table))


def plain_text(raw: bytes) -> str | None:
    """The line, when it is the directive as it is: UTF-8 with no form field name and no
    query. Without style delimiters, ``examine`` gives it ``Entry(line, line, None)``."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "?" in line or line.startswith(PARAMETERS):
        return None
    return line


def _from_url(line: str) -> Entry:
    try:
        found = from_url(line)
    except DirectiveError as error:
        if not error.diagnostics:  # the name was past a '#': not in the query; the core judges the line
            return Entry(line, line, None)
        return Entry(line, line, None, problem=error.diagnostics[0])  # no process parameter OSS runs
    start, end = found.span
    return Entry(line, found.text, found.mode, line[:start], found.offsets, line[end:], found.signed)


def _styled_url(line: str, styles: Styles) -> Entry:
    try:
        found = from_url(line, styles=styles)
    except DirectiveError:  # no style after a delimiter: the core judges the line
        return Entry(line, line, None)
    start, end = found.span
    return Entry(line, found.text, found.mode, line[:start], found.offsets, line[end:], found.signed)


def in_line(entry: Entry, diagnostics: Sequence[Diagnostic]) -> tuple[Sequence[Diagnostic], str]:
    """The diagnostics placed in the line as written, and that line, to render them: the
    caret then stands under what was written (all of '%20'), where the column counts."""
    if entry.offsets is None:
        return diagnostics, entry.text
    return entry.offsets.relocate(diagnostics), entry.line
