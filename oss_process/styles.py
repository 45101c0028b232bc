"""A bucket's styles: what ``style/<name>`` and a style delimiter in a URL stand for.

    >>> from oss_process import Styles, canonicalize
    >>> styles = Styles({"aac": "audio/convert,f_aac,ab_96000"})
    >>> canonicalize("style/aac|sys/saveas,o_b3V0LmFhYw", mode="async", styles=styles, expand_styles=True)
    'audio/convert,f_aac,ab_96000|sys/saveas,o_b3V0LmFhYw'

OSS keeps a bucket's styles on the bucket; the ListStyle API (``GET /?style``) returns
them as XML, which :meth:`Styles.from_xml` reads as the service sends it::

    <?xml version="1.0" encoding="UTF-8"?>
    <StyleList>
      <Style>
        <Name>imagestyle</Name>
        <Content>image/resize,p_50</Content>
        <Category>image</Category>
        <CreateTime>Wed, 20 May 2020 12:07:15 GMT</CreateTime>
        <LastModifyTime>Wed, 21 May 2020 12:07:15 GMT</LastModifyTime>
      </Style>
    </StyleList>

(GetStyle's answer, one ``<Style>`` alone, is read too.) ListStyle does not say which
style delimiters the bucket has enabled; give them as ``delimiters``. The JSON form that
:meth:`Styles.from_json` reads holds both::

    {"delimiters": ["!"], "styles": {"thumb": "image/resize,w_200"}}

``styles`` is required (an object of style names to their content); ``delimiters`` is
optional (a list of the characters ``-``, ``_``, ``/``, ``!``, the ones OSS offers).
:meth:`Styles.load` reads either from a file, choosing by its first character. What is
not a bucket's styles raises :class:`~oss_process.StylesError`, its message naming the
file and what is wrong.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from ._frozen import Frozen
from .errors import ArgumentError, StylesError
from .tables.limits import MAX_STYLE_NAME

__all__ = ["DELIMITERS", "MAX_STYLES", "MAX_STYLES_FILE", "Styles"]

#: Most styles a bucket holds (the styles page): more is not one bucket's ListStyle answer.
MAX_STYLES = 50

#: Largest styles file read, in bytes: fifty styles of a full-length directive fit easily.
MAX_STYLES_FILE = 1 << 20

#: The style delimiters a bucket may enable, in the order OSS lists them.
DELIMITERS = "-_/!"

# The grammar's STYLE_NAME, with the styles page's length limit. Patterns are compiled on
# first use (re's cache keeps them): importing this module stays cheap.
_NAME = f"[A-Za-z0-9_.-]{{1,{MAX_STYLE_NAME}}}"
# A DTD is the only way to declare entities: without one no entity can expand.
_DTD = r"<!(?:DOCTYPE|ENTITY)"


class Styles(Frozen, Mapping[str, str]):
    """A bucket's styles, name -> directive text, and its style delimiters.

    Immutable, hashable and comparable; a mapping of its styles (``styles["thumb"]``,
    ``"thumb" in styles``, ``len(styles)``). ``delimiters`` is a str of the enabled
    characters, in OSS's order (``"-_/!"`` at most).
    """

    __slots__ = ("_hash", "_styles", "delimiters")

    _styles: Mapping[str, str]
    delimiters: str
    _hash: int

    def __init__(self, styles: Mapping[str, str] | None = None, *, delimiters: str | Iterable[str] = "") -> None:
        checked = _checked_styles({} if styles is None else styles, "Styles")
        object.__setattr__(self, "_styles", MappingProxyType(checked))
        object.__setattr__(self, "delimiters", _checked_delimiters(delimiters, "Styles"))
        object.__setattr__(self, "_hash", hash((frozenset(checked.items()), self.delimiters)))

    # --- reading what OSS returns, or the JSON form -------------------------------------

    @classmethod
    def from_xml(cls, text: str | bytes, *, delimiters: str | Iterable[str] = "", origin: str = "<xml>") -> Styles:
        """The styles of a ListStyle answer (``<StyleList>``), or of GetStyle's (one
        ``<Style>``). ``origin`` names the input in error messages (a path)."""
        return cls(_from_xml(_decoded(text, origin), origin), delimiters=_checked_delimiters(delimiters, origin))

    @classmethod
    def from_json(cls, text: str | bytes, *, origin: str = "<json>") -> Styles:
        """The styles of ``{"delimiters": [...], "styles": {name: directive}}``."""
        styles, delimiters = _from_json(_decoded(text, origin), origin)
        return cls(styles, delimiters=delimiters)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, delimiters: str | Iterable[str] | None = None) -> Styles:
        """The styles in the file at ``path``: XML when it starts with ``<``, JSON when it
        starts with ``{``. ``delimiters``, when given, replaces the file's (the XML of
        ListStyle has none)."""
        origin = os.fspath(path)
        try:
            with open(path, "rb") as stream:
                data = stream.read(MAX_STYLES_FILE + 1)
        except OSError as error:
            raise StylesError(f"{origin}: cannot read it: {error.strerror or error}") from None
        if len(data) > MAX_STYLES_FILE:
            raise StylesError(f"{origin}: longer than {MAX_STYLES_FILE} bytes: not one bucket's styles")
        text = _decoded(data, origin)
        first = text.lstrip()[:1]
        if first == "<":
            found = cls.from_xml(text, origin=origin)
        elif first == "{":
            found = cls.from_json(text, origin=origin)
        else:
            shown = f"starts with {first!r}" if first else "is empty"
            raise StylesError(f"{origin}: {shown}: a styles file is ListStyle's XML (<StyleList>) or JSON ({_JSON_SHAPE})")
        return found if delimiters is None else found.with_delimiters(delimiters)

    def with_delimiters(self, delimiters: str | Iterable[str]) -> Styles:
        """These styles with the bucket's style delimiters set to ``delimiters``."""
        return Styles(self._styles, delimiters=_checked_delimiters(delimiters, "delimiters"))

    # --- a mapping of names to directives, and a value -------------------------------------

    def __getitem__(self, name: str) -> str:
        return self._styles[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._styles)

    def __len__(self) -> int:
        return len(self._styles)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Styles):
            return NotImplemented
        return self.delimiters == other.delimiters and dict(self._styles) == dict(other._styles)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        shown = f", delimiters={self.delimiters!r}" if self.delimiters else ""
        return f"Styles({dict(self._styles)!r}{shown})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (dict(self._styles), self.delimiters))


