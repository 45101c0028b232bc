"""The one renderer, ``oss_process.render``: every format, its options and its errors.

Expected outputs are written out by hand from the inputs (columns, escapes, XML), never
copied from what the renderer prints.
"""

from __future__ import annotations

import json
import pickle
import re

import pytest

import oss_process
from oss_process import CODES, ArgumentError, Diagnostic, Span, render
from oss_process.diagnostics import FORMATS, OffsetMap, Origin
from oss_process.gateway import GATEWAY_CODES, RequestDiagnostic, check_request, error_response

ANSI = re.compile(r"\x1b\[[0-9;]*m")

SPACE = Diagnostic("E012", "unexpected space", Span(3, 4), "remove it")
UNCHECKED = Diagnostic("W102", "not checked", Span(0, 3))
GET_ASYNC = Diagnostic("G002", "async in a GET", None, "send POST")


# --- The model -------------------------------------------------------------------------------


def test_gateway_findings_are_diagnostics_of_the_one_registry() -> None:
    assert RequestDiagnostic is Diagnostic
    assert GET_ASYNC.span is None
    assert (GET_ASYNC.severity, GET_ASYNC.is_error) == ("error", True)
    assert Diagnostic("G003", "case", None).severity == "warning"
    assert set(GATEWAY_CODES) == {"G001", "G002", "G003", "G004", "G005", "G006", "G007"}
    assert all(CODES[code] == info for code, info in GATEWAY_CODES.items())
    with pytest.raises(TypeError):
        GATEWAY_CODES["G008"] = CODES["G001"]  # type: ignore[index]
    assert pickle.loads(pickle.dumps(GET_ASYNC)) == GET_ASYNC


def test_the_gateway_reports_g_codes_as_diagnostics() -> None:
    verdict = check_request("GET", "x-oss-async-process=audio/convert,f_aac")
    assert verdict is not None
    first = verdict.diagnostics[0]
    assert isinstance(first, Diagnostic)
    assert (first.code, first.span) == ("G002", None)


# --- text ------------------------------------------------------------------------------------


def test_one_diagnostic_or_several() -> None:
    text = "abc def"
    block = "error[E012]: unexpected space\n    abc def\n       ^\n    hint: remove it"
    assert render(SPACE, text) == block == SPACE.render(text) == oss_process.render(SPACE, text)
    assert render([SPACE], text) == block
    assert render((SPACE, UNCHECKED), text) == block + "\nwarning[W102]: not checked\n    abc def\n    ^^^"
    assert render([], text) == ""


def test_non_ascii_is_escaped_and_the_carets_stay_under_the_span() -> None:
    text = "\u00e9 x\n"
    shown = render(Diagnostic("E012", "m", Span(2, 3)), text).split("\n")
    assert shown[1] == "    \\u00e9 x\\n"
    assert shown[2] == "    " + " " * len("\\u00e9 ") + "^"


def test_origin_and_offsets_locate_the_diagnostic_in_the_original_line() -> None:
    text = "abc def"
    assert render(SPACE, text, origin=Origin("f.txt", 7)).startswith("f.txt:7:4: error[E012]: ")
    # After the 14 characters of "x-oss-process=".
    assert render(SPACE, text, origin=Origin("f.txt", 7), offsets=OffsetMap(14)).startswith("f.txt:7:18: error[E012]: ")
    # "abc def" decoded from "abc%20def": the space is at offset 3 there too, 'd' at 6.
    decoded = OffsetMap(0, (0, 1, 2, 3, 6, 7, 8, 9))
    assert render(Diagnostic("E012", "m", Span(4, 5)), text, origin=Origin("-", 1), offsets=decoded).startswith("-:1:7: ")
    # The input line shown is the directive, whatever the offsets.
    assert render(SPACE, text, origin=Origin("f.txt", 7), offsets=OffsetMap(14)).split("\n")[1] == "    abc def"


def test_a_finding_without_a_span_shows_no_input() -> None:
    assert render(GET_ASYNC, "whatever") == "error[G002]: async in a GET\n    hint: send POST"
    assert render(GET_ASYNC, "", origin=Origin("<req>", 2)) == "<req>:2: error[G002]: async in a GET\n    hint: send POST"


