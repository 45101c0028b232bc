"""``oss-process scan``: find the directives in a tree of files, lint them, and report
each problem at its line and column, as text, JSON, JSON lines, GitHub annotations or
SARIF."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import IO, NamedTuple, TextIO

from oss_process import render
from oss_process.ast import Span
from oss_process.diagnostics import CODES, Diagnostic, Origin
from oss_process.sarif import Located, artifact_uri, sarif_json, sarif_log
from oss_process.scan import (
    MAX_FILE_BYTES,
    Entry,
    FileReport,
    Finding,
    Place,
    Problem,
    ScanError,
    Settings,
    SettingsError,
    find_settings,
    load_settings,
    mapped,
    prepare,
    scan_text,
)

from .output import PROG, plural, use_color

__all__ = ["command_scan"]

# Reasons a file is skipped that are worth a line of their own in the text format; the
# others (binary) are only counted.
_QUIET_SKIPS = ("binary",)


def _settings(args: argparse.Namespace) -> Settings:
    if args.no_config:
        return Settings()
    if args.config is not None:
        loaded = load_settings(args.config)
        return loaded if loaded.path is not None else Settings()
    start = args.paths[0] if args.paths and args.paths[0] != "-" else "."
    return find_settings(start)


def _codes(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [code for value in values for code in value.split(",") if code.strip()]


def _in_line(diagnostic: Diagnostic, place: Place, line_text: str) -> Diagnostic:
    """The diagnostic with its span in the line of the file it starts on."""
    start = place.column - 1
    end = place.end_column - 1 if place.end_line == place.line else len(line_text)
    return Diagnostic(diagnostic.code, diagnostic.message, Span(start, max(start, end)), diagnostic.hint)


class _Lines:
    """The lines of a file reported on, read again to show them (or given)."""

    def __init__(self, path: str, text: str | None = None) -> None:
        if text is None:
            try:
                with open(path, encoding="utf-8-sig", errors="replace", newline="") as stream:
                    text = stream.read()
            except OSError:
                text = ""
        self.lines = text.split("\n")

    def line(self, number: int) -> str:
        if 0 < number <= len(self.lines):
            return self.lines[number - 1].rstrip("\r")
        return ""


def _finding_record(finding: Finding) -> dict[str, object]:
    place = finding.place
    errors = any(p.diagnostic.is_error for p in finding.problems)
    return {
        "path": finding.path,
        "line": place.line,
        "column": place.column,
        "end_line": place.end_line,
        "end_column": place.end_column,
        "kind": finding.kind,
        "directive": finding.directive,
        "mode": finding.mode.value if finding.mode else None,
        "placeholders": finding.placeholders,
        "verdict": "error" if errors else "warning" if finding.problems else "ok",
        "suppressed": finding.suppressed,
        "diagnostics": [
            {
                "code": p.diagnostic.code,
                "severity": p.diagnostic.severity.value,
                "title": CODES[p.diagnostic.code].title,
                "message": p.diagnostic.message,
                "hint": p.diagnostic.hint,
                "line": p.place.line,
                "column": p.place.column,
                "end_line": p.place.end_line,
                "end_column": p.place.end_column,
            }
            for p in finding.problems
        ],
    }


class _Tally:
    def __init__(self) -> None:
        self.files = self.read = self.bytes = self.findings = self.errors = self.warnings = self.suppressed = 0
        self.skipped: Counter[str] = Counter()


class _Shown(NamedTuple):
    """One file's report as the chosen format shows it: made where the file was read (a
    worker process, with --jobs), so only text and counts come back."""

    path: str
    skipped: str | None
    size: int
    findings: int
    errors: int
    warnings: int
    suppressed: int
    out: str = ""  # text, github, jsonl
    records: tuple[dict[str, object], ...] = ()  # json
    located: tuple[Located, ...] = ()  # sarif


def _shown(report: FileReport, output_format: str, color: bool, opened: str, text: str | None = None) -> _Shown:
    """``report`` in ``output_format``; ``opened`` is the file read (``text``: its text,
    when it is not one), whose lines the text formats show."""
    if report.skipped is not None:
        line = json.dumps({"path": report.path, "skipped": report.skipped}) + "\n" if output_format == "jsonl" else ""
        return _Shown(report.path, report.skipped, report.size, 0, 0, 0, 0, line)
    errors = sum(p.diagnostic.is_error for f in report.findings for p in f.problems)
    problems = sum(len(f.problems) for f in report.findings)
    suppressed = sum(f.suppressed for f in report.findings)
    counts = (report.path, None, report.size, len(report.findings), errors, problems - errors, suppressed)
    if output_format == "sarif":
        return _Shown(*counts, located=tuple(Located(f.path, f.problems, f.directive) for f in report.findings))
    if output_format == "json":
        return _Shown(*counts, records=tuple(_finding_record(f) for f in report.findings))
    if output_format == "jsonl":
        return _Shown(*counts, out="".join(json.dumps(_finding_record(f)) + "\n" for f in report.findings))
    if not problems:
        return _Shown(*counts)
    lines = _Lines(opened, text)
    return _Shown(*counts, out="".join(_problem_text(f, p, lines, output_format, color) for f in report.findings for p in f.problems))


class _ShowEach:
    """Scan a file and show its report (pickled to the worker processes)."""

    def __init__(self, work: Callable[[Entry], FileReport], output_format: str, color: bool) -> None:
        self.work, self.output_format, self.color = work, output_format, color

    def __call__(self, entry: Entry) -> _Shown:
        return _shown(self.work(entry), self.output_format, self.color, entry.path)


def _reports(args: argparse.Namespace, settings: Settings, stdin: IO[bytes], color: bool) -> Iterator[_Shown]:
    select, ignore = _codes(args.select), _codes(args.ignore)
    paths = args.paths or ["."]
    if paths == ["-"]:
        data = stdin.read()
        name = args.stdin_filename or "<stdin>"
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            report = FileReport(name, (), f"not UTF-8 (byte {data[error.start]:#04x} at offset {error.start:,})", len(data))
            yield _shown(report, args.format, color, name)
            return
        mode = args.mode or settings.mode
        chosen_select = select if select is not None else settings.select
        chosen_ignore = ignore if ignore is not None else settings.ignore
        found = scan_text(text, name, mode=mode, select=chosen_select, ignore=chosen_ignore)
        yield _shown(FileReport(name, tuple(found), None, len(data)), args.format, color, name, text)
        return
    exclude = settings.exclude + tuple(args.exclude or ())
    entries, work = prepare(paths, args.mode, select, ignore, exclude, settings, MAX_FILE_BYTES)
    yield from mapped(_ShowEach(work, args.format, color), entries, args.jobs)


def command_scan(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    try:
        settings = _settings(args)
        output_format = args.format
        tally = _Tally()
        sarif_results: list[Located] = []
        records: list[dict[str, object]] = []
        skipped: list[dict[str, str]] = []
        for shown in _reports(args, settings, stdin, use_color(args.color, out)):
            tally.files += 1
            if shown.skipped is not None:
                tally.skipped[shown.skipped] += 1
                skipped.append({"path": shown.path, "skipped": shown.skipped})
                if output_format == "text" and shown.skipped not in _QUIET_SKIPS:
                    err.write(f"{PROG} scan: {shown.path}: skipped: {shown.skipped}\n")
            else:
                tally.read += 1
                tally.bytes += shown.size
                tally.findings += shown.findings
                tally.errors += shown.errors
                tally.warnings += shown.warnings
                tally.suppressed += shown.suppressed
            out.write(shown.out)
            records.extend(shown.records)
            sarif_results.extend(shown.located)
        if output_format == "json":
            summary = _summary_data(tally)
            json.dump({"results": records, "skipped": skipped, "summary": summary}, out, indent=2)
            out.write("\n")
        elif output_format == "sarif":
            out.write(_sarif(sarif_results, skipped))
        elif output_format == "text":
            out.write(_summary(tally) + "\n")
    except (ScanError, SettingsError) as error:
        err.write(f"{PROG} scan: error: {error}\n")
        return 2
    failed = tally.errors > 0 or (args.strict and tally.warnings > 0)
    return int(failed)


def _sarif(results: list[Located], skipped: list[dict[str, str]]) -> str:
    """The log, with a notification for each file skipped for a reason worth one."""
    log = sarif_log(results)
    notifications: list[dict[str, object]] = [
        {
            "level": "warning",
            "message": {"text": f"skipped: {item['skipped']}"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(item["path"])}}],
        }
        for item in skipped
        if item["skipped"] not in _QUIET_SKIPS
    ]
    runs = log["runs"]
    assert isinstance(runs, list)
    runs[0]["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notifications}]
    return sarif_json(log)


def _artifact_location(path: str) -> dict[str, str]:
    uri, base = artifact_uri(path)
    return {"uri": uri, "uriBaseId": base} if base else {"uri": uri}


def _problem_text(finding: Finding, problem: Problem, lines: _Lines, output_format: str, color: bool) -> str:
    place = problem.place
    line_text = lines.line(place.line)
    shown = _in_line(problem.diagnostic, place, line_text)
    origin = Origin(finding.path, place.line)
    if output_format == "github":
        return render(shown, line_text, format="github", origin=origin)
    return render(shown, line_text, origin=origin, color=color, spaced=True)


def _summary_data(tally: _Tally) -> dict[str, object]:
    return {
        "files": tally.files,
        "read": tally.read,
        "bytes": tally.bytes,
        "skipped": dict(tally.skipped),
        "directives": tally.findings,
        "errors": tally.errors,
        "warnings": tally.warnings,
        "suppressed": tally.suppressed,
    }


def _summary(tally: _Tally) -> str:
    skipped = sum(tally.skipped.values())
    reasons = ", ".join(f"{count:,} {reason}" for reason, count in sorted(tally.skipped.items()))
    files = f"{plural(tally.files, 'file')} scanned" + (f" ({skipped:,} skipped: {reasons})" if skipped else "")
    found = f"{plural(tally.findings, 'directive')} found"
    if not tally.errors and not tally.warnings:
        problems = "no problems"
    else:
        problems = f"{plural(tally.errors, 'error')} and {plural(tally.warnings, 'warning')}"
    suppressed = f"; {tally.suppressed:,} suppressed" if tally.suppressed else ""
    return f"{files}, {found}: {problems}{suppressed}."
