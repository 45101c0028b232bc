"""Input: the lines of a stream as bytes, never more than ``LINE_BOUND`` of one in memory."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import IO, NamedTuple

from oss_process import MAX_LENGTH

__all__ = ["LINE_BOUND", "Overlong", "RawLine", "Spools", "is_comment_or_blank", "read_lines"]

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


def read_lines(stream: IO[bytes], spools: Spools | None = None) -> Iterator[RawLine]:
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


def is_comment_or_blank(line: RawLine) -> bool:
    if isinstance(line, Overlong):
        return line.head.lstrip().startswith(b"#")
    stripped = line.strip()
    return not stripped or stripped.startswith(b"#")
