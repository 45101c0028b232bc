"""``oss_process.scan`` and ``oss-process scan`` over a fixture tree, tests/scan_tree: small
files written the way code bases hold OSS directives (oss2, ali-oss, the Java and Go SDKs,
Vue and HTML templates, Markdown, YAML and JSON), with templated and literal directives,
suppression comments, comments and MIME types that are not directives, files a
``.gitignore`` leaves out, a binary file and a file that is not UTF-8.

The tree is copied into a temporary directory and scanned three ways: committed to a fresh
git repository, untracked in one (both read through ``git ls-files``), and outside any
repository (the walk that reads the ``.gitignore`` files with pathspec). The fixture's
ignore files are stored as ``gitignore`` and renamed on the copy: real ones would keep the
files they ignore out of this project's own repository.

Every expected location below was counted by hand in the fixture files: lines from 1,
columns from 1 in code points (a tab, an emoji or a CJK character is one column). None was
copied from the scanner's output. Where the scanner is wrong, the table keeps the right
answer, the lines concerned are left out of the complete comparison and a strict xfail in
BUGS names the mistake.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from oss_process import cli
from oss_process.diagnostics import CODES
from oss_process.scan import FileReport, Finding, Place, Settings, scan, scan_file, scan_text

FIXTURE = Path(__file__).resolve().parent / "scan_tree"

PY = "app/images.py"
CRLF = "app/windows.py"  # CRLF line ends
YAML = "deploy/styles.yaml"
MD = "docs/images.md"
JAVA = "server/src/main/java/com/example/ImageService.java"
HTML = "web/public/index.html"
JS = "web/src/api/oss.js"
VUE = "web/src/components/Gallery.vue"
JSON = "web/src/presets.json"
TS = "web/src/utils/thumb.ts"
GO = "worker/process.go"  # tab-indented
PNG = "assets/logo.png"  # NUL bytes, and x-oss-process=image/resize,w_0 in a tEXt chunk
GBK = "legacy/gallery-gbk.html"  # GBK-encoded: byte 5 (0xbe) starts no UTF-8 sequence

#: Every file a scan reports on (the ignored ones are not among them).
FILES = (
    ".gitattributes",
    ".gitignore",
    PY,
    CRLF,
    PNG,
    YAML,
    MD,
    GBK,
    JAVA,
    "web/.gitignore",
    HTML,
    JS,
    VUE,
    JSON,
    TS,
    GO,
)
SKIPPED = {PNG: "binary", GBK: "not UTF-8 (byte 0xbe at offset 5)"}
#: Files that hold a directive and that the .gitignore files leave out.
IGNORED = ("generated/bundle.min.js", "app/settings.local.py", "web/node_modules/ali-oss/lib/example.js")


class Row(NamedTuple):
    """A finding as it should be: where it starts, what it is, and its problems, each
    (line, column, code)."""

    path: str
    line: int
    column: int
    kind: str
    directive: str
    mode: str | None = None
    problems: tuple[tuple[int, int, str], ...] = ()


# fmt: off
ROWS = (
    # app/images.py: oss2
    Row(PY, 13, 10, "literal", "image/resize,m_fill,w_200,h_200"),
    Row(PY, 14, 11, "literal", "image/resize,w_0", None, ((14, 26, "E206"),)),
    Row(PY, 15, 9, "literal", "image/format,webp/quality,q_900", None, ((15, 37, "E206"),)),
    Row(PY, 16, 11, "literal", "image/resize,w_0"),  # ignore[E206]
    Row(PY, 17, 11, "literal", "image/resize,w_100 ,h_0", None, ((17, 29, "E012"),)),  # ignore[E206]: E012 stays
    Row(PY, 18, 11, "literal", "image/resize,w_0,mode_lfit"),  # ignore: E206 and W220 go
    Row(PY, 20, 15, "literal", "style/main.css"),  # a literal starting with style/ is a style
    Row(PY, 28, 44, "literal", "image/resize,w_100", "sync"),
    Row(PY, 33, 45, "literal", "image/resize,w_{},h_{}", "sync"),  # f-string
    Row(PY, 37, 16, "literal", "image/resize,w_{},h_{}/quality,q_900", None, ((37, 49, "E206"),)),  # % formatting
    Row(PY, 42, 16, "literal", "image/resize,w_{} ,h_100", None, ((42, 38, "E012"),)),  # .format
    Row(PY, 47, 13, "literal", "image/resize,w_{},h_100"),  # 'a' + str(w) + 'b'
    Row(PY, 48, 12, "literal", "image/resize,w_{},h_0", None, ((48, 44, "E206"),)),
    Row(PY, 53, 33, "literal", "image/resize,w_100|sys/saveas,o_{},b_{}", "sync"),
    Row(PY, 54, 33, "literal", "image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc=", "sync", ((54, 65, "W302"),)),
    Row(PY, 55, 35, "literal", "image/resize,w_200|sys/saveas,o_ZGVzdC5qcGc", "sync"),  # triple-quoted
    Row(PY, 59, 39, "literal", "video/convert,f_mp4,vcodec_h264,s_1280x720|sys/saveas,o_ZGVzdC5tcDQ,b_Z2FsbGVyeQ", "async"),
    Row(PY, 60, 33, "literal", "audio/convert,f_mp3,ab_128000,ar_44100,ac_2|sys/saveas,o_ZGVzdC5tcDM", "sync", ((60, 39, "E103"),)),
    Row(PY, 65, 10, "literal", "image/resize,w_100/quality,q_900", None, ((66, 21, "E206"),)),  # "a" "b" over two lines
    Row(PY, 71, 84, "url", "image/resize,w_100,h_0", "sync", ((71, 111, "E206"),)),  # %2F, %2C
    Row(PY, 75, 71, "literal", "image/resize,w_0", "sync", ((75, 86, "E206"),)),  # params={"x-oss-process": ...}
    Row(PY, 79, 44, "literal", "audio/convert,f_mp3,ab_128000,ar_44100,ac_2", "sync", ((79, 50, "E103"),)),  # get_object(process=)
    # app/windows.py: CRLF
    Row(CRLF, 2, 10, "literal", "image/resize,w_100,h_0", None, ((2, 31, "E206"),)),
    Row(CRLF, 4, 6, "literal", "image/resize,w_100/quality,q_900", None, ((5, 17, "E206"),)),
    Row(CRLF, 7, 13, "literal", "image/resize,w_100 ,h_100", None, ((7, 31, "E012"),)),
    # deploy/styles.yaml
    Row(YAML, 4, 10, "literal", "image/resize,m_fill,w_200,h_200"),  # plain
    Row(YAML, 5, 12, "literal", "image/resize,w_0", None, ((5, 27, "E206"),)),  # single-quoted
    Row(YAML, 6, 12, "literal", "image/resize,w_1600,h_0", None, ((6, 39, "E206"),)),  # double-quoted, \u002C
    Row(YAML, 8, 7, "literal", "image/format,webp"),  # a list item
    Row(YAML, 9, 8, "literal", "image/quality,q_900", None, ((9, 24, "E206"),)),
    Row(YAML, 10, 76, "url", "image/resize,w_100", "sync"),  # before a comment
    Row(YAML, 13, 10, "literal", "image/resize,w_100"),  # a flow list
    Row(YAML, 13, 32, "literal", "image/resize,w_0", None, ((13, 47, "E206"),)),
    # docs/images.md
    Row(MD, 3, 17, "literal", "image/resize,w_100"),  # code spans
    Row(MD, 3, 45, "literal", "image/resize,w_0", None, ((3, 60, "E206"),)),
    Row(MD, 4, 21, "literal", "style/thumb"),  # ``double backticks``
    Row(MD, 6, 86, "url", "image/resize,w_0", "sync", ((6, 101, "E206"),)),  # a link
    Row(MD, 7, 76, "url", "image/resize,w_100,h_0", "sync", ((7, 103, "E206"),)),  # an image, percent-encoded
    Row(MD, 10, 33, "literal", "image/quality,q_900", "sync", ((10, 49, "E206"),)),  # ```python
    Row(MD, 14, 51, "literal", "image/resize,w_{},h_0", "sync", ((14, 73, "E206"),)),  # ```js
    Row(MD, 18, 1, "literal", "image/resize,w_100,mode_lfit", None, ((18, 20, "W220"),)),  # ``` without a language
    Row(MD, 19, 15, "url", "image/quality,q_900", "sync", ((19, 31, "E206"),)),
    Row(MD, 22, 45, "url", "image/resize,w_100|sys/saveas,o_dGh1bWIuanBn", "async", ((22, 51, "E103"),)),
    # server/src/main/java/com/example/ImageService.java
    Row(JAVA, 11, 42, "literal", "image/resize,m_fixed,w_100,h_100"),
    Row(JAVA, 14, 9, "literal", "image/resize,w_0", None, ((14, 24, "E206"),)),  # a text block
    Row(JAVA, 27, 29, "literal", "image/resize,m_fixed,w_100,h_0", None, ((27, 58, "E206"),)),  # setProcess
    Row(JAVA, 33, 43, "literal", "image/resize,w_{}/quality,q_900", None, ((33, 71, "E206"),)),  # String.format
    Row(JAVA, 38, 27, "literal", "video/convert,f_mp4,vcodec_h264|sys/saveas,b_{},o_{}"),
    Row(JAVA, 44, 79, "literal", "audio/convert,f_mp3,ab_128000,ar_44100,ac_2|sys/saveas,o_b3V0Lm1wMw", "sync", ((44, 85, "E103"),)),
    # web/public/index.html
    Row(HTML, 6, 32, "literal", "style/main.css"),  # href="style/main.css": found as a style
    Row(HTML, 10, 78, "url", "image/resize,w_200", "sync"),
    Row(HTML, 11, 78, "url", "image/resize,w_100", "sync"),  # &amp; ends the value
    Row(HTML, 12, 78, "url", "image/resize,w_100,h_0", "sync", ((12, 104, "E206"),)),  # &#x2C; is a comma
    Row(HTML, 14, 86, "url", "image/format,webp/resize,w_0", "sync", ((14, 113, "E206"),)),  # srcset
    Row(HTML, 16, 84, "url", "image/quality,q_900", "sync", ((16, 100, "E206"),)),  # in text, after CJK
    Row(HTML, 18, 40, "url", "image/resize,w_{}", "sync"),  # <script>
    # web/src/api/oss.js: ali-oss
    Row(JS, 13, 48, "literal", "image/resize,w_200", "sync"),  # signatureUrl(name, { process })
    Row(JS, 17, 62, "literal", "image/resize,m_lfit,w_{},h_{}", "sync"),  # a template literal
    Row(JS, 21, 32, "url", "style/thumb", "sync"),  # url + '?x-oss-process=style/thumb'
    Row(JS, 25, 32, "url", "image/resize,w_{},h_0", "sync", ((25, 54, "E206"),)),
    Row(JS, 30, 59, "literal", "image/resize,w_0,h_100", "sync", ((30, 74, "E206"),)),  # processObjectSave
    Row(JS, 35, 27, "literal", "image/watermark,text_SGVsbG8=,size_40"),  # ignore[W302]
    Row(JS, 36, 25, "literal", "image/blur,r_3,s_2/quality,q_900", None, ((36, 59, "E206"),)),  # "a" + 'b'
    # web/src/components/Gallery.vue
    Row(VUE, 3, 85, "url", "image/resize,w_200", "sync"),
    Row(VUE, 4, 85, "url", "image/resize,w_{}", "sync"),  # :src="url + '?x-oss-process=...w_' + width"
    Row(VUE, 5, 39, "url", "image/resize,w_{},h_0", "sync", ((5, 65, "E206"),)),  # :src="`...${width}...`"
    Row(VUE, 6, 43, "url", "image/resize,w_1600", "sync"),
    Row(VUE, 7, 46, "url", "image/resize,w_{}/quality,q_900", "sync", ((7, 83, "E206"),)),  # {{ mustache }}
    Row(VUE, 8, 79, "url", "image/resize,w_100", "sync"),  # &amp; ends the value
    Row(VUE, 18, 31, "literal", "image/resize,m_fill,w_{},h_{}"),  # <script setup>
    Row(VUE, 23, 95, "url", "image/blur,r_3,s_0", "sync", ((23, 112, "E206"),)),  # <style>
    # web/src/presets.json
    Row(JSON, 2, 13, "literal", "image/resize,w_200"),
    Row(JSON, 3, 14, "literal", "image/resize,w_0", None, ((3, 29, "E206"),)),
    Row(JSON, 4, 87, "url", "image/resize,w_0", "sync", ((4, 103, "E206"),)),  # \/
    Row(JSON, 5, 15, "literal", "image/resize,w_100,h_0", None, ((5, 41, "E206"),)),  # \u002c
    Row(JSON, 7, 15, "literal", "style/thumb"),
    Row(JSON, 7, 30, "literal", "image/quality,q_900", None, ((7, 46, "E206"),)),
    # web/src/utils/thumb.ts
    Row(TS, 9, 32, "url", "image/resize,m_{},w_{}", "sync"),
    Row(TS, 13, 22, "literal", "image/resize,w_100,mode_lfit", None, ((13, 41, "W220"),)),
    Row(TS, 14, 22, "literal", "image/resize,w_1600/quality,Q_90"),
    Row(TS, 15, 21, "literal", "image/format,webp/resize,w_0", None, ((15, 48, "E206"),)),
    Row(TS, 19, 25, "url", "image/resize,w_{}", "sync"),  # ...w_${w}&v=${v}
    Row(TS, 21, 51, "literal", "image/resize,w_0", None, ((21, 66, "E206"),)),  # after an emoji
    # worker/process.go
    Row(GO, 11, 21, "literal", "image/resize,w_100"),
    Row(GO, 12, 20, "literal", "image/crop,x_10,y_10,w_200,h_200|image/resize,w_0", None, ((12, 68, "E206"),)),  # `raw`
    Row(GO, 19, 44, "literal", "image/resize,w_100", "sync"),  # oss.Process(...)
    Row(GO, 23, 26, "literal", "image/resize,w_{},h_0", None, ((23, 46, "E206"),)),  # fmt.Sprintf
    Row(GO, 28, 26, "literal", "image/resize,w_100|sys/saveas,o_{},b_{}"),
    Row(GO, 35, 39, "literal", "image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc=", "sync", ((35, 71, "W302"),)),  # ProcessObject
    Row(GO, 40, 10, "literal", "image/resize,w_100/quality,q_900", None, ((40, 39, "E206"),)),
)

#: Findings that took out problems by a suppression comment: (path, line) -> how many.
SUPPRESSED = {(PY, 16): 1, (PY, 17): 1, (PY, 18): 2, (JS, 35): 1}

#: Text that looks like a directive and is none: (path, line, column, why).
NOT_FOUND = (
    (PY, 3, 27, "in a docstring, not at its start"),
    (PY, 19, 26, "a MIME type"),
    (PY, 19, 46, "a MIME type"),
    (PY, 32, 39, "in a comment"),
    (JS, 10, 25, "a MIME type"),
    (JS, 10, 52, "a MIME type"),
    (JS, 33, 17, "in a // comment"),
    (JS, 34, 42, "in a /* */ comment"),
    (TS, 5, 17, "a MIME type in a type"),
    (TS, 13, 67, "a MIME type"),
    (JAVA, 9, 42, "in a Javadoc comment"),
    (JAVA, 12, 49, "a MIME type"),
    (JAVA, 46, 32, "in a // comment"),
    (JAVA, 47, 13, "in a /* */ comment"),
    (GO, 14, 20, "a MIME type"),
    (GO, 34, 18, "in a // comment"),
    (MD, 4, 50, "a MIME type in prose"),
    (MD, 10, 63, "in a comment of a python block"),
    (YAML, 11, 9, "a MIME type"),
    (YAML, 12, 16, "inside a string, not at its start"),
    (JSON, 6, 15, "a MIME type"),
    (HTML, 14, 125, "a MIME type"),
    (VUE, 19, 17, "a MIME type"),
)
# fmt: on


class Bug(NamedTuple):
    """A mistake of the scanner: the (path, line) of the findings it is about (ROWS holds
    what they should be; a line without a row should have no finding) and what is wrong."""

    where: tuple[tuple[str, int], ...]
    reason: str


#: Mistakes of the scanner known now (none). The ten this table found first (E012 after a
#: placeholder, an operand holding a string, get_object's mode, comments in YAML, HTML,
#: Markdown and <script>, Java text blocks, style/ paths, ends of placeholders, path and
#: file order) are fixed, and their rows are checked with the rest.
BUGS: dict[str, Bug] = {}

LAYOUTS = ("git-committed", "git-untracked", "no-git")


# -- the tree --------------------------------------------------------------------------


def _git(tree: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(tree), *args], capture_output=True, check=False, timeout=120)


def _make_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> Path:
    """The fixture copied to ``tmp_path/tree`` as ``layout`` says; the current directory is
    the tree, so the paths reported are relative to it."""
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURE, tree)
    for stored in sorted(tree.rglob("gitignore")):
        stored.rename(stored.with_name(".gitignore"))
    # No git configuration of the machine's, no repository found above the tree.
    for name, value in {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "HOME": str(tmp_path),
        "GIT_CEILING_DIRECTORIES": str(tmp_path),
        "GIT_AUTHOR_NAME": "oss-process tests",
        "GIT_AUTHOR_EMAIL": "tests@example.invalid",
        "GIT_COMMITTER_NAME": "oss-process tests",
        "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)
    if layout == "no-git":
        pytest.importorskip("pathspec")
        if shutil.which("git") is not None:
            assert _git(tree, "rev-parse", "--git-dir").returncode != 0, "the tree must be outside any repository"
    else:
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        assert _git(tree, "-c", "init.defaultBranch=main", "init", "-q").returncode == 0
        if layout == "git-committed":
            assert _git(tree, "add", "-A").returncode == 0
            assert _git(tree, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "fixture").returncode == 0
            listed = _git(tree, "ls-files", "-z").stdout.decode().split("\0")
            assert sorted(name for name in listed if name) == sorted(FILES)
        else:
            assert _git(tree, "ls-files").stdout == b""
    monkeypatch.chdir(tree)
    return tree


@pytest.fixture(params=LAYOUTS)
def tree(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    layout: str = request.param
    return _make_tree(tmp_path, monkeypatch, layout)


@pytest.fixture
def committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _make_tree(tmp_path, monkeypatch, "git-committed")


def _scan() -> list[FileReport]:
    return list(scan(".", settings=Settings()))


def _findings(reports: Iterable[FileReport]) -> list[Finding]:
    return [finding for report in reports for finding in report.findings]


# -- what is found, and where ------------------------------------------------------------

Found = tuple[str, int, int, str, str, str | None]  # path, line, column, kind, directive, mode
Spot = tuple[str, int, int, str]  # path, line, column, code
Keep = Callable[[tuple[str, int]], bool]  # which findings, by (path, line)


def _bug_lines(bugs: Iterable[Bug]) -> set[tuple[str, int]]:
    return {where for bug in bugs for where in bug.where}


def _expected(keep: Keep) -> tuple[list[Found], list[Spot]]:
    rows = [row for row in ROWS if keep((row.path, row.line))]
    found = [(r.path, r.line, r.column, r.kind, r.directive, r.mode) for r in rows]
    spots = [(r.path, line, column, code) for r in rows for line, column, code in r.problems]
    return sorted(found), sorted(spots)


def _actual(findings: Iterable[Finding], keep: Keep) -> tuple[list[Found], list[Spot]]:
    kept = [f for f in findings if keep((f.path, f.place.line))]
    found = [(f.path, f.place.line, f.place.column, f.kind, f.directive, f.mode.value if f.mode else None) for f in kept]
    spots = [(f.path, p.place.line, p.place.column, p.diagnostic.code) for f in kept for p in f.problems]
    return sorted(found), sorted(spots)


def test_the_table_is_sound() -> None:
    """The hand-written table says what the fixture files say: each row starts where its
    directive's text is, and each bug is about lines of the fixture."""
    for row in ROWS:
        text = _line(row.path, row.line)
        assert text[row.column - 1 :].startswith(row.directive.split("/")[0]), row
    assert len(set(ROWS)) == len(ROWS)
    for bug in BUGS.values():
        for path, line in bug.where:
            assert re.search(r"\b(?:image|video|audio|style)/", _line(path, line)), (path, line)


