"""The golden corpus: every row of tests/corpus/**/{valid,invalid}.tsv is its own test.

The format is described in tests/corpus/README.md. Expected canonical forms and codes
were written from the documentation, not from the library's output.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

import oss_process
from oss_process.tables import BUILTIN
from tests.corpus import tabled_folders

CORPUS = Path(__file__).parent / "corpus"
DIRECTIVE_FOLDER = "_directive"  # findings about the whole directive, not one action
SAME = "="  # in the canonical column: the input is already canonical
NONE = "-"  # an empty codes or options column
SOURCE_FIELDS = tuple(BUILTIN.source_fields)

_ESCAPE = re.compile(r"\\(?:\{([^}]*)\}\*([0-9]+)|x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|([tn\\]))|\\")
_SIMPLE = {"t": "\t", "n": "\n", "\\": "\\"}


class Row(NamedTuple):
    where: str  # "audio/convert/valid.tsv:12", the sub-test's id
    text: str
    expected: str  # the canonical form (valid.tsv); the codes, space-separated (invalid.tsv)
    warnings: tuple[str, ...]  # valid.tsv: the warnings lint reports, sorted
    mode: str | None
    source: oss_process.Source | None


def unescape(field: str) -> str:
    r"""A field as written to the string it stands for: ``\t``, ``\n``, ``\\``, ``\xHH``,
    ``\uHHHH``, and ``\{TEXT}*N`` for TEXT written N times."""

    def one(match: re.Match[str]) -> str:
        repeated, count, byte, code_point, simple = match.groups()
        if count is not None:
            return str(repeated) * int(count)
        if byte is not None or code_point is not None:
            return chr(int(byte or code_point, 16))
        if simple is not None:
            return _SIMPLE[simple]
        raise ValueError(f"unknown escape at {match.start()} in {field!r}")

    return _ESCAPE.sub(one, field)


def _options(field: str, where: str) -> tuple[str | None, oss_process.Source | None]:
    mode: str | None = None
    source: dict[str, int | str] = {}
    for option in field.split() if field not in ("", NONE) else []:
        key, _, value = option.partition("=")
        if key == "mode" and value in ("sync", "async"):
            mode = value
        elif key in SOURCE_FIELDS and value.isdigit():
            source[key] = int(value)
        elif key in SOURCE_FIELDS and BUILTIN.source_fields[key].type is str and value:
            source[key] = value
        else:
            raise ValueError(f"{where}: unknown option {option!r}")
    if not source:
        return mode, None
    if set(source) <= set(oss_process.SourceAudio.FIELDS):
        return mode, oss_process.SourceAudio(**source)  # type: ignore[arg-type]
    return mode, oss_process.Source(**source)


def _codes(field: str) -> tuple[str, ...]:
    return () if field in ("", NONE) else tuple(field.split(" "))


def read(path: Path) -> list[Row]:
    """The rows of one file; blank lines and lines starting with '#' are skipped."""
    valid = path.name == "valid.tsv"
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path.parent.relative_to(CORPUS).as_posix()}/{path.name}:{number}"
        fields = line.split("\t")
        width = 5 if valid else 4  # input, canonical, warnings, options, comment / input, codes, options, comment
        if not 2 <= len(fields) <= width:
            raise ValueError(f"{where}: {len(fields)} columns, expected 2 to {width}")
        fields += [""] * (width - len(fields))
        text = unescape(fields[0])
        if valid:
            expected = text if fields[1] == SAME else unescape(fields[1])
            warnings, options = _codes(fields[2]), fields[3]
        else:
            expected, warnings, options = fields[1], (), fields[2]
        rows.append(Row(where, text, expected, warnings, *_options(options, where)))
    return rows


def corpus_folders() -> set[str]:
    """Every folder of the corpus that holds a table of rows, relative to tests/corpus."""
    return {path.parent.relative_to(CORPUS).as_posix() for path in CORPUS.rglob("*.tsv")}


def _rows(kind: str) -> list[Row]:
    return [row for folder in sorted(corpus_folders()) if (CORPUS / folder / kind).exists() for row in read(CORPUS / folder / kind)]


VALID = _rows("valid.tsv")
INVALID = _rows("invalid.tsv")


def _is_error(code: str) -> bool:
    return oss_process.CODES[code].severity == oss_process.Severity.ERROR


def _lint_codes(row: Row, text: str) -> list[str]:
    return sorted(d.code for d in oss_process.lint(text, mode=row.mode, source=row.source))


@pytest.mark.parametrize("row", VALID, ids=[row.where for row in VALID])
def test_valid(row: Row) -> None:
    assert all(code in oss_process.CODES and not _is_error(code) for code in row.warnings), "the warnings column lists warnings"
    assert list(row.warnings) == sorted(row.warnings), "the warnings column is sorted"
    assert _lint_codes(row, row.text) == list(row.warnings)
    tree = oss_process.parse(row.text)
    assert oss_process.unparse(tree) == row.text
    canonical = oss_process.canonicalize(row.text, mode=row.mode, source=row.source)
    assert canonical == row.expected
    assert oss_process.canonicalize(canonical, mode=row.mode, source=row.source) == canonical
    assert not any(_is_error(code) for code in _lint_codes(row, canonical))


@pytest.mark.parametrize("row", INVALID, ids=[row.where for row in INVALID])
def test_invalid(row: Row) -> None:
    expected = _codes(row.expected)
    assert all(code in oss_process.CODES for code in expected), "the codes column lists known codes"
    assert list(expected) == sorted(expected), "the codes column is sorted"
    assert any(_is_error(code) for code in expected), "a row without an error belongs in valid.tsv"
    assert _lint_codes(row, row.text) == list(expected)
    try:
        tree = oss_process.parse(row.text)
    except oss_process.ParseError:
        refusal: type[oss_process.DirectiveError] = oss_process.ParseError
    else:
        assert oss_process.unparse(tree) == row.text
        refusal = oss_process.InvalidDirectiveError
    with pytest.raises(refusal) as raised:
        oss_process.canonicalize(row.text, mode=row.mode, source=row.source)
    assert sorted(d.code for d in raised.value.diagnostics) == list(expected)


def test_every_tabled_action_has_a_corpus() -> None:
    missing = tabled_folders() - corpus_folders()
    assert not missing, f"actions with a parameter table but no tests/corpus/<category>/<action>/: {sorted(missing)}"


def test_every_corpus_folder_is_a_tabled_action() -> None:
    stray = corpus_folders() - tabled_folders() - {DIRECTIVE_FOLDER}
    assert not stray, f"corpus folders that are no action with a table in the catalogue: {sorted(stray)}"


@pytest.mark.parametrize("folder", sorted(corpus_folders()))
def test_each_folder_has_valid_and_invalid_rows(folder: str) -> None:
    for kind in ("valid.tsv", "invalid.tsv"):
        assert read(CORPUS / folder / kind), f"{folder}/{kind} has no rows"


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("a\\tb", "a\tb"),
        ("\\n\\\\", "\n\\"),
        ("\\x00\\u3000", "\x00\u3000"),
        ("o_\\{YWFh}*3YQ", "o_YWFhYWFhYWFhYQ"),
        ("\\{,}*0", ""),
        ("plain_b3V0", "plain_b3V0"),
    ],
)
def test_unescape(field: str, text: str) -> None:
    assert unescape(field) == text


@pytest.mark.parametrize("field", ["\\q", "a\\", "\\{x}"])
def test_unescape_refuses_unknown_escapes(field: str) -> None:
    with pytest.raises(ValueError, match="unknown escape"):
        unescape(field)
