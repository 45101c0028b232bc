"""Immutable plain classes: the tables, catalogues, sources and results are values."""

from __future__ import annotations

__all__ = ["Frozen"]


class Frozen:
    """Refuses attribute assignment and deletion; ``__init__`` sets through ``object``."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")
