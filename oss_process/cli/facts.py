"""What the command line knows of the input object: ``--source NAME=VALUE,...`` and
``--source-file PATH``, made into one :class:`~oss_process.Source` for every check."""

from __future__ import annotations

import argparse

from oss_process import Source
from oss_process._suggest import did_you_mean
from oss_process.tables import BUILTIN

__all__ = ["given_source", "source_facts"]


def source_facts(text: str) -> dict[str, int | str]:
    """The facts of one ``--source`` (``width=1920,height=1080,format=png``), each checked
    against the field the catalogue declares; a bad one is a usage error (exit status 2)."""
    fields = BUILTIN.source_fields
    declared = ", ".join(fields)
    facts: dict[str, int | str] = {}
    for item in text.split(","):
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise argparse.ArgumentTypeError(f"{item!r} is not NAME=VALUE (fields: {declared})")
        field = fields.get(name)
        if field is None:
            hint = did_you_mean(name, fields)
            raise argparse.ArgumentTypeError(f"unknown source field {name!r}{f': {hint}' if hint else ''} (fields: {declared})")
        if name in facts:
            raise argparse.ArgumentTypeError(f"source field {name!r} is given twice")
        if field.type is int:
            # ASCII digits only, as in a directive: int() would also take '1_000' or '+5'.
            if not (value.isascii() and value.isdigit()) or int(value) == 0:
                unit = f" ({field.unit})" if field.unit else ""
                raise argparse.ArgumentTypeError(f"{name} must be a positive whole number{unit}, not {value!r}")
            facts[name] = int(value)
        else:
            if not value:
                raise argparse.ArgumentTypeError(f"{name} must not be empty")
            facts[name] = value
    return facts


def given_source(args: argparse.Namespace) -> Source | None:
    """The source the checks read: the facts of ``--source-file``, then those of each
    ``--source`` (the last given of a field wins); None when neither is given.

    Raises :class:`~oss_process.MissingExtraError` or
    :class:`~oss_process.SourceFileError` for ``--source-file``."""
    path = getattr(args, "source_file", None)
    given = getattr(args, "facts", None) or []
    if path is None and not given:
        return None
    facts: dict[str, int | str] = dict(Source.from_file(path).facts) if path is not None else {}
    for more in given:
        facts.update(more)
    return Source(**facts)
