"""Naming the cause behind a chain of symptoms: standard Base64 where URL-safe is required.

``o_ZGVzdD8/LmFhYw==`` (``base64.b64encode`` of ``dest?/.aac``) reads as the value
``ZGVzdD8``, then an action ``LmFhYw`` and a stray ``=``; a ``+`` is no character of the
language at all. When a directive has errors, each Base64 value (a key whose row is a
:class:`~oss_process.kinds.Base64Name`) is read on across ``/`` and ``+``: if a stretch of it
decodes as standard Base64 to UTF-8, and writing that stretch URL-safe (``-`` for ``+``,
``_`` for ``/``, the same length) leaves fewer errors, the symptoms give way to one E311
naming the value, whose hint is the URL-safe spelling. The rewrite is the fix ``lint
--fix`` applies when it is unambiguous: one stretch of each value passes.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

from .ast import Span
from .diagnostics import Diagnostic
from .kinds import Base64Name
from .tables import Catalogue

__all__ = ["Rewrite", "rewrites", "url_safe_text", "with_causes"]

#: Values looked at per directive, and re-checks of the whole text (one per stretch that
#: decodes) per directive: hostile input stays cheap.
MAX_CANDIDATES = 8
MAX_TRIALS = 4

_STANDARD_TO_SAFE = str.maketrans("+/", "-_")
_RUN = re.compile(r"[A-Za-z0-9+/_=-]*")
_SLASH = re.compile("/")
# What standard Base64 can cause in text that parses: a '/' makes the rest of the value an
# action ("unknown action", "only saveas and notify may follow", "out of place"); '+' and
# padding before a '/' are syntax errors (E0xx).
_SYMPTOMS = frozenset({"E101", "E104", "E107", "E108", "E109"})


@lru_cache(maxsize=16)
def _keys(catalogue: Catalogue) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where a Base64 value starts: one of the catalogue's Base64 keys at the start, and
    after a separator (a pattern that opens with a character class: the engine skips
    straight to the separators, where a lookbehind would be tried at every character)."""
    keys = sorted(
        {row.key for _, _, info in catalogue.tabled() if info.spec for row in info.spec.parameters if isinstance(row.kind, Base64Name)}
    )
    if not keys:
        return re.compile(r"(?!)"), re.compile(r"(?!)")
    # The run of Base64 characters after the key (group 2) is looked at, not consumed: a
    # key after a '/' inside it starts a value too.
    alternatives = "|".join(map(re.escape, keys))
    return re.compile(f"({alternatives})_(?=({_RUN.pattern}))"), re.compile(f"[,/|]({alternatives})_(?=({_RUN.pattern}))")


def _value_starts(text: str, catalogue: Catalogue) -> list[re.Match[str]]:
    """Each place a Base64 value starts, in order: ``end()`` is the value's start, group 2
    the run of Base64 characters from there."""
    first, rest = _keys(catalogue)
    found = first.match(text)
    after = list(rest.finditer(text))
    return [found, *after] if found is not None else after


def _has_value(text: str, catalogue: Catalogue) -> bool:
    first, rest = _keys(catalogue)
    return first.match(text) is not None or rest.search(text) is not None


class Rewrite(NamedTuple):
    key: str
    span: Span  # the standard-Base64 value as written
    safe: str  # the same value, URL-safe (same length: '=' kept)
    unambiguous: bool  # no other stretch of the value would do


def _decodes(value: str) -> bool:
    """Standard Base64 (with '+' or '/') of UTF-8, with correct padding if any."""
    if not ("+" in value or "/" in value) or "-" in value or "_" in value:
        return False
    if value.endswith("/"):  # as likely a trailing '/' (an empty action, E011): not said to be Base64
        return False
    bare = value.rstrip("=")
    padding = len(value) - len(bare)
    if "=" in bare or len(bare) % 4 == 1 or (padding and (len(bare) + padding) % 4):
        return False
    try:
        decoded = base64.b64decode(bare + "=" * (-len(bare) % 4), validate=True)
        decoded.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    # As an encoder writes it (no unused bits set): "YQ/" is no Base64 of anything.
    return base64.b64encode(decoded).decode().rstrip("=") == bare


def _better(trial: tuple[int, int], baseline: tuple[int, int]) -> bool:
    """(errors, syntax errors): fewer errors, or as many with fewer of them syntax errors
    (``b_YWI+Yw``: the '+' goes, and the name it decodes to is judged instead)."""
    return trial[0] < baseline[0] or (trial[0] == baseline[0] and trial[1] < baseline[1])


