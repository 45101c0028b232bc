"""Printing trees back to text: as written (:func:`unparse`) or canonical.

The canonical form is one string per meaning, fit for a cache key:

- parameters in the documented table order; parameters equal to their documented default
  left out (``ss_0``, ``t_0``, ``abopt_0``); a bare-value action's value first and always
  written (``image/rotate,0``), in its kind's spelling (``rotate,090`` is ``rotate,90``);
- each value as its kind writes it: integers in plain decimal, Base64 URL-safe without
  padding;
- a ``|notify,...`` (or ``|sys/notify,...``) stage that follows ``sys/saveas`` chained to it
  as ``/notify,...``, and written ``|notify,...`` elsewhere;
- stages and actions in the order written; parameters that no row checks (a repeated or
  unknown key, a bare value, an action without a table) after the others, as written;
  an empty parameter (``,,``) left out.

Printing reads the order, the defaults and the kinds from the catalogue's tables, and
nothing else: it runs no validation.
"""

from __future__ import annotations

from .ast import Action, Directive
from .tables import ActionInfo, Catalogue, Role
from .tables.catalogue import coerce_catalogue

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


def print_canonical(directive: Directive, *, catalogue: Catalogue | None = None) -> str:
    """The canonical string of a directive. Meant for valid directives; for an invalid one
    it normalises what it can and keeps the rest as written (``canonicalize`` raises)."""
    tables = coerce_catalogue(catalogue)
    out: list[str] = []
    after_save = False
    for stage in directive.stages:
        # "|sys/notify,..." (a PHP sample's form) is the notify stage "|notify,...".
        first = tables.lookup(stage.category, stage.actions[0].name) if stage.actions else None
        bare = stage.category is None or (first is not None and first.role is Role.NOTIFY)
        if out:
            out.append("/" if bare and after_save else "|")
        if not bare:
            out.append(f"{stage.category}/")
        info: ActionInfo | None = None
        infos = tables.stage(stage.category, [action.name for action in stage.actions])
        for position, (action, info) in enumerate(zip(stage.actions, infos, strict=True)):
            if position:
                out.append("/")
            out.append(_action(action, info))
        after_save = info is not None and info.role is Role.SAVE
    return "".join(out)


def _action(action: Action, info: ActionInfo | None) -> str:
    spec = info.spec if info is not None else None
    ordered: list[tuple[int, str]] = []
    rest: list[str] = []
    seen: set[str] = set()
    positional = spec.positional if spec is not None else None
    for parameter in action.parameters:
        key = parameter.key
        row = spec.by_key.get(key) if spec is not None and key is not None else None
        if key is None:
            if not parameter.text:  # an empty parameter means nothing: dropped
                continue
            if positional is not None and "" not in seen:  # the first bare value is the positional one
                seen.add("")
                ordered.append((-1, positional.kind.check(parameter.text).canonical))
            else:
                rest.append(parameter.text)
        elif row is None or key in seen or spec is None:
            rest.append(f"{key}_{parameter.text}")
        else:
            seen.add(key)
            text = row.kind.check(parameter.text).canonical
            if text != row.default:
                ordered.append((spec.order[key], f"{key}_{text}"))
    ordered.sort()
    return ",".join([action.name, *(piece for _, piece in ordered), *rest])
