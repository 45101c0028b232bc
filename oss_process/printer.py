"""Printing trees back to text: as written (:func:`unparse`) or canonical.

The canonical form is one string per meaning, fit for a cache key:

- parameters in the documented table order; parameters equal to their documented default
  left out (``ss_0``, ``t_0``, ``abopt_0``);
- integers in plain decimal; Base64 URL-safe without padding;
- a ``|notify,...`` stage that follows ``sys/saveas`` chained to it as ``/notify,...``;
- stages and actions in the order written; actions without a table printed as written.
"""

from __future__ import annotations

from ._syntax import RawDirective, from_ast
from .ast import Directive
from .tables import Role
from .validation import Report, check_raw

__all__ = ["print_canonical", "unparse"]


def unparse(directive: Directive) -> str:
    """The directive exactly as its tree says, so that ``parse(unparse(d)) == d``."""
    stages = []
    for stage in directive.stages:
        actions = []
        for action in stage.actions:
            parts = [action.name]
            parts.extend(p.text if p.key is None else f"{p.key}_{p.text}" for p in action.parameters)
            actions.append(",".join(parts))
        body = "/".join(actions)
        stages.append(body if stage.category is None else f"{stage.category}/{body}")
    return "|".join(stages)


def print_canonical(directive: Directive) -> str:
    """The canonical string of a directive. Meant for valid directives; for an invalid one
    it normalises what it can and keeps the rest as written (``canonicalize`` raises)."""
    raw = from_ast(directive)
    return canonical_text(raw, check_raw(raw, None, None))


def canonical_text(raw: RawDirective, report: Report) -> str:
    infos = report.infos
    checked = report.checked
    action_index = 0
    param_index = 0
    stages: list[str] = []
    after_save = False  # the previous stage ends with a save step
    for category, _, _, actions in raw:
        rendered: list[str] = []
        for name, _, _, params in actions:
            info = infos[action_index]
            action_index += 1
            spec = info.spec if info is not None else None
            if spec is None:
                parts = [p[1] if p[0] is None else f"{p[0]}_{p[1]}" for p in params]
            else:
                ordered: list[tuple[int, str]] = []
                extra: list[str] = []
                for offset, (key, text, _, _) in enumerate(params):
                    result = checked[param_index + offset]
                    pspec = spec.by_key.get(key) if key is not None else None
                    if result is None or pspec is None:
                        extra.append(text if key is None else f"{key}_{text}")
                    elif result.canonical != pspec.default:
                        ordered.append((spec.order[key], f"{key}_{result.canonical}"))  # type: ignore[index]
                ordered.sort(key=lambda item: item[0])
                parts = [text for _, text in ordered] + extra
            param_index += len(params)
            rendered.append(",".join([name, *parts]))
        body = "/".join(rendered)
        if category is None and after_save and stages:
            stages[-1] += "/" + body
            after_save = False
            continue
        stages.append(body if category is None else f"{category}/{body}")
        last = infos[action_index - 1] if actions else None
        after_save = last is not None and last.role is Role.SAVE
    return "|".join(stages)