def _line(path: str, line: int) -> str:
    with open(FIXTURE / path, encoding="utf-8", newline="") as stream:
        return stream.read().split("\n")[line - 1].rstrip("\r")


def test_files(tree: Path) -> None:
    """Each file once, the ignored ones not at all; the binary and the GBK file skipped."""
    reports = _scan()
    assert sorted(r.path for r in reports) == sorted(FILES)
    assert {r.path: r.skipped for r in reports if r.skipped is not None} == SKIPPED
    for report in reports:
        assert report.size == os.path.getsize(report.path)
        if report.skipped is not None:
            assert report.findings == ()


def test_findings(tree: Path) -> None:
    """The complete list of findings and of problems, but for the lines of BUGS."""
    bad = _bug_lines(BUGS.values())

    def keep(where: tuple[str, int]) -> bool:
        return where not in bad

    want_found, want_spots = _expected(keep)
    got_found, got_spots = _actual(_findings(_scan()), keep)
    assert got_found == want_found
    assert got_spots == want_spots
    assert (len(want_found), len(want_spots)) == (90, 51)  # the whole table


def test_suppressed(tree: Path) -> None:
    """oss-process: ignore[E206] takes out E206 alone; oss-process: ignore takes out all."""
    findings = _findings(_scan())
    assert {(f.path, f.place.line): f.suppressed for f in findings if f.suppressed} == SUPPRESSED


