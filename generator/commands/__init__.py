"""One module per ``kb`` command; ``generator.cli`` holds only their command-line wiring.

What the commands share: the exception for failures a user can fix, and the log setup.
"""

from __future__ import annotations

import logging
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from generator.builder import BuilderError, SiteConfig, load_site_config


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


DEFAULT_CONFIG = "mkdocs.yml"
OUTSIDE_PROJECT = (
    "当前文件夹 {cwd} 不是知识库项目（这里没有 {config}）。"
    "请先进入项目文件夹（含有 mkdocs.yml 和 content/ 的文件夹）再运行，例如：cd 知识库所在的文件夹"
)


def load_project_config(config_file: Path, **overrides: Any) -> SiteConfig:
    """The project's MkDocs configuration, or a :class:`Problem` saying in Chinese what is wrong."""
    if not config_file.is_file():
        if config_file == Path(DEFAULT_CONFIG):
            raise Problem(OUTSIDE_PROJECT.format(cwd=Path.cwd(), config=config_file))
        raise Problem(f"选项 --config-file 给出的“{config_file}”不存在。", exit_code=2)
    with _captured("mkdocs.config") as said:
        try:
            return load_site_config(config_file, **overrides)
        except BuilderError:
            pass
    raise Problem(_config_problems(config_file, said))


@contextmanager
def _captured(logger: str) -> Iterator[list[logging.LogRecord]]:
    """Collect what ``logger`` says instead of letting it print (MkDocs words it in English)."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    target = logging.getLogger(logger)
    handler, propagate = Collect(logging.WARNING), target.propagate
    target.addHandler(handler)
    target.propagate = False
    try:
        yield records
    finally:
        target.removeHandler(handler)
        target.propagate = propagate


def _config_problems(config_file: Path, said: list[logging.LogRecord]) -> str:
    lines = []
    for record in said:
        text = record.getMessage()
        if record.levelno < logging.ERROR:
            continue
        if text.startswith("Config value 'docs_dir'") and "isn't an existing directory" in text:
            lines.append(
                f"{config_file} 中 docs_dir 指定的内容目录不存在。"
                "请确认在项目文件夹中运行，且 content/ 文件夹没有被移走或改名。"
            )
        else:
            lines.append(f"{config_file} 的设置有误：{text}")
    return "\n".join(lines) or f"无法读取 {config_file}，请检查它的写法。"


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Being told to stop (SIGTERM from a service manager, a closed terminal) ends the
    command as Ctrl+C does, so it cleans up after itself."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {name: signal.signal(getattr(signal, name), interrupt) for name in names}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


SITE_SCRIPT = Path("scripts/site.sh")
"""What README and the editors' guide tell newcomers to run: it sets up ``.venv`` first,
then runs ``kb`` with the arguments it is given."""


def kb_command(arguments: str) -> str:
    """How an editor in the project folder runs ``kb ARGUMENTS``: ``kb`` itself is only on
    the PATH of those who put it there, so through the project's script when it has one,
    else through the ``kb`` that is running now."""
    if SITE_SCRIPT.is_file():
        return f"bash {SITE_SCRIPT.as_posix()} {arguments}"
    running = Path(sys.argv[0])
    if running.name == "kb" and shutil.which("kb") != str(running.absolute()):
        return f"{_shown(running)} {arguments}"
    return f"kb {arguments}"


def _shown(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def require_content_dir(content_dir: Path) -> None:
    """A :class:`Problem` unless ``content_dir`` exists; outside a project, say where to go."""
    if content_dir.is_dir():
        return
    if not Path(DEFAULT_CONFIG).is_file():
        raise Problem(OUTSIDE_PROJECT.format(cwd=Path.cwd(), config=DEFAULT_CONFIG))
    raise Problem(f"找不到内容目录 {content_dir}。请确认 content/ 文件夹没有被移走或改名。")
