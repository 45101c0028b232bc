"""From segments to findings: the directives in them, linted, with placeholders taken
into account, each problem placed at the line and column of the file it came from."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from oss_process import ParseError, lint, parse
from oss_process._settings import wanted
from oss_process.ast import Directive, Span
from oss_process.diagnostics import Diagnostic, internal_error
from oss_process.tables import BUILTIN, Mode

from ._lexer import HOLE, Segment, Syntax, segments
from ._model import Finding, Place, Problem

__all__ = ["Codes", "find", "placeholders"]

#: What a placeholder is linted as: a character every part of a directive takes.
STAND_IN = "0"

# A placeholder of a template or a format string, in a literal's decoded text. '%' with
# two hex digits is a percent escape, never a format verb.
# Every repetition is bounded (200 characters): an opener without its closer then costs
# that much, not the rest of the line (a line of them would be quadratic).
_PLACEHOLDER = re.compile(
    r"(?P<escape>%[0-9A-Fa-f]{2}|%%)"
    r"|\$\{(?:[^{}\n]|\{[^{}\n]{0,100}\}){0,200}\}|#\{[^}\n]{0,200}\}|\{\{[^\n]{0,200}?\}\}|\{%[^\n]{0,200}?%\}"
    r"|<%=?[^\n]{0,200}?%>|\{[^{}\n]{0,200}\}|\$\(\(?[^()\n]{0,200}\)\)?|`[^`\n]{0,200}`"
    r"|\$[A-Za-z_][A-Za-z0-9_]*|\$\d"
    r"|%(?:\([A-Za-z_][A-Za-z0-9_]*\)|\[\d+\])?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[sdvfFxXqtcbeEgGoiuT]"
)
_PROCESS = re.compile(r"(?<![\w-])x-oss-(async-)?process=")
# Where a process parameter's value ends in a literal: what no URL query value holds.
_VALUE_END = re.compile(r"[&#\s\"'`<>()\[\]\\]")
_PROCESS_CATEGORIES = tuple(name for name, info in BUILTIN.categories.items() if name != "sys" and info.actions)
_ACTION = re.compile(rf"(?:{'|'.join(_PROCESS_CATEGORIES)})/([a-z][a-z0-9-]*)(?=[,/|{HOLE}]|$)")
# After an action, a '/' starts the next action of the category: a word that is none
# ('image/crop/thumb.jpg', 'image/resize/index.js') makes the text a path.
_NEXT = re.compile(rf"/([^,/|{HOLE}]*)")
# An SDK call right before a literal, on its line, says the mode (not Java's setProcess:
# GetObjectRequest and AsyncProcessObjectRequest both have one).
_CALL = re.compile(
    r"(?i)(?P<async>async_?process_?object(?:request)?\s*\()"
    r"|(?:process_?object(?:save)?(?:request)?|get_?object(?:_to_file|request)?|sign(?:ature)?_?url|oss\.process)\s*\("
)

# Codes that rest on the text of their span alone: they stand however a placeholder
# elsewhere turns out. Any other rests on more of the directive.
_LOCAL = frozenset(
    re.findall(
        r"\w+",
        "E010 E011 E012 E013 E014 E015 E016 E017 E100 E101 W102 E110 E200 W220 E201 E204 E205 E206 E207 W208 "
        "E209 W221 W223 W224 W233 E300 E301 W302 E303 E304 W305 E306 W307 E308 W309 E310 E311 E312 W313 E314 W315",
    )
)
# Codes of the directive's structure (its stages and actions, not their values): they
# stand beside a placeholder inside a parameter of another action.
_STRUCTURE = frozenset(re.findall(r"\w+", "E103 E104 E105 W106 E107 E108 E109 W111 W114 W115 W116 E117 E118 E202 E203"))


class Codes(NamedTuple):
    """Which codes are reported (``_settings.wanted``)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def wanted(self, code: str) -> bool:
        return wanted(code, self.select, self.ignore)


def placeholders(segment: Segment) -> Segment:
    """The segment with each template placeholder ({w}, ${w}, %d, {{ w }}) made one HOLE."""
    text = segment.text
    if not any(c in text for c in "{$%<#"):
        return segment
    chars: list[str] = []
    offsets: list[int] = []
    ends = dict(segment.ends or {})
    position = 0
    for found in _PLACEHOLDER.finditer(text):
        if found.lastgroup == "escape":
            continue
        chars.append(text[position : found.start()])
        offsets.extend(segment.offsets[position : found.start()])
        end = segment.offsets[found.end() - 1] + 1
        if offsets and chars[-1] == "" and len(chars) > 1 and chars[-2] == HOLE:
            ends[offsets[-1]] = end  # side by side with the one before: one placeholder
        else:
            chars.append(HOLE)
            offsets.append(segment.offsets[found.start()])
            ends[offsets[-1]] = end
        position = found.end()
    if position == 0:
        return segment
    chars.append(text[position:])
    offsets.extend(segment.offsets[position:])
    return Segment("".join(chars), offsets, segment.raw, ends)


