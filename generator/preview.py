"""The live preview: a built site kept current as files change, one edit at a time.

The first build is a normal MkDocs build. After that, an edit to content only
re-reads the changed file, re-validates, re-indexes (all fast), and re-renders
just the pages whose inputs changed (see :mod:`generator.incremental`); the
search index is rebuilt from cached tokens, and only changed files are written.
An edit to the theme, the configuration or the editors' guide rebuilds
everything. Content with errors keeps the last good pages, also when the edit
called for a full rebuild (which is then redone with the next edit); the errors
are shown above every page as it is served, so showing them costs no rebuild.
A content folder deleted or moved away is such an error, until it is back.
"""

from __future__ import annotations

import gc
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.builder import (
    BuilderError,
    build_theme,
    load_site_config,
    options_from_config,
    theme_dir,
)
from generator.check import CheckCache
from generator.content_files import shown_folder
from generator.docs import GUIDE_FILE
from generator.errors import ContentError, ContentErrors
from generator.form.data import LiveFormData
from generator.incremental import Dependencies
from generator.pipeline import CompiledSite, compile_site, project_segmenter, write_pages
from generator.reads import ReadValues
from generator.render import Fragments, Routes, page_dest, render_problems
from generator.runs import log
from generator.search.live import LiveSearchIndex
from generator.segment import SEARCH_TERMS_FILE
from generator.write import write_if_changed


@dataclass
class Outcome:
    """What one update did."""

    pages: int = 0
    """Pages written because their bytes changed."""
    full: bool = False
    """Whether everything was rebuilt."""
    problems: list[ContentError] = field(default_factory=list)
    seconds: float = 0.0


