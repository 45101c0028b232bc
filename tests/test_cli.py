"""The command line, driven through its real entry points: ``main(argv)`` with captured
standard streams, and ``python -m oss_process`` in a subprocess where a process matters
(exit codes, pipes, terminals, signals, worker processes).

Expected values are derived from the library or the tables, or worked out by hand from
the input (columns, line numbers, canonical forms), never copied from the CLI's output.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, NamedTuple, Protocol

import pytest

import oss_process
from oss_process import cli
from oss_process.cli import explain as cli_explain
from oss_process.cli import reading, verdicts
from oss_process.tables import lookup
from oss_process.tables.variables import PER_OPERATION, PUBLIC
from tests.corpus import unchecked_sync_action
from tests.helpers import b64

ROOT = Path(__file__).resolve().parent.parent

# The seed page's two RESTful examples; the second as printed, with a space after a comma.
SEED_FIRST = (
    "audio/convert,ss_10000,t_60000,f_aac,ab_96000"
    "|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
)
SEED_SECOND = (
    "audio/convert,f_opus,ab_96000,ar_48000,ac_2|sys/saveas,b_b3V0YnVja2V0, o_b3V0b2JqLnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
)
CLEAN = f"audio/convert,f_aac,ab_96000|sys/saveas,o_{b64('dest.aac')}"
# In table order (f before ab), without the default ss_0, without Base64 padding.
UNORDERED = f"audio/convert,ab_96000,ss_0,f_aac|sys/saveas,o_{b64('dest.aac')}="
UNORDERED_CANONICAL = CLEAN

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Ran(NamedTuple):
    status: int
    out: str
    err: str


class Runner(Protocol):
    def __call__(self, *argv: str, stdin: bytes = b"") -> Ran: ...


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    """``run(*argv, stdin=b"")``: ``cli.main`` in this process, its streams captured."""

    def invoke(*argv: str, stdin: bytes = b"") -> Ran:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        capsys.readouterr()
        status = cli.main(list(argv))
        captured = capsys.readouterr()
        return Ran(status, captured.out, captured.err)

    monkeypatch.delenv("NO_COLOR", raising=False)
    return invoke


def python_m(*argv: str, stdin: bytes = b"", env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """``python -m oss_process ARGV`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "oss_process", *argv],
        input=stdin,
        capture_output=True,
        env=_env(env),
        timeout=timeout,
        check=False,
    )


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, **(extra or {})}


LOCATED = re.compile(r"\S+:\d+:\d+: (error|warning)\[")


def blocks(text: str) -> list[list[str]]:
    """Rendered diagnostics: blocks of lines separated by a blank line, the summary left out."""
    return [block.split("\n") for block in text.strip("\n").split("\n\n") if LOCATED.match(block)]


def carets_under(block: list[str]) -> str:
    """The characters of the shown input that the caret line marks."""
    shown, marks = block[1], block[2]
    return "".join(char for char, mark in zip(shown, marks, strict=False) if mark == "^")


# --- lint ----------------------------------------------------------------------------------


def test_lint_seed_first_warns_at_the_object_name_and_passes(run: Runner) -> None:
    result = run("lint", SEED_FIRST)
    assert result.status == 0
    (block,) = blocks(result.out)
    value = "b3V0b2JqcHJlZml4LnthdXRvZXh0fQo"
    column = SEED_FIRST.index(value) + 1
    assert block[0].startswith(f"<arg>:1:{column}: warning[W305]: o: ")
    assert carets_under(block) == value
    assert block[3].startswith("    hint: ")
    assert result.out.rstrip().endswith("1 directive checked: 0 errors and 1 warning, 0 invalid.")


def test_lint_seed_second_fails_at_the_space(run: Runner) -> None:
    result = run("lint", SEED_FIRST, SEED_SECOND)
    assert result.status == 1
    error = next(block for block in blocks(result.out) if "error[" in block[0])
    assert error[0].startswith(f"<arg>:2:{SEED_SECOND.index(' ') + 1}: error[E012]: ")
    assert carets_under(error) == " "
    assert error[3] == "    hint: remove it: a directive contains no whitespace"


def test_lint_text_matches_the_library_rendering(run: Runner) -> None:
    """The CLI adds only a location: the rest is Diagnostic.render."""
    result = run("lint", SEED_SECOND)
    diagnostics = oss_process.lint(SEED_SECOND)
    # The space, and (the rest still checked) the object name's trailing newline.
    assert [d.code for d in diagnostics] == ["E012", "W305"]
    rendered = "".join(f"<arg>:1:{d.span.start + 1}: {d.render(SEED_SECOND)}\n\n" for d in diagnostics)
    assert result.out.startswith(rendered)


def test_lint_text_shows_a_long_span_as_the_library_does(run: Runner) -> None:
    """The line after a long span is shown, not cut where the span's first 80 characters end."""
    text = "k" * 100 + "image/resize,w_1"  # one unknown category, 105 characters long
    result = run("lint", text)
    (diagnostic,) = oss_process.lint(text)
    assert result.out.startswith(f"<arg>:1:1: {diagnostic.render(text)}\n\n")
    (block,) = blocks(result.out)
    assert block[1] == "    " + text  # 116 characters: within the 60 shown after the carets
    assert block[2] == "    " + "^" * 60


def test_lint_exit_status_warnings_pass_unless_strict(run: Runner) -> None:
    assert run("lint", CLEAN).status == 0
    assert run("lint", SEED_FIRST).status == 0
    assert run("lint", "--strict", SEED_FIRST).status == 1
    assert run("lint", "--strict", CLEAN).status == 0
    assert run("lint", "audio/convert,f_wav").status == 1


def test_lint_clean_input_says_so(run: Runner) -> None:
    result = run("lint", CLEAN, CLEAN)
    assert (result.status, result.out, result.err) == (0, "2 directives checked: no problems.\n", "")


def test_mode_option(run: Runner) -> None:
    convert = "audio/convert,f_aac"  # asynchronous only
    assert run("lint", "--mode", "async", convert).status == 0
    sync = run("lint", "--mode", "sync", convert)
    assert sync.status == 1
    assert "error[E103]" in sync.out


@pytest.mark.parametrize(
    "argv",
    [
        ["lint", "--bogus"],
        ["lint", "--mode", "fast", CLEAN],
        ["lint", "--format", "xml", CLEAN],
        ["lint", "--jobs", "two", CLEAN],
        ["lint", "--jobs", "-1", CLEAN],
        ["lint", "--fix", "--format", "json", CLEAN],
        ["canon", "--format", "github", CLEAN],
        ["explain"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2(run: Runner, argv: list[str]) -> None:
    result = run(*argv)
    assert result.status == 2
    assert "error" in result.err
    assert result.out == ""


def test_version(run: Runner) -> None:
    result = run("--version")
    assert (result.status, result.out) == (0, f"oss-process {oss_process.__version__}\n")


@pytest.mark.parametrize("command", [[], ["lint"], ["canon"], ["explain"]])
def test_help_on_every_command_has_an_example(run: Runner, command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.status == 0
    assert "example" in result.out
    assert f"oss-process {command[0] if command else 'lint'} " in result.out


def test_colour_only_when_asked_or_on_a_terminal(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = run("lint", SEED_SECOND)
    assert not ANSI.search(plain.out)  # captured output is no terminal
    coloured = run("lint", "--color", "always", SEED_SECOND)
    assert "\x1b[31m" in coloured.out  # errors in red
    assert ANSI.sub("", coloured.out) == plain.out
    monkeypatch.setenv("NO_COLOR", "1")
    assert run("lint", "--color", "always", SEED_SECOND).out == coloured.out  # the flag wins


# --- canon ---------------------------------------------------------------------------------


def test_canon_prints_one_canonical_string_per_input(run: Runner) -> None:
    result = run("canon", UNORDERED, SEED_FIRST)
    assert result.status == 0
    assert result.out == f"{UNORDERED_CANONICAL}\n{SEED_FIRST}\n"
    assert result.err == ""


def test_canon_invalid_input_goes_to_stderr_and_keeps_its_line_empty(run: Runner) -> None:
    result = run("canon", CLEAN, SEED_SECOND, UNORDERED)
    assert result.status == 1
    assert result.out.split("\n") == [CLEAN, "", UNORDERED_CANONICAL, ""]
    assert f"<arg>:2:{SEED_SECOND.index(' ') + 1}: error[E012]" in result.err
    assert "1 of 3 directives invalid: its line is left empty." in result.err


def test_canon_go_sample_drops_padding(run: Runner) -> None:
    go = "audio/convert,ss_10000,t_60000,f_aac,ab_96000|sys/saveas,b_ZXhhbXBsZWJ1Y2tldA==,o_ZGVzdC5hYWM=/notify,topic_QXVkaW9Db252ZXJ0"
    expected = go.replace("==", "").replace("=", "")
    assert run("canon", go).out == expected + "\n"


def test_canon_jsonl_and_json(run: Runner) -> None:
    jsonl = run("canon", "--format", "jsonl", UNORDERED, SEED_SECOND)
    assert jsonl.status == 1
    first, second = (json.loads(line) for line in jsonl.out.splitlines())
    assert (first["line"], first["verdict"], first["canonical"]) == (1, "warning", UNORDERED_CANONICAL)
    assert (second["line"], second["verdict"], second["canonical"]) == (2, "error", None)
    document = json.loads(run("canon", "--format", "json", UNORDERED, SEED_SECOND).out)
    assert [r["canonical"] for r in document["results"]] == [UNORDERED_CANONICAL, None]
    # UNORDERED's padding (W302); SEED_SECOND's space (E012) and its object name's newline (W305).
    assert document["summary"] == {"directives": 2, "invalid": 1, "errors": 1, "warnings": 2}


# --- Formats -------------------------------------------------------------------------------


def test_jsonl_has_one_record_per_input_line(run: Runner) -> None:
    stdin = f"{CLEAN}\n# a comment\n\n{SEED_SECOND}\n{SEED_FIRST}\n".encode()
    result = run("lint", "--format", "jsonl", stdin=stdin)
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["source"], r["line"], r["verdict"]) for r in records] == [
        ("<stdin>", 1, "ok"),
        ("<stdin>", 4, "error"),
        ("<stdin>", 5, "warning"),
    ]
    assert [r["input"] for r in records] == [CLEAN, SEED_SECOND, SEED_FIRST]
    assert records[0]["canonical"] == CLEAN
    assert records[1]["canonical"] is None
    space, newline = records[1]["diagnostics"]
    at = SEED_SECOND.index(" ")
    assert space == {
        "code": "E012",
        "severity": "error",
        "title": oss_process.CODES["E012"].title,
        "message": "unexpected space after ','",
        "hint": "remove it: a directive contains no whitespace",
        "start": at,
        "end": at + 1,
        "column": at + 1,
        "end_column": at + 2,
    }
    # What follows the space is still checked: the object name ends with a newline.
    value = "b3V0b2JqLnthdXRvZXh0fQo"
    assert (newline["code"], newline["start"], newline["end"]) == ("W305", SEED_SECOND.index(value), SEED_SECOND.index(value) + len(value))
    assert result.status == 1


def test_json_is_one_document_with_a_summary(run: Runner) -> None:
    result = run("lint", "--format", "json", CLEAN, SEED_SECOND, SEED_FIRST)
    document = json.loads(result.out)
    assert [r["verdict"] for r in document["results"]] == ["ok", "error", "warning"]
    # SEED_SECOND: E012 and W305; SEED_FIRST: W305.
    assert document["summary"] == {"directives": 3, "invalid": 1, "errors": 1, "warnings": 2}
    empty = json.loads(run("lint", "--format", "json", stdin=b"# nothing\n").out)
    assert empty == {"results": [], "summary": {"directives": 0, "invalid": 0, "errors": 0, "warnings": 0}}


GITHUB = re.compile(r"::(error|warning) ((?:[a-zA-Z]+=[^,:]*,?)+)::(.*)")


def unchecked_sync() -> str:
    return unchecked_sync_action()


def github_annotations(run: Runner, path: Path) -> list[tuple[str, dict[str, str], str]]:
    """``lint --format github`` of the file: each line's (severity, properties, message)."""
    result = run("lint", "--format", "github", "--files", str(path))
    assert result.status == 1
    annotations = []
    for line in result.out.splitlines():
        match = GITHUB.fullmatch(line)
        assert match is not None, line
        properties = dict(item.split("=", 1) for item in match.group(2).split(","))
        annotations.append((match.group(1), properties, match.group(3)))
    return annotations


def test_github_annotations(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "directives.txt"
    path.write_text(f"# header\n{CLEAN}\n{SEED_SECOND}\n")
    error, newline = github_annotations(run, path)
    at = SEED_SECOND.index(" ") + 1
    assert error[0] == "error"
    assert error[1] == {
        "file": str(path).replace(":", "%3A"),
        "line": "3",
        "endLine": "3",
        "col": str(at),
        "endColumn": str(at),
        "title": "E012 " + oss_process.CODES["E012"].title,
    }
    assert error[2] == "unexpected space after ','%0Ahint: remove it: a directive contains no whitespace"
    # The rest of the line is still checked: its object name ends with a newline.
    value = "b3V0b2JqLnthdXRvZXh0fQo"
    assert (newline[0], newline[1]["line"], newline[1]["col"]) == ("warning", "3", str(SEED_SECOND.index(value) + 1))
    assert newline[1]["title"] == "W305 " + oss_process.CODES["W305"].title


def test_github_annotations_escape_a_colon_in_the_title(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "directives.txt"
    path.write_text(f"# header\n{CLEAN}\n{SEED_SECOND}\n{unchecked_sync()},w_1\n")
    (error, newline, warning) = github_annotations(run, path)
    assert (error[0], error[1]["line"]) == ("error", "3")
    assert (newline[0], newline[1]["line"], newline[1]["title"].split()[0]) == ("warning", "3", "W305")
    # A title with ':' in it is escaped, as the workflow-command syntax requires.
    assert warning[0] == "warning"
    assert warning[1]["title"] == "W102 " + oss_process.CODES["W102"].title.replace(":", "%3A")
    assert warning[1]["line"] == "4"


def test_github_annotations_for_stdin_name_no_file(run: Runner) -> None:
    result = run("lint", "--format", "github", stdin=SEED_SECOND.encode())
    assert result.out.startswith("::error line=1,")


# --- Input: stdin, files, form fields ------------------------------------------------------


def test_no_argument_or_dash_reads_stdin(run: Runner) -> None:
    stdin = f"{CLEAN}\n{SEED_SECOND}\n".encode()
    for argv in (["lint"], ["lint", "-"]):
        result = run(*argv, stdin=stdin)
        assert result.status == 1
        assert f"<stdin>:2:{SEED_SECOND.index(' ') + 1}: error[E012]" in result.out


def test_arguments_and_stdin_mixed_in_order(run: Runner) -> None:
    result = run("canon", UNORDERED, "-", CLEAN, stdin=f"{SEED_FIRST}\n".encode())
    assert result.out.split("\n") == [UNORDERED_CANONICAL, SEED_FIRST, CLEAN, ""]


def test_crlf_line_endings(run: Runner) -> None:
    result = run("canon", stdin=f"{UNORDERED}\r\n{CLEAN}\r\n".encode())
    assert (result.status, result.out) == (0, f"{UNORDERED_CANONICAL}\n{CLEAN}\n")


def test_files_locate_each_diagnostic_as_path_line_col(run: Runner, tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(f"# audio jobs\n\n{CLEAN}\n  {SEED_SECOND}\n")
    second.write_text(f"{SEED_FIRST}\naudio/convert,f_aac,ab_500|sys/saveas,o_YQ\n")
    result = run("lint", "--files", str(first), str(second))
    assert result.status == 1
    located = re.findall(r"^(.+?):(\d+):(\d+): (error|warning)\[(\w+)\]", result.out, re.MULTILINE)
    lines = {str(first): first.read_text().split("\n"), str(second): second.read_text().split("\n")}
    found = []
    for path, line, column, severity, code in located:
        text = lines[path][int(line) - 1]
        found.append((Path(path).name, int(line), severity, code, text[int(column) - 1 :][:3]))
    assert found == [
        ("a.txt", 4, "error", "E012", "  a"),  # the leading spaces, one diagnostic for the run
        ("a.txt", 4, "error", "E012", " o_"),  # the space after a comma: every syntax error is reported
        ("a.txt", 4, "warning", "W305", "b3V"),  # and the rest still checked
        ("b.txt", 1, "warning", "W305", "b3V"),
        ("b.txt", 2, "error", "E206", "500"),
    ]
    assert result.out.rstrip().endswith("4 directives checked: 3 errors and 2 warnings, 2 invalid.")


def test_unreadable_file_exits_2_and_the_batch_goes_on(run: Runner, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SEED_SECOND + "\n")
    result = run("lint", "--files", str(tmp_path / "missing.txt"), str(good))
    assert result.status == 2
    assert f"cannot read {tmp_path / 'missing.txt'}" in result.err
    assert f"{good}:1:" in result.out


@pytest.mark.parametrize(
    ("line", "mode"),
    [
        ("x-oss-async-process=audio/convert,f_aac|sys/saveas,o_ZGVzdC5hYWM", "async"),
        ("x-oss-async-process=audio%2Fconvert%2Cf_aac%7Csys%2Fsaveas%2Co_ZGVzdC5hYWM", "async"),
        ("x-oss-process=image%2Fresize%2Cw_100", "sync"),
        ("?x-oss-process=image/resize,w_100", "sync"),
    ],
)
def test_form_fields_raw_or_percent_encoded(run: Runner, line: str, mode: str) -> None:
    record = json.loads(run("lint", "--format", "jsonl", line).out)
    value = line.split("=", 1)[1].replace("%2F", "/").replace("%2C", ",").replace("%7C", "|")
    assert (record["mode"], record["directive"]) == (mode, value)
    assert all(d["severity"] == "warning" for d in record["diagnostics"])


def test_json_gives_the_mode_lint_assumed_and_where_it_came_from(run: Runner) -> None:
    sync_only = f"{unchecked_sync_action()},w_1"
    lines = ["audio/convert,f_aac", sync_only, "sys/saveas,o_ZGVzdC5hYWM", "audio/convert, f_aac", "x-oss-process=audio/convert,f_aac"]
    records = [json.loads(line) for line in run("lint", "--format", "jsonl", *lines).out.splitlines()]
    assert [(r["mode"], r["mode_from"]) for r in records] == [
        ("async", "actions"),  # audio/convert runs only in x-oss-async-process: lint checked it there
        ("sync", "actions"),
        (None, None),  # runs in both: no check depended on a mode
        ("async", "actions"),  # a syntax error: what recovery left was checked, in the mode its actions need
        ("sync", "input"),
    ]
    document = json.loads(run("lint", "--format", "json", "--mode", "sync", "audio/convert,f_aac").out)
    assert [(r["mode"], r["mode_from"]) for r in document["results"]] == [("sync", "option")]
    # What lint assumed is what it checked: async-only rules (E104) apply.
    chained = json.loads(run("lint", "--format", "jsonl", "audio/convert,f_aac|audio/convert,f_mp3").out)
    assert (chained["mode"], [d["code"] for d in chained["diagnostics"]]) == ("async", ["W111", "E104", "W211", "W211"])


@pytest.mark.parametrize(
    "text",
    [
        "audio/convert,f_aac|audio/convert,f_mp3",
        SEED_FIRST,
        CLEAN,
        "<sync-only>,w_1|sys/saveas,o_ZGVzdC5qcGc",
        "audio/convert,f_aac|sys/saveas,o_ZGVzdC5hYWM|notify,topic_QXVkaW9Db252ZXJ0",
    ],
)
def test_the_assumed_mode_is_the_one_lint_checks_in(text: str) -> None:
    text = text.replace("<sync-only>", unchecked_sync_action()) if "<sync-only>" in text else text
    assumed = verdicts.assumed_mode(oss_process.parse(text))
    assert assumed is not None
    assert oss_process.lint(text) == oss_process.lint(text, mode=assumed)


def test_form_field_name_sets_the_mode(run: Runner) -> None:
    convert = "audio/convert,f_aac"
    assert run("lint", f"x-oss-async-process={convert}").status == 0
    sync = run("lint", "--format", "jsonl", f"x-oss-process={convert}")
    assert sync.status == 1
    assert [d["code"] for d in json.loads(sync.out)["diagnostics"]] == ["E103"]
    # The field wins over --mode for its own line.
    assert run("lint", "--mode", "sync", f"x-oss-async-process={convert}").status == 0


def test_percent_encoded_columns_point_into_the_line_as_written(run: Runner) -> None:
    line = "x-oss-async-process=audio%2Fconvert%2Cf_aac%2C%20ab_96000%7Csys%2Fsaveas%2Co_YQ"
    record = json.loads(run("lint", "--format", "jsonl", line).out)
    (space,) = record["diagnostics"]
    assert space["code"] == "E012"
    assert line[space["column"] - 1 :].startswith("%20")
    value = "audio/convert,f_aac, ab_96000|sys/saveas,o_YQ"
    assert (record["directive"], space["start"]) == (value, value.index(" "))


def test_the_caret_stands_under_the_line_as_written_where_the_column_counts(run: Runner) -> None:
    line = "x-oss-async-process=audio/convert,f_aac,%20ab_1|sys/saveas,o_YQ"
    column = line.index("%20") + 1  # 41
    block = (
        f"<arg>:1:{column}: error[E012]: unexpected space after ','\n"
        "    x-oss-async-process=audio/convert,f_aac,%20ab_1|sys/saveas,o_YQ\n"
        "                                            ^^^\n"  # all of '%20', under the column
        "    hint: remove it: a directive contains no whitespace\n"
        "\n"
    )
    assert run("lint", line).out.startswith(block)
    # What follows the space is still checked, its column in the line as written too.
    assert f"<arg>:1:{line.index('ab_1') + 4}: error[E206]" in run("lint", line).out
    assert run("canon", line).err.startswith(block)
    assert f"diagnostics:\n\n{block}" in run("explain", line).out
    github = run("lint", "--format", "github", line).out
    assert f"col={column},endColumn={column + 2}," in github  # the same extent: '%20'


def test_the_caret_stands_under_a_url_as_written(run: Runner) -> None:
    line = "a.mp3?x-oss-async-process=audio%2Fconvert%2Cf_aac%2Cab_1%7Csys%2Fsaveas%2Co_YQ&Expires=1"
    at = line.index("ab_1") + 3  # E206 spans the value
    assert run("lint", line).out.startswith(
        f"<arg>:1:{at + 1}: error[E206]: ab: 1 is below the minimum, 1000\n    {line}\n    {' ' * at}^\n"
    )


def test_raw_form_field_columns_count_the_field_name(run: Runner) -> None:
    line = "x-oss-process=image/resize,w_100 "
    result = run("lint", line)
    assert f"<arg>:1:{len(line)}: error[E012]" in result.out


URL = "https://bucket.oss-cn-hangzhou.aliyuncs.com/a.mp3"
SIGNED = "OSSAccessKeyId=LTAI&Expires=1700000000&Signature=ab%2Bc%3D"


@pytest.mark.parametrize(
    ("line", "mode", "directive"),
    [
        ("foo.jpg?x-oss-process=image/resize,w_1", "sync", "image/resize,w_1"),
        (f"{URL}?x-oss-async-process=audio%2Fconvert%2Cf_aac&{SIGNED}", "async", "audio/convert,f_aac"),
        (f"{URL}?versionId=v1&x-oss-process=image/resize,w_1#top", "sync", "image/resize,w_1"),
    ],
)
def test_a_url_or_key_with_its_query_is_read_as_the_directive_in_it(run: Runner, line: str, mode: str, directive: str) -> None:
    record = json.loads(run("lint", "--format", "jsonl", line).out)
    assert (record["input"], record["directive"], record["mode"]) == (line, directive, mode)
    assert all(d["severity"] == "warning" for d in record["diagnostics"])  # no E010 on '.' or ':'
    assert run("canon", line).out == oss_process.canonicalize(directive, mode=mode) + "\n"


def test_a_url_sets_the_mode_and_columns_count_the_url(run: Runner, tmp_path: Path) -> None:
    line = f"{URL}?x-oss-process=audio/convert,f_aac&{SIGNED}"
    path = tmp_path / "urls.txt"
    path.write_text(f"# pasted from a browser\n{line}\n", encoding="utf-8")
    result = run("lint", "--files", str(path))
    column = line.index("convert") + 1  # E103 spans the action
    assert result.out.startswith(f"{path}:2:{column}: error[E103]: audio/convert runs only in asynchronous processing")
    assert run("lint", "--mode", "async", line).status == 1  # the parameter's name wins over --mode
    model = json.loads(run("explain", "--format", "json", line.replace("x-oss-process=", "x-oss-async-process=")).out)
    assert (model["directive"], model["mode"], model["ok"]) == ("audio/convert,f_aac", "async", True)


def test_a_url_oss_would_not_run_is_reported_under_the_line(run: Runner) -> None:
    line = "a.jpg?x-oss-process=image/resize,w_1&x-oss-process=image/resize,w_2"
    result = run("lint", line, "a.jpg?X-Oss-Process=image/resize,w_1")
    assert result.status == 1
    assert result.out == (
        "<arg>:1:38: error[G004]: another process parameter, x-oss-process: OSS runs one directive per request\n"
        "    a.jpg?x-oss-process=image/resize,w_1&x-oss-process=image/resize,w_2\n"
        "                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "    hint: send a single x-oss-process or x-oss-async-process\n"
        "\n"
        "<arg>:2:7: error[E015]: 'X-Oss-Process' is not x-oss-process: OSS matches the name exactly and ignores this parameter\n"
        "    a.jpg?X-Oss-Process=image/resize,w_1\n"
        "          ^^^^^^^^^^^^^\n"
        "    hint: write the name in lower case: x-oss-process\n"
        "\n"
        "2 directives checked: 2 errors and 0 warnings, 2 invalid.\n"
    )


def test_fix_rewrites_the_directive_inside_the_url_but_never_a_signed_one(run: Runner) -> None:
    unsigned = f"{URL}?versionId=v1&x-oss-async-process=audio%2Fconvert%2Cab_96000%2Cf_aac&x=1#top"
    signed = f"{URL}?x-oss-async-process=audio/convert,ab_96000,%20f_aac&{SIGNED}"
    result = run("lint", "--fix", unsigned, signed)
    fixed = f"{URL}?versionId=v1&x-oss-async-process=audio%2Fconvert%2Cf_aac%2Cab_96000&x=1#top"
    assert result.out == f"{fixed}\n{signed}\n"  # a changed directive would break the signature
    assert result.status == 1  # the signed line keeps its error
    assert "fixed 1 directive" in result.err


# --- --fix ---------------------------------------------------------------------------------


def test_fix_removes_the_stray_space_and_canonicalizes(run: Runner) -> None:
    result = run("lint", "--fix", SEED_SECOND)
    without_space = SEED_SECOND.replace(", o_", ",o_")
    assert oss_process.lint(without_space, mode="async") != []  # a warning remains: W305
    assert result.out == oss_process.canonicalize(without_space) + "\n"
    assert result.status == 0  # no error left
    assert "warning[W305]" in result.err
    assert "fixed 1 directive" in result.err


def test_fix_reorders_drops_defaults_and_padding(run: Runner) -> None:
    result = run("lint", "--fix", UNORDERED, CLEAN)
    assert result.out == f"{UNORDERED_CANONICAL}\n{CLEAN}\n"
    assert result.status == 0


@pytest.mark.parametrize(
    "line",
    [
        "audio/convert,ss_10 000,f_aac",  # inside a value: joining the digits is a guess
        "audio/convert,f_aac, ab_5",  # the space goes, but ab_5 is still out of range
        "audio/convert,f_wav",  # no fix for a value that is not allowed
        "audio/convert,f_aac|image/resize,w_1",  # nor for actions that no request runs together
    ],
)
def test_fix_leaves_what_it_cannot_fix_safely(run: Runner, line: str) -> None:
    result = run("lint", "--fix", line)
    assert result.out == line + "\n"
    assert result.status == 1
    assert "error[" in result.err


def test_fix_never_changes_the_meaning(run: Runner) -> None:
    """Each fixed line means what the input meant with its stray whitespace gone."""
    lines = [
        SEED_FIRST,
        SEED_SECOND,
        UNORDERED,
        f" {CLEAN} ",
        "audio/convert , f_aac | sys/saveas , o_ZGVzdC5hYWM=",
        "audio/convert,ss_010,f_aac",
    ]
    fixed = run("lint", "--fix", *lines).out.splitlines()
    assert len(fixed) == len(lines)
    for before, after in zip(lines, fixed, strict=True):
        assert not [d for d in oss_process.lint(after) if d.is_error]
        squeezed = re.sub(r"\s", "", before)
        assert oss_process.canonicalize(after) == oss_process.canonicalize(squeezed) == after


def test_fix_keeps_comments_form_fields_and_broken_lines_byte_for_byte(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "directives.txt"
    overlong = b"audio/convert," + b"f" * (reading.LINE_BOUND * 3)
    content = [
        b"# comment \xff kept",
        b"",
        b"x-oss-async-process=audio%2Fconvert%2Cf_aac%2C%20ab_96000",
        b"x-oss-async-process=audio/convert, f_aac",
        b"audio/convert,f_\xffaac",
        overlong,
        UNORDERED.encode(),
    ]
    path.write_bytes(b"\n".join(content) + b"\n")
    stdout = io.BytesIO()
    wrapper = io.TextIOWrapper(stdout, encoding="utf-8", errors="surrogateescape", write_through=True)
    result = _main_with_stdout(["lint", "--fix", "--files", str(path)], wrapper)
    wrapper.flush()
    assert stdout.getvalue().split(b"\n") == [
        b"# comment \xff kept",
        b"",
        b"x-oss-async-process=audio%2Fconvert%2Cf_aac%2Cab_96000",  # fixed, still percent-encoded
        b"x-oss-async-process=audio/convert,f_aac",
        b"audio/convert,f_\xffaac",
        overlong,
        UNORDERED_CANONICAL.encode(),
        b"",
    ]
    assert result == 1  # the undecodable and the over-long lines remain


def _main_with_stdout(argv: list[str], stdout: io.TextIOWrapper) -> int:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, io.StringIO()
    try:
        return cli.main(argv)
    finally:
        sys.stdout, sys.stderr = saved


# --- Broken input --------------------------------------------------------------------------


def test_broken_lines_get_a_diagnostic_each_and_the_batch_goes_on(run: Runner) -> None:
    huge = b"a" * 1_000_000
    stdin = b"\n".join(
        [
            CLEAN.encode(),
            b"audio/convert,f_\xff\xfeaac",  # not UTF-8
            b"audio/con\x00vert,f_aac|sys/saveas,o_YQ",  # NUL
            huge,  # far past the bound: never read whole
            b"audio/convert,f_aac|" + "\u00e9".encode() * 9000,  # under the bound, over the limit
            b"",
            CLEAN.encode(),
        ]
    )  # and no newline at the end
    result = run("lint", "--format", "jsonl", stdin=stdin)
    records = [json.loads(line) for line in result.out.splitlines()]
    summary = [(r["line"], r["verdict"], [d["code"] for d in r["diagnostics"]]) for r in records]
    assert summary == [
        (1, "ok", []),
        (2, "error", ["E017"]),
        (3, "error", ["E017"]),
        (4, "error", ["E001"]),
        (5, "error", ["E001"]),
        (7, "ok", []),
    ]
    undecodable = records[1]["diagnostics"][0]
    assert "0xff" in undecodable["message"]
    assert undecodable["column"] == len("audio/convert,f_") + 1
    assert "1000000 characters" in records[3]["diagnostics"][0]["message"]
    assert records[3]["truncated"] is True
    assert len(records[3]["input"]) < reading.LINE_BOUND
    assert records[4]["diagnostics"][0]["column"] == oss_process.MAX_LENGTH + 1
    assert result.status == 1
    assert result.err == ""


def test_broken_input_text_output_stays_short(run: Runner) -> None:
    stdin = b"a" * 200_000 + b"\n" + b"audio/convert,f_aac|" + b"x" * 20_000 + b"\n"
    result = run("lint", stdin=stdin)
    assert result.status == 1
    assert [block[0].split(": ")[1] for block in blocks(result.out)] == ["error[E001]", "error[E001]"]
    assert len(result.out) < 2_000  # a caret line per character of the excess would be 20,000


def test_a_library_bug_costs_one_line_not_the_batch(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    real_lint = oss_process.lint

    def lint_that_breaks(text: str, *, mode: str | None = None, source: oss_process.Source | None = None) -> list[oss_process.Diagnostic]:
        if "boom" in text:
            raise RuntimeError("boom")
        return real_lint(text, mode=mode, source=source)

    monkeypatch.setattr(verdicts, "lint", lint_that_breaks)
    result = run("lint", "--format", "jsonl", CLEAN, "audio/boom", CLEAN)
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [[d["code"] for d in r["diagnostics"]] for r in records] == [[], ["E999"], []]
    assert "RuntimeError: boom" in records[1]["diagnostics"][0]["message"]
    assert result.status == 1


def test_a_bug_outside_the_batch_is_one_line_not_a_traceback(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    def check_that_breaks(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_explain, "check", check_that_breaks)
    result = run("explain", CLEAN)
    assert result.status == 3
    assert re.fullmatch(r"oss-process: internal error \(RuntimeError: boom\) at test_cli\.py:\d+; please report it\n", result.err)


class _RecordingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def readline(self, size: int | None = -1) -> bytes:
        assert size is not None
        assert 0 < size <= reading.LINE_BOUND
        line = super().readline(size)
        self.largest = max(self.largest, len(line))
        return line


def test_long_lines_are_read_in_bounded_chunks() -> None:
    characters = 3 * reading.LINE_BOUND + 5
    stream = _RecordingStream("\u00e9".encode() * characters + b"\nok\n")
    overlong, short = list(reading.read_lines(stream))
    assert isinstance(overlong, reading.Overlong)
    assert overlong.characters == characters
    assert short == b"ok"
    assert stream.largest <= reading.LINE_BOUND


class _Trickle(io.BytesIO):
    """A pipe's way: at most a few bytes for each read1, whatever was asked."""

    def read1(self, size: int | None = -1) -> bytes:
        return super().read1(min(7, size if size is not None and size >= 0 else 7))


_BOUND = reading.LINE_BOUND
# Lines around the bound (a CR at its edge among them), CRLF, no line break at the end.
_EDGES = [
    b"",
    b"ok\n",
    b"a\r\nb\n\n\r\n",
    b"x" * (_BOUND - 1) + b"\nok\n",
    b"x" * _BOUND + b"\nok\n",
    b"x" * (_BOUND - 1) + b"\r\nok",
    b"x" * (2 * _BOUND) + b"\r\n" + "\u00e9".encode() * _BOUND + b"\nend\r",
    b"ok\n" + b"y" * _BOUND,
    b"y" * (_BOUND - 1),
    b"\r",
]


@pytest.mark.parametrize("data", _EDGES, ids=range(len(_EDGES)))
@pytest.mark.parametrize("size", [1, 100, _BOUND, 1 << 18])
@pytest.mark.parametrize("first", [None, 3])
def test_blocks_hold_the_lines_read_lines_gives(data: bytes, size: int, first: int | None) -> None:
    expected = list(reading.read_lines(io.BytesIO(data)))
    for stream in (_RecordingStream(data), _Trickle(data)):
        found: list[reading.RawLine] = []
        for item in reading.read_blocks(stream, size, first=first):
            if isinstance(item, bytes):
                assert item  # an empty block would be a line that is not there
                found += reading.block_lines(item)
            else:
                found.append(item)
        assert found == expected


def test_a_pipe_a_file_and_two_jobs_print_the_same(run: Runner, tmp_path: Path) -> None:
    batch, _ = _batch(6_000)  # over 256 KiB: several blocks
    special = [
        b"# a comment",
        b"",
        CLEAN.encode() + b"\r",  # CRLF
        b"x-oss-async-process=audio%2Fconvert%2Cf_aac%2C%20ab_96000",
        b"https://b.oss-cn-hangzhou.aliyuncs.com/a.mp3?x-oss-async-process=" + SEED_SECOND.encode(),
        b"audio/convert,f_\xffaac",  # not UTF-8
        b"audio/convert," + b"f" * (2 * _BOUND),
    ]
    lines = batch.split(b"\n")[:-1]
    for at, line in zip(range(1_000, 6_000, 700), special, strict=False):
        lines[at] = line
    data = b"\xef\xbb\xbf" + b"\n".join(lines)  # a BOM, and no line break at the end
    piped = python_m("lint", stdin=data)  # a line at a time
    two = python_m("lint", "--jobs", "2", stdin=data)  # blocks as the pipe gives them
    read = run("lint", stdin=data)  # blocks of a stream that is no pipe
    assert piped.returncode == two.returncode == read.status == 1
    assert piped.stdout == two.stdout == read.out.encode()
    out = read.out
    assert "<stdin>:1:" not in out  # the BOM is not a stray character
    assert "<stdin>:1001:" not in out  # a comment
    assert "<stdin>:2401:" not in out  # clean, its CR taken off with the line break
    # Columns of the line as written: after the field name and the 26 characters before '%20'.
    assert re.search(r"^<stdin>:3101:47: error\[E012\]", out, re.M)
    url_column = len("https://b.oss-cn-hangzhou.aliyuncs.com/a.mp3?x-oss-async-process=") + SEED_SECOND.index(" ") + 1
    assert re.search(rf"^<stdin>:3801:{url_column}: error\[E012\]", out, re.M)
    assert re.search(r"^<stdin>:4501:\d+: error\[E017\]", out, re.M)
    assert re.search(r"^<stdin>:5201:\d+: error\[E001\]", out, re.M)
    # Every line but the comment and the blank one is a directive.
    assert re.search(rf"^{6_000 - 2:,} directives checked: ", out, re.M)


def test_no_traceback_for_hostile_arguments() -> None:
    hostile = ["\udcff\udcfe", "%" * 10_000, "|" * 300, "a" * 100_000, "x-oss-process=%ZZ", "x-oss-process="]
    finished = python_m("lint", "--format", "jsonl", *hostile)
    assert finished.returncode == 1
    assert finished.stderr == b""
    assert [json.loads(line)["verdict"] for line in finished.stdout.splitlines()] == ["error"] * len(hostile)


# --- explain -------------------------------------------------------------------------------


def test_explain_text_breaks_the_seed_example_down(run: Runner) -> None:
    result = run("explain", SEED_FIRST)
    assert result.status == 0
    text = result.out
    convert, saveas = lookup("audio", "convert"), lookup("sys", "saveas")
    assert convert is not None
    assert convert.spec is not None
    assert saveas is not None
    assert saveas.spec is not None
    rows = convert.spec.by_key
    assert "stage 1  audio" in text
    assert "stage 2  sys" in text
    assert f"  audio/convert: {convert.spec.summary}" in text
    assert f"    ss_10000\n      value     10000 {rows['ss'].unit}\n      meaning   {rows['ss'].meaning}" in text
    assert f"    f_aac\n      value     aac\n      meaning   {rows['f'].meaning}" in text
    # Not given: what that means, from the tables.
    assert f"    ar (not given)\n      omitted   {rows['ar'].when_omitted}" in text
    assert f"    abopt (not given)\n      default   {rows['abopt'].default}: {rows['abopt'].when_omitted}" in text
    # Base64 names decoded, template variables named.
    assert 'value     "outbucket" (decoded from URL-safe Base64)' in text
    assert 'value     "outobjprefix.{autoext}\\n" (decoded from URL-safe Base64)' in text
    assert f"variable  {{autoext}}: {PER_OPERATION['autoext']}" in text
    assert 'value     "AudioConvert" (decoded from URL-safe Base64)' in text
    assert text.startswith(f"directive  {SEED_FIRST}\nmode       async (x-oss-async-process): the only one its actions run in\ncanonical  ")
    assert f"canonical  {SEED_FIRST}" in text
    assert "warning[W305]" in text


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (("x-oss-async-process=audio/convert,f_aac",), "mode       async (x-oss-async-process)"),
        (("--mode", "sync", "audio/convert,f_aac"), "mode       sync (x-oss-process)"),
        (("audio/convert,f_aac",), "mode       async (x-oss-async-process): the only one its actions run in"),
        (("sys/saveas,o_ZGVzdC5hYWM",), "mode       either: x-oss-async-process (async) or x-oss-process (sync)"),
        (
            ("audio/convert,f_aac|<sync-only>,w_1",),
            "mode       none: no one request runs every action; checked as async, see the diagnostics",
        ),
    ],
)
def test_explain_says_the_mode_once(run: Runner, argv: tuple[str, ...], line: str) -> None:
    argv = tuple(a.replace("<sync-only>", unchecked_sync_action()) if "<sync-only>" in a else a for a in argv)
    head = run("explain", *argv).out.split("\ncanonical  ")[0]
    assert head.splitlines()[1:] == [line]  # one line, right after the directive
    assert "runs in    x-" not in head


def test_explain_json_gives_the_mode_and_where_it_came_from(run: Runner) -> None:
    def mode(*argv: str) -> tuple[object, object, object]:
        model = json.loads(run("explain", "--format", "json", *argv).out)
        return model["mode"], model["mode_from"], model["runs_in"]

    assert mode("audio/convert,f_aac") == ("async", "actions", ["async"])
    assert mode("x-oss-process=audio/convert,f_aac") == ("sync", "input", ["async"])
    assert mode("--mode", "sync", "audio/convert,f_aac") == ("sync", "option", ["async"])
    assert mode("sys/saveas,o_ZGVzdC5hYWM") == (None, None, ["async", "sync"])
    assert mode("audio/convert, f_aac") == (None, None, None)  # not parsed: nothing was assumed


def test_explain_json_gives_the_same_as_data(run: Runner) -> None:
    result = run("explain", "--format", "json", SEED_FIRST)
    model = json.loads(result.out)
    assert (model["ok"], model["canonical"], model["runs_in"]) == (True, SEED_FIRST, ["async"])
    audio, sys_stage = model["stages"]
    (convert,) = audio["actions"]
    saveas, notify = sys_stage["actions"]
    assert (convert["label"], saveas["label"], notify["label"]) == ("audio/convert", "sys/saveas", "sys/notify")
    parameters = {p["key"]: p for p in convert["parameters"]}
    assert [p["key"] for p in convert["parameters"] if p["given"]] == ["ss", "t", "f", "ab"]
    assert (parameters["ss"]["value"], parameters["ss"]["unit"], parameters["f"]["value"]) == (10000, "ms", "aac")
    assert parameters["ar"]["given"] is False
    assert parameters["abopt"]["default"] == "0"
    names = {p["key"]: p for p in saveas["parameters"]}
    assert (names["b"]["value"], names["b"]["base64"]) == ("outbucket", True)
    assert names["o"]["value"] == "outobjprefix.{autoext}\n"
    assert names["o"]["variables"] == [{"name": "autoext", "meaning": PER_OPERATION["autoext"], "prefix": None, "known": True}]
    assert notify["parameters"][0]["value"] == "AudioConvert"
    assert [d["code"] for d in model["diagnostics"]] == ["W305"]


def test_explain_invalid_directive(run: Runner) -> None:
    result = run("explain", "--format", "json", SEED_SECOND)
    assert result.status == 1
    model = json.loads(result.out)
    assert (model["ok"], model["stages"], model["canonical"]) == (False, None, None)
    assert [d["code"] for d in model["diagnostics"]] == ["E012", "W305"]  # the space; the rest still checked
    text = run("explain", "audio/convert,f_aac,ab_5")
    assert text.status == 1
    assert "ab_5\n      value     not valid: see the diagnostics" in text.out
    assert "error[E206]" in text.out


def test_explain_form_field_and_stdin(run: Runner) -> None:
    field = "x-oss-process=audio%2Fconvert%2Cf_aac"
    model = json.loads(run("explain", "--format", "json", field).out)
    assert (model["mode"], model["directive"], model["ok"]) == ("sync", "audio/convert,f_aac", False)
    from_stdin = run("explain", "-", stdin=f"# first line is a comment\n{CLEAN}\n".encode())
    assert from_stdin.status == 0
    assert f"directive  {CLEAN}" in from_stdin.out
    located = run("explain", "-", stdin=f"# a comment\n\n{SEED_SECOND}\n".encode())
    assert f"<stdin>:3:{SEED_SECOND.index(' ') + 1}: error[E012]" in located.out


def test_explain_unchecked_and_unknown_actions(run: Runner) -> None:
    model = json.loads(run("explain", "--format", "json", f"{unchecked_sync()},w_100|style/panda").out)
    unchecked = model["stages"][0]["actions"][0]
    assert (unchecked["known"], unchecked["checked"], unchecked["parameters"][0]["value"]) == (True, False, None)
    assert model["stages"][1]["category"] == "style"
    style = model["stages"][1]["actions"][0]
    assert (style["known"], style["open_ended"]) == (False, True)
    assert "  style/panda: the style named 'panda'" in run("explain", "style/panda").out


def test_explain_names_every_template_variable(run: Runner) -> None:
    name = "{tags.lang}/{barename}-{index}.aac"
    model = json.loads(run("explain", "--format", "json", f"audio/convert,f_aac|sys/saveas,o_{b64(name)}").out)
    (saveas,) = model["stages"][1]["actions"]
    (target,) = [p for p in saveas["parameters"] if p["key"] == "o"]
    assert target["value"] == name
    assert target["variables"] == [
        {"name": "tags.lang", "meaning": None, "prefix": "tags.", "known": True},
        {"name": "barename", "meaning": PUBLIC["barename"], "prefix": None, "known": True},
        {"name": "index", "meaning": PER_OPERATION["index"], "prefix": None, "known": True},
    ]
    assert [d["code"] for d in model["diagnostics"]] == ["W309"]  # audio/convert does not set {index}


# --- The bundled examples and the pre-commit hook ------------------------------------------


def _line_of(path: Path, start: str) -> int:
    return next(number for number, line in enumerate(path.read_text().split("\n"), start=1) if line.startswith(start))


def test_bundled_examples(run: Runner) -> None:
    path = ROOT / "examples" / "directives.txt"
    result = run("lint", "--format", "jsonl", "--files", str(path))
    records = {r["line"]: r for r in map(json.loads, result.out.splitlines())}
    assert records[_line_of(path, SEED_FIRST)]["verdict"] == "warning"
    assert [d["code"] for d in records[_line_of(path, SEED_SECOND)]["diagnostics"]] == ["E012", "W305"]
    verdicts = {r["verdict"] for r in records.values()}
    assert verdicts == {"ok", "warning", "error"}
    assert any(r["mode"] == "async" and "%2F" in r["input"] and r["verdict"] == "ok" for r in records.values())
    assert result.status == 1


def _hook(name: str) -> dict[str, str]:
    """One hook of .pre-commit-hooks.yaml (a list of flat mappings), by its id."""
    lines = (ROOT / ".pre-commit-hooks.yaml").read_text().splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    blocks = ["- id:" + block for block in text.split("- id:")[1:]]
    assert [re.match(r"- id: (\S+)", block).group(1) for block in blocks] == ["oss-process-lint", "oss-process-scan"]  # type: ignore[union-attr]
    [block] = [block for block in blocks if block.startswith(f"- id: {name}\n")]
    fields = dict(re.findall(r"^\s*-?\s*(\w+):\s*(.*?)\s*$", block, re.MULTILINE))
    return {key: value.strip("'\"") for key, value in fields.items()}


def test_pre_commit_scan_hook_scans_the_files_it_is_given(tmp_path: Path) -> None:
    hook = _hook("oss-process-scan")
    assert (hook["language"], hook["types"]) == ("python", "[text]")
    program, *arguments = hook["entry"].split()
    assert program == "oss-process"
    bad, good = tmp_path / "views.py", tmp_path / "thumbs.js"
    bad.write_text("THUMB = 'image/resize,w_0'\n")
    good.write_text("const thumb = 'image/resize,w_100';\n")
    failed = python_m(*arguments, str(bad), str(good))
    assert failed.returncode == 1
    assert f"{bad}:1:25: error[E206]".encode() in failed.stdout
    assert python_m(*arguments, str(good)).returncode == 0


def test_pre_commit_hook_runs_lint_on_the_files_it_is_given(tmp_path: Path) -> None:
    hook = _hook("oss-process-lint")
    assert hook["id"] == "oss-process-lint"
    assert hook["language"] == "python"
    program, *arguments = hook["entry"].split()
    assert program == "oss-process"
    bad, good = tmp_path / "jobs.directives", tmp_path / "more.directives"
    bad.write_text(f"# jobs\n{SEED_SECOND}\n")
    good.write_text(f"{CLEAN}\n")
    assert re.search(hook["files"], str(bad))
    # pre-commit appends the staged file names to the entry.
    failed = python_m(*arguments, str(bad), str(good))
    assert failed.returncode == 1
    assert f"{bad}:2:{SEED_SECOND.index(' ') + 1}: error[E012]".encode() in failed.stdout
    assert python_m(*arguments, str(good)).returncode == 0


def test_console_script_points_at_main() -> None:
    tomllib = pytest.importorskip("tomllib")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"oss-process": "oss_process.cli:main"}
    module, _, name = scripts["oss-process"].partition(":")
    assert getattr(importlib.import_module(module), name) is cli.main


# --- Processes: python -m, batches, jobs, pipes, terminals, signals ------------------------


def test_python_m_runs_the_same_command_line() -> None:
    finished = python_m("canon", UNORDERED)
    assert (finished.returncode, finished.stdout, finished.stderr) == (0, f"{UNORDERED_CANONICAL}\n".encode(), b"")


def _batch(count: int) -> tuple[bytes, list[str]]:
    """Mixed lines and the verdict each must get, known by construction: 80% valid, 10%
    with a warning, 10% with an error."""
    lines, verdicts = [], []
    for n in range(count):
        kind = n % 10
        if kind < 8:
            lines.append(f"audio/convert,ss_{n},f_aac,ab_{1000 + n}|sys/saveas,o_{b64(f'out/{n}.aac')}")
            verdicts.append("ok")
        elif kind == 8:
            lines.append(f"audio/convert,ss_0{n},f_aac|sys/saveas,o_YQ")  # leading zero: W208
            verdicts.append("warning")
        else:
            # ab below 1000 (E206), or a space after a comma (E012; E206 too while n < 1000)
            lines.append(
                f"audio/convert,f_aac,ab_{n % 999 + 1}|sys/saveas,o_YQ" if n % 20 < 10 else f"audio/convert,f_aac, ab_{n}|sys/saveas,o_YQ"
            )
            verdicts.append("error")
    return ("\n".join(lines) + "\n").encode(), verdicts


def test_100k_line_stdin_batch_with_two_jobs_in_input_order() -> None:
    stdin, verdicts = _batch(100_000)
    started = time.monotonic()
    finished = python_m("lint", "--jobs", "2", "--format", "jsonl", stdin=stdin, timeout=120)
    elapsed = time.monotonic() - started
    assert finished.returncode == 1
    assert finished.stderr == b""  # no progress in a pipe
    records = [json.loads(line) for line in finished.stdout.splitlines()]
    assert [r["line"] for r in records] == list(range(1, 100_001))
    assert [r["verdict"] for r in records] == verdicts
    assert records[12345]["input"] == stdin.split(b"\n")[12345].decode()
    assert elapsed < 60


def test_jobs_give_the_same_output_as_one_process(tmp_path: Path) -> None:
    stdin, _ = _batch(5_000)
    path = tmp_path / "batch.txt"
    path.write_bytes(stdin)
    one = python_m("lint", "--files", str(path))
    two = python_m("lint", "--files", str(path), "--jobs", "2")
    every_core = python_m("lint", "--files", str(path), "-j", "0")
    assert one.returncode == two.returncode == every_core.returncode == 1
    assert one.stdout == two.stdout == every_core.stdout
    # 500 lines with an error; the 50 spaced ones with ab_{n} below 1000 have E206 as well.
    assert one.stdout.count(b"error[") == 500 + sum(1 for n in range(5_000) if n % 20 == 19 and n < 1000)
    assert one.stdout.count(b"warning[") == 500  # W208, one per line with a leading zero


class _Reader:
    """Drains a child's stdout in a thread; ``started`` is set once output flows."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        stream.readline()
        self.started.set()
        stream.read()


def test_progress_on_a_terminal_only() -> None:
    stdin, _ = _batch(3_000)
    # In a pipe: nothing on stderr.
    assert python_m("lint", "--format", "jsonl", stdin=stdin).stderr == b""
    # On a terminal: a count and a rate, once the batch has run for a second.
    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "oss_process", "lint", "--format", "jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=_env(),
    ) as process:
        os.close(secondary)
        assert process.stdin is not None
        assert process.stdout is not None
        reader = _Reader(process.stdout)
        process.stdin.write(stdin)
        process.stdin.flush()
        assert reader.started.wait(60)  # the batch is under way
        time.sleep(1.2)
        process.stdin.write(stdin)
        process.stdin.close()
        process.wait(timeout=60)
        reader.thread.join(timeout=60)
    shown = _drain(primary).decode()
    assert re.search(r"[\d,]+ lines, [\d,]+ lines/s", shown), shown


def _drain(descriptor: int) -> bytes:
    data = b""
    while select.select([descriptor], [], [], 0.5)[0]:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the terminal's other end is closed
            break
        if not chunk:
            break
        data += chunk
    os.close(descriptor)
    return data


def test_colour_on_a_terminal_unless_no_color() -> None:
    for env, coloured in (({}, True), ({"NO_COLOR": "1"}, False), ({"TERM": "dumb"}, False)):
        primary, secondary = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "oss_process", "lint", SEED_SECOND], stdout=secondary, stderr=secondary, env=_env(env)
        )
        os.close(secondary)
        process.wait(timeout=60)
        shown = _drain(primary).decode()
        assert "error[E012]" in ANSI.sub("", shown)
        assert bool(ANSI.search(shown)) is coloured, env


def test_a_closed_pipe_stops_quietly() -> None:
    stdin, _ = _batch(50_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "oss_process", "canon"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()  # as `| head -0` would
    with contextlib.suppress(BrokenPipeError):
        process.stdin.write(stdin)
    with contextlib.suppress(BrokenPipeError):
        process.stdin.close()
    assert process.wait(timeout=60) == 141
    errors = process.stderr.read()
    process.stderr.close()
    assert b"Traceback" not in errors


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupt_stops_without_a_traceback(jobs: str) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "oss_process", "lint", "--jobs", jobs, "--format", "jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        assert process.stderr is not None
        reader = _Reader(process.stdout)
        try:
            process.stdin.write(b"audio/convert,f_aac\n" * 5000)
            process.stdin.flush()
            assert reader.started.wait(60)  # in the batch, waiting for more input
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=30) == 130
        finally:
            process.kill()  # a hang fails the test instead of hanging the suite
        reader.thread.join(timeout=30)
        errors = process.stderr.read()
    assert b"Traceback" not in errors
    assert b"interrupted" in errors


def test_a_utf8_byte_order_mark_at_the_start_of_a_file_is_skipped(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "saved-by-an-editor.txt"
    path.write_bytes(b"\xef\xbb\xbf" + CLEAN.encode() + b"\n\xef\xbb\xbf" + CLEAN.encode() + b"\n")
    result = run("lint", "--files", str(path))
    # Only at the start of the file: on a later line it is a stray character.
    assert result.status == 1
    assert result.out.startswith(f"{path}:2:1: error[E017]: unexpected character U+FEFF ZERO WIDTH NO-BREAK SPACE")
    assert f"{path}:1:" not in result.out
    assert result.out.endswith("2 directives checked: 1 error and 0 warnings, 1 invalid.\n")


def test_a_lone_unreadable_file_reports_only_that(run: Runner, tmp_path: Path) -> None:
    result = run("lint", "--files", str(tmp_path / "missing.txt"))
    assert (result.status, result.out) == (2, "")
    assert result.err == f"oss-process: cannot read {tmp_path / 'missing.txt'}: No such file or directory\n"


def test_a_stray_argument_gets_the_usage_of_its_command(run: Runner) -> None:
    result = run("explain", "a", "b")
    assert result.status == 2
    assert result.err.startswith("usage: oss-process explain ")
    assert result.err.endswith("oss-process explain: error: unrecognized arguments: b\n")


def test_explain_says_how_a_rows_limits_are_known(run: Runner) -> None:
    # pixfmt is documented, its list of names only in part (W232 outside it); crf only seen in use.
    out = run("explain", "x-oss-async-process=video/convert,f_mp4,pixfmt_yuv420p,crf_25|sys/saveas,o_YQ").out
    lines = out.splitlines()
    pixfmt = lines.index("    pixfmt_yuv420p")
    assert lines[pixfmt + 4].startswith("      limits    INF: outside them a warning (W232): VT (")
    crf = lines.index("    crf_25")
    assert lines[crf + 4].startswith("      known     EX: ")
    assert lines[crf + 5] == "      limits    INF: outside them a warning (W232)"
    model = json.loads(run("explain", "--format", "json", "video/convert,f_mp4,crf_25|sys/saveas,o_YQ").out)
    crf_item = next(p for p in model["stages"][0]["actions"][0]["parameters"] if p["key"] == "crf")
    assert (crf_item["confidence"], crf_item["bounds"]) == ("EX", "INF")
