"""From a file's text to the pieces a directive may be in: string literals decoded (their
escapes undone, concatenations joined, interpolations made placeholders), and the text
outside them where a language has text (Markdown, YAML, HTML).

A :class:`Segment` is a decoded text with, for each of its characters and for its end,
the offset in the file it was read from; each placeholder is the character ``HOLE``,
placed at the start of what it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["HOLE", "LANGUAGES", "Segment", "Syntax", "has_needle", "language_of", "segments"]

#: What a placeholder is in a segment's text: a private-use character no directive has.
HOLE = "\ue000"

# A literal is followed into a concatenation this far (characters of code between pieces).
_OPERAND_LIMIT = 200
# The most pieces one concatenation joins.
_PIECES_LIMIT = 64


class Segment(NamedTuple):
    text: str
    offsets: list[int]  # len(text) + 1 entries
    raw: bool = False  # text outside a literal: a directive there ends at a space
    ends: dict[int, int] | None = None  # where each placeholder's code ends, by the offset it starts at


class Syntax(NamedTuple):
    """How a family of languages writes strings and comments."""

    name: str
    quotes: tuple[str, ...] = ('"', "'")
    line_comments: tuple[str, ...] = ()
    block_comments: tuple[tuple[str, str], ...] = ()
    escapes: bool = True  # backslash escapes in quoted strings
    raw_prefix: str = ""  # letters that make a string raw (Python r'', C# @"")
    prefixes: str = ""  # letters a string may start with (Python rb, f)
    multiline: tuple[str, ...] = ()  # quotes whose strings may span lines
    interpolation: tuple[str, ...] = ()  # quotes whose ${...} is code (JS template literals)
    raw_quotes: tuple[str, ...] = ()  # quotes without escapes (Go `...`)
    concat: tuple[str, ...] = ("+",)
    adjacent: bool = False  # 'a' 'b' is one string (Python, C)
    text: str | None = None  # outside literals: None, "urls" (URLs only) or "tokens" (URLs and directives)
    quote_after: str | None = None  # a quote opens a string only after one of these (or a space, a line start)
    doubled_quote: tuple[str, ...] = ()  # quotes escaped by doubling ('' in YAML and SQL)
    entities: bool = False  # &amp; and the like (HTML)
    comment_after_space: bool = False  # '#' starts a comment only at a line start or after a space


_C = ("//",), (("/*", "*/"),)
PYTHON = Syntax(
    "python", ('"""', "'''", '"', "'"), ("#",), (), raw_prefix="rR", prefixes="rRbBfFuU", multiline=('"""', "'''"), adjacent=True
)
JAVASCRIPT = Syntax("javascript", ("`", '"', "'"), *_C, multiline=("`",), interpolation=("`",))
JAVA = Syntax("java", ('"""', '"', "'"), *_C, multiline=('"""',), adjacent=False)
GO = Syntax("go", ("`", '"', "'"), *_C, multiline=("`",), raw_quotes=("`",))
CLIKE = Syntax("c", ('"""', '"', "'"), *_C, raw_prefix="@", prefixes="@$", multiline=('"""',), adjacent=True)
PHP = Syntax("php", ('"', "'"), ("//", "#"), (("/*", "*/"),), concat=(".", "+"))
RUBY = Syntax("ruby", ('"', "'"), ("#",), (), comment_after_space=True)
SHELL = Syntax("shell", ('"', "'"), ("#",), (), comment_after_space=True, concat=(), text="urls")
HTML = Syntax("html", ('"', "'", "`"), (), (("<!--", "-->"),), multiline=("`",), interpolation=("`",), text="urls", entities=True)
CSS = Syntax("css", ('"', "'"), (), (("/*", "*/"),), concat=(), text="urls")
YAML = Syntax(
    "yaml",
    ('"', "'"),
    ("#",),
    (),
    raw_quotes=("'",),
    concat=(),
    text="tokens",
    quote_after=":[{,-?",
    doubled_quote=("'",),
    comment_after_space=True,
)
JSON = Syntax("json", ('"',), *_C, concat=(), text=None)
TOML = Syntax("toml", ('"""', "'''", '"', "'"), ("#",), (), multiline=('"""', "'''"), raw_quotes=("'''", "'"), concat=(), text="tokens",
              quote_after="=[{,", comment_after_space=True)  # fmt: skip
