"""Requests per second through nginx with and without the check service, side by side in
one run, and the latency the check adds at p50 and p99.

    python bench/edge_load.py [--seconds 3] [--rounds 3] [--clients 8]

One nginx holds three servers: the bucket (a static answer, so that the upstream costs
next to nothing), the edge with the shipped configuration (examples/nginx/oss-process.conf:
auth_request to `oss-process serve`, one uvicorn process), and the same proxy without the
check. Keep-alive clients (threads) send GETs of distinct directives (official strings
with their widths varied) to one edge, then the other, in alternating rounds; private
objects, so that neither answers from its cache. Needs nginx on the PATH or in /usr/sbin.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oss_process.serve import CheckService  # noqa: E402


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
                raise SystemExit(f"nothing listens on {port}") from None
            time.sleep(0.02)


def _nginx(directory: Path, check_port: int) -> tuple[subprocess.Popen[bytes], int, int]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    bucket, checked, plain = _port(), _port(), _port()
    shipped = (ROOT / "examples" / "nginx" / "oss-process.conf").read_text(encoding="utf-8")
    server = shipped.replace("listen 8080;", f"listen 127.0.0.1:{checked};").replace(
        "/var/cache/nginx/oss-process", str(directory / "cache")
    )
    (directory / "oss-process.conf").write_text(server, encoding="utf-8")
    temporary = " ".join(f"{kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root root;" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} error;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    {temporary}
    upstream oss_bucket {{ server 127.0.0.1:{bucket}; keepalive 32; }}
    upstream oss_process_check {{ server 127.0.0.1:{check_port}; keepalive 32; }}
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    server {{ listen 127.0.0.1:{bucket}; location / {{ return 200 "image bytes"; }} }}
    server {{ listen 127.0.0.1:{plain}; location / {{ proxy_pass http://oss_bucket; }} }}
    include {directory / "oss-process.conf"};
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen([nginx, "-p", str(directory), "-c", str(directory / "nginx.conf")])
    for port in (bucket, checked, plain):
        _wait(port, process)
    return process, checked, plain


def _targets() -> list[str]:
    rows = (ROOT / "tests" / "data" / "official-examples.tsv").read_text(encoding="utf-8").splitlines()
    # what a GET may carry: image processing, no sys/saveas (G001)
    directives = [row.split("\t", 1)[0] for row in rows if row.startswith("image/") and "w_" in row and "saveas" not in row]
    varied = [re.sub(r"w_[0-9]+", f"w_{100 + n % 900}", d, count=1) for n, d in enumerate(directives * 40)]
    return [f"/private/photo{n % 50}.jpg?x-oss-process={d}" for n, d in enumerate(varied)]


def _load(port: int, targets: list[str], seconds: float, clients: int) -> tuple[int, list[float], int]:
    """Requests done, their latencies, and failures, with ``clients`` keep-alive clients."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = index
        while time.monotonic() < stop:
            target = targets[n % len(targets)]
            n += clients
            started = time.perf_counter()
            connection.request("GET", target)
            response = connection.getresponse()
            response.read()
            latencies[index].append(time.perf_counter() - started)
            if response.status != 200:
                failures[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [latency for each in latencies for latency in each]
    return len(every), every, sum(failures)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    import uvicorn

    check_port = _port()
    server = uvicorn.Server(uvicorn.Config(CheckService(), host="127.0.0.1", port=check_port, log_config=None, access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    _wait(check_port)
    targets = _targets()
    with tempfile.TemporaryDirectory() as temporary:
        process, checked, plain = _nginx(Path(temporary), check_port)
        try:
            _load(checked, targets, 1.0, args.clients)  # warm both
            _load(plain, targets, 1.0, args.clients)
            results: dict[str, list[tuple[int, list[float], int]]] = {"with the check": [], "without": []}
            for _ in range(args.rounds):
                results["with the check"].append(_load(checked, targets, args.seconds, args.clients))
                results["without"].append(_load(plain, targets, args.seconds, args.clients))
        finally:
            process.terminate()
            process.wait(10)
            server.should_exit = True
    print(f"{args.rounds} rounds of {args.seconds:g} s each way, {args.clients} keep-alive clients, {os.cpu_count()} cores")
    summary = {}
    for label, rounds in results.items():
        rates = [done / args.seconds for done, _, _ in rounds]
        every = [latency for _, latencies, _ in rounds for latency in latencies]
        failed = sum(failures for _, _, failures in rounds)
        p50, p99 = _percentile(every, 0.50) * 1000, _percentile(every, 0.99) * 1000
        summary[label] = (statistics.median(rates), p50, p99)
        rate = f"{statistics.median(rates):9,.0f} requests/s (median round)"
        print(f"  {label:15} {rate}  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  {failed} failed")
    (with_rate, with_p50, with_p99), (without_rate, without_p50, without_p99) = summary["with the check"], summary["without"]
    print(f"with the check / without: {with_rate / without_rate:.2f}x the requests/s")
    print(f"added latency: p50 +{with_p50 - without_p50:.2f} ms, p99 +{with_p99 - without_p99:.2f} ms")


if __name__ == "__main__":
    main()
