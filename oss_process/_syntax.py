"""The flat form the hot path works on, the fast scanner that builds it, and its
conversions to and from the public AST.

A *raw* directive is nested lists and tuples of plain strings and offsets: far cheaper
to build than frozen dataclasses, and all that validation and printing need.

    RawParam  = (key or None, value text, start, end)
    RawAction = (name, start, end, [RawParam, ...])
    RawStage  = (category or None, start, end, [RawAction, ...])

The scanner accepts exactly the language of ``grammar/oss_process.lark``: it composes
the grammar's own terminal patterns into one regular expression, and
``tests/property/test_differential.py`` holds it to Lark's verdict and tree on generated input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ._grammar import terminal_patterns
from .ast import Action, Directive, Parameter, Span, Stage

RawParam = tuple[str | None, str, int, int]
RawAction = tuple[str, int, int, list[RawParam]]
RawStage = tuple[str | None, int, int, list[RawAction]]
RawDirective = list[RawStage]

# The literal terminal that opens a style stage; a category token spelling it is that
# keyword instead (Lark's lexer does the same). The grammar's rules fix the name.
STYLE_CATEGORY = "style"


@lru_cache(maxsize=1)
def _stage_pattern() -> str:
    t = terminal_patterns()
    keywords = "|".join(t[name] for name in ("STYLE", "NOTIFY"))
    param = f"(?:{t['KEY']}{t['VALUE']}|{t['BARE']})?"  # empty: "f_aac,,ab_1"
    action = f"{t['ACTION']}(?:,{param})*"
    return f"(?:(?!(?:{keywords})/){t['CATEGORY']}/{action}(?:/{action})*|{t['STYLE']}/{t['STYLE_NAME']}|{t['NOTIFY']}(?:,{param})*)"


@lru_cache(maxsize=1)
def in_language() -> Callable[[str], re.Match[str] | None]:
    """Whether a text is in the grammar's language: one regular expression of its terminals."""
    stage = _stage_pattern()
    return re.compile(f"{stage}(?:\\|{stage})*").fullmatch


@lru_cache(maxsize=1)
def in_alphabet() -> Callable[[str], re.Match[str] | None]:
    """Whether every character is one some terminal of the grammar, or a separator, allows."""
    patterns = [re.compile(p) for p in terminal_patterns().values()]
    # A character is allowed when some terminal matches it, alone or after a letter (the
    # padding '=' only ends a value); tests/test_syntax.py checks this against Lark.
    allowed = {c for c in map(chr, range(128)) if any(p.search(c) or p.fullmatch("a" + c) for p in patterns)} | set("|/,")
    return re.compile("[" + "".join(re.escape(c) for c in sorted(allowed)) + "]*").fullmatch


def _params(parts: list[str], pos: int) -> tuple[list[RawParam], int]:
    """Parameters from the comma-split pieces after a name; ``pos`` is the first one's start."""
    params: list[RawParam] = []
    for part in parts:
        end = pos + len(part)
        cut = part.find("_")
        if cut < 0:  # a bare value, or an empty parameter ("")
            params.append((None, part, pos, end))
        else:
            params.append((part[:cut], part[cut + 1 :], pos, end))
        pos = end + 1
    return params, pos - 1


def scan(text: str) -> RawDirective | None:
    """The raw directive, or None when ``text`` is not in the grammar's language."""
    if in_language()(text) is None:
        return None
    stages: RawDirective = []
    pos = 0
    for stage_text in text.split("|"):
        stage_start = pos
        if "/" not in stage_text:  # the bare notify stage
            name, *rest = stage_text.split(",")
            params, end = _params(rest, pos + len(name) + 1)
            end = max(end, pos + len(name))
            stages.append((None, pos, end, [(name, pos, end, params)]))
            pos = end + 1
            continue
        category, *action_texts = stage_text.split("/")
        pos += len(category) + 1
        actions: list[RawAction] = []
        if category == STYLE_CATEGORY:
            name = action_texts[0]
            actions.append((name, pos, pos + len(name), []))
            pos += len(name) + 1
        else:
            for action_text in action_texts:
                name, *rest = action_text.split(",")
                params, end = _params(rest, pos + len(name) + 1)
                end = max(end, pos + len(name))
                actions.append((name, pos, end, params))
                pos = end + 1
        stages.append((category, stage_start, pos - 1, actions))
    return stages


def to_ast(raw: RawDirective, length: int) -> Directive:
    return Directive(
        tuple(
            Stage(
                category,
                tuple(
                    Action(
                        name,
                        tuple(Parameter(key, text, Span(p_start, p_end)) for key, text, p_start, p_end in params),
                        Span(a_start, a_end),
                    )
                    for name, a_start, a_end, params in actions
                ),
                Span(s_start, s_end),
            )
            for category, s_start, s_end, actions in raw
        ),
        Span(0, length),
    )


def from_ast(directive: Directive) -> RawDirective:
    """The raw form of a tree, keeping its spans; a tree built without spans (all
    zero-width) gets the offsets its printed form would have."""
    if directive.span.end > directive.span.start:
        return [
            (
                stage.category,
                stage.span.start,
                stage.span.end,
                [
                    (action.name, action.span.start, action.span.end, [(p.key, p.text, *p.span) for p in action.parameters])
                    for action in stage.actions
                ],
            )
            for stage in directive.stages
        ]
    raw: RawDirective = []
    pos = 0
    for stage in directive.stages:
        stage_start = pos
        if stage.category is not None:
            pos += len(stage.category) + 1
        actions: list[RawAction] = []
        for action in stage.actions:
            action_start = pos
            pos += len(action.name)
            params: list[RawParam] = []
            for p in action.parameters:
                pos += 1
                width = len(p.text) + (len(p.key) + 1 if p.key is not None else 0)
                params.append((p.key, p.text, pos, pos + width))
                pos += width
            actions.append((action.name, action_start, pos, params))
            pos += 1
        raw.append((stage.category, stage_start, pos - 1, actions))
    return raw
