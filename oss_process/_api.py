"""parse, lint and canonicalize: text in, tree, diagnostics or canonical string out."""

from __future__ import annotations

from functools import lru_cache

from . import _lark_parser
from ._syntax import RawDirective, scan, to_ast
from .ast import Directive, Span
from .diagnostics import Diagnostic
from .errors import ArgumentError, InvalidDirectiveError, ParseError
from .printer import canonical_text
from .tables import MAX_LENGTH, MAX_PARAMETERS, Mode
from .validation import ModeLike, SourceAudio, check_raw, coerce_mode

__all__ = ["CACHE_SIZE", "canonicalize", "lint", "parse"]

#: Entries in the cache of verdicts that ``lint`` and ``canonicalize`` share. Only inputs
#: of at most ``_CACHED_LENGTH`` characters are cached: memory stays under ~10 MB.
CACHE_SIZE = 4096
_CACHED_LENGTH = 2048


def _require_str(text: object) -> str:
    if not isinstance(text, str):
        raise ArgumentError((), message=f"a directive is a str, not {type(text).__name__}")
    return text


def _limits(text: str) -> Diagnostic | None:
    """The checks made before any parsing, each in time linear in the input at worst."""
    if len(text) > MAX_LENGTH:
        return Diagnostic("E001", f"the directive is {len(text)} characters long; the limit is {MAX_LENGTH}", Span(MAX_LENGTH, len(text)))
    if not text:
        return Diagnostic("E003", "the directive is empty", Span(0, 0), "a directive looks like audio/convert,f_aac|sys/saveas,o_...")
    if text.count(",") > MAX_PARAMETERS:
        return Diagnostic("E002", f"the directive has {text.count(',')} parameters; the limit is {MAX_PARAMETERS}", Span(0, len(text)))
    return None


def _syntax(text: str) -> RawDirective | Diagnostic:
    problem = _limits(text)
    if problem is not None:
        return problem
    raw = scan(text)
    if raw is not None:
        return raw
    return _lark_parser.parse_raw(text)


def parse(text: str) -> Directive:
    """The syntax tree of ``text``; raises :class:`ParseError` when it breaks the grammar.

    Nothing is validated: ``parse("foo/bar,x_1")`` succeeds.
    """
    raw = _syntax(_require_str(text))
    if isinstance(raw, Diagnostic):
        raise ParseError((raw,), text)
    return to_ast(raw, len(text))


# A verdict is (canonical string or None when there is an error, diagnostics).
Verdict = tuple["str | None", tuple[Diagnostic, ...]]


def _verdict(text: str, mode: Mode | None, source: SourceAudio | None) -> Verdict:
    try:
        raw = _syntax(text)
        if isinstance(raw, Diagnostic):
            return None, (raw,)
        report = check_raw(raw, mode, source)
        diagnostics = tuple(sorted(report.diagnostics, key=lambda d: (d.span.start, d.code)))
        return (None if report.has_error else canonical_text(raw, report)), diagnostics
    except Exception as error:  # noqa: BLE001 - the gateway promise: lint never raises
        message = f"internal error ({type(error).__name__}: {error}); please report it with this directive"
        return None, (Diagnostic("E999", message[:300], Span(0, len(text))),)


_cached_verdict = lru_cache(maxsize=CACHE_SIZE)(_verdict)


def verdict(text: str, mode: ModeLike = None, source: SourceAudio | None = None) -> Verdict:
    if not isinstance(text, str):
        _require_str(text)
    if mode is not None and mode.__class__ is not Mode:
        mode = coerce_mode(mode)
    if source is not None and not isinstance(source, SourceAudio):
        raise ArgumentError((), message=f"source must be a SourceAudio or None, not {type(source).__name__}")
    if len(text) <= _CACHED_LENGTH:
        return _cached_verdict(text, mode, source)  # type: ignore[arg-type]
    return _verdict(text, mode, source)  # type: ignore[arg-type]


def lint(text: str, *, mode: ModeLike = None, source: SourceAudio | None = None) -> list[Diagnostic]:
    """Every problem in ``text``, errors and warnings, in source order. Never raises for a ``str``.

    ``mode`` is ``"async"`` (x-oss-async-process), ``"sync"`` (x-oss-process) or None when
    unknown; ``source`` describes the input audio for checks of the effective output.
    """
    return list(verdict(text, mode, source)[1])


def canonicalize(text: str, *, mode: ModeLike = None, source: SourceAudio | None = None) -> str:
    """The canonical string of ``text``. Raises :class:`ParseError` on a syntax error and
    :class:`InvalidDirectiveError` when validation finds an error (warnings pass)."""
    canonical, diagnostics = verdict(text, mode, source)
    if canonical is not None:
        return canonical
    if diagnostics and diagnostics[0].code < "E100":
        raise ParseError(diagnostics, text)
    raise InvalidDirectiveError(diagnostics, text)
