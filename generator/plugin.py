"""The ``kb`` plugin: a plain ``mkdocs build`` or ``mkdocs serve`` builds the knowledge base.

A thin adapter: each hook calls a pipeline stage or a function of the builder
seam (:mod:`generator.builder`), the same ones ``kb build`` calls directly. All of
a build's state is made anew in ``on_config``: MkDocs keeps one plugin object
across builds of a process, and nothing of an earlier build may leak into the next.

MkDocs never sees the content folder: it would publish every file in it as it
is. The content is checked before MkDocs empties the site folder, so bad content
leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.builder import (
    add_site_files,
    add_theme_filters,
    drop_sitemap,
    hide_content,
    offline_error_page,
    options_from_config,
)
from generator.errors import ContentError, ContentErrors
from generator.frame import Framer
from generator.pipeline import (
    BuildOptions,
    CompiledSite,
    compile_site,
    write_pages,
    write_search_index,
)
from generator.progress import Progress
from generator.publish import describe_os_error, site_lock, unsafe_target, write_stamp
from generator.render import render_problems
from generator.search import document_count

log = logging.getLogger("mkdocs.plugins.kb")


class KnowledgeBaseConfig(base.Config):
    templates = c.Optional(c.Dir(exists=True))
    """Folder of the page-body templates; defaults to ``kb/`` inside the theme's ``custom_dir``."""


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self._lock: contextlib.ExitStack | None = None
        self._reset()

    def _reset(self) -> None:
        """Per-build state, set by this build's hooks only."""
        self.options: BuildOptions | None = None
        self.site: CompiledSite | None = None
        self.problems: list[ContentError] = []
        self.progress = Progress(log)
        self.env: Any = None
        self.nav: Navigation | None = None
        self.files: Files | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._release()
        self._reset()
        self.options = options_from_config(
            config,
            # Possible duplicates are warnings for editors and fail a strict build; a plain
            # build saves the seconds they take.
            find_duplicates=self.serving or bool(config.strict),
        )
        hide_content(config)
        if str(self.options.content_dir) not in config.watch:
            config.watch.append(str(self.options.content_dir))  # `mkdocs serve` reloads on edits
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Before MkDocs empties the site folder: bad content or a folder of other files
        # must leave it as it is.
        assert self.options is not None  # set in on_config
        if not self.serving:
            self._guard_site_dir(Path(config.site_dir), self.options)
        try:
            with self.progress.stage("读取并检查内容"):
                self.site = compile_site(self.options)
        except ContentErrors as problems:
            if not self.serving:
                raise PluginError("内容检查未通过：\n" + problems.report()) from None
            # `mkdocs serve` survives a bad edit: every page lists the problems.
            self.problems = problems.errors
            for problem in problems.errors:
                (log.warning if problem.severity == "warning" else log.error)(problem.format())
            return
        self.problems = self.site.index.project.warnings
        for warning in self.problems:
            log.warning(warning.format())  # --strict fails on these, as on any warning

    # Before other plugins see the file list, so they find the navigation's pages.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.options is not None  # set in on_config
        planned = {page.src_uri for page in self.site.pages} if self.site else set()
        return add_site_files(files, config, planned=planned, root=self.options.root)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.env, self.files = add_theme_filters(env), files
        return env

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._banner() + html

    def on_template_context(
        self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        return offline_error_page(context, template_name=template_name, config=config)

    # Ahead of other plugins' post-build steps, so any that work on the finished site
    # folder (archiving it, for one) find every page in it.
    @event_priority(50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        drop_sitemap(site_dir)
        if self.site is not None and self.options is not None:
            assert self.nav is not None and self.files is not None  # set by this build
            frame = Framer(config, self.env, self.nav, self.files)
            with self.progress.stage("生成页面", total=len(self.site.pages)) as stage:
                write_pages(
                    self.site,
                    frame,
                    site_dir=site_dir,
                    banner=self._banner(),
                    workers=self.options.workers,
                    on_progress=stage.advance,
                )
            documents = document_count(self.site.index)
            with self.progress.stage("建立检索索引", total=documents) as stage:
                write_search_index(
                    self.site.index,
                    site_dir=site_dir,
                    directory_urls=self.options.directory_urls,
                    workers=self.options.workers,
                    on_progress=stage.advance,
                )
            if not self.serving:
                write_stamp(site_dir)
        self._release()

    def on_build_error(self, *, error: Exception) -> None:
        self._release()

    def on_shutdown(self) -> None:
        self._release()

    def _guard_site_dir(self, site_dir: Path, options: BuildOptions) -> None:
        """Refuse a site folder this tool did not build; hold its lock until the build ends."""
        final = site_dir.absolute()
        unsafe = unsafe_target(
            final, project=options.root.resolve(), content=options.content_dir.resolve()
        )
        if unsafe:
            raise PluginError(f"{unsafe}\n未生成网站。")
        self._lock = contextlib.ExitStack()
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            self._lock.enter_context(
                site_lock(
                    final, on_wait=lambda: log.info("另一个生成正在写入 %s，等待它结束……", final)
                )
            )
        except OSError as failure:
            self._lock = None
            raise PluginError(describe_os_error(failure, where=final.parent)) from None

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _banner(self) -> str:
        if self.serving and self.problems and self.options is not None:
            return render_problems(
                self.options.template_dir, self.problems, kept_previous=self.site is not None
            )
        return ""
