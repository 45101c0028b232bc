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
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import NamedTuple

from .._syntax import RawDirective
from ..kinds import Checked, Problem
from ..source import Source
from ..tables import ParamSpec
from ..validation import saved_name_quiet
from .cache import CACHE
from .plan import Locator, Plan, check_value, threaded_quiet
from .quick import Namespace, define, lexical, quick_source

__all__ = ["FastPath", "compile_fast"]


#: Where a place of the directive is, for any text of one shape: (g, delta) is ``delta``
#: characters after the end of the pattern's group g (0: after the start of the text).
Anchor = tuple[int, int]
#: What the generated function gives when there is something to report: the canonical text,
#: (group, problems) of each value whose check found warnings, and (rule check, reported).
Warned = tuple[
    str, "list[tuple[int, tuple[Problem, ...]]] | None", "list[tuple[int, tuple[tuple[str, str, str | None, str | None], ...]]] | None"
]


class FastPath(NamedTuple):
    match: Callable[[str], re.Match[str] | None]
    #: The canonical text when nothing is reported; else ``Warned``; None for the full path.
    run: Callable[[Sequence[str], Source | None], str | Warned | None]
    keys: tuple[str, ...]  # per group: the key of its parameter, which its messages name
    #: The shape's own findings (all warnings): code, message, hint, start and end.
    findings: tuple[tuple[str, str, str | None, Anchor, Anchor], ...]
    #: Per rule check of the plan: where its rules report, by key (None: at the action).
    rule_places: tuple[dict[str | None, tuple[Anchor, Anchor]], ...]


def _anchors(raw: RawDirective) -> Callable[[int], Anchor]:
    """The anchor of a position of ``raw``'s text, whose values are the pattern's groups."""
    ends = [end for key, _, _, end in Locator(raw).params if key is not None]

    def anchor(position: int) -> Anchor:
        group = bisect_right(ends, position)
        return (group, position - (ends[group - 1] if group else 0))

    return anchor


def _by_kind(row: ParamSpec, text: str, group: int, warned: list[object] | None) -> tuple[object, str, list[object] | None]:
    """A value by its kind's own check (remembered): its typed value, its canonical text
    and the warnings so far with its own, (group, problems); raises ``_Refused`` when the
    check finds an error."""
    checked: Checked = CACHE.values.get((row, text)) or check_value(row, text)  # type: ignore[assignment]
    value, canonical, problems = checked
    if value is None:
        raise _Refused
    if problems:
        warned = [*(warned or ()), (group, problems)]
    return value, canonical, warned


class _Refused(Exception):
    """A value its kind's check refuses: the fast path gives up, the full path says why."""


class _Slow(Exception):
    """A value the inlined check does not find clean as written: ask the kind's check.
    Raised as the class, a new instance each time: a raised instance keeps its traceback."""


def _name(key: str) -> str:
    return re.sub(r"\W", "_", key)


def _tuple(names: Iterable[str]) -> str:
    items = list(names)
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _escaped(text: str) -> str:
    """``text`` as literal text of an f-string."""
    return text.replace("{", "{{").replace("}", "}}")


