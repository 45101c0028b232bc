"""Every documented category and action, the modes each runs in, and its table if any.

Modes follow the OSS synchronous/asynchronous processing pages. Actions without a table
are "not checked" (a warning); a category with at least one table is "covered", and an
action it does not list is an error there.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from ..source import SourceField
from .model import ASYNC_ONLY, BOTH, SYNC_ONLY, ActionInfo, Catalogue, CategoryInfo, Mode, Role


def _category(name: str, summary: str, *groups: Iterable[ActionInfo], open_ended: bool = False) -> CategoryInfo:
    return CategoryInfo(name, summary, MappingProxyType({a.name: a for group in groups for a in group}), open_ended)


def _each(names: str, modes: frozenset[Mode]) -> list[ActionInfo]:
    return [ActionInfo(name, modes) for name in names.split()]


# Each table is named by where it lives ("module:NAME"), imported when first checked.
NOTIFY = ActionInfo("notify", ASYNC_ONLY, Role.NOTIFY, ".system:NOTIFY")

CATEGORIES = MappingProxyType(
    {
        c.name: c
        for c in (
            _category(
                "audio",
                "Audio processing (IMM).",
                [
                    ActionInfo("convert", ASYNC_ONLY, spec=".audio:CONVERT"),
                    ActionInfo("concat", ASYNC_ONLY, spec=".concat:AUDIO_CONCAT"),
                    ActionInfo("info", SYNC_ONLY, spec=".audio:INFO"),
                ],
            ),
            _category(
                "sys",
                "System steps that follow processing.",
                [ActionInfo("saveas", BOTH, Role.SAVE, ".system:SAVEAS"), NOTIFY],
            ),
            # Image processing is synchronous, except decoding a blind watermark. [INF] the
            # SDK tests show IMM refusing images in async mode.
            _category(
                "image",
                "Image processing.",
                [
                    ActionInfo(name, SYNC_ONLY, spec=f".image:{name.upper().replace('-', '_')}")
                    for name in [
                        "resize",
                        "crop",
                        "indexcrop",
                        "circle",
                        "rounded-corners",
                        "rotate",
                        "auto-orient",
                        "interlace",
                        "blur",
                        "bright",
                        "contrast",
                        "sharpen",
                        "quality",
                        "format",
                        "watermark",
                        "info",
                        "average-hue",
                        "blindwatermark",
                    ]
                ],
                [ActionInfo("deblindwatermark", ASYNC_ONLY, spec=".image:DEBLINDWATERMARK", result_by_notification=True)],
            ),
            _category(
                "video",
                "Video processing (IMM).",
                [ActionInfo(name, ASYNC_ONLY, spec=f".video:{name.upper()}") for name in ["convert", "animation", "sprite", "snapshots"]],
                [ActionInfo("concat", ASYNC_ONLY, spec=".concat:VIDEO_CONCAT")],
                [ActionInfo(name, SYNC_ONLY, spec=f".video:{name.upper()}") for name in ["info", "snapshot"]],
            ),
            _category(
                "doc",
                "Document processing (IMM).",
                [ActionInfo("convert", ASYNC_ONLY, spec=".doc:CONVERT")],
                [ActionInfo(name, SYNC_ONLY, spec=f".doc:{name.upper()}") for name in ("preview", "snapshot", "edit")],
            ),
            _category("hls", "Live transcoding playlists.", [ActionInfo("m3u8", SYNC_ONLY, spec=".hls:M3U8")]),
            _category("csv", "SelectObject on CSV.", _each("select meta", SYNC_ONLY)),
            _category("json", "SelectObject on JSON.", _each("select meta", SYNC_ONLY)),
            _category("style", "A style stored on the bucket, applied by name.", open_ended=True),
        )
    }
)

#: Actions that may stand as a stage of their own, without a category ("|notify,...").
STANDALONE = MappingProxyType({NOTIFY.name: NOTIFY})

#: The facts about the source object that the rules of these tables read.
SOURCE_FIELDS = (
    SourceField("sample_rate", "the source audio's sampling rate", "Hz"),
    SourceField("channels", "the source audio's number of channels"),
    SourceField("bitrate", "the source audio's bitrate", "bit/s"),
    SourceField("width", "the width of the source image or video", "px"),
    SourceField("height", "the height of the source image or video", "px"),
    SourceField(
        "format",
        "the source image's format, as OSS names it (jpg, png, gif, webp, bmp, tiff, heic, avif)",
        type=str,
        aliases=(("jpeg", "jpg"), ("tif", "tiff"), ("heif", "heic")),
    ),
    SourceField("size", "the source object's size", "bytes"),
    SourceField("frames", "the source image's number of frames (1 unless animated)"),
    SourceField("duration", "the source video's duration", "ms"),
)

#: The catalogue every check uses unless it is given another.
BUILTIN = Catalogue(CATEGORIES.values(), standalone=STANDALONE.values(), source_fields=SOURCE_FIELDS)


def coerce_catalogue(catalogue: object) -> Catalogue:
    """``catalogue``, or the built-in one for None; ArgumentError for anything else."""
    if catalogue is None:
        return BUILTIN
    if not isinstance(catalogue, Catalogue):
        from ..errors import ArgumentError

        raise ArgumentError((), message=f"catalogue must be a Catalogue or None, not {type(catalogue).__name__}")
    return catalogue


def lookup(category: str | None, action: str) -> ActionInfo | None:
    """The built-in catalogue's entry of ``category/action`` (category None: a standalone stage)."""
    return BUILTIN.lookup(category, action)
