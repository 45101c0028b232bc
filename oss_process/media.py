"""The facts of a source file, read from its header: an image's with Pillow, an audio
file's with tinytag (``pip install 'oss-process[media]'``). :meth:`Source.from_file
<oss_process.Source.from_file>` calls :func:`read_source`.

Both libraries are imported here, on first use, so that ``import oss_process`` never
loads them. What the file is comes from its content, not its name: Pillow is asked
first, then tinytag, which identifies a file by its first bytes.

An image gives ``width``, ``height``, ``format`` (OSS's name for it: ``jpg``, ``png``,
``gif``, ``webp``, ``bmp``, ``tiff``, ``heic``, ``avif``; a format OSS does not take
keeps Pillow's name, lowercased: ``ico``, ``jpeg2000``), ``frames`` (an animated GIF's,
WebP's or PNG's frames, a TIFF's pages) and ``size``; an audio file (or a video's audio)
gives ``sample_rate``, ``channels``, ``bitrate`` (bit/s) and ``size``. A fact the file
does not tell is left out. No pixel and no sample is decoded.
"""

from __future__ import annotations

import math
import os
import stat
import struct
import warnings
from typing import TYPE_CHECKING, BinaryIO

from .errors import DirectiveError
from .source import Source

if TYPE_CHECKING:
    from PIL.ImageFile import ImageFile

__all__ = ["MISSING_EXTRA", "OSS_FORMATS", "MissingExtraError", "SourceFileError", "read_source"]

MISSING_EXTRA = "reading a source file needs the [media] extra: pip install 'oss-process[media]'"

#: Pillow's format names that OSS spells otherwise. A multi-picture JPEG (MPO: a camera's
#: preview or a stereo pair beside the picture) is a JPEG to OSS. HEIF comes from a Pillow
#: plugin (pillow-heif) when the caller has registered one.
OSS_FORMATS = {
    "JPEG": "jpg",
    "MPO": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "BMP": "bmp",
    "TIFF": "tiff",
    "HEIF": "heic",
    "HEIC": "heic",
    "AVIF": "avif",
}


class MissingExtraError(DirectiveError):
    """An optional extra is needed and one of its packages cannot be imported: reading a
    source file needs Pillow and tinytag (``[media]``), the check service uvicorn and
    prometheus_client (``[serve]``). The message says which to install."""


class SourceFileError(DirectiveError):
    """A source file that cannot be read: missing, not a regular file, unreadable, or
    neither an image Pillow opens nor an audio file tinytag reads. The message names the
    path."""


def read_source(path: str | os.PathLike[str]) -> Source:
    """The facts of the image or audio file at ``path``.

    Raises :class:`MissingExtraError` without the ``[media]`` extra and
    :class:`SourceFileError` for a file it cannot read.
    """
    _require_extra()
    name = os.fspath(path)
    try:
        status = os.stat(name)
        if not stat.S_ISREG(status.st_mode):  # a directory, or a device or pipe that may never end
            raise SourceFileError((), message=f"cannot read the source file {name}: not a regular file")
        stream = open(name, "rb")  # noqa: SIM115 - closed below, after both readers had their turn
    except OSError as error:
        raise SourceFileError((), message=f"cannot read the source file {name}: {error.strerror or error}") from None
    with stream:
        size = os.fstat(stream.fileno()).st_size
        reasons: list[str] = []
        facts = _image(stream, name, reasons) or _audio(stream, reasons)
    if facts is None:
        why = f" ({'; '.join(reasons)})" if reasons else ""
        message = f"cannot read the source file {name}: not an image Pillow opens nor an audio file tinytag reads{why}"
        raise SourceFileError((), message=message)
    return Source(**facts, size=size or None)


def _require_extra() -> None:
    try:
        import PIL.Image  # noqa: F401
        import tinytag  # noqa: F401
    except ImportError:
        raise MissingExtraError((), message=MISSING_EXTRA) from None


