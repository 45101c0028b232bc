"""The video actions, row for row from ``spec/media-actions.md`` section 2 and
``spec/directive-language.md`` section 4 (video/concat, with its /pre and /sur sub-steps,
is in ``concat.py`` beside audio/concat).

A row's ``source`` names where its facts are, by the spec's source keys: VS the snapshot
page, VF frame cutting, SP the sprite page, AN animation, VT transcoding, IMM-TV IMM's
TargetVideo struct, EC an error-code page, OFF an official SDK string. Rows seen only in
real strings are EX (using one warns, W223), those of an official SDK string or sample
(OFF) SDK, as the project's ``Confidence`` has it; ranges that are inferred warn when
broken (W232) instead of refusing.
"""

from typing import Any

from ..kinds import Choice, FrameRate, HexColor, Integer, IntegerChoice, Resolution
from ..rules import (
    AllowedPerChoice,
    Doubtful,
    EndsChain,
    FailsBelowSource,
    GridWithin,
    LikelyUnit,
    Needs,
    OnlyWith,
    Rule,
    SavedName,
    Untested,
    WithinSource,
)
from . import audio
from .limits import MAX_INT32
from .model import ActionSpec, Confidence, ParamSpec

_ERROR_PAGE = "https://help.aliyun.com/zh/oss/support/"
SNAPSHOT_PAGE = "https://alibabacloud.com/help/en/oss/user-guide/video-snapshots"
FRAMES_PAGE = "https://help.aliyun.com/en/oss/user-guide/video-frame-cutting"
SPRITE_PAGE = "https://alibabacloud.com/help/en/oss/user-guide/video-cut-sprite"
ANIMATION_PAGE = "https://www.alibabacloud.com/help/en/oss/user-guide/convert-videos-to-animated-images"
TRANSCODING_PAGE = "https://www.alibabacloud.com/help/en/oss/video-transcoding"

#: IMM's ScaleType, which the scaletype key is read as [INF].
SCALE_TYPES = ("stretch", "crop", "fill", "fit")
#: IMM TargetVideo: each side of a resolution in (0, 4096].
MAX_VIDEO_SIDE = 4096
#: A sprite is at most 16384 x 16384 px (SP), a sub-image at least 32 px a side (SP, sw).
MAX_SPRITE_SIDE = 16384
MIN_SPRITE_TILE = 32
MAX_FRAME_RATE = 240

VIDEO_FORMATS = ("mp4", "mkv", "mov", "asf", "avi", "mxf", "ts", "flv", "webm")
#: The transcoding page's audio-only outputs: audio/convert's formats.
AUDIO_FORMATS = audio.FORMATS
VIDEO_CODECS = ("h264", "h265", "vp9")
#: IMM TargetVideo PixelFormat; yuva420p is for vp9 only.
PIXEL_FORMATS = ("yuv420p", "yuva420p", "yuv422p", "yuv444p", "yuv420p10le", "yuv422p10le", "yuv444p10le")
#: The pixel formats with an alpha channel, and the codecs that take them (VT: "yuva420p (vp9)").
ALPHA_PIXEL_FORMATS = ("yuva420p",)
ALPHA_CODECS = ("vp9",)
#: IMM TargetAudio codecs [INF: the OSS key's values are seen only as acodec_aac].
AUDIO_CODECS = ("copy", "aac", "mp3", "flac", "opus", "ac3", "amr", "vorbis")


def _ms(key: str, meaning: str, **details: Any) -> ParamSpec:
    # An undocumented row's limits are no better known than the row itself.
    details.setdefault("bounds", details.get("confidence", Confidence.DOC))
    return ParamSpec(key, Integer(0, MAX_INT32), meaning, unit="ms", **details)


# --- video/snapshot (sync): DOC VS and EC 0053-00000101 to 109 ---------------------------


def _side(key: str, meaning: str, code: str, keyword: str) -> ParamSpec:
    return ParamSpec(key, Integer(0, MAX_INT32), meaning, unit="px", keyword=keyword, source=f"VS; EC 0053-{code}")


