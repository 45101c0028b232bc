"""The image actions, row for row from ``spec/media-actions.md`` sections 0, 1 and 6 (the
OSS image-processing parameter pages and their error-code pages).

The bare-value actions take exactly one positional value; extra values are an error
(EC 0040-00000203, spec section 0): ``image/rotate,90``, not ``rotate,value_90``.
A row's ``source`` names where its facts are: M: the 2021 mirror page, R: the current
resize page, WM: the current watermark page, BW: the blind-watermark page, EC: an
error-code page (spec/media-actions.md, "Source keys").
"""

from ..embedded import ObjectWithProcess
from ..kinds import Alias, Base64Name, Choice, HexColor, Integer, IntegerChoice, Named, Text
from ..rules import (
    AffectsFormats,
    AnimatedOnlyFrom,
    AtMost,
    CropInside,
    Doubtful,
    EndsChain,
    EnlargesDespiteLimit,
    IndexInside,
    Needs,
    OneOf,
    OnlyWith,
    Overridden,
    Rule,
    SourceSideAtMost,
    SourceWithin,
    TargetWithin,
    Untested,
    WithinOutput,
)
from . import geometry
from .limits import (
    DOUBTFUL_BLUR_PERCENT,
    IMM_MAX_BLIND_CONTENT_BYTES,
    MAX_BLIND_CONTENT,
    MAX_BLUR_PERCENT,
    MAX_IMAGE_WATERMARKS,
    MAX_INT32,
    MAX_OUTPUT_PIXELS,
    MAX_OUTPUT_SIDE,
    MAX_RESIZE_SIDE,
    MAX_ROTATE_SIDE,
    MAX_SOURCE_BYTES,
    MAX_SOURCE_PIXELS,
    MAX_SOURCE_SIDE,
    MAX_WATERMARK_TEXT,
    OLDER_MAX_IMAGE_WATERMARKS,
    OLDER_MAX_RESIZE_SIDE,
)
from .model import SYNC_ONLY, ActionInfo, ActionSpec, Catalogue, Confidence, ParamSpec

# Where the facts come from: the 2021 mirror of the parameter pages (repository
# AlibabaCloudDocs/oss, HEAD 2021-07-14) and the error-code pages.
_MIRROR = "https://github.com/AlibabaCloudDocs/oss intl.en-US/Developer Guide/Data Processing/Image Processing/Parameters/"
_ERROR_PAGE = "https://help.aliyun.com/zh/oss/support/"


def _sources(page: str, *codes: str) -> str:
    return "; ".join([f"{_MIRROR}{page}.md", *(f"{_ERROR_PAGE}{code}" for code in codes)])


#: What OSS takes as a source image: checked at the directive's first action.
_SOURCE = SourceWithin(max_bytes=MAX_SOURCE_BYTES, max_side=MAX_SOURCE_SIDE, max_pixels=MAX_SOURCE_PIXELS)

#: The extent of bright and contrast: -100 to 100, 0 leaves the image as it is.
ADJUSTMENT = Integer(-100, 100)

ROTATE = ActionSpec(
    summary=f"Rotate the image clockwise (the source must be at most {MAX_ROTATE_SIDE} x {MAX_ROTATE_SIDE} px).",
    reference=_sources("Rotate", "0040-00000217", "0040-00000203"),
    parameters=(),
    positional=ParamSpec(
        "degrees",
        Integer(0, 360),
        "The angle to rotate the image clockwise; the canvas grows for angles that are not a multiple of 90.",
        unit="degrees",
        default="0",
        when_omitted="the page's default, 0 (no rotation); a warning (W222), as the action is documented to take one value",
    ),
    rules=(
        SourceSideAtMost(max_side=MAX_ROTATE_SIDE),
        _SOURCE,
    ),
    effect=geometry.after_rotate,
)

