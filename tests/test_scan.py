"""oss_process.scan: every official string found where it is written, in each language,
with the verdict linting it directly gives; placeholders; hostile files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

import oss_process
from oss_process.diagnostics import CODES
from oss_process.scan import ScanError, SettingsError, scan, scan_file, scan_text
from oss_process.scan._find import _LOCAL, _STRUCTURE
from oss_process.tables import Mode
from tests.test_corpus import EXAMPLES

DIRECTIVES = [directive for directive, _ in EXAMPLES]

# (file name, text before the directive, text after it): the directive is a literal there.
LITERALS = [
    ("app.py", "process = '", "'\n"),
    ("app.py", 'bucket.get_object(key, process="', '")\n'),
    ("app.py", 'PROCESS = """', '"""\n'),
    ("app.js", "const process = '", "';\n"),
    ("app.js", "const process = `", "`;\n"),
    ("app.ts", 'const process: string = "', '";\n'),
    ("App.vue", "<script>\nexport default { data: () => ({ p: '", "' }) }\n</script>\n"),
    ("Main.java", 'request.setProcess("', '");\n'),
    ("main.go", 'process := "', '"\n'),
    ("main.go", "process := `", "`\n"),
    ("README.md", "Use `", "` for thumbnails.\n"),
    ("README.md", "```\n", "\n```\n"),
    ("README.md", "```python\nprocess = '", "'\n```\n"),
    ("config.yaml", "thumbnail:\n  process: ", "\n"),
    ("config.yaml", "process: '", "'\n"),
    ("config.yml", 'list:\n  - "', '"\n'),
    ("config.json", '{\n  "process": "', '"\n}\n'),
]

# The same as a URL's process parameter, raw and percent-encoded.
URLS = [
    ("page.html", '<img src="https://examplebucket.oss-cn-hangzhou.aliyuncs.com/a.jpg?{name}=', '">\n'),
    ("App.vue", '<template>\n  <img src="https://b.oss-cn-hangzhou.aliyuncs.com/a.jpg?{name}=', '" />\n</template>\n'),
    ("app.py", 'url = f"{{base}}/photo.jpg?{name}=', '"\n'),
    ("app.js", "const url = base + '?{name}=", "';\n"),
    ("README.md", "![photo](https://b.oss-cn-hangzhou.aliyuncs.com/a.jpg?{name}=", ")\n"),
    ("config.yaml", "url: https://b.oss-cn-hangzhou.aliyuncs.com/a.jpg?{name}=", "\n"),
    ("Main.java", 'String url = endpoint + "/a.jpg?{name}=', '&Expires=1700000000";\n'),
]


def _place(before: str) -> tuple[int, int]:
    """The line and column just after ``before``."""
    lines = before.split("\n")
    return len(lines), len(lines[-1]) + 1


def _expected(directive: str, line: int, column: int, mode: Mode | None, encode: bool = False) -> list[tuple[str, int, int]]:
    found = oss_process.lint(directive, mode=mode)
    if encode:
        return [(d.code, line, column + len(quote(directive[: d.span.start], safe=""))) for d in found]
    return [(d.code, line, column + d.span.start) for d in found]


def _got(findings: list[oss_process.scan.Finding]) -> list[tuple[str, int, int]]:
    return [(p.diagnostic.code, p.place.line, p.place.column) for f in findings for p in f.problems]


# An SDK call that sends x-oss-process: the literal is checked in that mode.
SYNC_CALLS = {'bucket.get_object(key, process="'}


@pytest.mark.parametrize(("name", "before", "after"), LITERALS, ids=[f"{n}:{b[-12:]!r}" for n, b, _ in LITERALS])
def test_every_official_string_is_found_as_a_literal(name: str, before: str, after: str) -> None:
    line, column = _place(before)
    mode = Mode.SYNC if before in SYNC_CALLS else None
    for directive in DIRECTIVES:
        findings = scan_text(before + directive + after, name)
        assert [(f.kind, f.directive, f.mode, f.place.line, f.place.column) for f in findings] == [
            ("literal", directive, mode, line, column)
        ], directive
        assert _got(findings) == _expected(directive, line, column, mode), directive


def _url_mode(directive: str) -> Mode:
    """The process parameter the directive is sent in: async when one of its actions runs only there."""
    from oss_process.cli.verdicts import assumed_mode

    return assumed_mode(oss_process.parse(directive)) or Mode.SYNC


@pytest.mark.parametrize("encode", [False, True], ids=["raw", "percent-encoded"])
@pytest.mark.parametrize(("name", "before", "after"), URLS, ids=[f"{n}:{b[:14]!r}" for n, b, _ in URLS])
def test_every_official_string_is_found_in_a_url(name: str, before: str, after: str, encode: bool) -> None:
    for directive in DIRECTIVES:
        mode = _url_mode(directive)
        start = before.format(name=mode.parameter)
        line, column = _place(start)
        written = quote(directive, safe="") if encode else directive
        findings = scan_text(start + written + after, name)
        assert [(f.kind, f.directive, f.mode, f.place.line, f.place.column) for f in findings] == [
            ("url", directive, mode, line, column)
        ], directive
        assert _got(findings) == _expected(directive, line, column, mode, encode), directive


def test_the_verdicts_are_those_of_linting_each_string() -> None:
    # The same official strings with a mistake put in: the scan reports what lint does.
    for directive in DIRECTIVES[:30]:
        spoiled = directive.replace(",", ", ", 1)
        [finding] = scan_text(f"p = '{spoiled}'\n", "a.py")
        assert [p.diagnostic.code for p in finding.problems] == [d.code for d in oss_process.lint(spoiled)]


# --- Placeholders ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name", "directive", "codes"),
    [
        # the placeholder's parameter is not judged; the literal rest is
        ('p = f"image/resize,w_{w},h_0"\n', "a.py", "image/resize,w_{},h_0", ["E206"]),
        ('p = f"image/resize,w_{w},h_100"\n', "a.py", "image/resize,w_{},h_100", []),
        ("p = 'image/resize,w_%d,h_%d' % (w, h)\n", "a.py", "image/resize,w_{},h_{}", []),
        ("p = 'image/resize,w_{}'.format(w)\n", "a.py", "image/resize,w_{}", []),
        ("p = 'image/resize,w_' + str(w) + ',h_100/quality,q_900'\n", "a.py", "image/resize,w_{},h_100/quality,q_900", ["E206"]),
        ("const p = `image/resize,m_${mode},w_100`;\n", "a.js", "image/resize,m_{},w_100", []),
        ("p = `image/resize,m_${m},w_100,h_100/blur,r_${r},s_900`;", "a.js", "image/resize,m_{},w_100,h_100/blur,r_{},s_900", ["E206"]),
        ('p := fmt.Sprintf("image/resize,w_%d,q_%s", w, q)\n', "a.go", "image/resize,w_{},q_{}", ["W220"]),
        ('String p = String.format("image/crop,w_%d,h_%d,g_%s", w, h, g);\n', "A.java", "image/crop,w_{},h_{},g_{}", []),
        ("process: image/resize,w_{{ width }},h_0\n", "a.yaml", "image/resize,w_{},h_0", ["E206"]),
        # a key unknown with a placeholder value is still unknown
        ('p = f"image/resize,width_{w}"\n', "a.py", "image/resize,width_{}", ["W220"]),
        # a placeholder that may be whole parameters: what they add is unknown, E202 is not said
        ("p = 'image/crop,' + params\n", "a.py", "image/crop,{}", []),
        ('p = f"image/resize,{params}/quality,q_900"\n', "a.py", "image/resize,{}/quality,q_900", ["E206"]),
        # an unknown action stays unknown beside a placeholder elsewhere
        ("p = `image/resize,w_${w}/rotat,90`\n", "a.js", "image/resize,w_{}/rotat,90", ["E101"]),
        # a placeholder after a whole value may hold ',' or '/': what follows up to the next '/' is not judged
        (
            "p = 'image/resize,w_100' + sep + 'format,webp/quality,q_900'\n",
            "a.py",
            "image/resize,w_100{}format,webp/quality,q_900",
            ["E206"],
        ),
        # placeholders of the saved name: not judged
        ('p = "image/resize,w_100|sys/saveas,o_" + encoded + ",b_" + bucket\n', "a.py", "image/resize,w_100|sys/saveas,o_{},b_{}", []),
    ],
)
def test_placeholders(source: str, name: str, directive: str, codes: list[str]) -> None:
    [finding] = scan_text(source, name)
    assert finding.directive == directive
    assert finding.placeholders == directive.count("{}")
    assert [p.diagnostic.code for p in finding.problems] == codes


def test_the_code_lists_name_codes() -> None:
    assert set(CODES) >= _LOCAL
    assert set(CODES) >= _STRUCTURE
    assert not _LOCAL & _STRUCTURE


def test_a_concatenation_is_placed_piece_by_piece() -> None:
    source = "p = ('image/resize,w_0'\n     ',h_0')\n"
    [finding] = scan_text(source, "a.py")
    assert finding.directive == "image/resize,w_0,h_0"
    assert _got([finding]) == [("E206", 1, 22), ("E206", 2, 10)]


def test_a_concatenation_goes_on_past_comments() -> None:
    [python] = scan_text("p = ('image/resize,w_100'  # the width\n     ',h_0')\n", "a.py")
    assert (python.directive, _got([python])) == ("image/resize,w_100,h_0", [("E206", 2, 10)])
    [javascript] = scan_text("const p = 'image/resize,w_100' + // the width\n  ',h_0' /* height */ + w;\n", "a.js")
    assert (javascript.directive, _got([javascript])) == ("image/resize,w_100,h_0{}", [])  # h_0 + w may be h_05


def test_escapes_are_undone_and_placed_at_the_escape() -> None:
    # \u002c is ',' and \/ is '/': the directive is image/resize,w_0 and w_0 is at its place
    [finding] = scan_text('{"p": "image\\/resize\\u002cw_0"}', "a.json")
    assert finding.directive == "image/resize,w_0"
    assert _got([finding]) == [("E206", 1, 29)]


def test_utf16_columns_count_characters_outside_the_bmp_twice() -> None:
    [finding] = scan_text("s = '\U0001f600' + 'x'; p = 'image/resize,w_0'\n", "a.py")
    [problem] = finding.problems
    assert (problem.place.column, problem.place.column_utf16) == (36, 37)


def test_an_sdk_call_gives_the_mode() -> None:
    [sync] = scan_text("bucket.process_object(key, 'audio/convert,f_aac|sys/saveas,o_YQ')", "a.py")
    [async_] = scan_text("bucket.async_process_object(key, 'audio/convert,f_aac|sys/saveas,o_YQ')", "a.py")
    assert (sync.mode, async_.mode) == (Mode.SYNC, Mode.ASYNC)
    assert "E103" in [p.diagnostic.code for p in sync.problems]
    assert "E103" not in [p.diagnostic.code for p in async_.problems]


@pytest.mark.parametrize(
    "source",
    [
        "accept = 'image/png,image/jpeg'\n",
        'mime = "video/mp4"\n',
        "# p = 'image/resize,w_0'\n",
        "path = 'images/resize,w_0'\n",
        "const css = './style/main.css';\n",
        "// x-oss-process=image/resize,w_0\n",
        # found by review: paths, prose, a style sheet
        'x = "image/watermark/logo.png"\n',
        'const m = "image/resize/index.js";\n',
        's = "image/resize, the action we use"\n',
        '<link href="style/print.css?v=2">\n',
    ],
)
def test_what_is_not_a_directive(source: str) -> None:
    name = "a.html" if "<link" in source else "a.js" if "const" in source or "//" in source else "a.py"
    assert scan_text(source, name) == []
    assert scan_text("See image/resize, which scales.\n", "notes.txt") == []


def test_only_a_call_still_open_gives_the_mode() -> None:
    [closed] = scan_text('c.getObject(k);const j="audio/convert,f_mp3|sys/saveas,o_YQ"', "a.js")
    [open_] = scan_text('c.getObject(k, {process: "image/resize,w_1"})', "a.js")
    assert (closed.mode, open_.mode) == (None, Mode.SYNC)


def test_a_suppression_is_a_comment_that_says_so() -> None:
    for comment in ("# oss-process: ignore[W302", "# oss-process: ignored for now"):
        [finding] = scan_text(f"p = 'image/resize,w_0'  {comment}\n", "a.py")
        assert [p.diagnostic.code for p in finding.problems] == ["E206"], comment
    [inside] = scan_text("p = 'image/resize,w_0 oss-process:ignore'\n", "a.py")
    assert inside.problems  # in the string, not in a comment
    [prefix] = scan_text("p = 'image/resize,w_0'  # oss-process: ignore[e2]\n", "a.py")
    assert (prefix.problems, prefix.suppressed) == ((), 1)


def test_suppression_comments() -> None:
    source = (
        "a = 'image/resize,w_0'  # oss-process: ignore[E206]\n"
        "b = 'image/resize,w_0,h_0'  # oss-process: ignore[W302]\n"
        "c = 'image/resize,w_0'  # oss-process: ignore\n"
    )
    found = scan_text(source, "a.py")
    assert _got(found) == [("E206", 2, 21), ("E206", 2, 25)]
    assert [f.suppressed for f in found] == [1, 0, 1]


def test_select_and_ignore() -> None:
    source = "a = 'image/resize,w_0|sys/saveas,o_ZGVzdC5qcGc='\n"
    assert [p.diagnostic.code for f in scan_text(source, "a.py") for p in f.problems] == ["E206", "W302"]
    assert [p.diagnostic.code for f in scan_text(source, "a.py", select=["W3"]) for p in f.problems] == ["W302"]
    assert [p.diagnostic.code for f in scan_text(source, "a.py", ignore=["E2"]) for p in f.problems] == ["W302"]
    with pytest.raises(SettingsError, match="X99"):
        scan_text(source, "a.py", select=["X99"])


# --- Hostile files ----------------------------------------------------------------------------


def test_a_large_single_line_file_is_scanned_in_bounded_time(tmp_path: Path) -> None:
    line = ("var a" + "x" * 40 + "='" + "y" * 30 + "';") * 70_000 + "u='a.jpg?x-oss-process=image/resize,w_0';"
    (tmp_path / "bundle.min.js").write_text(line)
    assert len(line) > 5_000_000
    started = time.perf_counter()
    report = scan_file(str(tmp_path / "bundle.min.js"))
    elapsed = time.perf_counter() - started
    assert [(p.diagnostic.code, p.place.line, p.place.column) for f in report.findings for p in f.problems] == [("E206", 1, len(line) - 2)]
    assert elapsed < 20  # linear: some seconds at worst on a loaded machine


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.js", "`${" * 200_000),  # template literals that never close: each was read to the end of the file
        ("a.js", "`${" + "{" * 600_000),
        ("a.py", '"""' * 200_000 + "'image/resize,w_0'"),
        ("a.html", '"' + "'" * 600_000 + '"'),
        ("a.py", "p = 'image/resize,w_" + "{a}" * 200_000 + "'"),
        # found by review: each was quadratic (a template opener, a quote or a comment
        # marker without its closer read the rest of the line once for each)
        ("a.js", '"image/resize,' + "{{" * 100_000 + '"'),
        ("a.md", "x-oss-process={{ " * 50_000),
        ("a.js", "`image/resize,${'" + "\\'" * 100_000 + "}`"),
        ("a.js", '"image/resize,w_0",' * 30_000),
        ("a.rb", "a#" * 200_000 + '\n"image/resize,w_0"'),
        ("a.html", "image/ <script>" * 50_000),
        ("a.md", "image/x " + "".join("`" * k + "a" for k in range(1, 600))),
    ],
    ids=[
        "unclosed-interpolations",
        "braces",
        "triple-quotes",
        "quotes-in-an-attribute",
        "placeholders",
        "template-openers",
        "url-templates",
        "escaped-quotes-in-code",
        "literals-on-one-line",
        "hash-in-words",
        "unclosed-scripts",
        "backtick-runs",
    ],
)
def test_texts_made_to_be_slow_are_read_in_linear_time(name: str, text: str) -> None:
    started = time.perf_counter()
    scan_text(text, name)
    assert time.perf_counter() - started < 10  # a few tenths of a second here; quadratic took minutes


