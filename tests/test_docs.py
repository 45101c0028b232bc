"""The README is the front door: its generated tables match the code, every code is listed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import oss_process
from oss_process._docs import reference, render_readme

README = Path(__file__).parent.parent / "README.md"


def test_generated_sections_are_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert render_readme(text) == text, "run: python -m oss_process._docs"


def test_the_parameter_reference_is_current_and_complete() -> None:
    text = (README.parent / "docs" / "reference.md").read_text(encoding="utf-8")
    assert text == reference(), "run: python -m oss_process._docs"
    # Every table is there, with every row's key and how it is known.
    for label, _, info in oss_process.tables.BUILTIN.tabled():
        assert f"### `{label}`" in text or info.name in oss_process.tables.BUILTIN.standalone
        assert info.spec is not None
        for row in info.spec.parameters:
            assert f"| `{row.key}` |" in text
    assert "| `P` | no | integer from 1 to 100 | % |" in text
    assert "| EX: seen in an official sample" in text


def test_every_code_is_documented_and_nothing_else() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- codes:start -->", 1)[1].split("<!-- codes:end -->", 1)[0]
    listed = re.findall(r"^\| `([EWG]\d{3})` \| (error|warning) \|", section, re.MULTILINE)
    assert dict(listed) == {code: info.severity.value for code, info in oss_process.CODES.items()}
    assert {"G001", "G003", "G006"} <= {code for code, _ in listed}  # the gateway's codes are in the one list


def test_code_prefix_matches_severity() -> None:
    """E and W say the severity; G (the request, found by the gateway) may be either."""
    for code, info in oss_process.CODES.items():
        assert code[0] in {"error": "EG", "warning": "WG"}[info.severity.value], code


def test_gateway_codes_keep_their_severities() -> None:
    from oss_process.gateway import GATEWAY_CODES

    assert {code: info.severity.value for code, info in GATEWAY_CODES.items()} == {
        "G001": "error",
        "G002": "error",
        "G003": "warning",
        "G004": "error",
        "G005": "error",
        "G006": "error",
        "G007": "error",
    }
    assert all(oss_process.CODES[code] is info for code, info in GATEWAY_CODES.items())


def test_readme_quick_start_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "pip install . && oss-process lint --files examples/directives.txt" in text
    assert "pip install '.[test]' && python -m pytest" in text
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install '.[test]' && python -m pytest" in ci


def test_readme_quick_start_says_what_the_commands_really_do() -> None:
    quick = README.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    prose = " ".join(quick.split())

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NO_COLOR": "1"}
        return subprocess.run([sys.executable, "-m", "oss_process", *argv], cwd=README.parent, env=env, capture_output=True, text=True)

    # The bundled file holds broken directives on purpose, and the quick start says so.
    assert run("lint", "--files", "examples/directives.txt").returncode == 1
    assert "exits with status 1 on purpose" in prose
    # canon does not remove the seed example's stray space: it refuses the example.
    spaced = re.search(r"^\$ oss-process lint '([^']+)'", quick, re.MULTILINE)
    assert spaced is not None
    assert " " in spaced.group(1)
    refused = run("canon", spaced.group(1))
    assert (refused.returncode, refused.stdout) == (1, "\n")
    assert "error[E012]" in refused.stderr
    assert "`canon` refuses that example as it stands: it prints an empty line, reports the same E012" in prose
    assert "space removed)" not in prose


def console_examples() -> list[tuple[str, str, str]]:
    """Every ``$ command`` with the output shown under it, in the README, docs/cli.md and docs/scan.md."""
    found = []
    for name in ("README.md", "docs/cli.md", "docs/scan.md"):
        text = (README.parent / name).read_text(encoding="utf-8")
        for block in re.findall(r"```console\n(.*?)```", text, re.DOTALL):
            for command, output in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", block, re.MULTILINE):
                if not command.startswith("python bench/"):  # figures of the machine it ran on
                    found.append((name, command, output))
    return found


@pytest.mark.parametrize(("document", "command", "output"), console_examples(), ids=lambda v: str(v)[:50])
def test_console_examples_print_what_they_show(document: str, command: str, output: str) -> None:
    program = f"{sys.executable} -m oss_process"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}
    script = re.sub(r"(?<![\w=-])oss-process(?![\w=-])", program, command)
    ran = subprocess.run(["bash", "-c", script], cwd=README.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    shown = ran.stdout.decode().replace(program, "oss-process")
    assert shown.rstrip("\n") == output.rstrip("\n"), f"{document}: $ {command}"


def test_readme_python_examples_show_what_they_return() -> None:
    """In the README's Python blocks (but the oss2 one, run by tests/test_builder.py), an
    expression followed by a ``# result`` comment evaluates to that result."""
    text = README.read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.DOTALL) if "import oss2" not in b and "middleware" not in b]
    checked = 0
    for block in blocks:
        namespace: dict[str, object] = {}
        lines = block.splitlines()
        for number, line in enumerate(lines):
            shown = lines[number + 1][2:] if number + 1 < len(lines) and lines[number + 1].startswith("# '") else None
            if shown is not None and not line.startswith(("#", " ")):
                exec("\n".join(lines[:number]), namespace)
                assert repr(eval(line, namespace)) == shown
                checked += 1
    assert checked >= 2
