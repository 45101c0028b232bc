"""Writing a batch's output: pieces to stdout and stderr in order, JSON records as one
array, SARIF records kept for the log, spooled lines back byte for byte, and a progress
line on a terminal."""

from __future__ import annotations

import time
from typing import TextIO

from .reading import Spools
from .work import JSON_RECORD, SARIF_RECORD, STDOUT, Piece

__all__ = ["Progress", "Writer"]


class Progress:
    """A line on a terminal's stderr: lines done and the rate. Drawn once a batch has run
    for a second, redrawn at most four times a second, erased at the end."""

    DELAY, INTERVAL = 1.0, 0.25

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream, self.enabled = stream, enabled
        self.started = self.drawn = time.monotonic()
        self.lines = 0
        self.width = 0  # of the line shown; 0 when none is

    def advance(self, lines: int) -> None:
        self.lines += lines
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < self.DELAY or now - self.drawn < self.INTERVAL:
            return
        text = f"{self.lines:,} lines, {self.lines / (now - self.started):,.0f} lines/s"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width, self.drawn = len(text), now

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


class Writer:
    """Writes pieces to stdout and stderr: JSON records as one array, spooled lines back."""

    def __init__(self, out: TextIO, err: TextIO, progress: Progress, spools: Spools | None) -> None:
        self.out, self.err, self.progress, self.spools = out, err, progress, spools
        self.records = 0
        self.sarif_records: list[str] = []  # JSON lines, for the one log at the end

    def write(self, pieces: list[Piece]) -> None:
        if pieces:
            self.progress.clear()
        for stream, content in pieces:
            if stream == JSON_RECORD:
                self.out.write(("  " if not self.records else ",\n  ") + str(content))
                self.records += 1
            elif stream == SARIF_RECORD:
                self.sarif_records.append(str(content))
            elif isinstance(content, int):
                self._copy_spool(content)
            else:
                (self.out if stream == STDOUT else self.err).write(content)

    def _copy_spool(self, key: int) -> None:
        assert self.spools is not None
        spool = self.spools.take(key)
        with spool:
            spool.seek(0)
            binary = getattr(self.out, "buffer", None)
            self.out.flush()
            for data in iter(lambda: spool.read(1 << 16), b""):
                if binary is not None:
                    binary.write(data)
                else:
                    self.out.write(data.decode("utf-8", "surrogateescape"))
            if binary is not None:
                binary.flush()
        self.out.write("\n")
