"""``kb build``: check the content, build the site into a staging folder, then swap it in."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.exceptions import MkDocsException

from generator.commands import load_project_config
from generator.errors import ContentErrors
from generator.plugin import KnowledgeBasePlugin, kb_plugin
from generator.progress import Progress
from generator.publish import (
    clear_leftovers,
    describe_os_error,
    keep_unchanged,
    replace_site,
    site_lock,
    staging_dir,
    unsafe_target,
)

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
    ``live`` draws progress counters on standard error (a terminal). An interruption
    (Ctrl+C, a stop signal) removes the half-built staging folder and goes on as
    ``KeyboardInterrupt``.
    """
    started = time.monotonic()
    overrides: dict[str, Any] = {"use_directory_urls": False} if offline else {}
    config = load_project_config(config_file, strict=strict, **overrides)
    final = Path(os.path.abspath(site_dir or config.site_dir))
    unsafe = unsafe_target(
        final, project=config_file.resolve().parent, content=Path(config.docs_dir).resolve()
    )
    if unsafe:
        raise BuildFailed(f"{unsafe}\n未生成网站。请用 -d 另选一个目录，例如项目里的 site。")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        with site_lock(final, on_wait=lambda: log.warning(_WAITING, final)):
            clear_leftovers(final)  # what a killed build left; no other build is running now
            unsafe = unsafe_target(  # checked again: another build may have just finished
                final, project=config_file.resolve().parent, content=Path(config.docs_dir).resolve()
            )
            if unsafe:
                raise BuildFailed(f"{unsafe}\n未生成网站。")
            staging = staging_dir(final)
            try:
                plugin, warnings = _build_into(staging, config, live=live)
                unchanged = keep_unchanged(staging, final)
                replace_site(staging, final)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as failure:
        kept = "，原有网站保持不变" if final.is_dir() else ""
        raise BuildFailed(
            f"{describe_os_error(failure, where=final.parent)}\n未生成网站{kept}。"
        ) from None
    site = plugin.site
    return BuildSummary(
        site_dir=final,
        entries=len(site.index.project.entries) if site else 0,
        pages=len(site.pages) if site else 0,
        warnings=warnings,
        unchanged=unchanged,
        seconds=time.monotonic() - started,
    )


_WAITING = "另一个生成正在写入 %s，等它结束后再继续……"


def _build_into(staging: Path, config: Any, *, live: bool) -> tuple[KnowledgeBasePlugin, int]:
    """Run MkDocs into ``staging``; return the plugin and how many warnings were logged."""
    config.site_dir = str(staging)
    plugin = kb_plugin(config)
    plugin.progress = Progress(log, live=sys.stderr if live else None)
    plugin.raise_content_errors = True
    plugin.manages_site_dir = True
    warnings = _WarningCounter()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        mkdocs_build(config)
    except ContentErrors as problems:
        raise BuildFailed(
            f"{problems.report()}\n内容有错误，未生成网站，原有网站保持不变。"
        ) from None
    except OSError:
        raise
    except MkDocsException as failure:
        raise BuildFailed(f"生成失败，原有网站保持不变：{failure}") from None
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    return plugin, warnings.count


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
