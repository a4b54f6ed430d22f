"""``kb build``: check the content, build the site into a staging folder, then swap it in."""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.builder import BuilderError, build_theme, options_from_config
from generator.commands import load_project_config
from generator.errors import ContentErrors
from generator.pipeline import BuildOptions, CompiledSite, compile_site, write_site
from generator.progress import Progress
from generator.publish import WAITING, PublishError, SiteTarget, describe_os_error
from generator.report import count_phrase
from generator.runs import WarningCounter, log


class BuildFailed(Exception):
    """The build stopped; the message says why, in Chinese, and the old site is untouched."""


@dataclass(frozen=True)
class BuildSummary:
    site_dir: Path
    entries: int
    packs: int
    pages: int
    warnings: int
    unchanged: int
    """Files identical to the previous build's, left in place."""
    seconds: float

    def describe(self) -> str:
        return (
            f"生成完毕：{count_phrase(self.entries, self.packs)}，{self.pages} 个页面，"
            f"{self.warnings} 个警告，"
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
    options = options_from_config(config, find_duplicates=strict)
    progress = Progress(log, live=sys.stderr if live else None)
    with WarningCounter().counting() as warnings:
        site = _compile(options, progress, strict=strict)
        # The site lives until the end: the garbage collector need not scan it again, and
        # forked workers then share its memory instead of copying what a scan touches.
        gc.freeze()
        final = Path(os.path.abspath(site_dir or config.site_dir))
        unchanged = _publish(site, config, options, progress, final=final)
    return BuildSummary(
        site_dir=final,
        entries=len(site.index.project.entries),
        packs=len(site.index.project.packs),
        pages=len(site.pages),
        warnings=warnings.count,
        unchanged=unchanged,
        seconds=time.monotonic() - started,
    )


def _compile(options: BuildOptions, progress: Progress, *, strict: bool) -> CompiledSite:
    """The checked content, ready to write; nothing on disk is touched yet."""
    try:
        with progress.stage("读取并检查内容"):
            site = compile_site(options)
    except ContentErrors as problems:
        raise BuildFailed(
            f"{problems.report()}\n内容有错误，未生成网站，原有网站保持不变。"
        ) from None
    warnings = site.index.project.warnings
    for warning in warnings:
        log.warning(warning.format())
    if strict and warnings:
        raise BuildFailed(
            f"严格模式：内容检查有 {len(warnings)} 个警告（见上文），未生成网站，原有网站保持不变。"
        )
    project = site.index.project
    counted = count_phrase(len(project.entries), len(project.packs))
    progress.note(f"知识库：{counted}，{len(site.pages)} 个页面。")
    return site


def _publish(
    site: CompiledSite, config: Any, options: BuildOptions, progress: Progress, *, final: Path
) -> int:
    """Write the site beside ``final`` and swap it in; return how many files stayed as they were."""
    target = SiteTarget(
        final,
        project=options.root.resolve(),
        content=options.content_dir.resolve(),
        on_wait=lambda: log.info(WAITING, final),
    )
    try:
        with target as staging:
            try:
                frame = build_theme(
                    config, site_dir=staging, planned={p.src_uri for p in site.pages}
                )
            except BuilderError as failure:
                raise BuildFailed(f"生成失败，原有网站保持不变：{failure}") from None
            write_site(site, frame, site_dir=staging, options=options, progress=progress)
            return target.publish()
    except PublishError as refused:
        raise BuildFailed(
            f"{refused}\n未生成网站。请用 -d 另选一个目录，例如项目里的 site。"
        ) from None
    except OSError as failure:
        kept = "，原有网站保持不变" if os.path.isdir(final) else ""
        raise BuildFailed(
            f"{describe_os_error(failure, where=final.parent)}\n未生成网站{kept}。"
        ) from None
