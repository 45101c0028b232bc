"""The golden corpus (``<category>/<action>/{valid,invalid}.tsv``, ``_directive/``) and the
one place the tests read the catalogue of actions.

:func:`catalogue` is the only function here that knows how ``oss_process.tables`` lays
the catalogue out; adapt it, and only it, when the catalogue changes shape.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    """One action of the catalogue, as the tests need it."""

    category: str | None  # None: a stage of its own ("|notify,...")
    action: str
    modes: frozenset[str]  # "sync", "async"
    table: object | None  # the parameter table, or None when the action is not checked yet
    home: str  # its corpus folder, relative to tests/corpus

    @property
    def name(self) -> str:
        return self.action if self.category is None else f"{self.category}/{self.action}"


def catalogue() -> list[Entry]:
    """Every action the catalogue lists, in its order. A standalone action with the table
    of a categorised one (``notify`` and ``sys/notify``) shares that one's folder."""
    from oss_process.tables import CATEGORIES, STANDALONE

    entries: list[Entry] = []
    homes: dict[int, str] = {}
    for category in CATEGORIES.values():
        for info in category.actions.values():
            home = f"{category.name}/{info.name}"
            if info.spec is not None:
                homes.setdefault(id(info.spec), home)
            entries.append(Entry(category.name, info.name, frozenset(str(m) for m in info.modes), info.spec, home))
    for info in STANDALONE.values():
        home = homes.get(id(info.spec), f"_standalone/{info.name}")
        entries.append(Entry(None, info.name, frozenset(str(m) for m in info.modes), info.spec, home))
    return entries


def tabled_folders() -> set[str]:
    """The corpus folder each action with a parameter table must have."""
    return {entry.home for entry in catalogue() if entry.table is not None}


def untabled(*, category: str | None = None, modes: frozenset[str] | None = None) -> list[Entry]:
    """The categorised actions without a table (optionally of one category, or running in
    exactly ``modes``): lint reports them as not checked (W102)."""
    return [
        entry
        for entry in catalogue()
        if entry.table is None
        and entry.category is not None
        and (category is None or entry.category == category)
        and (modes is None or entry.modes == modes)
    ]


def unchecked_sync_action() -> str:
    """A sync-only action without a parameter table, picked from the catalogue: lint takes
    any parameters on it and warns W102 (not checked). Skips the test when none is left."""
    import pytest

    entries = untabled(modes=frozenset({"sync"}))
    if not entries:
        pytest.skip("every sync-only action has a parameter table: none is left that lint reports as W102")
    return entries[0].name
