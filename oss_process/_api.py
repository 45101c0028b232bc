"""parse, check, lint and canonicalize: text in; a tree, a result, diagnostics or the
canonical string out. Each checks its arguments, then asks the pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from . import _styled
    from .styles import Styles

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
        source = catalogue.check_source(source)
    return _accel.decide(text, mode, source, catalogue, key)


def lint(
    text: str, *, mode: ModeLike = None, source: Source | None = None, catalogue: Catalogue | None = None, styles: Styles | None = None
) -> list[Diagnostic]:
    """Every problem in ``text``, errors and warnings, in source order. Never raises for a ``str``.

    ``mode`` is ``"async"`` (x-oss-async-process), ``"sync"`` (x-oss-process) or None when
    unknown; ``source`` describes the input object for checks of the effective output;
    ``catalogue`` holds the tables to check against (the built-in ones by default);
    ``styles``, the bucket's styles: each ``style/<name>`` is then checked as the
    directive it stands for (without them a style is not checked).
    """
    if styles is None:
        return list(verdict(text, mode, source, catalogue)[1])
    return list(_resolved(text, mode, source, catalogue, styles, reference=False).diagnostics)


def canonicalize(
    text: str,
    *,
    mode: ModeLike = None,
    source: Source | None = None,
    catalogue: Catalogue | None = None,
    strict: bool = False,
    styles: Styles | None = None,
    expand_styles: bool = False,
) -> str:
    """The canonical string of ``text``. Raises :class:`ParseError` on a syntax error and
    :class:`InvalidDirectiveError` when validation finds an error (warnings pass; with
    ``strict``, not those ``tables/policy.py`` marks: an unknown key, an empty parameter).

    With ``styles``, errors inside the styles refuse the directive too; the canonical
    string keeps each ``style/<name>``, or with ``expand_styles`` is the canonical form
    of the directive with every style's content written out in its place."""
    if styles is None:
        if expand_styles:
            raise ArgumentError((), message="canonicalize: expand_styles=True needs the bucket's styles (styles=)")
        canonical, diagnostics, parsed = verdict(text, mode, source, catalogue)
    else:
        found = _resolved(text, mode, source, catalogue, styles, reference=False)
        canonical = found.expanded if expand_styles else found.canonical
        diagnostics, parsed = found.diagnostics, found.parsed
    if canonical is not None and not (strict and strictly_refused(diagnostics)):
        return canonical
    raise (InvalidDirectiveError if parsed else ParseError)(diagnostics, text)


def check(
    text: str,
    *,
    mode: ModeLike = None,
    source: Source | None = None,
    catalogue: Catalogue | None = None,
    strict: bool = False,
    styles: Styles | None = None,
) -> Result:
    """Everything about ``text`` in one result: the typed tree (None on a syntax error),
    every diagnostic, and the canonical text (None when there is an error, or with
    ``strict`` a warning it refuses). Never raises for a ``str``. The reference pipeline:
    no verdict cache, plans or fast paths. ``styles``: as for :func:`lint`; the tree
    and the canonical text keep each ``style/<name>``."""
    _require_str(text)
    tables = coerce_catalogue(catalogue)
    known = coerce_source(source, tables)
    checked_styles = _coerce_styles(styles)
    try:
        found = run(text, coerce_mode(mode), known, tables)
        if checked_styles is not None:
            resolved = _resolved(text, mode, known, tables, checked_styles, reference=True)
            found = Result(found.directive, resolved.diagnostics, resolved.canonical, text)
    except Exception as error:  # noqa: BLE001 - as lint: never raises for a str
        return Result(None, (internal_error(error, text),), None, text)
    return Result(found.directive, found.diagnostics, found.canonical, text, strict=True) if strict else found


def _coerce_styles(styles: object) -> Styles | None:
    if styles is None:
        return None
    from .styles import Styles  # only when styles are given

    if isinstance(styles, Styles):
        return styles
    raise ArgumentError((), message=f"styles must be a Styles (oss_process.Styles.load(path)) or None, not {type(styles).__name__}")


def _resolved(
    text: str, mode: ModeLike, source: Source | None, catalogue: Catalogue | None, styles: object, *, reference: bool
) -> _styled.Resolution:
    """``text`` with ``styles`` resolved, after the arguments are checked as without them."""
    from . import _styled  # only when styles are given

    _require_str(text)
    checked = _coerce_styles(styles)
    assert checked is not None
    tables = coerce_catalogue(catalogue)
    known = coerce_source(source, tables)
    checked_mode = coerce_mode(mode)
    judge = (_styled.reference_judge if reference else _styled.fast_judge)(checked_mode, known, tables)
    try:
        return _styled.resolve(text, checked, judge, _styled.unbounded_of(checked_mode, known, tables))
    except Exception as error:  # noqa: BLE001 - as lint: never raises for a str
        return _styled.Resolution((internal_error(error, text),), None, None, False)
