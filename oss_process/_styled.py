"""Styles resolved: lint, check and canonicalize of a directive whose ``style/<name>``
stages stand for the content of a bucket's styles (``styles=``).

Each style the bucket has is replaced by its content, stage for stage (a style's content
naming a style is expanded too, its loops refused), and the whole expansion is checked
as the one directive OSS runs: a ``sys/saveas`` inside the style and another after it, an
image style sent as ``x-oss-async-process``, are found as they would be written out. Each
diagnostic is then put back where the text says it: in the text around the styles at its
own place, inside a style at the style's name, with the code kept and the message saying
which style and where in its content (``style thumb, at column 14: ...``).

A text with a syntax error is judged as it is: its stages cannot all be told apart.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import NamedTuple

from ._pipeline import LIMIT_CODES, bounded, caused, diagnostics_of, run, syntax
from ._suggest import did_you_mean
from ._syntax import STYLE_CATEGORY, RawDirective
from .ast import Span
from .diagnostics import Diagnostic
from .source import Source
from .styles import Styles
from .tables import MAX_DIAGNOSTICS, MAX_LENGTH, MAX_STYLE_NAME, Catalogue, Mode
from .validation import diagnostic_order

__all__ = ["Resolution", "resolve"]

# What a style stage starts with: a text without it has no style to resolve.
_MARK = STYLE_CATEGORY + "/"


class Judged(NamedTuple):
    """One text's verdict: the speed layer's, or the reference pipeline's."""

    canonical: str | None
    diagnostics: tuple[Diagnostic, ...]
    parsed: bool


Judge = Callable[[str], Judged]


class Resolution(NamedTuple):
    """What a text with its styles resolved gives."""

    diagnostics: tuple[Diagnostic, ...]
    canonical: str | None  # the text's own canonical form, the styles kept; None on an error
    expanded: str | None  # the canonical form of the expansion; None on an error
    parsed: bool


class _Spliced(NamedTuple):
    name: str
    span: Span  # the style's name in the text
    level: _Level  # its content, expanded


class _Piece(NamedTuple):
    start: int  # in the expansion
    end: int
    at: int  # where start is in the text (for a style, where its stage starts)
    style: _Spliced | None  # None: the text's own characters


class _Level:
    """One text expanded: the expansion, its pieces, and what resolving found, placed in
    the text (a style's content: in that content)."""

    __slots__ = ("pieces", "problems", "starts", "text")

    def __init__(self, text: str, pieces: list[_Piece], problems: list[Diagnostic]) -> None:
        self.text, self.pieces, self.problems = text, pieces, problems
        self.starts = [piece.start for piece in pieces]

    @property
    def spliced(self) -> bool:
        return any(piece.style is not None for piece in self.pieces)

    def place(self, diagnostic: Diagnostic) -> Diagnostic:
        """``diagnostic`` of the expansion, placed in the text."""
        start, end = diagnostic.span
        piece = self.pieces[max(0, bisect_right(self.starts, start) - 1)]
        if piece.style is None:
            moved = piece.at + start - piece.start
            return Diagnostic(diagnostic.code, diagnostic.message, Span(moved, max(moved, self._end(end))), diagnostic.hint)
        inside = Span(start - piece.start, min(max(end, start), piece.end) - piece.start)
        spliced = piece.style
        return _lifted(spliced, spliced.level.place(Diagnostic(diagnostic.code, diagnostic.message, inside, diagnostic.hint)))

    def _end(self, end: int) -> int:
        # The piece an end offset closes: the one it falls in, or ends.
        piece = self.pieces[max(0, bisect_right(self.starts, end - 1) - 1)] if end else self.pieces[0]
        if piece.style is None:
            return piece.at + min(end, piece.end) - piece.start
        return piece.style.span.end


def _lifted(spliced: _Spliced, diagnostic: Diagnostic) -> Diagnostic:
    """A diagnostic of a style's content, said at the style's name in the text."""
    message = f"style {spliced.name}, at column {diagnostic.span.start + 1}: {diagnostic.message}"
    return Diagnostic(diagnostic.code, message, spliced.span, diagnostic.hint)


class _Over(Exception):
    """The expansion passed the length limit: building stops there."""


