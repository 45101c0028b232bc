"""validate(tree) gives the verdict lint gives for the tree's text: a tree that no text
parses back to is an error (E018 for each node the grammar cannot write; E003 for the
empty tree, as lint says of the empty text; E001 and E002 for a printed text over a limit)."""

from __future__ import annotations

import pytest

import oss_process
from oss_process import Action, Diagnostic, Directive, Parameter, Stage
from oss_process import validation as validation_module
from oss_process.tables import BUILTIN
from tests.corpus import untabled

CATEGORY = "[A-Za-z][A-Za-z0-9]*"
ACTION = "[A-Za-z][A-Za-z0-9-]*"


def one(category: str | None, *actions: Action) -> Directive:
    return Directive((Stage(category, actions),))


def e018(tree: Directive) -> list[tuple[str, str | None, str]]:
    """Each E018: its message, hint and the printed text under its span."""
    printed = oss_process.unparse(tree)
    return [(d.message, d.hint, printed[d.span.start : d.span.end]) for d in oss_process.validate(tree).diagnostics if d.code == "E018"]


def reads_back(tree: Directive) -> bool:
    try:
        return oss_process.parse(oss_process.unparse(tree)) == tree
    except oss_process.ParseError:
        return False


AUDIO = Stage("audio", (Action("convert", (Parameter("f", "aac"),)),))

BROKEN = [
    (one("audio"), [("stage 1 has no action", "add an action, or leave the stage out", "audio")]),
    (
        one("im age", Action("convert")),
        [(f"the category 'im age' of stage 1 does not match the grammar's CATEGORY /{CATEGORY}/", "' ' is not allowed there", "im age")],
    ),
    (one("", Action("convert")), [(f"the category '' of stage 1 does not match the grammar's CATEGORY /{CATEGORY}/", "it is empty", "")]),
    (
        one("audio", Action("1x")),
        [(f"the action name '1x' of stage 1 does not match the grammar's ACTION /{ACTION}/", None, "1x")],
    ),
    (
        one("style", Action("a/b")),
        [
            (
                "the style name 'a/b' of stage 1 does not match the grammar's STYLE_NAME /[A-Za-z0-9_.-]+/",
                "'/' separates a category and its actions",
                "a/b",
            )
        ],
    ),
    (
        one("style", Action("a"), Action("b")),
        [("the style stage 1 has 2 actions; it applies one style, by name", "style/<name>", "style/a/b")],
    ),
    (one("style"), [("the style stage 1 has no style name; it applies one style, by name", "style/<name>", "style")]),
    (one("style", Action("a", (Parameter("x", "1"),))), [("the style 'a' of stage 1 has parameters", "a style stage takes none", "x_1")]),
    (
        one("notify", Action("convert")),
        [("the category 'notify' of stage 1 is the keyword of the notify stage", "|notify,... has category None", "notify")],
    ),
    (
        one(None, Action("convert")),
        [
            (
                "the action 'convert' of stage 1 has no category; only notify stands as a stage of its own",
                "give the stage its category",
                "convert",
            )
        ],
    ),
    (
        one(None, Action("notify"), Action("notify")),
        [("stage 1 has no category and 2 actions", "give the stage its category", "notify/notify")],
    ),
    (Directive((AUDIO, Stage(None, ()))), [("stage 2 has neither a category nor an action", "leave the stage out", "")]),
    (
        Directive((AUDIO, Stage("audio", (Action("convert", (Parameter("w x", "1"), Parameter("a_b", "1"))),)))),
        [
            (
                "the key 'w x' of parameter 1 of 'audio/convert' in stage 2 does not match the grammar's KEY /[A-Za-z][A-Za-z0-9]*_/",
                "' ' is not allowed there",
                "w x",
            ),
            (
                "the key 'a_b' of parameter 2 of 'audio/convert' in stage 2 does not match the grammar's KEY /[A-Za-z][A-Za-z0-9]*_/",
                "'_' ends a key",
                "a_b",
            ),
        ],
    ),
    (
        one("audio", Action("convert", (Parameter(None, "a_b"), Parameter(None, "a|b")))),
        [
            (
                "the bare value 'a_b' of parameter 1 of 'audio/convert' in stage 1 does not match the grammar's BARE /[A-Za-z0-9.-]+/",
                "'_' ends a key",
                "a_b",
            ),
            (
                "the bare value 'a|b' of parameter 2 of 'audio/convert' in stage 1 does not match the grammar's BARE /[A-Za-z0-9.-]+/",
                "'|' separates stages",
                "a|b",
            ),
        ],
    ),
]


@pytest.mark.parametrize(("tree", "expected"), BROKEN, ids=[oss_process.unparse(tree) or "<empty>" for tree, _ in BROKEN])
def test_a_tree_the_grammar_cannot_write_is_an_error_naming_the_node(tree: Directive, expected: list[tuple[str, str, str]]) -> None:
    assert not reads_back(tree)
    assert e018(tree) == expected
    checked = oss_process.validate(tree)
    assert not checked.ok
    assert checked.canonical is None