class _Candidate(NamedTuple):
    kind: str
    text: str  # with HOLEs
    offsets: list[int]  # file offsets, len(text) + 1
    mode: Mode | None
    ends: dict[int, int] | None  # where each placeholder's code ends


def _candidates(segment: Segment, source: str) -> Iterable[_Candidate]:
    text = segment.text
    found_url = False
    for parameter in _PROCESS.finditer(text):
        found_url = True
        start = parameter.end()
        end_match = _VALUE_END.search(text, start)
        end = end_match.start() if end_match is not None else len(text)
        value = text[start:end]
        mode = Mode.ASYNC if parameter.group(1) else Mode.SYNC
        if "%" in value:
            from oss_process.urls import percent_decode

            decoded, table = percent_decode(value)
            offsets = [segment.offsets[start + i] for i in table]
            yield _Candidate("url", decoded, offsets, mode, segment.ends)
        else:
            yield _Candidate("url", value, segment.offsets[start : end + 1], mode, segment.ends)
    if found_url:
        return
    skip = 0
    if not segment.raw:
        # a literal that opens with a line break (a Java text block, an indented
        # triple-quoted string): the directive is its first line with text
        lead = len(text) - len(text.lstrip())
        if lead and "\n" in text[:lead]:
            skip = lead
            text = text[skip:]
    line_end = text.find("\n")
    if line_end >= 0:
        text = text[:line_end].rstrip() if skip else text[:line_end]
    if segment.raw:
        end_match = _VALUE_END.search(text)
        if end_match is not None:
            text = text[: end_match.start()]
        bare = text.rstrip(",;:.")  # punctuation of the prose or the YAML flow around it
        if bare != text and "," not in bare and "/" not in bare[bare.index("/") + 1 :] and not bare.startswith("style/"):
            return  # an action named in a sentence ('image/resize, which scales'), not a directive
        text = bare
    elif len(text.split()) > 2:
        return  # prose in a string ('image/resize, the action'); a stray space stays a directive's
    if _STYLE.match(text) or ((action := _ACTION.match(text)) is not None and _known(text, action)):
        offsets = segment.offsets[skip : skip + len(text) + 1]
        yield _Candidate("literal", text, offsets, _call_mode(source, offsets[0]), segment.ends)


# A style's name has no '/': 'style/css/print.css' is a path.
_STYLE = re.compile(rf"style/[A-Za-z0-9_.{HOLE}-]+(?:\||$)")


def _known(text: str, action: re.Match[str]) -> bool:
    category = text[: text.index("/")]
    if BUILTIN.lookup(category, action.group(1)) is None:
        return False
    following = _NEXT.match(text, action.end())
    return following is None or BUILTIN.lookup(category, following.group(1)) is not None or HOLE in following.group(1)


def _call_mode(source: str, offset: int) -> Mode | None:
    line_start = source.rfind("\n", max(0, offset - 200), offset) + 1  # only the 200 characters before are read
    before = source[max(line_start, offset - 200) : offset]
    calls = list(_CALL.finditer(before))
    if not calls:
        return None
    # only a call still open at the literal: its parenthesis not closed, no statement ended
    between = before[calls[-1].end() :]
    if ";" in between or between.count(")") >= between.count("(") + 1:
        return None
    return Mode.ASYNC if calls[-1].group("async") else Mode.SYNC


def _tree(text: str) -> Directive | None:
    try:
        return parse(text)
    except ParseError:
        from oss_process._recover import recover
        from oss_process._syntax import to_ast

        raw = recover(text).raw
        return to_ast(raw, len(text)) if raw is not None else None


def _overlaps(span: Span, region: Span) -> bool:
    if span.end <= span.start:  # a place between characters: at the region's edge counts
        return region.start <= span.start <= region.end
    return span.start < region.end and region.start < span.end


