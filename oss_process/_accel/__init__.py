"""The speed layer: the reference pipeline's verdicts, faster, and nothing else.

A verdict is what :func:`oss_process._pipeline.run` gives for a text (the diagnostics
with their spans, and the canonical text). ``oss_process._api`` asks, in order:

1. the cache of verdicts (:func:`seen`; :mod:`.cache`, one object with one bounded policy);
   then :func:`decide`, which tries
2. the fast paths that served texts of the same :func:`signature` in this mode and
   catalogue, then that of the text's own shape (:mod:`.fast`): a regular expression
   and a generated function;
3. the plan of the text's shape (:mod:`.plan`): the reference validation's structure,
   kept by shape, run on the scanner's flat tuples.

``tests/property/test_differential.py`` and ``fuzz/fuzz_lint.py`` hold each step to the
reference pipeline on generated valid and mutated input.
"""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from .._grammar import terminal_patterns
from .._pipeline import LIMIT_CODES, bounded, explained, recovered, syntax
from .._syntax import RawDirective, scan
from ..ast import Span
from ..diagnostics import Diagnostic, internal_error
from ..source import Source
from ..tables import MAX_DIAGNOSTICS, MAX_LENGTH, Catalogue, Mode
from ..validation import diagnostic_order
from .cache import CACHE, CACHE_SIZE
from .plan import Plan, compile_plan, render_program, run_plan

if TYPE_CHECKING:
    from .._recover import Recovered
    from .fast import FastPath, Warned

__all__ = ["CACHED_LENGTH", "CACHE_SIZE", "FAST_PATH_AFTER", "RECENT_PER_SIGNATURE", "SIGNATURES", "Verdict", "decide", "seen"]

#: Only inputs of at most this many characters are cached: the cache's memory stays bounded
#: however long the inputs (README, Reliability).
CACHED_LENGTH = 2048

#: A shape's first directives take the plan's full path this many times; the next makes
#: its fast path (which costs far more than a full run: a shape earns one by recurring).
FAST_PATH_AFTER = 16


class Verdict(NamedTuple):
    canonical: str | None  # None when there is an error
    diagnostics: tuple[Diagnostic, ...]
    parsed: bool  # False: a syntax (or size) error


_CLEAN: tuple[Diagnostic, ...] = ()
# A Verdict without NamedTuple's __new__ in Python: the fast path makes one per directive.
_clean_verdict = partial(tuple.__new__, Verdict)
_span = partial(tuple.__new__, Span)  # a Span of two ints, without its checks

# A directive's shape is its text with every value cut out after its key's "_"; the
# grammar lets any VALUE stand in any value slot, so texts of one shape share their
# syntax verdict and their plan.
_VALUE_SLOT = re.compile("_(" + terminal_patterns()["VALUE"] + ")")


def shape_of(text: str) -> str | None:
    """The shape of ``text``, or None when its values and slots cannot line up."""
    pieces = _VALUE_SLOT.split(text)
    shape = "_".join(pieces[::2])
    if len(pieces) // 2 != shape.count("_"):  # an empty value, or "_" outside a value slot
        return None
    return shape


_recent = CACHE.recent

#: At most this many fast paths are kept, and tried, for one signature of a text.
RECENT_PER_SIGNATURE = 8
#: At most this many signatures are kept per mode; past it, they start again.
SIGNATURES = 256


def signature(text: str) -> int:
    """What texts of one shape have in common and cost next to nothing to find: the
    counts of ',' and '/' (no value holds either). Only a hint: a fast path still matches."""
    return text.count(",") | text.count("/") << 16


class _Miss(NamedTuple):
    """What a fast attempt that failed found on the way, for the full path."""

    shape: str | None
    plan: Plan | None


class _Recent:
    """The fast paths that served the texts of one mode and catalogue: the last one, and
    by signature, the newest first (at most RECENT_PER_SIGNATURE each)."""

    __slots__ = ("by_signature", "catalogue", "last")

    def __init__(self, catalogue: Catalogue, fast: FastPath) -> None:
        self.catalogue = catalogue
        self.last = fast
        self.by_signature: dict[int, list[FastPath]] = {}