@pytest.mark.parametrize(("path", "line", "column", "why"), NOT_FOUND)
def test_not_a_directive(committed: Path, path: str, line: int, column: int, why: str) -> None:
    assert _line(path, line)[column - 1 :].startswith(("image/", "style/"))  # the fixture holds what it says
    covering = [f for f in _findings(_scan()) if f.path == path and _covers(f.place, line, column)]
    assert covering == [], why


def _covers(place: Place, line: int, column: int) -> bool:
    if not place.line <= line <= place.end_line:
        return False
    after_start = line > place.line or column >= place.column
    before_end = line < place.end_line or column < place.end_column
    return after_start and before_end


def test_ignored_and_binary_files_hold_directives(tree: Path) -> None:
    """What keeps them out is the .gitignore, the NUL bytes and the encoding, not their
    content: each holds a directive."""
    for path in IGNORED:
        assert os.path.exists(path)
        assert scan_file(path).findings, path
    data = Path(PNG).read_bytes()
    assert b"\0" in data[:8000]
    assert b"x-oss-process=image/resize,w_0" in data
    assert scan_file(PNG).skipped == "binary"
    text = Path(GBK).read_bytes().decode("gbk")
    assert [f.directive for f in scan_text(text, GBK)] == ["image/resize,w_0"]
    assert scan_file(GBK).skipped == SKIPPED[GBK]


