"""From an input line to the directive the library sees: the text decoded as UTF-8, a form
field name taken off, percent-decoding undone, with the map back to the line's columns."""

from __future__ import annotations

import re
from typing import NamedTuple

from oss_process import MAX_LENGTH, Diagnostic, Mode, Span
from oss_process.diagnostics import OffsetMap

from .reading import Overlong, RawLine

__all__ = ["Entry", "examine", "percent_decode"]

# The form fields a directive is sent in; the name says the mode. A leading '?' allows
# the query-string form.
_FORM_FIELD = re.compile(r"\??(" + "|".join(sorted((re.escape(m.parameter) for m in Mode), key=len, reverse=True)) + ")=")
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")

# Characters of an over-long line kept to show where the limit falls.
_OVERLONG_SHOWN = MAX_LENGTH + 20


class Entry(NamedTuple):
    """One input line and the directive in it."""

    line: str  # as read; undecodable bytes kept as surrogates (errors="surrogateescape")
    text: str  # the directive: the line less a form field name, percent-decoded
    mode: Mode | None  # from the form field name, if any
    prefix: str = ""  # the form field name and '=', if any
    offsets: OffsetMap | None = None  # where text's offsets are in line; None: the same
    problem: Diagnostic | None = None  # found before the library could look: not UTF-8, too long
    truncated: bool = False  # line holds only the start of an over-long line

    @property
    def percent_encoded(self) -> bool:
        return self.offsets is not None and self.offsets.table is not None


def percent_decode(value: str) -> tuple[str, tuple[int, ...]]:
    """The decoded value and, for each of its characters and its end, the offset in ``value``."""
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


def examine(raw: RawLine) -> Entry:
    """The directive in one input line, or the reason the library cannot be asked."""
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
        return Entry(line, line, None)
    prefix, value = line[: field.end()], line[field.end() :]
    mode = Mode.from_parameter(field.group(1))
    if "%" not in value:
        return Entry(line, value, mode, prefix, OffsetMap(len(prefix)))
    text, table = percent_decode(value)
    return Entry(line, text, mode, prefix, OffsetMap(len(prefix), table))
