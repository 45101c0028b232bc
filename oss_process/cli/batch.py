"""A batch: every source (arguments, standard input, files) read in order, cut into
chunks, run through the job (see :mod:`.pool`) and written (see :mod:`.writer`).

Lines are read as bytes, at most ``LINE_BOUND`` bytes at a time, and handed out in
chunks, in order, with a bounded number in flight, so memory stays flat whatever the
size of the input.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
from collections.abc import Iterator, Sequence
from typing import IO, NamedTuple, TextIO

from .output import PROG, sarif_document
from .pool import Ready, results
from .reading import RawLine, Spools, read_blocks, read_lines, without_bom
from .work import STDERR, Block, Chunk, ChunkResult, Job, Tally
from .writer import Progress, Writer

__all__ = ["Source", "run_batch", "sources"]

# Bytes read at a time, and so the most of a chunk (less an over-long line): the first
# reads small, so that every worker soon has work, later ones large, so that handing a
# chunk out costs little for each line.
_FIRST_CHUNK_BYTES, _CHUNK_BYTES = 1 << 16, 1 << 20


class Source(NamedTuple):
    label: str  # where diagnostics say they are
    path: str | None  # a file to read; None: standard input, or the arguments
    arguments: tuple[tuple[int, str], ...] = ()  # (position, directive)


def sources(args: argparse.Namespace) -> list[Source]:
    """What to read, in order: files with --files, else arguments and '-' for stdin.
    Arguments are numbered by their position among the inputs."""
    if args.files:
        paths = args.inputs or ["-"]
        return [Source("<stdin>", None) if path == "-" else Source(path, path) for path in paths]
    if not args.inputs:
        return [Source("<stdin>", None)]
    found: list[Source] = []
    for position, text in enumerate(args.inputs, start=1):
        if text == "-":
            found.append(Source("<stdin>", None))
        elif found and found[-1].arguments:
            found[-1] = found[-1]._replace(arguments=(*found[-1].arguments, (position, text)))
        else:
            found.append(Source("<arg>", None, ((position, text),)))
    return found


def _interactive(stream: IO[bytes]) -> bool:
    """True for a terminal or a pipe: a line may arrive long after the one before."""
    try:
        return not stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def _stream_chunks(stream: IO[bytes], source: Source, jobs: int, spools: Spools | None) -> Iterator[Chunk]:
    is_file = source.path is not None
    if jobs == 1 and _interactive(stream):
        # One process reading a pipe answers line by line, so `tail -f | oss-process lint`
        # reports at once.
        for number, raw in enumerate(read_lines(stream, spools), start=1):
            if number == 1 and isinstance(raw, bytes):
                raw = without_bom(raw)
            yield Chunk(source.label, is_file, True, [(number, raw)])
        return
    # Otherwise blocks of lines, split where they are processed (the BOM taken off there).
    number = 1
    for item in read_blocks(stream, _CHUNK_BYTES, spools, _FIRST_CHUNK_BYTES):
        if isinstance(item, bytes):
            yield Chunk(source.label, is_file, True, Block(number, item))
            number += item.count(b"\n")  # only the last block may end without one
        else:
            yield Chunk(source.label, is_file, True, [(number, item)])
            number += 1


def _notice(text: str) -> Ready:
    return Ready(ChunkResult([(STDERR, f"{PROG}: {text}\n")], Tally()))


class _Batch:
    """Reads every source in order and hands out chunks; remembers unreadable files."""

    def __init__(self, sources: Sequence[Source], stdin: IO[bytes], jobs: int, spools: Spools | None) -> None:
        self.sources, self.stdin, self.jobs, self.spools = sources, stdin, jobs, spools
        self.unreadable = 0

    def chunks(self) -> Iterator[Chunk | Ready]:
        for source in self.sources:
            if source.arguments:
                encoded: list[tuple[int, RawLine]] = [(n, text.encode("utf-8", "surrogateescape")) for n, text in source.arguments]
                yield Chunk(source.label, False, False, encoded)
            elif source.path is None:
                yield from _stream_chunks(self.stdin, source, self.jobs, self.spools)
            else:
                try:
                    with open(source.path, "rb") as stream:
                        yield from _stream_chunks(stream, source, self.jobs, self.spools)
                except OSError as error:
                    self.unreadable += 1
                    yield _notice(f"cannot read {source.path}: {error.strerror or error}")


def run_batch(args: argparse.Namespace, job: Job, out: TextIO, err: TextIO, stdin: IO[bytes]) -> tuple[Tally, bool]:
    """Every source through ``job``; the tally and whether some file could not be read."""
    found = sources(args)
    spools = Spools() if job.fix else None
    reader = _own_reader(stdin) if args.jobs > 1 else stdin
    batch = _Batch(found, reader, args.jobs, spools)
    streamed = any(not source.arguments for source in found)
    progress = Progress(err, streamed and err.isatty())
    writer = Writer(out, err, progress, spools)
    tally = Tally()
    if job.output_format == "json":
        out.write('{\n"results": [\n')
    for result in results(job, batch.chunks(), args.jobs):
        writer.write(result.pieces)
        tally.add(result.tally)
        progress.advance(result.tally.lines)
    progress.clear()
    if reader is not stdin:
        reader.close()
    if job.output_format == "json":
        summary = {"directives": tally.directives, "invalid": tally.invalid, "errors": tally.errors, "warnings": tally.warnings}
        out.write(("\n" if writer.records else "") + "],\n" + f'"summary": {json.dumps(summary)}\n}}\n')
    elif job.output_format == "sarif":  # one log: its results are known only at the end
        out.write(sarif_document(writer.sarif_records))
    return tally, batch.unreadable > 0


def _own_reader(stream: IO[bytes]) -> IO[bytes]:
    """A reader of its own on the same file, for the reader thread of --jobs: blocked in
    it at exit (Ctrl-C), the thread holds no lock that the interpreter needs then, as it
    would holding sys.stdin's."""
    try:
        return os.fdopen(os.dup(stream.fileno()), "rb")
    except (OSError, ValueError, AttributeError):
        return stream
