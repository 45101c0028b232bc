"""The generated documentation, from the tables and the code list themselves: the
README's sections (codes, policy, variables) and the whole of ``docs/reference.md`` (the
parameter reference).

``python -m oss_process._docs`` rewrites both in place; a test fails when either differs
from what this prints, so neither holds a second copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .diagnostics import CODES
from .tables import BUILTIN, ActionInfo, Catalogue, ParamSpec, variables
from .tables.policy import POLICY


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(default: str | None, positional: bool) -> str:
    if default is None:
        return ""
    # A bare value is always written: without it the action is another directive.
    return f"`{default}` (kept: a bare value is always written)" if positional else f"`{default}`"


def _known(row: ParamSpec) -> str:
    """How a row is known, and its limits when they are known otherwise."""
    return row.confidence.value if row.bounds.documented else f"{row.confidence.value}, limits {row.bounds.value}"


def _source(text: str | None, confidence: str) -> str:
    return f"{confidence}: {text}" if text else confidence


def _action_section(label: str, info: ActionInfo) -> list[str]:
    spec = info.spec
    assert spec is not None
    modes = " and ".join(sorted(f"`{m.value}`" for m in info.modes))
    lines = [f"### `{label}`", "", f"{spec.summary} Modes: {modes}.", "", f"Sources: {spec.reference}", ""]
    lines.append("| key | required | value | unit | default (canonical form drops it) | when omitted | meaning | known from |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for p in spec.rows:
        # The positional row is written bare (image/rotate,90): its key only names it.
        key = f"bare value ({p.key})" if p is spec.positional else f"`{p.key}`"
        lines.append(
            f"| {key} | {'yes' if p.required else 'no'} | {_cell(p.kind.describe())} | {p.unit or ''} "
            f"| {_default(p.default, p is spec.positional)} | {_cell(p.when_omitted or '')} | {_cell(p.meaning)} "
            f"| {_cell(_source(p.source, _known(p)))} |"
        )
    if spec.rules:
        lines += ["", "Rules across parameters:", ""]
        lines += [f"- {_cell(rule.describe())}" for rule in spec.rules]
    if spec.chain_rules:
        lines += ["", "Its place in the directive:", ""]
        lines += [f"- {_cell(rule.describe())}" for rule in spec.chain_rules]
    if spec.output_variables is not None:
        lines += ["", "Template variables it sets for `sys/saveas`: " + ", ".join(f"`{{{v}}}`" for v in sorted(spec.output_variables))]
    return [*lines, ""]


_REFERENCE_HEAD = """# Parameter reference

Generated from the tables in [`oss_process/tables/`](../oss_process/tables) by
`python -m oss_process._docs`; a test fails when this file and the tables differ.

"Known from" is how each row's facts are known, as `spec/media-actions.md` tags them: DOC
(an official page or error-code page), SDK (official SDK source or samples), EX (seen in
real strings only: using such a row is a warning, W223), INF (inferred). The sources: M, the
2021 mirror of the image pages (`AlibabaCloudDocs/oss`); R, the current resize page; WM, the
current watermark page; BW, the blind-watermark page; EC, an error-code page
(`https://help.aliyun.com/zh/oss/support/<code>`); IMM-BW, IMM's EncodeBlindWatermark API.

"""


def parameter_reference(catalogue: Catalogue = BUILTIN) -> str:
    """Every table of the catalogue; a standalone action that also stands in a category
    (notify: ``|notify,...`` and ``/notify`` after ``sys/saveas``) under its own name."""
    lines: list[str] = []
    standalone = {id(info) for info in catalogue.standalone.values()}
    by_category: dict[str | None, list[tuple[str, ActionInfo]]] = {}
    for label, category, info in catalogue.tabled():
        if id(info) not in standalone:
            by_category.setdefault(category, []).append((label, info))
    for category, entries in by_category.items():
        summary = catalogue.categories[category].summary if category is not None and category in catalogue.categories else ""
        lines += [f"## `{category}`", "", summary, ""] if category else []
        lines += [f"- [`{label}`](#{label.replace('/', '').lower()})" for label, _ in entries]
        lines.append("")
        for label, info in entries:
            lines += _action_section(label, info)
    for name, info in catalogue.standalone.items():
        if info.has_table:
            lines += _action_section(f"{name} (as /{name} after sys/saveas, or as a stage: |{name},...)", info)
    unchecked = [
        f"`{c.name}`: " + ", ".join(a for a, info in c.actions.items() if not info.has_table)
        for c in catalogue.categories.values()
        if any(not info.has_table for info in c.actions.values())
    ]
    lines += ["## Known actions without a table yet", "", "Warning W102, not checked:", ""]
    lines += [f"- {entry}" for entry in unchecked]
    return "\n".join(lines).rstrip() + "\n"


def reference() -> str:
    """The whole of docs/reference.md."""
    return _REFERENCE_HEAD + parameter_reference()


def code_table() -> str:
    lines = ["| code | severity | meaning |", "|---|---|---|"]
    lines += [
        f"| `{code}` | {info.severity.value} | {_cell(info.title)}{f' (retired: now {_cell(info.retired)})' if info.retired else ''} |"
        for code, info in CODES.items()
    ]
    return "\n".join(lines) + "\n"


def policy_table() -> str:
    """The one table of what each kind of mistake is, for every action."""
    lines = ["| mistake | code | severity | `strict=True` refuses | why |", "|---|---|---|---|---|"]
    for mistake, treatment in POLICY.items():
        info = CODES[treatment.code]
        refused = "yes" if info.severity.value == "error" or treatment.strict else "no"
        lines.append(f"| {mistake} | `{treatment.code}` | {info.severity.value} | {refused} | {_cell(treatment.why)} |")
    return "\n".join(lines) + "\n"


def variable_table() -> str:
    lines = ["| variable | set by | meaning |", "|---|---|---|"]
    lines += [f"| `{{{name}}}` | every operation | {_cell(meaning)} |" for name, meaning in variables.PUBLIC.items()]
    lines += [f"| `{{{name}}}` | the operations that produce it | {_cell(meaning)} |" for name, meaning in variables.PER_OPERATION.items()]
    lines += [f"| `{{{prefix}<name>}}` | the request | a tag given with the request |" for prefix in variables.PREFIXES]
    return "\n".join(lines) + "\n"


SECTIONS = {"codes": code_table, "policy": policy_table, "variables": variable_table}


def render_readme(readme: str) -> str:
    for name, build in SECTIONS.items():
        start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
        if start not in readme or end not in readme:
            raise ValueError(f"README has no {start.strip()} ... {end} section")
        head, rest = readme.split(start, 1)
        tail = rest.split(end, 1)[1]
        readme = head + start + build() + end + tail
    return readme


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    readme = root / "README.md"
    readme.write_text(render_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    (root / "docs" / "reference.md").write_text(reference(), encoding="utf-8")
