"""The ``oss-process`` command line: ``lint``, ``canon`` and ``explain``.

Input and output only. Every verdict, message, canonical string and explanation comes
from the library and its tables; this module reads lines, finds the directive in each
(a form field name and percent-encoding are taken off), and prints what the library says.

Batches are streamed: lines are read as bytes, at most ``LINE_BOUND`` bytes at a time,
and handed out in chunks, in order, to ``--jobs`` processes, with a bounded number of
chunks in flight, so memory stays flat whatever the size of the input.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import stat
import sys
import time
from collections.abc import Iterator, Sequence
from typing import IO, NamedTuple, Protocol, TextIO

from oss_process import (
    CODES,
    MAX_LENGTH,
    Action,
    Diagnostic,
    DirectiveError,
    Span,
    Stage,
    __version__,
    canonicalize,
    lint,
    parse,
    validate,
)
from oss_process.kinds import Base64Name, template_variables
from oss_process.tables import CATEGORIES, ParamSpec, lookup
from oss_process.tables.variables import PER_OPERATION, PREFIXES, PUBLIC

__all__ = ["main"]

PROG = "oss-process"

# --- Input: bounded lines of bytes -------------------------------------------------------

#: The most bytes of one line held in memory. A UTF-8 character takes at most 4 bytes,
#: so a longer line has more than MAX_LENGTH characters (and a form field that decodes
#: to fewer holds non-ASCII, an error anyway): it is reported (E001) from its first
#: chunk and a count of the rest.
LINE_BOUND = 4 * MAX_LENGTH + 64

# Characters of an over-long line kept to show where the limit falls.
_OVERLONG_SHOWN = MAX_LENGTH + 20

# UTF-8 continuation bytes: a line has as many characters as bytes that are not these.
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


class Overlong(NamedTuple):
    """A line longer than ``LINE_BOUND`` bytes: its first chunk and its full length."""

    head: bytes
    characters: int
    spool: int | None  # key of the copy kept for --fix, which must print it back unchanged


RawLine = bytes | Overlong


def _characters(data: bytes) -> int:
    return len(data.translate(None, _CONTINUATION_BYTES))


def _without_terminator(line: bytes) -> bytes:
    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    return line


class _Spools:
    """Copies of over-long lines for --fix, on disk past 1 MiB: memory stays bounded."""

    def __init__(self) -> None:
        self.files: dict[int, IO[bytes]] = {}
        self.keys = itertools.count(1)

    def new(self) -> tuple[int, IO[bytes]]:
        import tempfile

        key = next(self.keys)
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 - closed by take()
        self.files[key] = spool
        return key, spool

    def take(self, key: int) -> IO[bytes]:
        return self.files.pop(key)


def read_lines(stream: IO[bytes], spools: _Spools | None = None) -> Iterator[RawLine]:
    """The lines of ``stream`` without their terminators, never more than ``LINE_BOUND``
    bytes of one in memory; a longer line comes as :class:`Overlong` (copied to a spool
    when ``spools`` is given)."""
    while True:
        line = stream.readline(LINE_BOUND)
        if not line:
            return
        if line.endswith(b"\n") or len(line) < LINE_BOUND:
            yield _without_terminator(line)
            continue
        key, spool = spools.new() if spools is not None else (None, None)
        characters = _characters(line)
        if spool is not None:
            spool.write(line)
        while True:
            chunk = stream.readline(LINE_BOUND)
            if not chunk:
                break
            ended = chunk.endswith(b"\n")
            chunk = _without_terminator(chunk)
            characters += _characters(chunk)
            if spool is not None:
                spool.write(chunk)
            if ended:
                break
        yield Overlong(line, characters, key)


def _is_comment_or_blank(line: RawLine) -> bool:
    if isinstance(line, Overlong):
        return line.head.lstrip().startswith(b"#")
    stripped = line.strip()
    return not stripped or stripped.startswith(b"#")


# --- From a line to the directive the library sees --------------------------------------

# The form fields a directive is sent in; the name says the mode. A leading '?' allows
# the query-string form.
_FORM_FIELD = re.compile(r"\??(x-oss-async-process|x-oss-process)=")
_FIELD_MODES = {"x-oss-async-process": "async", "x-oss-process": "sync"}
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


class Entry(NamedTuple):
    """One input line and the directive in it."""

    line: str  # as read; undecodable bytes kept as surrogates (errors="surrogateescape")
    text: str  # the directive: the line less a form field name, percent-decoded
    mode: str | None  # from the form field name, if any
    prefix: str = ""  # the form field name and '=', if any
    percent: tuple[int, ...] | None = None  # offset in the encoded value of each character of text, and of its end
    problem: Diagnostic | None = None  # found before the library could look: not UTF-8, too long
    truncated: bool = False  # line holds only the start of an over-long line

    def column(self, offset: int) -> int:
        """The 1-based column in ``line`` of ``offset`` in ``text``."""
        if self.percent is not None:
            offset = self.percent[min(offset, len(self.percent) - 1)]
        return len(self.prefix) + offset + 1


def _percent_decode(value: str) -> tuple[str, tuple[int, ...]]:
    """The decoded value and, for each of its characters and its end, the offset in ``value``."""
    data = bytearray()
    byte_offsets: list[int] = []

    def literal(start: int, end: int) -> None:
        for index in range(start, end):
            encoded = value[index].encode("utf-8", "surrogateescape")
            data.extend(encoded)
            byte_offsets.extend([index] * len(encoded))

    position = 0
    for escape in _PERCENT_ESCAPE.finditer(value):
        literal(position, escape.start())
        data.append(int(escape.group(1), 16))
        byte_offsets.append(escape.start())
        position = escape.end()
    literal(position, len(value))
    text = data.decode("utf-8", "surrogateescape")
    offsets: list[int] = []
    index = 0
    for char in text:
        offsets.append(byte_offsets[index])
        index += len(char.encode("utf-8", "surrogateescape"))
    offsets.append(len(value))
    return text, tuple(offsets)


def examine(raw: RawLine) -> Entry:
    """The directive in one input line, or the reason the library cannot be asked."""
    if isinstance(raw, Overlong):
        shown = raw.head.decode("utf-8", "surrogateescape")[:_OVERLONG_SHOWN]
        message = f"the line is {raw.characters} characters long; the limit is {MAX_LENGTH}"
        return Entry(shown, shown, None, problem=Diagnostic("E001", message, Span(MAX_LENGTH, raw.characters)), truncated=True)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.decode("utf-8", "surrogateescape")
        at = len(raw[: error.start].decode("utf-8"))
        problem = Diagnostic(
            "E017",
            f"byte {raw[error.start]:#04x} is not UTF-8: the line is not UTF-8 text",
            Span(at, at + 1),
            "a directive is ASCII; save the file as UTF-8",
        )
        return Entry(line, line, None, problem=problem)
    field = _FORM_FIELD.match(line)
    if field is None:
        return Entry(line, line, None)
    prefix, value = line[: field.end()], line[field.end() :]
    mode = _FIELD_MODES[field.group(1)]
    if "%" not in value:
        return Entry(line, value, mode, prefix)
    text, offsets = _percent_decode(value)
    return Entry(line, text, mode, prefix, offsets)


# --- Fixes: only those that keep the meaning -------------------------------------------

# Whitespace at either end or beside a separator can only be a slip: a directive has no
# whitespace, and no value holds ',', '/' or '|'. Whitespace inside a token ("ss_10 000")
# is left for a person to judge.
_SEPARATOR_SPACE = re.compile(r"\s*([,/|])\s*")


def _without_stray_whitespace(text: str) -> str:
    return _SEPARATOR_SPACE.sub(r"\1", text.strip())


def fixed_directive(text: str, mode: str | None) -> str | None:
    """``text`` with every safe fix applied, or None when there is none to apply.

    Stray whitespace goes first; the rest (table order, padding, defaults, leading zeros)
    is what ``canonicalize`` does, and its output means the same by definition. It raises
    while any error is left, so a line is fixed only when every error it had was stray
    whitespace. A line without errors has no whitespace: only canonicalization applies.
    """
    try:
        canonical = canonicalize(_without_stray_whitespace(text), mode=mode)
    except Exception:  # noqa: BLE001 - DirectiveError, or a library bug: either way, no fix
        return None
    return canonical if canonical != text else None


# --- Output: text, JSON, GitHub annotations --------------------------------------------

_RED, _YELLOW, _CYAN, _GREEN, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[36m", "\033[32m", "\033[1m", "\033[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color and text else text


# Characters of a span shown at most: the span of E001 runs to the end of a long line.
_SHOWN_SPAN = 80


def render_diagnostic(diagnostic: Diagnostic, entry: Entry, where: str, color: bool) -> str:
    """``where:col: severity[code]: message``, the input with carets, and the hint: the
    library's rendering, located and optionally coloured."""
    start, end = diagnostic.span
    shown = entry.text if end - start <= _SHOWN_SPAN else entry.text[: start + _SHOWN_SPAN]
    head, *rest = diagnostic.render(shown).split("\n")
    label, _, message = head.partition(": ")
    severity = _RED if diagnostic.is_error else _YELLOW
    location = f"{where}:{entry.column(diagnostic.span.start)}:"
    lines = [f"{_paint(location, _BOLD, color)} {_paint(label, _BOLD + severity, color)}: {_paint(message, _BOLD, color)}"]
    for index, line in enumerate(rest):
        if index == 1 and color:
            line = re.sub(r"\^+", lambda carets: _paint(carets.group(), _BOLD + severity, True), line)
        elif line.startswith("    hint: ") and color:
            line = "    " + _paint("hint:", _CYAN, True) + line[len("    hint:") :]
        lines.append(line)
    return "\n".join(lines) + "\n\n"


