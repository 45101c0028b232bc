"""Lark and the normative grammar: the source of every syntax diagnostic.

Text the scanner refuses is run by :class:`Automaton`: Lark's own LALR table and
contextual lexer in a plain loop that stops where a Lark parse stops, in the parser state
Lark has there, at a fraction of a Lark parse's fixed cost. Lark generates the table from
the grammar (``python -m oss_process._lark_parser`` writes ``grammar/oss_process.table.json``;
a test fails when it is stale), and it ships beside the grammar as JSON: a syntax error
needs no Lark import and no parser build (costly together). A table made from another
grammar is ignored, and Lark is built to make one.

Lark itself is imported and built on first use only, once per process, and never cached on
disk (no pickle is ever loaded from a directory others can write). It builds trees, and
it is the reference the tests hold the automaton to.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._accel.cache import CACHE
from ._grammar import TABLE_FILE, grammar_path, grammar_text
from ._syntax import RawAction, RawDirective, RawParam, RawStage
from .ast import Span
from .diagnostics import Diagnostic
from .tables import Mode

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

_FIELD_NAMES = tuple(f"{lead}{mode.parameter}=" for lead in ("", "?") for mode in Mode)


def _raw_transformer() -> Any:
    """A Lark transformer that builds the raw form from a Lark tree."""
    from lark import Transformer

    def end_of(name: Token, params: list[RawParam]) -> int:
        return params[-1][3] if params else name.end_pos  # type: ignore[return-value]

    def parameters(children: list[Any]) -> list[RawParam]:
        """The parameters after each COMMA; an empty one sits where its comma ends."""
        params: list[RawParam] = []
        for comma, param in zip(children[::2], children[1::2], strict=True):
            params.append((None, "", comma.end_pos, comma.end_pos) if param is None else param)
        return params

    class ToRaw(Transformer[Any, Any]):
        def keyed(self, c: list[Token]) -> RawParam:
            return (c[0][:-1], str(c[1]), c[0].start_pos, c[1].end_pos)  # type: ignore[return-value]

        def bare(self, c: list[Token]) -> RawParam:
            return (None, str(c[0]), c[0].start_pos, c[0].end_pos)  # type: ignore[return-value]

        def empty(self, c: list[Token]) -> None:
            return None

        def action(self, c: list[Any]) -> RawAction:
            name, params = c[0], parameters(c[1:])
            return (str(name), name.start_pos, end_of(name, params), params)

        def processing_stage(self, c: list[Any]) -> RawStage:
            category, actions = c[0], c[1:]
            return (str(category), category.start_pos, actions[-1][2], actions)

        def style_stage(self, c: list[Token]) -> RawStage:
            keyword, name = c
            action: RawAction = (str(name), name.start_pos, name.end_pos, [])  # type: ignore[assignment]
            return (str(keyword), keyword.start_pos, name.end_pos, [action])  # type: ignore[return-value]

        def notify_stage(self, c: list[Any]) -> RawStage:
            name, params = c[0], parameters(c[1:])
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

                # Only the reference and the tree builder: syntax errors come from the
                # automaton, and valid text from the scanner.
                _parser = Lark(grammar_text(), parser="lalr", lexer="contextual")
    return _parser


def parse_raw(text: str, *, whole: bool = False) -> RawDirective | Diagnostic:
    """The raw directive, or the syntax diagnostic for the first place Lark stops.

    A text the scanner refused goes to :class:`Automaton`: Lark's own parse table and
    contextual lexer, run without Lark's per-parse machinery. ``whole``: run Lark itself
    (the reference the automaton is tested against, and the builder of trees).
    """
    if not whole:
        stop = automaton().first_error(text)
        if stop is None:  # the grammar takes it after all: Lark builds the tree
            return parse_raw(text, whole=True)
        return _diagnostic(text, *stop)
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    error: UnexpectedInput
    try:
        tree = parser().parse(text)
    except UnexpectedCharacters as e:
        at, error, fallback = e.pos_in_stream or 0, e, e.allowed
    except UnexpectedToken as e:
        at, error, fallback = (len(text) if e.token.type == "$END" else (e.token.start_pos or 0)), e, e.expected
    except UnexpectedInput:
        return _diagnostic(text, len(text), frozenset())
    else:
        result: RawDirective = _raw_transformer().transform(tree)
        return result
    return _diagnostic(text, at, _accepted(error, fallback))


# Per parser state: what each symbol does there, (1, next state) for a shift (a goto, for
# a rule's name) or (0, size, rule name) for a reduction.
_Step = tuple[int, int] | tuple[int, int, str]


def table_document(lark: Lark) -> dict[str, Any]:
    """Lark's LALR(1) table and terminal definitions for the grammar, as JSON data.

    States are numbered breadth first from the start, symbols in order, so the document
    is the same from any run (Lark's numbering follows set order). It records the grammar
    it was made from: a table whose grammar is not the one shipped is not used.
    """
    conf = lark.parse_interactive("").parser_state.parse_conf
    states = conf.states
    number = {conf.start_state: 0}
    order = [conf.start_state]
    for state in order:  # grows while it is walked
        for _, (action, arg) in sorted(states[state].items()):
            if action.name == "Shift" and arg not in number:
                number[arg] = len(order)
                order.append(arg)
    table = [
        {
            symbol: [1, number[arg]] if action.name == "Shift" else [0, len(arg.expansion), arg.origin.name]
            for symbol, (action, arg) in sorted(states[state].items())
        }
        for state in order
    ]
    terminals = []
    for t in sorted(lark.terminals, key=lambda t: t.name):
        assert not t.pattern.flags, "regular expression flags are not supported here"
        terminals.append(
            {
                "name": t.name,
                "type": t.pattern.type,
                "regexp": t.pattern.to_regexp(),
                "value": t.pattern.value,
                "priority": t.priority,
                # Unbounded is 2**32 - 1 or 2**64 by Python version: only the order counts.
                "max_width": min(t.pattern.max_width, 2**32 - 1),
            }
        )
    return {"grammar": grammar_text(), "start": 0, "end": number[conf.end_state], "table": table, "terminals": terminals}


class Automaton:
    """Lark's LALR(1) parse table and contextual lexer for the grammar, driven by a plain
    loop: the position where Lark stops on a text, and the terminals its parser state
    would accept there, for a fraction of what a Lark parse costs (a parse builds a lexer
    thread, a parser state and, on error, exceptions and an interactive parser).

    The table is Lark's (:func:`table_document`). The lexer is Lark's contextual lexer
    rebuilt from Lark's terminal definitions: in each state only the terminals the state
    accepts, tried in Lark's order (priority, then widest), a string terminal that a
    regular one also matches folded into it and restored by value (Lark's "unless"
    callback). ``tests/property/test_differential.py`` holds it to Lark on generated input.
    """

    def __init__(self, document: dict[str, Any]) -> None:
        self.last: tuple[str | None, tuple[int, frozenset[str]] | None] = (None, None)
        self.start: int = document["start"]
        self.end: int = document["end"]
        terminals = {t["name"]: t for t in document["terminals"]}
        self.table: list[dict[str, _Step]] = [{symbol: tuple(step) for symbol, step in actions.items()} for actions in document["table"]]
        by_accepted: dict[frozenset[str], _Lexer] = {}
        self.lexers: list[_Lexer] = []
        for actions in self.table:
            accepted = frozenset(name for name in actions if name in terminals)
            if accepted not in by_accepted:
                by_accepted[accepted] = _lexer([terminals[name] for name in accepted])
            self.lexers.append(by_accepted[accepted])

    def first_error(self, text: str) -> tuple[int, frozenset[str]] | None:
        """Where Lark stops on ``text`` (``len(text)``: at its end), and what the parser
        would take there; None when the text is in the language. The answer for the text
        asked last is kept: recovery asks again for the text the diagnostic came from."""
        last = self.last
        if last[0] is text:
            return last[1]
        found = self._first_error(text)
        self.last = (text, found)
        return found

    def _first_error(self, text: str) -> tuple[int, frozenset[str]] | None:
        return self.resume(text, None)

    def resume(self, text: str, checkpoints: list[tuple[int, tuple[int, ...]]] | None) -> tuple[int, frozenset[str]] | None:
        """:meth:`first_error`, from the last of ``checkpoints`` (the position after a
        separator and the stack there, unchanged by an edit after it); appends one after
        each separator it reads. Recovery after an edit reads only what follows it.
        ``checkpoints`` None: from the start, keeping none."""
        pos, saved = checkpoints[-1] if checkpoints else (0, (self.start,))
        stack, size = list(saved), len(text)
        while pos < size:
            match, unless = self.lexers[stack[-1]]
            found = match(text, pos)
            # No terminal of the state matches: Lark reports the same place and state
            # whether some other terminal matches there (UnexpectedToken) or none does.
            if found is None:
                return pos, self.accepts(stack)
            kind = found.lastgroup
            if unless and kind in unless:
                kind = unless[kind].get(found.group(), kind)
            if not self._feed(stack, kind):  # type: ignore[arg-type]
                return pos, self.accepts(stack)
            pos = found.end()
            if checkpoints is not None and kind in _SEPARATOR_TOKENS:  # a token no edit after it can change
                checkpoints.append((pos, tuple(stack)))
        if not self._feed(stack, "$END"):
            return size, self.accepts(stack)
        return None

    def _feed(self, stack: list[int], kind: str) -> bool:
        """Lark's ``ParserState.feed_token`` on the state stack alone: False on an error
        (the stack then as Lark's is when it raises)."""
        table = self.table
        while True:
            step = table[stack[-1]].get(kind)
            if step is None:
                return False
            if step[0]:
                stack.append(step[1])
                return True
            _, length, rule = step  # type: ignore[misc]
            if length:
                del stack[-length:]
            stack.append(table[stack[-1]][rule][1])
            if kind == "$END" and stack[-1] == self.end:
                return True

    def accepts(self, stack: list[int]) -> frozenset[str]:
        """Lark's ``InteractiveParser.accepts()``: each terminal the state lists that a
        copy of the stack takes; remembered by stack (with the table it comes from)."""
        key = (self, tuple(stack))
        accepted: frozenset[str] | None = CACHE.accepts.get(key)  # type: ignore[assignment]
        if accepted is None:
            accepted = frozenset(kind for kind in self.table[stack[-1]] if kind.isupper() and self._feed(list(stack), kind))
            CACHE.accepts.put(key, accepted)
        return accepted


_SEPARATOR_TOKENS = frozenset({"COMMA", "SLASH", "VBAR"})

# The match of one state's terminals at a position, and for a regular terminal that
# also matches string terminals, their names by value.
_Lexer = tuple[Callable[[str, int], "re.Match[str] | None"], dict[str, dict[str, str]]]


def _lexer(terminals: list[dict[str, Any]]) -> _Lexer:
    """What Lark's ``BasicLexer`` builds from these terminal definitions."""
    terminals = sorted(terminals, key=lambda t: (-t["priority"], -t["max_width"], -len(t["value"]), t["name"]))
    unless: dict[str, dict[str, str]] = {}
    folded = set()
    for regular in (t for t in terminals if t["type"] == "re"):
        for string in (t for t in terminals if t["type"] == "str" and t["priority"] == regular["priority"]):
            found = re.match(regular["regexp"], string["value"])
            if found is not None and found.group() == string["value"]:
                unless.setdefault(regular["name"], {})[string["value"]] = string["name"]
                folded.add(string["name"])
    kept = [t for t in terminals if t["name"] not in folded]
    pattern = "|".join(f"(?P<{t['name']}>{t['regexp']})" for t in kept)
    return re.compile(pattern).match if kept else (lambda text, pos: None), unless


_lock_automaton = threading.Lock()
_automaton: Automaton | None = None


def automaton() -> Automaton:
    """The automaton, from the table shipped beside the grammar (no Lark import), or made
    from Lark when that table was made from another grammar."""
    global _automaton
    if _automaton is None:
        with _lock_automaton:
            if _automaton is None:
                document = _shipped_table()
                _automaton = Automaton(document if document is not None else table_document(parser()))
    return _automaton


def _shipped_table() -> dict[str, Any] | None:
    try:
        return load_table(grammar_path(TABLE_FILE))
    except FileNotFoundError:
        return None


def load_table(path: str) -> dict[str, Any] | None:
    """The table document at ``path``, if it was made from the grammar shipped."""
    import json  # here: only a syntax error needs it

    try:
        with open(path, encoding="utf-8") as file:
            document: dict[str, Any] = json.load(file)
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) and document.get("grammar") == grammar_text() else None


def _accepted(error: Any, fallback: Any) -> frozenset[str]:
    """Every terminal Lark's parser would take where it stopped, the end of input included
    (``accepts()`` on the interactive parser: the exception's own set leaves out terminals
    that need a reduction first, such as the end)."""
    interactive = getattr(error, "interactive_parser", None)
    if interactive is None:
        return frozenset(fallback or ())
    try:
        return frozenset(interactive.accepts())
    except Exception:  # noqa: BLE001 - wording only: the verdict stands either way
        return frozenset(fallback or ())


# U+FF01-U+FF5E are the full-width forms of ASCII '!'-'~' (an IME's comma, slash, digits).
_FULL_WIDTH_OFFSET = 0xFEE0


def is_full_width(char: str) -> bool:
    return "\uff01" <= char <= "\uff5e"


def ascii_of(text: str) -> str:
    """Full-width forms written as the ASCII they stand for."""
    return "".join(chr(ord(c) - _FULL_WIDTH_OFFSET) if is_full_width(c) else c for c in text)


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


def _words(expected: frozenset[str]) -> str:
    """The expected terminals in words; remembered in the one cache, by the set."""
    key = ("words", expected)
    found: str | None = CACHE.accepts.get(key)  # type: ignore[assignment]
    if found is None:
        found = CACHE.accepts.put(key, _phrase(expected))  # type: ignore[assignment]
    return found  # type: ignore[return-value]


def _phrase(expected: frozenset[str]) -> str:
    if {"KEY", "BARE"} <= expected:
        expected = (expected - {"KEY", "BARE"}) | {"PARAMETER"}
    phrases = sorted({_EXPECTED_WORDS.get(name, name) for name in expected}, key=lambda w: (w.startswith("the end"), w))
    if not phrases:
        return "nothing more"
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


# An object key alone ("photos/a.jpg", "a.jpg?versionId=1"): a file name's extension, no ','.
_OBJECT_KEY = re.compile(r"[^,|]*\.[A-Za-z0-9]{2,5}(?:\?[^,|]*)?")
# An object key and its query pasted whole: "photo.jpg?x-oss-process=image/...".
_KEY_AND_QUERY = re.compile(r"[^?,|]*\?(?:[^=&]*=[^&]*&)*?(x-oss-(?:async-)?process)=", re.IGNORECASE)


def ends_early(text: str, at: int, expected: frozenset[str]) -> Diagnostic:
    """E011: the directive (as read up to ``at``) stops where more is needed."""
    return Diagnostic("E011", f"the directive ends too early{_before(text, at)}; expected {_words(expected)}", Span(at, at))


def _diagnostic(text: str, pos: int, expected: frozenset[str]) -> Diagnostic:
    """The diagnostic of the first place the automaton stops in ``text``."""
    if pos >= len(text):
        return ends_early(text, len(text), expected)
    return diagnose(text, pos, expected)


# The last diagnosis, by its arguments (the text by identity): recovery asks again for the
# first problem the syntax check just diagnosed.
_last_diagnosis: tuple[str, int, frozenset[str], Diagnostic] = ("", -1, frozenset(), Diagnostic("E010", "", Span(0, 0)))


def diagnose(text: str, pos: int, expected: frozenset[str]) -> Diagnostic:
    """What is wrong at ``pos`` (before the end), where the parser wanted ``expected``."""
    global _last_diagnosis
    last = _last_diagnosis
    if last[0] is text and last[1] == pos and last[2] == expected:
        return last[3]
    found = _diagnose(text, pos, expected)
    _last_diagnosis = (text, pos, expected, found)
    return found


def _diagnose(text: str, pos: int, expected: frozenset[str]) -> Diagnostic:
    wanted = _words(expected)
    char = text[pos]
    after = _before(text, pos)
    span = Span(pos, pos + 1)
    query = _KEY_AND_QUERY.match(text) if "?" in text else None
    if query is not None and pos < query.end() and not text[:24].lower().startswith(_FIELD_NAMES):
        name = query.group(1)
        if name != name.lower():  # OSS matches the name exactly: this one it ignores
            return Diagnostic(
                "E015",
                f"this is an object key and its query, not a directive; the query names {name!r}, which OSS ignores "
                f"(it reads only {name.lower()!r})",
                Span(0, query.end()),
                f"write the name as {name.lower()}, and pass only its value (or read the URL with oss_process.from_url())",
            )
        return Diagnostic(
            "E015",
            f"this is an object key and its query, not a directive: the directive is the value of {name}",
            Span(0, query.end()),
            f"pass only what follows '{name}=' (percent-decoded), or read the URL with oss_process.from_url()",
        )
    if text[:24].lower().startswith(_FIELD_NAMES) and pos <= text.find("="):
        if not text.startswith(_FIELD_NAMES):
            end = text.index("=")
            name = text[:end].lstrip("?")
            return Diagnostic(
                "E015",
                f"the directive starts with the form field name {name!r}: OSS reads only {name.lower()!r}, "
                "in lower case, and ignores this parameter",
                Span(end - len(name), end),
                f"write the name as {name.lower()}, or pass only the value after '='",
            )
        return Diagnostic(
            "E015",
            f"the directive starts with the form field name {text[: text.find('=') + 1]!r}",
            Span(0, text.find("=") + 1),
            "pass only the value after '=': the field name says the mode (mode='sync' or mode='async')",
        )
    if char.isspace():
        return Diagnostic("E012", f"unexpected {_describe(char)}{after}", span, "remove it: a directive contains no whitespace")
    if char == "+" and text[pos - 1 : pos] == "_" and text[pos + 1 : pos + 2].isdigit():
        return Diagnostic("E010", f"unexpected '+'{after}: a number takes no sign", span, "drop the '+'")
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
            f"write {chr(ord(char) - _FULL_WIDTH_OFFSET)!r} instead: this is its full-width form"
            if is_full_width(char)
            else "replace it with its ASCII equivalent"
            if unicodedata.numeric(char, None) is not None
            else None,
        )
    looks_like_a_key = _OBJECT_KEY.fullmatch(text) is not None
    return Diagnostic(
        "E010",
        f"unexpected {_describe(char)}{after}; expected {wanted}",
        span,
        "this looks like an object key, not a directive (a directive looks like image/resize,w_100)" if looks_like_a_key else None,
    )


if __name__ == "__main__":  # python -m oss_process._lark_parser: regenerate the table
    import json
    import os
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(grammar_path()), TABLE_FILE)
    with open(target, "w", encoding="utf-8") as out:
        json.dump(table_document(parser()), out, indent=1, sort_keys=True)
        out.write("\n")
    print(f"wrote {target}")
