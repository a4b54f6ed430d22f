"""Running `kb` and `mkdocs` from tests: as a real process where the process itself is what
a test checks (signals, hash seeds, the interpreter's exit status, a server), otherwise in
the test's own process, which saves the second of start-up every command spends."""

from __future__ import annotations

import contextlib
import gc
import logging
import subprocess
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

from click.testing import CliRunner

KB = [sys.executable, "-m", "generator"]
MKDOCS = [sys.executable, "-m", "mkdocs"]


def run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``args`` as a real process in ``cwd``: its exit status and what it printed."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def run_here(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``args`` (a :data:`KB` or :data:`MKDOCS` command line) run in this process, in
    ``cwd``, with what :func:`run` gives: exit status, standard output and error.

    An exception the command does not handle is raised here, so a test fails on what a
    real process would print as a traceback."""
    from mkdocs.__main__ import cli as mkdocs_cli

    from generator.builder import ConfigWording
    from generator.cli import main as kb_cli

    # A process installs it once, when it first loads the plugin, and keeps it; MkDocs keeps
    # that plugin for the whole process too, so a later run here would not install it again.
    ConfigWording.install()

    head, rest = list(args[:3]), list(args[3:])
    command, name = {(*KB,): (kb_cli, "kb"), (*MKDOCS,): (mkdocs_cli, "mkdocs")}[tuple(head)]
    frozen_before = gc.get_freeze_count()
    with _restored_logging(), warnings.catch_warnings(), contextlib.chdir(cwd):
        result = CliRunner().invoke(command, rest, prog_name=name, catch_exceptions=False)
    if not frozen_before:
        # A build freezes what it built, to share it with forked workers for the rest of
        # its process; here the process goes on to other tests.
        gc.unfreeze()
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


@contextlib.contextmanager
def _restored_logging() -> Iterator[None]:
    """The log handlers a command adds, bound to that run's output (MkDocs adds one every
    run, `kb` one per process), the filters MkDocs adds every run (each remembering the
    messages it has let through) and the levels set for the run are undone after it."""
    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [
        logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [
        (logger, logger.handlers[:], logger.filters[:], logger.level, logger.propagate)
        for logger in loggers
    ]
    try:
        yield
    finally:
        known = {id(logger) for logger in loggers}
        for logger in manager.loggerDict.values():
            if isinstance(logger, logging.Logger) and id(logger) not in known:
                logger.handlers.clear()
                logger.filters.clear()
        for logger, handlers, filters, level, propagate in saved:
            logger.handlers[:] = handlers
            logger.filters[:] = filters
            logger.setLevel(level)
            logger.propagate = propagate