def error_count(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    """(errors, syntax errors) of a list of diagnostics."""
    errors = [d for d in diagnostics if d.is_error]
    return len(errors), sum(d.code.startswith("E0") for d in errors)


def _stretches(text: str, catalogue: Catalogue) -> Iterator[tuple[str, int, Iterator[int]]]:
    """Each of the first ``MAX_CANDIDATES`` Base64 values: its key, its start, and the end
    of each stretch of it that decodes as standard Base64, the longest first."""
    for match in _value_starts(text, catalogue)[:MAX_CANDIDATES]:
        run = match.group(2)
        if "+" not in run and "/" not in run:
            continue  # every stretch is a part of the run: none is standard Base64
        start = match.end()
        end = start + len(run)
        # Stretches ending before each '/' of the run, or at its end; the longest first. A
        # stretch just before a last '/' is left alone: that '/' may end the value (a
        # standard-Base64 name may end in '/') or be a trailing '/' (E011): no one reading.
        ends = sorted({end, *(m.start() for m in _SLASH.finditer(text, start + 1, end))}, reverse=True)
        yield (
            match.group(1),
            start,
            (stop for stop in ends if not (text[stop : stop + 1] == "/" and stop + 1 >= end) and _decodes(text[start:stop])),
        )


def _may_rewrite(text: str, catalogue: Catalogue) -> bool:
    """Whether some value has a stretch that decodes: else no rewrite is tried, and no
    error count is needed."""
    return any(next(stops, None) is not None for _, _, stops in _stretches(text, catalogue))


def rewrites(
    text: str, catalogue: Catalogue, errors: Callable[[str], tuple[int, int]], baseline: tuple[int, int] | None = None
) -> list[Rewrite]:
    """The values of ``text`` that are standard Base64, each with its URL-safe spelling;
    ``errors(text)``: the (errors, syntax errors) of a text (``baseline``: of ``text``, if
    known). Only a stretch that decodes costs a check of the whole text."""
    found: list[Rewrite] = []
    current = text
    trials = 0
    for key, start, stops in _stretches(text, catalogue):
        passing: list[tuple[tuple[int, int], int, str]] = []
        for stop in stops:
            if trials >= MAX_TRIALS:
                break
            trials += 1
            if baseline is None:
                baseline = errors(text)
            value = text[start:stop]
            trial = current[:start] + value.translate(_STANDARD_TO_SAFE) + current[stop:]
            count = errors(trial)
            if _better(count, baseline):
                passing.append((count, stop, trial))
        if passing:
            best = min(passing, key=lambda p: (p[0], -p[1]))  # fewest errors; of those, the longest
            count, stop, current = best
            alone = sum(p[0] == count for p in passing) == 1  # no other stretch does as well
            baseline = count
            found.append(Rewrite(key, Span(start, stop), text[start:stop].translate(_STANDARD_TO_SAFE), alone))
    return found


def with_causes(
    text: str, diagnostics: Sequence[Diagnostic], catalogue: Catalogue, rerun: Callable[[str], Sequence[Diagnostic]]
) -> Sequence[Diagnostic]:
    """``diagnostics`` of ``text``, or, when standard Base64 explains some of them, those of
    the URL-safe text with one E311 per value instead (``rerun``: the diagnostics of a text)."""
    if not any(d.code in _SYMPTOMS or d.code.startswith("E0") for d in diagnostics) or not _may_rewrite(text, catalogue):
        return diagnostics
    found = rewrites(text, catalogue, lambda t: error_count(rerun(t)), error_count(diagnostics))
    if not found:
        return diagnostics
    safe = text
    for rewrite in found:
        safe = safe[: rewrite.span.start] + rewrite.safe + safe[rewrite.span.end :]
    spans = {r.span for r in found}
    # One finding per value: its padding (W302) is part of it, and what the decoded name
    # would still be refused for (a topic from standard Base64 is never a valid one) is said in it.
    checked = rerun(safe)
    kept = [d for d in checked if d.span not in spans or not (d.code == "W302" or d.is_error)]
    for rewrite in found:
        written = text[rewrite.span.start : rewrite.span.end]
        why = []
        if "/" in written:
            why.append("a '/' ends the value, and what follows reads as another action")
        if "+" in written:
            why.append("'+' is no URL-safe Base64 character (in a query it arrives as a space)")
        still = next((d for d in checked if d.span == rewrite.span and d.is_error), None)
        if still is None:
            hint = f"use URL-safe Base64 ('-' for '+', '_' for '/', no '=' padding): {rewrite.key}_{rewrite.safe.rstrip('=')}"
        else:
            why.append(f"written URL-safe it is still refused ({still.code}: {still.message.split(': ', 1)[-1]})")
            hint = "encode the intended name with URL-safe Base64 ('-' for '+', '_' for '/', no '=' padding)"
        kept.append(Diagnostic("E311", f"{rewrite.key}: {written!r} is standard Base64: {'; '.join(why)}", rewrite.span, hint))
    from .validation import diagnostic_order

    kept.sort(key=diagnostic_order)
    return kept


def url_safe_text(text: str, mode: object = None, catalogue: Catalogue | None = None) -> str | None:
    """``text`` with each standard-Base64 value written URL-safe, when that is unambiguous
    (what ``lint --fix`` applies); None when there is nothing, or no one way, to rewrite."""
    from ._pipeline import diagnostics_of
    from .tables.catalogue import coerce_catalogue
    from .validation import coerce_mode

    tables, known_mode = coerce_catalogue(catalogue), coerce_mode(mode)  # type: ignore[arg-type]

    def errors(t: str) -> tuple[int, int]:
        return error_count(diagnostics_of(t, known_mode, None, tables))

    if not _has_value(text, tables):
        return None
    baseline = errors(text)
    if not baseline[0]:
        return None
    found = rewrites(text, tables, errors, baseline)
    if not found or not all(r.unambiguous for r in found):
        return None
    for rewrite in found:
        text = text[: rewrite.span.start] + rewrite.safe + text[rewrite.span.end :]
    spans = {r.span for r in found}
    if any(d.is_error and d.span in spans for d in diagnostics_of(text, known_mode, None, tables)):
        return None  # the decoded name is refused too: no rewrite gives what was meant
    return text
