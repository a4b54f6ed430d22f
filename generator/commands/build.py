"""``kb build``: check the content, build the site into a staging folder, then swap it in."""

from __future__ import annotations

import logging
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.errors import ContentErrors
from generator.plugin import kb_plugin
from generator.progress import Progress
from generator.publish import keep_unchanged, replace_site, staging_dir, unsafe_target

log = logging.getLogger("mkdocs.plugins.kb")


class BuildFailed(Exception):
    """The build stopped; the message says why, in Chinese, and the old site is untouched."""


@dataclass(frozen=True)
class BuildSummary:
    site_dir: Path
    entries: int
    pages: int
    warnings: int
    unchanged: int
    """Files identical to the previous build's, left in place."""
    seconds: float

    def describe(self) -> str:
        return (
            f"生成完毕：{self.entries} 个条目，{self.pages} 个页面，{self.warnings} 个警告，"
            f"用时 {self.seconds:.1f} 秒（{self.unchanged} 个文件与上次相同，未改动）。"
            f"网站在 {self.site_dir}"
        )


def build_site(
    config_file: Path,
    *,
    site_dir: Path | None = None,
    strict: bool = False,
    offline: bool = False,
    live: bool = False,
) -> BuildSummary:
    """Build the site of ``config_file``; raise :class:`BuildFailed` and keep the old site on failure.

    ``offline`` links pages as ``.html`` files so the folder works opened from disk;
    ``live`` draws progress counters on standard error (a terminal).
    """
    started = time.monotonic()
    overrides: dict[str, Any] = {"use_directory_urls": False} if offline else {}
    try:
        config = load_config(str(config_file), strict=strict, **overrides)
    except MkDocsException as failure:
        raise BuildFailed(f"配置文件 {config_file} 有误，未生成网站：{failure}") from None
    final = (site_dir or Path(config.site_dir)).resolve()
    unsafe = unsafe_target(
        final, project=config_file.resolve().parent, content=Path(config.docs_dir).resolve()
    )
    if unsafe:
        raise BuildFailed(f"{unsafe}\n未生成网站。请用 -d 另选一个目录，例如项目里的 site。")
    staging = staging_dir(final)
    shutil.rmtree(staging, ignore_errors=True)
    config.site_dir = str(staging)
    plugin = kb_plugin(config)
    plugin.progress = Progress(log, live=sys.stderr if live else None)
    plugin.raise_content_errors = True
    warnings = _WarningCounter()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        mkdocs_build(config)
    except ContentErrors as problems:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(
            f"{problems.report()}\n内容有错误，未生成网站，原有网站保持不变。"
        ) from None
    except MkDocsException as failure:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(f"生成失败，原有网站保持不变：{failure}") from None
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    unchanged = keep_unchanged(staging, final)
    try:
        replace_site(staging, final)
    except OSError as failure:
        raise BuildFailed(
            f"新网站已生成在 {staging}，但无法放到 {final}（{failure.strerror}）；"
            "原有网站保持不变。请关闭正在使用网站目录的程序后重试。"
        ) from None
    site = plugin.site
    return BuildSummary(
        site_dir=final,
        entries=len(site.index.project.entries) if site else 0,
        pages=len(site.pages) if site else 0,
        warnings=warnings.count,
        unchanged=unchanged,
        seconds=time.monotonic() - started,
    )


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
