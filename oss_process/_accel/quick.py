"""Each kind's check as a regular expression and inlined lines of Python, for the fast path.

The kinds in :mod:`oss_process.kinds` are plain data with a ``check``; this module knows,
per built-in kind, the spellings that ``check`` finds clean as written (``lexical``) and
a few lines that give the typed value of such a text or give up (``quick_source``). A
kind it does not know (a user's) gets the grammar's whole VALUE pattern and a call of its
own ``check``: slower, never wrong. ``tests/property/test_quick.py`` holds every table
row's quick check to ``check``.
"""

from __future__ import annotations

import binascii
import linecache
import re
from collections.abc import Callable, Iterable
from itertools import count

from .. import kinds
from .._grammar import terminal_patterns
from ..ast import Value
from ..kinds import Base64Name, BucketName, Choice, Integer, IntegerChoice, Kind, NameRule, ObjectName, TopicName
from .cache import CACHE

__all__ = ["Namespace", "compile_quick", "define", "lexical", "quick_source"]


class Namespace:
    """The constants a generated function names, each under a readable name."""

    __slots__ = ("names", "values")

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.names: dict[int, str] = {}

    def bind(self, constant: object, name: str) -> str:
        """The name ``constant`` has in the generated source (``name``, made unique)."""
        known = self.names.get(id(constant))
        if known is not None:
            return known
        unique, suffix = name, 2
        while unique in self.values:
            unique, suffix = f"{name}_{suffix}", suffix + 1
        self.values[unique] = constant
        self.names[id(constant)] = unique
        return unique


_serial = count(1)


def define(signature: str, body: str, namespace: Namespace, about: str) -> Callable[..., object]:
    """The function ``def <signature>: <body>``, generated source run in ``namespace``.

    The source is registered with :mod:`linecache` under a file name that says what it
    is for (``about``), so tracebacks, profilers and coverage show its lines.
    """
    source = f"# {about}\ndef {signature}:\n" + "".join(f"    {line}\n" for line in body.splitlines())
    filename = f"<oss_process generated {next(_serial)}: {about}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    CACHE.sources.put(filename, None)
    scope: dict[str, object] = dict(namespace.values)
    exec(compile(source, filename, "exec"), scope)  # source built by this package from the tables
    function = scope[signature.partition("(")[0]]
    function.__source__ = source  # type: ignore[attr-defined]
    return function  # type: ignore[return-value]


def _covering(spellings: Iterable[str]) -> str:
    """A character class and length range that every spelling matches: far cheaper to
    compile into each shape's expression than the alternatives themselves."""
    spellings = list(spellings)
    characters = "".join(sorted({re.escape(c) for spelling in spellings for c in spelling}))
    return f"[{characters}]{{{min(map(len, spellings))},{max(map(len, spellings))}}}"


def lexical(kind: Kind | None) -> str:
    """A regular expression (no groups) matched by every text ``kind.check`` finds clean
    as written; each text it matches is a VALUE of the grammar."""
    if isinstance(kind, Integer):
        # No leading zero, a '-' only where the minimum is negative (never "-0"); never more
        # digits than check converts.
        digits = min(max(len(str(kind.maximum)), len(str(-kind.minimum))), kinds.MAX_DIGITS) - 1
        sign = "-?" if kind.minimum < 0 else ""
        return f"0|{sign}[1-9][0-9]{{0,{digits}}}"
    if isinstance(kind, IntegerChoice):
        spellings = [str(choice) for choice in kind.choices if len(str(abs(choice))) <= kinds.MAX_DIGITS]
        return _covering(spellings) if spellings else "(?!)"
    if isinstance(kind, Choice):
        return _covering(kind.choices)
    if isinstance(kind, Base64Name):
        return "[A-Za-z0-9_-]+"  # padding is never clean (W302): the text is the body
    return f"(?:{terminal_patterns()['VALUE']})"