def compile_fast(plan: Plan, shape: str, raw: RawDirective) -> FastPath | None:
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
    assert len(literals) == len(rows) - len(plan.bare) + 1, shape
    pattern = re.escape(literals[0])
    lines = []
    texts = [f"text{i}" for i in range(len(rows))]
    lines.append("warned = None")
    slow, by_kind = bind(_Slow, "_Slow"), bind(_by_kind, "by_kind")
    group = 0  # a keyed parameter's value is a group of the pattern; a bare value is in the shape
    keys: list[str] = []
    quick_lines: list[str] = []
    for i, row in enumerate(rows):
        if i in plan.bare and row is None:  # a bare value no row checks (an action without a table)
            lines.append(f"{texts[i]}, value{i} = {bind(plan.bare[i], 'BARE_TEXT')}, None")
            continue
        if i in plan.bare:
            assert row is not None
            checked = row.check(plan.bare[i])
            if checked.problems or checked.value is None:
                return None  # a bare value that is not clean as written: the full path says why
            lines.append(f"# {row.key} (bare): {row.kind.describe()}")
            lines.append(f"{texts[i]}, value{i} = {bind(checked.canonical, 'BARE_TEXT')}, {bind(checked.value, 'BARE_VALUE')}")
            continue
        literal = literals[group + 1]
        group += 1
        if row is None:  # a keyed value no row checks: printed as written
            pattern += f"_({lexical(None)}){re.escape(literal)}"
            keys.append("")
            quick_lines.append(f"{texts[i]}, value{i} = texts[{group - 1}], None")
            continue
        keys.append(row.key)
        pattern += f"_({lexical(row.kind)}){re.escape(literal)}"
        quick_lines.append(f"# {row.key}: {row.kind.describe()}")
        quick_lines.append(f"{texts[i]} = texts[{group - 1}]")
        # Inlined, the check of a value clean as written; else its kind's own (remembered),
        # whose warnings only join the verdict.
        quick = quick_source(row.kind, texts[i], f"value{i}", namespace).replace("return None", f"raise {slow}")
        quick_lines.append("try:")
        quick_lines.extend("    " + line for line in quick.splitlines())
        quick_lines.append(f"except {slow}:")
        quick_lines.append(f"    value{i}, {texts[i]}, warned = {by_kind}({bind(row, 'ROW')}, {texts[i]}, {group - 1}, warned)")
    if quick_lines:  # a value its kind refuses: the full path says why
        lines.append("try:")
        lines.extend("    " + line for line in quick_lines)
        lines.append(f"except {bind(_Refused, '_Refused')}:")
        lines.append("    return None")
    if plan.shape.threads and plan.rule_checks:
        # The source as each action receives it: every value, through the plan's rules at once.
        every = _tuple(f"value{i}" for i in range(len(rows))) if rows else "()"
        lines.append(f"if source is not None and not {bind(partial(threaded_quiet, plan), 'threaded_quiet')}({every}, source):")
        lines.append("    return None")
    lines.append("emitted = None")
    typed = {i: f"value{i}" for i, row in enumerate(rows) if row is not None}
    for index, rule_check in enumerate(plan.rule_checks):
        reported = bind(rule_check.reported, "rules_reported")
        sourceless = f"{reported}({_tuple(f'value{i}' for i in rule_check.reads_sourceless)}, None)"
        # Inlined, a test that the rules report nothing for these values; else what they
        # report (remembered): warnings join the verdict.
        quiet = rule_check.quiet_source(typed, bind)
        if quiet == "True":
            sourceless = "()"
        elif quiet is not None:
            sourceless = f"(() if {quiet} else {sourceless})"
        sourced = "()" if plan.shape.threads else f"{reported}({_tuple(f'value{i}' for i in rule_check.reads)}, source)"
        if sourceless == sourced == "()":  # nothing to report, whatever the values
            continue
        lines.append(f"found = {sourceless} if source is None else {sourced}")
        lines.append("if found:")
        lines.append("    emitted = emitted or []")
        lines.append(f"    emitted.append(({index}, found))")
    for saved in plan.shape.saved_names:  # a name its producer's rules find fault with: the full path says why
        lines.append(f"if not {bind(partial(saved_name_quiet, saved), 'saved_name_quiet')}(value{saved.parameter}):")
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
    lines.append("canonical = f" + repr("".join(pieces)))
    locate = Locator(raw)
    anchor = _anchors(raw)
    findings = []
    for finding in plan.shape.findings:
        span = locate(finding.at, finding.target)
        findings.append((finding.code, finding.message, finding.hint, anchor(span.start), anchor(span.end)))
    if findings:  # the shape's own warnings: every verdict has them
        lines.append("return (canonical, warned, emitted)")
    else:
        lines.append("return canonical if warned is None and emitted is None else (canonical, warned, emitted)")
    run = define("fast(texts, source)", "\n".join(lines), namespace, f"the fast path of {shape[:100]!r}")
    params = [(anchor(start), anchor(end)) for _, _, start, end in locate.params]
    actions = [(anchor(start), anchor(end)) for _, start, end, _ in locate.actions]
    places = tuple({None: actions[c.check.action_index], **{key: params[i] for key, i in c.check.keys.items()}} for c in plan.rule_checks)
    return FastPath(re.compile(pattern).fullmatch, run, tuple(keys), tuple(findings), places)  # type: ignore[arg-type]
