"""``python -m oss_process``: the same command line as ``oss-process``."""

from oss_process.cli import main

# Guarded: multiprocessing's spawn and forkserver start methods import this module again.
if __name__ == "__main__":
    raise SystemExit(main())
