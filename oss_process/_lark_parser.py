"""Lark, built from the normative grammar: the source of every syntax diagnostic.

Lark is imported and the LALR parser built on first use only (about 50 ms), once per
process: a directive the fast scanner accepts never needs it. Nothing is cached on
disk, so no pickle is ever loaded from a directory others can write.

The grammar is regular and its separators (``|``, ``/``, ``,``) appear in no token, so an
error is local. Lark is given only the first unit the scanner refuses (a stage, an action
or a parameter), behind the head that puts the parser in the same state (``audio/convert``
before ``,<parameter>``), with the separator after it: the same error at the same place,
for a fraction of the parse. A differential test holds this to a parse of the whole text.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ._grammar import grammar_text, terminal_patterns
from ._syntax import NOTIFY_ACTION, RawAction, RawDirective, RawParam, RawStage, stage_matcher
from .ast import Span
from .diagnostics import Diagnostic

if TYPE_CHECKING:
    from lark import Lark, Token

_lock = threading.Lock()
_parser: Lark | None = None

# What each terminal is, in words, for "expected ..." messages.
_EXPECTED_WORDS = {
    "CATEGORY": "a category such as 'audio'",
    "STYLE": "'style'",
    "NOTIFY": "'notify'",
    "ACTION": "an action name such as 'convert'",
    "STYLE_NAME": "a style name",
    "KEY": "a parameter such as 'f_aac'",
    "BARE": "a bare value such as '90'",
    "PARAMETER": "a parameter such as 'f_aac' or '90'",
    "VALUE": "a value after '_'",
    "SLASH": "'/'",
    "COMMA": "','",
    "VBAR": "'|'",
    "$END": "the end of the directive",
}

_FIELD_NAMES = ("x-oss-process=", "x-oss-async-process=", "?x-oss-process=", "?x-oss-async-process=")


def _raw_transformer() -> Any:
    """A Lark transformer, applied inline while parsing, that builds the raw form."""
    from lark import Transformer

    def end_of(name: Token, params: list[RawParam]) -> int:
        return params[-1][3] if params else name.end_pos  # type: ignore[return-value]

    class ToRaw(Transformer[Any, Any]):
        def keyed(self, c: list[Token]) -> RawParam:
            return (c[0][:-1], str(c[1]), c[0].start_pos, c[1].end_pos)  # type: ignore[return-value]

        def bare(self, c: list[Token]) -> RawParam:
            return (None, str(c[0]), c[0].start_pos, c[0].end_pos)  # type: ignore[return-value]

        def action(self, c: list[Any]) -> RawAction:
            name, params = c[0], c[1:]
            return (str(name), name.start_pos, end_of(name, params), params)

        def processing_stage(self, c: list[Any]) -> RawStage:
            category, actions = c[0], c[1:]
            return (str(category), category.start_pos, actions[-1][2], actions)

        def style_stage(self, c: list[Token]) -> RawStage:
            keyword, name = c
            action: RawAction = (str(name), name.start_pos, name.end_pos, [])  # type: ignore[assignment]
            return (str(keyword), keyword.start_pos, name.end_pos, [action])  # type: ignore[return-value]

        def notify_stage(self, c: list[Any]) -> RawStage:
            name, params = c[0], c[1:]
            end = end_of(name, params)
            return (None, name.start_pos, end, [(str(name), name.start_pos, end, params)])

        def start(self, c: list[RawStage]) -> RawDirective:
            return c

    return ToRaw()


def parser() -> Lark:
    global _parser
    if _parser is None:
        with _lock:
            if _parser is None:
                from lark import Lark

                # No inline transformer: on the error path the tree is never built, and
                # Lark's plain tree builder is the cheaper of the two per token.
                _parser = Lark(grammar_text(), parser="lalr", lexer="contextual")
    return _parser


def parse_raw(text: str, *, whole: bool = False) -> RawDirective | Diagnostic:
    """The raw directive, or the syntax diagnostic for the first place Lark stops.

    ``whole``: parse the whole text rather than the first unit the scanner refuses.
    """
    head, start, end = ("", 0, len(text)) if whole else _refused_unit(text)
    piece = head + text[start:end]
    error: UnexpectedInput
    try:
        tree = parser().parse(piece)
    except UnexpectedCharacters as e:
        at, error, fallback = e.pos_in_stream or 0, e, e.allowed
    except UnexpectedToken as e:
        at, error, fallback = (len(piece) if e.token.type == "$END" else (e.token.start_pos or 0)), e, e.expected
    except UnexpectedInput:
        return _diagnostic(text, len(text), frozenset())
    else:
        if not whole:
            return parse_raw(text, whole=True)  # the unit parsed: let the whole text say
        result: RawDirective = _raw_transformer().transform(tree)
        return result
    # An error inside the head, or past the unit where the text goes on, means the unit
    # was not the culprit after all: let the whole text say.
    if not whole and (at < len(head) or (at >= len(piece) and end < len(text))):
        return parse_raw(text, whole=True)
    return _diagnostic(text, start + at - len(head), _accepted(error, fallback))


@lru_cache(maxsize=1)
def _unit_matchers() -> tuple[Callable[[str], object], Callable[[str], object], Callable[[str], object]]:
    t = terminal_patterns()
    category = re.compile(f"(?!(?:{t['STYLE']}|{t['NOTIFY']})$){t['CATEGORY']}").fullmatch
    action = re.compile(t["ACTION"]).fullmatch
    param = re.compile(f"{t['KEY']}{t['VALUE']}|{t['BARE']}").fullmatch
    return category, action, param


def _refused_unit(text: str) -> tuple[str, int, int]:
    """``(head, start, end)``: Lark parses ``head + text[start:end]``, the first unit the
    scanner refuses with the separator after it; ``("", 0, len(text))`` when none is found."""
    matches = stage_matcher()
    offset = 0
    stages = text.split("|")
    for index, stage in enumerate(stages):
        if matches(stage) is None:
            end = offset + len(stage) + (1 if index < len(stages) - 1 else 0)
            return _refused_in_stage(stage, offset, end)
        offset += len(stage) + 1
    return "", 0, len(text)


def _refused_in_stage(stage: str, offset: int, end: int) -> tuple[str, int, int]:
    """The refused parameter (behind its ``category/action``) or action (behind its
    category) inside a refused stage; else the whole stage."""
    category_ok, action_ok, param_ok = _unit_matchers()
    actions: list[tuple[str | None, str]]
    if "/" in stage:
        category, *rest = stage.split("/")
        if not category_ok(category):
            return "", offset, end
        actions, position = [(category, action) for action in rest], offset + len(category)
    elif stage.startswith(NOTIFY_ACTION):
        actions, position = [(None, stage)], offset
    else:
        return "", offset, end
    for category_name, action in actions:
        name, *params = action.split(",")
        if category_name is None:
            if name != NOTIFY_ACTION:
                return "", offset, end
            head, position = name, position + len(name)
        elif not action_ok(name):  # the unit "/<action>"
            return category_name, position, min(position + 1 + len(action) + 1, end)
        else:
            head, position = f"{category_name}/{name}", position + 1 + len(name)
        for param in params:
            if not param_ok(param):  # the unit ",<parameter>"
                return head, position, min(position + 1 + len(param) + 1, end)
            position += 1 + len(param)
    return "", offset, end


def _accepted(error: Any, fallback: Any) -> frozenset[str]:
    """Every terminal the parser would take here, the end of input included.

    ``accepts()`` tries each terminal on a copy of the parser state (the exception's own
    set leaves out terminals that need a reduction first, such as the end). The answer
    depends on the state stack alone, so it is remembered by stack.
    """
    interactive = getattr(error, "interactive_parser", None)
    if interactive is None:
        return frozenset(fallback or ())
    stack = tuple(interactive.parser_state.state_stack)
    accepted = _ACCEPTED.get(stack)
    if accepted is None:
        try:
            accepted = frozenset(interactive.accepts())
        except Exception:  # noqa: BLE001 - wording only: the verdict stands either way
            return frozenset(fallback or ())
        if len(_ACCEPTED) >= 1024:
            _ACCEPTED.clear()
        _ACCEPTED[stack] = accepted
    return accepted


_ACCEPTED: dict[tuple[int, ...], frozenset[str]] = {}


_WHITESPACE_NAMES = {" ": "space", "\t": "tab", "\n": "newline", "\r": "carriage return"}


def _describe(char: str) -> str:
    if char in _WHITESPACE_NAMES:
        return _WHITESPACE_NAMES[char]
    if " " < char <= "~":
        return repr(char)
    if not char.isprintable():
        name = unicodedata.name(char, "")
        return f"{'control character' if not name else 'character'} U+{ord(char):04X}{' ' + name if name else ''}"
    name = unicodedata.name(char, "")
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''})"


_WORD_AT_END = re.compile(r"[A-Za-z0-9_.=-]+\Z")


def _before(text: str, pos: int) -> str:
    """What precedes ``pos``: the word ending there, or the separator."""
    if pos == 0:
        return " at the start"
    found = _WORD_AT_END.search(text, max(0, pos - 25), pos)
    word = found.group() if found else text[pos - 1]
    if len(word) > 24:
        word = "..." + word[-21:]
    return f" after {word!r}" if (" " < word[-1] <= "~") else f" after {_describe(word[-1])}"


@lru_cache(maxsize=256)
def _words(expected: frozenset[str]) -> str:
    if {"KEY", "BARE"} <= expected:
        expected = (expected - {"KEY", "BARE"}) | {"PARAMETER"}
    phrases = sorted({_EXPECTED_WORDS.get(name, name) for name in expected}, key=lambda w: (w.startswith("the end"), w))
    if not phrases:
        return "nothing more"
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _diagnostic(text: str, pos: int, expected: frozenset[str]) -> Diagnostic:
    wanted = _words(expected)
    if pos >= len(text):
        return Diagnostic("E011", f"the directive ends too early{_before(text, len(text))}; expected {wanted}", Span(len(text), len(text)))
    char = text[pos]
    after = _before(text, pos)
    span = Span(pos, pos + 1)
    if text[:24].lower().startswith(_FIELD_NAMES):
        return Diagnostic(
            "E015",
            f"the directive starts with a form field name; unexpected {_describe(char)}",
            span,
            "pass only the value after '=': the field name says the mode (mode='sync' or mode='async')",
        )
    if char.isspace():
        return Diagnostic("E012", f"unexpected {_describe(char)}{after}", span, "remove it: a directive contains no whitespace")
    if char == "+":
        return Diagnostic(
            "E013",
            f"unexpected '+'{after}: standard Base64, or a space encoded as '+'",
            span,
            "encode names with URL-safe Base64: '-' instead of '+' and '_' instead of '/'",
        )
    if char == "%":
        return Diagnostic(
            "E014",
            f"unexpected '%'{after}: the directive is percent-encoded",
            span,
            "percent-decode it first (%2C is ',', %2F is '/', %7C is '|')",
        )
    if char == "@":
        return Diagnostic(
            "E016", f"unexpected '@'{after}: the legacy image-service syntax", span, "write image/<action>,<parameters> instead of '@'"
        )
    if not (" " < char <= "~"):
        return Diagnostic(
            "E017",
            f"unexpected {_describe(char)}{after}: only ASCII letters, digits and - _ . = , / | may appear",
            span,
            "replace it with its ASCII equivalent" if unicodedata.numeric(char, None) is not None else None,
        )
    return Diagnostic("E010", f"unexpected {_describe(char)}{after}; expected {wanted}", span)
