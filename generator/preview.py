"""The live preview: a built site kept current as files change, one edit at a time.

The first build is a normal MkDocs build. After that, an edit to content only
re-reads the changed file, re-validates, re-indexes (all fast), and re-renders
just the pages whose inputs changed (see :mod:`generator.incremental`); the
search index is rebuilt from cached tokens, and only changed files are written.
An edit to the theme, the configuration or the editors' guide rebuilds
everything. Content with errors keeps the last good pages, also when the edit
called for a full rebuild (which is then redone with the next edit); the errors
are shown above every page as it is served, so showing them costs no rebuild.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.errors import ContentError, ContentErrors
from generator.incremental import entry_digests, page_fingerprints
from generator.load import ContentCache
from generator.pipeline import CompiledSite, compile_site
from generator.plugin import kb_plugin
from generator.render import Routes, page_dest, render_problems
from generator.search_index import SEARCH_DIR, DocTokens, SearchDoc, build_search_index
from generator.segment import SEARCH_TERMS_FILE, read_search_terms, register_search_terms
from generator.write import files_under, write_if_changed

log = logging.getLogger("mkdocs.plugins.kb")



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
        self._cache = ContentCache()
        self._tokens: dict[SearchDoc, DocTokens] = {}
        self._prints: dict[str, str] = {}
        self._site: CompiledSite | None = None
        self._rebuild_pending = False
        """A full build failed on content errors and kept the old pages; the next update redoes it."""
        self.search_ready = threading.Event()
        """Cleared while the search index is rewritten: a page reloaded meanwhile must not
        mix the old index with the new one, so requests for it wait (see :mod:`serve`)."""
        self.search_ready.set()

    # --- building ---------------------------------------------------------------------

    def build(self) -> Outcome:
        """Build everything with MkDocs; content errors leave a page listing them.

        The build goes to a fresh folder that replaces the served one when done,
        so a reader never meets a half-built site.
        """
        started = time.monotonic()
        self._builds += 1
        target = self.base_dir / f"site-{self._builds}"
        config = load_config(str(self.config_file), site_dir=str(target))
        plugin = kb_plugin(config)
        # MkDocs hands back the previous build's plugin when its settings are unchanged;
        # clear the site it remembers, so that only this build's content counts.
        plugin.site = None
        plugin.serving = True
        plugin.banner_in_pages = False
        self._cache = ContentCache()
        self._tokens = {}
        plugin.content_cache = self._cache
        plugin.token_cache = self._tokens
        mkdocs_build(config)
        if plugin.site is None and self._site is not None:
            # Content errors: keep serving the last good pages, with the errors above them.
            shutil.rmtree(target, ignore_errors=True)
            self._rebuild_pending = True
            self._publish(plugin.problems)
            return Outcome(full=True, problems=self.problems, seconds=time.monotonic() - started)
        self._rebuild_pending = False
        previous, self.site_dir = self.site_dir, target
        if previous != target:
            shutil.rmtree(previous, ignore_errors=True)
        self.config = config
        self.plugin = plugin
        self.content_dir = plugin.content_dir
        self.watched_theme = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        self._site = plugin.site
        self._prints = {}
        if self._site is not None:
            digests = entry_digests(self._site.index)
            self._prints = page_fingerprints(self._site.pages, self._site.index, digests)
        self._publish(plugin.problems)
        return Outcome(full=True, problems=self.problems, seconds=time.monotonic() - started)

    def update(self, changed: set[Path]) -> Outcome:
        """Bring the site up to date after ``changed`` files were saved, created or removed."""
        content = self.content_dir.resolve()
        only_content = (
            self._site is not None
            and not self._rebuild_pending
            # Any file in the content folder: entries, and files the check warns about. The
            # search terms change how every entry is tokenised, so they rebuild everything.
            and all(_inside(path, content) and path.name != SEARCH_TERMS_FILE for path in changed)
        )
        if not only_content:
            log.debug("full rebuild for %s", sorted(map(str, changed)))
            return self.build()
        started = time.monotonic()
        plugin = self.plugin
        try:
            site = compile_site(
                self.content_dir,
                plugin.template_dir,
                root=plugin.root,
                directory_urls=self.config.use_directory_urls,
                find_duplicates=True,
                cache=self._cache,
                environment=self._site.renderer.env if self._site else None,
            )
        except ContentErrors as problems:
            self._remove_deleted_entries(changed)
            self._publish(problems.errors)
            return Outcome(problems=self.problems, seconds=time.monotonic() - started)
        written = self._write_pages(site)
        self._site = plugin.site = site
        # Readers see the new pages first; the search index follows in the same update,
        # and requests for it wait until it is whole again.
        self.search_ready.clear()
        try:
            self._publish(site.index.project.warnings)
            self._write_search_index(site)
        finally:
            self.search_ready.set()
        return Outcome(pages=written, problems=self.problems, seconds=time.monotonic() - started)

    def _write_pages(self, site: CompiledSite) -> int:
        digests = entry_digests(site.index)
        prints = page_fingerprints(site.pages, site.index, digests)
        framer = self.plugin.framer
        assert framer is not None  # set by every build that had a site to write
        written = 0
        for page in site.pages:
            if prints[page.src_uri] == self._prints.get(page.src_uri):
                continue
            dest, data = framer.frame(site.renderer.render(page))
            written += write_if_changed(self.site_dir / dest, data)
        directory_urls = self.config.use_directory_urls
        for gone in self._prints.keys() - prints.keys():
            (self.site_dir / page_dest(gone, directory_urls=directory_urls)).unlink(missing_ok=True)
        self._prints = prints
        return written

    def _remove_deleted_entries(self, changed: set[Path]) -> None:
        """While content has errors, the pages of entry files that are gone are gone too."""
        if self._site is None:
            return
        root = self.plugin.root.resolve()
        deleted = {
            path.relative_to(root).as_posix()
            for path in changed
            if not path.exists() and path.is_relative_to(root)
        }
        index = self._site.index
        for entry_id, file in index.project.files.items():
            if file in deleted:
                src_uri = Routes.entry(index.project.entries[entry_id])
                dest = page_dest(src_uri, directory_urls=self.config.use_directory_urls)
                (self.site_dir / dest).unlink(missing_ok=True)
                self._prints.pop(src_uri, None)

    def _write_search_index(self, site: CompiledSite) -> None:
        register_search_terms(read_search_terms(self.content_dir))
        emitted: set[Path] = set()

        def emit(path: str, data: bytes) -> None:
            target = self.site_dir / path
            emitted.add(target)
            write_if_changed(target, data)

        build_search_index(
            site.index,
            directory_urls=self.config.use_directory_urls,
            emit=emit,
            token_cache=self._tokens,
        )
        for stale in set(files_under(self.site_dir / SEARCH_DIR)) - emitted:
            stale.unlink(missing_ok=True)

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
            self.plugin.template_dir, self.problems, kept_previous=self._site is not None
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
        guide = self.plugin.root / "CONTRIBUTING.md"
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
        return path in {self.config_file, (self.plugin.root / "CONTRIBUTING.md").resolve()}


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
    except (MkDocsException, OSError) as failure:
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
