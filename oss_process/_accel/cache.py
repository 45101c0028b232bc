"""The speed layer's one cache: every memo it keeps, each bounded by one policy.

Each region is a dict that forgets its oldest entry when a new one would pass its
limit (insertion order: a cheap, predictable bound; no entry is ever refreshed). Values
are immutable, or set once complete, so threads share the regions without a lock (a
race can leave a region a few entries over its limit, never growing without bound). Keys
name the catalogue wherever the answer depends on the tables, so catalogues never mix.

Outside it, two memos of one entry each, by their arguments, for recovery asking again
about the text a syntax check just read: ``Automaton.last`` (where the automaton stops)
and ``_lark_parser._last_diagnosis`` (the diagnostic there).
"""

from __future__ import annotations

import linecache
import sys
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["CACHE", "CACHE_SIZE", "Bounded", "Cache"]

K = TypeVar("K")
V = TypeVar("V")

#: Entries in the cache of verdicts that ``lint`` and ``canonicalize`` share.
CACHE_SIZE = 4096


class Bounded(OrderedDict[K, V], Generic[K, V]):
    """A dict of at most ``limit`` entries; ``put`` drops the oldest when it is full.

    An ``OrderedDict``: dropping its first entry costs the same however many went before
    (a plain dict's first entry is found past the holes its deleted ones leave).
    """

    __slots__ = ("forget", "limit")

    def __init__(self, limit: int, forget: Callable[[K, V], object] | None = None) -> None:
        super().__init__()
        self.limit = limit
        #: Called with each entry dropped to make room, to release what it holds elsewhere.
        self.forget = forget

    def put(self, key: K, value: V) -> V:
        if len(self) >= self.limit:
            try:
                dropped = self.popitem(last=False)
            except KeyError:  # another thread emptied it meanwhile
                pass
            else:
                if self.forget is not None:
                    self.forget(*dropped)
        self[key] = value
        return value


class Cache:
    """Every memo of the speed layer; :meth:`clear` empties them all."""

    __slots__ = ("accepts", "builders", "plans", "recent", "rules", "sources", "values", "verdicts")

    def __init__(self) -> None:
        #: (text, mode, source, catalogue) -> the verdict; texts up to CACHED_LENGTH only.
        self.verdicts: Bounded[object, object] = Bounded(CACHE_SIZE)
        #: (shape, mode, catalogue) -> the plan of that shape.
        self.plans: Bounded[object, object] = Bounded(512)
        #: (row, text) -> what the row's kind makes of the text.
        self.values: Bounded[object, object] = Bounded(8192)
        #: (action check, values read[, source]) -> whether its rules report nothing.
        self.rules: Bounded[object, object] = Bounded(4096)
        #: parser state stack -> the terminals it accepts, and those terminals in words (syntax errors).
        self.accepts: Bounded[object, object] = Bounded(1024)
        #: mode -> the fast paths that served its texts (``_accel._Recent``): the last, and by
        #: signature of a text, at most RECENT_PER_SIGNATURE each for at most SIGNATURES.
        self.recent: Bounded[object, object] = Bounded(16)
        #: file name -> None: the generated sources linecache shows (more than plans hold).
        self.sources: Bounded[str, None] = Bounded(1024, _forget_source)
        #: catalogue -> the builder's classes generated for it (a module in sys.modules).
        self.builders: Bounded[object, object] = Bounded(64, _forget_module)

    def clear(self) -> None:
        """Empty every region but the generated sources and builders, which objects in use
        still refer to (they are bounded all the same)."""
        for region in (self.verdicts, self.plans, self.values, self.rules, self.accepts, self.recent):
            region.clear()

    def sizes(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__slots__}


def _forget_source(filename: str, _: None) -> None:
    linecache.cache.pop(filename, None)


def _forget_module(_: object, classes: object) -> None:
    name = getattr(classes, "module_name", None)
    if isinstance(name, str):
        module = sys.modules.pop(name, None)
        linecache.cache.pop(getattr(module, "__file__", None) or "", None)


CACHE = Cache()
