"""oss-process scan: its formats (SARIF validated against the official schema), settings
from pyproject.toml, standard input, exit statuses."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from oss_process import cli
from oss_process.scan import SettingsError, find_settings, load_settings
from tests.test_sarif import valid


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    import sys

    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        status = cli.main(["scan", *args])
    finally:
        sys.stdin = saved
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("THUMB = 'image/resize,w_0'\nSAVE = 'image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc='\n")
    (tmp_path / "page.html").write_text('<p>\U0001f600 <img src="a.jpg?x-oss-process=image/quality,q_900"></p>\n')
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0image/resize,w_0")
    (tmp_path / "notes.txt").write_bytes(b"image/resize,w_0 \xff\n")
    return tmp_path


def test_text(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--no-config", ".")
    assert status == 1
    assert "app.py:1:25: error[E206]: w: 0 is below the minimum, 1\n    THUMB = 'image/resize,w_0'\n" in out
    assert "app.py:2:41: warning[W302]:" in out
    assert "page.html:1:52: error[E206]: q: 900 is above the maximum, 100" in out
    assert out.endswith(
        "4 files scanned (2 skipped: 1 binary, 1 not UTF-8 (byte 0xff at offset 17)), 3 directives found: 2 errors and 1 warning.\n"
    )
    assert err == "oss-process scan: notes.txt: skipped: not UTF-8 (byte 0xff at offset 17)\n"  # binary files are only counted


def test_json_and_jsonl_agree(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--no-config", "--format", "json")
    document = json.loads(out)
    _, lines, _ = run(capsys, "--no-config", "--format", "jsonl")
    records = [json.loads(line) for line in lines.splitlines()]
    assert [r for r in records if "directive" in r] == document["results"]
    assert (
        [r for r in records if "skipped" in r]
        == document["skipped"]
        == [
            {"path": "logo.png", "skipped": "binary"},
            {"path": "notes.txt", "skipped": "not UTF-8 (byte 0xff at offset 17)"},
        ]
    )
    first = document["results"][0]
    assert (first["path"], first["line"], first["column"], first["kind"], first["directive"], first["verdict"]) == (
        "app.py",
        1,
        10,
        "literal",
        "image/resize,w_0",
        "error",
    )
    assert [(d["code"], d["line"], d["column"], d["end_column"]) for d in first["diagnostics"]] == [("E206", 1, 25, 26)]
    assert document["summary"] == {
        "files": 4,
        "read": 2,
        "bytes": (tree / "app.py").stat().st_size + (tree / "page.html").stat().st_size,
        "skipped": {"binary": 1, "not UTF-8 (byte 0xff at offset 17)": 1},
        "directives": 3,
        "errors": 2,
        "warnings": 1,
        "suppressed": 0,
    }


def test_github_annotations(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--no-config", "--format", "github", "app.py")
    assert out.splitlines()[0] == (
        "::error file=app.py,line=1,endLine=1,col=25,endColumn=25,title=E206 integer out of range::w: 0 is below the minimum, 1"
    )


def test_sarif_is_valid_with_utf16_columns_and_notifications(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--no-config", "--format", "sarif")
    assert status == 1
    log: Any = valid(json.loads(out))
    run_ = log["runs"][0]
    assert run_["columnKind"] == "utf16CodeUnits"
    regions = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r["locations"][0]["physicalLocation"]["region"]
        for r in run_["results"]
    }
    # the emoji before the URL is one code point and two UTF-16 units: column 52 is 53
    assert regions["E206", "page.html"]["startColumn"] == 53
    assert regions["E206", "app.py"] == {"startLine": 1, "startColumn": 25, "endLine": 1, "endColumn": 26}
    [notification] = run_["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"] == "skipped: not UTF-8 (byte 0xff at offset 17)"


def test_select_ignore_and_strict(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--no-config", "--ignore", "E")[0] == 0
    assert run(capsys, "--no-config", "--ignore", "E", "--strict")[0] == 1
    status, out, _ = run(capsys, "--no-config", "--select", "W302", "--format", "jsonl")
    codes = [d["code"] for line in out.splitlines() for d in json.loads(line).get("diagnostics", [])]
    assert (status, codes) == (0, ["W302"])
    status, _, err = run(capsys, "--no-config", "--select", "Q1")
    assert status == 2
    assert "select: 'Q1' is not a code or the start of one" in err


def test_settings_from_pyproject(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.oss-process]\nignore = ["W302"]\nexclude = ["page.html"]\n')
    status, out, _ = run(capsys, "--format", "jsonl")
    found = [(r["path"], [d["code"] for d in r["diagnostics"]]) for r in map(json.loads, out.splitlines()) if "directive" in r]
    assert (status, found) == (1, [("app.py", ["E206"]), ("app.py", [])])
    # the command line wins over the settings
    _, out, _ = run(capsys, "--format", "jsonl", "--ignore", "E206")
    assert [d["code"] for r in map(json.loads, out.splitlines()) for d in r.get("diagnostics", [])] == ["W302"]
    (tree / "pyproject.toml").write_text("[tool.oss-process]\nignroe = []\n")
    status, _, err = run(capsys)
    assert status == 2
    assert "unknown key 'ignroe'; did you mean 'ignore'?" in err


def test_settings_are_found_above(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.oss-process]\nmode = "async"\nselect = ["e2"]\n')
    (tmp_path / "src" / "deep").mkdir(parents=True)
    settings = find_settings(str(tmp_path / "src" / "deep"))
    assert (settings.mode, settings.select, settings.base) == ("async", ("E2",), str(tmp_path))
    (tmp_path / "pyproject.toml").write_text('[tool.oss-process]\nmode = "later"\n')
    with pytest.raises(SettingsError, match="mode is 'async' or 'sync'"):
        load_settings(str(tmp_path / "pyproject.toml"))


def test_standard_input_with_a_file_name(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "--no-config", "-", "--stdin-filename", "views.js", "--format", "jsonl", stdin=b"const t = `image/resize,w_0`;\n"
    )
    [record] = map(json.loads, out.splitlines())
    assert (status, record["path"], record["column"], record["diagnostics"][0]["column"]) == (1, "views.js", 12, 27)


def test_a_missing_path(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "--no-config", "nowhere")
    assert (status, err) == (2, "oss-process scan: error: nowhere: no such file or directory\n")


# --- lint --select / --ignore, and its settings -------------------------------------------


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = cli.main(["lint", "--format", "jsonl", *args])
    codes = [d["code"] for line in capsys.readouterr().out.splitlines() for d in json.loads(line)["diagnostics"]]
    return status, codes


def test_lint_select_and_ignore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    directive = "image/resize,w_0|sys/saveas,o_ZGVzdC5qcGc="
    assert lint(capsys, directive) == (1, ["E206", "W302"])
    assert lint(capsys, "--ignore", "E2", directive) == (0, ["W302"])
    assert lint(capsys, "--select", "e206,W3", "--ignore", "W302", directive) == (1, ["E206"])
    assert cli.main(["lint", "--select", "E9X", directive]) == 2
    assert "--select: 'E9X' is not a code or the start of one" in capsys.readouterr().err


def test_lint_reads_the_settings_unless_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.oss-process]\nignore = ["W302"]\nmode = "sync"\n')
    monkeypatch.chdir(tmp_path)
    assert lint(capsys, "image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc=") == (0, [])
    assert lint(capsys, "--no-config", "image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc=") == (0, ["W302"])
    # mode = "sync": audio/convert runs only in the other mode
    assert lint(capsys, "audio/convert,f_aac|sys/saveas,o_YQ") == (1, ["E103"])
    assert lint(capsys, "--mode", "async", "audio/convert,f_aac|sys/saveas,o_YQ") == (0, [])


def test_the_library_example_of_docs_scan_md_prints_what_it_shows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(__file__).parent.parent
    text = (root / "docs" / "scan.md").read_text(encoding="utf-8").split("## The library", 1)[1]
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    shown = text.split("```text\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(root)
    exec(compile(code, "docs/scan.md", "exec"), {})
    assert capsys.readouterr().out == shown
