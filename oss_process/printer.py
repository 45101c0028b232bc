"""Printing trees back to text: as written (:func:`unparse`) or canonical.

The canonical form is one string per meaning, fit for a cache key:

- parameters in the documented table order; parameters equal to their documented default
  left out (``ss_0``, ``t_0``, ``abopt_0``);
- integers in plain decimal; Base64 URL-safe without padding;
- a ``|notify,...`` stage that follows ``sys/saveas`` chained to it as ``/notify,...``;
- stages and actions in the order written; actions without a table printed as written.
"""

from __future__ import annotations

from ._syntax import from_ast
from .ast import Directive
from .validation import compile_plan, render_program, run_plan

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
    plan = compile_plan(raw, None)
    return render_program(plan.program, run_plan(raw, plan, None).canonicals)
