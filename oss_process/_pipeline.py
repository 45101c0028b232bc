"""The reference pipeline, in the order the data flows:

    text -> syntax -> frozen tree -> validation against the tables -> canonical text

1. :func:`limits`: the bounds checked before any parsing (length, parameters).
2. :func:`syntax`: the scanner (``_syntax.scan``, a regular expression composed from the
   grammar's terminals) gives the flat raw form; text it refuses goes to the LALR
   automaton (``_lark_parser``), which says where and why as a diagnostic, and
   :func:`recovered` goes on past each syntax problem (``_recover``).
3. ``_syntax.to_ast``: the frozen tree with spans (``oss_process.ast``).
4. ``validation.structure`` and ``validation.check_values``: every problem, walking the
   catalogue's tables.
5. ``printer.print_canonical``: the canonical text, from the tables' order, defaults and
   kinds, when there is no error.

:func:`run` is all of it, returning one :class:`~oss_process.validation.Result`.
``oss_process._accel`` gives the same answers faster; the public functions use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ._syntax import RawDirective, in_alphabet, scan, to_ast
from .ast import Span
from .diagnostics import Diagnostic
from .printer import print_canonical
from .source import Source
from .tables import MAX_DIAGNOSTICS, MAX_LENGTH, MAX_PARAMETERS, Catalogue, Mode
from .validation import Result, check_values, diagnostic_order, structure, with_values

if TYPE_CHECKING:
    from ._recover import Recovered

__all__ = ["LIMIT_CODES", "bounded", "caused", "diagnostics_of", "explained", "limits", "recovered", "run", "syntax"]


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
    return (_parse_raw or _load_parse_raw())(text)  # only for text the scanner refuses: it says why


# What text with a syntax error or an error needs, imported on the first such text and
# kept here: an import statement run on every call costs more than a short function.
_parse_raw: Callable[[str], RawDirective | Diagnostic] | None = None
_with_causes: Callable[[str, Sequence[Diagnostic], Catalogue, Callable[[str], Sequence[Diagnostic]]], Sequence[Diagnostic]] | None = None
_recovery: tuple[Callable[[str], Recovered], Callable[[Diagnostic, str, Recovered], bool]] | None = None


def _load_parse_raw() -> Callable[[str], RawDirective | Diagnostic]:
    global _parse_raw
    from ._lark_parser import parse_raw

    _parse_raw = parse_raw
    return parse_raw


def _load_with_causes() -> Callable[[str, Sequence[Diagnostic], Catalogue, Callable[[str], Sequence[Diagnostic]]], Sequence[Diagnostic]]:
    global _with_causes
    from ._causes import with_causes

    _with_causes = with_causes
    return with_causes


def _load_recovery() -> tuple[Callable[[str], Recovered], Callable[[Diagnostic, str, Recovered], bool]]:
    global _recovery
    from ._recover import knock_on, recover

    _recovery = (recover, knock_on)
    return _recovery


def run(text: str, mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Result:
    """Everything about ``text``: its typed tree, every diagnostic, the canonical text."""
    raw = syntax(text)
    if isinstance(raw, Diagnostic):
        if raw.code in LIMIT_CODES:  # nothing was read: nothing to recover or explain
            return Result(None, (raw,), None, text)
        return Result(None, explained(text, recovered(text, raw, mode, source, catalogue), mode, source, catalogue), None, text)
    tree = to_ast(raw, len(text))
    diagnostics, values = check_values(tree, structure(tree, mode, catalogue), source)
    typed = with_values(tree, values)
    failed = any(d.is_error for d in diagnostics)
    found = explained(text, diagnostics, mode, source, catalogue)
    return Result(typed, found, None if failed else print_canonical(typed, catalogue=catalogue), text)


def diagnostics_of(text: str, mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Sequence[Diagnostic]:
    """Every diagnostic of ``text`` as found, before naming causes and bounding."""
    raw = syntax(text)
    if isinstance(raw, Diagnostic):
        return recovered(text, raw, mode, source, catalogue)
    tree = to_ast(raw, len(text))
    return check_values(tree, structure(tree, mode, catalogue), source)[0]


def explained(
    text: str, diagnostics: Sequence[Diagnostic], mode: Mode | None, source: Source | None, catalogue: Catalogue
) -> tuple[Diagnostic, ...]:
    """The diagnostics as reported: a cause named where it explains symptoms (:func:`caused`),
    then at most ``MAX_DIAGNOSTICS`` of them (:func:`bounded`)."""
    return bounded(caused(text, diagnostics, mode, source, catalogue))


def caused(
    text: str, diagnostics: Sequence[Diagnostic], mode: Mode | None, source: Source | None, catalogue: Catalogue
) -> Sequence[Diagnostic]:
    """The diagnostics with a cause named where it explains symptoms (``_causes``:
    standard Base64), not yet bounded."""
    if any(d.is_error for d in diagnostics):
        diagnostics = (_with_causes or _load_with_causes())(
            text, diagnostics, catalogue, lambda t: diagnostics_of(t, mode, source, catalogue)
        )
    return diagnostics


#: Bounds checked before parsing: nothing is read, nothing to recover.
LIMIT_CODES = frozenset({"E001", "E002", "E003"})


def _validated(found: Recovered, length: int, mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Sequence[Diagnostic]:
    raw = found.raw
    assert raw is not None
    tree = to_ast(raw, length)
    return check_values(tree, structure(tree, mode, catalogue), source)[0]


def recovered(
    text: str,
    first: Diagnostic,
    mode: Mode | None,
    source: Source | None,
    catalogue: Catalogue,
    validated: Callable[[Recovered, int, Mode | None, Source | None, Catalogue], Sequence[Diagnostic]] = _validated,
) -> list[Diagnostic]:
    """Every problem of a text that breaks the grammar (``first``: where it first does):
    each syntax problem, and what validation finds in the rest (``_recover``).
    ``validated``: the diagnostics of what recovery left (the speed layer's uses plans)."""
    if first.code in LIMIT_CODES:
        return [first]
    recover, knock_on = _recovery or _load_recovery()
    found = recover(text)
    diagnostics = list(found.problems)
    if found.left:
        diagnostics += [d for d in validated(found, len(text), mode, source, catalogue) if not knock_on(d, text, found)]
    diagnostics.sort(key=diagnostic_order)
    return diagnostics


def bounded(diagnostics: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
    """At most ``MAX_DIAGNOSTICS``, in order, and one more that counts the rest: E004 when
    an error is among them, else W005."""
    if len(diagnostics) <= MAX_DIAGNOSTICS:
        return tuple(diagnostics)
    rest = diagnostics[MAX_DIAGNOSTICS:]
    errors = sum(d.is_error for d in rest)
    code, what = ("E004", f"{errors} errors among them") if errors else ("W005", "all of them warnings")
    last = Diagnostic(
        code,
        f"{len(rest)} more problems not reported ({what}): at most {MAX_DIAGNOSTICS} are reported for one directive",
        Span(rest[0].span.start, max(d.span.end for d in rest)),
        "fix these and check again",
    )
    return (*diagnostics[:MAX_DIAGNOSTICS], last)