class Preview:
    """A site in ``site_dir`` built from ``config_file``, updated file change by file change."""

    def __init__(self, config_file: Path, base_dir: Path) -> None:
        self.config_file = config_file.resolve()
        self.base_dir = base_dir
        """A folder of the preview's own; each full build gets a new site folder inside."""
        self.site_dir = base_dir / "site-0"
        """The site being served."""
        self._builds = 0
        self.version = 0
        """Goes up whenever the site or its problems change; browsers poll it to reload."""
        self.problems: list[ContentError] = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self._cache = CheckCache()
        self._search: LiveSearchIndex | None = None
        self._form: LiveFormData | None = None
        """What the editors' form compares an entry with, kept current like the search index."""
        """The search index, kept current by writing only what each edit changed."""
        self._pages = Dependencies()
        """What each page was rendered from, to tell which pages an edit touches."""
        self._site: CompiledSite | None = None
        self._rebuild_pending = False
        """A full build failed on content errors and kept the old pages; the next update redoes it."""
        self.search_ready = threading.Event()
        """Cleared while the search index is rewritten: a page reloaded meanwhile must not
        mix the old index with the new one, so requests for it wait (see :mod:`serve`)."""
        self.search_ready.set()

    @property
    def full_builds(self) -> int:
        """Full builds so far: the theme's files can change only with one."""
        return self._builds

    # --- building ---------------------------------------------------------------------

    def build(self) -> Outcome:
        """Build everything: content, theme, pages and search, into a fresh folder.

        The build goes to a new folder that replaces the served one when done, so a
        reader never meets a half-built site. Content errors keep the last good pages.
        """
        started = time.monotonic()
        # Served at the top of a local address whatever the address it is hosted at: pages
        # written for a site_url of "…/kb/" would link to /kb/ on the preview server.
        config = load_site_config(self.config_file, site_url="")
        options = options_from_config(config, find_duplicates=True)
        self.options = options
        self.root = options.root
        self.content_dir = options.content_dir
        self.template_dir = options.template_dir
        self.watched_theme = theme_dir(config)
        self._cache = CheckCache()
        self._fragments = Fragments()
        site: CompiledSite | None = None
        try:
            compiled = compile_site(options, cache=self._cache, fragments=self._fragments)
        except ContentErrors as problems:
            for problem in problems.errors:
                (log.warning if problem.severity == "warning" else log.error)(problem.format())
            if self._site is not None:
                # Keep serving the last good pages, with the errors above them.
                log.error("内容有错误，预览仍显示上一次正确的内容；改正后会自动刷新。")
                self._rebuild_pending = True
                self._publish(problems.errors)
                return Outcome(
                    full=True, problems=self.problems, seconds=time.monotonic() - started
                )
            log.error("内容有错误，预览中暂时没有页面；改正后会自动刷新。")
            problems_found = problems.errors
        else:
            site = compiled
            problems_found = compiled.index.project.warnings
            for warning in problems_found:
                log.warning(warning.format())
        self._builds += 1
        target = self.base_dir / f"site-{self._builds}"
        planned = {page.src_uri for page in site.pages} if site else set()
        self.framer = build_theme(config, site_dir=target, planned=planned)
        self._pages = Dependencies()
        if site is not None:
            self._write(site, target)
        self._rebuild_pending = False
        previous, self.site_dir = self.site_dir, target
        if previous != target:
            shutil.rmtree(previous, ignore_errors=True)
        self._site = site
        self._publish(problems_found)
        # What this build keeps lives until the next one: frozen, it is not scanned again. What
        # the last build froze is thawed first, or the collector could never free it.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        return Outcome(full=True, problems=self.problems, seconds=time.monotonic() - started)

    def _write(self, site: CompiledSite, target: Path) -> None:
        """Write a full build's pages into ``target``, noting what each read, and start the
        search index and the form's data that later edits keep current."""
        workers = self.options.workers
        # Listing pages in this process, so that the list items they rendered are kept for
        # the next edit; entry pages, most of the site, in worker processes.
        listings = [page for page in site.pages if page.context.entry is None]
        entries = [page for page in site.pages if page.context.entry is not None]
        written = write_pages(site, self.framer, site_dir=target, pages=listings)
        written += write_pages(site, self.framer, site_dir=target, pages=entries, workers=workers)
        values = ReadValues(site.index)
        for page, done in zip(listings + entries, written, strict=True):
            self._pages.record(page, done.reads, values)
        emit = lambda path, data: write_if_changed(target / path, data)  # noqa: E731
        discard = lambda path: (target / path).unlink(missing_ok=True)  # noqa: E731
        self._search = LiveSearchIndex(
            site.index,
            directory_urls=self.options.directory_urls,
            emit=emit,
            discard=discard,
            segmenter=project_segmenter(site.index),
            workers=workers,
        )
        self._form = LiveFormData(site.index, emit=emit, discard=discard, workers=workers)

    def update(self, changed: set[Path]) -> Outcome:
        """Bring the site up to date after ``changed`` files were saved, created or removed."""
        # The cyclic garbage collector would walk the whole site (tens of thousands of
        # objects) several times per update; nothing an update makes is cyclic garbage.
        gc.disable()
        try:
            return self._update(changed)
        finally:
            gc.enable()

    def _update(self, changed: set[Path]) -> Outcome:
        if not self.content_dir.is_dir():
            return self._content_missing()
        content = self.content_dir.resolve()
        only_content = (
            self._site is not None
            and not self._rebuild_pending
            # The folder itself was put back (after a deletion or a move): anything may differ.
            and content not in changed
            # Any file in the content folder: entries, and files the check warns about. The
            # search terms change how every entry is tokenised, so they rebuild everything.
            and all(_inside(path, content) and path.name != SEARCH_TERMS_FILE for path in changed)
        )
        if not only_content:
            log.debug("full rebuild for %s", sorted(map(str, changed)))
            return self.build()
        started = time.monotonic()
        assert self._site is not None
        try:
            site = compile_site(
                self.options,
                cache=self._cache,
                changed=changed,
                environment=self._site.renderer.env,
                previous=self._site.index,
                fragments=self._fragments,
            )
        except ContentErrors as problems:
            self._remove_deleted_entries(changed)
            self._publish(problems.errors)
            return Outcome(problems=self.problems, seconds=time.monotonic() - started)
        written = self._write_pages(site, previous=self._site)
        self._site = site
        # Readers see the new pages first; the search index follows in the same update,
        # and requests for it wait until it is whole again.
        self.search_ready.clear()
        try:
            self._publish(site.index.project.warnings)
            self._write_search_index(site)
        finally:
            self.search_ready.set()
        return Outcome(pages=written, problems=self.problems, seconds=time.monotonic() - started)

    def _write_pages(self, site: CompiledSite, *, previous: CompiledSite) -> int:
        """Render the pages whose plan or reads changed since ``previous`` was rendered;
        remove pages that are gone."""
        values = ReadValues(site.index)
        stale = self._pages.stale(site.pages, values, ReadValues(previous.index))
        written = write_pages(site, self.framer, site_dir=self.site_dir, pages=stale)
        for page, done in zip(stale, written, strict=True):
            self._pages.record(page, done.reads, values)
        planned = {page.src_uri for page in site.pages}
        directory_urls = self.options.directory_urls
        for gone in set(self._pages.plans) - planned:
            (self.site_dir / page_dest(gone, directory_urls=directory_urls)).unlink(missing_ok=True)
            (self.site_dir / Routes.document(gone)).unlink(missing_ok=True)  # its .docx, if any
            self._pages.forget(gone)
        return sum(page.changed for page in written)

    def _content_missing(self) -> Outcome:
        """The content folder is gone (deleted, moved away, renamed): say so above every
        page, keep the last pages, and rebuild everything once it is back."""
        shown = self.shown_content
        problem = ContentError(
            shown,
            1,
            1,
            "",
            f"找不到内容目录 {shown}：它被删除、移走或改了名字。",
            f"请把 {self.content_dir.name} 文件夹放回原处（或撤销删除、改名），放回后预览会自动恢复。",
        )
        self._rebuild_pending = True
        self._publish([problem])
        return Outcome(problems=self.problems)

    @property
    def shown_content(self) -> str:
        """The content folder as messages name it: ``content/``."""
        return shown_folder(self.content_dir, self.root) or f"{self.content_dir.name}/"

    def _remove_deleted_entries(self, changed: set[Path]) -> None:
        """While content has errors, the pages of entry files that are gone are gone too."""
        if self._site is None:
            return
        root = self.root.resolve()
        deleted = {
            path.relative_to(root).as_posix()
            for path in changed
            if not path.exists() and path.is_relative_to(root)
        }
        index = self._site.index
        for entry_id, file in index.project.files.items():
            if file in deleted:
                src_uri = Routes.entry(index.project.entries[entry_id])
                dest = page_dest(src_uri, directory_urls=self.options.directory_urls)
                (self.site_dir / dest).unlink(missing_ok=True)
                (self.site_dir / Routes.document(src_uri)).unlink(missing_ok=True)
                self._pages.forget(src_uri)

    def _write_search_index(self, site: CompiledSite) -> None:
        assert self._search is not None and self._form is not None  # made by the full build
        self._search.update(site.index)
        self._form.update(site.index)

    def _publish(self, problems: list[ContentError]) -> None:
        with self.changed:
            self.problems = list(problems)
            self.version += 1
            self.changed.notify_all()

    # --- serving ----------------------------------------------------------------------

    def banner(self) -> str:
        """The problems to show above every page, as HTML, or nothing."""
        if not self.problems:
            return ""
        return render_problems(
            self.template_dir, self.problems, kept_previous=self._site is not None
        )

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until the version passes ``seen`` or ``timeout`` seconds go by."""
        with self.changed:
            self.changed.wait_for(lambda: self.version > seen, timeout=timeout)
            return self.version

    def watched_paths(self) -> list[Path]:
        """Folders and files whose changes matter to the site."""
        paths = [self.content_dir, self.config_file]
        if self.watched_theme is not None:
            paths.append(self.watched_theme)
        guide = self.root / GUIDE_FILE
        if guide.is_file():
            paths.append(guide)
        return paths

    def relevant(self, path: Path) -> bool:
        """Whether a change to ``path`` can change the site (editor backups and the like cannot)."""
        name = path.name
        if name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".tmp")):
            return False
        if _inside(path, self.content_dir.resolve()):
            return True  # entries, and files the content check reports
        if self.watched_theme is not None and _inside(path, self.watched_theme.resolve()):
            return True
        # Beside the configuration only it and the guide matter, not logs or other files.
        return path in {self.config_file, (self.root / GUIDE_FILE).resolve()}


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return False
    return True


def run_safely(preview: Preview, changed: set[Path]) -> Outcome | None:
    """Update, reporting problems instead of stopping: the preview must outlive any edit."""
    try:
        outcome = preview.update(changed)
    except (BuilderError, OSError) as failure:
        log.error("预览更新失败：%s", failure)
        return None
    except Exception:
        log.exception("预览更新时出现意外错误，已保留上一次的页面。")
        return None
    if outcome.problems and any(p.severity == "error" for p in outcome.problems):
        if not outcome.full:  # a full build's plugin has reported them already
            for problem in outcome.problems:
                (log.warning if problem.severity == "warning" else log.error)(problem.format())
            log.error("内容有错误，预览仍显示上一次正确的内容；改正后会自动刷新。")
    else:
        what = "全部重新生成" if outcome.full else f"更新了 {outcome.pages} 个页面"
        log.info("预览已更新：%s，用时 %.2f 秒。", what, outcome.seconds)
    return outcome


def environment_says_poll() -> bool:
    """Some file systems (network drives, containers) give no change events; poll there."""
    return os.environ.get("KB_PREVIEW_POLL") == "1"
