"""A typed builder for every directive action that has a parameter table.

    >>> from oss_process.builder import AudioConvert
    >>> str(
    ...     AudioConvert(format="aac", bitrate=96_000, start_ms=10_000, duration_ms=60_000)
    ...     .save_as(bucket="outbucket", object="out.{autoext}")
    ...     .notify(topic="AudioConvert")
    ... )
    'audio/convert,ss_10000,t_60000,f_aac,ab_96000|sys/saveas,b_b3V0YnVja2V0,o_b3V0LnthdXRvZXh0fQ/notify,topic_QXVkaW9Db252ZXJ0'

The classes are generated from the tables in :mod:`oss_process.tables`: one per action
with a table, named by ``ActionSpec.builder_name``, its keywords by ``ParamSpec.keyword``,
their types by the kinds, and a chaining method (``save_as``, ``notify``) per action whose
role is to save or notify. The validator checks what is built, exactly as it checks a
parsed directive. For the built-in catalogue the generated source is checked in as
``oss_process/_steps.py``, so that ``mypy`` sees the ``Literal`` types; regenerate it with
``python -m oss_process.builder --write`` after changing a table (a test fails until then).
:func:`step_class` gives the class of an action of any catalogue, made at run time from
the same generator.

:meth:`BuiltDirective.from_tree` turns any valid tree of one processing action and the
steps after it back into a built directive, whose ``repr`` is the builder code; other
trees raise :class:`UnsupportedDirectiveError`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._build import BitrateOption, UnsupportedDirectiveError, source, step_classes
from ._steps import *  # noqa: F403  # every generated class and type is public here
from ._steps import AudioConvertBitDepth as BitDepth
from ._steps import AudioConvertFormat as AudioFormat
from ._steps import AudioConvertSampleRate as SampleRate
from ._steps import __all__ as _generated
from .tables import BUILTIN, Catalogue

# The generated classes and their types, and the names these types had before the tables named them.
__all__ = [*_generated, "AudioFormat", "BitDepth", "BitrateOption", "SampleRate", "UnsupportedDirectiveError", "step_class"]


def step_class(category: str | None, action: str, *, catalogue: Catalogue = BUILTIN) -> type[Any]:
    """The builder class of ``category/action`` (category None: a standalone action such
    as ``notify``) in ``catalogue``, which must have a table for it.

    A processing action's class is a :class:`BuiltDirective`: call it with the keywords
    to build a directive, and chain ``.save_as(...)`` and the like. For the built-in
    catalogue this is the checked-in class (``step_class("audio", "convert") is
    AudioConvert``); for another it is generated from that catalogue's tables on first use,
    and its values are checked against that catalogue. Its static type is ``type[Any]``:
    only the built-in classes are known to type checkers.
    """
    info = catalogue.lookup(category, action)
    label = action if category is None else f"{category}/{action}"
    if info is None or not info.has_table:
        raise LookupError(f"{label} has no parameter table in the catalogue, so it has no builder class")
    return step_classes(catalogue).by_info[info]


_STEPS_FILE = Path(__file__).with_name("_steps.py")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m oss_process.builder --write``: regenerate ``oss_process/_steps.py``
    from the tables; ``--check`` only says whether it is current."""
    parser = argparse.ArgumentParser(prog="python -m oss_process.builder", description=main.__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="write oss_process/_steps.py")
    group.add_argument("--check", action="store_true", help="exit 1 when oss_process/_steps.py is not what the tables give")
    options = parser.parse_args(argv)
    expected = source(BUILTIN)
    current = _STEPS_FILE.read_text(encoding="utf-8") if _STEPS_FILE.exists() else None
    if options.check:
        if current != expected:
            print(f"{_STEPS_FILE} is out of date: run python -m oss_process.builder --write", file=sys.stderr)
            return 1
        return 0
    if current != expected:
        _STEPS_FILE.write_text(expected, encoding="utf-8")
        print(f"wrote {_STEPS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
