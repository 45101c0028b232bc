"""Load on the gateway guard: requests per second through a loopback server with the guard
and without it, in one run, and a check that nothing is lost.

    python bench/gateway_load.py [--protocol asgi|wsgi] [--requests 6000] [--clients 4] [--rounds 3]

Each round starts a server process (uvicorn for ASGI, a threading wsgiref for WSGI) on
127.0.0.1 serving a stand-in for OSS, bare and then wrapped in the guard, and sends it the
same mix from concurrent client processes, each on its own kept-alive connection: a plain
GET, good GET and POST directives (raw as oss2 sends them, form-encoded as ali-oss does,
each with an output name of its own so that the verdict cache does not answer for them)
and, one in four, a bad directive. It checks that every request got exactly one answer
of the expected status and shape, and that the upstream counted exactly the requests that
should have reached it. Bounded: ``--requests`` per server per round, ``--time-limit``
seconds per server per round. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import socket
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

HOST = "127.0.0.1"  # loopback only
ASYNC_ANSWER = json.dumps(
    {"EventId": "181-1kZUlN60OH4fWOcOjZEnGnG****", "RequestId": "1D99637F-F59E", "TaskId": "MediaConvert-e4a7"}
).encode()
SYNC_ANSWER = json.dumps({"bucket": "", "fileSize": 3267, "object": "small.jpg", "status": "OK"}).encode()
OBJECT = b"object bytes"
GOOD, BAD = 0, 1  # indices of the upstream's counters
CPU_PATH = "/__bench/cpu"  # the server process's CPU seconds so far, outside the counts


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# --- The mix: (method, target, body, headers, good?) for request number i -------------------


def request_for(i: int, distinct: int) -> tuple[str, str, bytes | None, dict[str, str], bool]:
    """Request ``i`` of the mix; its directive is one of ``distinct`` per kind (0: its own)."""
    n = i // 8 % distinct if distinct else i
    unique = f"o_{b64(f'out/{n}/{{barename}}.aac')}"
    kind = i % 8
    raw = {"Content-Type": "text/plain"}
    if kind == 0:
        return "GET", f"/bucket/photo{i}.jpg?versionId=v{i}", None, {}, True
    if kind == 1:
        return "GET", "/bucket/photo.jpg?x-oss-process=" + quote(f"image/resize,w_{100 + n}", safe=""), None, {}, True
    if kind in (2, 3):
        directive = f"audio/convert,f_aac,ab_{96000 + kind * 1000},ar_44100|sys/saveas,{unique}"
        return "POST", "/bucket/in.mp3?x-oss-async-process", f"x-oss-async-process={directive}".encode(), raw, True
    if kind == 4:
        form = urlencode({"x-oss-async-process": f"audio/convert,f_mp3,ab_128000|sys/saveas,{unique}"}).encode()
        return "POST", "/bucket/in.mp3?x-oss-async-process", form, {"Content-Type": "application/x-www-form-urlencoded"}, True
    if kind == 5:
        return "POST", "/bucket/photo.jpg?x-oss-process", f"x-oss-process=image/resize,w_100|sys/saveas,{unique}".encode(), raw, True
    if kind == 6:  # standard Base64 in the object name: E013
        directive = f"audio/convert,f_aac|sys/saveas,o_{base64.b64encode(f'out/{n}+.aac'.encode()).decode()}+"
        return "POST", "/bucket/in.mp3?x-oss-async-process", f"x-oss-async-process={directive}".encode(), raw, False
    # sys/saveas in a GET: G001
    return "GET", "/bucket/photo.jpg?x-oss-process=" + quote(f"image/resize,w_100|sys/saveas,{unique}", safe=""), None, {}, False


# --- The upstream, in the server process ----------------------------------------------------


def _answer(method: str, query: str) -> tuple[bytes, bytes]:
    if method == "POST":
        return b"application/json;charset=utf-8", ASYNC_ANSWER if "async" in query else SYNC_ANSWER
    return b"application/octet-stream", OBJECT


def make_asgi_upstream(counts: Any) -> Callable[..., Any]:
    async def upstream(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message["type"] == "http.request" and message.get("more_body", False)
        if scope["path"] == CPU_PATH:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": repr(time.process_time()).encode()})
            return
        good = dict(scope["headers"]).get(b"x-bench-good") == b"1"
        counts[GOOD if good else BAD] += 1  # one event loop, one thread: no lock needed
        content_type, body = _answer(scope["method"], scope["query_string"].decode("latin-1"))
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]})
        await send({"type": "http.response.body", "body": body})

    return upstream


def make_wsgi_upstream(counts: Any) -> Callable[..., Iterable[bytes]]:
    def upstream(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        if environ["PATH_INFO"] == CPU_PATH:
            start_response("200 OK", [])
            return [repr(time.process_time()).encode()]
        with counts.get_lock():
            counts[GOOD if environ.get("HTTP_X_BENCH_GOOD") == "1" else BAD] += 1
        content_type, body = _answer(environ["REQUEST_METHOD"], environ.get("QUERY_STRING", ""))
        start_response("200 OK", [("Content-Type", content_type.decode())])
        return [body]

    return upstream


def serve(protocol: str, guarded: bool, counts: Any, ports: Any) -> None:
    """The server process: binds a free loopback port, reports it, serves until terminated."""
    import logging

    from oss_process.middleware import ASGIMiddleware, WSGIMiddleware

    logging.basicConfig(level=logging.ERROR)
    if protocol == "asgi":
        import uvicorn

        app = make_asgi_upstream(counts)
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets that say so,
        # and without it every answer waits 40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind((HOST, 0))
        ports.put(sock.getsockname()[1])
        server = uvicorn.Server(
            uvicorn.Config(ASGIMiddleware(app) if guarded else app, lifespan="off", log_level="error", access_log=False, backlog=256)
        )
        server.run(sockets=[sock])
    else:
        import socketserver
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

        class Threading(socketserver.ThreadingMixIn, WSGIServer):
            daemon_threads = True
            request_queue_size = 256

        class Quiet(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

        wsgi_app = make_wsgi_upstream(counts)
        httpd = make_server(HOST, 0, WSGIMiddleware(wsgi_app) if guarded else wsgi_app, server_class=Threading, handler_class=Quiet)
        ports.put(httpd.server_port)
        httpd.serve_forever()


# --- The clients ----------------------------------------------------------------------------


@dataclass
class Tally:
    sent: int = 0
    answered: int = 0
    good_sent: int = 0
    wrong: int = 0  # an answer of the wrong status or shape, or a stray one
    first_problem: str = ""


def _check(tally: Tally, guarded: bool, good: bool, status: int, body: bytes) -> None:
    expect_refusal = guarded and not good
    problem = ""
    if expect_refusal:
        if status != 400:
            problem = f"status {status}, expected 400"
        else:
            root = ElementTree.fromstring(body)
            if root.findtext("Code") != "InvalidArgument" or not root.findtext("EC"):
                problem = "a 400 not in OSS's shape"
    elif status != 200:
        problem = f"status {status}, expected 200"
    elif body not in (ASYNC_ANSWER, SYNC_ANSWER, OBJECT):
        problem = "an answer not from the upstream"
    if problem:
        tally.wrong += 1
        tally.first_problem = tally.first_problem or problem


def client(port: int, numbers: range, distinct: int, guarded: bool, deadline: float, start: Any, results: Any) -> None:
    tally = Tally()
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    start.wait()
    try:
        for i in numbers:
            if time.monotonic() > deadline:
                break
            method, target, body, headers, good = request_for(i, distinct)
            headers = {**headers, "x-bench-good": "1" if good else "0"}
            connection.request(method, target, body=body, headers=headers)
            tally.sent += 1
            tally.good_sent += good
            response = connection.getresponse()
            data = response.read()
            tally.answered += 1
            _check(tally, guarded, good, response.status, data)
        sock = connection.sock
        if sock is not None:  # anything more on a kept-alive connection is a stray answer
            sock.setblocking(False)
            try:
                if sock.recv(1):
                    tally.wrong += 1
                    tally.first_problem = tally.first_problem or "a stray answer on the connection"
            except BlockingIOError:
                pass
    except Exception as error:  # noqa: BLE001 - reported as a lost request, not a crash
        tally.first_problem = tally.first_problem or f"{type(error).__name__}: {error}"
    finally:
        connection.close()
        results.put(tally)


# --- One measurement ------------------------------------------------------------------------


@dataclass
class Measure:
    label: str
    requests: int
    seconds: float
    cpu_seconds: float  # the server process's, during the load
    good_sent: int
    upstream_good: int
    upstream_bad: int
    problems: list[str]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_per_request(self) -> float:
        """Microseconds of server CPU per request: steadier than the rate on a busy machine."""
        return self.cpu_seconds / self.requests * 1e6


def measure(protocol: str, guarded: bool, requests: int, distinct: int, clients: int, time_limit: float) -> Measure:
    context = multiprocessing.get_context("spawn")
    counts = context.Array("q", 2)
    ports = context.Queue()
    server = context.Process(target=serve, args=(protocol, guarded, counts, ports), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=30)
        _wait_until_listening(port)
        cpu_before = _server_cpu(port)
        start, results = context.Event(), context.Queue()
        deadline = time.monotonic() + time_limit
        workers = [
            context.Process(
                target=client, args=(port, range(c, requests, clients), distinct, guarded, deadline, start, results), daemon=True
            )
            for c in range(clients)
        ]
        for worker in workers:
            worker.start()
        time.sleep(0.5)  # let every client connect and wait at the start line
        began = time.monotonic()
        start.set()
        tallies = [results.get(timeout=time_limit + 30) for _ in workers]
        seconds = time.monotonic() - began
        for worker in workers:
            worker.join(10)
        cpu_seconds = _server_cpu(port) - cpu_before
        upstream_good, upstream_bad = counts[GOOD], counts[BAD]  # counted before answering: all in
    finally:
        server.terminate()  # the server process this run started
        server.join(10)

    sent = sum(t.sent for t in tallies)
    answered = sum(t.answered for t in tallies)
    good_sent = sum(t.good_sent for t in tallies)
    problems = [t.first_problem for t in tallies if t.first_problem]
    if sum(t.wrong for t in tallies):
        problems.append(f"{sum(t.wrong for t in tallies)} answers of the wrong status or shape")
    if answered != sent:
        problems.append(f"{sent - answered} of {sent} requests got no answer")
    if sent < requests:
        problems.append(f"only {sent} of {requests} requests sent within {time_limit:.0f} s")
    expected = (good_sent, 0) if guarded else (good_sent, sent - good_sent)
    if (upstream_good, upstream_bad) != expected:
        problems.append(f"upstream counted {upstream_good} good and {upstream_bad} bad, expected {expected[0]} and {expected[1]}")
    label = "guarded" if guarded else "bare"
    return Measure(label, answered, seconds, cpu_seconds, good_sent, upstream_good, upstream_bad, problems)


def _server_cpu(port: int) -> float:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", CPU_PATH)
        return float(connection.getresponse().read())
    finally:
        connection.close()


def _wait_until_listening(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--protocol", choices=("asgi", "wsgi"), default="asgi")
    parser.add_argument("--requests", type=int, default=6000, help="per server per round (at most 200000)")
    parser.add_argument(
        "--distinct", type=int, default=50, help="directives per kind, repeated as traffic repeats them (0: every one new, the caches cold)"
    )
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes (at most 64)")
    parser.add_argument("--rounds", type=int, default=3, help="bare and guarded, alternately (at most 10)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per server per round (at most 600)")
    options = parser.parse_args(argv)
    requests = max(8, min(options.requests, 200_000))
    clients = max(1, min(options.clients, 64))
    rounds = max(1, min(options.rounds, 10))
    time_limit = max(1.0, min(options.time_limit, 600.0))

    measures: dict[str, list[Measure]] = {"bare": [], "guarded": []}
    failed = False
    for round_number in range(1, rounds + 1):
        for guarded in (False, True):
            result = measure(options.protocol, guarded, requests, max(0, options.distinct), clients, time_limit)
            status = "ok" if not result.problems else "FAILED: " + "; ".join(result.problems)
            print(
                f"round {round_number} {result.label:8} {result.requests:6} requests {result.seconds:6.2f} s "
                f"{result.rate:7.0f} req/s {result.cpu_per_request:6.0f} us server CPU/request  "
                f"upstream got {result.upstream_good} good, {result.upstream_bad} bad  {status}",
                flush=True,
            )
            failed = failed or bool(result.problems)
            measures[result.label].append(result)
    # The best of each: the round least disturbed by whatever else the machine was doing.
    bare_rate, guarded_rate = (max(m.rate for m in measures[label]) for label in ("bare", "guarded"))
    bare_cpu, guarded_cpu = (min(m.cpu_per_request for m in measures[label]) for label in ("bare", "guarded"))
    print(
        f"\n{options.protocol}, {clients} clients, {requests} requests per server per round, "
        f"{options.distinct or 'all'} distinct directives per kind, best of {rounds}:\n"
        f"  requests per second: bare {bare_rate:.0f}, guarded {guarded_rate:.0f}, ratio {guarded_rate / bare_rate:.3f}\n"
        f"  server CPU per request: bare {bare_cpu:.0f} us, guarded {guarded_cpu:.0f} us, ratio {bare_cpu / guarded_cpu:.3f} "
        f"(the guard adds {guarded_cpu - bare_cpu:.0f} us)"
    )
    print("every request got exactly one answer; upstream counts match" if not failed else "SOME CHECKS FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
