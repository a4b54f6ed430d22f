"""One module per ``kb`` command; ``generator.cli`` holds only their command-line wiring.

What the commands share: the exception for failures a user can fix, and the log setup.
"""

from __future__ import annotations

import logging

import click


class Problem(click.ClickException):
    """A failure the user can fix, shown in Chinese and without a traceback."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it per class

    def show(self, file: object = None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


class _MkDocsChatter(logging.Filter):
    """MkDocs's own progress lines are English and name the staging folder; ours replace them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or not record.name.startswith("mkdocs.commands")


def setup_logging(*, quiet: bool = False) -> None:
    """Show MkDocs's and our log lines on standard error; only warnings and errors if ``quiet``."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.addFilter(_MkDocsChatter())
    mkdocs_log = logging.getLogger("mkdocs")
    if not mkdocs_log.handlers:
        mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.WARNING if quiet else logging.INFO)