TEXT = Syntax("text", ('"', "'", "`"), (), (), escapes=False, concat=(), text="tokens", quote_after="=:([{,")
MARKDOWN = Syntax("markdown", (), (), (), concat=(), text="urls")

LANGUAGES: dict[str, Syntax] = {
    **dict.fromkeys(("py", "pyi", "pyw", "pyx"), PYTHON),
    **dict.fromkeys(("js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts"), JAVASCRIPT),
    **dict.fromkeys(("java", "kt", "kts", "scala", "groovy", "gradle", "dart", "swift"), JAVA),
    "go": GO,
    **dict.fromkeys(("c", "h", "cc", "cpp", "cxx", "hpp", "cs", "m", "mm", "rs"), CLIKE),
    "php": PHP,
    **dict.fromkeys(("rb", "erb", "rake"), RUBY),
    **dict.fromkeys(("sh", "bash", "zsh", "ps1"), SHELL),
    **dict.fromkeys(
        ("html", "htm", "vue", "svelte", "xml", "jsp", "ejs", "hbs", "handlebars", "mustache", "twig", "jinja", "j2", "njk", "tpl", "wxml"),
        HTML,
    ),
    **dict.fromkeys(("css", "scss", "sass", "less", "styl"), CSS),
    **dict.fromkeys(("yml", "yaml"), YAML),
    **dict.fromkeys(("json", "jsonc", "json5", "ipynb"), JSON),
    **dict.fromkeys(("toml", "ini", "cfg", "conf", "env", "properties"), TOML),
    **dict.fromkeys(("md", "markdown", "mdx"), MARKDOWN),
}

# A fenced block's info string: the language of its code.
_FENCE_LANGUAGES = {
    "python": "py", "py": "py", "javascript": "js", "js": "js", "typescript": "ts", "ts": "ts", "jsx": "jsx", "tsx": "tsx",
    "java": "java", "kotlin": "kt", "go": "go", "golang": "go", "c": "c", "cpp": "cpp", "c++": "cpp", "csharp": "cs", "cs": "cs",
    "c#": "cs", "php": "php", "ruby": "rb", "rb": "rb", "shell": "sh", "sh": "sh", "bash": "sh", "console": "sh", "html": "html",
    "vue": "vue", "xml": "xml", "yaml": "yml", "yml": "yml", "json": "json", "toml": "toml", "ini": "ini", "swift": "swift",
    "rust": "rs", "dart": "dart", "scala": "scala", "objc": "m", "objective-c": "m", "css": "css", "nginx": "conf",
}  # fmt: skip


def language_of(path: str) -> Syntax:
    """The syntax of a file, from its name (plain text when unknown)."""
    name = path.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return LANGUAGES.get(extension, TEXT)


# What a text holding a directive has: a process parameter's name, or a category and its
# '/' (JSON may write it '\/'). A search for '/' that looks behind it runs at the speed of
# a search for one character; an alternation of words would not.
_CATEGORIES = ("image", "video", "audio", "doc", "hls", "csv", "json", "style")
_SLASH = re.compile("/(?:" + "|".join(f"(?<={word}/)|(?<={word}\\\\/)" for word in _CATEGORIES) + ")")


