"""The commands: ``lint`` and ``canon`` run a batch; ``explain`` loads on demand."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import IO, TextIO

from oss_process import Mode

from .batch import run_batch
from .output import PROG, canon_summary, lint_summary, use_color
from .work import Job

__all__ = ["COMMANDS"]

Command = Callable[[argparse.Namespace, TextIO, TextIO, IO[bytes]], int]


def _mode(args: argparse.Namespace) -> Mode | None:
    return Mode(args.mode) if args.mode else None


def _lint_codes(args: argparse.Namespace) -> tuple[Mode | None, tuple[str, ...], tuple[str, ...]]:
    """The mode, selected and ignored codes: the options', else [tool.oss-process]'s."""
    from oss_process._settings import Settings, code_prefixes, find_settings

    settings = Settings() if args.no_config else find_settings(".")
    select = settings.select if args.select is None else code_prefixes(_listed(args.select), "--select")
    ignore = settings.ignore if args.ignore is None else code_prefixes(_listed(args.ignore), "--ignore")
    return _mode(args) or settings.mode, select, ignore


def _listed(values: list[str]) -> list[str]:
    return [code for value in values for code in value.split(",")]


def command_lint(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    from oss_process._settings import SettingsError

    try:
        mode, select, ignore = _lint_codes(args)
    except SettingsError as error:
        err.write(f"{PROG} lint: error: {error}\n")
        return 2
    job = Job(
        "lint",
        args.format,
        mode,
        args.fix,
        use_color(args.color, out),
        use_color(args.color, err),
        args.source,
        args.styles,
        select=select,
        ignore=ignore,
    )
    tally, unreadable = run_batch(args, job, out, err, stdin)
    # Nothing read at all (only unreadable files): the errors said what happened.
    if args.format == "text" and not (unreadable and tally.directives == 0):
        stream, color = (err, job.color_err) if args.fix else (out, job.color_out)
        stream.write(lint_summary(tally, args.fix, color))
    failed = tally.errors > 0 or (args.strict and tally.warnings > 0)
    return 2 if unreadable else int(failed)


def command_canon(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    color_out, color_err = use_color(args.color, out), use_color(args.color, err)
    job = Job("canon", args.format, _mode(args), False, color_out, color_err, args.source, args.styles, args.expand_styles)
    tally, unreadable = run_batch(args, job, out, err, stdin)
    if args.format == "text" and tally.invalid:
        err.write(canon_summary(tally, job.color_err))
    return 2 if unreadable else int(tally.invalid > 0)


def command_explain(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    from .explain import command_explain as explain

    return explain(args, out, err, stdin)


def command_scan(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    from .scan import command_scan as scan

    return scan(args, out, err, stdin)


def command_serve(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[bytes]) -> int:
    from oss_process.media import MissingExtraError
    from oss_process.serve import run

    try:
        run(args.host, args.port, mode=None if args.mode == "none" else args.mode, reject=args.reject)
    except MissingExtraError as error:
        err.write(f"{PROG} serve: error: {error}\n")
        return 2
    return 0


COMMANDS: dict[str, Command] = {
    "lint": command_lint,
    "canon": command_canon,
    "explain": command_explain,
    "scan": command_scan,
    "serve": command_serve,
}
