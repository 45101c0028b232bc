"""Output: what one directive prints in each format, through the one renderer, and to
which stream; the summaries; colour."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePath
from typing import TextIO

from oss_process import Diagnostic, Mode, render
from oss_process.diagnostics import Origin

from .decoding import Entry, in_line
from .verdicts import canonical, mode_used, verdict
from .work import JSON_RECORD, SARIF_RECORD, STDERR, STDOUT, Job, Pieces, Tally

__all__ = ["PROG", "canon_summary", "emit", "lint_summary", "plural", "problems", "sarif_document", "use_color"]

PROG = "oss-process"


def emit(job: Job, origin: Origin, entry: Entry, mode: Mode | None, diagnostics: Sequence[Diagnostic], failed: bool, out: Pieces) -> None:
    """What one directive prints, by command and format."""
    output_format = job.output_format
    if output_format == "sarif":
        if diagnostics:
            out.add(SARIF_RECORD, _sarif_record(origin, entry, diagnostics))
        return
    if output_format in ("json", "jsonl"):
        # The mode the line was checked in, also when lint assumed it from the actions.
        used, mode_from = mode_used(entry.text, entry.mode, job.mode, None if entry.problem else diagnostics)
        record: dict[str, object] = {
            "source": origin.source,
            "line": origin.line,
            "input": entry.line,
            "directive": entry.text,
            "mode": used,
            "mode_from": mode_from,
            "verdict": verdict(diagnostics),
            "canonical": canonical(entry.text, mode, failed, job.source, job.styles, job.expand_styles),
            "diagnostics": None,  # the renderer's list goes here
        }
        if entry.truncated:
            record["truncated"] = True
        document = render(diagnostics, entry.text, format="json", fields=record, offsets=entry.offsets)
        if output_format == "json":
            out.add(JSON_RECORD, document)  # the writer puts them in one array
        else:
            out.add(STDOUT, document + "\n")
        return
    if output_format == "github" or job.command == "lint":
        if diagnostics:
            stream = STDERR if job.fix and output_format != "github" else STDOUT
            out.add(stream, problems(job, origin, entry, diagnostics))
        return
    out.add(STDOUT, (canonical(entry.text, mode, failed, job.source, job.styles, job.expand_styles) or "") + "\n")
    if failed:
        shown, line = in_line(entry, diagnostics)
        out.add(STDERR, _spaced_text(shown, line, origin, job.color_err))


def problems(job: Job, origin: Origin, entry: Entry, diagnostics: Sequence[Diagnostic]) -> str:
    """What lint prints for a directive with diagnostics in the text and GitHub formats."""
    # Shown under the line as written, so that the caret stands where the column counts.
    shown, line = in_line(entry, diagnostics)
    if job.output_format == "github":
        return render(shown, line, format="github", origin=origin)
    return _spaced_text(shown, line, origin, job.color_err if job.fix else job.color_out)


def _spaced_text(diagnostics: Sequence[Diagnostic], text: str, origin: Origin, color: bool) -> str:
    """``render(diagnostics, text, origin=origin, color=color, spaced=True)``, unchecked."""
    global _spaced
    if _spaced is None:  # loaded on first use: a one-shot run that prints none never needs it
        from oss_process._render import spaced_text

        _spaced = spaced_text
    return _spaced(diagnostics, text, origin, None, color)


_spaced: Callable[[Sequence[Diagnostic], str, Origin, None, bool], str] | None = None


# --- SARIF ---------------------------------------------------------------------------------


def _sarif_record(origin: Origin, entry: Entry, diagnostics: Sequence[Diagnostic]) -> str:
    """One JSON line: where the line is, the line as written, and each diagnostic placed
    in it (columns in both units, computed here, in the worker)."""
    from oss_process.sarif import place_in_line

    shown, line = in_line(entry, diagnostics)
    problems = [[d.code, d.message, d.hint, d.span.start, d.span.end, *place_in_line(line, origin.line, d.span)] for d in shown]
    return json.dumps([origin.source, origin.is_file, line, problems]) + "\n"


def sarif_document(records: Iterable[str]) -> str:
    """The one SARIF log of a batch, from the records of its lines in input order.

    A file's lines are located by its path (a ``/``-separated relative URI against
    ``%SRCROOT%``, the directory lint ran in, or a ``file://`` URI for an absolute path).
    ``<arg>`` and ``<stdin>`` name no file: their results point by index at an artifact
    described by that label, with no URI (SARIF 3.4.2), and the region's line is the
    argument's position among the inputs or the line of standard input.
    """
    from oss_process import Span
    from oss_process.sarif import Located, sarif_json, sarif_log
    from oss_process.scan._model import Place, Problem

    located: list[Located] = []
    for record in records:
        for text in filter(None, record.split("\n")):  # joined neighbours: a line each
            source, is_file, line, problems = json.loads(text)
            found = [
                Problem(Diagnostic(code, message, Span(start, end), hint), Place(*place))
                for code, message, hint, start, end, *place in problems
            ]
            path = PurePath(source).as_posix() if is_file else source  # a Windows path's separators as '/'
            located.append(Located(path, found, line, is_file))
    return sarif_json(sarif_log(located))


# --- Summaries ----------------------------------------------------------------------------

_RED, _YELLOW, _GREEN, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[32m", "\033[1m", "\033[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color and text else text


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def lint_summary(tally: Tally, fix: bool, color: bool) -> str:
    fixed = f"; fixed {plural(tally.fixed, 'directive')}" if fix else ""
    if not tally.errors and not tally.warnings:
        return _paint(f"{plural(tally.directives, 'directive')} checked: no problems{fixed}.", _GREEN, color) + "\n"
    counts = f"{plural(tally.errors, 'error')} and {plural(tally.warnings, 'warning')}"
    remaining = " remaining" if fix else ""
    text = f"{plural(tally.directives, 'directive')} checked: {counts}{remaining}, {tally.invalid:,} invalid{fixed}."
    return _paint(text, _BOLD + (_RED if tally.errors else _YELLOW), color) + "\n"


def canon_summary(tally: Tally, color: bool) -> str:
    left = "its line is" if tally.invalid == 1 else "their lines are"
    text = f"{tally.invalid:,} of {plural(tally.directives, 'directive')} invalid: {left} left empty."
    return _paint(text, _BOLD + _RED, color) + "\n"


def use_color(choice: str, stream: TextIO) -> bool:
    """Colour on a terminal only, never with NO_COLOR set (https://no-color.org), unless forced."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()
