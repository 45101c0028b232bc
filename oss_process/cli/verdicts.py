"""The library's answers for one line, which never end a batch."""

from __future__ import annotations

from collections.abc import Sequence

from oss_process import Diagnostic, Directive, Mode, ParseError, Source, Styles, canonicalize, lint, parse
from oss_process.diagnostics import internal_error
from oss_process.tables import BUILTIN, Catalogue

__all__ = ["assumed_mode", "canonical", "mode_used", "safe_lint", "verdict"]


def safe_lint(text: str, mode: Mode | None, source: Source | None = None, styles: Styles | None = None) -> list[Diagnostic]:
    """``lint``, which never raises; should a bug in it raise all the same, that line gets
    the library's own code for it, E999, and the batch goes on."""
    try:
        return lint(text, mode=mode, source=source) if styles is None else lint(text, mode=mode, source=source, styles=styles)
    except Exception as error:  # noqa: BLE001 - one line's trouble must not end the batch
        return [internal_error(error, text)]


def canonical(
    text: str, mode: Mode | None, failed: bool, source: Source | None = None, styles: Styles | None = None, expand_styles: bool = False
) -> str | None:
    """The canonical form (with ``expand_styles``, of the styles written out); None when
    lint found an error (``failed``)."""
    if failed:
        return None
    try:
        if styles is None:
            return canonicalize(text, mode=mode, source=source)
        return canonicalize(text, mode=mode, source=source, styles=styles, expand_styles=expand_styles)
    except Exception:  # noqa: BLE001 - lint found no error: only a library bug lands here
        return None


def verdict(diagnostics: Sequence[Diagnostic]) -> str:
    if any(d.is_error for d in diagnostics):
        return "error"
    return "warning" if diagnostics else "ok"


def assumed_mode(directive: Directive, catalogue: Catalogue = BUILTIN) -> Mode | None:
    """The mode lint checks a directive in when given none: async when one of its
    actions runs only there, else sync when one runs only there (both: async, beside the
    E103 that says so); None when every action runs in both, and no check depends on it.

    The rule of ``validation._modes``, which does not expose its choice.
    """
    only = {
        frozenset(info.modes)
        for stage in directive.stages
        for action in stage.actions
        if (info := catalogue.lookup(stage.category, action.name)) is not None
    }
    for mode in (Mode.ASYNC, Mode.SYNC):
        if frozenset({mode}) in only:
            return mode
    return None


def mode_used(
    text: str, line_mode: Mode | None, option: Mode | None, linted: Sequence[Diagnostic] | None
) -> tuple[Mode | None, str | None]:
    """The mode a line was checked in and where it came from: "input" (the form field's
    or URL parameter's name), "option" (--mode), "actions" (assumed from them), or None.
    ``linted`` is what lint found (None: the line never reached it)."""
    if line_mode is not None:
        return line_mode, "input"
    if option is not None:
        return option, "option"
    if linted is None or any(d.code in ("E001", "E002", "E003") for d in linted):  # nothing was read
        return None, None
    try:
        tree = checked_tree(text)
    except Exception:  # noqa: BLE001 - lint read it already; only a library bug lands here
        return None, None
    assumed = assumed_mode(tree) if tree is not None else None
    return assumed, None if assumed is None else "actions"


def checked_tree(text: str) -> Directive | None:
    """The tree lint validated: the parsed one, or after a syntax error what recovery left
    of the text (None: nothing)."""
    try:
        return parse(text)
    except ParseError:
        from oss_process._recover import recover
        from oss_process._syntax import to_ast

        raw = recover(text).raw  # scanned on each read: read once
        return to_ast(raw, len(text)) if raw is not None else None
