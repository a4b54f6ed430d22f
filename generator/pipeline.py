"""Runs the stages in order: load -> validate -> index -> plan -> render -> write. Knows
nothing of MkDocs: the page frame comes in as a :class:`Frame`.

Rendering is done page by page, so that it can be spread over processes and so
that a preview can re-render only the pages an edit touches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import jinja2

from generator.check import CheckCache, load_project
from generator.index import SiteIndex, build_index
from generator.progress import Progress
from generator.reads import Read
from generator.render import Fragments, Page, RenderedPage, Renderer, plan_pages
from generator.search import build_search_index, document_count
from generator.segment import Segmenter, read_search_terms, segmenter_for
from generator.workers import map_in_workers
from generator.write import write_if_changed


@dataclass(frozen=True)
class BuildOptions:
    """Everything one build depends on besides the content, fixed for the whole build."""

    root: Path
    """The project folder; paths in messages are relative to it, links may not leave it."""
    content_dir: Path
    template_dir: Path
    """The page-body templates (``theme/kb``)."""
    site_name: str
    """The site's name (``site_name`` in mkdocs.yml), shown on the home page and on paper."""
    directory_urls: bool = True
    """``cases/x/`` addresses for a web server; ``cases/x.html`` for a folder opened from disk."""
    workers: int = 1
    """Processes to read and render with."""
    find_duplicates: bool = True
    """Also look for entries that read almost the same (a warning for editors)."""


@dataclass(frozen=True)
class CompiledSite:
    """Everything a writer needs: the index, every planned page, and the renderer for them."""

    index: SiteIndex
    pages: list[Page]
    renderer: Renderer


def compile_site(
    options: BuildOptions,
    *,
    cache: CheckCache | None = None,
    changed: set[Path] | None = None,
    environment: jinja2.Environment | None = None,
    previous: SiteIndex | None = None,
    fragments: Fragments | None = None,
) -> CompiledSite:
    """Load, validate, index and plan; raises ``ContentErrors`` before anything is rendered.

    A preview passes the ``cache`` and template ``environment`` of its last run,
    so unchanged files are not read again and templates are not compiled again, and
    the files the edit ``changed`` (resolved paths), so that no other file is looked at
    when only known files were modified, and its ``previous`` index, so that what an
    edit did not change is not worked out again, and the list items its pages rendered
    (``fragments``).
    """
    project = load_project(
        options.content_dir,
        root=options.root,
        workers=options.workers,
        find_duplicates=options.find_duplicates,
        cache=cache,
        changed=changed,
    )
    index = build_index(project, previous=previous)
    renderer = Renderer(
        options.template_dir,
        index,
        site_name=options.site_name,
        directory_urls=options.directory_urls,
        environment=environment,
        fragments=fragments,
    )
    return CompiledSite(index, plan_pages(index), renderer)


class Frame(Protocol):
    """Puts a rendered page body into the site's page frame (the theme)."""

    def frame(self, rendered: RenderedPage, *, banner: str = "") -> tuple[str, bytes]:
        """The page's path inside the site folder, and its bytes."""
        ...


@dataclass(frozen=True)
class WrittenPage:
    src_uri: str
    changed: bool
    """Whether its bytes differed from the file already there."""
    reads: frozenset[Read]
    """What it looked up in the site index (see :mod:`generator.reads`)."""


def write_pages(
    site: CompiledSite,
    frame: Frame,
    *,
    site_dir: Path,
    pages: Sequence[Page] | None = None,
    banner: str = "",
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> list[WrittenPage]:
    """Render, frame and write ``pages`` (all of the site's by default), in parallel."""

    def produce(page: Page) -> WrittenPage:
        rendered = site.renderer.render(page)
        dest, data = frame.frame(rendered, banner=banner)
        for path, download in rendered.downloads:
            write_if_changed(site_dir / path, download)
        return WrittenPage(page.src_uri, write_if_changed(site_dir / dest, data), rendered.reads)

    todo = site.pages if pages is None else pages
    return map_in_workers(produce, todo, workers=workers, on_progress=on_progress)


def write_search_index(
    index: SiteIndex,
    *,
    site_dir: Path,
    directory_urls: bool,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Write the search index's files into ``site_dir``, leaving unchanged files alone."""
    build_search_index(
        index,
        directory_urls=directory_urls,
        emit=lambda path, data: write_if_changed(site_dir / path, data),
        workers=workers,
        on_progress=on_progress,
        segmenter=project_segmenter(index),
    )


def write_site(
    site: CompiledSite,
    frame: Frame,
    *,
    site_dir: Path,
    options: BuildOptions,
    progress: Progress,
    banner: str = "",
) -> None:
    """Write every page and the search index of ``site`` into ``site_dir``, telling
    ``progress`` how far each has come."""
    with progress.stage("生成页面", total=len(site.pages)) as stage:
        write_pages(
            site,
            frame,
            site_dir=site_dir,
            banner=banner,
            workers=options.workers,
            on_progress=stage.advance,
        )
    with progress.stage("建立检索索引", total=document_count(site.index)) as stage:
        write_search_index(
            site.index,
            site_dir=site_dir,
            directory_urls=options.directory_urls,
            workers=options.workers,
            on_progress=stage.advance,
        )


def project_segmenter(index: SiteIndex) -> Segmenter:
    """The segmenter of this build: the standard dictionary plus the project's terms."""
    return segmenter_for(read_search_terms(index.project.content_dir))
