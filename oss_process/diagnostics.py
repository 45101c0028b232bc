"""Diagnostics: what lint reports, with stable codes, and how they are shown.

Every code below is stable: its meaning and severity never change once released.
The README lists them all; a test fails when one is missing there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Final, NamedTuple

from .ast import Span

__all__ = ["CODES", "CodeInfo", "Diagnostic", "Severity", "render", "render_all"]


class Severity(str, Enum):
    """Compares equal to its value: ``Severity.ERROR == "error"``."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class CodeInfo(NamedTuple):
    severity: Severity
    title: str


_E, _W = Severity.ERROR, Severity.WARNING

CODES: Final = MappingProxyType(
    {
        # Input and syntax: the directive does not follow the grammar.
        "E001": CodeInfo(_E, "input longer than the maximum length"),
        "E002": CodeInfo(_E, "more parameters than the maximum"),
        "E003": CodeInfo(_E, "empty directive"),
        "E010": CodeInfo(_E, "syntax error"),
        "E011": CodeInfo(_E, "unexpected end of the directive"),
        "E012": CodeInfo(_E, "whitespace in the directive"),
        "E013": CodeInfo(_E, "standard Base64 character '+'"),
        "E014": CodeInfo(_E, "percent-encoded directive"),
        "E015": CodeInfo(_E, "form field name in the directive"),
        "E016": CodeInfo(_E, "legacy '@' image syntax"),
        "E017": CodeInfo(_E, "character outside the directive alphabet"),
        # Stages and actions.
        "E100": CodeInfo(_E, "unknown category"),
        "E101": CodeInfo(_E, "unknown action"),
        "W102": CodeInfo(_W, "action not checked: no parameter table yet"),
        "E103": CodeInfo(_E, "action not available in this processing mode"),
        "E104": CodeInfo(_E, "asynchronous stage other than sys/saveas or notify"),
        "E105": CodeInfo(_E, "too many pipes"),
        "W106": CodeInfo(_W, "pipe count above the older documented limit"),
        "E107": CodeInfo(_E, "category repeated inside a stage"),
        "E108": CodeInfo(_E, "sys/saveas or notify out of place"),
        "E109": CodeInfo(_E, "nothing to process before sys/saveas or notify"),
        "E110": CodeInfo(_E, "invalid style name"),
        # Parameters.
        "E200": CodeInfo(_E, "unknown parameter"),
        "E201": CodeInfo(_E, "duplicate parameter"),
        "E202": CodeInfo(_E, "missing required parameter"),
        "E203": CodeInfo(_E, "mutually exclusive parameters"),
        "E204": CodeInfo(_E, "parameter in the wrong form"),
        "E205": CodeInfo(_E, "not an integer"),
        "E206": CodeInfo(_E, "integer out of range"),
        "E207": CodeInfo(_E, "value not allowed"),
        "W208": CodeInfo(_W, "integer with leading zeros"),
        "E210": CodeInfo(_E, "value not supported by the output format"),
        "W211": CodeInfo(_W, "relies on the source audio with a restrictive format"),
        "E212": CodeInfo(_E, "source audio not supported by the output format"),
        "W213": CodeInfo(_W, "parameter has no effect with this format"),
        "W214": CodeInfo(_W, "parameter has no effect without another"),
        "E215": CodeInfo(_E, "job fails for this source audio"),
        # Base64 names: bucket, object, topic.
        "E300": CodeInfo(_E, "invalid URL-safe Base64"),
        "E301": CodeInfo(_E, "Base64 does not decode to UTF-8"),
        "W302": CodeInfo(_W, "Base64 padding"),
        "E303": CodeInfo(_E, "invalid bucket name"),
        "E304": CodeInfo(_E, "invalid object name"),
        "W305": CodeInfo(_W, "control character in a name"),
        "E306": CodeInfo(_E, "'.' or '..' path segment in an object name"),
        "W307": CodeInfo(_W, "object name ends with '/'"),
        "E308": CodeInfo(_E, "invalid template variable"),
        "W309": CodeInfo(_W, "template variable this action does not set"),
        "E310": CodeInfo(_E, "invalid notification topic name"),
        # The library itself.
        "E999": CodeInfo(_E, "internal error in oss_process"),
    }
)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: a stable ``code``, its ``severity``, a ``message`` and where it is."""

    code: str
    message: str
    span: Span
    hint: str | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def is_error(self) -> bool:
        return CODES[self.code].severity is Severity.ERROR

    def render(self, text: str) -> str:
        """The message, the input with a caret line under the span, and the hint."""
        return render(self, text)


# Characters of context shown on each side of a span; keeps huge inputs readable.
_CONTEXT = 60


def _display(char: str) -> str:
    """How one character of the input is shown: printable ASCII as itself, else escaped."""
    if " " <= char <= "~":
        return char
    escaped = repr(char)[1:-1]
    return escaped if escaped != char else f"\\u{ord(char):04x}"


def render(diagnostic: Diagnostic, text: str) -> str:
    """Render one diagnostic against the text it was found in.

    Characters that are not printable ASCII are shown escaped (``\\n``, ``\\u3000``) so
    the caret line stays aligned; long inputs are cut to the span and some context.
    """
    start, end = diagnostic.span
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    end = min(end, start + _CONTEXT)  # a long span shows its first part only
    lo = max(0, start - _CONTEXT)
    hi = min(len(text), max(end, start + 1) + _CONTEXT)
    before = "".join(_display(c) for c in text[lo:start])
    inside = "".join(_display(c) for c in text[start:end])
    after = "".join(_display(c) for c in text[end:hi])
    lead = "..." if lo > 0 else ""
    tail = "..." if hi < len(text) else ""
    line = f"{lead}{before}{inside}{after}{tail}"
    marker = " " * (len(lead) + len(before)) + "^" * max(1, len(inside))
    info = CODES[diagnostic.code]
    out = [f"{info.severity.value}[{diagnostic.code}]: {diagnostic.message}", f"    {line}", f"    {marker}"]
    if diagnostic.hint:
        out.append(f"    hint: {diagnostic.hint}")
    return "\n".join(out)


def render_all(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], text: str) -> str:
    return "\n".join(render(d, text) for d in diagnostics)
