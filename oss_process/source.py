"""What a caller knows of the input object, for checks of the effective output.

    >>> from oss_process import Source, lint
    >>> [d.code for d in lint("audio/convert,f_mp3", mode="async", source=Source(sample_rate=96000))]
    ['E212']

The fields a :class:`Source` may carry are declared by the catalogue's tables
(:class:`SourceField`, ``Catalogue.source_fields``): the audio rate, channels and
bitrate today; an image's width and height or a video's duration fit the same way. A
field no table of the catalogue declares is refused (:class:`~oss_process.ArgumentError`)
when the source is used, so a misspelt field never silently checks nothing.
:meth:`Source.from_file` reads the facts of an image or audio file (the ``[media]``
extra: :mod:`oss_process.media`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from ._frozen import Frozen
from .errors import ArgumentError

if TYPE_CHECKING:
    from os import PathLike

__all__ = ["Source", "SourceAudio", "SourceField"]


class SourceField(NamedTuple):
    """One fact about the source that rules may read: a positive integer, or for a
    field declared with ``type=str`` a non-empty word (an image's format: ``"png"``),
    read in lower case and with ``aliases`` (``("jpeg", "jpg")``) spelled the one way."""

    name: str
    meaning: str
    unit: str | None = None
    type: type[int] | type[str] = int
    aliases: tuple[tuple[str, str], ...] = ()


class Source(Frozen):
    """Known facts about the source object, by field name: ``Source(width=1920)``.

    Immutable, hashable and comparable: two sources with the same facts are equal. A
    fact given as None is unknown, as if left out.
    """

    __slots__ = ("_facts", "_hash")

    _facts: Mapping[str, int | str]
    _hash: int

    def __init__(self, **facts: int | str | None) -> None:
        known: dict[str, int | str] = {}
        for name, value in facts.items():
            if value is None:
                continue
            if not ((type(value) is int and value > 0) or (type(value) is str and value)):
                raise ArgumentError(
                    (), message=f"{type(self).__name__}.{name} must be a positive int, a non-empty str or None, not {value!r}"
                )
            known[name] = value
        object.__setattr__(self, "_facts", MappingProxyType(dict(sorted(known.items()))))
        object.__setattr__(self, "_hash", hash(tuple(self._facts.items())))

    @classmethod
    def from_file(cls, path: str | PathLike[str]) -> Source:
        """The facts of an image or audio file, read from its header (a plain
        :class:`Source`, also when called on a subclass): an image's ``width``,
        ``height``, ``format``, ``frames`` and ``size`` with Pillow, an audio file's
        ``sample_rate``, ``channels``, ``bitrate`` and ``size`` with tinytag, both from
        the ``[media]`` extra. See :mod:`oss_process.media`.

        Raises :class:`~oss_process.MissingExtraError` without the extra and
        :class:`~oss_process.SourceFileError` for a file it cannot read.
        """
        from .media import read_source  # imports Pillow and tinytag: only when asked

        return read_source(path)

    @property
    def facts(self) -> Mapping[str, int | str]:
        """The known facts, by field name."""
        return self._facts

    def get(self, name: str) -> int | str | None:
        """The value of field ``name``, or None when it is not known."""
        return self._facts.get(name)

    def number(self, name: str) -> int | None:
        """The value of integer field ``name``, or None when it is not known (or not a number)."""
        value = self._facts.get(name)
        return value if isinstance(value, int) else None

    def word(self, name: str) -> str | None:
        """The value of text field ``name``, or None when it is not known (or not text)."""
        value = self._facts.get(name)
        return value if isinstance(value, str) else None

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Source):
            return NotImplemented
        return self._facts == other._facts

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._facts.items())})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (dict(self._facts),))


def _rebuild(facts: dict[str, int | str]) -> Source:
    return Source(**facts)


class SourceAudio(Source):
    """The source audio: the original, compatible spelling of :class:`Source`."""

    __slots__ = ()

    #: Its fields, in the order of its arguments.
    FIELDS: ClassVar[tuple[str, ...]] = ("sample_rate", "channels", "bitrate")

    def __init__(self, sample_rate: int | None = None, channels: int | None = None, bitrate: int | None = None) -> None:
        for name, value in zip(self.FIELDS, (sample_rate, channels, bitrate), strict=True):
            if value is not None and type(value) is not int:
                raise ArgumentError((), message=f"SourceAudio.{name} must be a positive int or None, not {value!r}")
        super().__init__(sample_rate=sample_rate, channels=channels, bitrate=bitrate)

    @property
    def sample_rate(self) -> int | None:
        """Hz."""
        return self.number("sample_rate")

    @property
    def channels(self) -> int | None:
        return self.number("channels")

    @property
    def bitrate(self) -> int | None:
        """bit/s."""
        return self.number("bitrate")

    def __reduce__(self) -> tuple[object, ...]:
        return (SourceAudio, (self.sample_rate, self.channels, self.bitrate))
