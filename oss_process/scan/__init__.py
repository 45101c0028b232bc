"""Find the directives embedded in a code base and lint them.

>>> from oss_process.scan import scan_text
>>> [finding] = scan_text('url = base + "?x-oss-process=image/resize,w_0"', "app.py")
>>> finding.directive, [(p.diagnostic.code, p.place.line, p.place.column) for p in finding.problems]
('image/resize,w_0', [('E206', 1, 45)])

A directive is found as the value of ``x-oss-process=`` or ``x-oss-async-process=`` (in
a URL or a form field, percent-decoded; the mode from the name), and as a string literal
that starts with a known ``category/action`` or ``style/``. docs/scan.md says what is
recognised in each language, and how placeholders of templates are read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from oss_process._settings import Settings, SettingsError, code_prefixes, find_settings, load_settings
from oss_process.tables import Mode

from ._files import MAX_FILE_BYTES, Entry, ScanError, files, read
from ._find import Codes, find
from ._lexer import LANGUAGES, Syntax, language_of
from ._model import FileReport, Finding, Place, Problem

__all__ = [
    "MAX_FILE_BYTES",
    "Entry",
    "FileReport",
    "Finding",
    "Place",
    "Problem",
    "ScanError",
    "Settings",
    "SettingsError",
    "find_settings",
    "load_settings",
    "scan",
    "scan_file",
    "scan_text",
]

_BY_NAME = {syntax.name: syntax for syntax in LANGUAGES.values()}


def _syntax(path: str, language: str | None) -> Syntax:
    if language is None:
        return language_of(path)
    named = _BY_NAME.get(language) or LANGUAGES.get(language.lower().lstrip("."))
    if named is None:
        known = ", ".join(sorted(_BY_NAME))
        raise ScanError((), message=f"unknown language {language!r}: one of {known}, or a file extension")
    return named


def _mode(mode: Mode | str | None) -> Mode | None:
    if mode is None or isinstance(mode, Mode):
        return mode
    try:
        return Mode(mode)
    except ValueError:
        raise ScanError((), message=f"mode is 'async' or 'sync', not {mode!r}") from None


def scan_text(
    text: str,
    path: str = "<text>",
    *,
    language: str | None = None,
    mode: Mode | str | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> list[Finding]:
    """The directives in ``text``, read as the language of ``path`` (its extension) or
    ``language`` (a name such as ``"python"``, or an extension). ``mode`` is the mode of
    literals whose code does not say it; ``select``/``ignore`` are codes or their prefixes."""
    if not isinstance(text, str):
        raise ScanError((), message=f"scan_text: text is a str, not {type(text).__name__}")
    codes = Codes(code_prefixes(select, "select"), code_prefixes(ignore, "ignore"))
    return find(text, path, _syntax(path, language), codes, _mode(mode))


def _report(entry: Entry, codes: Codes, mode: Mode | None, limit: int) -> FileReport:
    got = read(entry, limit)
    if got.text is None:
        return FileReport(entry.shown, (), got.skipped, got.size)
    return FileReport(entry.shown, tuple(find(got.text, entry.shown, language_of(entry.path), codes, mode)), None, got.size)


def scan_file(
    path: str, *, mode: Mode | str | None = None, select: Iterable[str] = (), ignore: Iterable[str] = (), limit: int = MAX_FILE_BYTES
) -> FileReport:
    """One file: what is found in it, or why it is skipped (binary, too large, not UTF-8,
    not a regular file)."""
    codes = Codes(code_prefixes(select, "select"), code_prefixes(ignore, "ignore"))
    root = os.path.dirname(os.path.abspath(path))
    return _report(Entry(path.replace(os.sep, "/"), path, root), codes, _mode(mode), limit)


class _Work:
    """What each file is scanned with (pickled to the worker processes)."""

    def __init__(self, codes: Codes, mode: Mode | None, limit: int) -> None:
        self.codes, self.mode, self.limit = codes, mode, limit

    def __call__(self, entry: Entry) -> FileReport:
        return _report(entry, self.codes, self.mode, self.limit)


def scan(
    paths: str | Sequence[str] = ".",
    *,
    mode: Mode | str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    settings: Settings | None = None,
    jobs: int = 1,
    limit: int = MAX_FILE_BYTES,
) -> Iterator[FileReport]:
    """A report per file under ``paths`` (directories walked, honouring .gitignore), in
    path order. ``settings`` are the defaults (``find_settings()`` for those of the
    nearest pyproject.toml); each argument given wins over its setting. ``exclude`` are
    gitignore patterns, relative to the settings' directory. ``jobs`` > 1 reads the files
    in that many processes."""
    entries, work = prepare(paths, mode, select, ignore, exclude, settings, limit)
    return mapped(work, entries, jobs)


def prepare(
    paths: str | Sequence[str],
    mode: Mode | str | None,
    select: Iterable[str] | None,
    ignore: Iterable[str] | None,
    exclude: Iterable[str] | None,
    settings: Settings | None,
    limit: int,
) -> tuple[Iterator[Entry], Callable[[Entry], FileReport]]:
    """The files ``scan`` reads and what it does to each (for the command line, which
    does more to each in the same process)."""
    if isinstance(paths, str):
        paths = [paths]
    settings = settings or Settings()
    codes = Codes(
        code_prefixes(settings.select if select is None else select, "select"),
        code_prefixes(settings.ignore if ignore is None else ignore, "ignore"),
    )
    chosen_mode = _mode(mode) if mode is not None else settings.mode
    patterns = tuple(settings.exclude if exclude is None else exclude)
    spec = None
    if patterns:
        from ._files import _pathspec

        spec = _pathspec().from_lines(patterns)
    return files(list(paths), spec, settings.base), _Work(codes, chosen_mode, limit)


_T = TypeVar("_T")


def mapped(work: Callable[[Entry], _T], entries: Iterator[Entry], jobs: int) -> Iterator[_T]:
    """``work`` of each entry, in order; in ``jobs`` processes when more than one
    (``work`` then pickles)."""
    if jobs <= 1:
        for entry in entries:
            yield work(entry)
        return
    import multiprocessing

    listed = list(entries)
    if not listed:
        return
    if multiprocessing.get_start_method() == "fork":
        from ._find import warm

        warm()  # once here, not once in each process
    # Chunks small enough that the processes finish together, large enough that handing
    # them out costs little.
    chunk = max(1, min(256, len(listed) // (jobs * 4)))
    with multiprocessing.Pool(min(jobs, len(listed))) as pool:
        yield from pool.imap(work, listed, chunksize=chunk)
