"""'Did you mean' for near misses: same word in another case first, then a close spelling."""

from __future__ import annotations

from collections.abc import Iterable


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    options = list(candidates)
    lowered = word.lower()
    for option in options:
        if option.lower() == lowered:
            return option
    import difflib  # only on this error path: it costs a few milliseconds to import

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint sentence, or None when nothing is close."""
    match = suggest(word, candidates)
    if match is None:
        return None
    if match.lower() == word.lower():
        return f"did you mean {match!r}? names are case-sensitive"
    return f"did you mean {match!r}?"