def _kept(diagnostics: Sequence[Diagnostic], text: str, holes: Sequence[int]) -> list[Diagnostic]:
    """What lint found in ``text`` (the stand-ins in place) that no placeholder can change."""
    if not holes:
        return list(diagnostics)
    tree = _tree(text)
    regions: list[Span] = []
    actions: list[Span] = []
    structural = tree is None
    for hole in holes:
        region = None
        for stage in tree.stages if tree is not None else ():
            for action in stage.actions:
                if not action.span.start <= hole <= action.span.end:
                    continue
                actions.append(action.span)
                for parameter in action.parameters:
                    if parameter.span.start <= hole <= parameter.span.end:
                        value_start = parameter.span.start + len(parameter.key) + 1 if parameter.key is not None else -1
                        # a literal key stays judged (unknown, repeated); its value is not
                        region = Span(value_start, parameter.span.end) if 0 <= value_start <= hole else parameter.span
                        if parameter.key is None:  # a bare placeholder may be several parameters
                            structural = True
                if region is None:
                    region = action.span
                    structural = True
        if region is None:
            structural = True
            region = Span(0, len(text))
        regions.append(region)
        if hole > 0 and text[hole - 1] != "_":
            # not a value after its key: it may hold ',' or '/', so what follows it up to
            # the next '/' or '|' written out may belong to another parameter or action
            following = [i for i in (text.find("/", hole), text.find("|", hole)) if i >= 0]
            regions.append(Span(hole, min(following, default=len(text))))
            structural = True
    kept = []
    for diagnostic in diagnostics:
        span = diagnostic.span
        if any(_overlaps(span, region) for region in regions):
            continue
        if diagnostic.code in _LOCAL:
            kept.append(diagnostic)
            continue
        if structural or any(_overlaps(span, action) for action in actions):
            continue
        if diagnostic.code in _STRUCTURE:
            kept.append(diagnostic)
    return kept


