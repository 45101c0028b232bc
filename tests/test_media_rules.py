"""The rules of issue 16's video, audio and document tables, each on both sides of its
boundary: yuva420p by codec, the sprite's size, txt by document type, export by print,
audio/concat without ar/ac, the documents' size limits, the saved name of video/snapshots;
and hls/m3u8's rows known only from its presets."""

from __future__ import annotations

import pytest
from hypothesis import given

import oss_process
from oss_process import Source, _accel
from oss_process._accel.cache import CACHE
from oss_process.rules import AllowedPerChoice, GridWithin, OnlyWith, RuleContext, SavedName
from oss_process.strategies import directives, near_miss_codes, near_misses
from oss_process.tables import BUILTIN, Confidence, doc, hls, video
from tests.helpers import b64
from tests.property.settings import per_table


def codes(text: str, mode: str | None = None, source: Source | None = None) -> list[str]:
    return sorted(d.code for d in oss_process.lint(text, mode=mode, source=source))


def saved(name: str) -> str:
    return "|sys/saveas,o_" + b64(name)


# --- video/convert and hls/m3u8: yuva420p with vp9 only ----------------------------------


@pytest.mark.parametrize(
    ("vcodec", "pixfmt", "expected"),
    [
        ("vp9", "yuva420p", []),
        ("h264", "yuva420p", ["E210"]),
        ("h265", "yuva420p", ["E210"]),
        ("h264", "yuv420p", []),
        ("h265", "yuv444p10le", []),
        ("copy", "yuva420p", ["W213"]),  # copy: pixfmt has no effect, so nothing else is said
    ],
)
def test_alpha_pixel_format_by_codec_in_video_convert(vcodec: str, pixfmt: str, expected: list[str]) -> None:
    assert codes(f"video/convert,f_mkv,vcodec_{vcodec},pixfmt_{pixfmt}" + saved("a.mkv")) == expected


def test_the_alpha_refusal_names_the_formats_h264_takes() -> None:
    (found,) = oss_process.lint("video/convert,f_mp4,vcodec_h264,pixfmt_yuva420p" + saved("a.mp4"))
    assert found.code == "E210"
    assert "h264 supports the pixel formats yuv420p" in found.message
    assert "not yuva420p" in found.message
    assert found.hint == "use pixfmt_yuv420p"


def test_in_hls_the_alpha_rule_is_inferred_and_only_warns() -> None:
    found = oss_process.lint("hls/m3u8,vcodec_h264,pixfmt_yuva420p")
    inferred = [d for d in found if d.code == "W232"]
    assert len(inferred) == 1
    assert "inferred, not documented" in inferred[0].message
    assert [d.code for d in oss_process.lint("hls/m3u8,vcodec_vp9,pixfmt_yuva420p") if d.code != "W223"] == []


def test_per_choice_values_may_be_words_and_an_omitted_key_is_then_not_checked() -> None:
    rule = video.alpha_by_codec("E210")
    reported: list[str] = []
    context = RuleContext({"vcodec": "h264"}, {"vcodec"}, Source(), lambda code, *_: reported.append(code), lambda k, v: True)
    rule.check(context)  # pixfmt left out: no source field to judge the kept format by
    assert reported == []
    assert rule.source_fields == ()


# --- hls/m3u8: video/convert's rows, known only from the presets --------------------------


def test_hls_rows_are_video_converts_known_only_as_seen() -> None:
    for key in ("vcodec", "fps", "pixfmt", "ar", "abopt"):
        mine, theirs = hls.M3U8.by_key[key], video.CONVERT.by_key[key]
        assert (mine.kind, mine.meaning, mine.keyword) == (theirs.kind, theirs.meaning, theirs.keyword)
        # A default documented for video/convert is not hls's: the canonical form keeps it written.
        assert mine.default is None
        assert theirs.default is None or f"the default is {theirs.default}" in (mine.when_omitted or "")
        assert mine.confidence is Confidence.EX
        assert mine.bounds in (Confidence.EX, Confidence.INF)
        assert theirs.confidence is Confidence.DOC  # video/convert's own rows are unchanged
    assert hls.M3U8.by_key["s"].bounds is Confidence.INF  # already inferred: not raised to EX


def test_known_as_keeps_the_weaker_confidence() -> None:
    row = video.CONVERT.by_key["sopt"]  # EX, limits INF
    again = row.known_as(Confidence.SDK)
    assert (again.confidence, again.bounds, again.source) == (Confidence.EX, Confidence.INF, row.source)
    assert row.known_as(Confidence.INF, "here").source == "here"


@pytest.mark.parametrize("text", ["hls/m3u8,fps_0", "hls/m3u8,fps_241", "hls/m3u8,vcodec_h266", "hls/m3u8,ar_44000"])
def test_video_converts_limits_only_warn_in_hls(text: str) -> None:
    assert codes(text) == ["W223", "W232"]
    # the same value in video/convert, where the limit is documented: refused
    assert any(d.is_error for d in oss_process.lint(text.replace("hls/m3u8", "video/convert,f_mp4") + saved("a.mp4")))


# --- video/sprite: at most 16384 x 16384 px ---------------------------------------------


