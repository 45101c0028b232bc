"""The argument parser of ``oss-process``: its commands, options, help and examples."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from oss_process import __version__

from .facts import source_facts
from .output import PROG

__all__ = ["build_parser"]

_EXAMPLE_SEED = (
    "audio/convert,ss_10000,t_60000,f_aac,ab_96000"
    "|sys/saveas,b_b3V0YnVja2V0,o_b3V0b2JqcHJlZml4LnthdXRvZXh0fQo/notify,topic_QXVkaW9Db252ZXJ0"
)

_LINT_EXAMPLES = f"""\
examples:
  {PROG} lint 'audio/convert,f_aac,ab_96000|sys/saveas,o_ZGVzdC5hYWM'
  {PROG} lint --mode async < directives.txt
  {PROG} lint --files examples/directives.txt --format github
  {PROG} lint --fix --files directives.txt > fixed.txt
  {PROG} lint --jobs 2 --format jsonl --files big.txt > verdicts.jsonl
  {PROG} lint --source-file song.flac 'x-oss-async-process=audio/convert,f_mp3'
  {PROG} lint --source width=1920,height=1080,format=png 'image/resize,w_800'
  {PROG} lint --styles examples/styles.xml 'style/vivid' 'style/tilt|sys/saveas,o_dGlsdC5qcGc'
  {PROG} lint --styles examples/styles.json 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/photo.jpg!vivid'
  {PROG} lint --ignore W302,W2 --files directives.txt

Input lines may be form fields as sent to OSS, raw or percent-encoded, or URLs:
  x-oss-async-process=audio%2Fconvert%2Cf_aac   (the field name sets the mode)
  a.jpg?x-oss-process=image/resize,w_100&Expires=1700000000
Standard input and --files skip blank lines and lines starting with '#'.
The mode, --select and --ignore default to [tool.oss-process] in the nearest pyproject.toml.

exit status: 0 no errors (warnings allowed unless --strict), 1 errors, 2 usage, unreadable file (of
directives, or --source-file) or bad styles file
"""

_CANON_EXAMPLES = f"""\
examples:
  {PROG} canon 'audio/convert,f_aac,ss_0,ab_96000|sys/saveas,o_ZGVzdC5hYWM='
  {PROG} canon < directives.txt > canonical.txt
  {PROG} canon --format jsonl --files directives.txt
  {PROG} canon --styles examples/styles.xml --expand-styles 'style/aac96k|sys/saveas,o_b3V0LmFhYw'

One canonical directive per input on stdout; an invalid input leaves its line empty
and its diagnostics go to stderr.

exit status: 0 all valid, 1 some invalid, 2 usage, unreadable file (of directives, or
--source-file) or bad styles file
"""

_EXPLAIN_EXAMPLES = f"""\
examples:
  {PROG} explain '{_EXAMPLE_SEED}'
  {PROG} explain --format json 'x-oss-async-process=audio/convert,f_mp3,ar_44100'
  {PROG} explain --source-file song.flac 'x-oss-async-process=audio/convert,f_mp3'

exit status: 0 valid (warnings allowed), 1 errors, 2 usage, unreadable --source-file or bad styles file
"""


_SCAN_EXAMPLES = f"""\
examples:
  {PROG} scan                       # the repository or directory here
  {PROG} scan src templates docs --format github
  {PROG} scan --format sarif --jobs 2 > oss-process.sarif
  {PROG} scan --select E --ignore E206 app/
  git show HEAD:app.py | {PROG} scan - --stdin-filename app.py

Finds directives in source code, templates, Markdown, YAML and JSON: the value of
x-oss-process= or x-oss-async-process= (percent-decoded), and string literals starting with
a known category/action or style/. Inside a git repository the files are those of
'git ls-files --cached --others --exclude-standard'; elsewhere .gitignore files are read.
A line with 'oss-process: ignore[W305]' (or 'oss-process: ignore') is not reported on.
Defaults come from [tool.oss-process] in the nearest pyproject.toml (docs/scan.md).

exit status: 0 no errors (warnings allowed unless --strict), 1 errors, 2 usage, a path that
does not exist or bad settings
"""


_SERVE_EXAMPLES = f"""\
examples:
  {PROG} serve --port 8181
  {PROG} serve --reject strict