def test_the_rendered_text_names_the_node_under_its_printed_text() -> None:
    tree = one("style", Action("a/b"))
    (diagnostic,) = oss_process.validate(tree).errors
    assert diagnostic.render(oss_process.unparse(tree)) == (
        "error[E018]: the style name 'a/b' of stage 1 does not match the grammar's STYLE_NAME /[A-Za-z0-9_.-]+/\n"
        "    style/a/b\n"
        "          ^^^\n"
        "    hint: '/' separates a category and its actions"
    )


def test_an_action_name_holding_a_comma_in_a_category_without_tables() -> None:
    # Its text, 'category/a,b', is fine for lint: an action 'a' with the bare value 'b', another tree.
    open_categories = [e.category for e in untabled() if e.category is not None and not BUILTIN.categories[e.category].covered]
    if not open_categories:
        pytest.skip("every category has parameter tables")
    tree = one(open_categories[0], Action("a,b"))
    assert not any(d.is_error for d in oss_process.lint(oss_process.print_canonical(tree)))
    assert oss_process.parse(oss_process.unparse(tree)) != tree
    assert e018(tree) == [
        (f"the action name 'a,b' of stage 1 does not match the grammar's ACTION /{ACTION}/", "',' separates parameters", "a,b")
    ]


def test_a_value_outside_the_grammar_in_an_action_without_a_table() -> None:
    entries = untabled()
    if not entries:
        pytest.skip("every action has a parameter table")
    entry = entries[0]
    tree = one(entry.category, Action(entry.action, (Parameter("w", "1,2"),)))
    where = f"parameter 1 of {entry.name!r} in stage 1"
    assert e018(tree) == [
        (f"the value '1,2' of {where} does not match the grammar's VALUE /[A-Za-z0-9_.-]+=*/", "',' separates parameters", "1,2")
    ]


def test_a_value_its_kind_refuses_is_reported_once_by_its_kind() -> None:
    # Both texts are outside the grammar; the table's kind already says why (docs/builder.md).
    tree = Directive(
        (Stage("audio", (Action("convert", (Parameter("f", "aac,ab_1"),)),)), Stage("sys", (Action("saveas", (Parameter("o", ""),)),)))
    )
    assert [d.code for d in oss_process.validate(tree, mode="async").diagnostics] == ["E207", "E304"]


def test_the_empty_tree_is_what_lint_says_of_the_empty_text() -> None:
    checked = oss_process.validate(Directive(()))
    assert list(checked.diagnostics) == oss_process.lint("")
    assert [d.code for d in checked.diagnostics] == ["E003"]
    assert checked.canonical is None


def test_an_empty_bare_parameter_is_not_a_node_the_grammar_lacks() -> None:
    # Parameter(None, "") prints as nothing between two commas ("audio/convert,,f_aac").
    tree = one("audio", Action("convert", (Parameter(None, ""), Parameter("f", "aac"))))
    assert e018(tree) == []


def test_a_printed_text_over_a_limit_is_what_lint_says_of_it() -> None:
    many = one("audio", Action("convert", tuple(Parameter("w", "1") for _ in range(oss_process.MAX_PARAMETERS + 1))))
    long = one("audio", Action("convert", (Parameter("w", "1" * oss_process.MAX_LENGTH),)))
    for tree, code in ((many, "E002"), (long, "E001")):
        (found,) = (d for d in oss_process.validate(tree).diagnostics if d.code == code)
        (linted,) = oss_process.lint(oss_process.unparse(tree))
        assert found == linted


def test_a_parsed_tree_is_printable() -> None:
    text = "audio/convert,f_aac,ab_96000|sys/saveas,o_ZGVzdC5hYWM|notify,topic_dGVzdA"
    checked = oss_process.validate(oss_process.parse(text))
    assert checked.ok
    assert not any(d.code == "E018" for d in checked.diagnostics)


def test_a_tree_that_reads_back_otherwise_with_no_node_to_blame(monkeypatch: pytest.MonkeyPatch) -> None:
    # The scanner decides; were no node found to blame, the tree as a whole is.
    monkeypatch.setattr(validation_module, "_unwritable_nodes", lambda directive: [])
    tree = one("audio", Action("a,b"))
    found = [d for d in oss_process.validate(tree).diagnostics if d.code == "E018"]
    assert found == [Diagnostic("E018", "the tree prints as 'audio/a,b', which parses to another tree", oss_process.Span(0, 9))]
    found = [d for d in oss_process.validate(one("audio")).diagnostics if d.code == "E018"]
    assert found == [Diagnostic("E018", "the tree prints as 'audio/', which does not parse", oss_process.Span(0, 5))]