def has_needle(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` may hold a directive."""
    stop = len(text) if end is None else end
    return text.find("x-oss-", start, stop) >= 0 or _SLASH.search(text, start, stop) is not None


_HEX = "0123456789abcdefABCDEF"
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b"}
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos|nbsp);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\xa0"}


class _Builder:
    """A segment being decoded: text pieces and their offsets in the file."""

    __slots__ = ("chars", "ends", "offsets")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.ends: dict[int, int] = {}

    def literal(self, source: str, start: int, end: int) -> None:
        self.chars.append(source[start:end])
        self.offsets.extend(range(start, end))

    def char(self, char: str, at: int) -> None:
        self.chars.append(char)
        self.offsets.append(at)

    def hole(self, at: int, end: int) -> None:
        if self.chars and self.chars[-1] == HOLE:  # two holes side by side are one unknown
            self.ends[self.offsets[-1]] = end
            return
        self.char(HOLE, at)
        self.ends[at] = end

    def segment(self, end: int) -> Segment:
        # one offset per character: literal() adds a slice and its range, char() one of each
        return Segment("".join(self.chars), [*self.offsets, end], False, self.ends or None)


def _body(syntax: Syntax, quote: str, raw: bool) -> str:
    """The regex of a string's body, up to its closing quote (linear: its alternatives
    never overlap). ``${`` (a template literal's code) is not part of it."""
    escapes = syntax.escapes and not raw and quote not in syntax.raw_quotes
    q = re.escape(quote[0])
    newline = "" if quote in syntax.multiline else r"\n"
    interpolation = quote in syntax.interpolation
    plain = "[^" + q + ("\\\\" if escapes else "") + newline + ("$" if interpolation else "") + "]*"
    inner = []
    if escapes:
        inner.append(r"\\[\s\S]")
    if len(quote) == 3:
        inner.append(f"{q}(?!{q}{q})")
    if quote in syntax.doubled_quote:
        inner.append(f"{q}{q}")
    if interpolation:
        inner.append(r"\$(?!\{)")
    return f"{plain}(?:(?:{'|'.join(inner)}){plain})*" if inner else plain


def _body_pattern(syntax: Syntax, quote: str, raw: bool) -> re.Pattern[str]:
    """A string's body and what ends it: its closing quote, or a template literal's ``${``."""
    key = (syntax.name, quote, raw)
    pattern = _BODIES.get(key)
    if pattern is None:
        closing = re.escape(quote) if quote not in syntax.interpolation else f"(?:{re.escape(quote)}|\\$\\{{)"
        pattern = _BODIES[key] = re.compile(_body(syntax, quote, raw) + closing)
    return pattern


_BODIES: dict[tuple[str, str, bool], re.Pattern[str]] = {}


def _string_end(source: str, syntax: Syntax, quote: str, start: int, raw: bool, limit: int | None = None) -> int:
    """The offset after the closing quote of the string whose body starts at ``start``,
    or -1 when it does not close before ``limit`` (or the end of the line, for one-line
    strings)."""
    pattern = _body_pattern(syntax, quote, raw)
    stop = len(source) if limit is None else min(limit, len(source))
    position = start
    while True:
        found = pattern.match(source, position, stop)
        if found is None:
            return -1
        if not found.group().endswith("${"):
            return found.end()
        # ${...} of a template literal: code, of a bounded length
        position = _braces_end(source, found.end(), min(stop, found.end() + _INTERPOLATION_LIMIT))
        if position < 0:
            return -1


#: The most characters the code of one ${...} is followed for.
_INTERPOLATION_LIMIT = 10_000


def _braces_end(source: str, position: int, stop: int) -> int:
    """After the '}' that closes a '${' (nested braces and strings skipped) before
    ``stop``, or -1."""
    depth = 1
    while position < stop:
        char = source[position]
        if char in "\"'`":
            close = source.find(char, position + 1, stop)
            while close > 0 and source[close - 1] == "\\":
                close = source.find(char, close + 1, stop)
            if close < 0:
                return -1
            position = close + 1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return -1


def _decode(builder: _Builder, source: str, syntax: Syntax, quote: str, start: int, end: int, raw: bool) -> None:
    """The body source[start:end] of a string, its escapes undone, into ``builder``."""
    escapes = syntax.escapes and not raw and quote not in syntax.raw_quotes
    interpolating = quote in syntax.interpolation
    doubled = quote in syntax.doubled_quote
    special = ("\\" if escapes else "") + ("$" if interpolating else "") + (quote[0] if doubled else "") + ("&" if syntax.entities else "")
    if not special:
        builder.literal(source, start, end)
        return
    position = start
    while position < end:
        next_special = min((i for i in (source.find(c, position, end) for c in special) if i >= 0), default=end)
        builder.literal(source, position, next_special)
        position = next_special
        if position >= end:
            break
        char = source[position]
        if char == "\\":
            position = _escape(builder, source, position, end)
        elif char == "$" and source.startswith("${", position):
            closed = _braces_end(source, position + 2, end)
            stop = closed if 0 < closed <= end else end
            builder.hole(position, stop)
            position = stop
        elif doubled and source.startswith(quote * 2, position):
            builder.char(quote, position)
            position += 2 * len(quote)
        elif char == "&" and (entity := _ENTITY.match(source, position, end)) is not None:
            name = entity.group()[1:-1]
            if name.startswith("#"):
                number = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
                builder.char(chr(number) if number < 0x110000 and not 0xD800 <= number < 0xE000 else "\ufffd", position)
            else:
                builder.char(_ENTITIES[name], position)
            position = entity.end()
        else:
            builder.char(char, position)
            position += 1


def _escape(builder: _Builder, source: str, position: int, end: int) -> int:
    """One backslash escape at ``position``; the offset after it."""
    if position + 1 >= end:
        builder.char("\\", position)
        return position + 1
    kind = source[position + 1]
    if kind == "\n":  # a line continuation
        return position + 2
    if kind == "\r" and source.startswith("\n", position + 2):
        return position + 3
    width = {"x": 2, "u": 4, "U": 8}.get(kind)
    if width is not None:
        if kind == "u" and source.startswith("{", position + 2):  # \u{1F600}
            close = source.find("}", position + 3, min(end, position + 12))
            digits = source[position + 3 : close] if close > 0 else ""
            after = close + 1
        else:
            digits = source[position + 2 : position + 2 + width]
            after = position + 2 + width
        if digits and len(digits) <= 8 and all(c in _HEX for c in digits) and (kind != "x" or len(digits) == 2):
            number = int(digits, 16)
            builder.char(chr(number) if number < 0x110000 else "\ufffd", position)
            return after
    simple = _SIMPLE_ESCAPES.get(kind)
    builder.char(simple if simple is not None else kind, position)
    return position + 2


def _whole_body(syntax: Syntax, quote: str) -> str:
    """The regex of a string's body and closing quote, for strings matched whole (a
    template literal holding ${...} is not: ``_string_end`` follows its code)."""
    return _body(syntax, quote, False) + re.escape(quote)


class _Lexer:
    """Finds the strings and comments of one file in order.

    One pattern matches a whole string or comment at a time. Each of its alternatives
    starts with a plain character, outside any group, so that the regular expression
    engine looks for the next one with its fast search for a set of characters; a string's
    prefix (``r``, ``f``) is then looked at behind it."""

    def __init__(self, syntax: Syntax) -> None:
        self.syntax = syntax
        self.kinds: dict[str, tuple[str, str]] = {}  # group name: (kind, quote or comment closer)
        self.patterns: dict[frozenset[str], re.Pattern[str] | None] = {}
        self.pattern = self.without(frozenset())

    def without(self, dead: frozenset[str]) -> re.Pattern[str] | None:
        """The pattern, without the whole-string alternatives of the quotes in ``dead``
        (their openers are still matched: known not to close, they are passed over)."""
        if dead in self.patterns:
            return self.patterns[dead]
        syntax = self.syntax
        parts: list[str] = []
        for index, quote in enumerate(syntax.quotes):
            if quote not in dead:
                first, rest = re.escape(quote[0]), re.escape(quote[1:])
                parts.append(f"{first}(?P<s{index}>{rest}{_whole_body(syntax, quote)})")
                self.kinds[f"s{index}"] = ("string", quote)
        for index, quote in enumerate(syntax.quotes):  # one the pattern cannot close
            parts.append(f"{re.escape(quote[0])}(?P<o{index}>{re.escape(quote[1:])})")
            self.kinds[f"o{index}"] = ("open", quote)
        for index, comment in enumerate(syntax.line_comments):
            # the opener only: its end is found once it is known to be a comment ('#' in a
            # word is not one, and a line of them must not be read once for each)
            parts.append(rf"{re.escape(comment[0])}(?P<l{index}>{re.escape(comment[1:])})")
            self.kinds[f"l{index}"] = ("line", comment)
        for index, (opener, closer) in enumerate(syntax.block_comments):
            parts.append(rf"{re.escape(opener[0])}(?P<b{index}>{re.escape(opener[1:])}[\s\S]*?{re.escape(closer)})")
            parts.append(f"{re.escape(opener[0])}(?P<u{index}>{re.escape(opener[1:])})")
            self.kinds[f"b{index}"] = ("block", closer)
            self.kinds[f"u{index}"] = ("unclosed", closer)
        pattern = self.patterns[dead] = re.compile("|".join(parts)) if parts else None
        return pattern

    def strings(self, source: str) -> Iterator[tuple[int, int, int, str, bool]]:
        """(start, body start, end, quote, raw) of each closed string, and of each comment
        with the quote ''."""
        syntax = self.syntax
        pattern = self.pattern
        if pattern is None:
            return
        kinds, prefixes, quote_after, after_space = self.kinds, syntax.prefixes, syntax.quote_after, syntax.comment_after_space
        position = 0
        size = len(source)
        # What scans of template literals that do not close may read, together: without a
        # bound, a file of unclosed ones would be read once for each (quadratic).
        budget = 2 * size + 100_000
        # Quotes known not to close before an offset: a string that does not close on its
        # line (or, for one that may span lines, in the file) means no later opener of that
        # quote closes there either (each would pair the same escapes); trying each again
        # would read the rest of the line once for every one.
        dead: dict[str, int] = {}
        while position < size:
            restart = -1
            dead = {quote: until for quote, until in dead.items() if until > position}
            current = self.without(frozenset(dead)) if dead else pattern
            assert current is not None
            revive = min(dead.values(), default=size + 1)
            for found in current.finditer(source, position):
                name = found.lastgroup
                assert name is not None
                kind, quote = kinds[name]
                at = found.start()
                if at >= revive:  # past a dead quote's line: its strings may close again
                    restart = at
                    break
                if kind == "line":
                    if after_space and at > 0 and not source[at - 1].isspace():
                        continue  # not a comment there ('#' in a URL)
                    newline = source.find("\n", found.end())
                    end = size if newline < 0 else newline
                    yield at, at, end, "", False
                    restart = end
                    break
                if kind == "block":
                    yield at, at, found.end(), "", False
                    continue
                if kind == "unclosed":
                    yield at, at, size, "", False
                    return
                start = at
                if prefixes:
                    while start > 0 and at - start < 2 and source[start - 1] in prefixes:
                        start -= 1
                    if start > 0 and (source[start - 1].isalnum() or source[start - 1] in "_\\"):
                        restart = at + 1  # inside a word: not where a string starts
                        break
                if quote_after is not None and start > 0:
                    before = source[start - 1]
                    if not before.isspace() and before not in quote_after:
                        restart = at + len(quote)  # an apostrophe in a word
                        break
                raw = start < at and any(c in syntax.raw_prefix for c in source[start:at])
                body = at + len(quote)
                if kind == "string":
                    yield start, body, found.end(), quote, raw
                    continue
                # an opener the pattern could not close: a template literal holding ${...},
                # or an unclosed quote (read on after it)
                if quote in dead:
                    continue  # known not to close on this line
                end = -1
                if quote in syntax.interpolation and budget > 0:
                    end = _string_end(source, syntax, quote, body, False, body + budget)
                    if end < 0:  # what a scan that found no end read counts against the budget
                        budget -= min(size, body + budget) - body
                if end > 0:
                    yield start, body, end, quote, raw
                    restart = end
                    break
                if quote not in syntax.interpolation:
                    line_end = source.find("\n", body)
                    dead[quote] = size if quote in syntax.multiline or line_end < 0 else line_end
                    restart = body
                    break
            if restart < 0:
                return
            position = restart


_LEXERS: dict[str, _Lexer] = {}


def _lexer(syntax: Syntax) -> _Lexer:
    lexer = _LEXERS.get(syntax.name)
    if lexer is None:
        lexer = _LEXERS[syntax.name] = _Lexer(syntax)
    return lexer


_SPACE = " \t\r\n"


def _skip_space(source: str, position: int, comments: dict[int, int] | None = None) -> int:
    """After the spaces (and the comments, whose ends ``comments`` gives by their starts)
    at ``position``."""
    size = len(source)
    while True:
        while position < size and source[position] in _SPACE:
            position += 1
        if comments is None or position not in comments:
            return position
        position = comments[position]


def _operand_end(source: str, syntax: Syntax, position: int, limit: int) -> int:
    """The end of one operand of a concatenation (an expression without a top-level
    operator, ',' or ';', its brackets closed; strings inside it are skipped), or -1."""
    depth = 0
    start = position
    while position < limit:
        char = source[position]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and char in "+,;:?\n":
            break
        elif char in "\"'`":
            close = _string_end(source, syntax, char, position + 1, False, limit) if char in syntax.quotes else -1
            if close < 0:
                return -1
            position = close
            continue
        position += 1
    if depth or position == start:
        return -1
    return position


_String = tuple[int, int, int, str, bool]


def _concatenation(
    source: str, syntax: Syntax, builder: _Builder, strings: list[_String], index: int, at: dict[int, int], comments: dict[int, int]
) -> tuple[int, int]:
    """Follow the concatenation after ``strings[index]``: each next piece decoded into
    ``builder``, an operand between or after pieces made a placeholder. Returns the offset
    the segment's text ends at (a closing quote, or an operand's end) and the index of the
    last string used. ``at`` gives the index of the string that starts at an offset."""
    pieces = 1
    end = strings[index][2]
    text_end = end - len(strings[index][3])
    while pieces < _PIECES_LIMIT:
        after = _skip_space(source, end, comments)
        operator = next((op for op in syntax.concat if source.startswith(op, after)), None)
        if operator is None:
            following = at.get(after)
            if syntax.adjacent and following is not None and after > end:
                index, end, text_end = _append(builder, source, syntax, strings, following)
                pieces += 1
                continue
            return text_end, index
        operand_start = _skip_space(source, after + len(operator), comments)
        following = at.get(operand_start)
        if following is not None:
            index, end, text_end = _append(builder, source, syntax, strings, following)
            pieces += 1
            continue
        operand_end = _operand_end(source, syntax, operand_start, min(len(source), operand_start + _OPERAND_LIMIT))
        if operand_end < 0:  # more code than is followed: what comes after is not known
            builder.hole(operand_start, operand_start)
            return operand_start, index
        builder.hole(operand_start, operand_end)
        next_start = _skip_space(source, operand_end, comments)
        if any(source.startswith(op, next_start) for op in syntax.concat):
            following = at.get(_skip_space(source, next_start + 1, comments))
            if following is not None:
                index, end, text_end = _append(builder, source, syntax, strings, following)
                pieces += 1
                continue
        return operand_end, index
    return text_end, index


def _append(builder: _Builder, source: str, syntax: Syntax, strings: list[_String], index: int) -> tuple[int, int, int]:
    """Decode ``strings[index]`` onto the segment; its index, end and text's end."""
    _, body, end, quote, raw = strings[index]
    _decode(builder, source, syntax, quote, body, end - len(quote), raw)
    return index, end, end - len(quote)


def _leading_operand(source: str, syntax: Syntax, start: int) -> bool:
    """Whether a concatenation operator comes right before the string at ``start``."""
    position = start - 1
    while position >= 0 and source[position] in " \t\r\n":
        position -= 1
    return position >= 0 and any(source.endswith(op, 0, position + 1) for op in syntax.concat if op == "+")


_SCRIPT_OPEN = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)


