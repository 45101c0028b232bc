"""Diagnostics: what lint and the gateway guard report, with stable codes, and how they are shown.

Every code below is stable: its meaning and severity never change once released.
The README lists them all; a test fails when one is missing there.

:func:`render` is the one renderer: every face (the library's messages, the command
line, the gateway's error answer) shows diagnostics through it, in one of the formats of
``FORMATS`` (its implementation loads on first use).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Generic, NamedTuple, overload

from .ast import Span

if TYPE_CHECKING:
    from typing_extensions import TypeVar

    from ._render import FORMATS

    # A bare ``Diagnostic`` is ``Diagnostic[Span]``: the core's always have a place in the
    # directive; a request-level finding (G codes) may not: ``Diagnostic[Span | None]``.
    _Place = TypeVar("_Place", bound="Span | None", default=Span, covariant=True)
else:
    from typing import TypeVar

    _Place = TypeVar("_Place", covariant=True)

__all__ = ["CODES", "FORMATS", "CodeInfo", "Diagnostic", "OffsetMap", "Origin", "Severity", "render", "render_all"]


class Severity(str, Enum):
    """Compares equal to its value: ``Severity.ERROR == "error"``."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class CodeInfo(NamedTuple):
    severity: Severity
    title: str
    #: Set when the code is no longer reported: what reports the finding now, and why.
    retired: str | None = None


_E, _W = Severity.ERROR, Severity.WARNING