def _rebuild(styles: dict[str, str], delimiters: str) -> Styles:
    return Styles(styles, delimiters=delimiters)


# --- checks shared by every way in --------------------------------------------------------


def _checked_styles(styles: object, origin: str) -> dict[str, str]:
    if not isinstance(styles, Mapping):
        raise ArgumentError((), message=f"{origin}: styles must be a mapping of style names to directives, not {type(styles).__name__}")
    checked: dict[str, str] = {}
    for name, content in styles.items():
        if not isinstance(name, str) or not isinstance(content, str):
            wrong = name if not isinstance(name, str) else content
            raise ArgumentError((), message=f"{origin}: a style's name and content are str, not {type(wrong).__name__} ({wrong!r:.60})")
        _check_style(name, content, origin)
        checked[name] = content
    if len(checked) > MAX_STYLES:
        raise StylesError(f"{origin}: {len(checked)} styles: a bucket holds at most {MAX_STYLES}")
    return checked


def _check_style(name: str, content: str, origin: str) -> None:
    if re.fullmatch(_NAME, name) is None:
        raise StylesError(f"{origin}: the style name {name!r:.80} is not 1-{MAX_STYLE_NAME} letters, digits, '_', '.' or '-'")
    if not content:
        # OSS refuses to store an empty style ("Style content is invalid.").
        raise StylesError(f"{origin}: the style {name!r} is empty: a style holds a directive")


def _checked_delimiters(delimiters: object, origin: str) -> str:
    if isinstance(delimiters, Iterable):  # a str is an iterable of its characters
        given = list(delimiters)
    else:
        raise ArgumentError((), message=f"{origin}: delimiters are a str of characters, not {type(delimiters).__name__}")
    for char in given:
        if not isinstance(char, str) or len(char) != 1 or char not in DELIMITERS:
            raise StylesError(f"{origin}: {char!r:.20} is not a style delimiter: OSS offers {', '.join(DELIMITERS)}")
    return "".join(c for c in DELIMITERS if c in given)