AUTO_ORIENT = ActionSpec(
    summary="Rotate the image as its EXIF orientation says, or keep it as stored.",
    reference=_sources("Automatic rotation", "0040-00000214", "0040-00000215", "0040-00000203"),
    parameters=(),
    positional=ParamSpec(
        "by_exif",
        IntegerChoice((0, 1)),
        "1 rotates the image by its EXIF orientation; 0 keeps the orientation it is stored in.",
        required=True,
    ),
    rules=(_SOURCE,),
    effect=geometry.after_auto_orient,
)

INTERLACE = ActionSpec(
    summary="Save the output as a progressive (interlaced) or baseline image; only JPG output is affected.",
    reference=_sources("Gradual display", "0040-00000281", "0040-00000282", "0040-00000203"),
    parameters=(),
    positional=ParamSpec(
        "progressive",
        IntegerChoice((0, 1)),
        "1 saves a progressive JPG (it shows blurred first, then sharp); 0 a baseline JPG (it shows top to bottom).",
        required=True,
    ),
    rules=(
        AffectsFormats(formats=("jpg",), what="interlace"),
        _SOURCE,
    ),
)

BRIGHT = ActionSpec(
    summary="Change the brightness of the image.",
    reference=_sources("Brightness", "0040-00000245", "0040-00000246", "0040-00000203"),
    parameters=(),
    positional=ParamSpec(
        "brightness",
        ADJUSTMENT,
        "The change of brightness: 0 leaves it unchanged, a negative value darkens, a positive value brightens.",
        required=True,
    ),
    rules=(_SOURCE,),
)

CONTRAST = ActionSpec(
    summary="Change the contrast of the image.",
    reference=_sources("Contrast", "0040-00000203"),
    parameters=(),
    positional=ParamSpec(
        "contrast",
        ADJUSTMENT,
        "The change of contrast: 0 leaves it unchanged, a negative value lowers it, a positive value raises it.",
        keyword="change",
        required=True,
    ),
    rules=(_SOURCE,),
)

SHARPEN = ActionSpec(
    summary="Sharpen the image.",
    reference=_sources("Sharpen", "0040-00000279", "0040-00000280", "0040-00000203"),
    parameters=(),
    positional=ParamSpec(
        "amount",
        Integer(50, 399),
        "The amount of sharpening: the larger, the sharper (and the noisier); 100 is the recommended value.",
        required=True,
    ),
    rules=(_SOURCE,),
)


#: The nine-grid anchors of crop and watermark.
NINE_GRID = ("nw", "north", "ne", "west", "center", "east", "sw", "south", "se")
#: A resize's mode when m is left out.
RESIZE_MODE_DEFAULT = "lfit"
RESIZE_MODES = ("lfit", "mfit", "fill", "pad", "fixed")
#: The output formats (DOC), the last two where "advanced compression" is offered.
FORMATS = ("jpg", "png", "webp", "bmp", "gif", "tiff", "heic", "avif")
#: The watermark fonts, by the name their Base64 spells.
FONTS = (
    "wqy-zenhei",
    "wqy-microhei",
    "fangzhengshusong",
    "fangzhengkaiti",
    "fangzhengheiti",
    "fangzhengfangsong",
    "droidsansfallback",
)
WATERMARK_ANCHOR_DEFAULT = "se"

_SIDE_NOTE = f"the 2021 resize page and EC 0040-00000007 allowed at most {OLDER_MAX_RESIZE_SIDE}"


def _side(key: str, keyword: str, meaning: str, code: str) -> ParamSpec:
    return ParamSpec(key, Integer(1, MAX_RESIZE_SIDE), meaning, unit="px", keyword=keyword, source=f"R; M:Resize images; EC 0040-{code}")


