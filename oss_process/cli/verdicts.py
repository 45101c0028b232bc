"""The library's answers for one line, which never end a batch."""

from __future__ import annotations

from collections.abc import Sequence

from oss_process import Diagnostic, Mode, canonicalize, lint
from oss_process.diagnostics import internal_error

__all__ = ["canonical", "safe_lint", "verdict"]


def safe_lint(text: str, mode: Mode | None) -> list[Diagnostic]:
    """``lint``, which never raises; should a bug in it raise all the same, that line gets
    the library's own code for it, E999, and the batch goes on."""
    try:
        return lint(text, mode=mode)
    except Exception as error:  # noqa: BLE001 - one line's trouble must not end the batch
        return [internal_error(error, text)]


def canonical(text: str, mode: Mode | None, failed: bool) -> str | None:
    """The canonical form; None when lint found an error (``failed``)."""
    if failed:
        return None
    try:
        return canonicalize(text, mode=mode)
    except Exception:  # noqa: BLE001 - lint found no error: only a library bug lands here
        return None


def verdict(diagnostics: Sequence[Diagnostic]) -> str:
    if any(d.is_error for d in diagnostics):
        return "error"
    return "warning" if diagnostics else "ok"
