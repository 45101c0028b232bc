"""Real traffic, not only clean audio directives (issue 15): warnings, image chains, mixed
shapes. Each workload's canonicalize is compared in one run, on the same strings, with

- one ``re.fullmatch`` of the grammar's general shape regex (stages, actions, parameters:
  ``oss_process._syntax.in_language``), and
- a hand-written ``str.split`` + dict validator of the same action, checking the same
  ranges and names: the floor of pure Python.

    python bench/traffic.py          # about a minute; --quick for a smoke run
"""

from __future__ import annotations

import argparse
import binascii
import random
import re
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speed import b64, paired, per_call  # the same timing as bench/speed.py: verdicts emptied before each round

import oss_process
from oss_process._accel import shape_of
from oss_process._accel.cache import CACHE
from oss_process._syntax import in_language

# --- The hand-written floor: split, look up, check the same ranges ---------------------

_BUCKET = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]").fullmatch
_AUDIO_FORMATS = frozenset({"mp3", "aac", "flac", "oga", "ac3", "opus", "amr"})
_IMAGE_FORMATS = frozenset({"jpg", "png", "webp", "bmp", "gif", "tiff", "heic", "avif"})


def _name(text: str) -> str:
    return binascii.a2b_base64(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4)).decode()


def _params(pieces: list[str]) -> dict[str, str]:
    return dict(piece.split("_", 1) for piece in pieces)


def seed_by_hand(text: str) -> bool:
    """audio/convert,...|sys/saveas,b_,o_/notify,topic_, checked by hand."""
    convert, rest = text.split("|", 1)
    head, *pieces = convert.split(",")
    values = _params(pieces)
    ok = head == "audio/convert" and values["f"] in _AUDIO_FORMATS
    ok = ok and 0 <= int(values.get("ss", "0")) <= 2**31 - 1 and 0 <= int(values.get("t", "0")) <= 2**31 - 1
    ok = ok and 1000 <= int(values["ab"]) <= 10_000_000
    _, save, notify = rest.split("/")
    saved = _params(save.split(",")[1:])
    ok = ok and _BUCKET(_name(saved["b"])) is not None and 0 < len(_name(saved["o"]).encode()) <= 1023
    return ok and bool(_name(_params(notify.split(",")[1:])["topic"]))


def image_by_hand(text: str) -> bool:
    """image/resize,w_,h_/quality,q_/format,F, checked by hand."""
    _, resize, quality, fmt = text.split("/")
    size = _params(resize.split(",")[1:])
    ok = 1 <= int(size["w"]) <= 16384 and 1 <= int(size["h"]) <= 16384
    ok = ok and 1 <= int(_params(quality.split(",")[1:])["q"]) <= 100
    return ok and fmt.split(",")[1] in _IMAGE_FORMATS


def chain_by_hand(text: str) -> bool:
    """A long image chain of resize, image and text watermarks, checked by hand."""
    ok = True
    for action in text.split("/")[1:]:
        name, *pieces = action.split(",")
        values = _params(pieces)
        if name == "resize":
            ok = ok and 1 <= int(values["w"]) <= 16384
        elif "image" in values:
            ok = ok and 0 < len(_name(values["image"]).encode()) <= 1023
        else:
            ok = ok and 0 < len(values["text"]) <= 64 and bool(_name(values["text"]))
    return ok


def mixed_by_hand(text: str) -> bool:
    return seed_by_hand(text) if text.startswith("audio/") else image_by_hand(text)


# --- The workloads ---------------------------------------------------------------------


def seed(i: int, newline: bool) -> str:
    obj = b64("outobjprefix.{autoext}" + ("\n" if newline else ""))
    return f"audio/convert,ss_{i},t_60000,f_aac,ab_96000|sys/saveas,b_b3V0YnVja2V0,o_{obj}/notify,topic_QXVkaW9Db252ZXJ0"


def image(i: int) -> str:
    return f"image/resize,w_{1 + i % 16000},h_100/quality,q_90/format,webp"


def long_chain(i: int) -> str:
    pieces = [f"resize,w_{1 + i % 16000}"]
    pieces += [f"watermark,image_{b64(f'marks/{i:06d}/' + 'm' * 990 + f'{k}.png')}" for k in range(3)]
    pieces += [f"watermark,text_{b64(f'{i:06d} n{k:02d} ' + 't' * 34)}" for k in range(42)]
    return "image/" + "/".join(pieces)


