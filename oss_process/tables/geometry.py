"""What each image action does to the image's size, format and frames: the ``effect``
of its table, so that a check given the source (``Source(width=..., height=...)``) knows
the image every later action of the chain receives. What a page does not say (the
canvas of a rotation by another angle than a right one, the origin of a crop from another
anchor than nw) leaves the size unknown, so that no check rests on a guess.

Each effect takes the action's typed values (by key; the bare value by its row's key) and
the image before it, and gives the image after it; a fact it cannot know is left out.
The sizes follow spec/media-actions.md section 1 (resize's modes and rounding, crop's
clipping, indexcrop's slices, circle's clamping).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..ast import Value
from ..source import Source

__all__ = [
    "after_auto_orient",
    "after_circle",
    "after_crop",
    "after_format",
    "after_indexcrop",
    "after_resize",
    "after_rotate",
    "no_image",
    "resized",
    "slices",
]

_SHAPE = ("width", "height", "format", "frames")


def _facts(image: Source) -> dict[str, int | str]:
    """The facts that stay true of the processed image (its byte size does not)."""
    return {name: value for name in _SHAPE if (value := image.get(name)) is not None}


def _sized(image: Source, width: int, height: int) -> Source:
    return Source(**{**_facts(image), "width": max(1, width), "height": max(1, height)})


def _int(values: Mapping[str, Value], key: str) -> int | None:
    value = values.get(key)
    return value if isinstance(value, int) else None


def resized(values: Mapping[str, Value], width: int, height: int, *, limited: bool) -> tuple[int, int]:
    """The size a resize gives a ``width`` x ``height`` image; with ``limited`` (limit_1)
    a result larger than the source is the source's size."""
    mode = values.get("m", "lfit")
    w, h, p = _int(values, "w"), _int(values, "h"), _int(values, "p")
    longer, shorter = _int(values, "l"), _int(values, "s")
    if w is None and h is None:
        if p is not None:
            scale = p / 100
        elif longer is not None or shorter is not None:
            scales = [x for x in (longer and longer / max(width, height), shorter and shorter / min(width, height)) if x]
            scale = min(scales)
        else:
            return width, height
        result = (round(width * scale), round(height * scale))
    elif mode in ("lfit", "mfit"):
        ratios = [r for r in (w and w / width, h and h / height) if r]
        scale = min(ratios) if mode == "lfit" else max(ratios)
        result = (round(width * scale), round(height * scale))
    else:
        # fill, pad and fixed give the target; with one side given, a square of it.
        side = w if w is not None else h
        assert side is not None
        result = (w if w is not None else side, h if h is not None else side)
    if limited and result[0] >= width and result[1] >= height and result != (width, height):
        return width, height
    return result


def after_resize(values: Mapping[str, Value], image: Source) -> Source:
    width, height = image.number("width"), image.number("height")
    if width is None or height is None:
        return _unsized(image)
    after = _sized(image, *resized(values, width, height, limited=values.get("limit", 1) == 1))
    if "p" in values and image.word("format") == "gif":  # resizing a GIF by percentage makes it static
        return Source(**{**after.facts, "frames": 1})
    return after


def _unsized(image: Source) -> Source:
    """The image with its size unknown."""
    return Source(**{k: v for k, v in _facts(image).items() if k not in ("width", "height")})


def crop_origin(values: Mapping[str, Value], width: int, height: int) -> tuple[int, int]:
    """Where a crop from the nw anchor starts: its offsets (the one anchor whose origin
    the page documents; the checks leave the others alone)."""
    return _int(values, "x") or 0, _int(values, "y") or 0


def after_crop(values: Mapping[str, Value], image: Source) -> Source:
    width, height = image.number("width"), image.number("height")
    if width is None or height is None:
        return image
    if values.get("g", "nw") != "nw" or values.get("w") == 0 or values.get("h") == 0:
        return _unsized(image)  # another anchor's origin, or what a 0 means, is not documented
    x, y = crop_origin(values, width, height)
    if x >= width or y >= height:
        return image  # refused (E228): nothing comes out
    return _sized(image, min(_int(values, "w") or width, width - x), min(_int(values, "h") or height, height - y))


def slices(values: Mapping[str, Value], width: int, height: int) -> tuple[int, int, int]:
    """(number of slices, the kept slice's width, its height); y wins over x."""
    index = _int(values, "i") or 0
    if (y := _int(values, "y")) is not None:
        count = math.ceil(height / y)
        return count, width, min(y, height - index * y) if index < count else height
    x = _int(values, "x")
    if x is None:
        return 1, width, height
    count = math.ceil(width / x)
    return count, min(x, width - index * x) if index < count else width, height


def after_indexcrop(values: Mapping[str, Value], image: Source) -> Source:
    width, height = image.number("width"), image.number("height")
    if width is None or height is None:
        return image
    _, kept_w, kept_h = slices(values, width, height)
    return _sized(image, kept_w, kept_h)


def after_circle(values: Mapping[str, Value], image: Source) -> Source:
    width, height = image.number("width"), image.number("height")
    radius = _int(values, "r")
    if width is None or height is None or radius is None:
        return image
    side = 2 * min(radius, min(width, height) // 2)
    return _sized(image, side, side)


def after_rotate(values: Mapping[str, Value], image: Source) -> Source:
    width, height = image.number("width"), image.number("height")
    degrees = _int(values, "degrees") or 0
    if width is None or height is None or degrees % 180 == 0:
        return image
    if degrees % 90 == 0:
        return _sized(image, height, width)
    return _unsized(image)  # the canvas grows, by how much the page does not say


def after_auto_orient(values: Mapping[str, Value], image: Source) -> Source:
    """By its EXIF orientation the image may turn a quarter: its sides are then unknown."""
    return image if values.get("by_exif") == 0 else _unsized(image)


def after_format(values: Mapping[str, Value], image: Source) -> Source:
    target = values.get("format")
    if not isinstance(target, str):
        return image
    facts = {**_facts(image), "format": target}
    if target != "gif" or image.word("format") != "gif":
        facts.pop("frames", None)
        facts["frames"] = 1 if target != "webp" or image.word("format") not in ("gif", "webp") else facts.get("frames", 1)
    return Source(**facts)


def no_image(values: Mapping[str, Value], image: Source) -> Source:
    """The answer is JSON, not an image: nothing is known of what follows."""
    return Source()
