"""Progress of a long build, stage by stage.

Each stage reports one line when it ends (through the ``mkdocs.plugins.kb``
logger, so ``--quiet`` and CI logs treat it like every other message). On a
terminal, a stage with a known size also shows a live counter while it runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

_REFRESH_SECONDS = 0.2


@dataclass
class Stage:
    """One running stage; ``advance`` is given the number of items done so far."""

    label: str
    total: int | None
    live: TextIO | None
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    _shown: float = 0.0

    def advance(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.live is not None and now - self._shown >= _REFRESH_SECONDS:
            self._shown = now
            self.live.write(f"\r  {self.label}：{done}/{self.total} …")
            self.live.flush()


class Progress:
    """Reports stages and keeps their timings for the closing summary."""

    def __init__(self, log: logging.Logger, *, live: TextIO | None = None) -> None:
        self.log = log
        self.live = live
        """A terminal to draw counters on, or ``None`` (logs, CI, tests)."""
        self.timings: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, label: str, *, total: int | None = None) -> Iterator[Stage]:
        stage = Stage(label, total, self.live if total else None)
        yield stage
        seconds = time.monotonic() - stage.started
        self.timings.append((label, seconds))
        if stage.live is not None and stage._shown:
            stage.live.write("\r\033[K")
        counted = f"{total} 项，" if total else ""
        self.log.info("%s：完成（%s用时 %.1f 秒）", label, counted, seconds)

    def note(self, text: str) -> None:
        self.log.info(text)
