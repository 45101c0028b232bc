"""Locate and read the normative grammar, and the terminal patterns it defines.

The grammar ships inside the wheel as ``oss_process/grammar/oss_process.lark``; in a
source checkout it is the top-level ``grammar/oss_process.lark``. Reading it needs no
Lark import, so the fast scanner can take its terminals from the same file.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

GRAMMAR_FILE = "oss_process.lark"

_PACKAGE_DIR = Path(__file__).resolve().parent
_CANDIDATES = (
    _PACKAGE_DIR / "grammar" / GRAMMAR_FILE,  # installed wheel
    _PACKAGE_DIR.parent / "grammar" / GRAMMAR_FILE,  # source checkout
)

# `NAME: /regex/` or `NAME.priority: /regex/` or `NAME: "literal"`, one per line.
_TERMINAL_LINE = re.compile(
    r'^(?P<name>[A-Z_]+)(?:\.\d+)?\s*:\s*(?:/(?P<regex>.+)/|"(?P<literal>[^"]+)")\s*$',
    re.MULTILINE,
)


def grammar_path() -> Path:
    for candidate in _CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"the grammar {GRAMMAR_FILE} is missing from the oss_process package")


@lru_cache(maxsize=1)
def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def terminal_patterns() -> dict[str, str]:
    """Terminal name -> Python regex source, exactly as the grammar spells it."""
    patterns: dict[str, str] = {}
    for match in _TERMINAL_LINE.finditer(grammar_text()):
        regex = match["regex"]
        patterns[match["name"]] = regex if regex is not None else re.escape(match["literal"])
    return patterns
