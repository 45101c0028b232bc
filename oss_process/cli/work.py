"""What a batch is made of: chunks of lines, the job done on each, and the output
pieces and counts each chunk yields (all of it pickles, for the worker processes)."""

from __future__ import annotations

from typing import NamedTuple

from oss_process import Mode, Source, Styles

from .reading import RawLine

__all__ = ["JSON_RECORD", "SARIF_RECORD", "STDERR", "STDOUT", "Block", "Chunk", "ChunkResult", "Job", "Piece", "Pieces", "Tally"]

STDOUT, STDERR, JSON_RECORD = 0, 1, 2
#: One JSON line per input line with diagnostics; the writer keeps them for one SARIF log at
#: the end (neighbours are joined like any text: the line breaks keep them apart).
SARIF_RECORD = 3

#: (stream, text) or (STDOUT, spool key) for an over-long line that --fix prints unchanged.
Piece = tuple[int, str | int]


class Pieces:
    """Output of a chunk: neighbouring texts for one stream gathered, joined once at the end."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, list[str] | int]] = []

    def add(self, stream: int, content: str | int) -> None:
        if isinstance(content, str) and stream != JSON_RECORD:
            if self.runs and self.runs[-1][0] == stream and isinstance(texts := self.runs[-1][1], list):
                texts.append(content)
            else:
                self.runs.append((stream, [content]))
        else:  # a JSON record of its own (the writer puts commas between them), or a spool key
            self.runs.append((stream, [content] if isinstance(content, str) else content))

    def joined(self) -> list[Piece]:
        return [(stream, "".join(texts) if isinstance(texts, list) else texts) for stream, texts in self.runs]


class Tally:
    """Counts, added up across chunks (and processes: it pickles)."""

    __slots__ = ("directives", "errors", "fixed", "invalid", "lines", "warnings")

    def __init__(self, lines: int = 0) -> None:
        self.lines = lines  # every line read, comments included: the progress count
        self.directives = 0
        self.invalid = 0  # directives with an error
        self.errors = 0
        self.warnings = 0
        self.fixed = 0

    def add(self, other: Tally) -> None:
        for counter in self.__slots__:
            setattr(self, counter, getattr(self, counter) + getattr(other, counter))


class Job(NamedTuple):
    """What to do with each line; sent to the workers with every chunk."""

    command: str  # "lint" or "canon"
    output_format: str  # "text", "json", "jsonl", "github" or "sarif"
    mode: Mode | None
    fix: bool
    color_out: bool
    color_err: bool
    source: Source | None = None  # --source, --source-file: what the checks know of the input object
    styles: Styles | None = None  # --styles (and --style-delimiters)
    expand_styles: bool = False  # canon --expand-styles
    select: tuple[str, ...] = ()  # lint --select: the codes reported (all when empty)
    ignore: tuple[str, ...] = ()  # lint --ignore


class Block(NamedTuple):
    """Lines of a stream as read, terminators and all: one bytes object is all a worker
    process is sent, and the cheapest to read, send and split."""

    first: int  # the 1-based number of its first line
    data: bytes  # see reading.read_blocks


class Chunk(NamedTuple):
    source: str  # a path, "<stdin>" or "<arg>"
    is_file: bool
    skip_comments: bool
    lines: list[tuple[int, RawLine]] | Block  # (1-based line number, line), or a block of them


class ChunkResult(NamedTuple):
    pieces: list[Piece]
    tally: Tally
