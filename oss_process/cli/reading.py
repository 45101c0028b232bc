"""Input: the lines of a stream as bytes, never more than ``LINE_BOUND`` of one in memory,
one at a time (:func:`read_lines`) or as blocks of whole lines (:func:`read_blocks`)."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import IO, NamedTuple, Protocol

from oss_process import MAX_LENGTH

__all__ = [
    "COMMENT_OR_BLANK_STARTS",
    "COMMENT_OR_BLANK_STARTS_TEXT",
    "LINE_BOUND",
    "Overlong",
    "RawLine",
    "Spools",
    "block_lines",
    "is_comment_or_blank",
    "read_blocks",
    "read_lines",
    "without_bom",
]

#: The most bytes of one line held in memory. A UTF-8 character takes at most 4 bytes,
#: so a longer line has more than MAX_LENGTH characters (and a form field that decodes
#: to fewer holds non-ASCII, an error anyway): it is reported (E001) from its first
#: chunk and a count of the rest.
LINE_BOUND = 4 * MAX_LENGTH + 64

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


class Spools:
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


class _Readable(Protocol):
    def readline(self, size: int, /) -> bytes: ...


def read_lines(stream: _Readable, spools: Spools | None = None) -> Iterator[RawLine]:
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


class _Prefixed:
    """``prefix``, then the rest of ``stream``, to ``readline`` as one stream."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self.prefix = io.BytesIO(prefix)
        self.stream = stream

    def readline(self, size: int) -> bytes:
        line = self.prefix.readline(size)
        if len(line) < size and not line.endswith(b"\n"):  # the prefix ran out within the line
            line += self.stream.readline(size - len(line))
        return line

    def left(self) -> bytes:
        return self.prefix.read()


def read_blocks(stream: IO[bytes], size: int, spools: Spools | None = None, first: int | None = None) -> Iterator[bytes | Overlong]:
    """The lines of :func:`read_lines`, read ``first`` bytes at a time (by default ``size``),
    twice as many at each read up to ``size``: runs of lines as blocks of bytes, each line
    with its terminator (the last one of the stream may have none), and each over-long line
    on its own, as :func:`read_lines` gives it.

    A stream that may wait for its next line (a pipe) gives what it holds, not ``size``
    bytes, so no line waits for the ones after it.
    """
    read = getattr(stream, "read1", stream.read)
    want = first or size
    data = b""
    ended = False
    while not ended or data:
        if not ended:
            more = read(want)
            want = min(2 * want, size)
            ended = not more
            data = data + more if data else more
        # Whole lines only; at the end, the last one too, terminated or not.
        end = len(data) if ended else data.rfind(b"\n") + 1
        if len(data) - end < LINE_BOUND and _short_lines(data, end):
            if end:
                yield data[:end]
            data = data[end:]
            continue
        # An over-long line: those before it as a block, then it from read_lines.
        start = _overlong_start(data)
        if start:
            yield data[:start]
        rest = _Prefixed(data[start:], stream)
        yield next(read_lines(rest, spools))
        data = rest.left()


# A run of LINE_BOUND bytes without a line break covers one of these aligned windows whole.
_WINDOW = LINE_BOUND // 2


def _short_lines(data: bytes, end: int) -> bool:
    """True when every line of ``data[:end]`` has fewer than ``LINE_BOUND`` bytes before its end."""
    if all(data.find(b"\n", start, start + _WINDOW) >= 0 for start in range(0, end - _WINDOW + 1, _WINDOW)):
        return True  # a line break in every window: a few searches, not a split
    return max(map(len, data[:end].split(b"\n"))) < LINE_BOUND


def block_lines(data: bytes) -> list[bytes]:
    """The lines of a block of :func:`read_blocks`, without their terminators, as
    :func:`read_lines` gives them."""
    lines = data.split(b"\n")
    last = lines.pop()  # what follows the last line break: nothing, or a line without one
    if b"\r" in data:
        lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    if last or not lines:
        lines.append(last)
    return lines


def _overlong_start(data: bytes) -> int:
    """Where the first line of ``data`` with ``LINE_BOUND`` bytes or more before its end starts."""
    start = 0
    while True:
        end = data.find(b"\n", start)
        if (len(data) if end < 0 else end) - start >= LINE_BOUND:
            return start
        start = end + 1


_BOM = b"\xef\xbb\xbf"  # UTF-8's byte order mark


def without_bom(first: bytes) -> bytes:
    """The first line of a stream without the byte order mark editors write: it is no part
    of the first directive."""
    return first[len(_BOM) :] if first.startswith(_BOM) else first


# The first bytes a comment or blank line can start with (bytes.strip's whitespace, '#').
COMMENT_OR_BLANK_STARTS = frozenset([b"", b"#", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c"])
COMMENT_OR_BLANK_STARTS_TEXT = frozenset(start.decode() for start in COMMENT_OR_BLANK_STARTS)


def is_comment_or_blank(line: RawLine) -> bool:
    if isinstance(line, Overlong):
        return line.head.lstrip().startswith(b"#")
    stripped = line.strip()
    return not stripped or stripped.startswith(b"#")
