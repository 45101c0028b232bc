"""validate(tree) gives lint's verdict on the tree's text, for the trees of the strategies
and for those trees with one node spoiled (which may or may not still print)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process import Action, Directive, Parameter, Stage
from oss_process.strategies import directive_trees, trees
from oss_process.tables import BUILTIN
from tests.property.settings import PROPERTY, per_table

TABLES = [label for label, _, _ in BUILTIN.tabled()]

# Pieces that break a node's text or do not ('_' inside a value, '=' at its end): the
# property holds either way. No empty bare parameter: today's grammar has none.
PIECES = st.sampled_from([",", "/", "|", "_", "=", " ", "+", "-", ".", "\u00e9", "1", "a"])


def reads_back(tree: Directive) -> bool:
    try:
        return oss_process.parse(oss_process.unparse(tree)) == tree
    except oss_process.ParseError:
        return False


def without_spans(tree: Directive) -> Directive:
    return Directive(
        tuple(
            Stage(s.category, tuple(Action(a.name, tuple(Parameter(p.key, p.text) for p in a.parameters)) for a in s.actions))
            for s in tree.stages
        )
    )


@st.composite
def spoiled(draw: st.DrawFn, text: str) -> str:
    piece = draw(PIECES)
    if draw(st.booleans()):
        return piece if draw(st.booleans()) else ""
    where = draw(st.integers(0, len(text)))
    return text[:where] + piece + text[where:]


@st.composite
def spoiled_trees(draw: st.DrawFn) -> Directive:
    """A tree of the grammar with one text spoiled, or one stage's shape."""
    tree = draw(directive_trees())
    stages = list(tree.stages)
    index = draw(st.integers(0, len(stages) - 1))
    stage = stages[index]
    places = ["category", "no actions", "no category", "keyword"] + ["action"] * 2
    if any(a.parameters for a in stage.actions):
        places += ["key", "text"] * 2
    place = draw(st.sampled_from(places))
    if place == "category":
        stage = dataclasses.replace(stage, category=draw(spoiled(stage.category or "")))
    elif place == "no actions":
        stage = dataclasses.replace(stage, actions=())
    elif place == "no category":
        stage = dataclasses.replace(stage, category=None)
    elif place == "keyword":
        stage = dataclasses.replace(stage, category=draw(st.sampled_from(["style", "notify"])))
    else:
        actions = list(stage.actions)
        at = draw(st.sampled_from([i for i, a in enumerate(actions) if place == "action" or a.parameters]))
        action = actions[at]
        if place == "action":
            action = dataclasses.replace(action, name=draw(spoiled(action.name)))
        else:
            parameters = list(action.parameters)
            k = draw(st.integers(0, len(parameters) - 1))
            parameter = parameters[k]
            if place == "key":
                key = draw(st.none() | spoiled(parameter.key or ""))
                parameter = dataclasses.replace(parameter, key=key)
            else:
                parameter = dataclasses.replace(parameter, text=draw(spoiled(parameter.text)))
            if parameter.key is None and not parameter.text:
                parameter = dataclasses.replace(parameter, text="a")  # not the empty bare parameter
            parameters[k] = parameter
            action = dataclasses.replace(action, parameters=tuple(parameters))
        actions[at] = action
        stage = dataclasses.replace(stage, actions=tuple(actions))
    stages[index] = stage
    return Directive(tuple(stages))


@PROPERTY
@given(st.one_of(directive_trees(), spoiled_trees()))
def test_validate_gives_the_verdict_lint_gives_for_the_printed_tree(tree: Directive) -> None:
    checked = oss_process.validate(tree)
    linted = oss_process.lint(oss_process.print_canonical(tree))
    if reads_back(tree):
        # The printed text holds the tree: validate says what lint says of it, span for span.
        assert list(checked.diagnostics) == oss_process.lint(oss_process.unparse(tree))
        assert checked.ok == (not any(d.is_error for d in linted))
        assert not any(d.code == "E018" for d in checked.diagnostics)
    else:
        # No text holds it: an error, whatever lint says of a text that means another tree.
        assert not checked.ok
        assert checked.canonical is None


@pytest.mark.parametrize("action", TABLES)
def test_valid_trees_are_valid_printed(action: str) -> None:
    @per_table()
    @given(trees(action))
    def check(tree: Directive) -> None:
        checked = oss_process.validate(tree)
        canonical = oss_process.print_canonical(tree)
        assert checked.ok == (not any(d.is_error for d in oss_process.lint(canonical)))
        # The same tree built without spans: its diagnostics point into its printed form.
        built = oss_process.validate(without_spans(tree))
        assert list(built.diagnostics) == oss_process.lint(oss_process.unparse(tree))
        assert built.canonical == checked.canonical

    check()
