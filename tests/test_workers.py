"""The worker pool: results in order, and work never runs far ahead of the caller."""

from __future__ import annotations

import time
from pathlib import Path

from generator import workers


def _square(item: int) -> int:
    return item * item


def test_results_come_in_order_and_match_a_serial_run() -> None:
    """Work spread over processes gives what doing it in one process gives, in order."""
    items = list(range(1000))
    assert workers.map_in_workers(_square, items, workers=2) == [i * i for i in items]



def test_workers_wait_for_a_slow_caller(tmp_path: Path) -> None:
    """A caller that folds results in slowly does not have every result piled up in memory."""

    def mark(item: int) -> int:
        (tmp_path / str(item)).touch()
        return item

    items = list(range(3000))
    results = workers.iter_in_workers(mark, items, workers=2)
    assert next(results) == 0
    time.sleep(1.5)  # far longer than two processes need to touch 3,000 files
    started = sum(1 for _ in tmp_path.iterdir())
    assert started <= (2 * workers._AHEAD + 2) * workers._CHUNK < len(items)
    assert list(results) == items[1:]
    assert sum(1 for _ in tmp_path.iterdir()) == len(items)


def test_objects_frozen_by_the_caller_stay_frozen() -> None:
    """The pool leaves the collector as it found it: what a caller froze stays frozen."""
    import gc

    items = list(range(1000))
    gc.unfreeze()
    workers.map_in_workers(_square, items, workers=2)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        workers.map_in_workers(_square, items, workers=2)
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()
