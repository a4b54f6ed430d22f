"""The one setting of ``mkdocs.yml`` that commands which do not build need: where the
content is (``docs_dir``). Read here without the builder, so that ``kb check``, ``kb new``
and ``kb import`` start in a moment; told in the same words the build uses when it cannot
be read (a YAML mistake at its line, a content folder that is a file or leaves the project).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from generator.content_files import content_link_refusal
from generator.syntax import LineIndex, explain_syntax_error

DEFAULT_DOCS_DIR = "docs"
"""The builder's own default, for a ``mkdocs.yml`` that names no content folder."""


class SettingsError(Exception):
    """``mkdocs.yml`` cannot be used; the message says why, in Chinese."""


class _Tolerant(yaml.SafeLoader):
    """Reads the builder's settings file, whose ``!!python/name:`` and ``!ENV`` tags name
    things of the builder's own: their values are not needed here."""


def _anything(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_Tolerant.add_multi_constructor("", _anything)


def syntax_message(failure: yaml.YAMLError, config_file: Path) -> str:
    """A YAML mistake in a settings file, at its line and column, in editors' words."""
    mark = getattr(failure, "problem_mark", None)
    source = Path(mark.name) if mark is not None and os.path.isfile(mark.name) else config_file
    try:
        text = source.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    problem = explain_syntax_error(failure, LineIndex(text), path=source.as_posix()).error
    return f"第 {problem.line} 行第 {problem.column} 列，{problem.message}。{problem.hint}"


def content_dir_of(config_file: Path) -> Path:
    """The content folder ``config_file`` names, as the build reads it."""
    try:
        settings = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Tolerant)
    except yaml.YAMLError as failure:
        raise SettingsError(syntax_message(failure, config_file)) from None
    except (OSError, UnicodeDecodeError) as failure:
        raise SettingsError(f"无法读取 {config_file}（{failure}）。") from None
    docs = settings.get("docs_dir") if isinstance(settings, dict) else None
    root = config_file.parent
    content = root / str(docs or DEFAULT_DOCS_DIR)
    if content.exists() and not content.is_dir():
        raise SettingsError(
            f"内容目录 {content} 是一个文件，不是文件夹。"
            "请把这个文件改名或移走，内容应放在名为 content 的文件夹里。"
        )
    refusal = content_link_refusal(content, root=root)
    if refusal:
        raise SettingsError(refusal)
    return content