def _scripts(source: str) -> Iterator[tuple[int, int]]:
    """The extents of the contents of each ``<script>``, in one pass (an unclosed one runs
    to the end of the page)."""
    position = 0
    while (opened := _SCRIPT_OPEN.search(source, position)) is not None:
        closed = _SCRIPT_CLOSE.search(source, opened.end())
        end = closed.start() if closed is not None else len(source)
        yield opened.end(), end
        if closed is None:
            return
        position = closed.end()


def segments(source: str, syntax: Syntax) -> Iterator[Segment]:
    """The segments of ``source`` that may hold a directive, in order."""
    if syntax is MARKDOWN:
        yield from _markdown(source)
        return
    if syntax is HTML and "<script" in source.lower():
        # a page's scripts are JavaScript: their comments and template literals are its own
        position = 0
        for start, end in _scripts(source):
            yield from _shifted(source, position, start, HTML)
            yield from segments_in(source, start, end, JAVASCRIPT)
            position = end
        yield from _shifted(source, position, len(source), HTML)
        return
    yield from _segments(source, syntax)


def _segments(source: str, syntax: Syntax) -> Iterator[Segment]:
    lexer = _lexer(syntax)
    tokens = list(lexer.strings(source))
    strings = [token for token in tokens if token[3]]
    at = {token[0]: index for index, token in enumerate(strings)}
    comments = [(token[0], token[2]) for token in tokens if not token[3]]
    comment_ends = dict(comments)  # a concatenation goes on past a comment
    gap = 0
    index = 0
    next_comment = 0
    while index < len(strings) or next_comment < len(comments):
        comment = comments[next_comment] if next_comment < len(comments) else None
        if comment is not None and (index >= len(strings) or comment[0] < strings[index][0]):
            if syntax.text is not None and gap < comment[0]:
                yield from _text(source, gap, comment[0], syntax.text)
            gap = max(gap, comment[1])
            next_comment += 1
            continue
        start, body, end, quote, raw = strings[index]
        if syntax.text is not None and gap < start:
            yield from _text(source, gap, start, syntax.text)
        gap = end
        if not has_needle(source, body, end):
            index += 1
            continue
        if syntax.entities and quote == '"' and ("'" in source[body:end] or "`" in source[body:end]):
            # an attribute that holds code (Vue's :src, v-bind, @click): its strings are JavaScript's
            yield from segments_in(source, body, end - 1, JAVASCRIPT)
            index += 1
            continue
        builder = _Builder()
        if syntax.concat and _leading_operand(source, syntax, start):
            builder.hole(start, start)
        _decode(builder, source, syntax, quote, body, end - len(quote), raw)
        if syntax.concat or syntax.adjacent:
            stop, index = _concatenation(source, syntax, builder, strings, index, at, comment_ends)
            gap = max(gap, stop)
        else:
            stop = end - len(quote)
        yield builder.segment(stop)
        index += 1
        while next_comment < len(comments) and comments[next_comment][0] < gap:
            next_comment += 1  # a comment inside the concatenation
    if syntax.text is not None and gap < len(source):
        yield from _text(source, gap, len(source), syntax.text)