def _verdict(diagnostics: Sequence[Diagnostic]) -> str:
    if any(d.is_error for d in diagnostics):
        return "error"
    return "warning" if diagnostics else "ok"


def _diagnostic_json(diagnostic: Diagnostic, entry: Entry) -> dict[str, object]:
    return {
        "code": diagnostic.code,
        "severity": str(diagnostic.severity),
        "title": CODES[diagnostic.code].title,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "start": diagnostic.span.start,
        "end": diagnostic.span.end,
        "column": entry.column(diagnostic.span.start),
        "end_column": entry.column(diagnostic.span.end),
    }


def record_json(source: str, line: int, entry: Entry, mode: str | None, diagnostics: Sequence[Diagnostic], canonical: str | None) -> str:
    """One input as a JSON object: where it is, what it says, the verdict and the canonical form."""
    record: dict[str, object] = {
        "source": source,
        "line": line,
        "input": entry.line,
        "directive": entry.text,
        "mode": mode,
        "verdict": _verdict(diagnostics),
        "canonical": canonical,
        "diagnostics": [_diagnostic_json(d, entry) for d in diagnostics],
    }
    if entry.truncated:
        record["truncated"] = True
    return json.dumps(record)


def _github_escape(text: str, is_property: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


def github_annotation(diagnostic: Diagnostic, entry: Entry, source: str, line: int, is_file: bool) -> str:
    """A GitHub Actions workflow command that annotates the line in the pull request."""
    start, end = entry.column(diagnostic.span.start), entry.column(diagnostic.span.end)
    properties = {
        **({"file": source} if is_file else {}),
        "line": str(line),
        "endLine": str(line),
        "col": str(start),
        "endColumn": str(max(start, end - 1)),
        "title": f"{diagnostic.code} {CODES[diagnostic.code].title}",
    }
    message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    listed = ",".join(f"{key}={_github_escape(value, True)}" for key, value in properties.items())
    return f"::{diagnostic.severity} {listed}::{_github_escape(message, False)}\n"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# --- One chunk of lines, in a worker or in-process ---------------------------------------

STDOUT, STDERR, JSON_RECORD = 0, 1, 2

#: (stream, text) or (STDOUT, spool key) for an over-long line that --fix prints unchanged.
Piece = tuple[int, str | int]


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


class ChunkResult(NamedTuple):
    pieces: list[Piece]
    tally: Tally


class Job(NamedTuple):
    """What to do with each line; sent to the workers with every chunk."""

    command: str  # "lint" or "canon"
    output_format: str  # "text", "json", "jsonl" or "github"
    mode: str | None
    fix: bool
    color_out: bool
    color_err: bool


class Chunk(NamedTuple):
    source: str  # a path, "<stdin>" or "<arg>"
    is_file: bool
    skip_comments: bool
    lines: list[tuple[int, RawLine]]  # (1-based line number, line)


class _Pieces:
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


def process_chunk(job: Job, chunk: Chunk) -> ChunkResult:
    """The output of every line of a chunk, in order, and its tally."""
    out = _Pieces()
    tally = Tally(lines=len(chunk.lines))
    for number, raw in chunk.lines:
        if chunk.skip_comments and _is_comment_or_blank(raw):
            if job.fix:  # --fix prints the whole input back
                _echo(raw, out)
            continue
        entry = examine(raw)
        mode = entry.mode or job.mode
        if job.fix:
            entry = _fix(entry, raw, mode, out, tally)
        diagnostics = [entry.problem] if entry.problem else _lint(entry.text, mode)
        tally.directives += 1
        errors = sum(d.is_error for d in diagnostics)
        tally.errors += errors
        tally.warnings += len(diagnostics) - errors
        tally.invalid += errors > 0
        _emit(job, chunk, number, entry, mode, diagnostics, errors > 0, out)
    return ChunkResult(out.joined(), tally)


def _lint(text: str, mode: str | None) -> list[Diagnostic]:
    """``lint``, which never raises; should a bug in it raise all the same, that line gets
    the library's own code for it, E999, and the batch goes on."""
    try:
        return lint(text, mode=mode)
    except Exception as error:  # noqa: BLE001 - one line's trouble must not end the batch
        message = f"internal error ({type(error).__name__}: {error}); please report it with this directive"
        return [Diagnostic("E999", message[:300], Span(0, len(text)))]


def _echo(raw: RawLine, out: _Pieces) -> None:
    """The line back as it was read, byte for byte."""
    if isinstance(raw, bytes):
        out.add(STDOUT, raw.decode("utf-8", "surrogateescape") + "\n")
    else:
        assert raw.spool is not None, "--fix keeps a copy of every over-long line"
        out.add(STDOUT, raw.spool)


def _fix(entry: Entry, raw: RawLine, mode: str | None, out: _Pieces, tally: Tally) -> Entry:
    """Print the line with its safe fixes; the entry to report on is the fixed one."""
    fixed = None if entry.problem else fixed_directive(entry.text, mode)
    if fixed is None:
        _echo(raw, out)
        return entry
    tally.fixed += 1
    if entry.percent is None:
        value = fixed
    else:
        from urllib.parse import quote

        value = quote(fixed, safe="")
    out.add(STDOUT, entry.prefix + value + "\n")
    return examine((entry.prefix + value).encode("utf-8", "surrogateescape"))


def _canonical(entry: Entry, mode: str | None, failed: bool) -> str | None:
    if failed:
        return None
    try:
        return canonicalize(entry.text, mode=mode)
    except Exception:  # noqa: BLE001 - lint found no error: only a library bug lands here
        return None


def _emit(
    job: Job, chunk: Chunk, number: int, entry: Entry, mode: str | None, diagnostics: list[Diagnostic], failed: bool, out: _Pieces
) -> None:
    """What one directive prints, by command and format."""
    where = f"{chunk.source}:{number}"
    if job.output_format in ("json", "jsonl"):
        record = record_json(chunk.source, number, entry, mode, diagnostics, _canonical(entry, mode, failed))
        out.add(JSON_RECORD if job.output_format == "json" else STDOUT, record if job.output_format == "json" else record + "\n")
    elif job.output_format == "github":
        for diagnostic in diagnostics:
            out.add(STDOUT, github_annotation(diagnostic, entry, chunk.source, number, chunk.is_file))
    elif job.command == "canon":
        out.add(STDOUT, (_canonical(entry, mode, failed) or "") + "\n")
        if failed:
            out.add(STDERR, "".join(render_diagnostic(d, entry, where, job.color_err) for d in diagnostics))
    else:
        stream, color = (STDERR, job.color_err) if job.fix else (STDOUT, job.color_out)
        for diagnostic in diagnostics:
            out.add(stream, render_diagnostic(diagnostic, entry, where, color))


def _worker_setup() -> None:
    import signal

    # Ctrl-C is the parent's to handle: it stops the pool, and no worker prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --- The batch: sources, chunks, workers, progress, writing -----------------------------


class Source(NamedTuple):
    label: str  # where diagnostics say they are
    path: str | None  # a file to read; None: standard input, or the arguments
    arguments: tuple[tuple[int, str], ...] = ()  # (position, directive)


class _Ready:
    """A chunk result computed already, queued among those the workers compute."""

    def __init__(self, result: ChunkResult) -> None:
        self.result = result

    def get(self) -> ChunkResult:
        return self.result


class _Pending(Protocol):
    def get(self) -> ChunkResult: ...  # waits for it


_CHUNK_LINES = 1000
_CHUNK_BYTES = 1 << 20


def _interactive(stream: IO[bytes]) -> bool:
    """True for a terminal or a pipe: a line may arrive long after the one before."""
    try:
        return not stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def _stream_chunks(stream: IO[bytes], source: Source, jobs: int, spools: _Spools | None) -> Iterator[Chunk]:
    # One process reading a pipe answers line by line, so `tail -f | oss-process lint`
    # reports at once; otherwise lines are batched to keep the per-chunk cost small.
    size = 1 if jobs == 1 and _interactive(stream) else _CHUNK_LINES
    lines: list[tuple[int, RawLine]] = []
    held = 0
    for number, raw in enumerate(read_lines(stream, spools), start=1):
        lines.append((number, raw))
        held += len(raw) if isinstance(raw, bytes) else len(raw.head)
        if len(lines) >= size or held >= _CHUNK_BYTES:
            yield Chunk(source.label, source.path is not None, True, lines)
            lines, held = [], 0
    if lines:
        yield Chunk(source.label, source.path is not None, True, lines)


def _notice(text: str) -> _Ready:
    return _Ready(ChunkResult([(STDERR, f"{PROG}: {text}\n")], Tally()))


class _Batch:
    """Reads every source in order and hands out chunks; remembers unreadable files."""

    def __init__(self, sources: Sequence[Source], stdin: IO[bytes], jobs: int, spools: _Spools | None) -> None:
        self.sources, self.stdin, self.jobs, self.spools = sources, stdin, jobs, spools
        self.unreadable = 0

    def chunks(self) -> Iterator[Chunk | _Ready]:
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


class _Failed:
    """The reader thread's exception, raised again where the results are taken."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def get(self) -> ChunkResult:
        raise self.error


def _results(job: Job, batch: _Batch) -> Iterator[ChunkResult]:
    """Chunk results in input order; with --jobs N, N processes and at most 4N chunks in flight.

    With N > 1 a thread reads and hands out the chunks, so that results are written as
    soon as they are ready, even while the input is waiting for its next line.
    """
    if batch.jobs == 1:
        for chunk in batch.chunks():
            yield chunk.get() if isinstance(chunk, _Ready) else process_chunk(job, chunk)
        return
    # Imported here: a one-shot run never needs them (about 8 ms).
    import multiprocessing
    import queue
    import threading

    with multiprocessing.Pool(batch.jobs, initializer=_worker_setup) as pool:
        in_flight: queue.Queue[_Pending | None] = queue.Queue(maxsize=4 * batch.jobs)
        # The pool is stopped (Ctrl-C, a closed pipe) while the reader thread may be handing
        # out work: terminating a pool during apply_async can deadlock (seen on 3.10), so
        # both hold this lock, and the reader stops handing out once the pool is stopping.
        handing_out = threading.Lock()
        stopping = threading.Event()

        def hand_out() -> None:
            try:
                for chunk in batch.chunks():
                    if isinstance(chunk, _Ready):
                        in_flight.put(chunk)
                        continue
                    with handing_out:
                        if stopping.is_set():
                            return
                        pending = pool.apply_async(process_chunk, (job, chunk))
                    in_flight.put(pending)
            except BaseException as error:  # noqa: BLE001 - raised again in the main thread
                in_flight.put(_Failed(error))
            else:
                in_flight.put(None)

        threading.Thread(target=hand_out, name="oss-process-reader", daemon=True).start()
        try:
            while (pending := in_flight.get()) is not None:
                yield pending.get()
        finally:
            with handing_out:
                stopping.set()


class _Progress:
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


class _Writer:
    """Writes pieces to stdout and stderr: JSON records as one array, spooled lines back."""

    def __init__(self, out: TextIO, err: TextIO, progress: _Progress, spools: _Spools | None) -> None:
        self.out, self.err, self.progress, self.spools = out, err, progress, spools
        self.records = 0

    def write(self, pieces: list[Piece]) -> None:
        if pieces:
            self.progress.clear()
        for stream, content in pieces:
            if stream == JSON_RECORD:
                self.out.write(("  " if not self.records else ",\n  ") + str(content))
                self.records += 1
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


def _run_batch(args: argparse.Namespace, job: Job, out: TextIO, err: TextIO, stdin: IO[bytes]) -> tuple[Tally, bool]:
    """Every source through ``job``; the tally and whether some file could not be read."""
    sources = _sources(args)
    spools = _Spools() if job.fix else None
    reader = _own_reader(stdin) if args.jobs > 1 else stdin
    batch = _Batch(sources, reader, args.jobs, spools)
    streamed = any(not source.arguments for source in sources)
    progress = _Progress(err, streamed and err.isatty())
    writer = _Writer(out, err, progress, spools)
    tally = Tally()
    if job.output_format == "json":
        out.write('{\n"results": [\n')
    for result in _results(job, batch):
        writer.write(result.pieces)
        tally.add(result.tally)
        progress.advance(result.tally.lines)
    progress.clear()
    if reader is not stdin:
        reader.close()
    if job.output_format == "json":
        summary = {"directives": tally.directives, "invalid": tally.invalid, "errors": tally.errors, "warnings": tally.warnings}
        out.write(("\n" if writer.records else "") + "],\n" + f'"summary": {json.dumps(summary)}\n}}\n')
    return tally, batch.unreadable > 0


def _own_reader(stream: IO[bytes]) -> IO[bytes]:
    """A reader of its own on the same file, for the reader thread of --jobs: blocked in
    it at exit (Ctrl-C), the thread holds no lock that the interpreter needs then, as it
    would holding sys.stdin's."""
    try:
        return os.fdopen(os.dup(stream.fileno()), "rb")
    except (OSError, ValueError, AttributeError):
        return stream


def _sources(args: argparse.Namespace) -> list[Source]:
    """What to read, in order: files with --files, else arguments and '-' for stdin.
    Arguments are numbered by their position among the inputs."""
    if args.files:
        paths = args.inputs or ["-"]
        return [Source("<stdin>", None) if path == "-" else Source(path, path) for path in paths]
    if not args.inputs:
        return [Source("<stdin>", None)]
    sources: list[Source] = []
    for position, text in enumerate(args.inputs, start=1):
        if text == "-":
            sources.append(Source("<stdin>", None))
        elif sources and sources[-1].arguments:
            sources[-1] = sources[-1]._replace(arguments=(*sources[-1].arguments, (position, text)))
        else:
            sources.append(Source("<arg>", None, ((position, text),)))
    return sources


# --- Commands -----------------------------------------------------------------------------


def _color(choice: str, stream: TextIO) -> bool:
    """Colour on a terminal only, never with NO_COLOR set (https://no-color.org), unless forced."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def command_lint(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    job = Job("lint", args.format, args.mode, args.fix, _color(args.color, out), _color(args.color, err))
    tally, unreadable = _run_batch(args, job, out, err, stdin)
    if args.format == "text":
        stream, color = (err, job.color_err) if args.fix else (out, job.color_out)
        stream.write(_lint_summary(tally, args.fix, color))
    failed = tally.errors > 0 or (args.strict and tally.warnings > 0)
    return 2 if unreadable else int(failed)


def _lint_summary(tally: Tally, fix: bool, color: bool) -> str:
    fixed = f"; fixed {_plural(tally.fixed, 'directive')}" if fix else ""
    if not tally.errors and not tally.warnings:
        return _paint(f"{_plural(tally.directives, 'directive')} checked: no problems{fixed}.", _GREEN, color) + "\n"
    counts = f"{_plural(tally.errors, 'error')} and {_plural(tally.warnings, 'warning')}"
    remaining = " remaining" if fix else ""
    text = f"{_plural(tally.directives, 'directive')} checked: {counts}{remaining}, {tally.invalid:,} invalid{fixed}."
    return _paint(text, _BOLD + (_RED if tally.errors else _YELLOW), color) + "\n"


def command_canon(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    job = Job("canon", args.format, args.mode, False, _color(args.color, out), _color(args.color, err))
    tally, unreadable = _run_batch(args, job, out, err, stdin)
    if args.format == "text" and tally.invalid:
        left = "its line is" if tally.invalid == 1 else "their lines are"
        text = f"{tally.invalid:,} of {_plural(tally.directives, 'directive')} invalid: {left} left empty."
        err.write(_paint(text, _BOLD + _RED, job.color_err) + "\n")
    return 2 if unreadable else int(tally.invalid > 0)


def command_explain(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    raw: RawLine
    if args.directive == "-":
        number, raw = next(((n, line) for n, line in enumerate(read_lines(stdin), start=1) if not _is_comment_or_blank(line)), (1, b""))
        where = f"<stdin>:{number}"
    else:
        raw, where = args.directive.encode("utf-8", "surrogateescape"), "<arg>:1"
    entry = examine(raw)
    mode = entry.mode or args.mode
    model, diagnostics = explanation(entry, mode)
    if args.format == "json":
        out.write(json.dumps(model, indent=2) + "\n")
    else:
        out.write(explanation_text(model))
        color = _color(args.color, out)
        if diagnostics:
            out.write("\ndiagnostics:\n\n")
        for diagnostic in diagnostics:
            out.write(render_diagnostic(diagnostic, entry, where, color))
    return int(any(d.is_error for d in diagnostics))


# --- explain: the tree, each parameter against its row of the tables ---------------------

_MODE_FIELDS = {"async": "x-oss-async-process", "sync": "x-oss-process"}


def _row(row: ParamSpec | None) -> dict[str, object]:
    if row is None:
        return {"meaning": None, "unit": None, "accepts": None, "required": False, "default": None, "when_omitted": None}
    return {
        "meaning": row.meaning,
        "unit": row.unit,
        "accepts": row.kind.describe(),
        "required": row.required,
        "default": row.default,
        "when_omitted": row.when_omitted,
    }


def _variables(name: str) -> list[dict[str, object]]:
    """The template variables a name uses, each with its meaning from the tables."""
    named: list[dict[str, object]] = []
    for variable in template_variables(name)[0]:
        prefix = next((p for p in PREFIXES if variable.startswith(p) and len(variable) > len(p)), None)
        meaning = PUBLIC.get(variable) or PER_OPERATION.get(variable)
        named.append({"name": variable, "meaning": meaning, "prefix": prefix, "known": meaning is not None or prefix is not None})
    return named


def explanation(entry: Entry, mode: str | None) -> tuple[dict[str, object], list[Diagnostic]]:
    """The breakdown of a directive as plain data (the JSON of --format json), and its diagnostics."""
    model: dict[str, object] = {"input": entry.line, "directive": entry.text, "mode": mode, "runs_in": None, "canonical": None}
    if entry.problem is not None:
        diagnostics = [entry.problem]
        model["stages"] = None
    else:
        diagnostics = lint(entry.text, mode=mode)
        try:
            checked = validate(parse(entry.text), mode=mode)
        except DirectiveError:
            model["stages"] = None
        else:
            model["stages"] = [_stage(stage) for stage in checked.directive.stages]
            model["runs_in"] = _runs_in(model["stages"])
            model["canonical"] = _canonical(entry, mode, any(d.is_error for d in diagnostics))
    model["ok"] = not any(d.is_error for d in diagnostics)
    model["diagnostics"] = [_diagnostic_json(d, entry) for d in diagnostics]
    return model, diagnostics


def _stage(stage: Stage) -> dict[str, object]:
    info = CATEGORIES.get(stage.category) if stage.category is not None else None
    return {
        "category": stage.category,
        "summary": info.summary if info is not None else None,
        "actions": [_action(stage.category, action) for action in stage.actions],
    }


def _action(category: str | None, action: Action) -> dict[str, object]:
    info = lookup(category, action.name)
    spec = info.spec if info is not None else None
    parameters: list[dict[str, object]] = []
    given = set()
    for parameter in action.parameters:
        row = spec.by_key.get(parameter.key) if spec is not None and parameter.key is not None else None
        item: dict[str, object] = {"key": parameter.key, "text": parameter.text, "given": True, "value": parameter.value, **_row(row)}
        item["base64"] = row is not None and isinstance(row.kind, Base64Name)
        if row is not None and isinstance(row.kind, Base64Name) and row.kind.rule.allows_templates and isinstance(parameter.value, str):
            item["variables"] = _variables(parameter.value)
        parameters.append(item)
        given.add(parameter.key)
    for row in spec.parameters if spec is not None else ():
        if row.key not in given:
            parameters.append(
                {"key": row.key, "text": None, "given": False, "value": None, **_row(row), "base64": isinstance(row.kind, Base64Name)}
            )
    return {
        "name": action.name,
        "label": action.name if category is None else f"{category}/{action.name}",
        "known": info is not None,
        "open_ended": category is not None and category in CATEGORIES and CATEGORIES[category].open_ended,
        "checked": spec is not None,
        "modes": sorted(str(m) for m in info.modes) if info is not None else None,
        "summary": spec.summary if spec is not None else None,
        "reference": (spec.reference or None) if spec is not None else None,
        "parameters": parameters,
    }


def _runs_in(stages: object) -> list[str]:
    """The modes every known action runs in: the form fields that can carry the directive."""
    modes = {"async", "sync"}
    for stage in stages if isinstance(stages, list) else ():
        for action in stage["actions"]:
            if action["modes"] is not None:
                modes &= set(action["modes"])
    return sorted(modes)


def _value_text(item: dict[str, object]) -> str:
    value = item["value"]
    if value is None:
        return "not valid: see the diagnostics" if item["meaning"] is not None else "not checked"
    if item["base64"]:
        return f"{json.dumps(value, ensure_ascii=False)} (decoded from URL-safe Base64)"
    return f"{value} {item['unit']}" if item["unit"] else str(value)


def _omitted_text(item: dict[str, object]) -> tuple[str, str]:
    default, when_omitted, unit = item["default"], item["when_omitted"], item["unit"]
    if item["required"]:
        return "missing", "required"
    if default is not None:
        shown = f"{default} {unit}" if unit else str(default)
        return "default", f"{shown}: {when_omitted}" if when_omitted else shown
    if when_omitted is not None:
        return "omitted", str(when_omitted)
    return "omitted", "no documented default"


def explanation_text(model: dict[str, object]) -> str:
    """The breakdown for a person: stages, actions, parameters given and not."""
    lines = [f"directive  {model['directive']}"]
    runs_in = model["runs_in"]
    if isinstance(runs_in, list):
        fields = ", ".join(f"{_MODE_FIELDS[m]} ({m})" for m in runs_in) or "no single request: see the diagnostics"
        lines.append(f"runs in    {fields}")
    if model["mode"]:
        lines.append(f"mode       {model['mode']} ({_MODE_FIELDS[str(model['mode'])]})")
    lines.append(f"canonical  {model['canonical'] or 'none: the directive has errors'}")
    stages = model["stages"]
    for number, stage in enumerate(stages if isinstance(stages, list) else (), start=1):
        summary = f": {stage['summary']}" if stage["summary"] else ""
        lines += ["", f"stage {number}  {stage['category'] or '(no category)'}{summary}"]
        for action in stage["actions"]:
            lines += _action_lines(action)
    return "\n".join(lines) + "\n"


def _action_lines(action: dict[str, object]) -> list[str]:
    if action["open_ended"]:
        about = f"the style named {action['name']!r}"
    elif not action["known"]:
        about = "not in the catalogue"
    else:
        about = str(action["summary"]) if action["checked"] else "not checked: no parameter table for it yet"
    lines = [f"  {action['label']}: {about}"]
    if action["modes"]:
        lines.append(f"    runs in    {', '.join(_MODE_FIELDS[str(m)] for m in action['modes'])}")  # type: ignore[attr-defined]
    if action["reference"]:
        lines.append(f"    reference  {action['reference']}")
    parameters = action["parameters"]
    assert isinstance(parameters, list)
    for item in parameters:
        if item["given"]:
            written = item["text"] if item["key"] is None else f"{item['key']}_{item['text']}"
            lines += [f"    {written}", f"      value     {_value_text(item)}"]
        else:
            label, text = _omitted_text(item)
            lines += [f"    {item['key']} (not given)", f"      {label.ljust(9)} {text}"]
        if item["meaning"]:
            lines.append(f"      meaning   {item['meaning']}")
        if item["accepts"]:
            lines.append(f"      accepts   {item['accepts']}")
        for variable in item.get("variables", ()):
            meaning = variable["meaning"] or (f"one of the {{{variable['prefix']}<name>}} variables" if variable["prefix"] else "unknown")
            lines.append(f"      variable  {{{variable['name']}}}: {meaning}")
    return lines


# --- The parser and the entry point -------------------------------------------------------

_EXAMPLE_SEED = (
    "audio/convert,ss_10000,t_60000,f_aac,ab_96000"
    "|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
)

_LINT_EXAMPLES = f"""\
examples:
  {PROG} lint 'audio/convert,f_aac,ab_96000|sys/saveas,o_ZGVzdC5hYWM'
  {PROG} lint --mode async < directives.txt
  {PROG} lint --files examples/directives.txt --format github
  {PROG} lint --fix --files directives.txt > fixed.txt
  {PROG} lint --jobs 2 --format jsonl --files big.txt > verdicts.jsonl

Input lines may be form fields as sent to OSS, raw or percent-encoded:
  x-oss-async-process=audio%2Fconvert%2Cf_aac   (the field name sets the mode)
Standard input and --files skip blank lines and lines starting with '#'.

exit status: 0 no errors (warnings allowed unless --strict), 1 errors, 2 usage or unreadable file
"""

_CANON_EXAMPLES = f"""\
examples:
  {PROG} canon 'audio/convert,f_aac,ss_0,ab_96000|sys/saveas,o_ZGVzdC5hYWM='
  {PROG} canon < directives.txt > canonical.txt
  {PROG} canon --format jsonl --files directives.txt

One canonical directive per input on stdout; an invalid input leaves its line empty
and its diagnostics go to stderr.

exit status: 0 all valid, 1 some invalid, 2 usage or unreadable file
"""

_EXPLAIN_EXAMPLES = f"""\
examples:
  {PROG} explain '{_EXAMPLE_SEED}'
  {PROG} explain --format json 'x-oss-async-process=audio/convert,f_mp3,ar_44100'

exit status: 0 valid (warnings allowed), 1 errors, 2 usage
"""


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError("the number of processes cannot be negative")
    return jobs or os.cpu_count() or 1


def _batch_options(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument("inputs", nargs="*", metavar="DIRECTIVE", help="directives; '-' or none: read standard input, one per line")
    parser.add_argument("--files", action="store_true", help="the arguments are files of directives, one per line ('-': standard input)")
    parser.add_argument("--format", choices=formats, default="text", help="output format (default: text)")
    parser.add_argument("--mode", choices=("async", "sync"), help="check for x-oss-async-process or x-oss-process")
    parser.add_argument(
        "--jobs", "-j", type=_jobs, default=1, metavar="N", help="processes for a batch, output in input order (0: one per core; default 1)"
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour diagnostics (default: on a terminal, unless NO_COLOR is set)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Lint, canonicalize and explain Alibaba Cloud OSS data-processing directives.",
        epilog=f"example:\n  {PROG} lint 'audio/convert,f_aac|sys/saveas,o_ZGVzdC5hYWM'\n\nrun '{PROG} COMMAND --help' for each command",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    lint_parser = commands.add_parser("lint", help="report every problem in directives", epilog=_LINT_EXAMPLES, formatter_class=raw)
    lint_parser.description = "Report every problem in directives: located, with the input, a caret line and a hint."
    _batch_options(lint_parser, ("text", "json", "jsonl", "github"))
    lint_parser.add_argument("--strict", action="store_true", help="warnings fail too (exit status 1)")
    lint_parser.add_argument("--fix", action="store_true", help="print the input with every safe fix applied; problems left go to stderr")

    canon_parser = commands.add_parser("canon", help="print the canonical form of directives", epilog=_CANON_EXAMPLES, formatter_class=raw)
    canon_parser.description = "Print the canonical form of each directive: one string per meaning."
    _batch_options(canon_parser, ("text", "json", "jsonl"))

    explain_parser = commands.add_parser(
        "explain", help="break a directive down, parameter by parameter", epilog=_EXPLAIN_EXAMPLES, formatter_class=raw
    )
    explain_parser.description = "Break a directive down: stages, actions, each parameter's meaning, value and default."
    explain_parser.add_argument("directive", metavar="DIRECTIVE", help="a directive or form field; '-': the first line of standard input")
    explain_parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    explain_parser.add_argument("--mode", choices=("async", "sync"), help="check for x-oss-async-process or x-oss-process")
    explain_parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour diagnostics")
    return parser


_COMMANDS = {"lint": command_lint, "canon": command_canon, "explain": command_explain}


def _prepare(stream: TextIO) -> None:
    # Lines that are not UTF-8 are printed back byte for byte (--fix, JSON input echoes
    # are escaped anyway); anything else a terminal cannot show is escaped, not fatal.
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        utf8 = (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8"
        reconfigure(errors="surrogateescape" if utf8 else "backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_usage(sys.stderr)
            sys.stderr.write(f"{PROG}: error: a command is required: lint, canon or explain\n")
            return 2
        if getattr(args, "fix", False) and args.format != "text":
            parser.exit(2, f"{PROG} lint: error: --fix prints text: it cannot be combined with --format {args.format}\n")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    out, err = sys.stdout, sys.stderr
    _prepare(out)
    _prepare(err)
    stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else _text_as_bytes(sys.stdin)
    try:
        status = _COMMANDS[args.command](args, out, err, stdin)
        out.flush()
        return status
    except KeyboardInterrupt:
        err.write(f"\n{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining
        # when it flushes stdout on exit.
        _silence(out)
        return 141
    except Exception as error:  # noqa: BLE001 - a bug: one line that says where, no traceback
        import traceback

        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{os.path.basename(frame.filename)}:{frame.lineno}"
        err.write(f"{PROG}: internal error ({type(error).__name__}: {error}) at {where}; please report it\n")
        return 3


def _silence(stream: TextIO) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _text_as_bytes(stream: TextIO) -> IO[bytes]:
    """A binary view of a text stream without one (a test's StringIO)."""
    import io

    return io.BytesIO(stream.read().encode("utf-8", "surrogateescape"))
