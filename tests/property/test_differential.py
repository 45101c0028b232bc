"""The speed layer against the reference pipeline, on the same generated inputs.

- The speed layer's full path (plans kept by shape, run on flat tuples) against the
  reference pipeline (``_pipeline.run``: the frozen tree, validation walking the tables,
  the printer reading them): the same diagnostics, spans and canonical text.

- The scanner (`_syntax.scan`, a regular expression composed from the grammar's own
  terminals) against Lark parsing `grammar/oss_process.lark`: the same verdict and the same
  tree on every input.
- The fast verdict (plans cached by shape, a generated regular expression and function
  per plan, the last one used tried first) against the full validation: whenever the
  fast path answers, the full path gives that canonical string and reports nothing at all.
- The automaton that reports syntax errors (Lark's parse table and contextual lexer in a
  plain loop) against a Lark parse: the same place, the same parser state, the same
  syntax diagnostic.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from lark.exceptions import UnexpectedCharacters, UnexpectedToken

from oss_process import Source, SourceAudio, _accel, _lark_parser, _pipeline
from oss_process._accel.cache import CACHE
from oss_process._accel.plan import compile_plan, render_program, run_plan
from oss_process._grammar import TABLE_FILE, grammar_path
from oss_process._syntax import scan
from oss_process.diagnostics import Diagnostic
from oss_process.printer import print_canonical
from oss_process.strategies import directives, grammar_strings
from oss_process.tables import BUILTIN, Mode
from tests.property.settings import PROPERTY

# Characters that matter to the grammar, and some that never belong in a directive.
ALPHABET = "|/,_=-.aZ09 +%\t\n\x00\u00e9\uff11"


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A valid string with a few insertions, deletions, replacements and duplications."""
    text = draw(base)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "swap"]))
        char = draw(st.sampled_from(ALPHABET))
        if kind == "insert":
            text = text[:where] + char + text[where:]
        elif kind == "delete":
            text = text[:where] + text[where + 1 :]
        elif kind == "replace":
            text = text[:where] + char + text[where + 1 :]
        elif kind == "duplicate":
            end = draw(st.integers(where, min(len(text), where + 12)))
            text = text[:end] + text[where:end] + text[end:]
        else:
            pieces = text.split(",")
            if len(pieces) > 2:
                i = draw(st.integers(1, len(pieces) - 2))
                pieces[i], pieces[i + 1] = pieces[i + 1], pieces[i]
                text = ",".join(pieces)
    return text


INPUTS = st.one_of(
    grammar_strings(),
    directives(),
    mutated(grammar_strings()),
    mutated(directives()),
    st.text(ALPHABET, max_size=40),
)


def assert_scanner_agrees_with_lark(text: str) -> None:
    fast = scan(text)
    normative = _lark_parser.parse_raw(text, whole=True)
    if isinstance(normative, Diagnostic):
        assert fast is None, (text, fast)
    else:
        assert fast == normative, text


@PROPERTY
@given(INPUTS)
def test_scanner_agrees_with_lark(text: str) -> None:
    assert_scanner_agrees_with_lark(text)


def lark_stop(text: str) -> tuple[int, frozenset[str]] | None:
    """Where a Lark parse of ``text`` stops, and what its interactive parser accepts there."""
    error: Any
    try:
        _lark_parser.parser().parse(text)
    except UnexpectedToken as e:
        error, at = e, (len(text) if e.token.type == "$END" else e.token.start_pos)
    except UnexpectedCharacters as e:
        error, at = e, e.pos_in_stream
    else:
        return None
    return at, frozenset(error.interactive_parser.accepts())


@PROPERTY
@given(INPUTS)
def test_the_automaton_stops_where_lark_stops_in_the_same_parser_state(text: str) -> None:
    assert _lark_parser.automaton().first_error(text) == lark_stop(text), text


@PROPERTY
@given(INPUTS)
def test_the_automaton_gives_the_diagnostic_lark_gives(text: str) -> None:
    assert _lark_parser.parse_raw(text) == _lark_parser.parse_raw(text, whole=True)


#: No source, an audio one, or an image one (whose facts the image tables thread through a chain).
SOURCES = (
    st.none()
    | st.builds(SourceAudio, st.sampled_from([None, 8000, 44100, 192000]), st.sampled_from([None, 1, 2, 7]))
    | st.builds(
        Source,
        width=st.sampled_from([None, 1, 100, 4097, 30_001]),
        height=st.sampled_from([None, 1, 50, 20_000]),
        format=st.sampled_from([None, "jpg", "png", "gif"]),
        frames=st.sampled_from([None, 1, 3]),
        size=st.sampled_from([None, 1000, 30_000_000]),
    )
)


