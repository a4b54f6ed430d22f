"""One module per ``kb`` command; ``generator.cli`` holds only their command-line wiring.

What the commands share: the exception for failures a user can fix, and the log setup.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator.site_settings import SettingsError

if TYPE_CHECKING:
    from generator.builder import SiteConfig


class Problem(click.ClickException):
    """A failure the user can fix, shown in Chinese and without a traceback."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it per class

    def show(self, file: object = None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


DEFAULT_CONFIG = "mkdocs.yml"
OUTSIDE_PROJECT = (
    "当前文件夹 {cwd} 不是知识库项目（这里没有 {config}）。"
    "请先进入项目文件夹（含有 mkdocs.yml 和 content/ 的文件夹）再运行，例如：cd 知识库所在的文件夹"
)


def load_project_config(config_file: Path, **overrides: Any) -> SiteConfig:
    """The project's builder settings, or a :class:`Problem` saying in Chinese what is wrong."""
    from generator.builder import read_site_config  # the builder loads only for commands using it

    if not config_file.is_file():
        if config_file == Path(DEFAULT_CONFIG):
            raise Problem(OUTSIDE_PROJECT.format(cwd=Path.cwd(), config=config_file))
        raise Problem(f"选项 --config-file 给出的“{config_file}”不存在。", exit_code=2)
    try:
        return read_site_config(config_file, **overrides)
    except SettingsError as failure:
        raise Problem(str(failure)) from None


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