SNAPSHOT = ActionSpec(
    summary="Capture one frame of an H.264 or H.265 video as an image (synchronous).",
    reference=SNAPSHOT_PAGE,
    parameters=(
        _ms(
            "t",
            "The time of the frame to capture; past the video's end, the last frame.",
            keyword="time_ms",
            source="VS; EC 0053-00000101",
        ),
        _side("w", "The width of the image; 0 computes it from h (both 0: the video's size).", "00000104", "width"),
        _side("h", "The height of the image; 0 computes it from w (both 0: the video's size).", "00000105", "height"),
        _side("l", "The long side of the image, at most the video's long side.", "00000102", "long_side"),
        _side("s", "The short side of the image, at most the video's short side.", "00000103", "short_side"),
        ParamSpec(
            "m",
            Choice(("fast",)),
            "fast captures the nearest keyframe before t.",
            keyword="seek",
            when_omitted="the exact frame at t",
            source="VS; EC 0053-00000106",
        ),
        ParamSpec("f", Choice(("jpg", "png")), "The format of the image.", keyword="format", source="VS; EC 0053-00000107"),
        ParamSpec(
            "ar",
            Choice(("auto", "h", "w")),
            "auto rotates the image as the video's metadata says; h makes it taller than wide, w wider than tall.",
            keyword="rotate",
            when_omitted="no rotation",
            source="VS (auto); EC 0053-00000108 (h, w)",
        ),
    ),
    rules=(
        LikelyUnit(key="t", below=100, note="t is in milliseconds, and a time this short was most likely meant in seconds"),
        WithinSource(key="t", measure="duration", unit="ms", code="W227", instead="OSS captures the last frame"),
        WithinSource(key="w", measure="width", unit="px", code="E206"),
        WithinSource(key="h", measure="height", unit="px", code="E206"),
        WithinSource(key="l", measure="long side", unit="px", code="E206"),
        WithinSource(key="s", measure="short side", unit="px", code="E206"),
    ),
)


# --- video/snapshots (async): EX, the official PHP v2 sample; INF by analogy with sprite --

_PHP_SAMPLE = "OFF video/snapshots,f_jpg,w_100,h_100,scaletype_crop,inter_10000 (PHP v2 sample)"
_LIKE_SPRITE = "by analogy with video/sprite (SP)"


#: snapshots' and animation's frame count, known only by analogy with video/sprite's num.
_FRAME_COUNT = ParamSpec(
    "num",
    Integer(0, MAX_INT32),
    "The number of frames.",
    keyword="count",
    source="INF " + _LIKE_SPRITE,
    confidence=Confidence.INF,
    bounds=Confidence.INF,
)


def _size(key: str, meaning: str, source: str, confidence: Confidence) -> ParamSpec:
    # 0 as for video/snapshot (computed from the other side); 4096 as IMM's resolutions.
    return ParamSpec(key, Integer(0, MAX_VIDEO_SIDE), meaning, unit="px", source=source, confidence=confidence, bounds=Confidence.INF)


SNAPSHOTS = ActionSpec(
    summary="Capture frames of a video at intervals, as images (asynchronous; needs an IMM-bound bucket).",
    reference=FRAMES_PAGE,
    parameters=(
        _ms(
            "ss",
            "The time of the first frame.",
            keyword="start_ms",
            source="a third-party helper's ss_; INF " + _LIKE_SPRITE,
            confidence=Confidence.EX,
        ),
        ParamSpec(
            "f",
            Choice(("jpg", "png")),
            "The format of the images.",
            keyword="format",
            source=_PHP_SAMPLE + "; png as video/snapshot",
            confidence=Confidence.SDK,
            bounds=Confidence.INF,
        ),
        _size("w", "The width of the images.", _PHP_SAMPLE, Confidence.SDK),
        _size("h", "The height of the images.", _PHP_SAMPLE, Confidence.SDK),
        ParamSpec(
            "scaletype",
            Choice(SCALE_TYPES),
            "How the frame is fitted to w x h: stretch, crop, fill or fit.",
            keyword="scale_type",
            source=_PHP_SAMPLE + "; the other values IMM's ScaleType (IMM-TV)",
            confidence=Confidence.SDK,
            bounds=Confidence.INF,
        ),
        _ms(
            "inter",
            "The interval between two frames.",
            keyword="interval_ms",
            source=_PHP_SAMPLE,
            confidence=Confidence.SDK,
            bounds=Confidence.INF,
        ),
        _FRAME_COUNT,
        ParamSpec(
            "m",
            Choice(("inter", "key", "avg", "dhash")),
            "How frames are chosen: at intervals, keyframes, evenly, or by difference.",
            keyword="selection",
            source="INF " + _LIKE_SPRITE,
            confidence=Confidence.INF,
            bounds=Confidence.INF,
        ),
    ),
    chain_rules=(
        SavedName(
            suffix=False,
            reason="video/snapshots keeps only the last frame under a name with a suffix; "
            "under one without, OSS saves every frame, appending serials such as _0_1.jpg (VF)",
        ),
    ),
)