_RESIZE_ROWS = (
    ParamSpec(
        "m",
        Choice(RESIZE_MODES),
        "How the image fits w x h: lfit inside it, mfit covers it, fill covers it and crops the centre, "
        "pad fits inside and pads with color, fixed stretches to it.",
        default=RESIZE_MODE_DEFAULT,
        when_omitted="fit inside w x h, keeping the aspect ratio",
        keyword="fit",
        source="R; M:Resize images; EC 0040-00000311",
    ),
    _side("w", "width", "The target width.", "00000312"),
    _side("h", "height", "The target height.", "00000312"),
    _side(
        "l",
        "longer",
        "The target length of the longer side (the side with the larger source/target ratio); ignored with w or h.",
        "00000314",
    ),
    _side("s", "shorter", "The target length of the shorter side; ignored with w or h.", "00000315"),
    ParamSpec(
        "limit",
        IntegerChoice((0, 1)),
        "1: a target larger than the source returns the source's size (no enlarging); 0: enlarge. GIF is only shrunk.",
        default="1",
        when_omitted="no enlarging",
        source="R; M:Resize images; EC 0040-00000319",
    ),
    ParamSpec(
        "color",
        HexColor(),
        "The padding colour of m_pad, RRGGBB.",
        default="FFFFFF",
        when_omitted="white",
        source="R; M:Resize images; EC 0040-00000318",
    ),
    ParamSpec(
        "p",
        Integer(1, 1000),
        "Scale by this percentage (below 100 shrinks, above enlarges); a GIF becomes static.",
        unit="%",
        keyword="percent",
        source="M:Resize images; EC 0040-00000317",
    ),
)

#: fill, pad and fixed give exactly w x h: bounded whatever the source (EC 0040-00000007).
_TARGET = TargetWithin(modes=("fill", "pad", "fixed"), max_pixels=MAX_OUTPUT_PIXELS)

_RESIZE_RULES: tuple[Rule, ...] = (
    _TARGET,
    Overridden(key="l", by=("w", "h")),
    Overridden(key="s", by=("w", "h")),
    OnlyWith(key="color", selector="m", choices=("pad",), absent=RESIZE_MODE_DEFAULT),
    Untested(key="p", with_keys=("w", "h")),
    *(Doubtful(key=key, above=OLDER_MAX_RESIZE_SIDE, note=_SIDE_NOTE) for key in ("w", "h", "l", "s")),
)

_RESIZED = WithinOutput(
    effect=geometry.after_resize,
    max_side=MAX_OUTPUT_SIDE,
    max_pixels=MAX_OUTPUT_PIXELS,
    reads=("m", "w", "h", "l", "s", "p", "limit"),
    target=_TARGET,
)

RESIZE = ActionSpec(
    summary="Resize the image: to a width and/or height, a longer or shorter side, or a percentage.",
    reference=_sources("Resize images", "0040-00000311", "0040-00000312", "0040-00000317", "0040-00000321"),
    parameters=(
        *_RESIZE_ROWS,
        ParamSpec(
            "P",
            Integer(1, 100),
            "Scale to this percentage of the base image (documented only in a watermark's preprocessing).",
            unit="%",
            keyword="base_percent",
            source="seen in an official sample (image/resize,P_30) and public code; documented only inside a watermark's image",
            confidence=Confidence.EX,
        ),
    ),
    rules=(OneOf(keys=("w", "h", "l", "s", "p", "P")), *_RESIZE_RULES, _RESIZED, EnlargesDespiteLimit(resized=geometry.resized), _SOURCE),
    effect=geometry.after_resize,
)

#: resize as a watermark image's preprocessing: P, the percentage of the base image, is documented.
PREPROCESS_RESIZE = ActionSpec(
    summary="Resize the watermark image; P scales it to a percentage of the base image.",
    reference=_sources("Add watermarks"),
    parameters=(
        *_RESIZE_ROWS,
        ParamSpec(
            "P",
            Integer(1, 100),
            "Scale the watermark image to this percentage of the base image.",
            unit="%",
            keyword="base_percent",
            source="M:Add watermarks; WM; EC 0040-00000355",
        ),
    ),
    rules=(OneOf(keys=("w", "h", "l", "s", "p", "P")), *_RESIZE_RULES),
    builder_name="PreprocessResize",
)