def test_hostile_files_are_reported_and_skipped(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "bad.py").write_bytes(b"p = 'image/resize,w_0'\n\xff\xfe\n")
    (tree / "binary.dat").write_bytes(b"\x89PNG\0\0image/resize,w_0")
    (tree / "huge.txt").write_bytes(b"image/resize,w_0\n" + b"x" * (11 * 1024 * 1024))
    outside = tmp_path / "outside.py"
    outside.write_text("p = 'image/resize,w_0'\n")
    (tree / "link.py").symlink_to(outside)
    (tree / "inside.py").symlink_to(tree / "bad.py")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tree / "fifo.py")
    reports = {Path(r.path).name: r for r in scan(str(tree), settings=None)}
    assert reports["bad.py"].skipped == "not UTF-8 (byte 0xff at offset 23)"
    assert reports["binary.dat"].skipped == "binary"
    assert reports["huge.txt"].skipped == "larger than 10,485,760 bytes"
    assert reports["link.py"].skipped == "a symbolic link out of the tree"
    assert reports["inside.py"].skipped == "not UTF-8 (byte 0xff at offset 23)"  # a link inside the tree is read
    if hasattr(os, "mkfifo"):
        assert reports["fifo.py"].skipped == "not a regular file"


def test_a_device_is_not_read() -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    assert scan_file("/dev/zero").skipped == "not a regular file"


