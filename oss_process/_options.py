"""A light stand-in for ``dataclass(frozen=True, kw_only=True)``, for the rule classes.

Type checkers see the real decorator (``rules.py`` imports it under ``TYPE_CHECKING``);
at run time this one gives the same keyword-only ``__init__``, immutability, equality,
hash and repr from the class's annotations, without generating and compiling code per
class, which made importing the rules the slowest step of a one-shot command.
"""

from __future__ import annotations

import inspect  # dataclasses imports it already
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import Any, TypeVar

__all__ = ["dataclass"]

_T = TypeVar("_T", bound=type)


def _fields(cls: type) -> tuple[str, ...]:
    """The instance fields, base classes' first: every annotation but a ``ClassVar``."""
    found: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        for name, hint in inspect.get_annotations(klass).items():
            if not str(hint).startswith(("ClassVar", "typing.ClassVar")):
                found[name] = None
    return tuple(found)


def _options(cls: _T) -> _T:
    fields = _fields(cls)
    defaults = {name: cls.__dict__[name] for name in fields if name in cls.__dict__}
    known = frozenset(fields)
    name, qualified = cls.__name__, cls.__qualname__

    def __init__(self: object, **options: Any) -> None:
        unknown = options.keys() - known
        if unknown:
            raise TypeError(f"{name}.__init__() got an unexpected keyword argument {sorted(unknown)[0]!r}")
        for field in fields:
            if field in options:
                value = options[field]
            elif field in defaults:
                value = defaults[field]
            else:
                raise TypeError(f"{name}.__init__() missing 1 required keyword-only argument: {field!r}")
            object.__setattr__(self, field, value)

    def _values(self: object) -> tuple[object, ...]:
        return tuple(getattr(self, field) for field in fields)

    def __eq__(self: object, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return _values(self) == _values(other)

    def __hash__(self: object) -> int:
        return hash(_values(self))

    def __repr__(self: object) -> str:
        return f"{qualified}({', '.join(f'{field}={getattr(self, field)!r}' for field in fields)})"

    def __setattr__(self: object, field: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {field!r}")

    def __delattr__(self: object, field: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {field!r}")

    for method in (__init__, __eq__, __hash__, __repr__, __setattr__, __delattr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
    return cls


def dataclass(*, frozen: bool, kw_only: bool) -> Callable[[_T], _T]:
    """``dataclass(frozen=True, kw_only=True)``, the one form the rules use."""
    if not (frozen and kw_only):
        raise TypeError("only frozen, keyword-only option classes are supported")
    return _options