def full(text: str, mode: Mode | None = None, source: Source | None = None) -> _accel.Verdict:
    return _accel._full(text, mode, source, BUILTIN)


def fast(text: str, mode: Mode | None = None, source: Source | None = None) -> _accel.Verdict | None:
    return _accel._fast(text, mode, source, BUILTIN)


def assert_full_path_agrees_with_the_reference(text: str, mode: Mode | None, source: Source | None) -> None:
    reference = _pipeline.run(text, mode, source, BUILTIN)
    verdict = full(text, mode, source)
    assert verdict.diagnostics == reference.diagnostics, text
    assert verdict.canonical == reference.canonical, text
    assert verdict.parsed == (reference.directive is not None), text
    raw = _pipeline.syntax(text)
    if reference.directive is not None and not isinstance(raw, Diagnostic):
        # Printing, valid or not: the plan's print program and the reference printer.
        plan = compile_plan(raw, mode, BUILTIN)
        assert render_program(plan.program, run_plan(raw, plan, source).canonicals) == print_canonical(reference.directive), text


@PROPERTY
@given(
    INPUTS,
    st.sampled_from([None, Mode.SYNC, Mode.ASYNC]),
    SOURCES,
)
def test_the_full_path_agrees_with_the_reference_pipeline(text: str, mode: Mode | None, source: Source | None) -> None:
    assert_full_path_agrees_with_the_reference(text, mode, source)


def full_until_fast(text: str, mode: Mode | None, source: Source | None) -> _accel.Verdict:
    """The full verdict, from as many runs as make the fast path of the text's shape."""
    first = full(text, mode, source)
    for _ in range(_accel.FAST_PATH_AFTER):
        assert full(text, mode, source) == first, text
    return first


@PROPERTY
@given(
    INPUTS,
    st.sampled_from([None, Mode.SYNC, Mode.ASYNC]),
    SOURCES,
)
def test_fast_verdict_agrees_with_the_full_one(text: str, mode: Mode | None, source: Source | None) -> None:
    slow = full_until_fast(text, mode, source)
    quick = fast(text, mode, source)
    # Again, now through the fast path last used (the one just found, if any).
    assert fast(text, mode, source) == quick, text
    if quick is not None:
        assert quick == slow, text
        # It serves directives with no error; warnings only where a value's own check finds them.
        assert not any(d.is_error for d in slow.diagnostics)
    else:
        # The fast path declines whenever anything would be reported (and then only).
        assert slow.diagnostics != () or slow.canonical is None or not _shape_is_plain(text), text


def _shape_is_plain(text: str) -> bool:
    """A directive the fast path is meant for: checked actions only, no style, no empty parameter."""
    raw = scan(text)
    return (
        raw is not None
        and all(
            category not in (None, "style") and all(key is not None or value for a in actions for key, value, *_ in a[3])
            for category, _, _, actions in raw
        )
        and "_" not in "".join(a[0] for s in raw for a in s[3])
    )


EDGE_CASES = [
    "a||b",
    "|a",
    "a/b|",
    "audio/convert,f_aac|style,x|sys/saveas,o_eA",
    "audio/convert,f_aac|sys/saveas,o_eA|",
    "style/a_b|sys/saveas,o_eA",
    "audio/convert,f_|sys/saveas,o_eA",
    "audio/convert,f_aac,ab_1=",
    "notify,topic_eA",
    "notifyx/a,b_c",
    "a/b,c_d_e,f_g==",
    "audio/convert,f_aac,ab_96000|sys/saveas,o_e2luZGV4fQ",  # {index}: not set by audio/convert
    "audio/convert,f_aac,ab_96000|sys/saveas,o_e3tpbmRleH19",  # {{index}}: a literal, no warning
]


def test_edge_cases() -> None:
    for text in EDGE_CASES:
        assert_scanner_agrees_with_lark(text)
        assert _lark_parser.automaton().first_error(text) == lark_stop(text), text
        assert _lark_parser.parse_raw(text) == _lark_parser.parse_raw(text, whole=True)
        assert_full_path_agrees_with_the_reference(text, None, None)
        slow = full_until_fast(text, None, None)
        quick = fast(text)
        assert quick is None or quick == slow, text