# Text outside literals: a URL's process parameter anywhere, and (for "tokens") a word
# that starts with a known action. Placeholders of templates ({{ w }}) belong to the value.
# (bounded repetitions, as in _find's placeholders: an opener without its closer costs 200
# characters, not the rest of the text)
_TEMPLATE = r"\{\{[^\n]{0,200}?\}\}|\$\{[^}\n]{0,200}\}|\{%[^\n]{0,200}?%\}|<%=?[^\n]{0,200}?%>"
_TEXT_URL = re.compile(rf"x-oss-(?:async-)?process=(?:[^\s&#\"'<>()\[\]`{{}}\\]|{_TEMPLATE}|\{{[^{{}}\s]{{0,200}}\}})*")
_TEXT_TOKEN = re.compile(
    rf"(?<![\w/.%-])(?:image|video|audio|doc|hls|csv|json|style)/[a-z][a-z0-9-]*"
    rf"(?:[^\s\"'<>()\[\]`{{}}\\]|{_TEMPLATE}|\{{[^{{}}\s]{{0,200}}\}})*"
)


def _text(source: str, start: int, end: int, what: str) -> Iterator[Segment]:
    if not has_needle(source, start, end):
        return
    urls = []
    for found in _TEXT_URL.finditer(source, start, end):
        urls.append((found.start(), found.end()))
        yield Segment(source[found.start() : found.end()], [*range(found.start(), found.end() + 1)], raw=True)
    if what == "tokens":
        for found in _TEXT_TOKEN.finditer(source, start, end):
            if any(url_start <= found.start() < url_end for url_start, url_end in urls):
                continue  # the value of a URL's process parameter, found above
            yield Segment(source[found.start() : found.end()], [*range(found.start(), found.end() + 1)], raw=True)


