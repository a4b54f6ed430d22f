"""The ``kb`` plugin: a plain ``mkdocs build`` or ``mkdocs serve`` builds the knowledge base.

A thin adapter: each hook calls a pipeline stage or a function of the builder
seam (:mod:`generator.builder`), the same ones ``kb build`` calls directly. All of
a build's state is made anew in ``on_config``: MkDocs keeps one plugin object
across builds of a process, and nothing of an earlier build may leak into the next.

MkDocs never sees the content folder: it would publish every file in it as it
is. A build writes into a staging folder beside the site folder, as ``kb build``
does, under the same lock and stamp (:mod:`generator.publish`); only a finished
build replaces the old site, as the very last step. Bad content, a full disk, a
strict build's warnings or an interruption leave the previous site as it was.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.builder import (
    ConfigWording,
    add_site_files,
    add_theme_filters,
    drop_sitemap,
    error_page_links,
    hide_content,
    options_from_config,
)
from generator.commands import stop_signals_interrupt
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
from generator.publish import (
    clear_leftovers,
    describe_os_error,
    keep_unchanged,
    make_staging,
    replace_site,
    site_lock,
    unsafe_target,
    write_stamp,
)
from generator.render import render_problems
from generator.search import document_count

log = logging.getLogger("mkdocs.plugins.kb")


class KnowledgeBaseConfig(base.Config):
    templates = c.Optional(c.Dir(exists=True))
    """Folder of the page-body templates; defaults to ``kb/`` inside the theme's ``custom_dir``."""


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        # Loaded while MkDocs still checks the settings, so its complaint about the site
        # folder can be worded in Chinese (no hook runs before that check).
        ConfigWording.install()
        self.serving = False
        self._lock: contextlib.ExitStack | None = None
        self._config: MkDocsConfig | None = None
        """The configuration whose ``site_dir`` points at the staging folder, while it does."""
        self._final: Path | None = None
        """The site folder, while the build writes into a staging folder beside it."""
        self._staging: Path | None = None
        self._warnings = _WarningCounter()
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
        self._warnings.count = 0
        logging.getLogger("mkdocs").addHandler(self._warnings)  # a strict build fails on these
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
            self._stage(config, self.options)
        try:
            with self.progress.stage("读取并检查内容"):
                self.site = compile_site(self.options)
        except ContentErrors as problems:
            if not self.serving:
                # Said in Chinese and ended there: a PluginError would add MkDocs's English
                # "Aborted with a BuildError!".
                log.error("内容检查未通过：\n" + problems.report())
                raise Abort("未生成网站，原有网站保持不变。") from None
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
        return error_page_links(context, template_name=template_name, config=config)

    # Ahead of other plugins' post-build steps, so any that work on the finished site
    # folder (archiving it, for one) find every page in it.
    @event_priority(50)
    def _write_site(self, *, config: MkDocsConfig) -> None:
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

    # After every other plugin's post-build step: they may still add files to the site.
    @event_priority(-100)
    def _publish_site(self, *, config: MkDocsConfig) -> None:
        if self._staging is not None and self._final is not None:
            if config.strict and self._warnings.count:
                return  # MkDocs fails the build next; on_build_error removes the staging folder
            write_stamp(self._staging)
            keep_unchanged(self._staging, self._final)
            replace_site(self._staging, self._final)
            self._staging = None
        self._release()

    on_post_build = CombinedEvent(_write_site, _publish_site)

    # After other plugins' own clean-up: a disk error ends the build here, in Chinese.
    @event_priority(-100)
    def on_build_error(self, *, error: Exception) -> None:
        final, staged = self._final, self._staging is not None
        self._release()
        if isinstance(error, OSError) and staged and final is not None:
            kept = "，原有网站保持不变" if os.path.isdir(final) else ""
            log.error(describe_os_error(error, where=final.parent))
            raise Abort(f"未生成网站{kept}。") from None

    def on_shutdown(self) -> None:
        interrupted = self._staging is not None  # Ctrl+C or a stop signal skips on_build_error
        self._release()
        if interrupted:
            raise Abort("已中断，未生成网站，原有网站保持不变。") from None

    def _stage(self, config: MkDocsConfig, options: BuildOptions) -> None:
        """Refuse a site folder this tool did not build; else hold its lock and have MkDocs
        write into a staging folder beside it, until the build ends."""
        final = Path(config.site_dir).absolute()
        project, content = options.root.resolve(), options.content_dir.resolve()
        self._lock = contextlib.ExitStack()
        try:
            unsafe = unsafe_target(final, project=project, content=content)
            if unsafe:
                raise PluginError(f"{unsafe}\n未生成网站。")
            final.parent.mkdir(parents=True, exist_ok=True)
            if threading.current_thread() is threading.main_thread():  # signals reach only it
                self._lock.enter_context(stop_signals_interrupt())
            self._lock.enter_context(site_lock(final, on_wait=lambda: log.info(_WAITING, final)))
            clear_leftovers(final)  # what a killed build left; no other build is running now
            unsafe = unsafe_target(final, project=project, content=content)  # another may be done
            if unsafe:
                raise PluginError(f"{unsafe}\n未生成网站。")
            self._staging = make_staging(final)
        except OSError as failure:
            self._release()
            raise PluginError(describe_os_error(failure, where=final.parent)) from None
        except BaseException:
            self._release()
            raise
        self._config, self._final = config, final
        config.site_dir = str(self._staging)

    def _release(self) -> None:
        """End this build's hold on the site folder; a staging folder still there goes."""
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
        if self._config is not None and self._final is not None:
            self._config.site_dir = str(self._final)  # whoever built it finds the site there
        self._config = self._final = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _banner(self) -> str:
        if self.serving and self.problems and self.options is not None:
            return render_problems(
                self.options.template_dir, self.problems, kept_previous=self.site is not None
            )
        return ""


_WAITING = "另一个生成正在写入 %s，等待它结束……"


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