def sprite(*keys: str) -> str:
    return ",".join(("video/sprite,f_jpg", *keys)) + saved("s.jpg")


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("sw_4096", "tw_4"), []),  # 16384
        (("sw_4096", "tw_5"), ["W219"]),
        (("sh_32", "th_512"), []),  # 16384
        (("sh_33", "th_512"), ["W219"]),
        (("sw_1000", "tw_16", "pad_25"), []),  # 16000 + 15 x 25 = 16375
        (("sw_1000", "tw_16", "pad_26"), ["W219"]),  # 16390
        (("sw_1000", "tw_16", "pad_25", "margin_4"), []),  # 16383
        (("sw_1000", "tw_16", "pad_25", "margin_5"), ["W219"]),  # 16385
        (("sw_4096", "th_5"), []),  # a count of rows says nothing of the width
        (("sw_4096", "tw_5", "pad_x"), ["W232"]),  # a value not checked out: no span known
    ],
)
def test_sprite_size_from_its_tiles(keys: tuple[str, ...], expected: list[str]) -> None:
    assert codes(sprite(*keys)) == expected


def test_the_sprite_warning_is_at_the_count_and_says_the_span() -> None:
    text = sprite("sw_2000", "tw_9", "pad_10")
    (found,) = oss_process.lint(text)
    assert found.code == "W219"
    assert text[found.span.start : found.span.end] == "tw_9"
    assert "18080 px" in found.message  # 9 x 2000 + 8 x 10


def test_grid_span_is_count_cells_gaps_and_border() -> None:
    rule = GridWithin(count="n", cell="c", gap="g", border="b", limit=100, note="")
    assert rule.span({"n": 3, "c": 10, "g": 2, "b": 5}) == 30 + 4 + 10
    assert rule.span({"n": 1, "c": 10}) == 10
    assert rule.known({"n": 1, "c": 10}, {"n", "c"})
    assert not rule.known({"n": 1, "c": 10}, {"n", "c", "g"})  # g given but refused
    assert not rule.known({"n": 1}, {"n"})


@given(directives("video/sprite"))
@per_table()
def test_drawn_sprites_keep_within_the_size(text: str) -> None:
    assert "W219" not in codes(text)


def test_pad_and_margin_zero_stay_in_the_canonical_form() -> None:
    # 0 is the spec's reading of the sample, not a documented default
    text = sprite("pad_0", "margin_0")
    assert oss_process.canonicalize(text) == text
    assert video.SPRITE.by_key["pad"].default is None
    assert "0 px" in (video.SPRITE.by_key["pad"].when_omitted or "")


# --- doc/convert: txt only from Word and PowerPoint -------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        *((s, []) for s in ("doc", "docx", "wps", "html", "ppt", "pptx", "dpss")),
        *((s, ["W232"]) for s in ("xls", "xlsx", "csv", "ets", "pdf")),
    ],
)
def test_txt_only_from_word_and_powerpoint_sources(source: str, expected: list[str]) -> None:
    assert codes(f"doc/convert,target_txt,source_{source}" + saved("a.txt")) == expected
    assert codes(f"doc/convert,target_png,source_{source}" + saved("{index}.png")) == []


def test_txt_without_a_source_type_is_not_judged() -> None:
    assert codes("doc/convert,target_txt" + saved("a.txt")) == []


def test_txt_warning_says_it_is_inferred_and_suggests_pdf() -> None:
    (found,) = oss_process.lint("doc/convert,target_txt,source_xlsx" + saved("a.txt"))
    assert "inferred" in found.message
    assert "IMM" in found.message
    assert found.hint == "use target_pdf"


def test_an_inferred_restriction_gives_no_near_miss() -> None:
    assert "E210" not in near_miss_codes("doc/convert")
    assert "E210" in near_miss_codes("video/convert")  # the documented pixfmt and audio limits


# --- doc/preview: export needs print ----------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("export_1,print_0", ["W213"]),
        ("export_1,print_1", []),
        ("export_0,print_0", []),
        ("export_1", []),  # print left out: what it allows is not known
        ("print_0", []),
    ],
)
def test_export_needs_print(keys: str, expected: list[str]) -> None:
    assert [c for c in codes("doc/preview," + keys) if c != "W223"] == expected


def test_only_with_a_value_reads_the_keys_value() -> None:
    rule = OnlyWith(key="export", value=1, selector="print", choices=(1,))
    assert rule.reads == ("print", "export")
    assert rule.describe() == "export_1 takes effect only with print 1"
    assert OnlyWith(key="thr", selector="m", choices=("dhash",)).reads == ("m",)


# --- audio/concat: ar and ac advised ----------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "missing"),
    [(",ar_44100,ac_2", None), (",ar_44100", "ac is"), (",ac_2", "ar is"), ("", "ar and ac are")],
)
def test_audio_concat_advises_ar_and_ac(keys: str, missing: str | None) -> None:
    found = oss_process.lint(f"audio/concat,f_aac{keys}/pre,o_{b64('a.aac')}" + saved("b.aac"))
    advised = [d for d in found if d.code == "W234"]
    assert [d.code for d in found] == (["W234"] if missing else [])
    if missing:
        assert advised[0].message.startswith(f"{missing} not set")


