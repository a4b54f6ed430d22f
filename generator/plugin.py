"""MkDocs adapter: hands the pipeline's pages to MkDocs and writes them into its site.

MkDocs itself builds only what it is good at: the theme's assets, the pages
listed in the navigation and the editors' guide (Markdown). Every page of the
knowledge base is rendered by the pipeline and framed with the theme's
``main.html`` in :mod:`generator.frame`, after MkDocs has built the rest.

MkDocs never sees the content folder: it would publish every file in it as it
is (a note, an HTML page with scripts, whatever a link points at). The plugin
reads the content itself and gives MkDocs an empty folder of its own instead.
The content is checked before MkDocs empties the site folder, so bad content
leaves the previous site as it was.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.docs import GUIDE_FILE
from generator.errors import ContentError, ContentErrors
from generator.frame import Framer, write_site_pages
from generator.load import ContentCache
from generator.pipeline import CompiledSite, compile_site
from generator.progress import Progress
from generator.publish import describe_os_error, site_lock, unsafe_target, write_stamp
from generator.render import render_problems
from generator.search_index import DocTokens, SearchDoc, build_search_index
from generator.segment import read_search_terms, register_search_terms
from generator.workers import worker_count
from generator.write import write_if_changed

log = logging.getLogger("mkdocs.plugins.kb")

GUIDE_PAGE = "guide.md"
_UNUSED_THEME_FILES = ("assets/javascripts/lunr/", "assets/javascripts/workers/search")
"""Material's own search engine; the header uses the knowledge base's search instead."""


class KnowledgeBaseConfig(base.Config):
    templates = c.Optional(c.Dir(exists=True))
    """Folder of the page-body templates; defaults to ``kb/`` inside the theme's ``custom_dir``."""


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.site: CompiledSite | None = None
        """The last site compiled without errors; a preview keeps showing it while content is broken."""
        self.problems: list[ContentError] = []
        self.progress = Progress(log)
        """How stages report; ``kb build`` swaps in a display suited to its terminal."""
        self.workers = worker_count()
        self.content_cache: ContentCache | None = None
        """Given by the preview, so its first update after this build starts warm."""
        self.token_cache: dict[SearchDoc, DocTokens] | None = None
        """Given by the preview: the search tokens of entries, kept between updates."""
        self.banner_in_pages = True
        """Under ``mkdocs serve`` problems are written into pages; ``kb serve`` adds them as served."""
        self.raise_content_errors = False
        """``kb build`` reports content errors itself, so they pass through MkDocs untouched."""
        self.manages_site_dir = False
        """``kb build`` stages, locks and checks the site folder itself; plain ``mkdocs build``
        leaves that to the plugin."""
        self._empty_docs: Path | None = None
        self._lock: contextlib.ExitStack | None = None
        self.framer: Framer | None = None
        """After a build: what it takes to re-render single pages (used by the preview)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).parent
        if Path(config.docs_dir) != self._empty_docs:
            self.content_dir = Path(config.docs_dir)
        # MkDocs publishes every file of its docs folder as it is; it gets an empty one,
        # the same for every build of this process.
        if self._empty_docs is None or not self._empty_docs.is_dir():
            self._empty_docs = Path(tempfile.mkdtemp(prefix="kb-docs-"))
            atexit.register(shutil.rmtree, self._empty_docs, True)
        config.docs_dir = str(self._empty_docs)
        if str(self.content_dir) not in config.watch:
            config.watch.append(str(self.content_dir))  # `mkdocs serve` still reloads on edits
        if self.config.templates:
            self.template_dir = Path(self.config.templates)
        elif config.theme.custom_dir:
            self.template_dir = Path(config.theme.custom_dir) / "kb"
        else:
            raise PluginError(
                "kb 插件需要在 theme.custom_dir 中提供 kb/ 模板目录，或设置 templates。"
            )
        # The search index segments text; the project's terms must be known before any entry.
        register_search_terms(read_search_terms(self.content_dir))
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Before MkDocs empties the site folder: bad content or a folder of other files
        # must leave it as it is.
        if not self.manages_site_dir and not self.serving:
            self._guard_site_dir(Path(config.site_dir))
        self._compile(config)

    # Runs before other plugins see the file list, so they find the navigation's pages.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for file in list(files):
            if file.src_uri.startswith(_UNUSED_THEME_FILES):
                files.remove(file)
        planned = {page.src_uri for page in self.site.pages} if self.site else set()
        # Only the navigation's pages become MkDocs files; the rest are written after the
        # build, so MkDocs never walks thousands of entry pages.
        for src_uri in sorted(_nav_sources(config.nav) & planned):
            self._add(files, File.generated(config, src_uri, content=""))
        guide = self.root / GUIDE_FILE
        if guide.is_file():
            self._add(files, File.generated(config, GUIDE_PAGE, abs_src_path=str(guide)))
        if self.site is None:
            # A preview started on broken content: every page of the navigation exists
            # and lists the problems, so no link leads to an error page.
            for src_uri in sorted(_nav_sources(config.nav) | {"index.md"}):
                if files.get_file_from_path(src_uri) is not None:
                    continue  # the guide, built from its own file
                self._add(
                    files, File.generated(config, src_uri, content="---\ntitle: 内容有错误\n---\n")
                )
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.env = env
        self.files = files
        return env

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._banner() + html

    # Ahead of other plugins' post-build steps, so any that work on the finished site
    # folder (archiving it, for one) find every page in it.
    @event_priority(50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # MkDocs's sitemap lists only the pages it built itself, so it would leave out
        # every entry; and its compressed copy is stamped with the build time.
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (Path(config.site_dir) / name).unlink(missing_ok=True)
        if self.site is None:
            return
        self.framer = Framer(config, self.env, self.nav, self.files)
        started = time.monotonic()
        total = len(self.site.pages)
        total_entries = len(self.site.index.project.entries)
        with self.progress.stage("生成页面", total=total) as stage:
            changed = write_site_pages(
                self.site,
                self.framer,
                site_dir=Path(config.site_dir),
                banner=self._banner(),
                workers=self.workers,
                on_progress=stage.advance,
            )
        log.debug("%d of %d pages written in %.2fs", changed, total, time.monotonic() - started)
        with self.progress.stage("建立检索索引", total=total_entries) as stage:
            site_dir = Path(config.site_dir)
            build_search_index(
                self.site.index,
                directory_urls=config.use_directory_urls,
                emit=lambda path, data: write_if_changed(site_dir / path, data),
                workers=self.workers,
                on_progress=stage.advance,
                token_cache=self.token_cache,
            )
        if not self.serving:
            write_stamp(Path(config.site_dir))
        self._release()

    def on_build_error(self, *, error: Exception) -> None:
        self._release()

    def on_shutdown(self) -> None:
        self._release()

    def _guard_site_dir(self, site_dir: Path) -> None:
        """Refuse a site folder this tool did not build; hold its lock until the build ends."""
        final = Path(site_dir).absolute()
        unsafe = unsafe_target(
            final, project=self.root.resolve(), content=self.content_dir.resolve()
        )
        if unsafe:
            raise PluginError(f"{unsafe}\n未生成网站。")
        self._release()
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
        if self.serving and self.problems and self.banner_in_pages:
            return render_problems(
                self.template_dir, self.problems, kept_previous=self.site is not None
            )
        return ""

    def _compile(self, config: MkDocsConfig) -> None:
        try:
            with self.progress.stage("读取并检查内容"):
                self.site = compile_site(
                    self.content_dir,
                    self.template_dir,
                    root=self.root,
                    directory_urls=config.use_directory_urls,
                    workers=self.workers,
                    # Possible duplicates are warnings for editors (kb check, the preview) and
                    # fail a strict build; a plain build saves the seconds they take.
                    find_duplicates=self.serving or bool(config.strict),
                    cache=self.content_cache,
                )
        except ContentErrors as problems:
            if self.raise_content_errors:
                raise
            if not self.serving:
                raise PluginError("内容检查未通过：\n" + problems.report()) from None
            # A preview must survive a bad edit: report, keep the last good pages.
            self.problems = problems.errors
            for problem in problems.errors:
                (log.warning if problem.severity == "warning" else log.error)(problem.format())
            shown = "预览仍显示上一次正确的内容" if self.site is not None else "预览中暂时没有页面"
            log.error("内容有错误，%s；改正后会自动刷新。", shown)
            return
        self.problems = self.site.index.project.warnings
        for warning in self.problems:
            log.warning(warning.format())  # --strict fails on these, as on any warning
        self.progress.note(
            f"知识库：{len(self.site.index.project.entries)} 个条目，{len(self.site.pages)} 个页面。"
        )

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            log.warning("内容目录中的 %s 与生成的页面同名，已被生成的页面替代。", file.src_uri)
            files.remove(existing)
        files.append(file)


def _nav_sources(nav: Any) -> set[str]:
    """Every page source named in the ``nav`` setting."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_nav_sources(v) for v in nav.values())) if nav else set()
    if isinstance(nav, list):
        return set().union(*(_nav_sources(v) for v in nav)) if nav else set()
    return set()


def kb_plugin(config: MkDocsConfig) -> KnowledgeBasePlugin:
    """The knowledge-base plugin of a loaded configuration (``kb`` under ``plugins``)."""
    plugin = config.plugins.get("kb")
    if not isinstance(plugin, KnowledgeBasePlugin):
        raise PluginError("mkdocs.yml 的 plugins 中没有启用 kb 插件。")
    return plugin
