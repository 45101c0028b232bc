"""SARIF 2.1.0 logs of problems located in files, for GitHub code scanning and SARIF viewers.

>>> from oss_process import Diagnostic, Span
>>> from oss_process.scan._model import Problem
>>> from oss_process.sarif import place_in_line, sarif_log
>>> line = "x-oss-process=image/resize,w_0"
>>> problem = Problem(Diagnostic("E206", "w: 0 is below the minimum, 1", Span(29, 30)), place_in_line(line, 3, Span(29, 30)))
>>> log = sarif_log([("img/a.txt", [problem])], tool_version="1.0")
>>> result = log["runs"][0]["results"][0]
>>> result["ruleId"], result["locations"][0]["physicalLocation"]["region"]["startColumn"]
('E206', 30)

Pure: :func:`sarif_log` builds the log as a dict, :func:`sarif_json` writes it out. Columns
are in UTF-16 code units (the run says ``"columnKind": "utf16CodeUnits"``), taken from the
``_utf16`` fields of each :class:`~oss_process.scan._model.Place`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from urllib.parse import quote_from_bytes

from oss_process import __version__
from oss_process.ast import Span
from oss_process.diagnostics import CODES
from oss_process.scan._model import Place, Problem

__all__ = ["FINGERPRINT", "INFORMATION_URI", "SCHEMA_URI", "Located", "artifact_uri", "place_in_line", "sarif_json", "sarif_log"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/oss-process/"
#: The key of each result's partialFingerprints; a new version when what it hashes changes.
FINGERPRINT = "ossProcessDirective/v1"
#: What relative URIs are relative to: the directory the paths were given from.
SRCROOT = "%SRCROOT%"

# Characters an RFC 3986 path segment may hold as they are, besides the unreserved ones
# (which quote never encodes). ':' is left out: in a first segment it would read as a scheme.
_PATH_SAFE = "/!$&'()*+,;=@"
_DRIVE = re.compile(r"[A-Za-z]:[/\\]")


class Located(NamedTuple):
    """Problems in one place, with what a plain ``(path, problems)`` pair cannot say.

    ``text`` is hashed into the fingerprints (the directive, or the line it is on); None:
    the message is. ``is_file`` False makes ``path`` a label (``<stdin>``): the location
    then has no URI, only an index into the run's artifacts, whose entry describes it.
    """

    path: str
    problems: Sequence[Problem]
    text: str | None = None
    is_file: bool = True


def sarif_log(results: Iterable[tuple[str, Sequence[Problem]] | Located], *, tool_version: str = __version__) -> dict[str, object]:
    """One SARIF 2.1.0 log, one run, a result per problem in the order given.

    ``results`` holds ``(path, problems)`` pairs or :class:`Located` items, any number per
    path. A path is relative (``/``-separated: a URI relative to ``%SRCROOT%``) or absolute
    (a ``file://`` URI). The rules are every code in ``CODES`` that is not retired.
    """
    rules = [code for code, info in CODES.items() if info.retired is None]
    rule_index = {code: index for index, code in enumerate(rules)}
    artifacts: list[dict[str, object]] = []
    artifact_index: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}  # fingerprints so far, to number repeats
    sarif_results: list[dict[str, object]] = []
    for item in results:
        located = item if isinstance(item, Located) else Located(item[0], item[1])
        identity, artifact = _artifact(located)
        if identity not in artifact_index:  # once each: "./a.txt" is "a.txt"
            artifact_index[identity] = len(artifacts)
            artifacts.append(artifact)
        for problem in located.problems:
            where = _artifact_location(located, artifact_index[identity])  # each its own: no dict is shared
            sarif_results.append(_result(problem, located.text, identity, where, rule_index, seen))
    driver: dict[str, object] = {
        "name": "oss-process",
        "informationUri": INFORMATION_URI,
        "version": tool_version,
        "rules": [_rule(code) for code in rules],
    }
    run: dict[str, object] = {"tool": {"driver": driver}, "columnKind": "utf16CodeUnits", "artifacts": artifacts, "results": sarif_results}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def sarif_json(log: dict[str, object], *, indent: int | None = 2) -> str:
    """The log as JSON text, ending with a line break. ASCII only: a line that was not
    UTF-8 keeps its undecodable bytes as lone surrogates, which only escaped stay valid."""
    return json.dumps(log, indent=indent, ensure_ascii=True) + "\n"


def place_in_line(text: str, line: int, span: Span) -> Place:
    """Where ``span`` (offsets in ``text``, the whole of line ``line``) is, in both units.
    Offsets past the end of ``text`` count one unit a character (a line cut short)."""
    return Place(line, span.start + 1, line, span.end + 1, _utf16(text, span.start) + 1, _utf16(text, span.end) + 1)


def artifact_uri(path: str) -> tuple[str, str | None]:
    """The URI of a file and its ``uriBaseId``: ``file://`` for an absolute path (no base),
    else a relative reference against ``%SRCROOT%``; percent-encoded as URIs need."""
    if path.startswith("/"):
        return "file://" + _quote(path), None
    if _DRIVE.match(path):  # C:\dir\file or C:/dir/file
        return "file:///" + path[:2] + _quote(path[2:].replace("\\", "/")), None
    while path.startswith("./"):
        path = path[2:]
    return _quote(path), SRCROOT


def _utf16(text: str, offset: int) -> int:
    head = text[:offset]
    return offset + sum(1 for char in head if char > "\uffff")  # a non-BMP character is two units


def _quote(path: str) -> str:
    return quote_from_bytes(_bytes(path), safe=_PATH_SAFE)


def _bytes(text: str) -> bytes:
    # A path read from the file system keeps undecodable bytes as surrogates: the same bytes back.
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _rule(code: str) -> dict[str, object]:
    info = CODES[code]
    return {"id": code, "shortDescription": {"text": info.title}, "defaultConfiguration": {"level": info.severity.value}}


def _artifact(located: Located) -> tuple[str, dict[str, object]]:
    """What the source is (its URI, or its label) and its artifact object."""
    if not located.is_file:
        return f"label {located.path}", {"description": {"text": located.path}, "roles": ["analysisTarget"]}
    uri, base = artifact_uri(located.path)
    return f"file {base or ''} {uri}", {"location": _uri_location(uri, base), "roles": ["analysisTarget"]}


def _artifact_location(located: Located, index: int) -> dict[str, object]:
    if not located.is_file:  # no URI to give: the index says which artifact (SARIF 3.4.2)
        return {"index": index, "description": {"text": located.path}}
    return {**_uri_location(*artifact_uri(located.path)), "index": index}


def _uri_location(uri: str, base: str | None) -> dict[str, object]:
    return {"uri": uri} if base is None else {"uri": uri, "uriBaseId": base}


def _result(
    problem: Problem,
    text: str | None,
    identity: str,
    where: dict[str, object],
    rule_index: dict[str, int],
    seen: dict[tuple[str, str], int],
) -> dict[str, object]:
    diagnostic, place = problem
    message = diagnostic.message if diagnostic.hint is None else f"{diagnostic.message}\nhint: {diagnostic.hint}"
    region = {
        "startLine": place.line,
        "startColumn": place.column_utf16,
        "endLine": place.end_line,
        "endColumn": place.end_column_utf16,
    }
    result: dict[str, object] = {"ruleId": diagnostic.code}
    if diagnostic.code in rule_index:  # a retired code has no rule to point at
        result["ruleIndex"] = rule_index[diagnostic.code]
    result["level"] = diagnostic.severity.value
    result["message"] = {"text": message}
    result["locations"] = [{"physicalLocation": {"artifactLocation": where, "region": region}}]
    hashed = diagnostic.message if text is None else text
    result["partialFingerprints"] = {FINGERPRINT: _fingerprint(diagnostic.code, identity, diagnostic.span, hashed, seen)}
    return result


def _fingerprint(code: str, identity: str, span: Span | None, text: str, seen: dict[tuple[str, str], int]) -> str:
    """A hash of the code, the path and the text, never of the line number: a result keeps
    its fingerprint when lines are added above it. The same problem repeated in one file
    (one directive on several lines) is told apart by a count, as GitHub's own
    ``primaryLocationLineHash`` does."""
    where = "" if span is None else f"{span.start}:{span.end}"  # the offsets in the text, not the columns
    digest = hashlib.sha256("\x00".join((code, identity, where, text)).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    key = (identity, digest)
    seen[key] = seen.get(key, 0) + 1
    return f"{digest}:{seen[key]}"