def test_columns_in_utf16(tree: Path) -> None:
    """After '📷' (two UTF-16 code units) the UTF-16 columns are one more."""
    [finding] = [f for f in _findings(_scan()) if (f.path, f.place.line) == (TS, 21)]
    assert (finding.place.column, finding.place.column_utf16) == (51, 52)
    [problem] = finding.problems
    assert (problem.place.column, problem.place.column_utf16, problem.place.end_column_utf16) == (66, 67, 68)


# Where findings end: (path, line) -> (end line, end column), counted by hand.
_ENDS = {
    (PY, 14): (14, 27),
    (PY, 42): (42, 45),
    (PY, 47): (47, 48),  # after ',h_100' of the last piece
    (PY, 65): (66, 24),
    (PY, 71): (71, 112),  # after the '0' of the percent-encoded value
    (GO, 23): (23, 47),  # after the '0' of 'h_0', the '%d' inside
    (VUE, 7): (7, 86),  # {{ width }} inside
}
_ENDS_AFTER_PLACEHOLDER = {
    (PY, 33): (33, 69),  # f"...h_{h}"
    (JS, 17): (17, 95),  # `...h_${h}`
    (TS, 19): (19, 44),  # ...w_${w}&v=
    (HTML, 18): (18, 63),  # "...w_" + size;
}


