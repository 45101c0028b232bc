"""The strings others wrote (tests/data/wild-directives.tsv), and what lint makes of them.

``python -m tests.wild`` prints how many are checked (no syntax error and no action
without a table), how many give an error, and lint's verdict beside the reviewer's reading
for every string the reviewer read as wrong (tests/data/wild-verdicts.tsv).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple

import oss_process

DATA = Path(__file__).parent / "data"


class Wild(NamedTuple):
    directive: str
    repository: str
    path: str
    note: str


class Verdict(NamedTuple):
    directive: str
    codes: list[str]
    verdict: str
    why: str


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def wild() -> list[Wild]:
    return [Wild(*row) for row in _rows("wild-directives.tsv")]


def verdicts() -> dict[str, Verdict]:
    return {row[0]: Verdict(row[0], row[1].split() if row[1] else [], row[2], row[3]) for row in _rows("wild-verdicts.tsv")}


def status(codes: list[str]) -> str:
    """checked, not checked (an action without a table) or syntax (nothing past it is checked fully)."""
    if any(code[:2] == "E0" for code in codes):
        return "syntax"
    return "not checked" if "W102" in codes else "checked"


def main() -> None:
    rows = wild()
    counts: Counter[str] = Counter()
    errors = 0
    for row in rows:
        codes = [d.code for d in oss_process.lint(row.directive)]
        counts[status(codes)] += 1
        errors += any(code[0] == "E" for code in codes)
    print(
        f"{len(rows)} strings: {counts['checked']} checked, {counts['not checked']} not checked (no table yet), "
        f"{counts['syntax']} with a syntax error; {errors} with an error"
    )
    listed = verdicts()
    print(
        f"\n{len(listed)} read as wrong by the reviewer: "
        + ", ".join(f"{n} {v}" for v, n in Counter(v.verdict for v in listed.values()).items())
    )
    for verdict in listed.values():
        print(f"- {verdict.directive[:70]}: {' '.join(verdict.codes) or '-'} ({verdict.verdict}: {verdict.why})")


if __name__ == "__main__":
    main()
