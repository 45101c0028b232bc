"""The image actions that take one bare (positional) value, row for row from
``spec/media-actions.md`` sections 0 and 1 (the OSS image-processing parameter pages and
their error-code pages).

Each of them "takes exactly one positional value; extra values are an error"
(EC 0040-00000203, spec section 0): ``image/rotate,90``, not ``rotate,value_90``.
"""

from ..kinds import Integer, IntegerChoice
from .model import ActionSpec, ParamSpec

# Where the facts come from: the 2021 mirror of the parameter pages (repository
# AlibabaCloudDocs/oss, HEAD 2021-07-14) and the error-code pages.
_MIRROR = "https://github.com/AlibabaCloudDocs/oss intl.en-US/Developer Guide/Data Processing/Image Processing/Parameters/"
_ERROR_PAGE = "https://help.aliyun.com/zh/oss/support/"


def _sources(page: str, *codes: str) -> str:
    return "; ".join([f"{_MIRROR}{page}.md", *(f"{_ERROR_PAGE}{code}" for code in codes)])


#: The extent of bright and contrast: -100 to 100, 0 leaves the image as it is.
ADJUSTMENT = Integer(-100, 100)

ROTATE = ActionSpec(
    summary="Rotate the image clockwise (the source must be at most 4096 x 4096 px).",
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
)

CONTRAST = ActionSpec(
    summary="Change the contrast of the image.",
    reference=_sources("Contrast", "0040-00000203"),
    parameters=(),
    positional=ParamSpec(
        "contrast",
        ADJUSTMENT,
        "The change of contrast: 0 leaves it unchanged, a negative value lowers it, a positive value raises it.",
        required=True,
    ),
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
)
