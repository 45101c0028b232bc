"""The README is the front door: its generated tables match the code, every code is listed."""

from __future__ import annotations

import re
from pathlib import Path

import oss_process
from oss_process._docs import render_readme

README = Path(__file__).parent.parent / "README.md"


def test_generated_sections_are_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert render_readme(text) == text, "run: python -m oss_process._docs README.md"


def test_every_code_is_documented_and_nothing_else() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- codes:start -->", 1)[1].split("<!-- codes:end -->", 1)[0]
    listed = re.findall(r"^\| `([EW]\d{3})` \| (error|warning) \|", section, re.MULTILINE)
    assert dict(listed) == {code: info.severity.value for code, info in oss_process.CODES.items()}


def test_code_prefix_matches_severity() -> None:
    for code, info in oss_process.CODES.items():
        assert code[0] == {"error": "E", "warning": "W"}[info.severity.value], code


def test_readme_quick_start_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "pip install . && oss-process lint --files examples/directives.txt" in text
    assert "pip install '.[test]' && python -m pytest" in text
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install '.[test]' && python -m pytest" in ci