CODES: Final = MappingProxyType(
    {
        # Input and syntax: the directive does not follow the grammar.
        "E001": CodeInfo(_E, "input longer than the maximum length"),
        "E002": CodeInfo(_E, "more parameters than the maximum"),
        "E003": CodeInfo(_E, "empty directive"),
        # Bounds on what one directive reports (README, Reliability).
        "E004": CodeInfo(_E, "more problems than are reported, errors among them"),
        "W005": CodeInfo(_W, "more warnings than are reported"),
        "E010": CodeInfo(_E, "syntax error"),
        "E011": CodeInfo(_E, "unexpected end of the directive"),
        "E012": CodeInfo(_E, "whitespace in the directive"),
        "E013": CodeInfo(_E, "standard Base64 character '+'"),
        "E014": CodeInfo(_E, "percent-encoded directive"),
        "E015": CodeInfo(_E, "form field name in the directive"),
        "E016": CodeInfo(_E, "legacy '@' image syntax"),
        "E017": CodeInfo(_E, "character outside the directive alphabet"),
        "E018": CodeInfo(_E, "tree with no directive text"),
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
        "W111": CodeInfo(_W, "asynchronous job with nowhere to store its output"),
        # Styles, resolved against the bucket's styles the caller gives (oss_process.Styles).
        "E112": CodeInfo(_E, "style the bucket does not have"),
        "E113": CodeInfo(_E, "style whose content names itself"),
        "W114": CodeInfo(_W, "style named inside a style's content"),
        "W115": CodeInfo(_W, "processing after an action whose output is not an image"),
        "W116": CodeInfo(_W, "more of an action than the documentation allows, fewer than an older revision did"),
        "E117": CodeInfo(_E, "more of an action than any documentation allows"),
        "E118": CodeInfo(_E, "action that takes no other stage"),
        # Parameters.
        "E200": CodeInfo(_E, "unknown parameter", "W220: OSS ignores a key it does not know (README, choices)"),
        "E201": CodeInfo(_E, "duplicate parameter"),
        "E202": CodeInfo(_E, "missing required parameter"),
        "E203": CodeInfo(_E, "mutually exclusive parameters"),
        "E204": CodeInfo(_E, "parameter in the wrong form"),
        "E205": CodeInfo(_E, "not an integer"),
        "E206": CodeInfo(_E, "integer out of range"),
        "E207": CodeInfo(_E, "value not allowed"),
        "W208": CodeInfo(_W, "integer with leading zeros"),
        "E209": CodeInfo(_E, "more than one bare value"),
        "E210": CodeInfo(_E, "value not supported by the output format"),
        "W211": CodeInfo(_W, "relies on the source audio with a restrictive format"),
        "E212": CodeInfo(_E, "source audio not supported by the output format"),
        "W213": CodeInfo(_W, "parameter has no effect with this value of another"),
        "W214": CodeInfo(_W, "parameter has no effect without another"),
        "E215": CodeInfo(_E, "job fails for this source audio"),
        "W216": CodeInfo(_W, "source audio kept outside the documented values"),
        "W217": CodeInfo(_W, "parameter overridden by another"),
        "W218": CodeInfo(_W, "parameters whose combination is not documented"),
        "W219": CodeInfo(_W, "value beyond a limit that some documentation states"),
        "W220": CodeInfo(_W, "unknown parameter: OSS ignores it"),
        "W221": CodeInfo(_W, "empty parameter: OSS ignores it"),
        "W222": CodeInfo(_W, "bare value left out where the documentation gives a default"),
        "W223": CodeInfo(_W, "parameter or form seen in use but not documented"),
        "W224": CodeInfo(_W, "undocumented spelling of a value"),
        # The source image, when the caller describes it (Source, --source-file).
        "E225": CodeInfo(_E, "source image OSS does not process"),
        "E226": CodeInfo(_E, "result larger than OSS gives"),
        "W227": CodeInfo(_W, "processing that does not do what it says for this source"),
        "E228": CodeInfo(_E, "crop origin outside the image"),
        "E229": CodeInfo(_E, "source too large for this action"),
        "W230": CodeInfo(_W, "image made by the chain over the source limit of this action"),
        "W231": CodeInfo(_W, "source image over the default size quota"),
        "W232": CodeInfo(_W, "value outside a range or list that is inferred, not documented"),
        "W233": CodeInfo(_W, "value that reads as another unit"),
        "W234": CodeInfo(_W, "parameter left out that the documentation says the job may fail without"),
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
        "E311": CodeInfo(_E, "standard Base64 where URL-safe Base64 is required"),
        "E312": CodeInfo(_E, "text longer than every documented limit"),
        "W313": CodeInfo(_W, "text longer than a stricter documented limit"),
        "E314": CodeInfo(_E, "processing OSS refuses inside a watermark image"),
        "W315": CodeInfo(_W, "processing not documented inside a watermark image"),
        "W316": CodeInfo(_W, "object name whose suffix, or lack of one, the processing action documents against"),
        # The request around the directive, found by the gateway guard (oss_process.gateway).
        # Errors are what OSS refuses (or cannot mean anything); warnings what it ignores.
        "G001": CodeInfo(_E, "sys/saveas in a GET request"),
        "G002": CodeInfo(_E, "x-oss-async-process in a GET request"),
        "G003": CodeInfo(_W, "process parameter name in another case: OSS ignores it"),
        "G004": CodeInfo(_E, "more than one process parameter in one request"),
        "G005": CodeInfo(_E, "POST body without the directive its query names"),
        "G006": CodeInfo(_E, "POST body longer than the guard reads"),
        "G007": CodeInfo(_E, "POST body ends with a newline after the directive"),
        # The library itself.
        "E999": CodeInfo(_E, "internal error in oss_process"),
    }
)


@dataclass(frozen=True, slots=True)
class Diagnostic(Generic[_Place]):
    """One problem: a stable ``code``, its ``severity``, a ``message`` and where it is.

    ``span`` is the place in the directive; None only for a finding about the request
    around it (some G codes), which has none.
    """

    code: str
    message: str
    span: _Place
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


def internal_error(error: BaseException, text: str) -> Diagnostic:
    """E999: what a bug inside the library becomes, so that linting never raises."""
    message = f"internal error ({type(error).__name__}: {error}); please report it with this directive"
    return Diagnostic("E999", message[:300], Span(0, len(text)))


