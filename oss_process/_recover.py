"""After a syntax error, the parser goes on: every syntax problem in one pass, and what
did parse is still validated.

The automaton (``_lark_parser``) says where the text first leaves the grammar. The
smallest unit that keeps the rest meaningful is skipped there, and the automaton runs
again on what is left, at most ``MAX_SYNTAX_ERRORS`` times:

- a run of whitespace, or of characters outside ASCII, is skipped (``f_aac, ab_1``:
  ``ab_1`` still counts);
- a form field name before the directive (``x-oss-process=``) is skipped;
- any other stray character is skipped alone (``ss_+1``, ``audio//convert``);
- an unfinished end (``...|sys/saveas,o_``, ``audio/``) is reported once and cut back to
  what parses;
- a percent-encoded directive, the legacy ``@`` syntax or an object key with its query are
  a whole-text mistake: nothing after them is read as meant, so recovery stops there.

What is left is scanned and validated like any directive, with spans into the text as
written. A finding the skipping may have caused is left out: one about a single token
that held a skipped character (``f_mp 3x`` is not also "not one of mp3, ..."), and, after
an unfinished end, a required parameter or sys/saveas the cut may have taken away.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ._lark_parser import ascii_of, automaton, diagnose, ends_early
from ._syntax import RawDirective, in_language, scan
from .ast import Span
from .diagnostics import Diagnostic
from .tables.limits import MAX_SYNTAX_ERRORS
from .tables.policy import POLICY

__all__ = ["Recovered", "knock_on", "recover"]

# Whole-text mistakes: recovery stops at them.
_STOPS = frozenset({"E014", "E016"})
_SEPARATORS = ",/|"
_SEPARATOR = re.compile("[,/|]")
# Full-width ',', '/' and '|': skipped, they would join two words; read as the ASCII they
# stand for, the rest parses as meant. Other full-width characters are skipped.
_FULL_WIDTH_SEPARATORS = frozenset("\uff0c\uff0f\uff5c")


class Recovered(NamedTuple):
    problems: list[Diagnostic]  # the syntax problems, in the order found
    skipped: frozenset[int]  # offsets of the characters skipped (not those cut off the end)
    cut: int | None  # where an unfinished end was cut back to, if one was
    dropped: tuple[Span, ...] = ()  # parameters taken out whole (a key without its value)
    left: str = ""  # the text left, in the language ("": nothing is left)
    replaced: frozenset[int] = frozenset()  # full-width characters read as their ASCII
    kept: tuple[int, ...] = ()  # kept[i]: where left[i] is in the text as written

    @property
    def raw(self) -> RawDirective | None:
        """What is left, scanned, with spans into the text as written; None: nothing.
        Made on each use (read it once): a fast path checks ``left`` without it."""
        if not self.left:
            return None
        raw = scan(self.left)
        if raw is None:  # the scanner and the automaton agree on the language (differential tests)
            raise AssertionError(f"recovered text {self.left!r} is not in the language")
        return _mapped(raw, self.kept)


def _run(text: str, start: int, inside: str) -> int:
    """The end of the run of characters in ``inside`` (a predicate name) from ``start``."""
    end = start
    if inside == "space":
        while end < len(text) and text[end].isspace():
            end += 1
    else:
        while end < len(text) and not (" " <= text[end] <= "~") and not text[end].isspace():
            end += 1
    return max(end, start + 1)


def recover(text: str) -> Recovered:
    """Every syntax problem of ``text`` (which the scanner refused), and the raw form of
    what is left once each is skipped."""
    machine = automaton()
    whole = in_language()  # the scanner's verdict first: a regular expression, far cheaper
    current, kept = text, list(range(len(text)))  # kept[i]: where current[i] is in text
    problems: list[Diagnostic] = []
    cut: int | None = None
    dropped: list[Span] = []  # parameters taken out whole
    replaced: set[int] = set()  # full-width characters read as their ASCII
    gone: set[int] = set()  # offsets of what was skipped or cut
    after_skip = -1  # just after the last visible characters skipped: what fails there is their echo
    checkpoints: list[tuple[int, tuple[int, ...]]] = []  # the automaton's, in current
    stop = machine.first_error(current)
    while stop is not None:
        pos, expected = stop
        if pos >= len(current):  # an unfinished end: said once, then cut back until it parses
            at = kept[pos - 1] + 1 if pos else 0
            if cut is None and (at == len(text) or text[at:].isspace()):
                problems.append(ends_early(text, at, expected))
            current, kept = _cut_back(current, kept)
            cut = kept[-1] + 1 if kept else 0
            if not current:
                return Recovered(problems, frozenset(), cut)
            stop = _next(machine, whole, current, checkpoints, len(current))
            continue
        if len(problems) >= MAX_SYNTAX_ERRORS:  # stop here: what came before is still validated
            problems.append(
                Diagnostic(
                    "E004",
                    f"syntax checking stopped after {MAX_SYNTAX_ERRORS} errors; the rest of the directive is not checked",
                    Span(kept[pos], len(text)),
                )
            )
            end = pos
            while end and current[end - 1] in _SEPARATORS:  # no empty parameter the stop made
                end -= 1
            current, kept = current[:end], kept[:end]
            cut = kept[-1] + 1 if kept else 0
            if not current:
                return Recovered(problems, frozenset(gone), cut)
            stop = _next(machine, whole, current, checkpoints, len(current))
            continue
        if kept[pos] in replaced:  # its ASCII does not fit either: said once (E017), now skipped
            gone.add(kept[pos])
            current, kept = current[:pos] + current[pos + 1 :], kept[:pos] + kept[pos + 1 :]
            if not current:
                return Recovered(problems, frozenset(gone), cut)
            stop = _next(machine, whole, current, checkpoints, pos)
            continue
        problem = diagnose(text, kept[pos], expected)
        if problem.code in _STOPS or (problem.code == "E015" and problem.span.start == 0 and "?" in text[: problem.span.end]):
            problems.append(problem)
            return Recovered(problems, frozenset(), cut)
        if problem.code == "E015":  # the form field name: skip it whole, up to its '='
            start, end = 0, current.index("=") + 1
        elif problem.code == "E012":
            start, end = pos, _run(current, pos, "space")
            problem = Diagnostic(problem.code, problem.message, Span(kept[start], kept[end - 1] + 1), problem.hint)
            if "COMMA" in expected and _comma_meant(machine, text, current, kept, start, end, checkpoints):
                # "saveas o_YQ": joined, the two words break; a ',' was meant (still E012).
                problems.append(problem)
                current, kept = current[:start] + "," + current[end:], kept[: start + 1] + kept[end:]
                stop = _next(machine, whole, current, checkpoints, start)
                continue
        elif problem.code == "E017":
            start, end = pos, _run(current, pos, "outside")
            problem = Diagnostic(problem.code, problem.message, Span(kept[start], kept[end - 1] + 1), problem.hint)
            if all(c in _FULL_WIDTH_SEPARATORS for c in current[start:end]):  # an IME's ',', '/' or '|': read as meant
                problems.append(problem)
                replaced.update(kept[start:end])
                current = current[:start] + ascii_of(current[start:end]) + current[end:]
                stop = _next(machine, whole, current, checkpoints, start)
                continue
        elif kept[pos] == after_skip:  # what was skipped left its unit unfinished: drop the unit
            sep = max(current.rfind(c, 0, pos) for c in _SEPARATORS)
            bar = current.find("|", pos)
            start, end = (sep, pos) if sep >= 0 and current[sep] == "," else (pos, len(current) if bar < 0 else bar)
            dropped.append(Span(kept[start], kept[end - 1] + 1))
        elif current[pos] in _SEPARATORS and pos and current[pos - 1] == "_":
            # A key without its value ("f_|sys/...", "ab_,"): the parameter goes, the separator stays.
            sep = max(current.rfind(c, 0, pos) for c in _SEPARATORS)
            start, end = max(sep, 0), pos
            dropped.append(Span(kept[start], kept[end - 1] + 1))
        elif problem.code == "E010" and current[pos] != "+":
            start, end = _structural(machine, whole, text, current, kept, pos, checkpoints)
        else:
            start, end = pos, pos + 1
        if kept[pos] != after_skip:
            problems.append(problem)
        if problem.code != "E012":
            after_skip = kept[end - 1] + 1
        gone.update(kept[start:end])
        current, kept = current[:start] + current[end:], kept[:start] + kept[end:]
        if not current:
            return Recovered(problems, frozenset(), cut)
        stop = _next(machine, whole, current, checkpoints, start)
    return Recovered(problems, frozenset(gone), cut, tuple(dropped), current, frozenset(replaced), tuple(kept))


def _next(
    machine: Any, whole: Any, current: str, checkpoints: list[tuple[int, tuple[int, ...]]], edited: int
) -> tuple[int, frozenset[str]] | None:
    """Where ``current`` next leaves the grammar, after an edit at ``edited``: checkpoints
    past it are dropped. The scanner's regular expression says at once whether it does not
    at all, while there is no checkpoint to resume from (after one, resuming reads only
    what follows it: cheaper for a long text)."""
    while checkpoints and checkpoints[-1][0] > edited:
        checkpoints.pop()
    if not checkpoints and whole(current):
        return None
    found: tuple[int, frozenset[str]] | None = machine.resume(current, checkpoints)
    return found


def _structural(
    machine: Any, whole: Any, text: str, current: str, kept: list[int], pos: int, checkpoints: list[tuple[int, tuple[int, ...]]]
) -> tuple[int, int]:
    """What to skip for a character the grammar does not take where it stands: that
    character alone, when the parser then gets past the unit it stands in
    (``audio//convert``, ``,_aac``); else the rest of its stage (``Notify,topic_...``: no
    one character away from a directive)."""
    after = current[:pos] + current[pos + 1 :]
    if whole(after):  # the scanner says at once what the automaton would after reading it all
        return pos, pos + 1
    stop = machine.resume(after, [c for c in checkpoints if c[0] <= pos])
    if stop is None:
        return pos, pos + 1
    unit_end = next((i for i in range(kept[pos] + 1, len(text)) if text[i] in _SEPARATORS), len(text))
    reached = len(text) if stop[0] >= len(after) else kept[stop[0] + (stop[0] >= pos)]
    if reached > unit_end:
        return pos, pos + 1
    bar = current.find("|", pos + 1)
    return pos, len(current) if bar < 0 else bar


def _comma_meant(
    machine: Any, text: str, current: str, kept: list[int], start: int, end: int, checkpoints: list[tuple[int, tuple[int, ...]]]
) -> bool:
    """Whether whitespace between two words stands for a ',': skipped, the parser stops
    inside the word it joins; read as ',', it gets past that word."""
    if not start or current[start - 1] in _SEPARATORS or end >= len(current) or current[end] in _SEPARATORS:
        return False
    before = [c for c in checkpoints if c[0] <= start]
    joined = machine.resume(current[:start] + current[end:], list(before))
    if joined is None:
        return False
    word_end = next((i for i in range(kept[end], len(text)) if text[i] in _SEPARATORS or text[i].isspace()), len(text))
    reached = len(text) if joined[0] >= len(current) - (end - start) else kept[joined[0] + (end - start) * (joined[0] >= start)]
    if reached > word_end:
        return False
    split = machine.resume(current[:start] + "," + current[end:], list(before))
    return split is None or split[0] > joined[0]


def _cut_back(current: str, kept: list[int]) -> tuple[str, list[int]]:
    """``current`` less its unfinished end: trailing separators, else its last piece."""
    end = len(current)
    if current[end - 1] in _SEPARATORS:
        while end and current[end - 1] in _SEPARATORS:
            end -= 1
    else:
        end = max(current.rfind(c) for c in _SEPARATORS)
        end = max(end, 0)
    return current[:end], kept[:end]


def _mapped(raw: RawDirective, kept: tuple[int, ...]) -> RawDirective:
    """``raw`` with its offsets (into the text left, never empty) moved into the text as
    written: a start at ``i`` to ``at[i]``, an end at ``e`` after ``s`` just past the
    character before it; an empty one stays at its start."""
    at = (*kept, kept[-1] + 1)  # an offset at the end of the text left: just past its last
    return [
        (
            category,
            at[s_start],
            kept[s_end - 1] + 1 if s_end > s_start else at[s_start],
            [
                (
                    name,
                    at[a_start],
                    kept[a_end - 1] + 1 if a_end > a_start else at[a_start],
                    [(key, value, at[p], kept[q - 1] + 1 if q > p else at[p]) for key, value, p, q in params],
                )
                for name, a_start, a_end, params in actions
            ],
        )
        for category, s_start, s_end, actions in raw
    ]


_ABSENCE = frozenset({POLICY["missing value"].code})
_NEEDS = re.compile(r" needs (\w+):")  # the key an E202 message names (validation._parameters)
_ONE_OF = re.compile(r"^one of (.+) is needed:")  # the keys of rules.OneOf's E202


def knock_on(diagnostic: Diagnostic, text: str, recovered: Recovered) -> bool:
    """True for a finding the skipping may have caused rather than the text as meant."""
    code, span = diagnostic.code, diagnostic.span
    if code == "W111":  # the text means to save: what recovery took may have been the save
        return "saveas" in text
    if code in _ABSENCE:
        needed = _NEEDS.search(diagnostic.message)
        if needed is not None:
            return _taken(needed[1], text, recovered)
        one_of = _ONE_OF.search(diagnostic.message)
        return one_of is not None and any(_taken(key, text, recovered) for key in re.split(r", | or ", one_of[1]))
    if any(span.start <= i < span.end for i in recovered.replaced):
        return True  # read with a full-width character made ASCII: not as written
    skipped = recovered.skipped
    if any(m.start() not in skipped for m in _SEPARATOR.finditer(text, span.start, span.end)):
        return False  # about more than one token
    # A character skipped inside the token: it was split, and its pieces read as one.
    return any(span.start < i < span.end - 1 for i in skipped)


def _taken(key: str, text: str, recovered: Recovered) -> bool:
    """Whether recovery took out what may have been the parameter ``key``: a unit it
    dropped, the end it cut, or a token a skipped character broke (``f=aac``)."""
    if any(text[d.start : d.end].lstrip(",").split("_")[0] == key for d in recovered.dropped):
        return True
    if recovered.cut is not None and re.search(rf"(?:^|[,/|]){re.escape(key)}_", text[recovered.cut :]):
        return True
    for i in recovered.skipped:
        if text[i].isspace():
            continue
        start = max(text.rfind(c, 0, i) for c in _SEPARATORS) + 1
        token = text[start:i]
        if token == key or (token.startswith(key) and not token[len(key)].isalnum()):
            return True
    return False
