#!/usr/bin/env python3
"""Fuzz lint: it must never raise for a str, never report an internal error (E999), and
every span must lie inside the input.

    python fuzz/fuzz_lint.py fuzz/corpus/lint -runs=100000
"""

from __future__ import annotations

import sys

import atheris
from _common import Finding, decode, no_internal_error, oss_process


def TestOneInput(data: bytes) -> None:
    text, mode, source = decode(data)
    diagnostics = oss_process.lint(text, mode=mode, source=source)
    no_internal_error(text, diagnostics)
    for d in diagnostics:
        if not (0 <= d.span.start <= d.span.end <= len(text)):
            raise Finding(f"span {d.span} outside {len(text)} characters: {text!r}")
        d.render(text)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
