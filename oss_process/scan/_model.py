"""What a scan finds: directives located in files, their problems, the files skipped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from oss_process.diagnostics import Diagnostic
from oss_process.tables import Mode

__all__ = ["FileReport", "Finding", "Place", "Problem"]


class Place(NamedTuple):
    """An extent in a file: 1-based lines, 1-based columns in code points (``end_column``
    is the column after the last character), and the same columns in UTF-16 code units
    (SARIF's default unit)."""

    line: int
    column: int
    end_line: int
    end_column: int
    column_utf16: int
    end_column_utf16: int


class Problem(NamedTuple):
    """A diagnostic of a directive found in a file, and where its span is in the file."""

    diagnostic: Diagnostic
    place: Place


@dataclass(frozen=True, slots=True)
class Finding:
    """One directive found in a file.

    ``kind`` is ``"url"`` (the value of a process parameter, percent-decoded; ``mode``
    from its name) or ``"literal"`` (a string that starts with a known action, or
    ``style/``). ``directive`` is the text linted, each placeholder written ``{}``;
    ``placeholders`` counts them. ``problems`` are those not suppressed, in order;
    ``suppressed`` those an inline comment or ``--ignore`` took out.
    """

    path: str
    kind: str
    directive: str
    mode: Mode | None
    place: Place
    placeholders: int
    problems: tuple[Problem, ...]
    suppressed: int = 0


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file: what was found in it, or why it was skipped (``skipped`` then says)."""

    path: str
    findings: tuple[Finding, ...] = ()
    skipped: str | None = None
    size: int = 0  # bytes read