@given(directives("audio/concat"))
@per_table()
def test_drawn_audio_concats_set_ar_and_ac(text: str) -> None:
    assert "W234" not in codes(text)


def test_video_concat_has_no_such_advice() -> None:
    assert codes(f"video/concat,f_mp4,vcodec_h264/pre,o_{b64('a.mp4')}" + saved("b.mp4")) == []


# --- doc/snapshot and doc/convert: the document's size ----------------------------------


@pytest.mark.parametrize(
    ("text", "limit"),
    [("doc/snapshot", doc.MAX_SNAPSHOT_BYTES), ("doc/convert,target_pdf" + saved("a.pdf"), doc.MAX_CONVERT_BYTES)],
)
def test_document_size_limits(text: str, limit: int) -> None:
    assert codes(text, source=Source(size=limit)) == []
    assert codes(text, source=Source(size=limit + 1)) == ["E229"]
    assert codes(text) == []  # size unknown


def test_document_limits_are_20_and_200_mb() -> None:
    assert doc.MAX_SNAPSHOT_BYTES == 20 * 1024 * 1024
    assert doc.MAX_CONVERT_BYTES == 200 * 1024 * 1024


def test_the_document_size_gives_a_near_miss() -> None:
    assert "E229" in near_miss_codes("doc/snapshot")

    @given(near_misses(codes=["E229"], action="doc/snapshot"))
    @per_table()
    def check(miss: object) -> None:
        assert codes(miss.text, miss.mode, miss.source) == ["E229"]  # type: ignore[attr-defined]

    check()


# --- video/snapshots: the saved name ----------------------------------------------------

SNAPSHOTS = "video/snapshots,f_jpg,inter_1000"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("frames", []),
        ("out/frames", []),
        ("frames.jpg", ["W316"]),
        ("out/frames.png", ["W316"]),
        ("out.d/frames", []),  # the dot is in a folder's name
        (".frames", []),  # a leading dot starts no suffix
        ("frames.", []),  # nor does a trailing one
        ("frames/{index}.jpg", []),  # one name per frame
        ("frames/{{index}}.jpg", ["W316"]),  # a literal brace: one name
        ("frames.{autoext}", ["W316"]),  # the same extension for every frame: one name
        ("{barename}.jpg", ["W316"]),
    ],
)
def test_snapshots_saved_without_a_suffix(name: str, expected: list[str]) -> None:
    assert codes(SNAPSHOTS + saved(name)) == expected


def test_the_name_warning_is_at_the_name_and_hints_the_name_without_suffix() -> None:
    text = SNAPSHOTS + saved("out/frames.jpg")
    (found,) = oss_process.lint(text)
    assert text[found.span.start : found.span.end] == b64("out/frames.jpg")
    assert found.message.startswith("o: 'out/frames.jpg' has the suffix .jpg")
    assert found.hint == "save it as 'out/frames'"


def test_other_actions_are_not_judged_by_their_saved_name() -> None:
    assert codes("video/sprite,f_jpg" + saved("sprite.jpg")) == []
    assert codes("video/convert,f_mp4" + saved("a.mp4")) == []


def test_a_saved_name_rule_with_a_suffix_wanted() -> None:
    rule = SavedName(suffix=True, reason="why")
    found: list[tuple[str, str, str | None]] = []
    rule.check_saved("a/b", lambda code, message, hint=None: found.append((code, message, hint)))
    rule.check_saved("a/b.mp4", lambda code, message, hint=None: found.append((code, message, hint)))
    assert found == [("W316", "'a/b' has no suffix: why", "add a suffix, such as .jpg")]


def test_the_fast_path_agrees_on_the_saved_name() -> None:
    CACHE.clear()
    clean = SNAPSHOTS + saved("frames")
    for _ in range(_accel.FAST_PATH_AFTER + 1):
        _accel._full(clean, None, None, BUILTIN)
    assert _accel._fast(clean, None, None, BUILTIN) == _accel._full(clean, None, None, BUILTIN)  # served fast
    # A name of the same shape that the rule finds fault with: the fast path declines.
    suffixed = SNAPSHOTS + saved("frames.jpg")
    assert _accel._fast(suffixed, None, None, BUILTIN) is None
    assert [d.code for d in oss_process.lint(suffixed)] == ["W316"]


def test_saved_name_rules_are_chain_rules_of_the_table() -> None:
    assert any(isinstance(rule, SavedName) for rule in video.SNAPSHOTS.chain_rules)
    others = [info.spec for _, _, info in BUILTIN.tabled() if info.spec is not None and info.spec is not video.SNAPSHOTS]
    assert not any(isinstance(rule, SavedName) for spec in others for rule in spec.chain_rules)


def test_allowed_per_choice_groups_choices_with_the_same_values() -> None:
    assert doc.TARGET_BY_SOURCE.describe().startswith("target by source: xls, xlt, et,")
    assert isinstance(doc.TARGET_BY_SOURCE, AllowedPerChoice)
    assert doc.TARGET_BY_SOURCE.code == "W232"