CROP = ActionSpec(
    summary="Cut a rectangle out of the image, from an anchor of the nine-grid and an offset.",
    reference=_sources("Custom crop", "0040-00000225", "0040-00000226"),
    parameters=(
        ParamSpec(
            "w",
            Integer(0, MAX_INT32),
            "The width to cut; past the image's edge it stops at the edge.",
            unit="px",
            when_omitted="to the edge",
            keyword="width",
            source="M:Custom crop; EC 0040-00000225",
        ),
        ParamSpec(
            "h",
            Integer(0, MAX_INT32),
            "The height to cut; past the image's edge it stops at the edge.",
            unit="px",
            when_omitted="to the edge",
            keyword="height",
            source="M:Custom crop; EC 0040-00000226",
        ),
        ParamSpec("x", Integer(0, MAX_INT32), "The horizontal offset from the anchor.", unit="px", default="0", source="M:Custom crop"),
        ParamSpec("y", Integer(0, MAX_INT32), "The vertical offset from the anchor.", unit="px", default="0", source="M:Custom crop"),
        ParamSpec(
            "g",
            Choice(NINE_GRID),
            "The anchor: a cell of the nine-grid (nw, north, ne, west, center, east, sw, south, se).",
            default="nw",
            keyword="anchor",
            source="M:Custom crop",
        ),
    ),
    rules=(
        CropInside(origin=geometry.crop_origin),
        _SOURCE,
    ),
    effect=geometry.after_crop,
)

INDEXCROP = ActionSpec(
    summary="Cut the image into equal slices along one axis and keep one of them.",
    reference=_sources("Indexed cut", "0040-00000224", "0040-00000229", "0040-00000230"),
    parameters=(
        ParamSpec(
            "x",
            Integer(1, MAX_INT32),
            "The width of each slice, cut left to right.",
            unit="px",
            keyword="slice_width",
            source="M:Indexed cut; EC 0040-00000230",
        ),
        ParamSpec(
            "y",
            Integer(1, MAX_INT32),
            "The height of each slice, cut top to bottom; wins over x.",
            unit="px",
            keyword="slice_height",
            source="M:Indexed cut; EC 0040-00000224, 0040-00000230",
        ),
        ParamSpec(
            "i",
            Integer(0, MAX_INT32),
            "The slice to keep, from 0; past the last slice the source image comes back.",
            default="0",
            keyword="index",
            source="M:Indexed cut; EC 0040-00000229",
        ),
    ),
    rules=(OneOf(keys=("x", "y")), Overridden(key="x", by=("y",)), IndexInside(slices=geometry.slices), _SOURCE),
    effect=geometry.after_indexcrop,
)

CIRCLE = ActionSpec(
    summary="Keep the circle of radius r at the centre; outside it is transparent (PNG, WebP) or white (JPG).",
    reference=_sources("Incircle", "0040-00000233"),
    parameters=(
        ParamSpec(
            "r",
            Integer(1, 4096),
            "The radius; above half the shorter side, the largest circle that fits.",
            unit="px",
            required=True,
            keyword="radius",
            source="M:Incircle; EC 0040-00000233",
        ),
    ),
    rules=(_SOURCE,),
    effect=geometry.after_circle,
)

ROUNDED_CORNERS = ActionSpec(
    summary="Round the image's corners with radius r; outside them is transparent (PNG, WebP) or white (JPG).",
    reference=_sources("Rounded rectangle", "0040-00000237"),
    parameters=(
        ParamSpec(
            "r",
            Integer(1, 4096),
            "The corner radius; above half the shorter side, the largest that fits.",
            unit="px",
            required=True,
            keyword="radius",
            source="M:Rounded rectangle; EC 0040-00000237",
        ),
    ),
    rules=(_SOURCE,),
)

