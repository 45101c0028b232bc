"""What both harnesses share: instrumented imports, and input decoding.

The first byte of an input picks the mode and the source audio; the rest is the
directive, decoded as UTF-8 with lone surrogates standing for undecodable bytes, so any
``str`` the library can be handed is reachable.
"""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["oss_process"]):
    import oss_process
    import oss_process._accel
    import oss_process._accel.plan
    import oss_process._api
    import oss_process._lark_parser
    import oss_process._pipeline
    import oss_process._syntax
    import oss_process.kinds
    import oss_process.printer
    import oss_process.tables
    import oss_process.validation

MODES = (None, "sync", "async")
SOURCES = (
    None,
    oss_process.SourceAudio(sample_rate=44100, channels=2, bitrate=128000),
    oss_process.SourceAudio(sample_rate=8000, channels=7, bitrate=1000),
)


def decode(data: bytes) -> tuple[str, str | None, oss_process.SourceAudio | None]:
    head = data[0] if data else 0
    text = data[1:].decode("utf-8", "surrogateescape")
    return text, MODES[head % 3], SOURCES[(head // 3) % 3]


class Finding(AssertionError):
    """A property the library promises does not hold for this input."""


def no_internal_error(text: str, diagnostics: list[oss_process.Diagnostic]) -> None:
    if any(d.code == "E999" for d in diagnostics):
        raise Finding(f"internal error on {text!r}: {diagnostics}")
