"""Output: what one directive prints in each format, through the one renderer, and to
which stream; the summaries; colour."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TextIO

from oss_process import Diagnostic, Mode, render
from oss_process.diagnostics import Origin

from .decoding import Entry, in_line
from .verdicts import canonical, mode_used, verdict
from .work import JSON_RECORD, STDERR, STDOUT, Job, Pieces, Tally

__all__ = ["PROG", "canon_summary", "emit", "lint_summary", "plural", "problems", "use_color"]

PROG = "oss-process"


def emit(job: Job, origin: Origin, entry: Entry, mode: Mode | None, diagnostics: Sequence[Diagnostic], failed: bool, out: Pieces) -> None:
    """What one directive prints, by command and format."""
    output_format = job.output_format
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
