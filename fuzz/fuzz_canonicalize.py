#!/usr/bin/env python3
"""Fuzz canonicalize and the round trip. Findings: any exception but DirectiveError; a
canonical string that does not re-parse to the same tree; one that is not a fixed point.

    python fuzz/fuzz_canonicalize.py fuzz/corpus/canonicalize -runs=100000
"""

from __future__ import annotations

import sys

import atheris
from _common import Finding, decode, no_internal_error, oss_process


def TestOneInput(data: bytes) -> None:
    text, mode, source = decode(data)
    try:
        canonical = oss_process.canonicalize(text, mode=mode, source=source)
    except oss_process.DirectiveError as error:
        no_internal_error(text, list(error.diagnostics))
        if not error.diagnostics or not any(d.is_error for d in error.diagnostics):
            raise Finding(f"refused without an error diagnostic: {text!r}") from error
        return
    tree = oss_process.parse(canonical)
    if oss_process.unparse(tree) != canonical:
        raise Finding(f"{canonical!r} does not print back as itself")
    if oss_process.print_canonical(tree) != canonical:
        raise Finding(f"print_canonical(parse({canonical!r})) differs")
    if oss_process.canonicalize(canonical, mode=mode, source=source) != canonical:
        raise Finding(f"{canonical!r} (from {text!r}) is not a fixed point")
    if oss_process.parse(oss_process.print_canonical(oss_process.parse(text))) != tree:
        raise Finding(f"the canonical tree of {text!r} differs from the tree of its canonical string")


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
