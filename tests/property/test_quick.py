"""Each value kind's fast check (``lexical`` + ``quick_source``, inlined by the fast
path) against its full ``check``, for every parameter in the tables."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oss_process._accel.quick import compile_quick, lexical
from oss_process._grammar import terminal_patterns
from oss_process.kinds import Base64Name, Kind
from oss_process.tables import BUILTIN, ParamSpec
from tests.property.settings import per_kind


def _table_rows() -> list[ParamSpec]:
    return [row for _, _, info in BUILTIN.tabled() if info.spec is not None for row in info.spec.parameters]


ROWS = _table_rows()
VALUE = re.compile(terminal_patterns()["VALUE"]).fullmatch


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def spellings(kind: Kind) -> st.SearchStrategy[str]:
    """Texts near the kind's clean spellings, and the grammar's values in general."""
    near = st.from_regex(re.compile(lexical(kind)), fullmatch=True)
    if isinstance(kind, Base64Name):
        names = st.text(max_size=80) | st.from_regex(r"[a-z0-9{}./?-]{0,70}", fullmatch=True)
        near |= names.map(lambda n: _b64(n.encode())) | st.binary(max_size=30).map(_b64)
        near |= names.map(lambda n: base64.urlsafe_b64encode(n.encode()).decode())  # padded
    return near | st.from_regex(re.compile(terminal_patterns()["VALUE"]), fullmatch=True) | st.text(max_size=12)


# One test per distinct kind: rows of many tables share kinds (Integer(0, MAX_INT32), ...).
# Kinds are NamedTuples: a Base64Name of a BucketName equals one of an ObjectName of the
# same templates, so the key holds the rule's type too.
KINDS = {(type(getattr(row.kind, "rule", None)), row.kind): row for row in ROWS}


@pytest.mark.parametrize("row", list(KINDS.values()), ids=lambda row: row.key)
def test_quick_gives_the_value_exactly_when_check_finds_the_text_clean(row: ParamSpec) -> None:
    quick = compile_quick(row.kind)

    @per_kind()
    @given(spellings(row.kind))
    def agree(text: str) -> None:
        checked = row.kind.check(text)
        clean = not checked.problems and checked.canonical == text
        assert quick(text) == (checked.value if clean else None), text
        if clean:
            assert type(quick(text)) is type(checked.value)

    agree()


@pytest.mark.parametrize("row", list(KINDS.values()), ids=lambda row: row.key)
def test_lexical_spellings_are_values_of_the_grammar(row: ParamSpec) -> None:
    @per_kind()
    @given(st.from_regex(re.compile(lexical(row.kind)), fullmatch=True))
    def inside(text: str) -> None:
        assert VALUE(text), text

    inside()


def test_quick_refuses_what_the_fast_path_must_not_take() -> None:
    by_key = {row.key: row for row in ROWS}
    refused = {
        "ss": ["007", "-1", "+5", "1_000", "2147483648", "١٢"],
        "f": ["AAC", "aac ", "wav"],
        "ar": ["016000", "16001"],
        "o": ["b3V0LmFhYw==", "Lw", "b3V0LmFhYw.", "e2ZvbyB9", "_w"],
        "topic": ["LXg", "VG9waWN"],
    }
    for key, texts in refused.items():
        quick = compile_quick(by_key[key].kind)
        for text in texts:
            assert quick(text) is None, (key, text)
    assert compile_quick(by_key["ss"].kind)("2147483647") == 2147483647
    assert compile_quick(by_key["o"].kind)(_b64(b"out/{autoext}")) == "out/{autoext}"


def _edge_names(kind: Base64Name) -> list[str]:
    """Names at the rule's limits, one character or byte either side, in Base64."""
    limits = [getattr(kind.rule, field, None) for field in ("max_chars", "max_bytes", "max_encoded")] + [1023]
    sizes = sorted({n + d for n in limits if isinstance(n, int) for d in (-1, 0, 1)})
    # And the names each test of a name rule is about: a trailing '/', dot segments, braces.
    special = ["a/", "a/b/", "a/./b", "a/../b", "a.", "a./b", ".a", "a\\b", "{autoext}", "a{x}", "a{{b}}", "é/", "é/./b", "\x7f", "a\x9f"]
    return [_b64((char * size).encode()) for size in sizes for char in "a\u00e9/\n"] + [_b64(name.encode()) for name in special]


@pytest.mark.parametrize("row", [row for row in KINDS.values() if isinstance(row.kind, Base64Name)], ids=lambda row: row.key)
def test_quick_agrees_with_check_at_the_name_limits(row: ParamSpec) -> None:
    quick = compile_quick(row.kind)
    assert isinstance(row.kind, Base64Name)
    for text in _edge_names(row.kind):
        checked = row.kind.check(text)
        clean = not checked.problems and checked.canonical == text
        assert quick(text) == (checked.value if clean else None), text