@pytest.mark.parametrize(
    ("where", "end"),
    [
        *(pytest.param(where, end, id=f"{where[0]}:{where[1]}") for where, end in _ENDS.items()),
        *(pytest.param(where, end, id=f"{where[0]}:{where[1]}") for where, end in _ENDS_AFTER_PLACEHOLDER.items()),
    ],
)
def test_end(committed: Path, where: tuple[str, int], end: tuple[int, int]) -> None:
    [finding] = [f for f in _findings(_scan()) if (f.path, f.place.line) == where]
    assert (finding.place.end_line, finding.place.end_column) == end


# -- order -----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reports_in_path_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    _make_tree(tmp_path, monkeypatch, layout)
    paths = [r.path for r in _scan()]
    assert paths == sorted(paths)


@pytest.mark.parametrize("path", sorted({row.path for row in ROWS}))
def test_findings_in_file_order(committed: Path, path: str) -> None:
    places = [(f.place.line, f.place.column) for f in _findings(_scan()) if f.path == path]
    assert places == sorted(places)


# -- the command line ------------------------------------------------------------------

_TEXT_LOCATION = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning)\[(?P<code>[EW]\d{3})\]: ", re.M)


def _run(capsys: pytest.CaptureFixture[str], tree: Path, *options: str) -> tuple[int, str, str]:
    status = cli.main(["scan", str(tree), "--no-config", "--color", "never", *options])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _located(out: str) -> list[Spot]:
    return [(m["path"], int(m["line"]), int(m["column"]), m["code"]) for m in _TEXT_LOCATION.finditer(out)]


