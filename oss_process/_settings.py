"""``[tool.oss-process]`` in ``pyproject.toml``: the defaults of ``scan`` and ``lint``
(mode, selected and ignored codes, excluded paths), read from the nearest file that has
the table; and the codes ``--select`` and ``--ignore`` name."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, NamedTuple

from ._suggest import did_you_mean
from .diagnostics import CODES
from .errors import DirectiveError
from .tables import Mode

__all__ = ["KEYS", "Settings", "SettingsError", "code_prefixes", "find_settings", "load_settings", "wanted"]

TABLE = "tool.oss-process"
#: The keys the table may hold.
KEYS = ("mode", "select", "ignore", "exclude")


class SettingsError(DirectiveError):
    """Settings that cannot be used: a bad ``[tool.oss-process]`` table, an unknown code."""


class Settings(NamedTuple):
    mode: Mode | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # gitignore patterns, relative to ``base``
    base: str = "."  # the directory of the file they were read from
    path: str | None = None  # that file; None: no settings were found


def code_prefixes(values: Iterable[str], where: str) -> tuple[str, ...]:
    """Codes or code prefixes (``W3``, ``E206``), each checked to name some code."""
    found = []
    for value in values:
        prefix = value.strip().upper()
        if not prefix:
            continue
        if not any(code.startswith(prefix) for code in CODES):
            hint = did_you_mean(prefix, CODES)
            raise SettingsError((), message=f"{where}: {value!r} is not a code or the start of one{f'; {hint}' if hint else ''}")
        found.append(prefix)
    return tuple(found)


def wanted(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """Whether ``code`` is reported: it starts with a prefix of ``select`` (any, when
    empty) and with none of ``ignore``."""
    if select and not code.startswith(select):
        return False
    return not (ignore and code.startswith(ignore))


def _toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            needs = "pip install 'oss-process[scan]'"
            raise SettingsError((), message=f"{path}: reading [{TABLE}] on Python 3.10 needs tomli: {needs}") from None
    try:
        with open(path, "rb") as stream:
            loaded: dict[str, Any] = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError((), message=f"{path}: cannot be read: {error}") from None
    return loaded


def load_settings(path: str) -> Settings:
    """The settings of one pyproject.toml (empty when it has no ``[tool.oss-process]``)."""
    table = _toml(path).get("tool", {}).get("oss-process")
    if table is None:
        return Settings(path=None)
    where = f"{path}: [{TABLE}]"
    if not isinstance(table, dict):
        raise SettingsError((), message=f"{where} is not a table")
    for key in table:
        if key not in KEYS:
            hint = did_you_mean(key, KEYS)
            raise SettingsError((), message=f"{where}: unknown key {key!r}{f'; {hint}' if hint else ''} (keys: {', '.join(KEYS)})")
    mode = table.get("mode")
    if mode is not None and mode not in ("async", "sync"):
        raise SettingsError((), message=f"{where}: mode is 'async' or 'sync', not {mode!r}")
    lists = {}
    for key in ("select", "ignore", "exclude"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise SettingsError((), message=f"{where}: {key} is a list of strings")
        lists[key] = value
    return Settings(
        Mode(mode) if mode else None,
        code_prefixes(lists["select"], f"{where} select"),
        code_prefixes(lists["ignore"], f"{where} ignore"),
        tuple(lists["exclude"]),
        os.path.dirname(os.path.abspath(path)),
        path,
    )


def find_settings(start: str = ".") -> Settings:
    """The settings of the nearest pyproject.toml with a ``[tool.oss-process]`` table, in
    ``start`` or a directory above it; none found: the defaults."""
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            try:
                with open(candidate, encoding="utf-8", errors="replace") as stream:
                    holds = TABLE in stream.read()  # parsed only when it may hold the table
            except OSError:
                holds = False
            if holds:
                settings = load_settings(candidate)
                if settings.path is not None:
                    return settings
        parent = os.path.dirname(directory)
        if parent == directory:
            return Settings()
        directory = parent
