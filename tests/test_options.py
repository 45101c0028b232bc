"""The rules' light stand-in for dataclass(frozen=True, kw_only=True) behaves as the real one."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any, ClassVar

import pytest

from oss_process import _options, rules


def _pair() -> tuple[Any, Any]:
    made = []
    for decorate in (dataclasses.dataclass(frozen=True, kw_only=True), _options.dataclass(frozen=True, kw_only=True)):

        class Option:
            key: str
            keys: tuple[str, ...] = ()
            reads: ClassVar[tuple[str, ...]] = ("x",)

        made.append(decorate(Option))
    return made[0], made[1]


def test_the_light_option_class_is_a_frozen_keyword_only_dataclass() -> None:
    real, light = _pair()
    for cls in (real, light):
        one = cls(key="a", keys=("b",))
        assert one == cls(key="a", keys=("b",))
        assert one != cls(key="a")
        assert hash(one) == hash(cls(key="a", keys=("b",)))
        assert repr(one) == "_pair.<locals>.Option(key='a', keys=('b',))"
        assert cls(key="a").keys == ()
        assert cls.reads == ("x",)  # a ClassVar is no field
        with pytest.raises(dataclasses.FrozenInstanceError):
            one.key = "z"
        with pytest.raises(TypeError, match="key"):
            cls()
        with pytest.raises(TypeError, match="other"):
            cls(key="a", other=1)
        with pytest.raises(TypeError):
            cls("a")
    with pytest.raises(TypeError):
        _options.dataclass(frozen=False, kw_only=True)


def test_the_rules_use_it_and_pickle() -> None:
    rule = rules.Exclusive(keys=("aq", "ab"), hint="keep one")
    assert not dataclasses.is_dataclass(rule)  # the light class, at run time
    assert pickle.loads(pickle.dumps(rule)) == rule
    assert rules.OnlyWith(key="c", selector="m", choices=("pad",)).absent is None
