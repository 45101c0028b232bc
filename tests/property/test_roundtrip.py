"""Both directions of the printer: trees to text and back, text to canonical text, for
any tree of the grammar and, table by table, for every spelling of a valid meaning."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process import Directive
from oss_process.kinds import Base64Name
from oss_process.strategies import Meaning, StepMeaning, canonical_text, directive_trees, grammar_strings, meanings, spellings
from oss_process.tables import BUILTIN
from tests.property.settings import PROPERTY, per_table

TABLES = [label for label, _, _ in BUILTIN.tabled()]


@PROPERTY
@given(directive_trees())
def test_parse_of_unparse_is_the_identity(tree: Directive) -> None:
    assert oss_process.parse(oss_process.unparse(tree)) == tree


@PROPERTY
@given(directive_trees())
def test_canonical_printing_is_a_fixed_point(tree: Directive) -> None:
    canonical = oss_process.print_canonical(tree)
    assert oss_process.print_canonical(oss_process.parse(canonical)) == canonical


def meaning_of(text: str, mode: oss_process.Mode) -> Meaning:
    """What the validator read from ``text``, in the terms the strategy generated."""
    checked = oss_process.validate(oss_process.parse(text), mode=mode)
    assert checked.ok, [d.render(text) for d in checked.errors]
    steps = []
    for stage in checked.directive.stages:
        infos = BUILTIN.stage(stage.category, [action.name for action in stage.actions])
        for action, info in zip(stage.actions, infos, strict=True):
            category = stage.category
            if category is None:  # a notify stage of its own: the table lists it under its category
                category = next(c for label, c, entry in BUILTIN.tabled() if entry is BUILTIN.lookup(None, action.name))
            values = {p.key: p.value for p in action.parameters if p.key is not None and p.value is not None}
            positional = info.spec.positional if info is not None and info.spec is not None else None
            bare = next((p for p in action.parameters if p.key is None and p.text), None)
            if positional is not None and bare is not None and bare.value is not None:
                values = {positional.key: bare.value, **values}  # the strategies name it by its row's key
            # A sub-step's entry is its parent table's, not the catalogue's (video/concat's /pre).
            substep = info is not BUILTIN.lookup(stage.category, action.name)
            steps.append(StepMeaning(category, action.name, values, substep))
    return Meaning(mode, tuple(steps)).without_defaults()


@pytest.mark.parametrize("action", TABLES)
def test_every_spelling_of_a_meaning_has_one_canonical_form(action: str) -> None:
    @per_table()
    @given(meanings(action).flatmap(lambda m: st.tuples(st.just(m), spellings(m), spellings(m))))
    def check(case: tuple[Meaning, str, str]) -> None:
        meaning, first, second = case
        canonical = oss_process.canonicalize(first, mode=meaning.mode)
        assert oss_process.canonicalize(second, mode=meaning.mode) == canonical
        assert oss_process.canonicalize(canonical, mode=meaning.mode) == canonical
        # The canonical form says what the generator meant, and so does every spelling.
        assert meaning_of(canonical, meaning.mode) == meaning.without_defaults() == meaning_of(first, meaning.mode)
        assert not any(warning.code in ("W302", "W208") for warning in oss_process.lint(canonical, mode=meaning.mode))

    check()


@pytest.mark.parametrize("action", TABLES)
def test_the_canonical_form_is_table_order_without_defaults_padding_or_zeros(action: str) -> None:
    @per_table()
    @given(meanings(action).flatmap(lambda m: st.tuples(st.just(m), spellings(m))))
    def check(case: tuple[Meaning, str]) -> None:
        meaning, text = case
        canonical = oss_process.canonicalize(text, mode=meaning.mode)
        assert canonical == canonical_text(meaning)
        assert "=" not in canonical
        # Each name decodes, without padding, to what was meant.
        nodes = [action_node for _, action_node in oss_process.parse(canonical).actions()]
        for step, spec, action_node in zip(meaning.steps, meaning.specs(), nodes, strict=True):
            for parameter in action_node.parameters:
                row = spec.row(parameter.key)
                assert row is not None
                if isinstance(row.kind, Base64Name):
                    decoded = base64.urlsafe_b64decode(parameter.text + "=" * (-len(parameter.text) % 4)).decode()
                    assert decoded == step.values[row.key]

    check()


@PROPERTY
@given(grammar_strings())
def test_strings_from_the_grammar(text: str) -> None:
    # Every string the grammar generates parses; lint never raises; where canonicalize
    # succeeds its result is a fixed point that parses to the same stages.
    tree = oss_process.parse(text)
    diagnostics = oss_process.lint(text)
    assert all(d.code != "E999" for d in diagnostics)
    if any(d.is_error for d in diagnostics):
        with pytest.raises(oss_process.InvalidDirectiveError):
            oss_process.canonicalize(text)
        return
    canonical = oss_process.canonicalize(text)
    assert oss_process.canonicalize(canonical) == canonical
    assert len(oss_process.parse(canonical).stages) <= len(tree.stages)


IMAGE_TABLES = [
    label
    for label, category, info in BUILTIN.tabled()
    if category == "image" and oss_process.Mode.SYNC in info.modes and info.spec is not None and not info.spec.chain_rules
]


def _alone(meaning: Meaning) -> bool:
    return len(meaning.steps) == 1


@per_table()
@given(
    st.lists(
        st.sampled_from(IMAGE_TABLES).flatmap(lambda label: meanings(label, mode=oss_process.Mode.SYNC).filter(_alone)),
        min_size=2,
        max_size=4,
    ).flatmap(lambda chain: st.tuples(st.just(chain), st.tuples(*(spellings(m) for m in chain))))
)
def test_an_image_chain_is_canonical_action_by_action_in_the_order_written(case: tuple[list[Meaning], tuple[str, ...]]) -> None:
    chain, spelled = case
    # Each spelling is "image/<action>"; chained, they are one stage, in the order written.
    text = "image/" + "/".join(s.removeprefix("image/") for s in spelled)
    canonical = oss_process.canonicalize(text, mode="sync")
    assert canonical == "image/" + "/".join(canonical_text(m).removeprefix("image/") for m in chain)
    assert oss_process.canonicalize(canonical, mode="sync") == canonical
    # Another order of different actions is another directive, and prints so.
    written = [canonical_text(m) for m in chain]
    if written != written[::-1]:
        backwards = "image/" + "/".join(s.removeprefix("image/") for s in reversed(spelled))
        assert oss_process.canonicalize(backwards, mode="sync") != canonical
