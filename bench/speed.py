"""Speed figures for the README, each a ratio measured in this one run.

    python bench/speed.py            # about seven minutes; --quick for a smoke run

Every comparison runs both sides on the same strings, alternating rounds, and reports
the median ratio over the rounds (the machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import base64
import gc
import itertools
import os
import random
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import oss_process
from oss_process import _accel
from oss_process._accel.cache import CACHE
from oss_process._grammar import grammar_text
from oss_process._syntax import in_language


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def seed_like(rng: random.Random, count: int, all_distinct: bool) -> list[str]:
    """Directives shaped like the seed's first example. Realistic traffic: every object
    name new, the rest from a few presets. ``all_distinct``: every value new."""
    out = []
    for i in range(count):
        if all_distinct:
            ss, t, ab = rng.randint(1, 99999), rng.randint(1, 600000), rng.randint(1000, 320000)
            bucket, topic = f"bucket-{i}", f"Topic{i}"
        else:
            ss, t = rng.choice([0, 1000, 10000, 30000]), rng.choice([30000, 60000, 120000])
            ab = rng.choice([64000, 96000, 128000, 192000, 256000, 320000])
            bucket, topic = rng.choice(["outbucket", "media-out", "archive-2026"]), rng.choice(["AudioConvert", "Transcode"])
        fmt = rng.choice(["aac", "flac", "oga"])
        obj = f"user{rng.randint(1, 5000)}/{rng.getrandbits(48):012x}.{{autoext}}"
        out.append(f"audio/convert,ss_{ss},t_{t},f_{fmt},ab_{ab}|sys/saveas,b_{b64(bucket)},o_{b64(obj)}/notify,topic_{b64(topic)}")
    return out


# The shape of the seed's first example, as one might check it with a regular expression.
SIMPLE_SHAPE = re.compile(
    r"[a-z]+/[a-z]+(?:,[a-z]+_[A-Za-z0-9_-]+)*(?:\|[a-z]+/[a-z]+(?:,[a-z]+_[A-Za-z0-9_=-]+)*(?:/[a-z]+(?:,[a-z]+_[A-Za-z0-9_=-]+)*)*)*"
).fullmatch


def per_call(function: Callable[[str], object], texts: Sequence[str], before: Callable[[], None] | None = None) -> float:
    if before is not None:
        before()
    start = time.perf_counter()
    for text in texts:
        function(text)
    return (time.perf_counter() - start) / len(texts)


def paired(
    a: Callable[[str], object], b: Callable[[str], object], texts: Sequence[str], rounds: int, fresh: bool = True
) -> tuple[float, float, float]:
    """Per-call medians of a and b over ``texts``, alternating rounds, and the median of the
    per-round ratios a/b. ``fresh``: the verdict cache is emptied before each round of a."""
    xs, ys, ratios = [], [], []
    for _ in range(rounds):
        x = per_call(a, texts, CACHE.verdicts.clear if fresh else None)
        y = per_call(b, texts)
        xs.append(x)
        ys.append(y)
        ratios.append(x / y)
    return statistics.median(xs), statistics.median(ys), statistics.median(ratios)


def swallow(function: Callable[[str], object]) -> Callable[[str], object]:
    def call(text: str) -> object:
        try:
            return function(text)
        except Exception as error:  # noqa: BLE001 - both sides fail on invalid input
            return error

    return call


def startup(code: str, runs: int) -> float:
    return command(["-c", code], runs)


def command(arguments: list[str], runs: int) -> float:
    # As installed: bytecode written once (pip compiles it at install time), then read.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, *arguments], env=env, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *arguments], env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and strings")
    args = parser.parse_args()
    rounds, count = (3, 2000) if args.quick else (15, 5000)
    rng = random.Random(2026)
    from lark import Lark

    plain_lark = Lark(grammar_text(), parser="lalr")
    shape = in_language()
    us = 1e6
    print(f"python {sys.version.split()[0]}, {count} strings per round, {rounds} rounds; medians")

    for label, distinct in (("realistic (new object names, preset values)", False), ("every value new", True)):
        texts = seed_like(rng, count, distinct)
        canon, match, ratio = paired(oss_process.canonicalize, shape, texts, rounds)
        _, simple, simple_ratio = paired(oss_process.canonicalize, SIMPLE_SHAPE, texts, rounds)
        _, lark, lark_ratio = paired(oss_process.canonicalize, plain_lark.parse, texts[: count // 10], rounds)
        print(f"\ncanonicalize, distinct directives, {label}:")
        print(f"  canonicalize {canon * us:.2f} us; grammar shape regex fullmatch {match * us:.2f} us: ratio {ratio:.2f} (goal <= 8)")
        print(f"  against the simpler seed-shape regex ({simple * us:.2f} us): ratio {simple_ratio:.2f}")
        print(f"  plain Lark LALR parse {lark * us:.1f} us: canonicalize is {1 / lark_ratio:.1f}x faster (goal >= 15)")

    texts = seed_like(rng, 1000, False)
    for text in texts:
        oss_process.canonicalize(text)
    seen, match, ratio = paired(oss_process.canonicalize, shape, texts, rounds, fresh=False)
    print(f"\ncanonicalize, a directive seen before: {seen * us:.3f} us, ratio {ratio:.2f} to the fullmatch (goal <= 0.5)")

    # Syntax errors where a user makes them: at once, early (in the audio/convert stage) and
    # late. The earlier the error, the less a plain Lark parse has to do.
    for where, breakers in (
        ("at the first character", (lambda t: " " + t, lambda t: "/" + t, lambda t: "+" + t[1:])),
        (
            "in the first stage",
            (lambda t: t.replace(",ab_", ", ab_"), lambda t: t.replace("convert,", "convert,,"), lambda t: t.replace("|", "+|", 1)),
        ),
        ("in a later stage", (lambda t: t.replace(",o_", ", o_"), lambda t: t.replace("/notify", "//notify"), lambda t: t + "+")),
    ):
        invalid = [breakers[i % 3](t) for i, t in enumerate(texts[: count // 10])]
        err, lark, ratio = paired(oss_process.lint, swallow(plain_lark.parse), invalid, rounds)
        print(f"\nlint of syntax errors {where} (precise diagnostics): {err * us:.1f} us; plain Lark parse {lark * us:.1f} us")
        print(f"  ratio {ratio:.2f} (goal <= 1)")
    value_breakers = (
        lambda t: t.replace("f_", "f_wav", 1),
        lambda t: t.replace(",ab_", ",aq_5,ab_"),
        lambda t: t.replace("|sys", "|sys/x"),
    )
    invalid = [value_breakers[i % 3](t) for i, t in enumerate(texts[: count // 10])]
    err, lark, ratio = paired(oss_process.lint, swallow(plain_lark.parse), invalid, rounds)
    print(f"lint of valid syntax with errors (E207, E203, E101): {err * us:.1f} us; plain Lark parse {lark * us:.1f} us")
    print(f"  ratio {ratio:.2f} (goal <= 1)")

    # A shape never seen: its plan is made on its first directive; its fast path (a regular
    # expression and a function, compiled) once FAST_PATH_AFTER more have taken the full path.
    keys = ["ss_1000", "t_60000", "ab_96000", "ar_44100", "ac_2"]
    combinations = itertools.chain.from_iterable(itertools.permutations(keys, r) for r in (3, 4, 5))
    shapes = ["audio/convert,f_flac," + ",".join(c) + "|sys/saveas,o_b3V0LmZsYWM" for c in combinations]
    lark = per_call(swallow(plain_lark.parse), shapes)
    assert all(not oss_process.lint(s) for s in shapes)  # clean: each will get a fast path
    costs = [per_call(oss_process.lint, shapes, CACHE.clear)]
    costs += [per_call(oss_process.lint, shapes, CACHE.verdicts.clear) for _ in range(_accel.FAST_PATH_AFTER)]
    print(f"\nlint of directives of {len(shapes)} shapes never seen (plain Lark parse {lark * us:.0f} us):")
    print(f"  the first of a shape {costs[0] * us:.0f} us, the next {costs[1] * us:.0f} us, the one that makes the shape's")
    mean = statistics.mean(costs)
    print(f"  fast path {costs[-1] * us:.0f} us; over these {len(costs)}: {mean * us:.0f} us each, ratio {mean / lark:.2f} to Lark")

    runs = 7 if args.quick else 21
    base = startup("pass", 3)  # warm the disk cache
    base, imported, first = (
        startup("pass", runs),
        startup("import oss_process", runs),
        startup("import oss_process; oss_process.canonicalize('audio/convert,f_aac|sys/saveas,o_ZGVzdC5hYWM')", runs),
    )
    print(f"\nstartup: python -c pass {base * 1e3:.1f} ms; import oss_process +{(imported - base) * 1e3:.1f} ms (goal <= 15);")
    print(f"  import and canonicalize once (loads the library) +{(first - base) * 1e3:.1f} ms")
    valid, broken = "audio/convert,f_aac|sys/saveas,o_ZGVzdC5hYWM", "audio/convert, f_aac|sys/saveas,o_ZGVzdC5hYWM"
    one_shot = command(["-m", "oss_process", "canon", valid], runs)
    one_shot_error = command(["-m", "oss_process", "canon", broken], runs)
    print(f"  one-shot python -m oss_process canon: +{(one_shot - base) * 1e3:.1f} ms,", end=" ")
    print(f"with a syntax error +{(one_shot_error - base) * 1e3:.1f} ms")
    print(f"  one-shot canon against python -c pass: {one_shot / base:.2f}x (goal <= 3x)")

    print("\ncost by input length (lint, distinct inputs; per character):")
    ends: dict[str, list[float]] = {"long object name": [], "many parameters": []}
    for size in (100, 250, 1000, 2000, 4000, 8000):
        name_chars = (size - 50) * 3 // 4  # an object name (over 1023 bytes past 1400 characters: an error)
        names = [f"audio/convert,f_aac,ab_96000|sys/saveas,o_{b64('x' * (name_chars - 6) + f'{i:06d}')}" for i in range(200)]
        count = min(250, size // 30)
        many = [f"image/resize,w_{i}" + f",h_{'1' * ((size - 20) // count - 3)}" * count for i in range(200)]
        # Each size is a new shape: its plan and fast path are made before the timed rounds,
        # which give the cost per character of distinct inputs, not of a shape's first ones.
        for texts in (names, many):
            per_call(oss_process.lint, texts, CACHE.verdicts.clear)
        by_name = statistics.median(per_call(oss_process.lint, names, CACHE.verdicts.clear) for _ in range(5))
        by_params = statistics.median(per_call(oss_process.lint, many, CACHE.verdicts.clear) for _ in range(5))
        print(
            f"  {size:5d} chars: long object name {by_name / len(names[0]) * 1e9:6.1f} ns/char; "
            f"many parameters {by_params / len(many[0]) * 1e9:6.1f} ns/char"
        )
        if size in (100, 8000):
            ends["long object name"].append(by_name / len(names[0]))
            ends["many parameters"].append(by_params / len(many[0]))
    for label, (short, long) in ends.items():
        print(f"  {label}: ns/char at 100 chars against 8,000: {max(short, long) / min(short, long):.2f}x (goal <= 2x)")
    huge = "," * 1_000_000
    print(f"  1,000,000 chars (over the limit): {per_call(oss_process.lint, [huge] * 20) * us:.1f} us (refused before parsing)")

    total = 200_000 if args.quick else 1_000_000
    print(f"\nmemory over a stream of {total:,} distinct directives (tracemalloc, current):")
    gc.collect()
    tracemalloc.start()
    marks = []
    stream_rng = random.Random(7)
    for i in range(total):
        if i % 1000 == 0:
            batch = seed_like(stream_rng, 1000, i % 2000 == 0)
        oss_process.canonicalize(batch[i % 1000])
        if (i + 1) % (total // 5) == 0:
            marks.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    print("  " + ", ".join(f"{m / 2**20:.1f} MiB" for m in marks))

    from traffic import report  # real traffic (issue 15): warnings, image chains, mixed shapes

    print("\nreal traffic (bench/traffic.py):")
    report(*((3, 1000) if args.quick else (11, 4000)))

    import cli_throughput  # the command line over a file (issue 15)

    print("\nthe command line (bench/cli_throughput.py):")
    cli_throughput.report(100_000 if args.quick else 1_000_000, [1, 2])


if __name__ == "__main__":
    main()
