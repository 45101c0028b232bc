#!/usr/bin/env python3
"""Fuzz lint: it must never raise for a str, never report an internal error (E999), and
every span must lie inside the input. And the fast paths must agree with the normative
ones: a syntax diagnostic with the one a Lark parse of the whole text gives, a fast
verdict with the full validation.

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
    coerced = oss_process.validation.coerce_mode(mode)
    builtin = oss_process.tables.BUILTIN
    if diagnostics and diagnostics[0].code in SYNTAX and len(text) <= oss_process.MAX_LENGTH:
        lark = oss_process._lark_parser.parse_raw(text, whole=True)
        if lark != diagnostics[0]:
            raise Finding(f"the automaton says {diagnostics[0]}, Lark says {lark}: {text!r}")
    full = oss_process._accel._full(text, coerced, source, builtin)
    fast = oss_process._accel._fast(text, coerced, source, builtin)
    if fast is not None and fast != full:
        raise Finding(f"the fast verdict {fast} is not the full one: {text!r}")
    reference = oss_process._pipeline.run(text, coerced, source, builtin)
    if (reference.diagnostics, reference.canonical) != (full.diagnostics, full.canonical):
        raise Finding(f"the speed layer says {full}, the reference pipeline {reference}: {text!r}")


# Syntax errors, as the automaton reports them (E001-E003 come before any parsing).
SYNTAX = {f"E0{n:02d}" for n in range(10, 18)}


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
