"""The worker pool: work runs in other processes, results come in order, work never runs far
ahead of the caller, and the pool leaves the collector as it found it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

from generator import workers
from tests.conftest import PoolSpy


def _square_where(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def test_results_come_in_order_from_worker_processes(pool_spy: PoolSpy) -> None:
    """Work spread over processes gives what doing it in one process gives, in order, and
    none of it runs in the caller's process."""
    items = list(range(1000))
    results = workers.map_in_workers(_square_where, items, workers=2)
    assert [square for square, _ in results] == [i * i for i in items]
    assert os.getpid() not in {pid for _, pid in results}
    assert pool_spy.submitted == -(-len(items) // workers._CHUNK)


def test_every_worker_takes_part(tmp_path: Path) -> None:
    """Two workers run at the same time: each item waits until two processes have started
    work, which only happens when the work is really spread over both."""

    def meet(item: int) -> int:
        (tmp_path / str(os.getpid())).touch()
        deadline = time.monotonic() + 60
        while len(list(tmp_path.iterdir())) < 2:
            if time.monotonic() > deadline:
                raise TimeoutError("only one process ran the work")
            time.sleep(0.005)
        return item

    assert workers.map_in_workers(meet, list(range(400)), workers=2) == list(range(400))
    assert len(list(tmp_path.iterdir())) == 2 and str(os.getpid()) not in os.listdir(tmp_path)


def test_work_is_handed_out_only_as_the_caller_takes_results(pool_spy: PoolSpy) -> None:
    """A caller that folds results in slowly does not have every result piled up in memory:
    a few chunks per worker are handed out, and one more for each chunk the caller takes."""
    items = list(range(3000))
    results = workers.iter_in_workers(_square_where, items, workers=2)
    square, pid = next(results)
    assert square == 0 and pid != os.getpid()
    handed_out = 2 * workers._AHEAD + 1
    assert pool_spy.submitted == handed_out < len(items) // workers._CHUNK
    for _ in range(workers._CHUNK):  # the rest of the first chunk: nothing more is handed out
        next(results)
    assert pool_spy.submitted == handed_out + 1
    assert [square for square, _ in results] == [i * i for i in items[workers._CHUNK + 1 :]]


def test_objects_frozen_by_the_caller_stay_frozen(pool_spy: PoolSpy) -> None:
    """The pool leaves the collector as it found it: what a caller froze stays frozen, and a
    caller that froze nothing finds nothing frozen."""
    items = list(range(1000))
    gc.unfreeze()
    workers.map_in_workers(_square_where, items, workers=2)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        workers.map_in_workers(_square_where, items, workers=2)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert pool_spy.submitted == 2 * -(-len(items) // workers._CHUNK)


STOPPED_DURING_FORK = """
import os, signal, sys
from generator.workers import PARALLEL_THRESHOLD, map_in_workers

sent = []


def stop_once():
    if not sent:  # Ctrl+C, just as the first worker is being forked
        sent.append(True)
        os.kill(os.getpid(), signal.SIGINT)


os.register_at_fork(before=stop_once)
try:
    map_in_workers(abs, list(range(PARALLEL_THRESHOLD)), workers=2)
except KeyboardInterrupt:
    print("stopped")
    sys.exit(3)
print("finished")
"""


def test_ctrl_c_while_the_workers_are_forked_stops_the_run(tmp_path: Path) -> None:
    """Ctrl+C that lands while the build forks its workers stops it, instead of being lost
    inside the fork's own bookkeeping while the build goes on to publish."""
    script = tmp_path / "stop.py"
    script.write_text(STOPPED_DURING_FORK, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert (result.returncode, result.stdout.strip()) == (3, "stopped"), result.stderr
