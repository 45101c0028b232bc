"""Reading the source from a file (the ``[media]`` extra): ``Source.from_file`` and the
command line's ``--source-file`` and ``--source``.

Every file is written here: images by Pillow, WAV by the standard library's ``wave``,
MP3 and FLAC by hand (no encoder is needed: an MP3 frame header and FLAC's STREAMINFO
block say everything tinytag reads), so each expected fact is known from how the file
was made.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import subprocess
import sys
import warnings
import wave
import zlib
from pathlib import Path
from typing import NamedTuple, Protocol

import pytest
from PIL import Image

import oss_process
from oss_process import MissingExtraError, Source, SourceAudio, SourceFileError, cli, lint
from oss_process.media import MISSING_EXTRA
from tests.helpers import b64
from tests.test_cli import python_m

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


# --- The command line --------------------------------------------------------------------


class Ran(NamedTuple):
    status: int
    out: str
    err: str


class Runner(Protocol):
    def __call__(self, *argv: str) -> Ran: ...


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    """``run(*argv)``: ``cli.main`` in this process, its streams captured."""

    def invoke(*argv: str) -> Ran:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
        capsys.readouterr()
        status = cli.main(list(argv))
        captured = capsys.readouterr()
        return Ran(status, captured.out, captured.err)

    monkeypatch.setenv("NO_COLOR", "1")
    return invoke


@pytest.fixture
def hi_res(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "hi-res.wav", 96000, 2, 2)


def test_lint_checks_against_the_source_file(run: Runner, hi_res: Path, tmp_path: Path) -> None:
    unknown = run("lint", TO_MP3)
    assert (unknown.status, unknown.out.count("warning[W211]")) == (0, 2)
    found = run("lint", "--source-file", str(hi_res), TO_MP3)
    assert found.status == 1
    assert (found.out.count("error[E212]"), found.out.count("warning[")) == (1, 0)
    assert "(96000 Hz)" in found.out
    cd = run("lint", "--source-file", str(write_wav(tmp_path / "cd.wav", 44100, 2, 2)), TO_MP3)
    assert cd == Ran(0, "1 directive checked: no problems.\n", "")


def test_explicit_facts_check_as_the_file_does(run: Runner, hi_res: Path) -> None:
    from_file = run("lint", "--source-file", str(hi_res), TO_MP3)
    assert run("lint", "--source", "sample_rate=96000,channels=2", TO_MP3) == from_file
    # The facts given win over the file's; several --source add up.
    assert run("lint", "--source-file", str(hi_res), "--source", "sample_rate=44100", TO_MP3).status == 0
    assert run("lint", "--source", "channels=2", "--source", "sample_rate=96000", TO_MP3) == from_file


def test_image_facts_parse(run: Runner) -> None:
    ran = run("lint", "--source", "width=1920,height=1080,format=png,frames=1,size=1000", "image/rotate,90")
    assert (ran.status, ran.err) == (0, "")


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("widht=5", "unknown source field 'widht': did you mean 'width'? (fields: sample_rate, channels, bitrate, width, height"),
        ("width", "'width' is not NAME=VALUE"),
        ("=5", "'=5' is not NAME=VALUE"),
        ("width=0", "width must be a positive whole number (px), not '0'"),
        ("width=1_000", "width must be a positive whole number (px), not '1_000'"),
        ("sample_rate=44.1k", "sample_rate must be a positive whole number (Hz), not '44.1k'"),
        ("format=", "format must not be empty"),
        ("width=1,width=2", "source field 'width' is given twice"),
    ],
)
def test_bad_facts_are_a_usage_error(run: Runner, given: str, said: str) -> None:
    ran = run("lint", "--source", given, TO_MP3)
    assert ran.status == 2
    assert f"oss-process lint: error: argument --source: {said}" in ran.err
    assert ran.out == ""


def test_an_unreadable_source_file_is_one_line_and_status_2(run: Runner, tmp_path: Path) -> None:
    missing = tmp_path / "gone.wav"
    ran = run("lint", "--source-file", str(missing), TO_MP3)
    assert ran == Ran(2, "", f"oss-process lint: error: cannot read the source file {missing}: No such file or directory\n")
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    ran = run("explain", "--source-file", str(text), TO_MP3)
    assert (ran.status, ran.out) == (2, "")
    neither = "not an image Pillow opens nor an audio file tinytag reads"
    assert ran.err == f"oss-process explain: error: cannot read the source file {text}: {neither}\n"


def test_without_the_extra_the_cli_says_what_to_install(run: Runner, hi_res: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tinytag", None)
    ran = run("canon", "--source-file", str(hi_res), TO_MP3)
    assert ran == Ran(2, "", f"oss-process canon: error: {MISSING_EXTRA}\n")
    # Facts given by hand need no extra.
    assert run("lint", "--source", "sample_rate=96000,channels=2", TO_MP3).status == 1


def test_json_output_with_a_source_file(run: Runner, hi_res: Path) -> None:
    ran = run("lint", "--format", "json", "--source-file", str(hi_res), TO_MP3)
    document = json.loads(ran.out)
    assert ran.status == 1
    assert [d["code"] for d in document["results"][0]["diagnostics"]] == ["E212"]
    assert document["summary"] == {"directives": 1, "invalid": 1, "errors": 1, "warnings": 0}
    jsonl = run("lint", "--format", "jsonl", "--source", "sample_rate=44100,channels=2", TO_MP3).out
    assert [(r["verdict"], r["diagnostics"]) for r in map(json.loads, jsonl.splitlines())] == [("ok", [])]


def test_canon_refuses_what_the_source_makes_invalid(run: Runner, hi_res: Path) -> None:
    assert run("canon", TO_MP3).out == TO_MP3.split("=", 1)[1] + "\n"
    refused = run("canon", "--source-file", str(hi_res), TO_MP3)
    assert (refused.status, refused.out) == (1, "\n")
    assert "error[E212]" in refused.err


def test_lint_fix_leaves_what_the_source_makes_invalid(run: Runner, hi_res: Path) -> None:
    unordered = TO_MP3.replace("f_mp3", "f_mp3,ss_0")  # canonicalizing would drop the default
    assert run("lint", "--fix", unordered).out == TO_MP3 + "\n"
    assert run("lint", "--fix", "--source-file", str(hi_res), unordered).out == unordered + "\n"


def test_explain_shows_the_facts_and_checks_against_them(run: Runner, hi_res: Path) -> None:
    ran = run("explain", "--source-file", str(hi_res), TO_MP3)
    assert ran.status == 1
    size = hi_res.stat().st_size
    assert f"\nsource     bitrate=3072000, channels=2, sample_rate=96000, size={size}\n" in ran.out
    assert "error[E212]" in ran.out
    model = json.loads(run("explain", "--format", "json", "--source", "sample_rate=96000", TO_MP3).out)
    assert model["source_facts"] == {"sample_rate": 96000}
    assert [d["code"] for d in model["diagnostics"]] == ["E212", "W211"]  # the channels are not known
    assert "source_facts" not in json.loads(run("explain", "--format", "json", TO_MP3).out)


def test_the_real_entry_point_with_worker_processes(hi_res: Path, tmp_path: Path) -> None:
    """``python -m oss_process``: the source goes to every worker; a bad one, no traceback."""
    ran = python_m("lint", "--jobs", "2", "--format", "jsonl", "--source-file", str(hi_res), TO_MP3, TO_MP3.replace("f_mp3", "f_aac"))
    assert ran.returncode == 1
    assert [json.loads(line)["verdict"] for line in ran.stdout.splitlines()] == ["error", "ok"]
    missing = python_m("lint", "--source-file", str(tmp_path / "gone.png"), TO_MP3)
    assert missing.returncode == 2
    assert missing.stderr.count(b"\n") == 1
    assert b"Traceback" not in missing.stderr
