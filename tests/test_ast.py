"""The tree: immutable, hashable, picklable, compared by structure."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
from collections.abc import Callable

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


# Each constructor's wrong types: ArgumentError (a TypeError and a DirectiveError) naming the field.
WRONG: list[tuple[Callable[[], object], str]] = [
    (lambda: Parameter(1, "x"), "Parameter.key must be a str or None, not int (1)"),  # type: ignore[arg-type]
    (lambda: Parameter("f", 5), "Parameter.text must be a str, not int (5)"),  # type: ignore[arg-type]
    (lambda: Parameter("f", "aac", (0, 5)), "Parameter.span must be a Span, not tuple ((0, 5))"),  # type: ignore[arg-type]
    (lambda: Parameter("f", "aac", value=True), "Parameter.value must be an int, a str or None, not bool (True)"),
    (lambda: Parameter("f", "aac", value=1.5), "Parameter.value must be an int, a str or None, not float (1.5)"),  # type: ignore[arg-type]
    (lambda: Action(None), "Action.name must be a str, not NoneType (None)"),  # type: ignore[arg-type]
    (lambda: Action("convert", [Parameter("f", "aac")]), "Action.parameters must be a tuple of Parameter, not list"),  # type: ignore[arg-type]
    (lambda: Action("convert", ("f_aac",)), "Action.parameters[0] must be a Parameter, not str ('f_aac')"),  # type: ignore[arg-type]
    (lambda: Action("convert", span=None), "Action.span must be a Span, not NoneType (None)"),  # type: ignore[arg-type]
    (lambda: Stage(7, ()), "Stage.category must be a str or None, not int (7)"),  # type: ignore[arg-type]
    (lambda: Stage("audio", Action("convert")), "Stage.actions must be a tuple of Action, not Action"),  # type: ignore[arg-type]
    (lambda: Stage("audio", (Parameter("f", "aac"),)), "Stage.actions[0] must be an Action, not Parameter"),  # type: ignore[arg-type]
    (lambda: Stage("audio", (), Span(0, 1)[:1]), "Stage.span must be a Span, not tuple ((0,))"),  # type: ignore[arg-type]
    (lambda: Directive([]), "Directive.stages must be a tuple of Stage, not list ([])"),  # type: ignore[arg-type]
    (lambda: Directive((Action("convert"),)), "Directive.stages[0] must be a Stage, not Action"),  # type: ignore[arg-type]
    (lambda: Directive((), "0:5"), "Directive.span must be a Span, not str ('0:5')"),  # type: ignore[arg-type]
    (lambda: Span("0", 5), "Span.start must be an int, not str ('0')"),  # type: ignore[arg-type]
    (lambda: Span(0, 5.0), "Span.end must be an int, not float (5.0)"),  # type: ignore[arg-type]
    (lambda: Span(0, True), "Span.end must be an int, not bool (True)"),
]


@pytest.mark.parametrize(("make", "message"), WRONG, ids=[message.split(" ")[0] for _, message in WRONG])
def test_a_node_of_the_wrong_types_is_an_argument_error_naming_the_field(make: Callable[[], object], message: str) -> None:
    with pytest.raises(oss_process.ArgumentError, match=re.escape(message)) as caught:
        make()
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, oss_process.DirectiveError)


def test_dataclasses_replace_checks_too() -> None:
    parameter = oss_process.parse("audio/convert,f_aac").stages[0].actions[0].parameters[0]
    with pytest.raises(oss_process.ArgumentError, match=re.escape("Parameter.key must be a str or None, not int (1)")):
        dataclasses.replace(parameter, key=1)  # type: ignore[arg-type]


def test_the_right_types_still_build_and_compare() -> None:
    class Name(str):
        pass

    assert Parameter(Name("f"), Name("aac"), Span(0, 5), 1) == Parameter("f", "aac")
    assert Span(0, 5) == (0, 5)
    assert repr(Span(0, 5)) == "Span(start=0, end=5)"
    assert pickle.loads(pickle.dumps(Span(2, 3))) == Span(2, 3)
    assert Span(2, 3)._replace(end=4) == Span(2, 4)


def test_validate_takes_only_a_directive() -> None:
    class Mine(Directive):
        __slots__ = ()

    for tree, name in (("audio/convert,f_aac", "str"), (Mine(()), "Mine")):
        with pytest.raises(oss_process.ArgumentError, match=re.escape(f"validate takes a Directive, not {name}")):
            oss_process.validate(tree)  # type: ignore[arg-type]
