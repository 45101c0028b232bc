"""parse, check, lint and canonicalize: text in; a tree, a result, diagnostics or the
canonical string out. Each checks its arguments, then asks the pipeline."""

from __future__ import annotations

from . import _accel
from ._accel.cache import CACHE_SIZE
from ._pipeline import run, syntax
from ._syntax import to_ast
from .ast import Directive
from .diagnostics import Diagnostic, internal_error
from .errors import ArgumentError, InvalidDirectiveError, ParseError
from .source import Source
from .tables import BUILTIN, Catalogue, Mode
from .tables.catalogue import coerce_catalogue
from .validation import ModeLike, Result, coerce_mode, coerce_source, strictly_refused

__all__ = ["CACHE_SIZE", "canonicalize", "check", "lint", "parse"]


def _require_str(text: object) -> str:
    if not isinstance(text, str):
        raise ArgumentError((), message=f"a directive is a str, not {type(text).__name__}")
    return text


def parse(text: str) -> Directive:
    """The syntax tree of ``text``; raises :class:`ParseError` when it breaks the grammar.

    Nothing is validated: ``parse("foo/bar,x_1")`` succeeds.
    """
    raw = syntax(_require_str(text))
    if isinstance(raw, Diagnostic):
        raise ParseError((raw,), text)
    return to_ast(raw, len(text))


_seen = _accel.seen
_CACHED_LENGTH = _accel.CACHED_LENGTH


def verdict(text: str, mode: ModeLike = None, source: Source | None = None, catalogue: Catalogue | None = None) -> _accel.Verdict:
    """The speed layer's verdict; a directive seen before costs one dict lookup."""
    if not isinstance(text, str):
        _require_str(text)
    if mode is not None and mode.__class__ is not Mode:
        mode = coerce_mode(mode)
    if catalogue is None:
        catalogue = BUILTIN
    elif catalogue.__class__ is not Catalogue:
        catalogue = coerce_catalogue(catalogue)
    if source is not None and not isinstance(source, Source):
        coerce_source(source, catalogue)  # raises
    if len(text) > _CACHED_LENGTH:  # not cached: hashing a long text costs more than it saves
        key = None
    else:
        key = (text, mode, source, catalogue)
        found = _seen(key)
        if found is not None:
            return found  # type: ignore[return-value]
    if source is not None:
        catalogue.check_source(source)
    return _accel.decide(text, mode, source, catalogue, key)


def lint(text: str, *, mode: ModeLike = None, source: Source | None = None, catalogue: Catalogue | None = None) -> list[Diagnostic]:
    """Every problem in ``text``, errors and warnings, in source order. Never raises for a ``str``.

    ``mode`` is ``"async"`` (x-oss-async-process), ``"sync"`` (x-oss-process) or None when
    unknown; ``source`` describes the input object for checks of the effective output;
    ``catalogue`` holds the tables to check against (the built-in ones by default).
    """
    return list(verdict(text, mode, source, catalogue)[1])


def canonicalize(
    text: str, *, mode: ModeLike = None, source: Source | None = None, catalogue: Catalogue | None = None, strict: bool = False
) -> str:
    """The canonical string of ``text``. Raises :class:`ParseError` on a syntax error and
    :class:`InvalidDirectiveError` when validation finds an error (warnings pass; with
    ``strict``, not those ``tables/policy.py`` marks: an unknown key, an empty parameter)."""
    canonical, diagnostics, parsed = verdict(text, mode, source, catalogue)
    if canonical is not None and not (strict and strictly_refused(diagnostics)):
        return canonical
    raise (InvalidDirectiveError if parsed else ParseError)(diagnostics, text)


def check(
    text: str, *, mode: ModeLike = None, source: Source | None = None, catalogue: Catalogue | None = None, strict: bool = False
) -> Result:
    """Everything about ``text`` in one result: the typed tree (None on a syntax error),
    every diagnostic, and the canonical text (None when there is an error, or with
    ``strict`` a warning it refuses). Never raises for a ``str``. The reference pipeline:
    no verdict cache, plans or fast paths."""
    _require_str(text)
    tables = coerce_catalogue(catalogue)
    known = coerce_source(source, tables)
    try:
        found = run(text, coerce_mode(mode), known, tables)
    except Exception as error:  # noqa: BLE001 - as lint: never raises for a str
        return Result(None, (internal_error(error, text),), None, text)
    return Result(found.directive, found.diagnostics, found.canonical, text, strict=True) if strict else found
