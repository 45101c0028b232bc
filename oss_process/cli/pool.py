"""Chunk results in input order: computed here, or by ``--jobs`` worker processes with a
bounded number of chunks in flight."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from .chunks import process_chunk, worker_setup
from .work import Chunk, ChunkResult, Job

__all__ = ["Ready", "results"]


class Ready:
    """A chunk result computed already, queued among those the workers compute."""

    def __init__(self, result: ChunkResult) -> None:
        self.result = result

    def get(self) -> ChunkResult:
        return self.result


class _Pending(Protocol):
    def get(self) -> ChunkResult: ...  # waits for it


class _Failed:
    """The reader thread's exception, raised again where the results are taken."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def get(self) -> ChunkResult:
        raise self.error


def results(job: Job, chunks: Iterable[Chunk | Ready], jobs: int) -> Iterator[ChunkResult]:
    """Chunk results in input order; with ``jobs`` N > 1, N processes and at most 4N
    chunks in flight.

    With N > 1 a thread reads and hands out the chunks, so that results are written as
    soon as they are ready, even while the input is waiting for its next line.
    """
    if jobs == 1:
        for chunk in chunks:
            yield chunk.get() if isinstance(chunk, Ready) else process_chunk(job, chunk)
        return
    # Imported here: a one-shot run never needs them.
    import multiprocessing
    import queue
    import threading

    with multiprocessing.Pool(jobs, initializer=worker_setup) as pool:
        in_flight: queue.Queue[_Pending | None] = queue.Queue(maxsize=4 * jobs)
        # The pool is stopped (Ctrl-C, a closed pipe) while the reader thread may be handing
        # out work: terminating a pool during apply_async can deadlock (seen on 3.10), so
        # both hold this lock, and the reader stops handing out once the pool is stopping.
        handing_out = threading.Lock()
        stopping = threading.Event()

        def hand_out() -> None:
            try:
                for chunk in chunks:
                    if isinstance(chunk, Ready):
                        in_flight.put(chunk)
                        continue
                    with handing_out:
                        if stopping.is_set():
                            return
                        pending = pool.apply_async(process_chunk, (job, chunk))
                    in_flight.put(pending)
            except BaseException as error:  # noqa: BLE001 - raised again in the main thread
                in_flight.put(_Failed(error))
            else:
                in_flight.put(None)

        threading.Thread(target=hand_out, name="oss-process-reader", daemon=True).start()
        try:
            while (pending := in_flight.get()) is not None:
                yield pending.get()
        finally:
            with handing_out:
                stopping.set()
