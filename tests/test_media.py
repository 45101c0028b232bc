"""Reading the source from a file (the ``[media]`` extra): ``Source.from_file``.

Every file is written here: images by Pillow, WAV by the standard library's ``wave``,
MP3 and FLAC by hand (no encoder is needed: an MP3 frame header and FLAC's STREAMINFO
block say everything tinytag reads), so each expected fact is known from how the file
was made.
"""

from __future__ import annotations

import pickle
import struct
import subprocess
import sys
import warnings
import wave
import zlib
from pathlib import Path

import pytest
from PIL import Image

import oss_process
from oss_process import MissingExtraError, Source, SourceAudio, SourceFileError, lint
from oss_process.media import MISSING_EXTRA
from tests.helpers import b64

# OSS refuses to transcode a 96 kHz source to MP3 without ar (E212).
TO_MP3 = f"x-oss-async-process=audio/convert,f_mp3|sys/saveas,o_{b64('out.mp3')}"


# --- Writing the files ---------------------------------------------------------------------


def write_wav(path: Path, rate: int, channels: int, sample_bytes: int, frames: int = 100) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(sample_bytes)
        out.setframerate(rate)
        out.writeframes(bytes(frames * channels * sample_bytes))
    return path


def write_mp3(path: Path, frames: int = 50, mono: bool = False) -> Path:
    """MPEG-1 Layer III frames of silence, 128 kbit/s at 44.1 kHz: a header and zeros.
    Such a frame is 144 * 128000 / 44100 bytes, 417 without the padding byte."""
    header = bytes([0xFF, 0xFB, 0x90, 0xC0 if mono else 0x00])  # sync, bitrate and rate indexes, channel mode
    path.write_bytes((header + bytes(417 - len(header))) * frames)
    return path


def write_flac(path: Path, rate: int, channels: int, seconds: int, audio_bytes: int) -> Path:
    """A FLAC STREAMINFO block followed by ``audio_bytes`` bytes: tinytag takes the bitrate
    as those bytes over the duration STREAMINFO gives."""
    packed = (rate << 44) | ((channels - 1) << 41) | ((16 - 1) << 36) | (rate * seconds)
    info = struct.pack(">HH", 4096, 4096) + bytes(6) + packed.to_bytes(8, "big") + bytes(16)
    path.write_bytes(b"fLaC" + bytes([0x80, 0, 0, len(info)]) + info + bytes(audio_bytes))
    return path