def _git(tree: Path, *args: str) -> None:
    environment = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "HOME": str(tree)}
    environment |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=tree, check=True, capture_output=True, env=environment)


def test_git_lists_the_files_untracked_ones_included(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("ignored.py\nbuild/\n")
    (tmp_path / "tracked.py").write_text("p = 'image/resize,w_0'\n")
    (tmp_path / "new.py").write_text("p = 'image/resize,h_0'\n")
    (tmp_path / "ignored.py").write_text("p = 'image/resize,w_0'\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.js").write_text("p = 'image/resize,w_0'\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "tracked.py", ".gitignore")
    _git(tmp_path, "commit", "-qm", "one")
    inside = sorted(Path(r.path).name for r in scan(str(tmp_path)) if r.findings)
    assert inside == ["new.py", "tracked.py"]
    (tmp_path / "gone.py").write_text("p = 'image/resize,w_0'\n")
    _git(tmp_path, "add", "gone.py")
    (tmp_path / "gone.py").unlink()  # tracked, deleted from the work tree: not a file to read
    assert "gone.py" not in {Path(r.path).name for r in scan(str(tmp_path))}
    (tmp_path / ".git").rename(tmp_path / "not-git")  # no repository now: .gitignore read by pathspec
    outside = sorted(Path(r.path).name for r in scan(str(tmp_path)) if r.findings)
    assert outside == ["new.py", "tracked.py"]


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="no such file"):
        list(scan(str(tmp_path / "missing")))


def test_two_processes_give_the_same_reports(tmp_path: Path) -> None:
    for index in range(40):
        (tmp_path / f"f{index:02}.py").write_text(f"p = 'image/resize,w_{index}'\n")
    assert list(scan(str(tmp_path), jobs=2)) == list(scan(str(tmp_path)))


def test_the_command_is_importable_without_the_scan_extra() -> None:
    # `import oss_process` and lint never load pathspec or the scanner
    code = (
        "import oss_process, sys; oss_process.lint('image/resize,w_1'); print('pathspec' in sys.modules, 'oss_process.scan' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
    # and the subpackage loads on first access, as the library's other names do
    assert oss_process.scan.scan_text("p = 'image/resize,w_1'", "a.py")[0].directive == "image/resize,w_1"


def test_the_module_examples() -> None:
    import doctest

    import oss_process.sarif
    import oss_process.scan

    for module in (oss_process.scan, oss_process.sarif):
        failed, attempted = doctest.testmod(module)
        assert (failed, attempted > 0) == (0, True), module.__name__
