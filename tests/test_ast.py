"""The tree: immutable, hashable, picklable, compared by structure."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

import oss_process
from oss_process import Action, Directive, Parameter, Span, Stage

TEXT = "audio/convert,f_aac,ab_96000|sys/saveas,o_ZGVzdC5hYWM=/notify,topic_dGVzdA"


def test_nodes_are_frozen_and_slotted() -> None:
    directive = oss_process.parse(TEXT)
    parameter = directive.stages[0].actions[0].parameters[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        parameter.text = "mp3"  # type: ignore[misc]
    for node in (directive, directive.stages[0], directive.stages[0].actions[0], parameter):
        assert not hasattr(node, "__dict__")


def test_nodes_hash_and_pickle() -> None:
    directive = oss_process.parse(TEXT)
    assert {directive: 1}[oss_process.parse(TEXT)] == 1
    restored = pickle.loads(pickle.dumps(directive))
    assert restored == directive
    assert restored.stages[0].actions[0].parameters[1].span == directive.stages[0].actions[0].parameters[1].span
    assert copy.deepcopy(directive) == directive


def test_equality_ignores_spans_and_typed_values() -> None:
    assert Parameter("f", "aac", Span(3, 8), "aac") == Parameter("f", "aac")
    assert hash(Parameter("f", "aac", Span(3, 8), "aac")) == hash(Parameter("f", "aac"))
    assert Parameter("f", "aac") != Parameter("f", "mp3")
    assert Parameter("f", "aac") != Parameter(None, "aac")


def test_unparse_prints_the_tree_as_written() -> None:
    assert oss_process.unparse(oss_process.parse(TEXT)) == TEXT
    built = Directive(
        (
            Stage("image", (Action("resize", (Parameter("w", "100"),)), Action("rotate", (Parameter(None, "90"),)))),
            Stage(None, (Action("notify", (Parameter("topic", "dGVzdA"),)),)),
        )
    )
    assert oss_process.unparse(built) == "image/resize,w_100/rotate,90|notify,topic_dGVzdA"
    assert oss_process.parse(oss_process.unparse(built)) == built


def test_validation_attaches_typed_values() -> None:
    checked = oss_process.validate(oss_process.parse(TEXT), mode="async")
    assert checked.ok
    assert checked.errors == ()
    assert [w.code for w in checked.warnings] == ["W302"]
    convert, saveas, notify = (action for _, action in checked.directive.actions())
    assert [(p.key, p.value) for p in convert.parameters] == [("f", "aac"), ("ab", 96000)]
    assert saveas.get("o") == oss_process.Parameter("o", "ZGVzdC5hYWM=")
    assert saveas.parameters[0].value == "dest.aac"
    assert notify.parameters[0].value == "test"
    assert checked.directive == oss_process.parse(TEXT)


def test_validate_a_tree_built_without_spans_points_into_its_printed_form() -> None:
    built = Directive((Stage("audio", (Action("convert", (Parameter("f", "aac"), Parameter("ab", "5"))),)),))
    unsaved, diagnostic = oss_process.validate(built, mode="async").diagnostics
    assert unsaved.code == "W111"
    printed = oss_process.unparse(built)
    assert diagnostic.code == "E206"
    assert printed[slice(*diagnostic.span)] == "5"


def test_action_get() -> None:
    action = oss_process.parse("audio/convert,f_aac,ab_1000").stages[0].actions[0]
    assert action.get("ab") == Parameter("ab", "1000")
    assert action.get("aq") is None
