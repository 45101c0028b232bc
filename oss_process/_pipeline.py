"""The reference pipeline, in the order the data flows:

    text -> syntax -> frozen tree -> validation against the tables -> canonical text

1. :func:`limits`: the bounds checked before any parsing (length, parameters).
2. :func:`syntax`: the scanner (``_syntax.scan``, a regular expression composed from the
   grammar's terminals) gives the flat raw form; text it refuses goes to the LALR
   automaton (``_lark_parser``), which says where and why as a diagnostic.
3. ``_syntax.to_ast``: the frozen tree with spans (``oss_process.ast``).
4. ``validation.structure`` and ``validation.check_values``: every problem, walking the
   catalogue's tables.
5. ``printer.print_canonical``: the canonical text, from the tables' order, defaults and
   kinds, when there is no error.

:func:`run` is all of it, returning one :class:`~oss_process.validation.Result`.
``oss_process._accel`` gives the same answers faster; the public functions use it.
"""

from __future__ import annotations

from ._syntax import RawDirective, in_alphabet, scan, to_ast
from .ast import Span
from .diagnostics import Diagnostic
from .printer import print_canonical
from .source import Source
from .tables import MAX_LENGTH, MAX_PARAMETERS, Catalogue, Mode
from .validation import Result, check_values, structure, with_values

__all__ = ["limits", "run", "syntax"]


def limits(text: str) -> Diagnostic | None:
    """The checks made before any parsing, each in time linear in the input at worst."""
    if len(text) > MAX_LENGTH:
        return Diagnostic("E001", f"the directive is {len(text)} characters long; the limit is {MAX_LENGTH}", Span(MAX_LENGTH, len(text)))
    if not text:
        return Diagnostic("E003", "the directive is empty", Span(0, 0), "a directive looks like audio/convert,f_aac|sys/saveas,o_...")
    if text.count(",") > MAX_PARAMETERS:
        return Diagnostic("E002", f"the directive has {text.count(',')} parameters; the limit is {MAX_PARAMETERS}", Span(0, len(text)))
    return None


def syntax(text: str) -> RawDirective | Diagnostic:
    """The raw form of ``text``, or the diagnostic of its first syntax (or size) error."""
    problem = limits(text)
    if problem is not None:
        return problem
    # A character no terminal allows (a space, '+', '%') fails the scanner only after it
    # has backtracked through everything before it: go to the automaton at once.
    raw = scan(text) if in_alphabet()(text) else None
    if raw is not None:
        return raw
    from ._lark_parser import parse_raw  # only for text the scanner refuses: it says why

    return parse_raw(text)


def run(text: str, mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Result:
    """Everything about ``text``: its typed tree, every diagnostic, the canonical text."""
    raw = syntax(text)
    if isinstance(raw, Diagnostic):
        return Result(None, (raw,), None, text)
    tree = to_ast(raw, len(text))
    diagnostics, values = check_values(tree, structure(tree, mode, catalogue), source)
    typed = with_values(tree, values)
    failed = any(d.is_error for d in diagnostics)
    return Result(typed, tuple(diagnostics), None if failed else print_canonical(typed, catalogue=catalogue), text)