def _spots(findings: Iterable[Finding]) -> list[Spot]:
    return [(f.path, p.place.line, p.place.column, p.diagnostic.code) for f in findings for p in f.problems]


def test_cli_json_agrees_with_the_api(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = _scan()
    status, out, _ = _run(capsys, committed, "--format", "json")
    assert status == 1
    data: dict[str, Any] = json.loads(out)
    records = data["results"]
    # what the table says, read from the JSON, in the API's order
    found = sorted((r["path"], r["line"], r["column"], r["kind"], r["directive"], r["mode"]) for r in records)
    spots = sorted((r["path"], d["line"], d["column"], d["code"]) for r in records for d in r["diagnostics"])
    assert (found, spots) == _expected(lambda where: True)
    by_place = {(f.path, f.place.line, f.place.column): f for f in _findings(reports)}
    assert [(r["path"], r["line"], r["column"]) for r in records] == list(by_place)
    for record in records:
        finding = by_place[record["path"], record["line"], record["column"]]
        place = finding.place
        assert (record["end_line"], record["end_column"]) == (place.end_line, place.end_column)
        assert (record["suppressed"], record["placeholders"]) == (finding.suppressed, finding.placeholders)
        severities = {d["severity"] for d in record["diagnostics"]}
        assert record["verdict"] == ("error" if "error" in severities else "warning" if severities else "ok")
        assert [d["title"] for d in record["diagnostics"]] == [CODES[d["code"]].title for d in record["diagnostics"]]
    assert data["skipped"] == [{"path": path, "skipped": reason} for path, reason in sorted(SKIPPED.items())]
    findings = _findings(reports)
    problems = [p for f in findings for p in f.problems]
    errors = sum(p.diagnostic.is_error for p in problems)
    assert data["summary"] == {
        "files": len(FILES),
        "read": len(FILES) - len(SKIPPED),
        "bytes": sum(r.size for r in reports if r.skipped is None),
        "skipped": {"binary": 1, SKIPPED[GBK]: 1},
        "directives": len(findings),
        "errors": errors,
        "warnings": len(problems) - errors,
        "suppressed": sum(SUPPRESSED.values()),
    }


def test_cli_text(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """path:line:col: for every problem, in the API's order; the file that is not UTF-8 named
    on standard error, the binary one only counted."""
    findings = _findings(_scan())
    status, out, err = _run(capsys, committed)
    assert status == 1
    assert _located(out) == _spots(findings)
    for path, line, column, code in _spots(findings):
        assert f"\n{path}:{line}:{column}: " in f"\n{out}", (path, line, column, code)
    problems = [p for f in findings for p in f.problems]
    errors = sum(p.diagnostic.is_error for p in problems)
    assert out.endswith(
        f"16 files scanned (2 skipped: 1 binary, 1 {SKIPPED[GBK]}), {len(findings)} directives found: "
        f"{errors} errors and {len(problems) - errors} warnings; {sum(SUPPRESSED.values())} suppressed.\n"
    )
    assert f"{GBK}: skipped: {SKIPPED[GBK]}" in err
    assert PNG not in err
    assert PNG not in out


def test_cli_text_locations_by_hand(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The text format's locations are the table's, for every line BUGS leaves alone."""
    bad = _bug_lines(BUGS.values())
    _, out, _ = _run(capsys, committed)
    starts = {(f.path, p.place.line, p.place.column): (f.path, f.place.line) for f in _findings(_scan()) for p in f.problems}
    located = sorted(spot for spot in _located(out) if starts[spot[:3]] not in bad)
    assert located == _expected(lambda where: where not in bad)[1]


def test_cli_ignore_errors(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, committed, "--ignore", "E")
    assert status == 0
    assert _located(out) == [spot for spot in _spots(_findings(_scan())) if spot[3].startswith("W")]
    assert {spot[3] for spot in _located(out)} >= {"W220", "W302"}
    status, _, _ = _run(capsys, committed, "--ignore", "E", "--strict")
    assert status == 1


def test_cli_select(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--select W302: the two padded o_ values; the third (oss.js line 35) is suppressed."""
    status, out, _ = _run(capsys, committed, "--select", "W302")
    assert status == 0
    assert _located(out) == [(PY, 54, 65, "W302"), (GO, 35, 71, "W302")]
    status, out, _ = _run(capsys, committed, "--select", "W302", "--format", "json")
    data: dict[str, Any] = json.loads(out)
    codes = [d["code"] for result in data["results"] for d in result["diagnostics"]]
    assert codes == ["W302", "W302"]


def test_cli_paths_as_given(committed: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from above the tree, the paths reported start with the directory given."""
    monkeypatch.chdir(tmp_path)
    status = cli.main(["scan", "tree", "--no-config", "--select", "W302"])
    out = capsys.readouterr().out
    assert status == 0
    assert _located(out) == [(f"tree/{PY}", 54, 65, "W302"), (f"tree/{GO}", 35, 71, "W302")]


def _counts(spots: Sequence[Spot]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for spot in spots:
        counts[spot[3]] = counts.get(spot[3], 0) + 1
    return counts


def test_table_codes() -> None:
    """The fixture covers the codes the issue names."""
    counts = _counts([(r.path, line, column, code) for r in ROWS for line, column, code in r.problems])
    assert counts == {"E206": 40, "E012": 3, "W302": 2, "E103": 4, "W220": 2}