BLUR = ActionSpec(
    summary="Blur the image, or only the faces found in it (g_face; may need an IMM binding).",
    reference=_sources("Blur", "0040-00000241", "0040-00000242", "0004-00000243", "0004-00000244"),
    parameters=(
        ParamSpec("r", Integer(1, 50), "The blur radius.", unit="px", required=True, keyword="radius", source="M:Blur; EC 0040-00000241"),
        ParamSpec(
            "s", Integer(1, 50), "The standard deviation of the blur.", required=True, keyword="sigma", source="M:Blur; EC 0040-00000242"
        ),
        ParamSpec("g", Choice(("face",)), "face: blur only the faces found in the image.", keyword="region", source="EC 0004-00000243"),
        ParamSpec(
            "p",
            Integer(1, MAX_BLUR_PERCENT),
            "With g_face: the strength of the face blur (50 is the documented example; the range is not documented).",
            keyword="face_percent",
            source="EC 0004-00000244",
        ),
    ),
    rules=(
        Needs(key="p", needed="g"),
        Doubtful(
            key="p",
            above=DOUBTFUL_BLUR_PERCENT,
            note="the range of p is not documented: 50 is a valid example and 1000 a refused one",
        ),
        _SOURCE,
    ),
)

QUALITY = ActionSpec(
    summary="Set the output's compression quality (JPG and WebP outputs; others ignore it).",
    reference=_sources("Quality transformation", "0040-00000307", "0040-00000308", "0040-00000309", "0040-00000310"),
    parameters=(
        ParamSpec(
            "q",
            Integer(1, 100),
            "Relative quality: the source's JPG quality times q%; for WebP, as Q.",
            unit="%",
            keyword="relative",
            source="M:Quality transformation; EC 0040-00000309",
        ),
        ParamSpec(
            "Q",
            Integer(1, 100),
            "Absolute quality; a source of lower quality keeps its own; wins over q.",
            keyword="absolute",
            source="M:Quality transformation; EC 0040-00000308",
        ),
    ),
    positional=ParamSpec(
        "quality",
        Integer(1, 100),
        "A bare quality (quality,90): not a documented form, though EC 0040-00000310 refuses quality,200 with the range of q.",
        keyword="level",
        source="EC 0040-00000310 refuses quality,200 as out of range; the documented forms are q_ and Q_",
        confidence=Confidence.EX,
    ),
    rules=(
        OneOf(keys=("q", "Q", "quality"), described="q, Q or a bare value"),
        Overridden(key="q", by=("Q",)),
        Overridden(key="quality", by=("q", "Q")),
        AffectsFormats(formats=("jpg", "webp"), what="quality"),
        _SOURCE,
    ),
)

FORMAT = ActionSpec(
    summary="Convert the image to another format (gif keeps animation only from a GIF source).",
    reference=_sources("Format conversion", "0040-00000206", "0040-00000207"),
    parameters=(),
    positional=ParamSpec(
        "format",
        Choice(
            FORMATS,
            aliases=(Alias("jpeg", "jpg", "Alibaba's own Aliyun Drive API and many clients send it; the page lists jpg"),),
        ),
        "The output format; heic and avif only where advanced compression is offered.",
        keyword="to",
        required=True,
        source="M:Format conversion; EC 0040-00000206, 0040-00000207",
    ),
    rules=(
        AnimatedOnlyFrom(target="gif"),
        _SOURCE,
    ),
    effect=geometry.after_format,
)

_FONT = Base64Name(Named("font", FONTS))
_TEXT = Base64Name(
    Text(
        "watermark text",
        MAX_WATERMARK_TEXT,
        max_encoded=MAX_WATERMARK_TEXT,
        stricter="the current watermark page counts the limit after Base64 encoding, the older EC 0040-00000377 after decoding",
    )
)
_WATERMARK_IMAGE = Base64Name(
    ObjectWithProcess(
        "watermark image",
        "oss_process.tables.image:PREPROCESSING",
        "image",
        allowed=("resize", "crop", "indexcrop", "rounded-corners", "rotate"),
        refused=("watermark", "info"),
    )
)
_TEXT_ONLY = ("type", "color", "size", "shadow", "rotate")
_MIXED_ONLY = ("order", "align", "interval")

