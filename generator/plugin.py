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
import threading
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from generator.builder import (
    ConfigWording,
    ThemeHooks,
    drop_sitemap,
    hide_content,
    options_from_config,
    skip_unpublished_theme_folders,
)
from generator.errors import ContentError, ContentErrors
from generator.pipeline import BuildOptions, CompiledSite, compile_site, write_site
from generator.progress import Progress
from generator.publish import WAITING, PublishError, SiteTarget, describe_os_error
from generator.render import render_problems
from generator.runs import WarningCounter, log, stop_signals_interrupt


class KnowledgeBaseConfig(base.Config):
    templates = c.Optional(c.Dir(exists=True))
    """Folder of the page-body templates; defaults to ``kb/`` inside the theme's ``custom_dir``."""


class KnowledgeBasePlugin(ThemeHooks, BasePlugin[KnowledgeBaseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        # Loaded while MkDocs still checks the settings, so its complaint about the site
        # folder can be worded in Chinese (no hook runs before that check).
        ConfigWording.install()
        self.serving = False
        self._signals: contextlib.ExitStack | None = None
        self._config: MkDocsConfig | None = None
        """The configuration whose ``site_dir`` points at the staging folder, while it does."""
        self._target: SiteTarget | None = None
        """The site folder, while the build writes into a staging folder beside it."""
        self._warnings = WarningCounter()
        self._reset()

    def _reset(self) -> None:
        """Per-build state, set by this build's hooks only."""
        self.options: BuildOptions | None = None
        self.site: CompiledSite | None = None
        self.problems: list[ContentError] = []
        self._stopped = False
        """Whether Ctrl+C or a stop signal ended the build before its site was published."""
        self.progress = Progress(log)
        self.env = None
        self.nav = None
        self.files = None

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
        skip_unpublished_theme_folders(config)
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

    def planned(self) -> set[str]:
        return {page.src_uri for page in self.site.pages} if self.site else set()

    def project_root(self) -> Path:
        assert self.options is not None  # set in on_config
        return self.options.root

    # Ahead of other plugins' post-build steps, so any that work on the finished site
    # folder (archiving it, for one) find every page in it.
    @event_priority(50)
    def _write_site(self, *, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        drop_sitemap(site_dir)
        if self.site is not None and self.options is not None:
            write_site(
                self.site,
                self.framer(config),
                site_dir=site_dir,
                options=self.options,
                progress=self.progress,
                banner=self.banner(),
            )

    # After every other plugin's post-build step: they may still add files to the site.
    @event_priority(-100)
    def _publish_site(self, *, config: MkDocsConfig) -> None:
        if self._target is not None and self._target.staging is not None:
            if config.strict and self._warnings.count:
                return  # MkDocs fails the build next; on_build_error removes the staging folder
            self._target.publish()
        self._release()

    on_post_build = CombinedEvent(_write_site, _publish_site)

    # After other plugins' own clean-up: a disk error ends the build here, in Chinese.
    @event_priority(-100)
    def on_build_error(self, *, error: Exception) -> None:
        final = self._target.final if self._target else None
        staged = self._target is not None and self._target.staging is not None
        self._release()
        if isinstance(error, OSError) and staged and final is not None:
            kept = "，原有网站保持不变" if os.path.isdir(final) else ""
            log.error(describe_os_error(error, where=final.parent))
            raise Abort(f"未生成网站{kept}。") from None

    def on_shutdown(self) -> None:
        # Ctrl+C or a stop signal skips on_build_error
        interrupted = self._stopped or (
            self._target is not None and self._target.staging is not None
        )
        self._release()
        if interrupted:
            raise Abort("已中断，未生成网站，原有网站保持不变。") from None

    def _stage(self, config: MkDocsConfig, options: BuildOptions) -> None:
        """Refuse a site folder this tool did not build; else hold its lock and have MkDocs
        write into a staging folder beside it, until the build ends."""
        final = Path(config.site_dir).absolute()
        self._signals = contextlib.ExitStack()
        if threading.current_thread() is threading.main_thread():  # signals reach only it
            self._signals.enter_context(stop_signals_interrupt())
        self._target = SiteTarget(
            final,
            project=options.root.resolve(),
            content=options.content_dir.resolve(),
            on_wait=lambda: log.info(WAITING, final),
        )
        try:
            staging = self._target.open()
        except PublishError as refused:
            self._release()
            raise PluginError(
                f"{refused}\n未生成网站。请用 -d 另选一个目录，例如项目里的 site。"
            ) from None
        except OSError as failure:
            self._release()
            raise PluginError(describe_os_error(failure, where=final.parent)) from None
        except BaseException as stopped:
            # A stop while the staging folder was being made: nothing is left to tell
            # on_shutdown of it but this.
            self._stopped = isinstance(stopped, KeyboardInterrupt)
            self._release()
            raise
        self._config = config
        config.site_dir = str(staging)

    def _release(self) -> None:
        """End this build's hold on the site folder; a staging folder still there goes."""
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        if self._target is not None:
            self._target.close()
            if self._config is not None:
                self._config.site_dir = str(self._target.final)  # whoever built it finds it there
        self._config = self._target = None
        if self._signals is not None:
            self._signals.close()
            self._signals = None

    def banner(self) -> str:
        if self.serving and self.problems and self.options is not None:
            return render_problems(
                self.options.template_dir, self.problems, kept_previous=self.site is not None
            )
        return ""
