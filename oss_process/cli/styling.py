"""``--styles FILE``, ``--style-delimiters CHARS`` and ``--expand-styles``: the bucket's
styles, read once before any line, for every command."""

from __future__ import annotations

import argparse

from oss_process import Styles, StylesError
from oss_process.styles import DELIMITERS

__all__ = ["styles_of"]


def styles_of(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Styles | None:
    """The styles the options give, or None; a usage error or a bad styles file ends the
    run with one line and status 2 (``parser.error``)."""
    path = getattr(args, "styles_file", None)
    delimiters = getattr(args, "style_delimiters", None)
    if path is None:
        if delimiters is not None:
            parser.error("--style-delimiters needs --styles FILE: a URL's style is checked against the bucket's styles")
        if getattr(args, "expand_styles", False):
            parser.error("--expand-styles needs --styles FILE: the styles to write out")
        return None
    wrong = next((c for c in delimiters or "" if c not in DELIMITERS), None)
    if wrong is not None:
        parser.error(f"--style-delimiters: {wrong!r} is not a style delimiter: OSS offers {', '.join(DELIMITERS)}")
    try:
        return Styles.load(path, delimiters=delimiters)
    except StylesError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
