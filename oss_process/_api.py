"""parse, lint and canonicalize: text in, tree, diagnostics or canonical string out."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ._grammar import terminal_patterns
from ._syntax import RawDirective, in_alphabet, scan, to_ast
from .ast import Directive, Span
from .diagnostics import Diagnostic
from .errors import ArgumentError, InvalidDirectiveError, ParseError
from .source import Source
from .tables import BUILTIN, MAX_LENGTH, MAX_PARAMETERS, Mode
from .validation import FastPath, ModeLike, Plan, coerce_mode, compile_fast, compile_plan, render_program, run_plan

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
    # A character no terminal allows (a space, '+', '%') fails the scanner only after it
    # has backtracked through everything before it: go to Lark at once.
    raw = scan(text) if in_alphabet()(text) else None
    if raw is not None:
        return raw
    from ._lark_parser import parse_raw  # only for text the scanner refuses: Lark says why

    return parse_raw(text)


def parse(text: str) -> Directive:
    """The syntax tree of ``text``; raises :class:`ParseError` when it breaks the grammar.

    Nothing is validated: ``parse("foo/bar,x_1")`` succeeds.
    """
    raw = _syntax(_require_str(text))
    if isinstance(raw, Diagnostic):
        raise ParseError((raw,), text)
    return to_ast(raw, len(text))


class Verdict(NamedTuple):
    canonical: str | None  # None when there is an error
    diagnostics: tuple[Diagnostic, ...]
    parsed: bool  # False: a syntax (or size) error


_CLEAN: tuple[Diagnostic, ...] = ()

# The fast path. A directive's shape is its text with every value cut out after its key's
# "_"; the grammar lets any VALUE stand in any value slot, so texts of one shape share
# their syntax verdict and their plan. Plans are cached by shape (and mode), cleared
# when full.
_VALUE_SLOT = re.compile("_(" + terminal_patterns()["VALUE"] + ")")
_PLANS: dict[Mode | None, dict[str, Plan]] = {None: {}, Mode.SYNC: {}, Mode.ASYNC: {}}
_PLANS_LIMIT = 512
#: A shape's first directives take the full path this many times; the next makes its fast path.
FAST_PATH_AFTER = 16
# Per mode, the fast path of the plan that last served a directive.
_LAST_FAST: dict[Mode | None, FastPath | None] = dict.fromkeys(_PLANS)


def _shape(text: str) -> tuple[str, list[str]] | None:
    """The shape of ``text`` and its value texts, or None when they cannot line up."""
    pieces = _VALUE_SLOT.split(text)
    texts = pieces[1::2]
    shape = "_".join(pieces[::2])
    if len(texts) != shape.count("_"):  # an empty value, or "_" outside a value slot
        return None
    return shape, texts


def _plan_of(text: str, mode: Mode | None) -> tuple[tuple[str, list[str]] | None, Plan | None]:
    """The text's shape (with its value texts) and the cached plan of that shape."""
    shaped = _shape(text) if len(text) <= MAX_LENGTH else None
    return shaped, (_PLANS[mode].get(shaped[0]) if shaped is not None else None)


def _fast(text: str, mode: Mode | None, source: Source | None) -> Verdict | None:
    """The verdict from the cached plan of the text's shape, when nothing at all would be
    reported; else None.

    The plan last used in this mode is tried first: its fast path matches the whole
    text at once, and a directive shaped like the one before needs no shape of its own.
    """
    if len(text) > MAX_LENGTH:
        return None
    fast = _LAST_FAST[mode]
    found = fast.match(text) if fast is not None else None
    if found is None:
        _, plan = _plan_of(text, mode)
        if plan is None or plan.fast_path is None:
            return None
        fast = plan.fast_path
        found = fast.match(text)
        if found is None:
            return None
        _LAST_FAST[mode] = fast
    canonical = fast.run(found.groups(), source)  # type: ignore[union-attr]
    return None if canonical is None else Verdict(canonical, _CLEAN, True)


def _full(text: str, mode: Mode | None, source: Source | None) -> Verdict:
    """Every diagnostic, with spans. Reuses (or caches) the plan of the text's shape."""
    raw = _syntax(text)
    if isinstance(raw, Diagnostic):
        return Verdict(None, (raw,), False)
    shaped, plan = _plan_of(text, mode)
    if plan is None:
        plan = compile_plan(raw, mode)
        if shaped is not None and plan.shape_only:
            plans = _PLANS[mode]
            if len(plans) >= _PLANS_LIMIT:
                plans.clear()
            plans[shaped[0]] = plan
    if plan.fast and plan.fast_path is None and shaped is not None:
        # Making a fast path costs some 30 full runs: a shape earns one by recurring, so
        # a stream of ever new shapes costs about what the full path costs.
        plan.full_runs += 1
        if plan.full_runs > FAST_PATH_AFTER:
            plan.fast_path = compile_fast(plan, shaped[0])
    outcome = run_plan(raw, plan, source)
    failed = any(d.is_error for d in outcome.diagnostics)
    return Verdict(None if failed else render_program(plan.program, outcome.canonicals), tuple(outcome.diagnostics), True)


def _verdict(text: str, mode: Mode | None, source: Source | None) -> Verdict:
    try:
        return _fast(text, mode, source) or _full(text, mode, source)
    except Exception as error:  # noqa: BLE001 - the gateway promise: lint never raises
        message = f"internal error ({type(error).__name__}: {error}); please report it with this directive"
        return Verdict(None, (Diagnostic("E999", message[:300], Span(0, len(text))),), True)


_cached_verdict = lru_cache(maxsize=CACHE_SIZE)(_verdict)


def verdict(text: str, mode: ModeLike = None, source: Source | None = None) -> Verdict:
    if not isinstance(text, str):
        _require_str(text)
    if mode is not None and mode.__class__ is not Mode:
        mode = coerce_mode(mode)
    if source is not None:
        if not isinstance(source, Source):
            raise ArgumentError((), message=f"source must be a Source (or SourceAudio) or None, not {type(source).__name__}")
        BUILTIN.check_source(source)
    if len(text) <= _CACHED_LENGTH:
        return _cached_verdict(text, mode, source)
    return _verdict(text, mode, source)


def lint(text: str, *, mode: ModeLike = None, source: Source | None = None) -> list[Diagnostic]:
    """Every problem in ``text``, errors and warnings, in source order. Never raises for a ``str``.

    ``mode`` is ``"async"`` (x-oss-async-process), ``"sync"`` (x-oss-process) or None when
    unknown; ``source`` describes the input audio for checks of the effective output.
    """
    return list(verdict(text, mode, source)[1])


def canonicalize(text: str, *, mode: ModeLike = None, source: Source | None = None) -> str:
    """The canonical string of ``text``. Raises :class:`ParseError` on a syntax error and
    :class:`InvalidDirectiveError` when validation finds an error (warnings pass)."""
    canonical, diagnostics, parsed = verdict(text, mode, source)
    if canonical is not None:
        return canonical
    raise (InvalidDirectiveError if parsed else ParseError)(diagnostics, text)