def shapes20(rng: random.Random, count: int) -> list[str]:
    """20 shapes: seed-like audio with different keys (two of them narrow ar: W211) and
    image chains with different formats (a width over 4096: W219)."""
    audio_keys = [("ss", "t"), ("t",), ("ss",), (), ("ss", "t", "abopt"), ("ar",), ("ac",), ("ar", "ac"), ("t", "ar"), ("ss", "ac")]
    formats = ["aac", "flac", "oga", "aac", "aac", "aac", "aac", "aac", "mp3", "mp3"]  # mp3 without ar/ac: W211
    out = []
    for i in range(count):
        k = i % 20
        if k < 10:
            keys, fmt = audio_keys[k], formats[k]
            values = {"ss": rng.randint(0, 99999), "t": rng.randint(1, 600000), "abopt": 1, "ar": 44100, "ac": 2}
            params = "".join(f",{key}_{values[key]}" for key in keys)
            obj = b64(f"u{rng.randint(1, 9999)}/{rng.getrandbits(40):010x}.{{autoext}}")
            tail = f"|sys/saveas,b_b3V0YnVja2V0,o_{obj}/notify,topic_QXVkaW9Db252ZXJ0"
            out.append(f"audio/convert,f_{fmt}{params},ab_{rng.randint(1000, 320000)}{tail}")
        else:
            fmt = ["jpg", "png", "webp", "jpg", "webp", "png", "jpg", "webp", "png", "jpg"][k - 10]
            out.append(f"image/resize,w_{rng.randint(1, 16000)},h_{100 + k}/quality,q_{rng.randint(1, 100)}/format,{fmt}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and strings")
    parser.add_argument("--only", default="", help="only the workloads whose label contains this text")
    args = parser.parse_args()
    report(*((3, 1000) if args.quick else (11, 4000)), only=args.only)


def report(rounds: int, count: int, only: str = "") -> None:
    """Print each workload's ratios (``bench/speed.py`` prints them too)."""
    rng = random.Random(15)
    shape = in_language()
    us = 1e6
    canonicalize = oss_process.canonicalize
    print(f"python {sys.version.split()[0]}, {count} strings per round, {rounds} rounds; medians")
    print("\nworkload: canonicalize; against one general shape-regex fullmatch; against a hand-written split validator")

    workloads: list[tuple[str, list[str], Callable[[str], object]]] = [
        (
            "the seed's first example, ss varying (W305: its object name ends in a newline)",
            [seed(i, True) for i in range(count)],
            seed_by_hand,
        ),
        ("the same with a clean object name", [seed(i, False) for i in range(count)], seed_by_hand),
        ("image/resize,w_{i},h_100/quality,q_90/format,webp", [image(i) for i in range(count)], image_by_hand),
        ("a 7.6 KB image chain (resize, 3 image and 42 text watermarks)", [long_chain(i) for i in range(count // 10)], chain_by_hand),
    ]
    mixed = shapes20(rng, count)
    workloads.append(("20 shapes alternating (two warn W211; widths over 4096, three in four images, warn W219)", mixed, mixed_by_hand))
    for label, texts, by_hand in workloads:
        if only not in label:
            continue
        assert all(by_hand(t) for t in texts), label
        canon, regex, to_regex = paired(canonicalize, shape, texts, rounds)
        _, hand, to_hand = paired(canonicalize, by_hand, texts, rounds)
        print(f"  {label}:")
        print(
            f"    {canon * us:.2f} us ({canon / len(texts[0]) * 1e9:.0f} ns/char); "
            f"{to_regex:.1f}x the regex ({regex * us:.2f} us, goal <= 6x); {to_hand:.2f}x by hand ({hand * us:.2f} us, goal <= 1.5x)"
        )
    if only not in "20 shapes alternating against grouped":
        return
    # Grouped by the library's own shape (a bare value, as format's, is part of it): each
    # shape's strings together, in their order.
    grouped = sorted(mixed, key=lambda t: shape_of(t) or "")
    # Alternating against grouped: both sides canonicalize, so the pairing runs each on its own order.
    xs, ys, ratios = [], [], []
    for _ in range(rounds):
        CACHE.verdicts.clear()
        x = per_call(canonicalize, mixed)
        CACHE.verdicts.clear()
        y = per_call(canonicalize, grouped)
        xs.append(x)
        ys.append(y)
        ratios.append(x / y)
    print(
        f"  20 shapes alternating against the same strings grouped by shape: {statistics.median(xs) * us:.2f} us and "
        f"{statistics.median(ys) * us:.2f} us, {statistics.median(ratios):.2f}x (goal <= 1.2x)"
    )


if __name__ == "__main__":
    main()
