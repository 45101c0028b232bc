"""The speed layer's one cache: every memo it keeps, each bounded by one policy.

Each region is a dict that forgets its oldest entry when a new one would pass its
limit (insertion order: a cheap, predictable bound; no entry is ever refreshed). Values
are immutable, or set once complete, so threads share the regions without a lock (a
race can leave a region a few entries over its limit, never growing without bound). Keys
name the catalogue wherever the answer depends on the tables, so catalogues never mix.
"""

from __future__ import annotations

from collections import OrderedDict
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

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> V:
        if len(self) >= self.limit:
            try:  # noqa: SIM105 - on every put once full: no context manager's cost
                self.popitem(last=False)
            except KeyError:  # another thread emptied it meanwhile
                pass
        self[key] = value
        return value


class Cache:
    """Every memo of the speed layer; :meth:`clear` empties them all."""

    __slots__ = ("accepts", "last_fast", "plans", "rules", "values", "verdicts")

    def __init__(self) -> None:
        #: (text, mode, source, catalogue) -> the verdict; texts up to CACHED_LENGTH only.
        self.verdicts: Bounded[object, object] = Bounded(CACHE_SIZE)
        #: (shape, mode, catalogue) -> the plan of that shape.
        self.plans: Bounded[object, object] = Bounded(512)
        #: (row, text) -> what the row's kind makes of the text.
        self.values: Bounded[object, object] = Bounded(8192)
        #: (action check, values read[, source]) -> whether its rules report nothing.
        self.rules: Bounded[object, object] = Bounded(4096)
        #: parser state stack -> the terminals it accepts (syntax errors).
        self.accepts: Bounded[object, object] = Bounded(1024)
        #: mode -> (catalogue, the fast path that served the last directive in it).
        self.last_fast: Bounded[object, object] = Bounded(16)

    def clear(self) -> None:
        for region in (self.verdicts, self.plans, self.values, self.rules, self.accepts, self.last_fast):
            region.clear()

    def sizes(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__slots__}


CACHE = Cache()
