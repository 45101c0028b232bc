"""``lint --fix``: only the fixes that keep the meaning."""

from __future__ import annotations

import re

from oss_process import Mode, Source, canonicalize
from oss_process._causes import url_safe_text

from .decoding import Entry

__all__ = ["fixed_directive", "fixed_line"]

# Whitespace at either end or beside a separator can only be a slip: a directive has no
# whitespace, and no value holds ',', '/' or '|'. Whitespace inside a token ("ss_10 000")
# is left for a person to judge.
_SEPARATOR_SPACE = re.compile(r"\s*([,/|])\s*")


def _without_stray_whitespace(text: str) -> str:
    return _SEPARATOR_SPACE.sub(r"\1", text.strip())


def fixed_directive(text: str, mode: Mode | None, source: Source | None = None) -> str | None:
    """``text`` with every safe fix applied, or None when there is none to apply.

    Stray whitespace goes first, then standard Base64 written URL-safe (E311); the rest (table order, padding, defaults, leading zeros)
    is what ``canonicalize`` does, and its output means the same by definition. It raises
    while any error is left, so a line is fixed only when every error it had was stray
    whitespace or standard Base64. A line without errors has no whitespace: only canonicalization applies.
    """
    text_fixed = _without_stray_whitespace(text)
    # Standard Base64 written URL-safe: the same bytes, when only one spelling removes the errors.
    text_fixed = url_safe_text(text_fixed, mode) or text_fixed
    try:
        canonical = canonicalize(text_fixed, mode=mode, source=source)
    except Exception:  # noqa: BLE001 - DirectiveError, or a library bug: either way, no fix
        return None
    return canonical if canonical != text else None


def fixed_line(entry: Entry, mode: Mode | None, source: Source | None = None) -> str | None:
    """The input line with its directive fixed, in the line's own form (the form field
    name or the rest of the URL kept, percent-encoded if it was); None when there is
    nothing to fix, or when the line is a signed URL: the process parameter is a signed
    sub-resource, so a changed directive would break the signature."""
    fixed = None if entry.problem or entry.signed else fixed_directive(entry.text, mode, source)
    if fixed is None:
        return None
    if entry.percent_encoded:
        from urllib.parse import quote

        fixed = quote(fixed, safe="")
    return entry.prefix + fixed + entry.suffix
