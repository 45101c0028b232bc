"""Which files a scan reads, and reading one: ``git ls-files`` inside a repository (new
untracked files included, ignored ones not), a walk with the ``.gitignore`` files read
by ``pathspec`` outside one; never a link out of the tree, a device or a huge file."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from oss_process.errors import DirectiveError

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

__all__ = ["BINARY_PROBE", "MAX_FILE_BYTES", "Entry", "ScanError", "files", "read"]

#: Files larger than this are skipped (minified bundles, data dumps).
MAX_FILE_BYTES = 10 * 1024 * 1024
#: A NUL byte among the first bytes makes a file binary (git's test).
BINARY_PROBE = 8000

# What a file's bytes must hold to be read further (as _lexer.has_needle, on bytes).
_SLASH_BYTES = re.compile(
    b"/(?:"
    + b"|".join(
        b"(?<=%s/)|(?<=%s\\\\/)" % (word, word) for word in (b"image", b"video", b"audio", b"doc", b"hls", b"csv", b"json", b"style")
    )
    + b")"
)


class ScanError(DirectiveError):
    """A scan cannot start: a path that does not exist, a missing extra, a bad setting."""


class Entry(NamedTuple):
    shown: str  # the path reported: relative to the current directory when under it, '/'-separated
    path: str  # the path opened
    root: str  # the tree it was found in: nothing outside it is read


def _shown(path: str) -> str:
    if os.sep == "/" and not path.startswith(("/", ".")) and "/." not in path and "//" not in path:
        return path  # as git lists it: relative, normal already
    if not os.path.isabs(path) and not path.startswith(".."):
        shown = os.path.normpath(path)  # relative to here already: no system call
    else:
        relative = os.path.relpath(path)
        shown = path if relative.startswith("..") else relative
    return shown.replace(os.sep, "/")


def _git(directory: str, *arguments: str) -> list[str] | None:
    """The paths ``git ls-files`` lists under ``directory``, or None outside a repository
    or without git."""
    try:
        listed = subprocess.run(
            ["git", "-C", directory, "ls-files", "-z", *arguments, "--", "."], capture_output=True, check=False, timeout=120
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    return [name for name in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if name]


def _git_files(directory: str) -> list[str] | None:
    """The files git lists under ``directory``: tracked and untracked, not ignored, not
    deleted from the work tree (asked of git, not of the file system: no call per file)."""
    names = _git(directory, "--cached", "--others", "--exclude-standard", "--deduplicate")
    if names is None:
        return None
    deleted = set(_git(directory, "--deleted") or ())
    if directory in (".", "./"):
        return [name for name in names if name not in deleted]
    return [os.path.join(directory, name) for name in names if name not in deleted]


def _pathspec() -> type[GitIgnoreSpec]:
    try:
        from pathspec import GitIgnoreSpec
    except ImportError:
        raise ScanError(
            (), message="scanning outside a git repository reads .gitignore with pathspec: pip install 'oss-process[scan]'"
        ) from None
    return GitIgnoreSpec


def _walked(directory: str) -> Iterator[str]:
    """Files under ``directory``, each directory's .gitignore applied to what is below it."""
    ignores: list[tuple[str, GitIgnoreSpec]] = []
    for current, subdirectories, names in os.walk(directory):
        ignores = [(base, spec) for base, spec in ignores if current == base or current.startswith(base + os.sep)]
        if ".gitignore" in names:
            try:
                with open(os.path.join(current, ".gitignore"), encoding="utf-8", errors="replace") as stream:
                    ignores.append((current, _pathspec().from_lines(stream.read().splitlines())))
            except OSError:
                pass

        def ignored(name: str, is_dir: bool, here: str = current, ignores: list[tuple[str, GitIgnoreSpec]] = ignores) -> bool:
            full = os.path.join(here, name)
            for base, spec in ignores:
                relative = os.path.relpath(full, base).replace(os.sep, "/")
                if spec.match_file(relative + ("/" if is_dir else "")):
                    return True
            return False

        subdirectories[:] = sorted(d for d in subdirectories if d != ".git" and not ignored(d, True))
        for name in sorted(names):
            if not ignored(name, False):
                yield os.path.join(current, name)


def files(paths: Sequence[str], exclude: GitIgnoreSpec | None = None, exclude_base: str = ".") -> Iterator[Entry]:
    """The files to read for ``paths`` (files as given, directories walked), in order,
    each once. ``exclude`` (gitignore patterns, relative to ``exclude_base``) takes files
    out, named or found."""
    seen: set[str] = set()

    def excluded(path: str) -> bool:
        if exclude is None:
            return False
        relative = os.path.relpath(os.path.abspath(path), exclude_base).replace(os.sep, "/")
        return not relative.startswith("../") and exclude.match_file(relative)

    for given in paths:
        if not os.path.lexists(given):
            raise ScanError((), message=f"{given}: no such file or directory")
        if not os.path.isdir(given) or os.path.islink(given):
            # a file named (as pre-commit names each staged file) is excluded as one found
            root = os.path.dirname(os.path.abspath(given)) or "/"
            if given not in seen and not excluded(given):
                seen.add(given)
                yield Entry(_shown(given), given, root)
            continue
        root = os.path.abspath(given)
        listed = _git_files(given)
        found = sorted(listed if listed is not None else _walked(given))  # path order, as git lists them
        for path in found:
            if path in seen:
                continue
            seen.add(path)
            if not excluded(path):
                yield Entry(_shown(path), path, root)


class Read(NamedTuple):
    text: str | None  # None: skipped, or nothing to look for in it
    skipped: str | None
    size: int


def _inside(path: str, root: str) -> bool:
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
# Opening with O_NOFOLLOW fails on a link (ELOOP, or EMLINK on some systems): only then is
# the link looked at, so a plain file costs no extra system call.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read(entry: Entry, limit: int = MAX_FILE_BYTES) -> Read:
    """A file's text when it may hold a directive; why it is skipped when it cannot be read."""
    path = entry.path
    try:
        try:
            descriptor = os.open(path, _FLAGS | _NOFOLLOW)
        except OSError:
            if not os.path.islink(path):
                raise
            if not _inside(path, entry.root):
                return Read(None, "a symbolic link out of the tree", 0)
            descriptor = os.open(path, _FLAGS)
    except OSError as error:
        return Read(None, f"cannot be read: {error.strerror or error}", 0)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return Read(None, "not a regular file", 0)
        if status.st_size > limit:
            return Read(None, f"larger than {limit:,} bytes", status.st_size)
        # what the file holds when looked at: asking for the limit would allocate that
        # much for every file, and a file that grows meanwhile is read as it was
        wanted = status.st_size
        parts: list[bytes] = []
        total = 0
        while total < wanted:
            part = os.read(descriptor, wanted - total)
            if not part:
                break
            parts.append(part)
            total += len(part)
        data = parts[0] if len(parts) == 1 else b"".join(parts)  # b"" for an empty file
    except OSError as error:
        return Read(None, f"cannot be read: {error.strerror or error}", 0)
    finally:
        os.close(descriptor)
    if data.find(b"\0", 0, BINARY_PROBE) >= 0:
        return Read(None, "binary", len(data))
    if data.find(b"x-oss-") < 0 and _SLASH_BYTES.search(data) is None:
        return Read(None, None, len(data))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return Read(None, f"not UTF-8 (byte {data[error.start]:#04x} at offset {error.start:,})", len(data))
    return Read(text, None, len(data))
