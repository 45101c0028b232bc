"""``oss-process scan``: find the directives in a tree of files, lint them, and report
each problem at its line and column, as text, JSON, JSON lines, GitHub annotations or
SARIF."""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import IO, TextIO

from oss_process import render
from oss_process.ast import Span
from oss_process.diagnostics import CODES, Diagnostic, Origin
from oss_process.sarif import Located, artifact_uri, sarif_json, sarif_log
from oss_process.scan import FileReport, Finding, Place, ScanError, Settings, SettingsError, find_settings, load_settings, scan, scan_text

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
    """The lines of the files reported on, read again only to show them."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.lines: list[str] = []

    def line(self, path: str, number: int) -> str:
        if path != self.path:
            self.path = path
            try:
                with open(path, encoding="utf-8-sig", errors="replace", newline="") as stream:
                    self.lines = stream.read().split("\n")
            except OSError:
                self.lines = []
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


def _reports(args: argparse.Namespace, settings: Settings, stdin: IO[bytes]) -> Iterator[FileReport]:
    select, ignore = _codes(args.select), _codes(args.ignore)
    paths = args.paths or ["."]
    if paths == ["-"]:
        data = stdin.read()
        name = args.stdin_filename or "<stdin>"
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            yield FileReport(name, (), f"not UTF-8 (byte {data[error.start]:#04x} at offset {error.start:,})", len(data))
            return
        mode = args.mode or settings.mode
        chosen_select = select if select is not None else settings.select
        chosen_ignore = ignore if ignore is not None else settings.ignore
        found = scan_text(text, name, mode=mode, select=chosen_select, ignore=chosen_ignore)
        yield FileReport(name, tuple(found), None, len(data))
        return
    exclude = settings.exclude + tuple(args.exclude or ())
    yield from scan(paths, mode=args.mode, select=select, ignore=ignore, exclude=exclude, settings=settings, jobs=args.jobs)


def command_scan(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    try:
        settings = _settings(args)
        reports: Iterable[FileReport] = _reports(args, settings, stdin)
        tally = _Tally()
        output_format = args.format
        color = use_color(args.color, out)
        lines = _Lines()
        sarif_results: list[Located] = []
        records: list[dict[str, object]] = []
        skipped: list[dict[str, str]] = []
        for report in reports:
            tally.files += 1
            if report.skipped is not None:
                tally.skipped[report.skipped] += 1
                skipped.append({"path": report.path, "skipped": report.skipped})
                if output_format == "jsonl":
                    out.write(json.dumps(skipped[-1]) + "\n")
                elif output_format == "text" and report.skipped not in _QUIET_SKIPS:
                    err.write(f"{PROG} scan: {report.path}: skipped: {report.skipped}\n")
                continue
            tally.read += 1
            tally.bytes += report.size
            for finding in report.findings:
                tally.findings += 1
                tally.suppressed += finding.suppressed
                for problem in finding.problems:
                    if problem.diagnostic.is_error:
                        tally.errors += 1
                    else:
                        tally.warnings += 1
                if output_format == "sarif":
                    sarif_results.append(Located(finding.path, finding.problems, finding.directive))
                elif output_format == "json":
                    records.append(_finding_record(finding))
                elif output_format == "jsonl":
                    out.write(json.dumps(_finding_record(finding)) + "\n")
                elif finding.problems:
                    _write_text(out, finding, lines, output_format, color)
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


def _write_text(out: TextIO, finding: Finding, lines: _Lines, output_format: str, color: bool) -> None:
    path = finding.path
    readable = os.path.exists(path)
    for problem in finding.problems:
        place = problem.place
        line_text = lines.line(path, place.line) if readable else ""
        shown = _in_line(problem.diagnostic, place, line_text)
        origin = Origin(path, place.line)
        if output_format == "github":
            out.write(render(shown, line_text, format="github", origin=origin))
        else:
            out.write(render(shown, line_text, origin=origin, color=color, spaced=True))


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