# --- video/sprite (async): DOC SP, the rest EX from the official PHP sample ---------------

_SPRITE_SAMPLE = "OFF video/sprite,f_jpg,sw_100,sh_100,inter_10000,tw_10,th_10,pad_0,margin_0 (PHP sample)"
_NO_SPACE = "0 px, as the spec reads the official sample (which writes pad_0,margin_0); not documented"


def _tiles(key: str, meaning: str, keyword: str) -> ParamSpec:
    # At most as many tiles of the smallest sub-image as fit in the largest sprite [INF].
    return ParamSpec(
        key,
        Integer(1, MAX_SPRITE_SIDE // MIN_SPRITE_TILE),
        meaning,
        keyword=keyword,
        source=_SPRITE_SAMPLE + f"; the range INF from SP ({MAX_SPRITE_SIDE} px a sprite, {MIN_SPRITE_TILE} px a tile)",
        confidence=Confidence.SDK,
        bounds=Confidence.EX,
    )


SPRITE = ActionSpec(
    summary=f"Capture frames of a video into one sprite image of at most {MAX_SPRITE_SIDE} x {MAX_SPRITE_SIDE} px (asynchronous).",
    reference=SPRITE_PAGE,
    parameters=(
        _ms(
            "ss",
            "The time of the first frame.",
            keyword="start_ms",
            default="0",
            when_omitted="from the start of the video",
            source="SP",
        ),
        ParamSpec("f", Choice(("jpg", "png")), "The format of the sprite.", keyword="format", required=True, source="SP"),
        ParamSpec(
            "m",
            Choice(("inter", "key", "avg", "dhash")),
            "How frames are chosen: inter at intervals, key the keyframes, avg evenly over the video, "
            "dhash where the picture changes (by thr).",
            keyword="selection",
            default="inter",
            when_omitted="frames at intervals",
            source="SP",
        ),
        ParamSpec(
            "thr",
            Integer(0, 100),
            "With m_dhash, how different a frame must be to be taken; at most 25 is recommended.",
            keyword="threshold",
            default="0",
            source="SP",
        ),
        ParamSpec(
            "num",
            Integer(0, MAX_INT32),
            "The number of frames to capture; 0 for no limit.",
            keyword="count",
            default="0",
            when_omitted="no limit",
            source="SP",
        ),
        _ms(
            "inter",
            "The interval between two frames; 0 takes every frame.",
            keyword="interval_ms",
            default="0",
            when_omitted="every frame",
            source="SP",
        ),
        ParamSpec(
            "sw",
            Integer(MIN_SPRITE_TILE, 4096),
            "The width of one sub-image.",
            unit="px",
            keyword="tile_width",
            source="SP",
        ),
        ParamSpec(
            "sh",
            Integer(MIN_SPRITE_TILE, 4096),
            "The height of one sub-image.",
            unit="px",
            keyword="tile_height",
            source=_SPRITE_SAMPLE + "; the range INF: as sw's (SP)",
            confidence=Confidence.SDK,
            bounds=Confidence.INF,
        ),
        _tiles("tw", "The number of sub-images in a row.", "columns"),
        _tiles("th", "The number of sub-images in a column.", "rows"),
        ParamSpec(
            "pad",
            Integer(0, MAX_SPRITE_SIDE),
            "The space between two sub-images.",
            unit="px",
            keyword="padding",
            # 0 is the spec's reading of the sample, which writes pad_0: not a documented
            # default, so not declared (pad_0 stays in the canonical form, as target_jpg does).
            when_omitted=_NO_SPACE,
            source=_SPRITE_SAMPLE + "; the range INF",
            confidence=Confidence.SDK,
            bounds=Confidence.INF,
        ),
        ParamSpec(
            "margin",
            Integer(0, MAX_SPRITE_SIDE),
            "The border around the sub-images.",
            unit="px",
            when_omitted=_NO_SPACE,
            source=_SPRITE_SAMPLE + "; the range INF",
            confidence=Confidence.SDK,
            bounds=Confidence.INF,
        ),
        ParamSpec(
            "color",
            HexColor(),
            "The colour of the padding and border, RRGGBB.",
            source="INF: no source names the key; the spec infers it",
            confidence=Confidence.INF,
            bounds=Confidence.INF,
        ),
    ),
    rules=(
        OnlyWith(key="thr", selector="m", choices=("dhash",), absent="inter"),
        Doubtful(key="thr", above=25, note="the sprite page recommends at most 25"),
        # The sprite's size from its tiles: the layout (pad between, margin around) is inferred.
        *(
            GridWithin(
                count=count,
                cell=cell,
                gap="pad",
                border="margin",
                limit=MAX_SPRITE_SIDE,
                note=f"the sprite page says a sprite is at most {MAX_SPRITE_SIDE} x {MAX_SPRITE_SIDE} px "
                "(the layout, pad between sub-images and margin around them, is inferred)",
            )
            for count, cell in (("tw", "sw"), ("th", "sh"))
        ),
    ),
)


# --- video/animation (async): DOC AN (formats), EX the rest ---------------------------------

_ANIMATION_SAMPLE = "EX video/animation,f_gif,w_100,h_100,inter_1000"

ANIMATION = ActionSpec(
    summary="Turn part of a video into an animated GIF or WebP image (asynchronous).",
    reference=ANIMATION_PAGE,
    parameters=(
        _ms("ss", "The time of the first frame.", keyword="start_ms", source="INF " + _LIKE_SPRITE, confidence=Confidence.INF),
        ParamSpec("f", Choice(("gif", "webp")), "The format of the animation.", keyword="format", source="AN"),
        _size("w", "The width of the animation.", _ANIMATION_SAMPLE, Confidence.EX),
        _size("h", "The height of the animation.", _ANIMATION_SAMPLE, Confidence.EX),
        _ms("inter", "The interval between two frames.", keyword="interval_ms", source=_ANIMATION_SAMPLE, confidence=Confidence.EX),
        _FRAME_COUNT,
        ParamSpec(
            "scaletype",
            Choice(SCALE_TYPES),
            "How the frame is fitted to w x h: stretch, crop, fill or fit.",
            keyword="scale_type",
            source="INF by analogy with video/snapshots; IMM-TV",
            confidence=Confidence.INF,
            bounds=Confidence.INF,
        ),
    ),
)


# --- video/convert (async): DOC VT for the first rows, EX/INF from pixfmt on ----------------

_PRESET = "EX console presets"
_IMM = "IMM-TV (the key's mapping to IMM's field is INF)"

FPS = ParamSpec(
    "fps",
    FrameRate(MAX_FRAME_RATE),
    "The frame rate of the output video.",
    unit="frames/s",
    keyword="frame_rate",
    when_omitted="the source video's frame rate",
    source="VT",
)
FPSOPT = ParamSpec(
    "fpsopt",
    Choice(("0", "1", "2")),
    "The frame-rate option: 0 always uses fps; 1 keeps the source's when it is below fps; 2 fails when it is.",
    keyword="frame_rate_option",
    source="VT (IMM fixed, adaptive, fall)",
)
VCODEC = ParamSpec(
    "vcodec",
    Choice(("copy", *VIDEO_CODECS)),
    "The video codec; copy keeps the source's stream, and every other video key is then ignored.",
    keyword="video_codec",
    # The page's default, copy, is not declared: an explicit vcodec_copy stays in the
    # canonical form, so that W213 on the keys it makes ineffective keeps its cause.
    when_omitted="copy, the page says (then every other video key is ignored)",
    source="VT; IMM-TV",
)
PIXFMT = ParamSpec(
    "pixfmt",
    Choice(PIXEL_FORMATS),
    "The pixel format of the output video (yuva420p with vp9 only).",
    keyword="pixel_format",
    when_omitted="the source video's pixel format",
    source="VT (yuv420p, yuva420p, yuv422p, yuv444p, '10-bit variants'); the 10-bit names " + _IMM,
    bounds=Confidence.INF,
)
SIZE = ParamSpec(
    "s",
    Resolution(1, MAX_VIDEO_SIDE),
    "The resolution of the output video: WxH, or Wx or xH to keep the aspect ratio.",
    keyword="resolution",
    when_omitted="the source video's resolution",
    source="OFF s_1920x1080; console presets s_640x; the range " + _IMM,
    confidence=Confidence.SDK,
    bounds=Confidence.INF,
)
SOPT = ParamSpec(
    "sopt",
    Choice(("0", "1", "2")),
    "The resolution option (IMM ResolutionOption), read like fpsopt.",
    keyword="resolution_option",
    source=_PRESET + " (sopt_1); the values INF by analogy with fpsopt",
    confidence=Confidence.EX,
    bounds=Confidence.INF,
)
SCALETYPE = ParamSpec(
    "scaletype",
    Choice(SCALE_TYPES),
    "How the picture is fitted to s: stretch, crop, fill or fit.",
    keyword="scale_type",
    source=_PRESET + " (scaletype_fit); the values " + _IMM,
    confidence=Confidence.EX,
    bounds=Confidence.INF,
)
AROTATE = ParamSpec(
    "arotate",
    IntegerChoice((0, 1)),
    "1 reads s as long side x short side, whatever the video's orientation (IMM AdaptiveResolutionDirection).",
    keyword="adaptive_rotate",
    source=_PRESET + " (arotate_1); the meaning " + _IMM,
    confidence=Confidence.EX,
    bounds=Confidence.EX,
)
CRF = ParamSpec(
    "crf",
    Integer(0, 51),
    "The constant rate factor (lower is better quality; 18 to 38 recommended); exclusive with vb.",
    keyword="crf",
    source=_PRESET + " (crf_25); the range " + _IMM,
    confidence=Confidence.EX,
    bounds=Confidence.INF,
)
VB = ParamSpec(
    "vb",
    Integer(1, MAX_INT32),
    "The video bitrate; exclusive with crf.",
    unit="bit/s",
    keyword="video_bitrate",
    source="OFF vb_2000000; the range INF",
    confidence=Confidence.SDK,
    bounds=Confidence.INF,
)
VBOPT = ParamSpec(
    "vbopt",
    Choice(("0", "1", "2")),
    "The bitrate option (IMM BitrateOption), read like abopt.",
    keyword="video_bitrate_option",
    source="EX hls/m3u8 strings (vbopt_1); the values INF by analogy with abopt",
    confidence=Confidence.EX,
    bounds=Confidence.INF,
)
GOP = ParamSpec(
    "g",
    Integer(1, MAX_INT32),
    "The GOP size: the most frames between two keyframes.",
    keyword="gop",
    source=_PRESET + " (g_250); " + _IMM + ", default 150",
    confidence=Confidence.EX,
    bounds=Confidence.INF,
)
ACODEC = ParamSpec(
    "acodec",
    Choice(AUDIO_CODECS),
    "The audio codec.",
    keyword="audio_codec",
    source="OFF acodec_aac; the values INF from IMM's TargetAudio",
    confidence=Confidence.SDK,
    bounds=Confidence.INF,
)

#: The video keys that an explicit vcodec_copy leaves without effect.
VIDEO_KEYS = ("fps", "fpsopt", "pixfmt", "s", "sopt", "scaletype", "arotate", "crf", "vb", "vbopt", "g")

_AUDIO = audio.CONVERT.by_key


def _audio_rule(kind: type, key: str) -> Rule:
    """The audio/convert rule of ``kind`` about ``key``: the same object, not a copy."""
    return next(r for r in audio.CONVERT.rules if type(r) is kind and getattr(r, "key", None) == key)


#: What the transcoding keys share between video/convert and hls/m3u8.
TRANSCODING_RULES: tuple[Rule, ...] = (
    *(OnlyWith(key=key, selector="vcodec", choices=VIDEO_CODECS) for key in VIDEO_KEYS),
    # That they exclude each other is inferred (IMM-TV), not documented: a warning.
    Untested(key="crf", with_keys=("vb",)),
    Needs(key="fpsopt", needed="fps"),
    Needs(key="sopt", needed="s"),
    Needs(key="vbopt", needed="vb"),
    _audio_rule(Needs, "abopt"),
    _audio_rule(FailsBelowSource, "ab"),
    # audio/convert's adepth takes effect with f_flac; in a video container, with acodec_flac.
    OnlyWith(key="adepth", selector="acodec", choices=("flac",)),
)


def alpha_by_codec(code: str, basis: str = "") -> AllowedPerChoice:
    """pixfmt by vcodec: the alpha formats with vp9 only (VT); ``code`` E210 where that is
    documented (video/convert), W232 where it is inferred (``basis``)."""
    plain = tuple(f for f in PIXEL_FORMATS if f not in ALPHA_PIXEL_FORMATS)
    return AllowedPerChoice(
        key="pixfmt",
        selector="vcodec",
        allowed={codec: plain for codec in VIDEO_CODECS if codec not in ALPHA_CODECS},
        noun="pixel format",
        preferred=("yuv420p",),
        code=code,
        basis=basis,
    )


CONVERT = ActionSpec(
    summary="Transcode a video, or extract its audio (asynchronous only; needs an IMM-bound bucket).",
    reference=TRANSCODING_PAGE,
    parameters=(
        _ms(
            "ss",
            "The time in the video from which transcoding begins.",
            keyword="start_ms",
            default="0",
            when_omitted="from the start of the video",
            source="VT",
        ),
        _ms(
            "t",
            "The duration to transcode after the start time; 0 to the end.",
            keyword="duration_ms",
            default="0",
            when_omitted="until the end of the video",
            source="VT",
        ),
        ParamSpec(
            "f",
            Choice((*VIDEO_FORMATS, *AUDIO_FORMATS)),
            "The container of the output: a video format, or an audio format for the audio alone.",
            keyword="format",
            required=True,
            source="VT (webm and amr are missing from the output-format overview: CONFLICT, accepted)",
        ),
        ParamSpec(
            "vn",
            IntegerChoice((0, 1)),
            "1 drops the video stream.",
            keyword="no_video",
            default="0",
            when_omitted="the video stream is kept",
            source="VT",
        ),
        VCODEC,
        FPS,
        FPSOPT,
        PIXFMT,
        SIZE,
        SOPT,
        SCALETYPE,
        AROTATE,
        CRF,
        VB,
        VBOPT,
        GOP,
        ParamSpec(
            "sn",
            IntegerChoice((0, 1)),
            "1 drops the subtitle streams.",
            keyword="no_subtitles",
            source="OFF sn_1; the meaning INF",
            confidence=Confidence.SDK,
            bounds=Confidence.EX,
        ),
        ACODEC,
        _AUDIO["ar"],
        _AUDIO["ac"],
        _AUDIO["ab"],
        _AUDIO["abopt"],
        _AUDIO["adepth"],
    ),
    rules=(
        *TRANSCODING_RULES,
        alpha_by_codec("E210"),
        # Where the output is an audio format, audio/convert's limits per format hold.
        _audio_rule(AllowedPerChoice, "ar"),
        _audio_rule(AllowedPerChoice, "ac"),
    ),
    output_variables=frozenset({"autoext", "streamindex", "resolution"}),
)


# --- video/info (sync) ----------------------------------------------------------------------

INFO = ActionSpec(
    summary="Answer the video's streams, duration and bitrate as JSON.",
    reference=TRANSCODING_PAGE,
    parameters=(),
    chain_rules=(EndsChain(reason="its answer is JSON, not a video"),),
    builder_name="VideoInfo",
)
