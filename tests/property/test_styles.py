"""A style stands for its content: linted, it says what its content says, at the style;
expanded, it canonicalizes as the content does."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

import oss_process
from oss_process import Span, Styles
from oss_process.strategies import Meaning, canonical_text, grammar_strings, meanings, spellings
from oss_process.tables import MAX_DIAGNOSTICS
from tests.property.settings import PROPERTY


@PROPERTY
@given(grammar_strings())
def test_a_style_says_what_its_content_says_at_the_style(content: str) -> None:
    assume("style/" not in content)  # a style inside: said differently (W114, E112)
    alone = oss_process.lint(content)
    assume(len(alone) <= MAX_DIAGNOSTICS)  # a cut list is counted again at the style's level
    styles = Styles({"s": content})
    found = oss_process.lint("style/s", styles=styles)
    assert all(d.span == Span(6, 7) for d in found)
    assert [(d.code, d.message, d.hint) for d in found] == [
        (d.code, f"style s, at column {d.span.start + 1}: {d.message}", d.hint) for d in alone
    ]
    assert oss_process.check("style/s", styles=styles).diagnostics == tuple(found)


@PROPERTY
@given(meanings().flatmap(lambda m: st.tuples(st.just(m), spellings(m))))
def test_expanding_a_style_canonicalizes_as_its_content_does(case: tuple[Meaning, str]) -> None:
    meaning, spelled = case
    canonical = canonical_text(meaning)
    for content in (canonical, spelled):
        styles = Styles({"s": content})
        expanded = oss_process.canonicalize("style/s", mode=meaning.mode, styles=styles, expand_styles=True)
        assert expanded == oss_process.canonicalize(content, mode=meaning.mode) == canonical
        assert oss_process.canonicalize("style/s", mode=meaning.mode, styles=styles) == "style/s"
