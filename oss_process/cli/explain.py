"""``oss-process explain``: a directive broken down, stage by stage and parameter by
parameter, each against its row of the tables; as text or as JSON."""

from __future__ import annotations

import argparse
import json
from typing import IO, TextIO

from oss_process import Action, Diagnostic, Mode, Source, Stage, Styles, check, render
from oss_process.diagnostics import Origin
from oss_process.kinds import Base64Name, template_variables
from oss_process.tables import BUILTIN, ActionInfo, Catalogue, ParamSpec
from oss_process.tables.variables import PER_OPERATION, PREFIXES, PUBLIC

from .decoding import Entry, examine, in_line
from .output import use_color
from .reading import RawLine, is_comment_or_blank, read_lines
from .verdicts import assumed_mode

__all__ = ["command_explain", "explanation", "explanation_text"]


def command_explain(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    raw: RawLine
    if args.directive == "-":
        number, raw = next(((n, line) for n, line in enumerate(read_lines(stdin), start=1) if not is_comment_or_blank(line)), (1, b""))
        origin = Origin("<stdin>", number, is_file=False)
    else:
        raw, origin = args.directive.encode("utf-8", "surrogateescape"), Origin("<arg>", 1, is_file=False)
    entry = examine(raw, args.styles)
    model, diagnostics = explanation(entry, Mode(args.mode) if args.mode else None, source=args.source, styles=args.styles)
    if args.format == "json":
        out.write(render(diagnostics, entry.text, format="json", fields=model, offsets=entry.offsets, indent=2) + "\n")
    else:
        out.write(explanation_text(model))
        if diagnostics:
            color = use_color(args.color, out)
            out.write("\ndiagnostics:\n\n")
            shown, line = in_line(entry, diagnostics)
            out.write(render(shown, line, origin=origin, color=color, spaced=True))
    return int(any(d.is_error for d in diagnostics))


# --- The tree, each parameter against its row of the tables -------------------------------


def _row(row: ParamSpec | None) -> dict[str, object]:
    if row is None:
        return {
            "meaning": None,
            "unit": None,
            "accepts": None,
            "required": False,
            "default": None,
            "when_omitted": None,
            "source": None,
            "confidence": None,
            "bounds": None,
        }
    return {
        "meaning": row.meaning,
        "unit": row.unit,
        "accepts": row.kind.describe(),
        "required": row.required,
        "default": row.default,
        "when_omitted": row.when_omitted,
        "source": row.source,
        "confidence": row.confidence.value,
        "bounds": row.bounds.value,
    }


def _variables(name: str) -> list[dict[str, object]]:
    """The template variables a name uses, each with its meaning from the tables."""
    named: list[dict[str, object]] = []
    for variable in template_variables(name)[0]:
        prefix = next((p for p in PREFIXES if variable.startswith(p) and len(variable) > len(p)), None)
        meaning = PUBLIC.get(variable) or PER_OPERATION.get(variable)
        named.append({"name": variable, "meaning": meaning, "prefix": prefix, "known": meaning is not None or prefix is not None})
    return named


def explanation(
    entry: Entry,
    option: Mode | None,
    catalogue: Catalogue = BUILTIN,
    source: Source | None = None,
    styles: Styles | None = None,
) -> tuple[dict[str, object], list[Diagnostic]]:
    """The breakdown of a directive as plain data (the JSON of --format json, which adds
    the diagnostics to it), and its diagnostics: one check of the text, read against the
    catalogue's tables (and ``styles``, the bucket's: a style then shows its content).
    The line's own mode (a form field's or URL parameter's name) wins over ``option``
    (--mode); without either, ``mode`` is the one lint assumed. With a ``source``
    (--source, --source-file), its facts are checked against and shown as ``source_facts``."""
    given = entry.mode or option
    mode_from = None if given is None else "input" if entry.mode is not None else "option"
    model: dict[str, object] = {
        "input": entry.line,
        "directive": entry.text,
        "mode": given,
        "mode_from": mode_from,
        "runs_in": None,
        "canonical": None,
    }
    if source is not None:
        model["source_facts"] = dict(source.facts)
    if entry.problem is not None:
        diagnostics = [entry.problem]
        model["stages"] = None
    else:
        result = check(entry.text, mode=given, source=source, catalogue=catalogue, styles=styles)
        diagnostics = list(result.diagnostics)
        if result.directive is None:
            model["stages"] = None
        else:
            model["stages"] = [_stage(stage, catalogue, styles) for stage in result.directive.stages]
            model["runs_in"] = _runs_in(model["stages"])
            model["canonical"] = result.canonical
            if given is None:
                assumed = assumed_mode(result.directive, catalogue)
                model["mode"], model["mode_from"] = assumed, None if assumed is None else "actions"
    model["ok"] = not any(d.is_error for d in diagnostics)
    return model, diagnostics


def _stage(stage: Stage, catalogue: Catalogue, styles: Styles | None = None) -> dict[str, object]:
    info = catalogue.categories.get(stage.category) if stage.category is not None else None
    infos = catalogue.stage(stage.category, [action.name for action in stage.actions])
    actions = [_action(stage.category, action, info, catalogue) for action, info in zip(stage.actions, infos, strict=True)]
    if styles is not None and info is not None and info.open_ended:
        for action in actions:  # the style's content, or None: the bucket has no such style
            action["content"] = styles.get(str(action["name"]))
    return {"category": stage.category, "summary": info.summary if info is not None else None, "actions": actions}


def _action(category: str | None, action: Action, info: ActionInfo | None, catalogue: Catalogue) -> dict[str, object]:
    categories = catalogue.categories
    spec = info.spec if info is not None else None
    parameters: list[dict[str, object]] = []
    given = set()
    for parameter in action.parameters:
        # The first bare value is a bare-value action's positional one.
        bare = parameter.key is None and bool(parameter.text) and None not in given
        row = spec.row(parameter.key) if spec is not None and (parameter.key is not None or bare) else None
        item: dict[str, object] = {"key": parameter.key, "text": parameter.text, "given": True, "value": parameter.value, **_row(row)}
        item["base64"] = row is not None and isinstance(row.kind, Base64Name)
        if row is not None and isinstance(row.kind, Base64Name) and row.kind.rule.allows_templates and isinstance(parameter.value, str):
            item["variables"] = _variables(parameter.value)
        parameters.append(item)
        if parameter.key is not None or bare:
            given.add(parameter.key)
    for row in spec.parameters if spec is not None else ():
        if row.key not in given:
            parameters.append(
                {"key": row.key, "text": None, "given": False, "value": None, **_row(row), "base64": isinstance(row.kind, Base64Name)}
            )
    return {
        "name": action.name,
        "label": action.name if category is None else f"{category}/{action.name}",
        "known": info is not None,
        "open_ended": category is not None and category in categories and categories[category].open_ended,
        "checked": spec is not None,
        "modes": sorted(str(m) for m in info.modes) if info is not None else None,
        "summary": spec.summary if spec is not None else None,
        "reference": (spec.reference or None) if spec is not None else None,
        "parameters": parameters,
    }


def _runs_in(stages: object) -> list[str]:
    """The modes every known action runs in: the form fields that can carry the directive."""
    modes = {"async", "sync"}
    for stage in stages if isinstance(stages, list) else ():
        for action in stage["actions"]:
            if action["modes"] is not None:
                modes &= set(action["modes"])
    return sorted(modes)


def _value_text(item: dict[str, object]) -> str:
    value = item["value"]
    if value is None:
        return "not valid: see the diagnostics" if item["meaning"] is not None else "not checked"
    if item["base64"]:
        return f"{json.dumps(value, ensure_ascii=False)} (decoded from URL-safe Base64)"
    return f"{value} {item['unit']}" if item["unit"] else str(value)


def _omitted_text(item: dict[str, object]) -> tuple[str, str]:
    default, when_omitted, unit = item["default"], item["when_omitted"], item["unit"]
    if item["required"]:
        return "missing", "required"
    if default is not None:
        shown = f"{default} {unit}" if unit else str(default)
        return "default", f"{shown}: {when_omitted}" if when_omitted else shown
    if when_omitted is not None:
        return "omitted", str(when_omitted)
    return "omitted", "no documented default"


def explanation_text(model: dict[str, object]) -> str:
    """The breakdown for a person: stages, actions, parameters given and not."""
    lines = [f"directive  {model['directive']}"]
    mode = _mode_text(model)
    if mode:
        lines.append(f"mode       {mode}")
    facts = model.get("source_facts")
    if isinstance(facts, dict):
        lines.append(f"source     {', '.join(f'{name}={value}' for name, value in facts.items())}")
    lines.append(f"canonical  {model['canonical'] or 'none: the directive has errors'}")
    stages = model["stages"]
    for number, stage in enumerate(stages if isinstance(stages, list) else (), start=1):
        summary = f": {stage['summary']}" if stage["summary"] else ""
        lines += ["", f"stage {number}  {stage['category'] or '(no category)'}{summary}"]
        for action in stage["actions"]:
            lines += _action_lines(action)
    return "\n".join(lines) + "\n"


def _mode_text(model: dict[str, object]) -> str | None:
    """The mode, said once: given, assumed from the actions, either, or none that runs them all."""
    mode, runs_in = model["mode"], model["runs_in"]
    shown = f"{mode} ({Mode(mode).parameter})" if isinstance(mode, str) else ""
    if model["mode_from"] in ("input", "option"):
        return shown
    if not isinstance(runs_in, list):  # not parsed, and none given
        return None
    if not runs_in:
        return f"none: no one request runs every action; checked as {mode}, see the diagnostics"
    if len(runs_in) > 1:
        return "either: " + " or ".join(f"{Mode(m).parameter} ({m})" for m in runs_in)
    return f"{shown}: the only one its actions run in"


def _action_lines(action: dict[str, object]) -> list[str]:
    if action["open_ended"]:
        about = f"the style named {action['name']!r}"
        if "content" in action:
            content = action["content"]
            about += f": {content}" if content is not None else ", which the bucket does not have"
    elif not action["known"]:
        about = "not in the catalogue"
    else:
        about = str(action["summary"]) if action["checked"] else "not checked: no parameter table for it yet"
    lines = [f"  {action['label']}: {about}"]
    if action["modes"]:
        lines.append(f"    runs in    {', '.join(Mode(m).parameter for m in action['modes'])}")  # type: ignore[attr-defined]
    if action["reference"]:
        lines.append(f"    reference  {action['reference']}")
    parameters = action["parameters"]
    assert isinstance(parameters, list)
    for item in parameters:
        if item["given"]:
            written = item["text"] if item["key"] is None else f"{item['key']}_{item['text']}"
            lines += [f"    {written}", f"      value     {_value_text(item)}"]
        else:
            label, text = _omitted_text(item)
            lines += [f"    {item['key']} (not given)", f"      {label.ljust(9)} {text}"]
        if item["meaning"]:
            lines.append(f"      meaning   {item['meaning']}")
        if item["accepts"]:
            lines.append(f"      accepts   {item['accepts']}")
        if item["given"] and item["confidence"] not in (None, "DOC"):
            lines.append(f"      known     {item['confidence']}: {item['source']}")
        if item["given"] and item["bounds"] not in (None, "DOC", "SDK"):
            said = item["confidence"] not in (None, "DOC")  # the known line gave the source
            lines.append(f"      limits    {item['bounds']}: outside them a warning (W232){'' if said else ': ' + str(item['source'])}")
        for variable in item.get("variables", ()):
            meaning = variable["meaning"] or (f"one of the {{{variable['prefix']}<name>}} variables" if variable["prefix"] else "unknown")
            lines.append(f"      variable  {{{variable['name']}}}: {meaning}")
    return lines
