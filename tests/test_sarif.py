"""SARIF 2.1.0 logs: the library's ``oss_process.sarif`` and ``lint --format sarif``.

Every log made here is validated against the official schema; expected columns, URIs and
lines are worked out by hand from the input.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import jsonschema
import pytest

import oss_process
from oss_process import CODES, Diagnostic, Span, cli
from oss_process.cli import batch
from oss_process.cli.work import Chunk
from oss_process.sarif import FINGERPRINT, Located, artifact_uri, place_in_line, sarif_json, sarif_log
from oss_process.scan._model import Place, Problem

# oasis-tcs/sarif-spec (GitHub), sarif-2.1/schema/sarif-schema-2.1.0.json at e0583813964ec43cea53b6b531b402866095ed1f: OASIS errata01
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@cache
def _validator() -> jsonschema.Draft7Validator:
    # The schema says draft-04; its keywords validate the same under Draft 7.
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def valid(log: object) -> Any:
    """The log as a SARIF consumer reads it (through its JSON text), checked against the schema."""
    text = sarif_json(log) if isinstance(log, dict) else str(log)
    parsed = json.loads(text)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(parsed)]
    assert not errors, errors
    return parsed


def _run(log: Any) -> Any:
    (run,) = log["runs"]
    return run


# A URI as RFC 3986 allows it: its characters, and '%' only before two hex digits.
_URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*")

E206 = Diagnostic("E206", "w: 0 is below the minimum, 1", Span(15, 16))
W208 = Diagnostic("W208", "w: leading zeros in 010", Span(15, 18), "write 10")


def test_the_schema_is_the_oasis_one_and_rejects_what_it_should() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    good = valid(sarif_log([]))
    bad = json.loads(json.dumps(good))
    bad["runs"][0]["results"] = [{"ruleId": "E206", "level": "fatal", "message": {"text": "x"}}]
    assert not _validator().is_valid(bad)
    bad["runs"][0]["results"] = [{"ruleId": "E206"}]  # no message
    assert not _validator().is_valid(bad)


# --- The library ----------------------------------------------------------------------------


def test_an_empty_log_has_the_tool_the_rules_and_no_results() -> None:
    log = valid(sarif_log([]))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    run = _run(log)
    assert run["columnKind"] == "utf16CodeUnits"
    assert (run["results"], run["artifacts"]) == ([], [])
    driver = run["tool"]["driver"]
    assert driver["name"] == "oss-process"
    assert driver["informationUri"] == "https://pypi.org/project/oss-process/"
    assert driver["version"] == oss_process.__version__
    assert _run(valid(sarif_log([], tool_version="9.8.7")))["tool"]["driver"]["version"] == "9.8.7"


def test_rules_are_the_codes_in_use_with_their_titles_and_levels() -> None:
    rules = _run(valid(sarif_log([])))["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == [code for code, info in CODES.items() if info.retired is None]
    assert "E200" not in ids  # retired: W220 reports an unknown key
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["E206"]["shortDescription"]["text"] == "integer out of range"
    assert by_id["E206"]["defaultConfiguration"]["level"] == "error"
    assert by_id["W208"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["G003"]["defaultConfiguration"]["level"] == "warning"
    assert all(rule["defaultConfiguration"]["level"] == CODES[rule["id"]].severity.value for rule in rules)


def test_results_point_at_their_rule_with_its_level() -> None:
    place = Place(2, 16, 2, 17, 16, 17)
    log = valid(sarif_log([("a.txt", [Problem(E206, place), Problem(W208, place._replace(end_column=19, end_column_utf16=19))])]))
    run = _run(log)
    rules = run["tool"]["driver"]["rules"]
    error, warning = run["results"]
    assert (error["ruleId"], error["level"], warning["ruleId"], warning["level"]) == ("E206", "error", "W208", "warning")
    for result in (error, warning):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert rules[result["ruleIndex"]]["defaultConfiguration"]["level"] == result["level"]
    assert error["message"]["text"] == "w: 0 is below the minimum, 1"
    assert warning["message"]["text"] == "w: leading zeros in 010\nhint: write 10"


def test_a_retired_code_has_no_rule_index() -> None:
    retired = Diagnostic("E200", "unknown parameter", Span(0, 1))
    (result,) = _run(valid(sarif_log([("a.txt", [Problem(retired, Place(1, 1, 1, 2, 1, 2))])])))["results"]
    assert result["ruleId"] == "E200"
    assert "ruleIndex" not in result


def test_columns_are_utf16_code_units_after_a_character_outside_the_bmp() -> None:
    # "😀 image/resize,w_0": the '0' is code point 18 (emoji, space, 15 characters, then it),
    # UTF-16 unit 19 (the emoji is a surrogate pair).
    line = "😀 image/resize,w_0"
    assert line[17] == "0"
    place = Place(7, 18, 7, 19, 19, 20)
    assert place_in_line(line, 7, Span(17, 18)) == place
    (result,) = _run(valid(sarif_log([("src/app.py", [Problem(E206, place)])])))["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 7, "startColumn": 19, "endLine": 7, "endColumn": 20}


def test_place_in_line_counts_bmp_characters_once_and_pairs_twice() -> None:
    # "é" and "中" are one unit each; "𝄞" (U+1D11E) and "😀" two each.
    assert place_in_line("é中x", 1, Span(2, 3)) == Place(1, 3, 1, 4, 3, 4)
    assert place_in_line("𝄞😀x", 1, Span(2, 3)) == Place(1, 3, 1, 4, 5, 6)
    assert place_in_line("a😀", 1, Span(1, 2)) == Place(1, 2, 1, 3, 2, 4)  # the pair itself
    assert place_in_line("😀ab", 4, Span(3, 3)) == Place(4, 4, 4, 4, 5, 5)  # empty: an insertion point
    assert place_in_line("😀", 1, Span(3, 5)) == Place(1, 4, 1, 6, 5, 7)  # past a line cut short


@pytest.mark.parametrize(
    ("path", "uri", "base"),
    [
        ("media/list.directives", "media/list.directives", "%SRCROOT%"),
        ("./media/list.directives", "media/list.directives", "%SRCROOT%"),
        ("my media/a b.txt", "my%20media/a%20b.txt", "%SRCROOT%"),
        ("données/é.txt", "donn%C3%A9es/%C3%A9.txt", "%SRCROOT%"),
        ("😀.txt", "%F0%9F%98%80.txt", "%SRCROOT%"),
        ("100%.txt", "100%25.txt", "%SRCROOT%"),
        ("q?#[x].txt", "q%3F%23%5Bx%5D.txt", "%SRCROOT%"),
        ("c:d/e.txt", "c%3Ad/e.txt", "%SRCROOT%"),  # not read as the scheme "c"
        ("../up/a.txt", "../up/a.txt", "%SRCROOT%"),
        ("/srv/media dir/a.txt", "file:///srv/media%20dir/a.txt", None),
        ("C:\\media\\a b.txt", "file:///C:/media/a%20b.txt", None),
        ("C:/media/a.txt", "file:///C:/media/a.txt", None),
        ("bad\udcff.txt", "bad%FF.txt", "%SRCROOT%"),  # a file name that is not UTF-8: its byte
    ],
)
def test_artifact_uris(path: str, uri: str, base: str | None) -> None:
    assert artifact_uri(path) == (uri, base)
    assert _URI_CHARS.fullmatch(uri)
    run = _run(valid(sarif_log([(path, [Problem(E206, Place(1, 16, 1, 17, 16, 17))])])))
    expected = {"uri": uri} if base is None else {"uri": uri, "uriBaseId": base}
    assert run["artifacts"] == [{"location": expected, "roles": ["analysisTarget"]}]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {**expected, "index": 0}


def test_each_file_is_one_artifact_whatever_the_number_of_findings() -> None:
    place = Place(1, 16, 1, 17, 16, 17)
    findings = [("a.txt", [Problem(E206, place)]), ("b.txt", []), ("a.txt", [Problem(W208, place)]), ("c.txt", [Problem(E206, place)])]
    run = _run(valid(sarif_log(findings)))
    assert [a["location"]["uri"] for a in run["artifacts"]] == ["a.txt", "b.txt", "c.txt"]
    located = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert [(where["uri"], where["index"]) for where in located] == [("a.txt", 0), ("a.txt", 0), ("c.txt", 2)]


def test_two_spellings_of_one_path_are_one_artifact() -> None:
    problem = Problem(E206, Place(1, 16, 1, 17, 16, 17))
    run = _run(valid(sarif_log([("./a.txt", [problem]), ("a.txt", [problem])])))
    assert run["artifacts"] == [{"location": {"uri": "a.txt", "uriBaseId": "%SRCROOT%"}, "roles": ["analysisTarget"]}]
    first, second = (r["partialFingerprints"][FINGERPRINT] for r in run["results"])
    assert (first[:-2], first[-2:], second[-2:]) == (second[:-2], ":1", ":2")  # one file: the same problem twice


def test_a_label_is_an_artifact_with_no_uri() -> None:
    place = Place(3, 16, 3, 17, 16, 17)
    run = _run(valid(sarif_log([Located("<stdin>", [Problem(E206, place)], is_file=False), ("<stdin>", [Problem(E206, place)])])))
    # The label and a file of that name are two artifacts.
    assert run["artifacts"] == [
        {"description": {"text": "<stdin>"}, "roles": ["analysisTarget"]},
        {"location": {"uri": "%3Cstdin%3E", "uriBaseId": "%SRCROOT%"}, "roles": ["analysisTarget"]},
    ]
    label, file = (r["locations"][0]["physicalLocation"] for r in run["results"])
    assert label == {"artifactLocation": {"index": 0, "description": {"text": "<stdin>"}}, "region": _region(3, 16, 17)}
    assert file["artifactLocation"] == {"uri": "%3Cstdin%3E", "uriBaseId": "%SRCROOT%", "index": 1}


def _region(line: int, column: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column, "endLine": line, "endColumn": end_column}


def _fingerprints(*located: Located) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT] for r in _run(valid(sarif_log(located)))["results"]]


def test_fingerprints_follow_the_text_not_the_line_number() -> None:
    text = "image/resize,w_0"
    on_2, on_40 = Place(2, 16, 2, 17, 16, 17), Place(40, 26, 40, 27, 26, 27)
    (moved,) = _fingerprints(Located("a.txt", [Problem(E206, on_2)], text))
    (back,) = _fingerprints(Located("a.txt", [Problem(E206, on_40)], text))
    assert moved == back
    assert re.fullmatch(r"[0-9a-f]{32}:1", moved)
    (other_path,) = _fingerprints(Located("b.txt", [Problem(E206, on_2)], text))
    (other_text,) = _fingerprints(Located("a.txt", [Problem(E206, on_2)], "image/resize,w_0,h_0"))
    (other_code,) = _fingerprints(Located("a.txt", [Problem(Diagnostic("E207", "w: 0 is not allowed", Span(15, 16)), on_2)], text))
    assert len({moved, other_path, other_text, other_code}) == 4


def test_the_same_problem_twice_in_a_file_is_told_apart_by_a_count() -> None:
    text = "image/resize,w_0"
    problem = Problem(E206, Place(2, 16, 2, 17, 16, 17))
    first, second, elsewhere = _fingerprints(
        Located("a.txt", [problem], text),
        Located("a.txt", [problem._replace(place=Place(9, 1, 9, 2, 1, 2))], text),
        Located("b.txt", [problem], text),
    )
    assert first.split(":")[0] == second.split(":")[0]
    assert (first[-2:], second[-2:], elsewhere[-2:]) == (":1", ":2", ":1")
    # Without a text the message is hashed: two messages, two fingerprints.
    plain = _fingerprints(
        Located("a.txt", [problem]),
        Located("a.txt", [Problem(Diagnostic("E206", "h: 0 is below the minimum, 1", Span(15, 16)), problem.place)]),
    )
    assert plain[0].split(":")[0] != plain[1].split(":")[0]


def test_a_json_text_that_stays_ascii() -> None:
    problem = Problem(Diagnostic("E017", "unexpected '😀' and a byte \udcff", Span(0, 1)), Place(1, 1, 1, 2, 1, 3))
    text = sarif_json(sarif_log([Located("é.txt", [problem], "😀\udcff")]))
    assert text.isascii()
    assert text.endswith("}\n")
    assert _run(valid(text))["results"][0]["message"]["text"] == "unexpected '😀' and a byte \udcff"


# --- lint --format sarif --------------------------------------------------------------------


class Lint(Protocol):
    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, Any, str]: ...


@pytest.fixture
def lint(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Lint:
    """``lint(*argv, stdin="")``: ``cli.main(["lint", "--format", "sarif", *argv])`` in this
    process; its status, its log (validated) and its stderr."""

    def invoke(*argv: str, stdin: str = "") -> tuple[int, Any, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
        capsys.readouterr()
        status = cli.main(["lint", "--format", "sarif", *argv])
        captured = capsys.readouterr()
        return status, valid(captured.out), captured.err

    monkeypatch.delenv("NO_COLOR", raising=False)
    return invoke


LINES = [
    "# directives",  # 1: a comment, skipped
    "image/resize,w_0",  # 2: E206 at the '0', offset 15
    "x-oss-process=image%2Fresize%2Cw_0",  # 3: the '0' after "x-oss-process=" (14) and "image%2Fresize%2Cw_" (19)
    "a 😀.jpg?x-oss-process=image/resize,w_0",  # 4: "a 😀.jpg?" (8) and "x-oss-process=" (14), then 15
    "image/resize,w_100",  # 5: clean
]


def _where(result: Any) -> tuple[Any, int, int, int, int]:
    location = result["locations"][0]["physicalLocation"]
    region = location["region"]
    return location["artifactLocation"], region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]


def test_lint_sarif_locates_each_problem_in_the_line_as_written(lint: Lint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "media dir").mkdir()
    (tmp_path / "media dir" / "list.directives").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    status, log, err = lint("--files", "media dir/list.directives")
    assert (status, err) == (1, "")
    run = _run(log)
    here = {"uri": "media%20dir/list.directives", "uriBaseId": "%SRCROOT%", "index": 0}
    assert run["artifacts"] == [{"location": {"uri": "media%20dir/list.directives", "uriBaseId": "%SRCROOT%"}, "roles": ["analysisTarget"]}]
    assert [(r["ruleId"], r["level"]) for r in run["results"]] == [("E206", "error")] * 3
    assert [_where(r) for r in run["results"]] == [
        (here, 2, 16, 2, 17),
        (here, 3, 34, 3, 35),
        (here, 4, 39, 4, 40),  # code point column 38: the emoji is two UTF-16 units
    ]
    assert LINES[2][33] == "0"
    assert LINES[3][37] == "0"
    assert run["results"][1]["message"]["text"] == "w: 0 is below the minimum, 1"


def test_lint_sarif_for_arguments_and_stdin_names_no_file(lint: Lint) -> None:
    status, log, _ = lint("image/resize,w_100", "image/resize,w_0", "-", stdin="# c\nimage/resize,w_010\n")
    assert status == 1
    run = _run(log)
    assert run["artifacts"] == [
        {"description": {"text": "<arg>"}, "roles": ["analysisTarget"]},
        {"description": {"text": "<stdin>"}, "roles": ["analysisTarget"]},
    ]
    error, warning = run["results"]
    # The second argument; the second line of standard input.
    assert _where(error) == ({"index": 0, "description": {"text": "<arg>"}}, 2, 16, 2, 17)
    assert _where(warning) == ({"index": 1, "description": {"text": "<stdin>"}}, 2, 16, 2, 19)
    assert (warning["ruleId"], warning["level"]) == ("W208", "warning")


def test_lint_sarif_exit_status_is_that_of_the_other_formats(lint: Lint, tmp_path: Path) -> None:
    status, log, _ = lint("image/resize,w_100")
    assert (status, _run(log)["results"], _run(log)["artifacts"]) == (0, [], [])
    assert lint("image/resize,w_010")[0] == 0  # a warning passes
    assert lint("--strict", "image/resize,w_010")[0] == 1
    missing = tmp_path / "missing.txt"
    status, log, err = lint("--files", str(missing), "-", stdin="image/resize,w_0\n")
    assert status == 2
    assert err.startswith(f"oss-process: cannot read {missing}: ")
    assert [r["ruleId"] for r in _run(log)["results"]] == ["E206"]  # the batch went on, and the log is whole


def test_lint_sarif_with_an_absolute_path(lint: Lint, tmp_path: Path) -> None:
    path = tmp_path / "é.txt"
    path.write_text("image/resize,w_0\n", encoding="utf-8")
    status, log, _ = lint("--files", str(path))
    assert status == 1
    where, *_ = _where(_run(log)["results"][0])
    assert where == {"uri": path.as_uri(), "index": 0}
    assert where["uri"].endswith("/%C3%A9.txt")


def test_fix_is_refused_with_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lint", "--fix", "--format", "sarif", "image/resize,w_0"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "oss-process lint: error: --fix prints text: it cannot be combined with --format sarif\n")


def test_two_jobs_give_the_same_log_as_one(lint: Lint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small chunks, so that the lines are spread over many chunks and both workers.
    monkeypatch.setattr(batch, "_FIRST_CHUNK_BYTES", 64)
    monkeypatch.setattr(batch, "_CHUNK_BYTES", 256)
    chunks = 0
    stream_chunks = batch._stream_chunks

    def counted(*args: Any) -> Iterator[Chunk]:
        nonlocal chunks
        for chunk in stream_chunks(*args):
            chunks += 1
            yield chunk

    monkeypatch.setattr(batch, "_stream_chunks", counted)
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("\n".join(LINES * 40) + "\n", encoding="utf-8")
    second.write_text("image/resize,w_010\n" * 30, encoding="utf-8")
    one = lint("--files", str(first), str(second))
    two = lint("--jobs", "2", "--files", str(first), str(second))
    assert one == two
    assert chunks > 2 * 10  # both runs
    results = _run(one[1])["results"]
    assert len(results) == 3 * 40 + 30
    assert [_where(r)[1] for r in results[:6]] == [2, 3, 4, 7, 8, 9]  # line numbers across chunks, in order
    counts = [r["partialFingerprints"][FINGERPRINT].split(":")[1] for r in results[:6]]
    assert counts == ["1", "1", "1", "2", "2", "2"]  # the same lines again, told apart
