"""The exceptions oss_process raises. Each carries the diagnostics that explain it."""

from __future__ import annotations

from collections.abc import Iterable

from .diagnostics import Diagnostic, render_all

__all__ = ["ArgumentError", "DirectiveError", "InvalidDirectiveError", "ParseError", "StylesError"]


class DirectiveError(ValueError):
    """Base of every error oss_process raises.

    ``diagnostics`` holds every problem found (errors first); ``text`` is the input, so
    ``str(error)`` can show each one under the input with a caret.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], text: str = "", message: str | None = None) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics, key=lambda d: (not d.is_error, d.span.start)))
        self.text = text
        if message is None:
            first = self.diagnostics[0] if self.diagnostics else None
            message = f"{first.code}: {first.message}" if first else "invalid directive"
        super().__init__(message)

    def __str__(self) -> str:
        head = super().__str__()
        if not self.diagnostics:
            return head
        return f"{head}\n{render_all(self.diagnostics, self.text)}"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.diagnostics, self.text, self.args[0] if self.args else None))


class ParseError(DirectiveError):
    """The text does not follow the grammar (or breaks a size limit checked before it)."""


class InvalidDirectiveError(DirectiveError):
    """The text parses, but validation found errors."""


class ArgumentError(DirectiveError, TypeError):
    """A caller's mistake rather than the directive's: ``text`` not a ``str``, an unknown
    ``mode``, an invalid :class:`~oss_process.SourceAudio`."""


class StylesError(DirectiveError):
    """What was given as a bucket's styles is not (:class:`~oss_process.Styles`): a file
    that is not ListStyle's XML or the documented JSON, a style name OSS refuses, more
    styles than a bucket holds. The message names the file and what is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__((), "", message)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.args[0],))
