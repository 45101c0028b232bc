"""How fast ``oss-process scan`` reads a large tree, against ``grep -rl`` for the same
literal prefixes over the same files, in the same run, warm cache.

The tree: the Python standard library of this interpreter (no site-packages, no
bytecode) and a generated tree of source files in nine languages, each holding
directives (official strings, templated ones, URLs), in one git repository.

    python bench/scan.py [--rounds 5] [--generated 3000]

Prints each command's median wall time, files/s and MB/s, and its ratio to grep.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = ("x-oss-process", "image/", "video/", "audio/", "doc/", "style/")

_TEMPLATES = {
    "py": "import oss2\n\nbucket = oss2.Bucket(auth, endpoint, name)\n\n\ndef thumb(key, w):\n"
    "    return bucket.get_object(key, process='{d}')\n\n\nURL = f\"https://b.oss-cn-hangzhou.aliyuncs.com/{{key}}?x-oss-process=image/resize,w_{{w}}\"\n",
    "js": "const OSS = require('ali-oss');\nconst client = new OSS(options);\n"
    "export const url = client.signatureUrl(name, {{ process: '{d}' }});\nexport const t = `image/resize,w_${{w}},h_${{h}}`;\n",
    "ts": "export function thumb(url: string, w: number): string {{\n  return url + '?x-oss-process={d}';\n}}\n",
    "vue": '<template>\n  <img :src="src" />\n  <img src="https://b.oss-cn-hangzhou.aliyuncs.com/a.jpg?x-oss-process={d}" />\n'
    "</template>\n<script>\nexport default {{ data: () => ({{ src: '' }}) }}\n</script>\n",
    "java": "public class Thumb {{\n  GetObjectRequest request(String key) {{\n"
    "    GetObjectRequest r = new GetObjectRequest(bucket, key);\n"
    '    r.setProcess("{d}");\n    return r;\n  }}\n}}\n',
    "go": 'package thumb\n\nimport "fmt"\n\nfunc Process(w int) string {{\n\treturn fmt.Sprintf("image/resize,w_%d", w)\n}}\n\n'
    'const Style = "{d}"\n',
    "md": "# Thumbnails\n\nUse `{d}` for the list page.\n\n![a](https://b.oss-cn-hangzhou.aliyuncs.com/a.jpg?x-oss-process=image/resize,w_100)\n",
    "yaml": "thumbnails:\n  list: {d}\n  detail: 'image/resize,w_800'\n",
    "json": '{{\n  "process": "{d}",\n  "name": "thumbnail"\n}}\n',
}


def _directives() -> list[str]:
    rows = (ROOT / "tests" / "data" / "official-examples.tsv").read_text(encoding="utf-8").splitlines()
    return [row.split("\t", 1)[0] for row in rows if row and not row.startswith("#")]


def build(tree: Path, generated: int) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    ignored = shutil.ignore_patterns("site-packages", "__pycache__", "config-*", "*.pyc", "*.pyo")
    shutil.copytree(stdlib, tree / "stdlib", ignore=ignored, symlinks=True)
    directives = _directives()
    languages = list(_TEMPLATES)
    for index in range(generated):
        extension = languages[index % len(languages)]
        folder = tree / "app" / f"part{index // 100:03}"
        folder.mkdir(parents=True, exist_ok=True)
        text = _TEMPLATES[extension].format(d=directives[index % len(directives)])
        (folder / f"file{index:05}.{extension}").write_text(text, encoding="utf-8")
    environment = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b"}
    environment |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "tree"]):
        subprocess.run(["git", *command], cwd=tree, check=True, env=environment, capture_output=True)


def _timed(command: list[str], cwd: Path, environment: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--generated", type=int, default=3000)
    args = parser.parse_args()
    # Bytecode as an installed package has it: the interpreter may write it.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "oss_process")], check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as temporary:
        tree = Path(temporary) / "tree"
        tree.mkdir()
        build(tree, args.generated)
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=tree, capture_output=True, check=True).stdout.split(b"\0")
        files = [name for name in listed if name]
        size = sum((tree / os.fsdecode(name)).stat().st_size for name in files)
        scan = [sys.executable, "-m", "oss_process", "scan", "--no-config", "--format", "jsonl", "."]
        grep = ["grep", "-rl", "--exclude-dir=.git", *[part for prefix in PREFIXES for part in ("-e", prefix)], "."]
        commands = {"grep -rl": grep, "scan --jobs 1": scan, "scan --jobs 2": [*scan[:-1], "--jobs", "2", "."]}
        found = subprocess.run(scan, cwd=tree, capture_output=True, text=True, env=environment, check=False).stdout
        directives = sum(1 for line in found.splitlines() if '"directive"' in line)
        for command in commands.values():  # warm the cache
            _timed(command, tree, environment)
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(args.rounds):
            for label, command in commands.items():
                times[label].append(_timed(command, tree, environment))
    print(f"tree: {len(files):,} files, {size / 1e6:,.1f} MB ({args.generated:,} generated), {directives:,} directives found")
    print(f"median of {args.rounds} rounds, warm cache, {os.cpu_count()} cores")
    grep_median = statistics.median(times["grep -rl"])
    for label, measured in times.items():
        median = statistics.median(measured)
        rate = f"{len(files) / median:10,.0f} files/s {size / 1e6 / median:8,.1f} MB/s"
        print(f"  {label:15} {median:7.3f} s {rate}   {median / grep_median:5.2f}x grep")


if __name__ == "__main__":
    main()
