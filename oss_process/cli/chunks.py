"""One chunk of lines through a job, in a worker process or in this one."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from oss_process import Diagnostic, Mode
from oss_process._settings import wanted
from oss_process.diagnostics import Origin

from . import verdicts
from .decoding import PARAMETERS, Entry, examine, plain_text
from .fixes import fixed_line
from .output import emit, problems
from .reading import COMMENT_OR_BLANK_STARTS, COMMENT_OR_BLANK_STARTS_TEXT, RawLine, block_lines, is_comment_or_blank, without_bom
from .work import STDOUT, Block, Chunk, ChunkResult, Job, Pieces, Tally

__all__ = ["process_chunk", "worker_setup"]


def process_chunk(job: Job, chunk: Chunk) -> ChunkResult:
    """The output of every line of a chunk, in order, and its tally."""
    out = Pieces()
    plain = _plain_block(job, chunk)
    if plain is not None:
        tally = Tally(lines=len(plain))
        _lint_plain(job, chunk, plain, out, tally)
    else:
        lines = _numbered(chunk.lines)
        tally = Tally(lines=len(lines))
        _process(job, chunk, lines, out, tally)
    return ChunkResult(out.joined(), tally)


def _quiet_when_clean(job: Job) -> bool:
    """A clean line prints nothing, and a line is its directive as it is (no style
    delimiters make a URL of it)."""
    return (
        job.command == "lint"
        and not job.fix
        and job.output_format in ("text", "github")
        and (job.styles is None or not job.styles.delimiters)
    )


def _plain_block(job: Job, chunk: Chunk) -> list[str] | None:
    """The lines of a block, decoded at once, when each is its directive as it is (UTF-8,
    no form field name, no query) and only a line with diagnostics prints anything."""
    block = chunk.lines
    if not isinstance(block, Block) or not _quiet_when_clean(job):
        return None
    try:
        text = block.data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "?" in text or any(name in text for name in PARAMETERS):
        return None
    lines = text.split("\n")
    last = lines.pop()  # as block_lines does
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    if last or not lines:
        lines.append(last)
    if block.first == 1 and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]  # without_bom, decoded
    return lines


def _lint_plain(job: Job, chunk: Chunk, lines: list[str], out: Pieces, tally: Tally) -> None:
    block = chunk.lines
    assert isinstance(block, Block)
    mode, source, styles = job.mode, job.source, job.styles
    printed: list[str] = []  # all of it to stdout: one piece
    for number, line in enumerate(lines, start=block.first):
        if chunk.skip_comments and line[:1] in COMMENT_OR_BLANK_STARTS_TEXT and is_comment_or_blank(line.encode("utf-8")):
            continue
        # Looked up on the module at each line, so a test can make lint fail.
        diagnostics = _chosen(job, verdicts.safe_lint(line, mode, source, styles))
        tally.directives += 1
        if diagnostics:
            _count(diagnostics, tally)
            printed.append(problems(job, Origin(chunk.source, number, chunk.is_file), Entry(line, line, None), diagnostics))
    if printed:
        out.add(STDOUT, "".join(printed))


def _process(job: Job, chunk: Chunk, lines: Sequence[tuple[int, RawLine]], out: Pieces, tally: Tally) -> None:
    plain = _quiet_when_clean(job)
    for number, raw in lines:
        if chunk.skip_comments and (raw.__class__ is not bytes or raw[:1] in COMMENT_OR_BLANK_STARTS) and is_comment_or_blank(raw):
            if job.fix:  # --fix prints the whole input back
                _echo(raw, out)
            continue
        text = plain_text(raw) if plain and isinstance(raw, bytes) else None
        if text is not None:
            mode = job.mode
            diagnostics = _chosen(job, verdicts.safe_lint(text, mode, job.source, job.styles))
            tally.directives += 1
            if diagnostics:
                _report(job, chunk, number, Entry(text, text, None), mode, diagnostics, out, tally)
            continue
        entry = examine(raw, job.styles)
        mode = entry.mode or job.mode
        if job.fix:
            entry = _fix(entry, raw, mode, out, tally, job)
        diagnostics = _chosen(job, [entry.problem] if entry.problem else verdicts.safe_lint(entry.text, mode, job.source, job.styles))
        tally.directives += 1
        _report(job, chunk, number, entry, mode, diagnostics, out, tally)


def _chosen(job: Job, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics --select and --ignore leave."""
    select, ignore = job.select, job.ignore
    if not (select or ignore) or not diagnostics:
        return diagnostics
    return [d for d in diagnostics if wanted(d.code, select, ignore)]


def _report(
    job: Job, chunk: Chunk, number: int, entry: Entry, mode: Mode | None, diagnostics: Sequence[Diagnostic], out: Pieces, tally: Tally
) -> None:
    failed = _count(diagnostics, tally)
    emit(job, Origin(chunk.source, number, chunk.is_file), entry, mode, diagnostics, failed, out)


def _count(diagnostics: Sequence[Diagnostic], tally: Tally) -> bool:
    """Counts a directive's diagnostics; True when one is an error."""
    errors = [d.is_error for d in diagnostics].count(True)
    tally.errors += errors
    tally.warnings += len(diagnostics) - errors
    tally.invalid += errors > 0
    return errors > 0


def _numbered(lines: list[tuple[int, RawLine]] | Block) -> Sequence[tuple[int, RawLine]]:
    if not isinstance(lines, Block):
        return lines
    split = block_lines(lines.data)
    if lines.first == 1:
        split[0] = without_bom(split[0])
    return list(zip(itertools.count(lines.first), split))


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