def quick_source(kind: Kind, text: str, value: str, namespace: Namespace) -> str:
    """Lines that set the variable ``value`` to the typed value of the string variable
    ``text`` (which matches ``lexical(kind)``) when ``check`` would report nothing and
    keep the text as written; else ``return None``."""
    bind = namespace.bind
    if isinstance(kind, Integer):
        return f"{value} = int({text})\nif not {kind.minimum} <= {value} <= {kind.maximum}:\n    return None"
    if isinstance(kind, IntegerChoice):
        # Only the plain spelling of a choice is clean.
        by_spelling = bind({str(choice): choice for choice in kind.choices}, "INTEGER_CHOICES")
        return f"{value} = {by_spelling}.get({text})\nif {value} is None:\n    return None"
    if isinstance(kind, Choice):
        return f"if {text} not in {bind(frozenset(kind.choices), 'CHOICES')}:\n    return None\n{value} = {text}"
    if isinstance(kind, Base64Name):
        # binascii.Error and UnicodeDecodeError are both ValueErrors.
        sixtets, unused_bits = bind(kinds._SIXTETS, "SIXTETS"), bind(kinds._UNUSED_BITS, "UNUSED_BITS")
        return (
            f"missing = -len({text}) % 4\n"
            f"if missing == 3 or (missing and {sixtets}[{text}[-1]] & {unused_bits}[missing]):\n"
            "    return None\n"
            "try:\n"
            f"    {value} = {bind(binascii.a2b_base64, 'a2b_base64')}({text}.replace('-', '+').replace('_', '/') + "
            f"{bind(kinds._PADDING, 'PADDING')}[missing]).decode('utf-8')\n"
            "except ValueError:\n"
            "    return None\n"
            f"if {_rejects(kind.rule, value, namespace)}:\n"
            "    return None"
        )
    checked = bind(kind.check, "check")
    return f"checked = {checked}({text})\nif checked.problems or checked.canonical != {text}:\n    return None\n{value} = checked.value"


def _rejects(rule: NameRule, name: str, namespace: Namespace) -> str:
    """An expression that is true when ``rule.check(name)`` reports something."""
    bind = namespace.bind
    if isinstance(rule, BucketName):
        return f"({bind(kinds._BUCKET, 'is_plain_bucket')}({name}) is None and {bind(rule.check, 'bucket_problems')}({name}))"
    if isinstance(rule, TopicName):
        return f"{bind(kinds._TOPIC, 'is_topic')}({name}) is None"
    if isinstance(rule, ObjectName):  # ObjectName.clean, inlined for an ASCII name
        n = name
        dot, fine = bind(kinds._dot_segment, "dot_segment"), bind(rule.templates.fine, "known_variables")
        problems = bind(rule.templates.problems, "template_problems")
        ascii_clean = (
            f"{n}.isprintable() and 0 < len({n}) <= 1023 and {n}[0] not in '/\\\\' and {n}[-1] != '/'"
            f" and ('./' not in {n} and {n}[-1] != '.' or not {dot}({n}))"
            f" and ('{{' not in {n} and '}}' not in {n} or {fine}({n}) is not None or not {problems}({n}))"
        )
        return f"not ({ascii_clean} if {n}.isascii() else {bind(rule.clean, 'is_clean_objectname')}({n}))"
    clean = getattr(rule, "clean", None)  # a test that builds no problems, where the rule has one
    if clean is not None:
        return f"not {bind(clean, 'is_clean_' + type(rule).__name__.lower())}({name})"
    return f"{bind(rule.check, 'name_problems')}({name})"


def compile_quick(kind: Kind) -> Callable[[str], Value | None]:
    """``quick_source(kind)`` as a function of any text: the value or None (for tests)."""
    namespace = Namespace()
    matches = namespace.bind(re.compile(lexical(kind)).fullmatch, "matches")
    body = f"if {matches}(text) is None:\n    return None\n" + quick_source(kind, "text", "value", namespace) + "\nreturn value"
    return define("quick(text)", body, namespace, f"the quick check of {kind!r}")  # type: ignore[return-value]