_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*$", re.MULTILINE)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.{1,2000}?)(?<!`)\1(?!`)", re.DOTALL)  # bounded: a line of backticks stays linear


def _markdown(source: str) -> Iterator[Segment]:
    """Fenced blocks read as their language (a directive per token without one), code
    spans as literals, and URLs in the rest."""
    position = 0
    size = len(source)
    while position < size:
        fence = _FENCE.search(source, position)
        prose_end = fence.start() if fence is not None else size
        yield from _prose(source, position, prose_end)
        if fence is None:
            return
        marker = fence.group(2)
        body = fence.end() + 1
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.MULTILINE).search(source, body)
        body_end = closing.start() if closing is not None else size
        language = _FENCE_LANGUAGES.get(fence.group(3).lower())
        if body < body_end:
            if language is None:
                yield from _text(source, body, body_end, "tokens")
            else:
                # the block alone, at its place: offsets stay those of the file
                yield from segments_in(source, body, body_end, LANGUAGES[language])
        position = closing.end() if closing is not None else size


def _shifted(source: str, start: int, end: int, syntax: Syntax) -> Iterator[Segment]:
    """``_segments`` of ``source[start:end]`` (no script of a page looked for again), at
    their offsets in ``source``."""
    yield from _moved(_segments(source[start:end], syntax), start)