def _try_fast(text: str, mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Verdict | _Miss | None:
    """The verdict from the fast path of the text's shape, when nothing at all would be
    reported; else None, or what it found of the shape and plan. The fast path used last
    (per mode and catalogue) is tried first, then those that served texts of the same
    signature, the newest first: a directive shaped like one before needs no shape of its own."""
    if len(text) > MAX_LENGTH:
        return None
    recent: _Recent | None = _recent.get(mode)  # type: ignore[assignment]
    if recent is not None and recent.catalogue is not catalogue:
        recent = None
    found = None
    if recent is not None:
        fast = recent.last
        found = fast.match(text)
        if found is None:
            for fast in recent.by_signature.get(signature(text), ()):
                found = fast.match(text)
                if found is not None:
                    recent.last = fast
                    break
    if found is None:
        shape = shape_of(text)
        plan: Plan | None = CACHE.plans.get((shape, mode, catalogue)) if shape is not None else None  # type: ignore[assignment]
        if plan is None or plan.fast_path is None:
            return _Miss(shape, plan)
        fast = plan.fast_path  # type: ignore[assignment]
        found = fast.match(text)
        if found is None:
            return _Miss(shape, plan)
        _remember(text, mode, catalogue, recent, fast)
    canonical = fast.run(found.groups(), source)
    if canonical is None or canonical.__class__ is str:
        return None if canonical is None else _clean_verdict((canonical, _CLEAN, True))
    return _warned(found, fast, canonical)  # type: ignore[arg-type]


def _remember(text: str, mode: Mode | None, catalogue: Catalogue, recent: _Recent | None, fast: FastPath) -> None:
    """Keep ``fast`` as the last used, and first among those of the text's signature."""
    if recent is None:
        recent = _Recent(catalogue, fast)
        _recent.put(mode, recent)
    recent.last = fast
    kept = recent.by_signature
    key = signature(text)
    tried = kept.get(key)
    if tried is None:
        if len(kept) >= SIGNATURES:
            kept.clear()
        kept[key] = [fast]
    else:
        tried.insert(0, fast)
        del tried[RECENT_PER_SIGNATURE:]


def _warned(match: re.Match[str], fast: FastPath, found: Warned) -> Verdict | None:
    """The verdict of a fast path with warnings to report: the shape's own, the values'
    (each at its value, the regex group of its parameter) and the rules', each at the
    place its anchors give in this text; in source order, bounded as the full path's.
    None when a rule found an error: the full path reports it."""
    canonical, warned, emitted = found
    regs = match.regs  # per group, its (start, end); an anchor's group 0 is the text's start
    diagnostics = []
    for code, message, hint, (g, d), (h, e) in fast.findings:
        diagnostics.append(Diagnostic(code, message, _span(((regs[g][1] if g else 0) + d, (regs[h][1] if h else 0) + e)), hint))
    if warned:
        keys = fast.keys
        for index, problems in warned:
            span = _span(regs[index + 1])
            for p in problems:
                diagnostics.append(Diagnostic(p.code, f"{keys[index]}: {p.message}", span, p.hint))
    for index, reported in emitted or ():
        places = fast.rule_places[index]
        for code, message, key, hint in reported:
            if code[0] == "E":
                return None
            (g, d), (h, e) = places[key]
            diagnostics.append(Diagnostic(code, message, _span(((regs[g][1] if g else 0) + d, (regs[h][1] if h else 0) + e)), hint))
    if len(diagnostics) > 1:
        diagnostics.sort(key=diagnostic_order)
    # Warnings only (an error leaves the fast path): no cause to name, only the bound.
    return _clean_verdict((canonical, tuple(diagnostics) if len(diagnostics) <= MAX_DIAGNOSTICS else bounded(diagnostics), True))


def _fast(text: str, mode: Mode | None, source: Source | None, catalogue: Catalogue) -> Verdict | None:
    """The verdict from the fast path, when nothing at all would be reported; else None."""
    found = _try_fast(text, mode, source, catalogue)
    return found if found.__class__ is Verdict else None


def _full(text: str, mode: Mode | None, source: Source | None, catalogue: Catalogue, miss: _Miss | None = None) -> Verdict:
    """Every diagnostic, with spans, through the plan of the text's shape (made and kept
    when the shape may be shared); ``miss``: the shape and plan a fast attempt found."""
    raw = syntax(text)
    if isinstance(raw, Diagnostic):  # every syntax problem; what recovery left goes through its plan
        if raw.code in LIMIT_CODES:  # nothing was read: nothing to recover or explain
            return Verdict(None, (raw,), False)
        problems = recovered(text, raw, mode, source, catalogue, _planned)
        return Verdict(None, explained(text, problems, mode, source, catalogue), False)
    if miss is not None:
        shape, plan = miss
    else:
        shape = shape_of(text)
        plan = CACHE.plans.get((shape, mode, catalogue)) if shape is not None else None  # type: ignore[assignment]
    plan = _plan(raw, shape, mode, catalogue, plan)
    if plan.fast and plan.fast_path is None and shape is not None:
        _recurred(plan, shape, text)
    outcome = run_plan(raw, plan, source)
    failed = any(d.is_error for d in outcome.diagnostics)
    found = explained(text, outcome.diagnostics, mode, source, catalogue) if outcome.diagnostics else _CLEAN
    return Verdict(None if failed else render_program(plan.program, outcome.canonicals), found, True)


def _recurred(plan: Plan, shape: str, text: str) -> None:
    """Count one more full run of a shape that may have a fast path; past FAST_PATH_AFTER, make it."""
    plan.full_runs += 1
    if plan.full_runs > FAST_PATH_AFTER:
        from .fast import compile_fast  # a shape that recurs: most one-shot runs never need it

        raw = scan(text)  # the text's own offsets: the fast path's anchors count in it
        assert raw is not None
        plan.fast_path = compile_fast(plan, shape, raw)
        plan.fast = plan.fast_path is not None  # a bare value with warnings: the full path, always


def _planned(found: Recovered, length: int, mode: Mode | None, source: Source | None, catalogue: Catalogue) -> list[Diagnostic]:
    """What recovery left, checked through the plan of its shape (``_pipeline.recovered``):
    nothing, when a fast path finds it clean (without the raw form); else the plan's
    findings (a shape that recurs here gets its fast path as on the full path)."""
    attempt = _try_fast(found.left, mode, source, catalogue)
    if isinstance(attempt, Verdict) and not attempt.diagnostics:
        return []
    kept: Plan | None
    if isinstance(attempt, _Miss):
        shape, kept = attempt
    else:  # warnings (placed in what was left, not in the text) or None: the plan says
        shape = shape_of(found.left)
        kept = CACHE.plans.get((shape, mode, catalogue)) if shape is not None else None  # type: ignore[assignment]
    raw = found.raw
    assert raw is not None
    plan = _plan(raw, shape, mode, catalogue, kept)
    if plan.fast and plan.fast_path is None and shape is not None:
        _recurred(plan, shape, found.left)
    return run_plan(raw, plan, source).diagnostics


def _plan(raw: RawDirective, shape: str | None, mode: Mode | None, catalogue: Catalogue, plan: Plan | None) -> Plan:
    """``plan`` (the one kept for the shape, if any), or a new one, kept when it may be shared."""
    if plan is None:
        plan = compile_plan(raw, mode, catalogue)
        if shape is not None and plan.shared:
            CACHE.plans.put((shape, mode, catalogue), plan)
    return plan


_verdicts = CACHE.verdicts
_drop_oldest = _verdicts.popitem
#: The verdict cached for (text, mode, source, catalogue), or None.
seen = _verdicts.get


def decide(text: str, mode: Mode | None, source: Source | None, catalogue: Catalogue, key: object = None) -> Verdict:
    """The verdict on a text not in the cache (``seen``), remembered under ``key`` (the
    arguments as a tuple, if the caller has it); the arguments are already checked."""
    try:
        found = _try_fast(text, mode, source, catalogue)
        if found.__class__ is not Verdict:
            found = _full(text, mode, source, catalogue, found)  # type: ignore[arg-type]
    except Exception as error:  # noqa: BLE001 - the gateway promise: lint never raises
        found = Verdict(None, (internal_error(error, text),), True)
    if len(text) <= CACHED_LENGTH:
        # Bounded.put, inlined: the one policy, without a method call on the hot path.
        if len(_verdicts) >= CACHE_SIZE:
            try:  # noqa: SIM105 - on every new text once full: no context manager's cost
                _drop_oldest(False)
            except KeyError:  # another thread emptied it meanwhile
                pass
        _verdicts[key or (text, mode, source, catalogue)] = found
    return found