def test_spaced_ends_every_block_with_a_blank_line() -> None:
    spaced = render([SPACE, UNCHECKED], "abc def", spaced=True)
    assert spaced.endswith("^^^\n\n")
    assert spaced.count("\n\n") == 2
    assert spaced.replace("\n\n", "\n").rstrip("\n") == render([SPACE, UNCHECKED], "abc def")


def test_a_long_input_is_cut_to_the_span_and_its_context() -> None:
    text = "a" * 100 + " " + "b" * 100
    shown = render(Diagnostic("E012", "m", Span(100, 101)), text).split("\n")
    # 60 characters of context on each side of the span, "..." where the input goes on.
    assert shown[1] == "    ..." + "a" * 60 + " " + "b" * 60 + "..."
    assert shown[2] == "    " + " " * (3 + 60) + "^"
    # A span past the end stands at the end; the context before it still shows.
    past = render(Diagnostic("E012", "m", Span(250, 260)), text).split("\n")
    assert past[1:] == ["    ..." + "b" * 60, "    " + " " * (3 + 60) + "^"]
    # Escaped characters widen the context, and the carets move with them.
    escaped = render(Diagnostic("E012", "m", Span(100, 101)), "a" * 50 + "\u00e9" + text[51:]).split("\n")
    assert escaped[1] == "    ..." + "a" * 10 + "\\u00e9" + "a" * 49 + " " + "b" * 60 + "..."
    assert escaped[2] == "    " + " " * (3 + 59 + len("\\u00e9")) + "^"


def test_the_command_lines_unchecked_text_is_renders() -> None:
    from oss_process._render import spaced_text

    located = Origin("f.txt", 7)
    cases: list[tuple[list[Diagnostic[Span | None]], str]] = [
        ([SPACE, UNCHECKED], "abc def"),
        ([GET_ASYNC], ""),
        ([], "x"),
        ([SPACE], "\u00e9bc def"),
    ]
    for diagnostics, text in cases:
        for color in (False, True):
            for offsets in (None, OffsetMap(14)):
                expected = render(diagnostics, text, origin=located, offsets=offsets, color=color, spaced=True)
                assert spaced_text(diagnostics, text, located, offsets, color) == expected


def test_colour() -> None:
    coloured = render(SPACE, "abc def", color=True, origin=Origin("f", 1))
    bold, red, cyan, reset = "\x1b[1m", "\x1b[31m", "\x1b[36m", "\x1b[0m"
    assert coloured == (
        f"{bold}f:1:4:{reset} {bold}{red}error[E012]{reset}: {bold}unexpected space{reset}\n"
        f"    abc def\n"
        f"       {bold}{red}^{reset}\n"
        f"    {cyan}hint:{reset} remove it"
    )
    assert "\x1b[33m" in render(UNCHECKED, "abc", color=True)  # warnings in yellow
    assert ANSI.sub("", coloured) == render(SPACE, "abc def", origin=Origin("f", 1))


# --- json ------------------------------------------------------------------------------------


def test_json_items_and_the_place_of_the_list() -> None:
    document = render([SPACE, GET_ASYNC], "abc def", format="json", fields={"a": 1, "diagnostics": None, "z": 2}, offsets=OffsetMap(10))
    parsed = json.loads(document)
    assert list(parsed) == ["a", "diagnostics", "z"]
    assert parsed["diagnostics"] == [
        {
            "code": "E012",
            "severity": "error",
            "title": CODES["E012"].title,
            "message": "unexpected space",
            "hint": "remove it",
            "start": 3,
            "end": 4,
            "column": 14,
            "end_column": 15,
        },
        {
            "code": "G002",
            "severity": "error",
            "title": CODES["G002"].title,
            "message": "async in a GET",
            "hint": "send POST",
            "start": None,
            "end": None,
            "column": None,
            "end_column": None,
        },
    ]
    assert list(json.loads(render(SPACE, "abc def", format="json", fields={"a": 1}))) == ["a", "diagnostics"]
    assert render([], "", format="json") == '{"diagnostics": []}'
    assert render([], "", format="json", indent=2) == '{\n  "diagnostics": []\n}'


