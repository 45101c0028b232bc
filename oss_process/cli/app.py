"""``main``: parse the arguments, run the command, and turn every way it can end (a
usage error, Ctrl-C, a closed pipe, a bug) into an exit status and one line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import IO, TextIO

from oss_process import DirectiveError

from .commands import COMMANDS
from .facts import given_source
from .output import PROG
from .parser import build_parser
from .styling import styles_of

__all__ = ["main"]


def _prepare(stream: TextIO) -> None:
    # Lines that are not UTF-8 are printed back byte for byte (--fix, JSON input echoes
    # are escaped anyway); anything else a terminal cannot show is escaped, not fatal.
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        utf8 = (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8"
        reconfigure(errors="surrogateescape" if utf8 else "backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:  # said by the command's own parser, with its own usage line
            _parser_of(parser, args.command).error(f"unrecognized arguments: {' '.join(extras)}")
        if args.command is None:
            parser.print_usage(sys.stderr)
            sys.stderr.write(f"{PROG}: error: a command is required: lint, canon, explain, scan or serve\n")
            return 2
        if getattr(args, "fix", False) and args.format != "text":
            parser.exit(2, f"{PROG} lint: error: --fix prints text: it cannot be combined with --format {args.format}\n")
        args.styles = styles_of(args, _parser_of(parser, args.command))
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    out, err = sys.stdout, sys.stderr
    _prepare(out)
    _prepare(err)
    try:
        args.source = given_source(args)  # read once, before any line, for every check
    except DirectiveError as error:  # no [media] extra, or a file it cannot read
        err.write(f"{PROG} {args.command}: error: {error}\n")
        return 2
    stdin = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else _text_as_bytes(sys.stdin)
    try:
        status = COMMANDS[args.command](args, out, err, stdin)
        out.flush()
        return status
    except KeyboardInterrupt:
        err.write(f"\n{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining
        # when it flushes stdout on exit.
        _silence(out)
        return 141
    except Exception as error:  # noqa: BLE001 - a bug: one line that says where, no traceback
        import traceback

        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{os.path.basename(frame.filename)}:{frame.lineno}"
        err.write(f"{PROG}: internal error ({type(error).__name__}: {error}) at {where}; please report it\n")
        return 3


def _parser_of(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    """The parser of ``command`` (the main one when there is none)."""
    for action in parser._actions:  # argparse keeps its subcommands among the actions
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]  # type: ignore[no-any-return]
    return parser


def _silence(stream: TextIO) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _text_as_bytes(stream: TextIO) -> IO[bytes]:
    """A binary view of a text stream without one (a test's StringIO)."""
    import io

    return io.BytesIO(stream.read().encode("utf-8", "surrogateescape"))