def _decoded(text: str | bytes, origin: str) -> str:
    if isinstance(text, str):
        return text.removeprefix("\ufeff")
    if not isinstance(text, bytes):
        raise ArgumentError((), message=f"{origin}: a styles document is a str or bytes, not {type(text).__name__}")
    try:
        return text.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise StylesError(f"{origin}: byte {error.start} is not UTF-8: OSS sends its answers as UTF-8") from None


# --- the two formats ---------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]  # a namespace, if the XML was given one, says nothing here


def _from_xml(text: str, origin: str) -> dict[str, str]:
    import xml.etree.ElementTree as ElementTree

    if len(text) > MAX_STYLES_FILE:
        raise StylesError(f"{origin}: longer than {MAX_STYLES_FILE} characters: not one bucket's styles")
    if re.search(_DTD, text, re.IGNORECASE):
        # Entities declared in a DTD can expand without bound: a styles file needs none.
        raise StylesError(f"{origin}: the XML has a DOCTYPE or ENTITY declaration: ListStyle's answer has none")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        line, column = error.position  # expat counts columns from 0
        reason = str(error).partition(": line ")[0]
        raise StylesError(f"{origin}: not well-formed XML: {reason} at line {line}, column {column + 1}") from None
    tag = _local(root.tag)
    if tag == "Error":
        code = root.findtext("Code") or "?"
        raise StylesError(f"{origin}: an OSS error answer ({code}: {root.findtext('Message') or ''}), not ListStyle's")
    if tag == "Style":
        entries = [root]
    elif tag == "StyleList":
        entries = [child for child in root if _local(child.tag) == "Style"]
    else:
        raise StylesError(f"{origin}: the root element is <{tag}>: ListStyle answers <StyleList>, GetStyle <Style>")
    styles: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        fields = {_local(child.tag): child.text or "" for child in entry}
        name, content = fields.get("Name"), fields.get("Content")
        if name is None or content is None:
            missing = "<Name>" if name is None else "<Content>"
            raise StylesError(f"{origin}: style {number} has no {missing}")
        if name in styles:
            raise StylesError(f"{origin}: the style {name!r:.80} is given twice: a bucket has one style of a name")
        _check_style(name, content, origin)
        styles[name] = content
    if len(styles) > MAX_STYLES:
        raise StylesError(f"{origin}: {len(styles)} styles: a bucket holds at most {MAX_STYLES}")
    return styles


_JSON_KEYS = ("delimiters", "styles")
_JSON_SHAPE = '{"styles": {...}}'


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key {key!r:.80} is given twice")
        found[key] = value
    return found


def _from_json(text: str, origin: str) -> tuple[dict[str, str], list[str]]:
    import json

    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates)
    except ValueError as error:  # json.JSONDecodeError is one; a duplicate key the other
        raise StylesError(f"{origin}: not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise StylesError(f'{origin}: the JSON is {_json_type(document)}: a styles file is an object {{"styles": {{...}}}}')
    unknown = [key for key in document if key not in _JSON_KEYS]
    if unknown:
        raise StylesError(f"{origin}: unknown key {unknown[0]!r:.40}: a styles file holds {' and '.join(_JSON_KEYS)}")
    styles = document.get("styles")
    if not isinstance(styles, dict):
        shown = "missing" if styles is None else _json_type(styles)
        raise StylesError(f'{origin}: "styles" is {shown}: it is an object of style names to directives')
    for name, content in styles.items():
        if not isinstance(content, str):
            raise StylesError(f"{origin}: the style {name!r:.80} is {_json_type(content)}: a style is a directive, a string")
        _check_style(name, content, origin)
    delimiters = document.get("delimiters", [])
    if not isinstance(delimiters, list) or not all(isinstance(d, str) for d in delimiters):
        raise StylesError(f'{origin}: "delimiters" is {_json_type(delimiters)}: it is a list of characters, such as ["!"]')
    if len(styles) > MAX_STYLES:
        raise StylesError(f"{origin}: {len(styles)} styles: a bucket holds at most {MAX_STYLES}")
    _checked_delimiters(delimiters, origin)
    return styles, delimiters


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__
