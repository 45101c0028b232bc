"""The ``oss-process`` command line: ``lint``, ``canon`` and ``explain``.

Input and output only. Every verdict, message, canonical string and explanation comes
from the library and its tables; this package reads lines, finds the directive in each
(a form field name and percent-encoding are taken off), and prints what the library says
through its one renderer.

Modules: :mod:`.reading` bounded byte lines; :mod:`.decoding` the directive in a line and
the map back to its columns; :mod:`.fixes` ``--fix``; :mod:`.verdicts` the library's
answers for a line; :mod:`.output` what a directive prints in each format; :mod:`.work`,
:mod:`.chunks`, :mod:`.pool`, :mod:`.writer` and :mod:`.batch` a batch across processes;
:mod:`.explain`; :mod:`.facts` ``--source`` and ``--source-file``; :mod:`.parser` the
arguments; :mod:`.commands`; :mod:`.app` ``main``.
"""

from .app import main

__all__ = ["main"]
