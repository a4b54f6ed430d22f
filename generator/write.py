"""Stage 5: write finished files into the site folder, in parallel where it pays.

A file is only written when its bytes differ from what is already there, so a
rebuild leaves unchanged files alone (their modification times stay, which keeps
rsync and incremental copies small). Rendering many pages is spread over forked
worker processes, which inherit the compiled site and templates instead of
receiving them pickled.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_THRESHOLD = 200
"""Below this many items, starting worker processes costs more than it saves."""
_CHUNK = 48

_PR_SET_PDEATHSIG = 1
"""Linux's prctl option: a signal the kernel sends a process when its parent ends."""
_work: Callable[[Any], Any] | None = None
"""The function workers run; set before they fork so they inherit it."""


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless the file already holds exactly these bytes."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as new:  # a new file: no reader can have it open
                new.write(data)
            return True
        except FileExistsError:
            pass  # appeared meanwhile: replace it as below
    temporary = path.with_name(f".{path.name}.kb-tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # a reader never sees a half-written page
    return True


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
    global _work
    _work = work
    chunks = [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )
    try:
        done = 0
        for batch in pool.map(_run_chunk, chunks):
            yield from batch
            done += len(batch)
            if on_progress:
                on_progress(done)
    finally:
        # On an interruption or an error, work not yet started is dropped, not waited for.
        pool.shutdown(wait=True, cancel_futures=True)
        _work = None


def _worker_start(parent: int) -> None:
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


def _run_chunk(chunk: Sequence[Any]) -> list[Any]:
    assert _work is not None
    return [_work(item) for item in chunk]


def files_under(folder: Path) -> Iterator[Path]:
    """Every file below ``folder``, in a stable order."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            yield Path(root, name)