def write_png_header(path: Path, width: int, height: int) -> Path:
    """A PNG whose header declares ``width`` x ``height``, without the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    return path


def image_file(tmp_path: Path, name: str, size: tuple[int, int] = (64, 48), image_format: str | None = None) -> Path:
    path = tmp_path / name
    Image.new("RGB", size, (200, 30, 30)).save(path, image_format)  # by the name's extension unless given
    return path


# --- Images ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "oss_format"),
    [("photo.png", "png"), ("photo.jpg", "jpg"), ("photo.webp", "webp"), ("photo.bmp", "bmp"), ("photo.tiff", "tiff")],
)
def test_an_image_gives_its_size_format_and_one_frame(tmp_path: Path, name: str, oss_format: str) -> None:
    path = image_file(tmp_path, name, (64, 48))
    source = Source.from_file(path)
    assert source == Source(width=64, height=48, format=oss_format, frames=1, size=path.stat().st_size)


def test_an_animated_gif_gives_its_frames(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (10, 8), (80 * i, 0, 0)) for i in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    assert Source.from_file(path) == Source(width=10, height=8, format="gif", frames=3, size=path.stat().st_size)


def test_a_format_oss_does_not_take_keeps_pillows_name(tmp_path: Path) -> None:
    path = image_file(tmp_path, "icon.ico", (16, 16))
    assert Source.from_file(path).word("format") == "ico"


def test_the_content_decides_not_the_name(tmp_path: Path) -> None:
    png = image_file(tmp_path, "really-a-png.mp3", (7, 5), "PNG")
    assert Source.from_file(png).facts == {"width": 7, "height": 5, "format": "png", "frames": 1, "size": png.stat().st_size}
    wav = write_wav(tmp_path / "really-a-wav.jpg", 8000, 1, 1)
    assert Source.from_file(str(wav)).word("format") is None
    assert Source.from_file(str(wav)).number("sample_rate") == 8000


def test_a_huge_declared_size_still_gives_width_and_height(tmp_path: Path) -> None:
    # Far past Pillow's decompression bomb limit: Image.open refuses it, but nothing is decoded here.
    path = write_png_header(tmp_path / "bomb.png", 200_000, 100_000)
    assert (Image.MAX_IMAGE_PIXELS or 0) * 2 < 200_000 * 100_000
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no DecompressionBombWarning leaks out
        source = Source.from_file(path)
        assert source == Source(width=200_000, height=100_000, format="png", frames=1, size=path.stat().st_size)
        # Between the warning and the error: Pillow warns, and nothing is said.
        assert Source.from_file(write_png_header(tmp_path / "big.png", 10_000, 10_000)).number("width") == 10_000


def test_a_header_too_large_to_open_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pillow's WebP plugin allocates its canvas from the header alone, so it refuses one too large itself.
    path = image_file(tmp_path, "wide.webp", (8, 8))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)
    with pytest.raises(SourceFileError, match=r"^cannot read the source file .*wide\.webp: its header declares an image too large"):
        Source.from_file(path)


def test_an_image_source_is_one_the_catalogue_takes(tmp_path: Path) -> None:
    source = Source.from_file(image_file(tmp_path, "photo.png"))
    assert lint("image/rotate,90", source=source) == lint("image/rotate,90")


# --- Audio -------------------------------------------------------------------------------


@pytest.mark.parametrize(("rate", "channels", "sample_bytes"), [(44100, 2, 2), (8000, 1, 1), (48000, 6, 3), (96000, 2, 2)])
def test_a_wav_gives_rate_channels_and_exact_bitrate(tmp_path: Path, rate: int, channels: int, sample_bytes: int) -> None:
    path = write_wav(tmp_path / "song.wav", rate, channels, sample_bytes)
    source = Source.from_file(path)
    assert source == Source(sample_rate=rate, channels=channels, bitrate=rate * channels * 8 * sample_bytes, size=path.stat().st_size)


@pytest.mark.parametrize(("mono", "channels"), [(False, 2), (True, 1)])
def test_an_mp3_gives_its_frame_headers_facts(tmp_path: Path, mono: bool, channels: int) -> None:
    path = write_mp3(tmp_path / "song.mp3", mono=mono)
    assert Source.from_file(path) == Source(sample_rate=44100, channels=channels, bitrate=128_000, size=path.stat().st_size)


def test_a_flac_gives_its_streaminfo_and_average_bitrate(tmp_path: Path) -> None:
    path = write_flac(tmp_path / "song.flac", 48000, 2, seconds=1, audio_bytes=16_000)
    assert Source.from_file(path) == Source(sample_rate=48000, channels=2, bitrate=16_000 * 8, size=path.stat().st_size)


def test_an_audio_source_is_checked_against(tmp_path: Path) -> None:
    directive = TO_MP3.split("=", 1)[1]
    # Unknown source: the rate and the channels might not suit MP3.
    assert [d.code for d in lint(directive, mode="async")] == ["W211", "W211"]
    hi_res = Source.from_file(write_wav(tmp_path / "hi.wav", 96000, 2, 2))
    assert [d.code for d in lint(directive, mode="async", source=hi_res)] == ["E212"]
    cd = Source.from_file(write_wav(tmp_path / "cd.wav", 44100, 2, 2))
    assert lint(directive, mode="async", source=cd) == []


def test_from_file_on_the_subclass_gives_a_plain_source(tmp_path: Path) -> None:
    source = SourceAudio.from_file(write_wav(tmp_path / "a.wav", 8000, 1, 2))
    assert type(source) is Source
    assert source.number("bitrate") == 128_000


# --- What cannot be read -----------------------------------------------------------------


def test_a_file_that_is_neither_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a picture\n" * 20)
    with pytest.raises(SourceFileError) as raised:
        Source.from_file(path)
    assert str(raised.value) == f"cannot read the source file {path}: not an image Pillow opens nor an audio file tinytag reads"
    assert isinstance(raised.value, oss_process.DirectiveError)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00",  # a PNG cut off in its header
        b"RIFF\x00\x00\x00\x00WAVEjunk",  # a WAV without its format chunk
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64),  # HEIC without a Pillow HEIF plugin: no audio track either
    ],
    ids=["empty", "cut PNG", "cut WAV", "HEIC"],
)
def test_a_damaged_or_unknown_file_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.bin"
    path.write_bytes(content)
    with pytest.raises(SourceFileError, match=rf"^cannot read the source file {path}: not an image Pillow opens nor an audio file"):
        Source.from_file(path)


def test_a_missing_path_or_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jpg"
    with pytest.raises(SourceFileError) as raised:
        Source.from_file(missing)
    assert str(raised.value) == f"cannot read the source file {missing}: No such file or directory"
    with pytest.raises(SourceFileError) as raised:
        Source.from_file(tmp_path)
    assert str(raised.value) == f"cannot read the source file {tmp_path}: not a regular file"


@pytest.mark.parametrize("module", ["PIL", "PIL.Image", "tinytag"])
def test_without_the_extra_the_error_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    path = write_wav(tmp_path / "a.wav", 8000, 1, 1)
    monkeypatch.setitem(sys.modules, module, None)  # the import fails as if it were not installed
    with pytest.raises(MissingExtraError) as raised:
        Source.from_file(path)
    assert str(raised.value) == "reading a source file needs the [media] extra: pip install 'oss-process[media]'" == MISSING_EXTRA
    assert isinstance(raised.value, oss_process.DirectiveError)


def test_the_errors_pickle() -> None:
    for error in (MissingExtraError((), message=MISSING_EXTRA), SourceFileError((), message="cannot read the source file x: y")):
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), str(again)) == (type(error), str(error))


def test_import_oss_process_loads_neither_library() -> None:
    code = (
        "import sys, oss_process\n"
        "oss_process.Source, oss_process.MissingExtraError, oss_process.SourceFileError\n"
        "print('PIL' in sys.modules, 'tinytag' in sys.modules)\n"
        "try:\n"
        "    oss_process.Source.from_file(sys.argv[1])\n"
        "except oss_process.SourceFileError:\n"
        "    print('PIL' in sys.modules, 'tinytag' in sys.modules)\n"
    )
    ran = subprocess.run([sys.executable, "-c", code, __file__], capture_output=True, text=True, check=True)
    assert ran.stdout.splitlines() == ["False False", "True True"]  # this file is no media file
