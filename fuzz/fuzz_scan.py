#!/usr/bin/env python3
"""Fuzz the scanner: scan_text must never raise for a str, never report an internal error
(E999), and every place it reports must lie inside the text, columns within their line.
The first byte of an input picks the language; the rest is the text.

    python fuzz/fuzz_scan.py fuzz/corpus/scan -runs=100000
"""

from __future__ import annotations

import sys

import atheris
from _common import Finding

with atheris.instrument_imports(include=["oss_process"]):
    import oss_process.scan
    import oss_process.scan._find
    import oss_process.scan._lexer

EXTENSIONS = ("py", "js", "ts", "vue", "html", "java", "go", "md", "yaml", "json", "toml", "php", "rb", "sh", "css", "txt", "cs")


def TestOneInput(data: bytes) -> None:
    name = "file." + EXTENSIONS[(data[0] if data else 0) % len(EXTENSIONS)]
    text = data[1:].decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    for finding in oss_process.scan.scan_text(text, name):
        for place in (finding.place, *(problem.place for problem in finding.problems)):
            if not (1 <= place.line <= place.end_line <= len(lines) and 1 <= place.column <= len(lines[place.line - 1]) + 1):
                raise Finding(f"{place} outside the text ({name}): {text!r}")
        if any(problem.diagnostic.code == "E999" for problem in finding.problems):
            raise Finding(f"internal error in {name}: {text!r}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
