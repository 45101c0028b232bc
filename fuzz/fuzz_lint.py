#!/usr/bin/env python3
"""Fuzz lint: it must never raise for a str, never report an internal error (E999), and
every span must lie inside the input. And the fast paths must agree with the normative
ones: the syntax diagnostic a Lark parse of the whole text gives is among lint's, a fast
verdict is the full validation's, and the speed layer's the reference pipeline's.

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
        # Lark stops at the first error; lint goes on. Recovery widens a run of whitespace
        # or of characters outside ASCII to one span.
        if not isinstance(lark, oss_process.Diagnostic) or not any(
            (lark.code, lark.message, lark.span.start, lark.hint) == (d.code, d.message, d.span.start, d.hint)
            for d in diagnostics
            if d.code in SYNTAX
        ):
            raise Finding(f"lint says {diagnostics}, Lark says {lark}: {text!r}")
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