class _Expander:
    def __init__(self, styles: Styles, judge: Judge) -> None:
        self.styles, self.judge = styles, judge
        self.parsed: dict[str, RawDirective | Diagnostic] = {}  # each style's content, read once
        self.built = 0  # characters of the expansion so far, at every level

    def level(self, text: str, raw: RawDirective, chain: tuple[str, ...]) -> _Level:
        pieces: list[_Piece] = []
        parts: list[str] = []
        problems: list[Diagnostic] = []
        written = length = 0  # how far the text is copied; how long the expansion is

        def copy(upto: int) -> None:
            nonlocal written, length
            if upto > written:
                pieces.append(_Piece(length, length + upto - written, written, None))
                parts.append(text[written:upto])
                length += upto - written
                self.built += upto - written
                if self.built > MAX_LENGTH:
                    raise _Over
                written = upto

        for category, stage_start, stage_end, actions in raw:
            if category != STYLE_CATEGORY:
                continue
            name, name_start, name_end, _ = actions[0]  # the grammar's style stage: one name
            span = Span(name_start, name_end)
            if len(name) > MAX_STYLE_NAME:  # no bucket has it: E110 says why, once
                continue
            problem = self._refused(name, span, chain)
            if problem is not None:
                problems.append(problem)
                continue
            if chain:
                problems.append(
                    Diagnostic(
                        "W114",
                        f"the style {name} is named inside another style: OSS does not document that a style's content may use a style",
                        span,
                        f"write out the content of {name} instead",
                    )
                )
            inner = self._content(name, span, (*chain, name))
            if isinstance(inner, list):  # its content breaks the grammar: said as it is, the style kept
                problems += inner
                continue
            copy(stage_start)
            spliced = _Spliced(name, span, inner)
            pieces.append(_Piece(length, length + len(inner.text), stage_start, spliced))
            parts.append(inner.text)
            length += len(inner.text)
            written = stage_end
            problems += [_lifted(spliced, p) for p in inner.problems]
        copy(len(text))
        problems.sort(key=diagnostic_order)  # before the parent lifts them: in its content's order
        return _Level("".join(parts), pieces, problems)

    def _refused(self, name: str, span: Span, chain: tuple[str, ...]) -> Diagnostic | None:
        if name not in self.styles:
            known = sorted(self.styles)
            hint = did_you_mean(name, known) or (f"its styles: {', '.join(known)}" if known else "the styles given hold none")
            return Diagnostic("E112", f"the bucket has no style {name!r}: OSS answers NoSuchStyle", span, hint)
        if name in chain:
            loop = " -> ".join((*chain[chain.index(name) :], name))
            return Diagnostic("E113", f"the style {name} names itself ({loop}): its expansion never ends", span, "break the loop")
        return None

    def _content(self, name: str, span: Span, chain: tuple[str, ...]) -> _Level | list[Diagnostic]:
        """The style's content expanded; or when it breaks the grammar, what its own check
        finds, said at the style (spliced in, its syntax would run into the text's)."""
        content = self.styles[name]
        if name not in self.parsed:
            self.parsed[name] = syntax(content)
        raw = self.parsed[name]
        if not isinstance(raw, list):
            alone = _Spliced(name, span, _Level(content, [], []))
            return [_lifted(alone, d) for d in self.judge(content).diagnostics]
        if _MARK not in content or not any(stage[0] == STYLE_CATEGORY for stage in raw):
            self.built += len(content)
            if self.built > MAX_LENGTH:
                raise _Over
            return _Level(content, [_Piece(0, len(content), 0, None)], [])
        return self.level(content, raw, chain)


def resolve(text: str, styles: Styles, judge: Judge, unbounded: Callable[[str], Sequence[Diagnostic]]) -> Resolution:
    """``text`` with the styles of ``styles`` resolved; ``judge`` gives a text's verdict,
    ``unbounded`` its diagnostics before bounding (the rare text with more than are reported)."""
    base = judge(text)
    raw = syntax(text) if base.parsed and _MARK in text else None
    if not isinstance(raw, list) or not any(stage[0] == STYLE_CATEGORY for stage in raw):
        return Resolution(base.diagnostics, base.canonical, base.canonical, base.parsed)
    try:
        level = _Expander(styles, judge).level(text, raw, ())
    except _Over:
        over = Diagnostic(
            "E001",
            f"with its styles expanded, the directive is longer than {MAX_LENGTH} characters, the limit",
            Span(0, len(text)),
            "use fewer styles, or shorter ones",
        )
        return Resolution(_merged(base.diagnostics, [over], lambda: unbounded(text)), None, None, True)
    if not level.spliced:  # every style refused: the text is what OSS would be asked to run
        found = _merged(base.diagnostics, level.problems, lambda: unbounded(text))
        return _resolution(found, base, None)
    expanded = judge(level.text)
    if any(d.code in LIMIT_CODES for d in expanded.diagnostics):  # the expansion was not read: the text was
        limits = [
            Diagnostic(d.code, f"with its styles expanded, {d.message}", Span(0, len(text)), d.hint)
            for d in expanded.diagnostics
            if d.code in LIMIT_CODES
        ]
        return _resolution(_merged(base.diagnostics, [*limits, *level.problems], lambda: unbounded(text)), base, None)
    placed = [level.place(d) for d in expanded.diagnostics]
    found = _merged(placed, level.problems, lambda: [level.place(d) for d in unbounded(level.text)])
    if base.canonical is None and not any(d.is_error for d in found):
        found = _merged(found, [d for d in base.diagnostics if d.is_error], lambda: unbounded(text))
    return _resolution(found, base, expanded.canonical)


def _resolution(found: tuple[Diagnostic, ...], base: Judged, expanded: str | None) -> Resolution:
    failed = any(d.is_error for d in found)
    return Resolution(found, None if failed else base.canonical, None if failed else expanded, True)


def _merged(
    found: Sequence[Diagnostic], extra: Sequence[Diagnostic], unbounded: Callable[[], Sequence[Diagnostic]]
) -> tuple[Diagnostic, ...]:
    """``found`` (as reported: bounded) and ``extra``, in order, bounded again; when
    ``found`` was cut, from the whole list (``unbounded``), so the count stays true.
    In source order; the diagnostics of one style (all at its name) in its content's order."""
    whole = list(unbounded()) if len(found) > MAX_DIAGNOSTICS else list(found)
    return bounded(sorted([*whole, *extra], key=_start))


def _start(diagnostic: Diagnostic) -> int:
    return diagnostic.span.start


# --- the faces: the speed layer's verdict (lint, canonicalize), the reference's (check) ---


def fast_judge(mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Judge:
    from ._api import verdict

    def judge(text: str) -> Judged:
        canonical, diagnostics, parsed = verdict(text, mode, source, catalogue)
        return Judged(canonical, diagnostics, parsed)

    return judge


def reference_judge(mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Judge:
    def judge(text: str) -> Judged:
        found = run(text, mode, source, catalogue)
        return Judged(found.canonical, found.diagnostics, found.directive is not None)

    return judge


def unbounded_of(mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Callable[[str], Sequence[Diagnostic]]:
    def unbounded(text: str) -> Sequence[Diagnostic]:
        return caused(text, diagnostics_of(text, mode, source, catalogue), mode, source, catalogue)

    return unbounded