WATERMARK = ActionSpec(
    summary="Draw a text or image watermark (or both: a mixed one) on the image.",
    reference=_sources("Add watermarks", "0040-00000278", "0040-00000265") + "; https://help.aliyun.com/en/oss/user-guide/add-watermarks",
    parameters=(
        ParamSpec(
            "t", Integer(0, 100), "The watermark's opacity.", unit="%", default="100", keyword="opacity", source="M:Add watermarks; WM"
        ),
        ParamSpec(
            "g",
            Choice(NINE_GRID),
            "Where the watermark goes: a cell of the nine-grid.",
            default=WATERMARK_ANCHOR_DEFAULT,
            keyword="anchor",
            source="M:Add watermarks; WM; EC 0040-00000260",
        ),
        ParamSpec(
            "x",
            Integer(0, 4096),
            "The horizontal margin from the edge.",
            unit="px",
            default="10",
            keyword="margin_x",
            source="M:Add watermarks; EC 0040-00000262",
        ),
        ParamSpec(
            "y",
            Integer(0, 4096),
            "The vertical margin from the edge.",
            unit="px",
            default="10",
            keyword="margin_y",
            source="M:Add watermarks; EC 0040-00000264",
        ),
        ParamSpec(
            "voffset",
            Integer(-1000, 1000),
            "The vertical offset from the middle line (g west, center or east).",
            unit="px",
            default="0",
            keyword="vertical_offset",
            source="M:Add watermarks; EC 0040-00000268",
        ),
        ParamSpec(
            "fill",
            IntegerChoice((0, 1)),
            "1 tiles the watermark over the whole image.",
            default="0",
            keyword="tile",
            source="WM; EC 0040-00000274",
        ),
        ParamSpec(
            "text",
            _TEXT,
            f"The text, URL-safe Base64 of UTF-8 (at most {MAX_WATERMARK_TEXT} characters encoded).",
            keyword="words",
            source="M:Add watermarks; WM; EC 0040-00000258",
        ),
        ParamSpec(
            "type",
            _FONT,
            "The font of the text, URL-safe Base64 of its name.",
            default="d3F5LXplbmhlaQ",
            keyword="font",
            when_omitted="wqy-zenhei",
            source="M:Add watermarks; EC 0040-00000251",
        ),
        ParamSpec("color", HexColor(), "The colour of the text, RRGGBB.", default="000000", source="M:Add watermarks; EC 0040-00000254"),
        ParamSpec("size", Integer(1, 1000), "The size of the text.", unit="px", default="40", source="M:Add watermarks; EC 0040-00000256"),
        ParamSpec(
            "shadow",
            Integer(0, 100),
            "The opacity of the text's shadow.",
            unit="%",
            when_omitted="no shadow",
            source="M:Add watermarks; EC 0040-00000255",
        ),
        ParamSpec(
            "rotate",
            Integer(0, 360),
            "The text's clockwise rotation.",
            unit="degrees",
            default="0",
            keyword="text_rotation",
            source="M:Add watermarks; EC 0040-00000272",
        ),
        ParamSpec(
            "image",
            _WATERMARK_IMAGE,
            "The watermark image: URL-safe Base64 of an object name in the same bucket, optionally with "
            "?x-oss-process=<resize (with P), crop, indexcrop, rounded-corners or rotate>.",
            source="M:Add watermarks; WM; EC 0040-00000265, 0040-00000373, 0040-00000374",
        ),
        ParamSpec(
            "order",
            IntegerChoice((0, 1)),
            "Mixed watermark: 0 puts the image first, 1 the text.",
            default="0",
            source="M:Add watermarks; EC 0040-00000269",
        ),
        ParamSpec(
            "align",
            IntegerChoice((0, 1, 2)),
            "Mixed watermark: align the text and image at the top (0), middle (1) or bottom (2).",
            default="2",
            source="M:Add watermarks; EC 0040-00000271",
        ),
        ParamSpec(
            "interval",
            Integer(0, 1000),
            "Mixed watermark: the space between the text and the image.",
            unit="px",
            default="0",
            source="M:Add watermarks; EC 0040-00000270",
        ),
    ),
    rules=(
        OneOf(keys=("text", "image")),
        OnlyWith(key="voffset", selector="g", choices=("west", "center", "east"), absent=WATERMARK_ANCHOR_DEFAULT),
        *(Needs(key=key, needed="text") for key in _TEXT_ONLY),
        *(Needs(key=key, needed=("text", "image")) for key in _MIXED_ONLY),
        _SOURCE,
    ),
    chain_rules=(
        AtMost(
            documented=MAX_IMAGE_WATERMARKS,
            refused=OLDER_MAX_IMAGE_WATERMARKS,
            noun="image watermark",
            counting="image",
            other=f" (an older revision {OLDER_MAX_IMAGE_WATERMARKS})",
        ),
    ),
)

