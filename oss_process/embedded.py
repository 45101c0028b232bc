"""A directive inside a value: the object a watermark draws, with the processing OSS
applies to it first (``image_`` is Base64 of ``logo.png?x-oss-process=image/resize,P_20``).

:class:`ObjectWithProcess` is a name rule for :class:`~oss_process.kinds.Base64Name`: it
checks the object name, and lints the embedded directive against a catalogue of the
actions allowed there, reporting each of its problems as a problem of the outer value,
with the place inside the embedded directive in the message.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple

from .kinds import _CONTROL, Problem, _control_problem, _dot_segment

if TYPE_CHECKING:
    from .tables.model import Catalogue

__all__ = ["ObjectWithProcess"]

_QUERY = "x-oss-process="


class ObjectWithProcess(NamedTuple):
    """An object name, optionally followed by ``?x-oss-process=<directive>``.

    ``catalogue`` is where the catalogue of the embedded directive lives
    (``"module:NAME"``, imported on first use); actions of ``category`` named in
    ``refused`` are errors (OSS documents refusing them); any other action not in
    ``allowed``, of any category, is a warning (not documented there), and so is a query
    other than ``x-oss-process``.
    """

    what: str
    catalogue: str
    category: str
    allowed: tuple[str, ...]
    refused: tuple[str, ...]

    @property
    def allows_templates(self) -> bool:
        return False

    def describe(self) -> str:
        return f"an object name, optionally with ?{_QUERY}<{', '.join(self.allowed)}>"

    def _catalogue(self) -> Catalogue:
        module, _, attribute = self.catalogue.partition(":")
        found: Catalogue = getattr(import_module(module), attribute)
        return found

    def clean(self, name: str) -> bool:
        """Whether ``check`` finds nothing, for a name without processing (the fast path's
        test; a name with a query is left to ``check``)."""
        return "?" not in name and _key_clean(name)

    def check(self, name: str) -> list[Problem]:
        key, question, query = name.partition("?")
        problems = _key_problems(key, self.what)
        if not question:
            return problems
        if not query.startswith(_QUERY):
            problems.append(
                Problem(
                    "W315",
                    f"the {self.what} has the query {query[:40]!r}: only {_QUERY}<processing> is documented there",
                    "OSS may read it as part of the object's name",
                )
            )
            return problems
        problems.extend(self._embedded(query[len(_QUERY) :]))
        return problems

    def _embedded(self, directive: str) -> list[Problem]:
        from . import _api
        from .errors import DirectiveError

        where = f"in its {_QUERY}{directive[:60]!r}"
        if not directive:
            return [Problem("W315", f"{where}: the processing is empty", f"remove the '?{_QUERY}'")]
        catalogue = self._catalogue()
        problems: list[Problem] = []
        placed: list[tuple[int, Problem]] = []
        try:
            tree = _api.parse(directive)
        except DirectiveError:
            tree = None
        refused_at: set[int] = set()
        if tree is not None:
            for stage in tree.stages:
                for action in stage.actions:
                    label = f"{stage.category}/{action.name}" if stage.category else action.name
                    column = action.span.start + 1
                    if stage.category == self.category and action.name in self.refused:
                        refused_at.add(action.span.start)
                        placed.append((column, Problem("E314", f"{where}, at column {column}: {label} is not allowed in a {self.what}")))
                    elif stage.category != self.category or action.name not in self.allowed:
                        placed.append(
                            (
                                column,
                                Problem(
                                    "W315",
                                    f"{where}, at column {column}: {label} is not documented in a {self.what}",
                                    "documented there: " + ", ".join(self.allowed),
                                ),
                            )
                        )
        for diagnostic in _api.lint(directive, mode="sync", catalogue=catalogue):
            span = diagnostic.span
            if diagnostic.code == "W102" or (span.start in refused_at and diagnostic.code in ("E100", "E101")):
                continue  # said above, as not allowed here
            column = span.start + 1
            placed.append((column, Problem(diagnostic.code, f"{where}, at column {column}: {diagnostic.message}", diagnostic.hint)))
        placed.sort(key=lambda found: found[0])
        problems.extend(problem for _, problem in placed)
        return problems


def _key_clean(key: str) -> bool:
    """Whether ``_key_problems`` finds nothing."""
    ascii_only = key.isascii()
    size = len(key) if ascii_only else len(key.encode("utf-8"))
    no_control = key.isprintable() if ascii_only else _CONTROL.search(key) is None
    return 0 < size <= 1023 and key[0] not in "/\\" and not _dot_segment(key) and no_control


def _key_problems(key: str, what: str) -> list[Problem]:
    """Problems of the object name a value names (no template variables here)."""
    size = len(key.encode("utf-8"))
    if not key:
        return [Problem("E304", f"the {what} names no object", "encode the object's name, as in Base64 of 'logo.png'")]
    problems = []
    if size > 1023:
        problems.append(Problem("E304", f"the object name is {size} bytes long; the limit is 1023"))
    if key[0] in "/\\":
        problems.append(Problem("E304", f"the object name {key[:60]!r} starts with {key[0]!r}", "remove the leading slash"))
    if _dot_segment(key):
        problems.append(Problem("E306", f"the object name {key[:60]!r} has a '.' or '..' segment"))
    control = _control_problem(key, "object name")
    if control is not None:
        problems.append(control)
    return problems