class OffsetMap(NamedTuple):
    """Where the offsets of a directive fall in the line it was taken from.

    ``shift`` characters came before it (a form field name and ``=``, or the URL up to the
    process parameter's value); ``table``, when the value was percent-decoded, gives for
    each character of the directive, and for its end, its offset in the encoded value.
    """

    shift: int = 0
    table: tuple[int, ...] | None = None

    def offset(self, offset: int) -> int:
        """The 0-based offset in the original line of ``offset`` in the directive."""
        if self.table is not None:
            offset = self.table[max(0, min(offset, len(self.table) - 1))]
        return self.shift + offset

    def column(self, offset: int) -> int:
        """The 1-based column in the original line of ``offset`` in the directive."""
        return self.offset(offset) + 1

    def span(self, span: Span) -> Span:
        """``span`` of the directive as the extent it was written over in the line: a
        decoded character covers its whole escape (``%20``)."""
        return Span(self.offset(span.start), self.offset(span.end))

    @overload
    def relocate(self, diagnostics: Iterable[Diagnostic[Span]]) -> list[Diagnostic[Span]]: ...
    @overload
    def relocate(self, diagnostics: Iterable[Diagnostic[Span | None]]) -> list[Diagnostic[Span | None]]: ...
    def relocate(self, diagnostics: Iterable[Diagnostic[Any]]) -> list[Diagnostic[Any]]:
        """``diagnostics`` with their spans moved into the original line, to render them
        under the line as written: ``render(offsets.relocate(found), line)``."""
        return [d if d.span is None else Diagnostic(d.code, d.message, self.span(d.span), d.hint) for d in diagnostics]


class Origin(NamedTuple):
    """Where the directive was read: ``source`` (a path, or a label such as ``<stdin>``)
    and its 1-based ``line``; ``is_file`` False for a label (a GitHub annotation then names
    no file)."""

    source: str
    line: int = 1
    is_file: bool = True


def render(
    diagnostics: Diagnostic[Span | None] | Iterable[Diagnostic[Span | None]],
    text: str,
    *,
    format: str = "text",
    color: bool = False,
    origin: Origin | None = None,
    offsets: OffsetMap | None = None,
    spaced: bool = False,
    fields: Mapping[str, object] | None = None,
    indent: int | None = None,
    argument: str | None = None,
    request_id: str = "",
    host_id: str = "",
) -> str:
    """Show one diagnostic, or several, found in ``text``, in one of the :data:`FORMATS`
    (a mapping from each format's name to its function).

    - ``text`` (the default): per diagnostic ``severity[code]: message``, the input with a
      caret line under the span, and the hint; blocks joined by a line break. Characters
      that are not printable ASCII are shown escaped (``\\n``, ``\\u3000``) so the caret
      line stays aligned; a long input is cut to the span and some context. ``origin``
      prefixes ``source:line:column:``, ``color`` adds ANSI colours, ``spaced`` ends every
      block with a blank line (as the command line prints them).
    - ``json``: one JSON object; ``fields`` are its other members, ``indent`` as for
      :func:`json.dumps`. The list goes under ``"diagnostics"`` (in the place ``fields``
      gives that key, else last), each item with its offsets and 1-based columns.
    - ``github``: a GitHub Actions workflow command per diagnostic, one a line; ``origin``
      gives the file and line.
    - ``oss-xml``: OSS's 400 ``InvalidArgument`` ``<Error>`` document, at most 4096 UTF-8
      bytes; ``text`` is the value of the request parameter ``argument`` (None: no
      parameter to name), with ``request_id`` and ``host_id``.

    ``offsets`` maps the spans to columns of the line the directive was taken from (a form
    field, percent-decoded). A wrong argument raises :class:`~oss_process.ArgumentError`.
    """
    implementation = _renderer or _load_renderer()
    return implementation(diagnostics, text, format, color, origin, offsets, spaced, fields, indent, argument, request_id, host_id)


# _render.render_as once loaded, so a call pays for no import statement.
_renderer: Callable[..., str] | None = None


def _load_renderer() -> Callable[..., str]:
    global _renderer
    from ._render import render_as

    _renderer = render_as
    return render_as


def render_all(diagnostics: Iterable[Diagnostic[Span | None]], text: str) -> str:
    return render(diagnostics, text)


def __getattr__(name: str) -> object:
    # FORMATS lives with the renderer, which loads on first use.
    if name == "FORMATS":
        from ._render import FORMATS

        return FORMATS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