def segments_in(source: str, start: int, end: int, syntax: Syntax) -> Iterator[Segment]:
    """``segments`` of ``source[start:end]``, at their offsets in ``source``."""
    yield from _moved(segments(source[start:end], syntax), start)


def _moved(found: Iterator[Segment], start: int) -> Iterator[Segment]:
    for segment in found:
        ends = {at + start: stop + start for at, stop in segment.ends.items()} if segment.ends else None
        yield Segment(segment.text, [offset + start for offset in segment.offsets], segment.raw, ends)


def _prose(source: str, start: int, end: int) -> Iterator[Segment]:
    if start >= end or not has_needle(source, start, end):
        return
    # HTML comments are not shown: what they hold is skipped as code spans are
    spans: list[tuple[int, int]] = [(m.start(), m.end()) for m in _HTML_COMMENT.finditer(source, start, end)]
    for span in _CODE_SPAN.finditer(source, start, end):
        if any(a <= span.start() < b for a, b in spans):
            continue
        inner_start, inner_end = span.start(2), span.end(2)
        if has_needle(source, inner_start, inner_end):
            spans.append((span.start(), span.end()))
            text = source[inner_start:inner_end]
            # a span's content as code: the whole of it is the literal (one space each side trimmed)
            if text.startswith(" ") and text.endswith(" ") and text.strip():
                inner_start, inner_end = inner_start + 1, inner_end - 1
            yield Segment(source[inner_start:inner_end], [*range(inner_start, inner_end + 1)])
    gap = start
    for span_start, span_end in [*sorted(spans), (end, end)]:
        yield from _text(source, gap, span_start, "urls")
        gap = max(gap, span_end)