nginx asks GET /check with X-Original-Method and X-Original-URI for each request
(examples/nginx/); GET /error gives OSS's 400 body, /healthz and /metrics (Prometheus).
"""


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError("the number of processes cannot be negative")
    return jobs or os.cpu_count() or 1


def _code_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select", action="append", metavar="CODES", help="report only these codes or prefixes, comma-separated (E, W3, E206)"
    )
    parser.add_argument("--ignore", action="append", metavar="CODES", help="do not report these codes or prefixes, comma-separated")


def _source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source-file",
        metavar="PATH",
        help="check against the facts of this image or audio file (needs the [media] extra)",
    )
    parser.add_argument(
        "--source",
        dest="facts",
        action="append",
        type=source_facts,
        metavar="NAME=VALUE,...",
        help="facts about the input object, as in width=1920,height=1080,format=png; they win over --source-file's",
    )


def _batch_options(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument("inputs", nargs="*", metavar="DIRECTIVE", help="directives; '-' or none: read standard input, one per line")
    parser.add_argument("--files", action="store_true", help="the arguments are files of directives, one per line ('-': standard input)")
    parser.add_argument("--format", choices=formats, default="text", help="output format (default: text)")
    parser.add_argument("--mode", choices=("async", "sync"), help="check for x-oss-async-process or x-oss-process")
    parser.add_argument(
        "--jobs", "-j", type=_jobs, default=1, metavar="N", help="processes for a batch, output in input order (0: one per core; default 1)"
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour diagnostics (default: on a terminal, unless NO_COLOR is set)",
    )
    _source_options(parser)


def _style_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--styles",
        dest="styles_file",
        metavar="FILE",
        help="the bucket's styles: ListStyle's XML, or JSON {\"styles\": {name: directive}}; each style/<name> is checked as its content",
    )
    parser.add_argument(
        "--style-delimiters",
        metavar="CHARS",
        help="the style delimiters the bucket enables (of -_/!): a URL's a.jpg!thumb is style/thumb; needs --styles",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Lint, canonicalize and explain Alibaba Cloud OSS data-processing directives.",
        epilog=f"example:\n  {PROG} lint 'audio/convert,f_aac|sys/saveas,o_ZGVzdC5hYWM'\n\nrun '{PROG} COMMAND --help' for each command",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    lint_parser = commands.add_parser("lint", help="report every problem in directives", epilog=_LINT_EXAMPLES, formatter_class=raw)
    lint_parser.description = "Report every problem in directives: located, with the input, a caret line and a hint."
    _batch_options(lint_parser, ("text", "json", "jsonl", "github", "sarif"))
    lint_parser.add_argument("--strict", action="store_true", help="warnings fail too (exit status 1)")
    _code_options(lint_parser)
    lint_parser.add_argument("--no-config", action="store_true", help="read no [tool.oss-process] from pyproject.toml")
    lint_parser.add_argument("--fix", action="store_true", help="print the input with every safe fix applied; problems left go to stderr")
    _style_options(lint_parser)

    canon_parser = commands.add_parser("canon", help="print the canonical form of directives", epilog=_CANON_EXAMPLES, formatter_class=raw)
    canon_parser.description = "Print the canonical form of each directive: one string per meaning."
    _batch_options(canon_parser, ("text", "json", "jsonl"))
    _style_options(canon_parser)
    canon_parser.add_argument(
        "--expand-styles", action="store_true", help="print each style/<name> as its content, the whole canonicalized (needs --styles)"
    )

    scan_parser = commands.add_parser(
        "scan", help="find the directives in a code base and lint them", epilog=_SCAN_EXAMPLES, formatter_class=raw
    )
    scan_parser.description = "Find the directives embedded in files (code, templates, docs, configuration) and report their problems."
    scan_parser.add_argument("paths", nargs="*", metavar="PATH", help="files and directories (default: .); '-': standard input")
    scan_parser.add_argument(
        "--format", choices=("text", "json", "jsonl", "github", "sarif"), default="text", help="output format (default: text)"
    )
    scan_parser.add_argument("--mode", choices=("async", "sync"), help="the mode of literals whose code does not say it")
    _code_options(scan_parser)
    scan_parser.add_argument(
        "--exclude", action="append", metavar="PATTERN", help="leave out paths matching this gitignore pattern (repeatable)"
    )
    scan_parser.add_argument("--config", metavar="FILE", help="read [tool.oss-process] from this file, not the nearest pyproject.toml")
    scan_parser.add_argument("--no-config", action="store_true", help="read no pyproject.toml")
    scan_parser.add_argument("--stdin-filename", metavar="NAME", help="with '-': the file name standard input is read as")
    scan_parser.add_argument("--jobs", "-j", type=_jobs, default=1, metavar="N", help="processes (0: one per core; default 1)")
    scan_parser.add_argument("--strict", action="store_true", help="warnings fail too (exit status 1)")
    scan_parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour diagnostics")

    serve_parser = commands.add_parser(
        "serve", help="the check service for nginx's auth_request (needs the [serve] extra)", epilog=_SERVE_EXAMPLES, formatter_class=raw
    )
    serve_parser.description = "Answer nginx's auth_request subrequests: 204 with the canonical directive, or 403 and OSS's 400 body."
    serve_parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, default=8181, help="the port to listen on (default: 8181)")
    serve_parser.add_argument(
        "--mode", choices=("auto", "async", "sync", "none"), default="auto", help="auto: the parameter's name says (default)"
    )
    serve_parser.add_argument(
        "--reject", choices=("errors", "strict", "warnings", "never"), default="errors", help="which verdicts are refused (default: errors)"
    )

    explain_parser = commands.add_parser(
        "explain", help="break a directive down, parameter by parameter", epilog=_EXPLAIN_EXAMPLES, formatter_class=raw
    )
    explain_parser.description = "Break a directive down: stages, actions, each parameter's meaning, value and default."
    explain_parser.add_argument(
        "directive", metavar="DIRECTIVE", help="a directive, form field or URL; '-': the first line of standard input"
    )
    explain_parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    explain_parser.add_argument("--mode", choices=("async", "sync"), help="check for x-oss-async-process or x-oss-process")
    explain_parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour diagnostics")
    _source_options(explain_parser)
    _style_options(explain_parser)
    return parser