def _image(stream: BinaryIO, name: str, reasons: list[str]) -> dict[str, int | str | None] | None:
    """An image's facts, or None (and why in ``reasons``) when Pillow cannot open it."""
    from PIL import Image, UnidentifiedImageError

    # Pillow warns of a large image and of a format it recognises without the support to
    # open it; the first is moot (nothing is decoded), the second says why it failed.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                image = Image.open(stream)
            except Image.DecompressionBombError as refused:
                image = _open_unchecked(stream, name, refused)
            with image:
                facts = _image_facts(image)
        except UnidentifiedImageError:
            reasons.extend(str(w.message) for w in caught if not issubclass(w.category, Image.DecompressionBombWarning))
            return None
        except Image.DecompressionBombError as error:
            # Only for a plugin that allocates from the header alone (WebP).
            message = f"cannot read the source file {name}: its header declares an image too large to open safely (Pillow: {error})"
            raise SourceFileError((), message=message) from None
        except Exception as error:  # noqa: BLE001 - a damaged image: Pillow's plugins raise many kinds
            reasons.append(f"a damaged image? Pillow: {error}")
            return None
    return facts


#: Plugins that allocate the whole canvas on opening: libwebp's animation decoder does,
#: so a WebP that Image.open refuses for its size stays refused. (Pillow checks the size
#: in this plugin itself from version 13; before, only Image.open did.)
_ALLOCATE_ON_OPENING = frozenset({"WEBP"})


def _open_unchecked(stream: BinaryIO, name: str, refused: Exception) -> ImageFile:
    """The image as ``Image.open`` finds it, without its check of the declared size,
    which guards decoding: only the header is read here, so a huge image still gives its
    width and height. Plugins are tried in the order ``Image.open`` tries them, through
    the registry they are registered in (``Image.register_open``); ``refused`` is raised
    again for a plugin that would allocate the canvas."""
    from PIL import Image, UnidentifiedImageError

    stream.seek(0)
    prefix = stream.read(16)
    for format_id in Image.ID:
        factory, accept = Image.OPEN[format_id]
        accepted = accept(prefix) if accept is not None else True
        if isinstance(accepted, str) or not accepted:
            continue
        if format_id in _ALLOCATE_ON_OPENING:
            raise refused
        stream.seek(0)
        try:
            return factory(stream, name)
        except (SyntaxError, IndexError, TypeError, struct.error):  # not this format: as Image.open tells
            continue
    raise UnidentifiedImageError(f"cannot identify image file {name!r}")


def _image_facts(image: ImageFile) -> dict[str, int | str | None]:
    width, height = image.size
    pillow_format = image.format or ""
    # Counting an animated GIF's frames reads their headers only, not their pixels.
    frames = 1 if pillow_format == "MPO" else getattr(image, "n_frames", 1)
    return {
        "width": width or None,
        "height": height or None,
        "format": OSS_FORMATS.get(pillow_format, pillow_format.lower()) or None,
        "frames": frames if isinstance(frames, int) and frames > 0 else None,
    }


def _audio(stream: BinaryIO, reasons: list[str]) -> dict[str, int | str | None] | None:
    """An audio file's facts, or None (and why in ``reasons``) when tinytag cannot read it."""
    import tinytag

    stream.seek(0)
    try:
        # The stream alone: tinytag then tells the format by the first bytes, not the name.
        tag = tinytag.TinyTag.get(file_obj=stream, tags=False)
    except tinytag.UnsupportedFormatError:
        return None
    except (tinytag.TinyTagException, OSError) as error:
        reasons.append(f"a damaged audio file? tinytag: {error}")
        return None
    rate, channels, kbits = tag.samplerate, tag.channels, tag.bitrate
    if not rate and not channels:  # a container without an audio track (an HEIF image looks like an MP4)
        return None
    # tinytag gives kbit/s, as a float; OSS's ab is in bit/s.
    bitrate = round(kbits * 1000) if isinstance(kbits, (int, float)) and math.isfinite(kbits) and kbits > 0 else None
    return {
        "sample_rate": rate if isinstance(rate, int) and rate > 0 else None,
        "channels": channels if isinstance(channels, int) and channels > 0 else None,
        "bitrate": bitrate or None,
    }
