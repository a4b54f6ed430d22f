"""What every long run (a build, the preview) shares: where it logs, how its warnings are
counted, and stopping on a signal as on Ctrl+C.

Our lines go to the builder's log for plugins (``mkdocs.plugins.kb``), so a strict
``mkdocs build`` counts our warnings as its own; this module and the adapter modules
(:mod:`generator.builder`, :mod:`generator.plugin`, :mod:`generator.frame`) are the only
ones that name the builder's logs.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

BUILDER_LOG = "mkdocs"
"""The builder's own log, where everything a build says is collected."""
log = logging.getLogger(f"{BUILDER_LOG}.plugins.kb")
"""The log of the knowledge base's own lines."""


class _BuilderChatter(logging.Filter):
    """The builder's own progress lines are English and name the staging folder; ours
    replace them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or not record.name.startswith(
            f"{BUILDER_LOG}.commands"
        )


def setup_logging(*, quiet: bool = False) -> None:
    """Show the builder's and our log lines on standard error; only warnings and errors if
    ``quiet``."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.addFilter(_BuilderChatter())
    builder_log = logging.getLogger(BUILDER_LOG)
    if not builder_log.handlers:
        builder_log.addHandler(handler)
    builder_log.setLevel(logging.WARNING if quiet else logging.INFO)


class WarningCounter(logging.Handler):
    """Counts the warnings (and errors) a build logs: a strict build fails on any."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator[WarningCounter]:
        """Count what the builder's log says while the block runs."""
        self.count = 0
        logging.getLogger(BUILDER_LOG).addHandler(self)
        try:
            yield self
        finally:
            logging.getLogger(BUILDER_LOG).removeHandler(self)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Being told to stop (SIGTERM from a service manager, a closed terminal) ends the
    run as Ctrl+C does, so it cleans up after itself."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {name: signal.signal(getattr(signal, name), interrupt) for name in names}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
