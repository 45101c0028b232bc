"""Fast paths: one regular expression and one generated function per recurring shape.

``match(text)`` matches the directives of a plan's shape whose every value is spelled as
its kind's clean spelling (the shape's literal text, with a group per value);
``run(match.groups(), source)`` returns the canonical string when nothing at all would
be reported. Either gives None otherwise, and the caller takes the plan's full path.

``run`` is generated from the plan, as ``dataclasses`` generates methods: a straight-line
function with each kind's check inlined (:mod:`.quick`), no loop over tables. Its source
is registered with :mod:`linecache`, so tracebacks, profilers and coverage show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import NamedTuple

from ..source import Source
from .plan import Plan, threaded_quiet
from .quick import Namespace, define, lexical, quick_source

__all__ = ["FastPath", "compile_fast"]


class FastPath(NamedTuple):
    match: Callable[[str], re.Match[str] | None]
    run: Callable[[Sequence[str], Source | None], str | None]


def _name(key: str) -> str:
    return re.sub(r"\W", "_", key)


def _tuple(names: Iterable[str]) -> str:
    items = list(names)
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _escaped(text: str) -> str:
    """``text`` as literal text of an f-string."""
    return text.replace("{", "{{").replace("}", "}}")


def compile_fast(plan: Plan, shape: str) -> FastPath:
    """The :class:`FastPath` of a plan without findings, for the ``shape`` (a directive
    with its values cut out after their keys' ``_``) the plan was compiled from.

    A template is only searched for variables its producer does not set; a false alarm
    there (an escaped ``{{index}}``) merely takes the full path.
    """
    assert plan.fast
    rows = plan.shape.rows
    namespace = Namespace()
    bind = namespace.bind
    literals = shape.split("_")
    assert len(literals) == len(rows) + 1, shape
    pattern = re.escape(literals[0])
    lines = []
    texts = [f"text{i}" for i in range(len(rows))]
    if texts:
        lines.append(f"{', '.join(texts)}{',' if len(texts) == 1 else ''} = texts")
    for i, (row, literal) in enumerate(zip(rows, literals[1:], strict=True)):
        assert row is not None
        pattern += f"_({lexical(row.kind)}){re.escape(literal)}"
        lines.append(f"# {row.key}: {row.kind.describe()}")
        lines.append(quick_source(row.kind, texts[i], f"value{i}", namespace))
    if plan.shape.threads and plan.rule_checks:
        # The source as each action receives it: every value, through the plan's rules at once.
        every = _tuple(f"value{i}" for i in range(len(rows))) if rows else "()"
        lines.append(f"if source is not None and not {bind(partial(threaded_quiet, plan), 'threaded_quiet')}({every}, source):")
        lines.append("    return None")
    for rule_check in plan.rule_checks:
        quiet = bind(rule_check.quiet, "rules_quiet")
        sourceless = _tuple(f"value{i}" for i in rule_check.reads_sourceless)
        sourced = _tuple(f"value{i}" for i in rule_check.reads)
        lines.append("if source is None:")
        lines.append(f"    if not {quiet}({sourceless}, None):")
        lines.append("        return None")
        if not plan.shape.threads:
            lines.append(f"elif not {quiet}({sourced}, source):")
            lines.append("    return None")
    for where, search in plan.unset_searches:
        if search is not None:
            value = f"value{where.parameter}"
            lines.append(f"if '{{' in {value} and {bind(search, 'uses_unset_variable')}({value}):")
            lines.append("    return None")
    pieces = []
    for item in plan.program:
        if isinstance(item, str):
            pieces.append(_escaped(item))
            continue
        index, before, default = item
        if default is None:
            pieces.append(_escaped(before) + "{" + texts[index] + "}")
        else:
            key = _name(before.strip(",_"))
            written = f"{bind(before, key.upper() + '_PREFIX')} + {texts[index]}"
            pieces.append("{" + f"'' if {texts[index]} == {bind(default, key.upper() + '_DEFAULT')} else {written}" + "}")
    lines.append("return f" + repr("".join(pieces)))
    run = define("fast(texts, source)", "\n".join(lines), namespace, f"the fast path of {shape[:100]!r}")
    return FastPath(re.compile(pattern).fullmatch, run)  # type: ignore[arg-type]