# --- github ----------------------------------------------------------------------------------


def test_github_workflow_commands() -> None:
    assert render(SPACE, "abc def", format="github", origin=Origin("dir/a:b.txt", 5)) == (
        "::error file=dir/a%3Ab.txt,line=5,endLine=5,col=4,endColumn=4,title=E012 whitespace in the directive"
        "::unexpected space%0Ahint: remove it\n"
    )
    label = render(UNCHECKED, "abc", format="github", origin=Origin("<stdin>", 2, is_file=False))
    assert label.startswith("::warning line=2,endLine=2,col=1,endColumn=3,title=W102 ")
    assert render(GET_ASYNC, "", format="github", origin=Origin("r", 1)).startswith("::error file=r,line=1,endLine=1,title=G002 ")
    assert render(GET_ASYNC, "", format="github").startswith("::error title=G002 ")


# --- oss-xml ---------------------------------------------------------------------------------


def test_oss_xml_lists_errors_first_and_names_the_parameter() -> None:
    document = render([UNCHECKED, GET_ASYNC], "abc", format="oss-xml", argument="x-oss-process", request_id="RID", host_id="h&")
    assert document == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<Error>\n"
        "  <Code>InvalidArgument</Code>\n"
        "  <Message>The x-oss-process is invalid: G002 error: async in a GET (hint: send POST); "
        "W102 warning at 0-3: not checked</Message>\n"
        "  <RequestId>RID</RequestId>\n"
        "  <HostId>h&amp;</HostId>\n"
        "  <ArgumentName>x-oss-process</ArgumentName>\n"
        "  <ArgumentValue>abc</ArgumentValue>\n"
        "  <EC>G002</EC>\n"
        "</Error>\n"
    )
    nameless = render(GET_ASYNC, "", format="oss-xml", request_id="R")
    assert "<Message>The process parameter is invalid: G002 " in nameless
    assert "ArgumentName" not in nameless
    assert "ArgumentValue" not in nameless


def test_error_response_is_the_oss_xml_rendering() -> None:
    verdict = check_request("GET", "x-oss-async-process=a<b")
    assert verdict is not None
    response = error_response(verdict, request_id="0123", host_id="host")
    parameter = verdict.parameter
    assert parameter is not None
    rendered = render(verdict.diagnostics, parameter.text, format="oss-xml", argument=parameter.name, request_id="0123", host_id="host")
    assert response.body == rendered.encode("utf-8")
    assert "<ArgumentValue>a&lt;b</ArgumentValue>" in rendered
    assert dict(response.headers)["x-oss-ec"] == "G002"


# --- Errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: render(SPACE, "abc", format="sarif-9"), "format must be one of 'text', 'json', 'github', 'oss-xml'"),
        (lambda: render(SPACE, b"abc"), "text is a str, not bytes"),  # type: ignore[arg-type]
        (lambda: render("E012", "abc"), "takes a Diagnostic or an iterable of them, not str"),  # type: ignore[arg-type]
        (lambda: render(42, "abc"), "not int"),  # type: ignore[arg-type]
        (lambda: render([SPACE, "E012"], "abc"), "diagnostics are Diagnostic objects"),  # type: ignore[list-item]
        (lambda: render(Diagnostic("X001", "m", Span(0, 1)), "abc"), "with a known code"),
    ],
)
def test_wrong_arguments_raise_argument_error(call: object, says: str) -> None:
    with pytest.raises(ArgumentError, match=re.escape(says)):
        call()  # type: ignore[operator]


def test_the_formats_are_a_read_only_mapping() -> None:
    assert list(FORMATS) == ["text", "json", "github", "oss-xml"]
    assert all(callable(function) for function in FORMATS.values())
    with pytest.raises(TypeError):
        FORMATS["sarif"] = FORMATS["json"]  # type: ignore[index]