class _Lines:
    """Line, line start and UTF-16 column of offsets in one file, moved to from the offset
    asked before (a file's findings come in order): each move costs the distance moved, so
    a long line of many findings is walked about once, not once for each."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.offset, self.line, self.line_start, self.units = 0, 1, 0, 0  # units: UTF-16 units before offset on its line

    def _move(self, offset: int) -> tuple[int, int, int]:
        source = self.source
        if offset >= self.offset:
            newlines = source.count("\n", self.offset, offset)
            if newlines:
                self.line += newlines
                self.line_start = source.rfind("\n", self.offset, offset) + 1
                self.units = _utf16(source, self.line_start, offset)
            else:
                self.units += _utf16(source, self.offset, offset)
        else:
            newlines = source.count("\n", offset, self.offset)
            if newlines:
                self.line -= newlines
                self.line_start = source.rfind("\n", 0, offset) + 1
                self.units = _utf16(source, self.line_start, offset)
            else:
                self.units -= _utf16(source, offset, self.offset)
        self.offset = offset
        return self.line, self.line_start, self.units

    def line_start_of(self, offset: int) -> int:
        return self._move(offset)[1]

    def place(self, start: int, end: int) -> Place:
        line, line_start, units = self._move(start)
        end_line, end_line_start, end_units = self._move(end)
        return Place(line, start - line_start + 1, end_line, end - end_line_start + 1, units + 1, end_units + 1)

    def text(self, line_start: int) -> str:
        """The line that starts at ``line_start``."""
        end = self.source.find("\n", line_start)
        return self.source[line_start : end if end >= 0 else len(self.source)]


def _utf16(source: str, start: int, end: int) -> int:
    part = source[start:end]
    if part.isascii():
        return len(part)
    return len(part) + sum(1 for c in part if c > "\uffff")


# In a comment (after '#', '//', '/*', '<!--', '--' or ';' on its line): "oss-process:
# ignore" alone, or with a list of codes or prefixes in brackets; anything else
# ("ignored", an unclosed bracket) suppresses nothing.
_SUPPRESS = re.compile(r"oss-process:\s*ignore(?:\[([A-Za-z0-9,\s]*)\]|(?![\w\[-]))")
_COMMENT_MARK = re.compile(r"#|//|/\*|<!--|--|;")


def _suppressions(lines: _Lines, offset: int, memo: dict[int, tuple[str, ...] | None]) -> tuple[str, ...] | None:
    """The codes a comment on the line of ``offset`` suppresses (``()``: all; None: none),
    read once per line."""
    start = lines.line_start_of(offset)
    if start in memo:
        return memo[start]
    text = lines.text(start)
    found: tuple[str, ...] | None = None
    if "oss-process:" in text:
        for comment in _SUPPRESS.finditer(text):
            if _COMMENT_MARK.search(text, 0, comment.start()) is None:
                continue  # not in a comment
            listed = comment.group(1)
            if listed is None:
                found = ()
                break
            found = (*(found or ()), *(c.strip().upper() for c in listed.split(",") if c.strip()))
    memo[start] = found
    return found


def _suppressed(lines: _Lines, offset: int, code: str, memo: dict[int, tuple[str, ...] | None]) -> bool:
    codes = _suppressions(lines, offset, memo)
    return codes is not None and (codes == () or code.startswith(codes))


def _span_in_file(candidate: _Candidate, source: str, span: Span) -> tuple[int, int]:
    offsets = candidate.offsets
    size = len(offsets) - 1
    start = offsets[min(max(span.start, 0), size)]
    if span.end <= span.start:
        return start, start
    last_index = min(span.end, size) - 1
    last = offsets[last_index]
    following = offsets[min(span.end, size)]
    if candidate.text[last_index] == HOLE and candidate.ends:  # a placeholder ends where its code does
        end = candidate.ends.get(last, last + 1)
    elif source[last : last + 1] in ("\\", "%", "&"):  # an escape (\u00e9, %2C) covers up to the next
        end = max(following, last + 1)
    else:
        end = last + 1
    return start, max(end, start)


_ALL = Codes()
# Directives up to this long are checked once per scan (per process) for each mode and
# placeholders: code bases repeat them.
_CACHED_LENGTH = 2048
_CACHED_DIRECTIVES = 4096


def _check(text: str, mode: Mode | None, holes: tuple[int, ...]) -> tuple[Diagnostic, ...]:
    """What lint finds in ``text`` (its placeholders stood in for) that they cannot change."""
    linted = text.replace(HOLE, STAND_IN) if holes else text
    try:
        found = lint(linted, mode=mode)
    except Exception as error:  # noqa: BLE001 - one directive's trouble must not end the scan
        found = [internal_error(error, linted)]
    return tuple(_kept(found, linted, holes))


_checked = lru_cache(maxsize=_CACHED_DIRECTIVES)(_check)


def warm() -> None:
    """Load what every file's scan needs (each language's patterns, the tables, the
    parser) in this process, so that the worker processes forked from it share it."""
    from ._lexer import LANGUAGES, _body_pattern, _lexer

    for syntax in set(LANGUAGES.values()):
        _lexer(syntax)
        for quote in syntax.quotes:
            _body_pattern(syntax, quote, False)
    for directive in ("image/resize,w_0", "video/snapshot,t_0", "audio/convert,f_mp3", "doc/preview", "hls/m3u8", "image/resize, w_1"):
        _check(directive, None, ())


def find(source: str, path: str, syntax: Syntax, codes: Codes = _ALL, mode: Mode | None = None) -> list[Finding]:
    """Every directive in ``source`` (a file's text, read as ``syntax``), linted."""
    findings: list[Finding] = []
    lines: _Lines | None = None
    memo: dict[int, tuple[str, ...] | None] = {}  # suppressions by line
    for segment in segments(source, syntax):
        for candidate in _candidates(placeholders(segment), source):
            text = candidate.text
            if not text.replace(HOLE, ""):
                continue
            holes = tuple(i for i, c in enumerate(text) if c == HOLE) if HOLE in text else ()
            checked_mode = candidate.mode or mode
            checked = _checked(text, checked_mode, holes) if len(text) <= _CACHED_LENGTH else _check(text, checked_mode, holes)
            if lines is None:
                lines = _Lines(source)
            whole = _span_in_file(candidate, source, Span(0, len(text)))
            place = lines.place(*whole)
            problems = []
            suppressed = 0
            for diagnostic in checked:
                if not codes.wanted(diagnostic.code):
                    suppressed += 1
                    continue
                start, end = _span_in_file(candidate, source, diagnostic.span)
                first = candidate.offsets[0]
                if _suppressed(lines, start, diagnostic.code, memo) or (
                    source.find("\n", first, start) >= 0 and _suppressed(lines, first, diagnostic.code, memo)
                ):
                    suppressed += 1
                    continue
                problems.append(Problem(diagnostic, lines.place(start, end)))
            shown = text.replace(HOLE, "{}") if holes else text
            findings.append(Finding(path, candidate.kind, shown, checked_mode, place, len(holes), tuple(problems), suppressed))
    findings.sort(key=lambda finding: (finding.place.line, finding.place.column))  # text finds URLs, then words
    return findings
