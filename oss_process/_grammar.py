"""Locate and read the normative grammar, and the terminal patterns it defines.

The grammar ships inside the wheel as ``oss_process/grammar/oss_process.lark``; in a
source checkout it is the top-level ``grammar/oss_process.lark``. Reading it needs no
Lark import, so the fast scanner can take its terminals from the same file. Beside it,
``oss_process.table.json`` is the LALR table Lark derives from it (see ``_lark_parser``).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

GRAMMAR_FILE = "oss_process.lark"
TABLE_FILE = "oss_process.table.json"

# os.path rather than pathlib: pathlib costs milliseconds of import time.
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_DIRECTORIES = (
    os.path.join(_PACKAGE_DIR, "grammar"),  # installed wheel
    os.path.join(os.path.dirname(_PACKAGE_DIR), "grammar"),  # source checkout
)

# `NAME: /regex/` or `NAME.priority: /regex/` or `NAME: "literal"`, one per line.
_TERMINAL_LINE = re.compile(
    r'^(?P<name>[A-Z_]+)(?:\.\d+)?\s*:\s*(?:/(?P<regex>.+)/|"(?P<literal>[^"]+)")\s*$',
    re.MULTILINE,
)


def grammar_path(name: str = GRAMMAR_FILE) -> str:
    """Where the grammar (or a file generated beside it) is."""
    for directory in _DIRECTORIES:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"{name} is missing from the oss_process package")


@lru_cache(maxsize=1)
def grammar_text() -> str:
    with open(grammar_path(), encoding="utf-8") as grammar:
        return grammar.read()


@lru_cache(maxsize=1)
def terminal_patterns() -> dict[str, str]:
    """Terminal name -> Python regex source, exactly as the grammar spells it."""
    patterns: dict[str, str] = {}
    for match in _TERMINAL_LINE.finditer(grammar_text()):
        regex = match["regex"]
        patterns[match["name"]] = regex if regex is not None else re.escape(match["literal"])
    return patterns
