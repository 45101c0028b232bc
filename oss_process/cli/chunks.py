"""One chunk of lines through a job, in a worker process or in this one."""

from __future__ import annotations

from oss_process import Mode
from oss_process.diagnostics import Origin

from . import verdicts
from .decoding import Entry, examine
from .fixes import fixed_line
from .output import emit
from .reading import RawLine, is_comment_or_blank
from .work import STDOUT, Chunk, ChunkResult, Job, Pieces, Tally

__all__ = ["process_chunk", "worker_setup"]


def process_chunk(job: Job, chunk: Chunk) -> ChunkResult:
    """The output of every line of a chunk, in order, and its tally."""
    out = Pieces()
    tally = Tally(lines=len(chunk.lines))
    for number, raw in chunk.lines:
        if chunk.skip_comments and is_comment_or_blank(raw):
            if job.fix:  # --fix prints the whole input back
                _echo(raw, out)
            continue
        entry = examine(raw, job.styles)
        mode = entry.mode or job.mode
        if job.fix:
            entry = _fix(entry, raw, mode, out, tally, job)
        # Looked up on the module at each line, so a test can make lint fail.
        diagnostics = [entry.problem] if entry.problem else verdicts.safe_lint(entry.text, mode, job.source, job.styles)
        tally.directives += 1
        errors = sum(d.is_error for d in diagnostics)
        tally.errors += errors
        tally.warnings += len(diagnostics) - errors
        tally.invalid += errors > 0
        emit(job, Origin(chunk.source, number, chunk.is_file), entry, mode, diagnostics, errors > 0, out)
    return ChunkResult(out.joined(), tally)


def _echo(raw: RawLine, out: Pieces) -> None:
    """The line back as it was read, byte for byte."""
    if isinstance(raw, bytes):
        out.add(STDOUT, raw.decode("utf-8", "surrogateescape") + "\n")
    else:
        assert raw.spool is not None, "--fix keeps a copy of every over-long line"
        out.add(STDOUT, raw.spool)


def _fix(entry: Entry, raw: RawLine, mode: Mode | None, out: Pieces, tally: Tally, job: Job) -> Entry:
    """Print the line with its safe fixes; the entry to report on is the fixed one."""
    line = fixed_line(entry, mode, job.source)
    if line is None:
        _echo(raw, out)
        return entry
    tally.fixed += 1
    out.add(STDOUT, line + "\n")
    return examine(line.encode("utf-8", "surrogateescape"), job.styles)


def worker_setup() -> None:
    import signal

    # Ctrl-C is the parent's to handle: it stops the pool, and no worker prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