def test_the_fast_path_last_used_takes_only_its_own_shape() -> None:
    first = "audio/convert,f_aac,ab_96000|sys/saveas,o_b3V0LmFhYw"
    assert full_until_fast(first, None, None).canonical == first
    assert fast(first) == full(first)
    for text in [
        "audio/convert,f_aac,ab_96000|sys/saveas,o_b3V0LmFhYw,b_YnVja2V0",  # one more parameter
        "audio/convert,f_aac,ab_096000|sys/saveas,o_b3V0LmFhYw",  # a leading zero: W208
        "audio/convert,f_aac,ab_96000|sys/saveas,o_b3V0LmFhYw==",  # padding: W302
        "audio/convert,f_mp3,ab_96000|sys/saveas,o_b3V0LmFhYw.",  # not Base64
        "audio/convert,f_aac,ab_96000|sys/saveas,o_b3V0LmFhYw|x",
        "audio/convert,f_aac,ab_96000|sys/saveas,o_b3V0LmFhYw" + "A" * 9000,
    ]:
        slow = full_until_fast(text, None, None)
        quick = fast(text)
        assert quick is None or quick == slow, text
        assert slow.diagnostics != () or slow.canonical is None or quick == slow, text
    # Another directive of the first one's shape, after all those: served fast.
    quick = fast("audio/convert,f_flac,ab_128000|sys/saveas,o_b3V0LmZsYWM")
    assert quick is not None
    assert quick == full("audio/convert,f_flac,ab_128000|sys/saveas,o_b3V0LmZsYWM")


@PROPERTY
@given(st.lists(directives(), min_size=1, max_size=3), st.sampled_from([None, Mode.SYNC, Mode.ASYNC]))
def test_the_fast_path_serves_every_directive_that_is_clean_as_written(texts: list[str], mode: Mode | None) -> None:
    for text in texts:
        canonical = full(text, mode).canonical
        if canonical is None:
            continue
        slow = full_until_fast(canonical, mode, None)
        # A bare value (image/rotate,90) is part of the shape, checked once when its fast path
        # is made; a warning a value's own check finds is part of the fast verdict.
        quick = fast(canonical, mode)
        if slow.diagnostics == ():
            assert quick == slow, canonical
        else:
            assert quick is None or quick == slow, canonical


def test_the_shipped_table_is_the_one_lark_makes_from_the_grammar() -> None:
    shipped = _lark_parser.load_table(grammar_path(TABLE_FILE))
    assert shipped is not None, "regenerate it: python -m oss_process._lark_parser"
    assert shipped == json.loads(json.dumps(_lark_parser.table_document(_lark_parser.parser())))


def test_a_table_made_from_another_grammar_is_not_used(tmp_path: Path) -> None:
    document = json.loads(json.dumps(_lark_parser.table_document(_lark_parser.parser())))
    (tmp_path / "good.json").write_text(json.dumps(document))
    assert _lark_parser.load_table(str(tmp_path / "good.json")) == document
    document["grammar"] += "\n// edited"
    (tmp_path / "stale.json").write_text(json.dumps(document))
    assert _lark_parser.load_table(str(tmp_path / "stale.json")) is None
    (tmp_path / "broken.json").write_text("{")
    assert _lark_parser.load_table(str(tmp_path / "broken.json")) is None


def test_a_syntax_error_needs_no_lark_import() -> None:
    code = "import sys, oss_process; d = oss_process.lint('audio/convert, f_aac|sys/saveas,o_YQ'); print(d[0].code, 'lark' in sys.modules)"
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ran.stdout.split() == ["E012", "False"]


# Values shaped like a kind's clean spelling that its check may still refuse or warn about:
# numbers past a range, near-miss choices, Base64 of invalid UTF-8, of upper case, of a newline.
NEAR_VALUES = st.one_of(
    st.from_regex(r"[1-9][0-9]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{2,5}", fullmatch=True),
    st.binary(min_size=1, max_size=12).map(lambda data: base64.urlsafe_b64encode(data).decode().rstrip("=")),
    st.sampled_from(["QUJD", "b3V0Cg", "Lw", "Li4vYQ", "_w", "e2luZGV4fQ", "YWI"]),
)


@PROPERTY
@given(directives(), st.data())
def test_a_fast_path_answers_for_another_value_only_as_the_full_path_does(text: str, data: st.DataObject) -> None:
    """A shape's fast path, made from one directive, meets the other values of that shape:
    each refused, warned or clean value gives the full path's verdict, or leaves for it."""
    canonical = full(text).canonical
    if canonical is None:
        return
    full_until_fast(canonical, None, None)
    shape = _accel.shape_of(canonical)
    plan = CACHE.plans.get((shape, None, BUILTIN))
    found = plan.fast_path.match(canonical) if plan is not None and plan.fast_path is not None else None  # type: ignore[attr-defined]
    if found is None or not found.lastindex:
        return
    group = data.draw(st.integers(1, found.lastindex))
    other = canonical[: found.start(group)] + data.draw(NEAR_VALUES) + canonical[found.end(group) :]
    quick = fast(other)
    if quick is not None:
        assert quick == full(other), other
