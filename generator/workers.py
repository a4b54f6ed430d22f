"""The worker pool: work spread over forked processes, for the stages that need it.

Workers are forked, so they inherit the compiled site, templates and segmenter
instead of receiving them pickled. A worker ignores Ctrl+C (the main process
handles it and cancels what has not started) and dies with its parent, so an
interrupted or killed build leaves no process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_THRESHOLD = 200
"""Below this many items, starting worker processes costs more than it saves."""
_CHUNK = 48
_AHEAD = 3
"""Chunks submitted per worker before the first result is taken."""

_PR_SET_PDEATHSIG = 1
"""Linux's prctl option: a signal the kernel sends a process when its parent ends."""
_worker_work: Callable[[Any], Any] | None = None
"""In a worker process only: the function its pool runs, handed over at the fork."""


def worker_count() -> int:
    """How many processes to render with: one per core, where forking is available."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, len(os.sched_getaffinity(0)))


def map_in_workers(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    workers: int,
    on_progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """``[work(item) for item in items]``, spread over forked processes when that pays.

    ``on_progress`` is called with the number of items finished so far.
    """
    return list(iter_in_workers(work, items, workers=workers, on_progress=on_progress))


def iter_in_workers(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    workers: int,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[Result]:
    """Like :func:`map_in_workers`, but yields results in order as they arrive.

    The caller can fold results into something compact while workers go on,
    instead of holding every result at once.
    """
    if workers <= 1 or len(items) < PARALLEL_THRESHOLD:
        for done, item in enumerate(items, start=1):
            yield work(item)
            if on_progress and (done % _CHUNK == 0 or done == len(items)):
                on_progress(done)
        return
    yield from _Pool(work, workers=workers).run(items, on_progress=on_progress)


class _Pool:
    """One run of forked workers over a list of items: the work, the processes and the
    collector's state belong to the run, and nothing is left behind in this process."""

    def __init__(self, work: Callable[[Any], Any], *, workers: int) -> None:
        self.work = work
        self.workers = workers

    def run(
        self, items: Sequence[Any], *, on_progress: Callable[[int], None] | None
    ) -> Iterator[Any]:
        chunks = iter([items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)])
        # Objects that exist before the fork are never collected in a worker: a collection
        # writes to every object it scans, and each page written is copied into the worker.
        frozen_by_caller = gc.get_freeze_count() > 0  # the preview freezes what a build keeps
        gc.freeze()
        # The work reaches the workers through the fork itself (initializer arguments are
        # not pickled with the fork start method), so it may be a closure.
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_start,
            initargs=(os.getpid(), self.work),
        )
        try:
            # A few chunks per worker in flight: workers never wait, and results do not pile
            # up in memory when the caller folds them in more slowly than workers make them.
            # The first submission forks the workers. A stop signal that arrived during a
            # fork would be raised inside the fork's own bookkeeping, which drops it, and
            # the build would go on: stop signals wait until the workers exist.
            with _stop_signals_held():
                pending: deque[Future[list[Any]]] = deque(
                    pool.submit(_run_chunk, chunk)
                    for chunk in itertools.islice(chunks, self.workers * _AHEAD)
                )
            done = 0
            while pending:
                batch = pending.popleft().result()
                for chunk in itertools.islice(chunks, 1):
                    pending.append(pool.submit(_run_chunk, chunk))
                yield from batch
                done += len(batch)
                if on_progress:
                    on_progress(done)
        finally:
            # On an interruption or an error, work not yet started is dropped, not waited for.
            pool.shutdown(wait=True, cancel_futures=True)
            if not frozen_by_caller:
                gc.unfreeze()


_STOP_SIGNALS = {
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
}
"""Ctrl+C, a service manager's stop and a closed terminal."""


@contextlib.contextmanager
def _stop_signals_held() -> Iterator[None]:
    """Hold back stop signals in this thread until the block ends; they arrive then."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _worker_start(parent: int, work: Callable[[Any], Any]) -> None:
    global _worker_work
    _worker_work = work
    # A worker must not outlive a killed build: ask the kernel to end it with its parent.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    # Ctrl+C reaches every process of the terminal; the main process alone handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    # Forked while the parent held stop signals back (_stop_signals_held): take them again.
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _run_chunk(chunk: Sequence[Any]) -> list[Any]:
    assert _worker_work is not None
    return [_worker_work(item) for item in chunk]