_JSON_ANSWER = "its answer is JSON, not an image"

INFO = ActionSpec(
    summary="Answer the image's size, format and EXIF fields as JSON.",
    reference=_sources("Query image information"),
    parameters=(),
    chain_rules=(EndsChain(reason=_JSON_ANSWER),),
    builder_name="ImageInfo",
    rules=(_SOURCE,),
    effect=geometry.no_image,
)

AVERAGE_HUE = ActionSpec(
    summary='Answer the image\'s average colour as JSON ({"RGB":"0xRRGGBB"}).',
    reference=_sources("Query the average tone"),
    parameters=(),
    chain_rules=(EndsChain(reason=_JSON_ANSWER),),
    rules=(_SOURCE,),
    effect=geometry.no_image,
)

_STRENGTHS = ("low", "medium", "high")
_BLIND_PAGE = "https://www.alibabacloud.com/help/ja/oss/add-blindwatermarks"

BLINDWATERMARK = ActionSpec(
    summary="Embed an invisible text watermark (needs an IMM binding); usually saved with |sys/saveas.",
    reference=_BLIND_PAGE + "; https://help.aliyun.com/en/imm/developer-reference/api-imm-2017-09-06-encodeblindwatermark",
    parameters=(
        ParamSpec(
            "content",
            Base64Name(
                Text(
                    "blind watermark text",
                    MAX_BLIND_CONTENT,
                    max_bytes=IMM_MAX_BLIND_CONTENT_BYTES,
                    stricter=f"IMM's EncodeBlindWatermark API takes at most {IMM_MAX_BLIND_CONTENT_BYTES} bytes",
                )
            ),
            f"The text to embed, URL-safe Base64 (at most {MAX_BLIND_CONTENT} characters).",
            required=True,
            source="BW; IMM-BW",
        ),
        ParamSpec(
            "s",
            Choice(_STRENGTHS),
            "The strength of the watermark: low, medium or high.",
            default="low",
            keyword="strength",
            source="BW (zh page)",
        ),
        ParamSpec("q", Integer(70, 100), "The output quality (JPG only).", default="90", keyword="output_quality", source="BW; IMM-BW"),
    ),
    rules=(_SOURCE,),
)

DEBLINDWATERMARK = ActionSpec(
    summary="Read a blind watermark back (asynchronous; the result comes in the notification).",
    reference=_BLIND_PAGE,
    parameters=(
        ParamSpec("s", Choice(_STRENGTHS), "The strength the watermark was added with.", keyword="strength", source="BW"),
        ParamSpec(
            "t",
            Choice(("text",)),
            "The type of watermark to read: text.",
            keyword="type",
            source="the official PHP v2 sample image/deblindwatermark,s_low,t_text",
            confidence=Confidence.SDK,
        ),
    ),
)


def _preprocessing() -> Catalogue:
    from .catalogue import BUILTIN

    return BUILTIN.with_actions(
        "image",
        [
            ActionInfo("resize", SYNC_ONLY, spec=PREPROCESS_RESIZE),
            # Refused inside a watermark image (E314): no table, so never read into again.
            ActionInfo("watermark", SYNC_ONLY),
            ActionInfo("info", SYNC_ONLY),
        ],
    )


#: The catalogue of a watermark image's embedded processing.
PREPROCESSING = _preprocessing()
