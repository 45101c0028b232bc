"""oss_process.scan on texts made of what trips lexers: quotes, escapes, interpolations,
comments, format verbs, percent escapes, characters outside the BMP, directives and
their pieces. Whatever the text, the scan returns, each finding and problem lies inside
the text, at a character the directive was read from, and placeholders never make an
error that the literal parts alone do not hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import oss_process
from oss_process.scan import scan_text
from oss_process.scan._lexer import LANGUAGES

from .settings import PROPERTY

_FRAGMENTS = [
    "'", '"', "`", '"""', "'''", "\\", "\\n", "\\'", '\\"', "\\u002c", "\\x2f", "\\/", "${", "}", "{", "{{", "}}", "%d", "%s", "%2C",
    "%%", "&amp;", "#", "//", "/*", "*/", "<!--", "-->", "\n", "\r\n", " ", "+", ".", ",", "(", ")", "f'", "r'", "b\"", "$w", "=",
    "x-oss-process=", "x-oss-async-process=", "?", "&", "image/resize", "image/", "style/", "video/snapshot", ",w_", "w_0", "_100",
    "|sys/saveas,o_", "ZGVzdC5qcGc=", "/quality,q_90", "image/png", "\U0001f600", "\u00e9", "\u3000", "\t", ": ", "- ", "```",
    "```python\n", "`",
]  # fmt: skip
_EXTENSIONS = sorted({*LANGUAGES, "txt"})


@PROPERTY
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join), st.sampled_from(_EXTENSIONS))
def test_any_text_scans_and_every_place_is_inside_it(text: str, extension: str) -> None:
    findings = scan_text(text, f"file.{extension}")
    lines = text.split("\n")
    for finding in findings:
        places = [finding.place, *(p.place for p in finding.problems)]
        for place in places:
            assert 1 <= place.line <= place.end_line <= len(lines)
            assert 1 <= place.column <= len(lines[place.line - 1]) + 1
            assert place.column_utf16 >= place.column
        assert finding.directive.replace("{}", "")  # never only placeholders
        for problem in finding.problems:
            assert problem.diagnostic.code != "E999"
            assert (finding.place.line, finding.place.column) <= (problem.place.line, problem.place.column) or problem.place.line > 1


@PROPERTY
@given(
    st.sampled_from(["image/resize,w_100,h_100", "image/crop,x_10,y_10,w_100,h_100", "image/blur,r_3,s_2", "image/rotate,90"]),
    st.data(),
)
def test_a_placeholder_for_a_value_makes_no_problem_of_a_valid_directive(directive: str, data: st.DataObject) -> None:
    # Any value of a valid directive made a placeholder, in any template syntax: still nothing to report.
    values = [index for index, char in enumerate(directive) if char.isdigit() and not directive[index - 1].isdigit()]
    start = data.draw(st.sampled_from(values))
    end = start
    while end < len(directive) and directive[end].isdigit():
        end += 1
    hole = data.draw(st.sampled_from(["{w}", "${w}", "%d", "{{ w }}", "{}", "%s"]))
    name, template = data.draw(st.sampled_from([("a.py", "p = '{}'\n"), ("a.js", "p = `{}`;\n"), ("a.go", 'p := "{}"\n')]))
    source = template.replace("{}", directive[:start] + hole + directive[end:])
    assert oss_process.lint(directive) == []
    [finding] = scan_text(source, name)
    assert finding.placeholders == 1
    assert finding.problems == ()
