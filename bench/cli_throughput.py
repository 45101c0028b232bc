"""Lines per second of `oss-process lint` over a generated file, with --jobs 1 and --jobs 2,
against an in-process loop calling `oss_process.lint` on each line of the same file.

    python bench/cli_throughput.py            # 1,000,000 lines
    python bench/cli_throughput.py --lines 100000 --jobs 1 2 4

The file mixes what a real directive list holds: mostly valid directives, each distinct
(so the library's cache of verdicts does not answer for them), some with warnings and
some with errors, syntax errors among them. Each run is the real command line in a
subprocess, text output to /dev/null: the time covers start-up, reading, linting,
rendering and writing. The CPU time of all its processes is printed too, and the load
average before each run: on a machine shared with other work, --jobs 2 gains only the
cores that are free.

The in-process loop is the floor the command is held to (issue 15): a `python -c` that
imports oss_process, reads the file and lints each line, discarding the results; no
decoding, rendering or writing. The ratios printed at the end are what the goals name.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def directive(rng: random.Random) -> str:
    """One line: 80% valid, 10% with warnings, 10% with errors."""
    roll = rng.random()
    start, bitrate, number = rng.randrange(0, 600_000), rng.randrange(8_000, 320_000), rng.randrange(10**9)
    save = f"|sys/saveas,b_b3V0YnVja2V0,o_{b64(f'out/{number:09d}.{{autoext}}')}/notify,topic_QXVkaW9Db252ZXJ0"
    if roll < 0.8:
        return f"audio/convert,ss_{start},t_60000,f_aac,ab_{bitrate}{save}"
    if roll < 0.85:  # W302: 17 bytes encode with one '=' of padding
        padded = base64.urlsafe_b64encode(f"out/{number:09d}.aac".encode()).decode()
        return f"audio/convert,ss_{start},f_aac,ab_{bitrate}|sys/saveas,o_{padded}"
    if roll < 0.9:  # W208: leading zeros
        return f"audio/convert,ss_0{start},f_mp3,ac_2,ab_{bitrate}{save}"
    if roll < 0.95:  # E206: out of range
        return f"audio/convert,f_aac,ab_{rng.randrange(1, 999)}{save}"
    return f"audio/convert,f_opus,ab_{bitrate}, ar_48000{save}"  # E012: a stray space


def generate(path: Path, lines: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for _ in range(lines):
            out.write(directive(rng) + "\n")


# The floor: the library alone, each line as the command would hand it over.
_LOOP = """
import sys
from oss_process import lint
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        lint(line.rstrip("\\n"))
"""


def measure(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (its processes' user and system time) for one run of
    ``command``, this tree's package first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    finished = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({finished.returncode}): {finished.stderr.decode()}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    report(args.lines, args.jobs)


def report(lines: int, jobs_list: list[int]) -> None:
    """Print each run's rate and the ratios with their goals (``bench/speed.py`` prints them too)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "directives.txt"
        generate(path, lines)
        print(f"{lines:,} lines, {path.stat().st_size / 1e6:.0f} MB; {os.cpu_count()} cores; Python {sys.version.split()[0]}")
        runs = [("in-process loop", [sys.executable, "-c", _LOOP, str(path)])]
        for jobs in jobs_list:
            runs.append((f"lint --jobs {jobs}", [sys.executable, "-m", "oss_process", "lint", "--files", str(path), "--jobs", str(jobs)]))
        rates: dict[str, float] = {}
        for name, command in runs:
            # Other work on the machine takes cores from the workers: the load shows it.
            load = os.getloadavg()[0]
            elapsed, cpu = measure(command)
            rates[name] = lines / elapsed
            print(f"{name:>16}: {elapsed:6.1f} s wall, {cpu:6.1f} s CPU, {rates[name]:9,.0f} lines/s  (load average before: {load:.2f})")
        if "lint --jobs 1" in rates:
            print(f"lint --jobs 1 / in-process loop: {rates['lint --jobs 1'] / rates['in-process loop']:.2f}x (goal >= 0.85x)")
            if "lint --jobs 2" in rates:
                print(f"--jobs 2 / --jobs 1: {rates['lint --jobs 2'] / rates['lint --jobs 1']:.2f}x (goal >= 1.6x)")


if __name__ == "__main__":
    main()
