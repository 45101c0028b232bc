"""The speed layer's generated code is visible (linecache) and reads like code a person
would write; its cache is one object with one bound."""

from __future__ import annotations

import inspect
import linecache
import re
import traceback

import pytest

import oss_process
from oss_process._accel import FAST_PATH_AFTER, fast
from oss_process._accel.cache import CACHE, Bounded
from oss_process._accel.quick import Namespace, compile_quick, define
from oss_process.kinds import Integer
from oss_process.tables import BUILTIN
from tests.helpers import b64


def fast_path_source(text: str) -> str:
    CACHE.clear()  # a fast path kept by signature outlives its plan: start from none
    for _ in range(FAST_PATH_AFTER + 1):
        CACHE.verdicts.clear()
        oss_process.lint(text)
    shape = oss_process._accel.shape_of(text)
    plan = CACHE.plans[(shape, None, BUILTIN)]
    assert isinstance(plan.fast_path, fast.FastPath)  # type: ignore[attr-defined]
    run = plan.fast_path.run  # type: ignore[attr-defined]
    assert inspect.getsource(run).startswith("def fast(texts, source):\n")
    return "".join(linecache.getlines(run.__code__.co_filename))


def test_a_fast_path_reads_like_code_a_person_would_write() -> None:
    text = f"audio/convert,ss_1000,f_opus,ar_48000,ab_64000|sys/saveas,b_{b64('out')},o_{b64('a/{autoext}')}/notify,topic_{b64('Done')}"
    source = fast_path_source(text)
    assert source.startswith("# the fast path of 'audio/convert,ss_,f_,ar_,ab_|sys/saveas,b_,o_/notify,topic_'\ndef fast(texts, source):")
    assert "not not" not in source
    assert re.search(r"\b_k\d", source) is None
    for line in (
        "        # ss: integer from 0 to 2147483647",
        "        # o: URL-safe Base64 of an object name",
        "            if text1 not in CHOICES:",
    ):
        assert line in source.splitlines(), line
    assert "SS_DEFAULT" in source
    assert "SS_PREFIX" in source


def test_generated_functions_show_their_lines_in_tracebacks() -> None:
    namespace = Namespace()
    limit = namespace.bind(10, "LIMIT")
    boom = define("boom(x)", f"if x > {limit}:\n    raise ValueError(x)\nreturn x", namespace, "a test of tracebacks")
    assert boom(3) == 3
    with pytest.raises(ValueError, match="11") as caught:
        boom(11)
    shown = "".join(traceback.format_exception(caught.value))
    assert "a test of tracebacks" in shown
    assert "raise ValueError(x)" in shown
    filename = boom.__code__.co_filename
    assert linecache.getline(filename, 3) == "    if x > LIMIT:\n"


def test_a_quick_check_is_a_visible_function_too() -> None:
    quick = compile_quick(Integer(1, 9))
    assert quick("5") == 5
    assert quick("10") is None
    assert quick("05") is None
    assert "if not 1 <= value <= 9:" in inspect.getsource(quick)


def test_a_bounded_region_forgets_its_oldest_entries_first() -> None:
    region: Bounded[int, str] = Bounded(3)
    for i in range(5):
        region.put(i, str(i))
    assert list(region.items()) == [(2, "2"), (3, "3"), (4, "4")]


def test_clearing_the_cache_empties_every_region() -> None:
    oss_process.lint("audio/convert,f_aac")
    oss_process.lint("audio/convert, f_aac")
    assert any(CACHE.sizes().values())
    CACHE.clear()
    # Generated sources and builders stay: objects in use still refer to them.
    assert not any(size for name, size in CACHE.sizes().items() if name not in ("sources", "builders"))


def test_generated_sources_leave_linecache_with_their_region() -> None:
    before = set(linecache.cache)
    quicks = [compile_quick(Integer(0, n)) for n in range(1, CACHE.sources.limit + 50)]
    added = set(linecache.cache) - before
    assert len(added) <= CACHE.sources.limit
    # The newest are still shown; the oldest were forgotten.
    assert quicks[-1].__code__.co_filename in linecache.cache
    assert quicks[0].__code__.co_filename not in linecache.cache
    assert quicks[0]("1") == 1  # a forgotten source does not stop the function


def test_warnings_on_the_fast_path_keep_nothing_alive() -> None:
    """A value with warnings leaves the inlined check by an exception: a new one each time,
    so that no traceback (and no frame of an earlier call) is kept."""
    import gc

    import oss_process
    from oss_process._accel.cache import CACHE

    name = b64("outobjprefix.{autoext}\n")  # ends with a newline: W305
    texts = [f"audio/convert,ss_{i},f_aac|sys/saveas,o_{name}" for i in range(3000)]
    for text in texts[:100]:  # the shape's fast path is made
        assert [d.code for d in oss_process.lint(text)] == ["W305"]
    counts = []
    for _ in range(3):
        CACHE.verdicts.clear()
        for text in texts:
            oss_process.lint(text)
        CACHE.verdicts.clear()
        gc.collect()
        counts.append(len(gc.get_objects()))
    assert counts[2] - counts[0] < 1000, counts


def test_alternating_shapes_of_one_signature_are_served_without_a_shape_of_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts of shapes that take turns (mixed traffic) find their fast path among those kept
    for their signature, newest first, without the split that finds a text's shape."""
    from oss_process import _accel

    CACHE.clear()
    shapes = [f"audio/convert,f_aac,{key}_{{}},ab_96000|sys/saveas,o_{b64('out.aac')}" for key in ("ss", "t", "ar", "ac")]
    values = {"ss": 1000, "t": 60000, "ar": 44100, "ac": 2}
    texts = [shape.format(values[key]) for shape, key in zip(shapes, values, strict=True)]
    assert len({_accel.signature(text) for text in texts}) == 1
    for _ in range(FAST_PATH_AFTER + 2):  # made, then used once through its shape
        for text in texts:
            CACHE.verdicts.clear()
            oss_process.lint(text)
    expected = {text: oss_process.check(text).canonical for text in texts}

    def no_shape(text: str) -> None:
        raise AssertionError(f"shape_of({text!r}) was called")

    monkeypatch.setattr(_accel, "shape_of", no_shape)
    for text in texts * 3:
        found = _accel._try_fast(text, None, None, BUILTIN)
        assert isinstance(found, _accel.Verdict)
        assert found.canonical == expected[text]


def test_the_fast_paths_kept_per_signature_are_bounded() -> None:
    from oss_process import _accel

    CACHE.clear()
    texts = [
        f"image/resize,w_{w},h_100/format,{fmt}"
        for w in (10, 20)
        for fmt in ("jpg", "png", "webp", "bmp", "gif", "tiff", "heic", "avif", "jpg")
    ]
    for _ in range(FAST_PATH_AFTER + 1):
        CACHE.verdicts.clear()
        for text in texts:
            oss_process.lint(text)
    recent = CACHE.recent[None]
    assert all(len(kept) <= _accel.RECENT_PER_SIGNATURE for kept in recent.by_signature.values())  # type: ignore[attr-defined]
    assert max(len(kept) for kept in recent.by_signature.values()) == _accel.RECENT_PER_SIGNATURE  # type: ignore[attr-defined]
    for text in texts:
        CACHE.verdicts.clear()
        assert oss_process.canonicalize(text) == oss_process.check(text).canonical
