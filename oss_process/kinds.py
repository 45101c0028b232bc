"""Value kinds: how one parameter's text is checked, typed and written canonically.

Each kind is immutable data with a ``check(text) -> Checked`` method that knows nothing
of other parameters; the tables in ``oss_process.tables`` choose a kind per parameter.
Messages are phrased to follow the parameter key: "ab: 500 is below the minimum, 1000".
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import NamedTuple, Protocol

from ._suggest import did_you_mean
from .ast import Value

__all__ = [
    "Alias",
    "Base64Name",
    "BucketName",
    "Checked",
    "Choice",
    "HexColor",
    "Integer",
    "IntegerChoice",
    "Kind",
    "NameRule",
    "Named",
    "ObjectName",
    "PageRange",
    "Problem",
    "Templates",
    "Text",
    "TopicName",
    "template_variables",
    "templated",
]


class Problem(NamedTuple):
    code: str
    message: str
    hint: str | None = None


class Checked(NamedTuple):
    """``value`` is None when a problem is an error; ``canonical`` is the text to print."""

    value: Value | None
    canonical: str
    problems: tuple[Problem, ...] = ()


class Kind(Protocol):
    """How one parameter's text is checked. Any object with these two methods will do:
    a table for a new action may bring a kind of its own (the fast path then calls
    ``check``; the built-in kinds have inlined checks in ``oss_process._accel``)."""

    def check(self, text: str) -> Checked: ...

    def describe(self) -> str: ...


def _not_integer(text: str) -> Problem:
    if any(c.isdigit() and not c.isascii() for c in text):
        hint: str | None = "write it with ASCII digits 0-9"
    elif "_" in text:
        hint = "write the digits without '_' separators"
    elif text[:1] == "+":
        hint = "drop the '+'"
    elif text[:1] == "-":
        hint = "this parameter takes no negative values"
    elif "." in text:
        hint = "write a whole number"
    elif text[-1:] in ("k", "K") and text[:-1].isascii() and text[:-1].isdigit():
        hint = f"write the number in full: {text[:-1].lstrip('0') or '0'}000"
    else:
        hint = None
    return Problem("E205", f"{_short(text)} is not an integer (ASCII digits only)", hint)


def _short(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


# More significant digits than this is out of every range, decided without converting:
# int() refuses strings of over 4300 digits, and long conversions cost quadratic time.
MAX_DIGITS = 19


class Integer(NamedTuple):
    minimum: int
    maximum: int

    def describe(self) -> str:
        return f"integer from {self.minimum} to {self.maximum}"

    def parse(self, text: str) -> tuple[int | None, str, tuple[Problem, ...]]:
        """The integer, its canonical spelling, and problems with the spelling."""
        negative = text[:1] == "-" and self.minimum < 0
        digits = text[1:] if negative else text
        if not (digits.isascii() and digits.isdigit()):
            if text[:1] == "-" and text[1:].isascii() and text[1:].isdigit() and text[1:].strip("0"):
                # A negative number where none is allowed: below the minimum, not "not an integer".
                return None, text, (Problem("E206", f"{_short(text)} is below the minimum, {self.minimum}"),)
            return None, text, (_not_integer(text),)
        stripped = digits.lstrip("0") or "0"
        if len(stripped) > MAX_DIGITS:
            return None, text, (Problem("E206", f"{_short(text)} ({len(stripped)} digits) is out of range: {self.describe()}"),)
        canonical = ("-" if negative and stripped != "0" else "") + stripped
        if canonical != text:
            return int(canonical), canonical, (Problem("W208", f"{text!r} has leading zeros", f"write {canonical}"),)
        return int(canonical), canonical, ()

    def check(self, text: str) -> Checked:
        # The common spelling first: plain ASCII digits, no leading zero, short enough.
        if text.isdigit() and text.isascii() and (text[0] != "0" or text == "0") and len(text) <= MAX_DIGITS:
            plain = int(text)
            if self.minimum <= plain <= self.maximum:
                return Checked(plain, text, ())
        number, canonical, problems = self.parse(text)
        if number is None:
            return Checked(None, text, problems)
        if number < self.minimum:
            return Checked(None, text, (*problems, Problem("E206", f"{number} is below the minimum, {self.minimum}")))
        if number > self.maximum:
            return Checked(None, text, (*problems, Problem("E206", f"{number} is above the maximum, {self.maximum}")))
        return Checked(number, canonical, problems)


class IntegerChoice(NamedTuple):
    """An integer from a fixed list, such as the sample rates."""

    choices: tuple[int, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(map(str, self.choices))

    def check(self, text: str) -> Checked:
        number, canonical, problems = Integer(min(self.choices), max(self.choices)).parse(text)
        if number is None:
            return Checked(None, text, problems)
        if number not in self.choices:
            nearest = min(self.choices, key=lambda c: abs(c - number))
            return Checked(
                None, text, (*problems, Problem("E207", f"{number} is not {self.describe()}", f"the nearest allowed value is {nearest}"))
            )
        return Checked(number, canonical, problems)


class Alias(NamedTuple):
    """An undocumented spelling that is read as one of the choices (``jpeg`` for ``jpg``):
    accepted with a warning, written canonically as the choice."""

    spelling: str
    means: str
    evidence: str


class Choice(NamedTuple):
    """A string from a fixed, case-sensitive list."""

    choices: tuple[str, ...]
    aliases: tuple[Alias, ...] = ()

    def describe(self) -> str:
        return "one of " + ", ".join(self.choices)

    def check(self, text: str) -> Checked:
        if text in self.choices:
            return Checked(text, text, ())
        for alias in self.aliases:
            if text == alias.spelling:
                note = f"{text!r} is not documented ({alias.evidence}); it is read as {alias.means!r}"
                return Checked(alias.means, alias.means, (Problem("W224", note, f"write {alias.means}"),))
        return Checked(None, text, (Problem("E207", f"{_short(text)} is not {self.describe()}", did_you_mean(text, self.choices)),))


_HEX_COLOR = re.compile(r"[0-9A-Fa-f]{6}").fullmatch


class HexColor(NamedTuple):
    """A colour as six hexadecimal digits, ``RRGGBB``, without '#'; written in capitals
    (hexadecimal digits mean the same in either case)."""

    def describe(self) -> str:
        return "a colour RRGGBB (6 hexadecimal digits)"

    def check(self, text: str) -> Checked:
        if _HEX_COLOR(text):
            upper = text.upper()
            return Checked(upper, upper, ())
        if text[:1] == "#" and _HEX_COLOR(text[1:]):
            hint: str | None = f"drop the '#': {text[1:].upper()}"
        elif len(text) == 8 and _HEX_COLOR(text[:6]) and _HEX_COLOR(text[2:]):
            hint = "OSS takes no alpha channel: write the 6 digits RRGGBB"
        else:
            hint = None
        return Checked(None, text, (Problem("E207", f"{_short(text)} is not {self.describe()}", hint),))


# --- Names carried as URL-safe Base64 -------------------------------------------------

_URLSAFE_BODY = re.compile(r"[A-Za-z0-9_-]*").fullmatch
_NOT_URLSAFE = re.compile(r"[^A-Za-z0-9_-]").search
_PADDING = ("", "=", "==")
_UNUSED_BITS = (0, 0x3, 0xF)  # by the padding a length needs: the low bits of its last character
_new_checked = partial(tuple.__new__, Checked)
_SIXTETS = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class NameRule(Protocol):
    """Checks a decoded name; the problems use the codes of the rule."""

    def check(self, name: str) -> list[Problem]: ...

    def describe(self) -> str: ...

    @property
    def allows_templates(self) -> bool: ...


class Base64Name(NamedTuple):
    """A name written as URL-safe Base64 of its UTF-8 bytes; the typed value is the name."""

    rule: NameRule

    def describe(self) -> str:
        return f"URL-safe Base64 of {self.rule.describe()}"

    def check(self, text: str) -> Checked:
        body = text.rstrip("=")
        length = len(body)
        needed = -length % 4
        if (
            _URLSAFE_BODY(body) is None
            or needed == 3
            or (len(text) != length and len(text) - length != needed)
            or (needed and _SIXTETS[body[-1]] & _UNUSED_BITS[needed])
        ):
            return Checked(None, text, (self._malformed(text, body),))
        raw = binascii.a2b_base64(body.replace("-", "+").replace("_", "/") + _PADDING[needed])
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            return Checked(None, text, (Problem("E301", f"byte {e.start} of the decoded name is not valid UTF-8 ({raw[e.start]:#04x})"),))
        problems = self.rule.check(name)
        if len(text) != length:
            problems.insert(0, Problem("W302", "Base64 padding '=' (official samples disagree on it)", "drop the trailing '='"))
        if not problems:
            return _new_checked((name, body, ()))
        if any(p.code[0] == "E" for p in problems):
            return Checked(None, body, tuple(problems))
        return Checked(name, body, tuple(problems))

    @staticmethod
    def _malformed(text: str, body: str) -> Problem:
        """What is wrong with text that is not URL-safe Base64 of whole bytes."""
        found = _NOT_URLSAFE(body)
        if found is not None:
            bad = found.group()
            hint = "use the URL-safe alphabet: '-' for '+', '_' for '/'" if bad in "+/" else None
            return Problem("E300", f"{bad!r} is not a URL-safe Base64 character", hint)
        needed = -len(body) % 4
        if needed == 3:
            return Problem("E300", f"{len(body)} Base64 characters cannot encode whole bytes")
        padding = len(text) - len(body)
        if padding and padding != needed:  # no padding at all is fine
            return Problem("E300", f"wrong Base64 padding: {padding} '=' where {needed} belong")
        # An encoder leaves the unused low bits of the last character zero; another value
        # is a second spelling of the same bytes, so it is refused, not normalised.
        return Problem("E300", "the last Base64 character has unused bits set: no encoder writes this")


def _control_problem(name: str, what: str) -> Problem | None:
    found = _CONTROL.search(name)
    if found is None:
        return None
    if name.endswith("\n") and _CONTROL.search(name[:-1]) is None:
        return Problem(
            "W305",
            f"the {what} {name[:-1][:60]!r} ends with a newline",
            "encode the name without the newline (echo -n, or strip it before encoding)",
        )
    return Problem("W305", f"the {what} contains the control character {found.group()!r} at {found.start()}")


class Text(NamedTuple):
    """Free text carried as Base64 (a watermark's words). ``max_chars`` characters is the
    limit every source states; ``max_encoded`` (Base64 characters) and ``max_bytes``
    (UTF-8) are stricter limits that only some sources state: beyond them, a warning
    that gives ``stricter``, the source that says so."""

    what: str
    max_chars: int
    max_encoded: int | None = None
    max_bytes: int | None = None
    stricter: str = ""

    @property
    def allows_templates(self) -> bool:
        return False

    def describe(self) -> str:
        return f"{self.what} of at most {self.max_chars} characters"

    def clean(self, name: str) -> bool:
        """Whether ``check`` finds nothing, without building its problems (the fast path's test)."""
        if not name or len(name) > self.max_chars:
            return False
        ascii_only = name.isascii()
        if self.max_encoded is not None or self.max_bytes is not None:
            size = len(name) if ascii_only else len(name.encode("utf-8"))
            if (self.max_encoded is not None and -(-size * 4 // 3) > self.max_encoded) or (
                self.max_bytes is not None and size > self.max_bytes
            ):
                return False
        return name.isprintable() if ascii_only else _CONTROL.search(name) is None

    def check(self, name: str) -> list[Problem]:
        if not name:
            return [Problem("E202", f"the {self.what} is empty")]
        problems: list[Problem] = []
        size = len(name.encode("utf-8"))
        if len(name) > self.max_chars:
            problems.append(Problem("E312", f"the {self.what} is {len(name)} characters long; the limit is {self.max_chars}"))
        elif self.max_encoded is not None and -(-size * 4 // 3) > self.max_encoded:
            encoded = -(-size * 4 // 3)
            problems.append(
                Problem("W313", f"the {self.what} is {encoded} characters long in Base64, over {self.max_encoded}: {self.stricter}")
            )
        elif self.max_bytes is not None and size > self.max_bytes:
            problems.append(Problem("W313", f"the {self.what} is {size} bytes long, over {self.max_bytes}: {self.stricter}"))
        control = _control_problem(name, self.what)
        if control is not None:
            problems.append(control)
        return problems


class Named(NamedTuple):
    """A name from a fixed list, carried as Base64 (a watermark's font)."""

    what: str
    names: tuple[str, ...]

    @property
    def allows_templates(self) -> bool:
        return False

    def describe(self) -> str:
        return f"a {self.what}: " + ", ".join(self.names)

    def check(self, name: str) -> list[Problem]:
        if name in self.names:
            return []
        hint = did_you_mean(name.strip(), self.names) or f"{self.what}s: " + ", ".join(self.names)
        control = _control_problem(name, self.what)
        if control is not None and control.hint is not None:
            hint = control.hint
        return [Problem("E207", f"{_short(name)} is not a {self.what} OSS has", hint)]


_PAGE_RANGE = re.compile(r"[1-9][0-9]*-[1-9][0-9]*").fullmatch
_PAGE_ITEM = re.compile(r"([0-9]+)(?:-([0-9]+))?").fullmatch


class PageRange(NamedTuple):
    """Pages of a document, from 1: ``start-end`` (``1-10``, the one documented form).
    A single page (``3``) and a comma list (``1,3,5-7``) are read too, with a warning:
    no OSS page shows them, they are inferred from IMM's page selection."""

    what: str = "page range"

    @property
    def allows_templates(self) -> bool:
        return False

    def describe(self) -> str:
        return f"a {self.what} start-end, pages from 1"

    def clean(self, name: str) -> bool:
        """Whether ``check`` finds nothing, without building its problems (the fast path's test)."""
        if _PAGE_RANGE(name) is None:
            return False
        start, _, end = name.partition("-")
        return (len(start), start) <= (len(end), end)

    def check(self, name: str) -> list[Problem]:
        if self.clean(name):
            return []
        if not name:
            return [Problem("E202", f"the {self.what} is empty")]
        items = name.split(",")
        problems: list[Problem] = []
        for item in items:
            found = _PAGE_ITEM(item)
            if found is None or not item.isascii():
                hint = "write the pages as start-end, such as 1-10" if len(items) == 1 else None
                return [Problem("E207", f"{_short(name)} is not {self.describe()}", hint)]
            numbers = [n for n in found.groups() if n is not None]
            plain = [n.lstrip("0") for n in numbers]
            if not all(plain):
                return [Problem("E206", f"{_short(item)}: pages are numbered from 1")]
            # Compared as digit strings: no page count is documented, and int() refuses long ones.
            if len(plain) == 2 and (len(plain[0]), plain[0]) > (len(plain[1]), plain[1]):
                return [Problem("E207", f"{_short(item)}: the range starts after it ends", f"write {plain[1]}-{plain[0]}")]
            if any(n[0] == "0" for n in numbers):
                problems.append(Problem("W208", f"{_short(item)} has leading zeros", "write the page numbers without them"))
        if len(items) > 1 or "-" not in name:
            problems.append(
                Problem(
                    "W224",
                    f"{_short(name)} is not the documented form start-end (1-10); "
                    "a single page or a list is inferred from IMM's page selection",
                    "write one range start-end" if len(items) > 1 else f"write {name}-{name}",
                )
            )
        return problems


# --- Template variables: {name}, with {{ and }} for literal braces ---------------------


# Left to right: an escaped brace, a variable, or a brace that pairs with nothing.
_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


_SIMPLE_VARIABLE = re.compile(r"\{([^{}]*)\}")


def template_variables(name: str) -> tuple[list[str], str | None]:
    """The variables a template uses, and a description of its first brace error."""
    if "{{" not in name and "}}" not in name:  # no escapes: every brace must pair up
        found = _SIMPLE_VARIABLE.findall(name)
        if name.count("{") == len(found) == name.count("}"):
            return found, None
    found = []
    for token in _TEMPLATE_TOKEN.finditer(name):
        text = token.group()
        if text == "{":
            return found, f"'{{' at {token.start()} is never closed (write '{{{{' for a literal brace)"
        if text == "}":
            return found, f"'}}' at {token.start()} closes nothing (write '}}}}' for a literal brace)"
        if token.group(1) is not None:
            found.append(token.group(1))
    return found, None


class Templates:
    """Checks the {variables} of a name against the documented ones."""

    __slots__ = ("fine", "prefixes", "shortest", "variables")

    def __init__(self, variables: Mapping[str, str], prefixes: tuple[str, ...], shortest: Mapping[str, int]) -> None:
        self.variables = variables
        self.prefixes = prefixes
        #: The fewest characters a variable expands to, where more than none is known.
        self.shortest = shortest
        # The usual name: every brace opens or closes a known {variable}.
        known = "|".join([*map(re.escape, variables), *(re.escape(p) + "[^{}]+" for p in prefixes)])
        #: Whether a name with braces uses only known variables, and no escaped brace.
        self.fine: Callable[[str], object] = re.compile(rf"[^{{}}]*(?:\{{(?:{known})\}}[^{{}}]*)*").fullmatch

    def problems(self, name: str) -> list[Problem]:
        """Problems with the braces and variables of a name."""
        if ("{" not in name and "}" not in name) or self.fine(name):
            return []
        used, error = template_variables(name)
        problems = [Problem("E308", f"template {name[:60]!r}: {error}")] if error else []
        for variable in used:
            if variable in self.variables:
                continue
            if any(variable.startswith(p) and len(variable) > len(p) for p in self.prefixes):
                continue
            problems.append(Problem("E308", f"unknown template variable {{{variable}}}", did_you_mean(variable, self.variables)))
        return problems

    @staticmethod
    def literal(name: str) -> str:
        """The name with its variables removed and escaped braces kept as one brace."""
        return _TEMPLATE_TOKEN.sub(lambda t: "" if t.group(1) is not None else t.group()[0], name)


_BUCKET = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]").fullmatch
_BUCKET_CHARS = re.compile(r"[a-z0-9-]*").fullmatch


class BucketName(NamedTuple):
    """3-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit."""

    templates: Templates

    @property
    def allows_templates(self) -> bool:
        return True

    def describe(self) -> str:
        return "a bucket name"

    def check(self, name: str) -> list[Problem]:
        if _BUCKET(name):
            return []
        problems = self.templates.problems(name)
        literal = self.templates.literal(name) if "{" in name or "}" in name else name
        if literal != name:  # a template: judge what every expansion shares
            if not _BUCKET_CHARS(literal):
                problems.append(Problem("E303", f"the bucket name {name[:70]!r} has characters other than a-z, 0-9 and '-'"))
            elif name.startswith("-") or name.endswith("-"):
                problems.append(Problem("E303", f"the bucket name {name[:70]!r} starts or ends with '-'"))
            elif len(literal) + sum(self.templates.shortest.get(v, 0) for v in template_variables(name)[0]) > 63:
                problems.append(Problem("E303", f"the bucket name {name[:70]!r} is longer than 63 characters whatever it expands to"))
            return problems
        if problems:  # a brace that pairs with nothing, or an unknown variable: say that
            return problems
        control = _control_problem(name, "bucket name")
        hint = control.hint if control else ("bucket names are lower-case" if name.lower() != name else None)
        return [
            Problem("E303", f"{name[:70]!r} is not a bucket name: 3-63 of a-z, 0-9, '-', starting and ending with a letter or digit", hint)
        ]


class ObjectName(NamedTuple):
    """UTF-8, 1-1023 bytes, not starting with '/' or '\\'."""

    templates: Templates

    @property
    def allows_templates(self) -> bool:
        return True

    def describe(self) -> str:
        return "an object name"

    def _size(self, name: str) -> int:
        size = len(name) if name.isascii() else len(name.encode("utf-8"))
        if size > 1023 and ("{" in name or "}" in name):
            # The limit holds for the name a template expands to: an escaped brace is one
            # byte, a variable at least none. Only a certain overflow is an error.
            size = len(self.templates.literal(name).encode("utf-8"))
        return size

    def clean(self, name: str) -> bool:
        """Whether ``check`` finds nothing, without building its problems (the fast path's test)."""
        # An ASCII name is printable exactly when it has no control character: far cheaper.
        no_control = name.isprintable() if name.isascii() else _CONTROL.search(name) is None
        return (
            0 < self._size(name) <= 1023
            and name[0] not in "/\\"
            and name[-1] != "/"
            and not _dot_segment(name)
            and no_control
            and (("{" not in name and "}" not in name) or self.templates.fine(name) is not None or not self.templates.problems(name))
        )

    def check(self, name: str) -> list[Problem]:
        if self.clean(name):
            return []
        if not name:
            return [Problem("E304", "the object name is empty")]
        problems: list[Problem] = []
        size = self._size(name)
        if size > 1023:
            problems.append(Problem("E304", f"the object name is {size} bytes long; the limit is 1023"))
        if name[0] in "/\\":
            problems.append(Problem("E304", f"the object name {name[:60]!r} starts with {name[0]!r}", "remove the leading slash"))
        if _dot_segment(name):
            problems.append(
                Problem(
                    "E306", f"the object name {name[:60]!r} has a '.' or '..' segment", "name the object without relative path segments"
                )
            )
        if name.endswith("/"):
            problems.append(Problem("W307", f"the object name {name[:60]!r} ends with '/': a directory placeholder, not a file"))
        control = _control_problem(name, "object name")
        if control is not None:
            problems.append(control)
        if "{" in name or "}" in name:
            problems.extend(self.templates.problems(name))
        return problems


def _dot_segment(name: str) -> bool:
    """A '.' or '..' path segment: what a file system would resolve away."""
    if "./" not in name and not name.endswith("."):  # a dot segment ends at a '/' or the end
        return False
    wrapped = f"/{name}/"
    return "/./" in wrapped or "/../" in wrapped


_TOPIC = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,254}").fullmatch


class TopicName(NamedTuple):
    """A Simple Message Queue topic: 1-255 of letters, digits and '-', not starting with '-'."""

    @property
    def allows_templates(self) -> bool:
        return False

    def describe(self) -> str:
        return "a message-queue topic name"

    def check(self, name: str) -> list[Problem]:
        if _TOPIC(name):
            return []
        if len(name) > 255:
            return [Problem("E310", f"the topic name is {len(name)} characters long; the limit is 255")]
        control = _control_problem(name, "topic name")
        return [
            Problem(
                "E310",
                f"{name[:70]!r} is not a topic name: 1-255 letters, digits and '-', starting with a letter or digit",
                control.hint if control else None,
            )
        ]


def templated(variables: Mapping[str, str], prefixes: tuple[str, ...], shortest: Mapping[str, int]) -> Templates:
    """The template variables a ``BucketName`` or ``ObjectName`` may use: the documented
    ones are ``oss_process.tables.variables`` (``ALL``, ``PREFIXES``, ``SHORTEST``)."""
    return Templates(variables, prefixes, shortest)


# --- Video sizes and frame rates -------------------------------------------------------

_RESOLUTION = re.compile(r"([0-9]*)x([0-9]*)").fullmatch


class Resolution(NamedTuple):
    """A video size: ``WxH``, ``Wx`` (width only, height by the aspect ratio) or ``xH``;
    each side given is an integer from ``minimum`` to ``maximum``. The typed value is the
    canonical text: sides without leading zeros (W208, as for an integer), a lower-case
    ``x``. ``1920X1080`` and ``x`` alone are refused: no source writes them."""

    minimum: int
    maximum: int

    def describe(self) -> str:
        return f"a size WxH, Wx or xH, each side from {self.minimum} to {self.maximum}"

    def check(self, text: str) -> Checked:
        found = _RESOLUTION(text) if text.isascii() else None
        if found is None or found.group(0) == "x":
            hint = "write a lower-case x: " + text.replace("X", "x") if "X" in text and _RESOLUTION(text.replace("X", "x")) else None
            return Checked(None, text, (Problem("E207", f"{_short(text)} is not {self.describe()}", hint),))
        sides = []
        for digits in found.groups():
            if not digits:
                sides.append("")
                continue
            stripped = digits.lstrip("0") or "0"
            if len(stripped) > MAX_DIGITS or not self.minimum <= int(stripped) <= self.maximum:
                return Checked(None, text, (Problem("E206", f"the side {_short(digits)} of {text} is out of range: {self.describe()}"),))
            sides.append(stripped)
        canonical = "x".join(sides)
        if canonical != text:
            return Checked(canonical, canonical, (Problem("W208", f"{text!r} has leading zeros", f"write {canonical}"),))
        return Checked(canonical, canonical, ())


_DECIMAL_NUMBER = re.compile(r"([0-9]+)(?:\.([0-9]+))?").fullmatch


class FrameRate(NamedTuple):
    """A frame rate in frames per second as a decimal, ``25`` or ``29.97``, above 0 and at
    most ``maximum``. A fraction such as 30000/1001 cannot be written: a '/' would end the
    action. The typed value is the canonical text: no leading zeros (W208, as for an
    integer), and no trailing zeros after the point (``25.0`` is ``25``, ``29.970`` is
    ``29.97``: the same number, written one way, without a warning)."""

    maximum: int

    def describe(self) -> str:
        return f"a frame rate above 0 and at most {self.maximum}, such as 25 or 29.97"

    def check(self, text: str) -> Checked:
        found = _DECIMAL_NUMBER(text) if text.isascii() else None
        if found is None:
            return Checked(None, text, (Problem("E205", f"{_short(text)} is not a decimal number, such as 25 or 29.97"),))
        whole, fraction = found.group(1).lstrip("0") or "0", (found.group(2) or "").rstrip("0")
        if len(whole) > MAX_DIGITS or len(fraction) > MAX_DIGITS:
            return Checked(None, text, (Problem("E206", f"{_short(text)} has too many digits: {self.describe()}"),))
        canonical = f"{whole}.{fraction}" if fraction else whole
        # Compared as integers scaled by the decimals: exact, where a float is not.
        scaled, scale = int(whole + fraction), 10 ** len(fraction)
        if scaled == 0:
            return Checked(None, text, (Problem("E206", f"{text} is not above 0"),))
        if scaled > self.maximum * scale:
            return Checked(None, text, (Problem("E206", f"{canonical} is above the maximum, {self.maximum}"),))
        if len(found.group(1)) > 1 and found.group(1)[0] == "0":
            return Checked(canonical, canonical, (Problem("W208", f"{text!r} has leading zeros", f"write {canonical}"),))
        return Checked(canonical, canonical, ())


__all__ += ["FrameRate", "Resolution"]
