"""Runs the stages in order: load -> validate -> index -> plan. Knows nothing of MkDocs.

Rendering is left to the caller, page by page, so that it can be spread over
processes and so that a preview can re-render only the pages an edit touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.index import SiteIndex, build_index
from generator.load import ContentCache
from generator.render import Page, Renderer, plan_pages
from generator.validate import load_project


@dataclass(frozen=True)
class CompiledSite:
    """Everything a writer needs: the index, every planned page, and the renderer for them."""

    index: SiteIndex
    pages: list[Page]
    renderer: Renderer


def compile_site(
    content_dir: Path,
    template_dir: Path,
    *,
    root: Path,
    directory_urls: bool = True,
    workers: int = 1,
    find_duplicates: bool = True,
    cache: ContentCache | None = None,
    environment: jinja2.Environment | None = None,
) -> CompiledSite:
    """Load, validate, index and plan; raises ``ContentErrors`` before anything is rendered.

    A preview passes the ``cache`` and template ``environment`` of its last run,
    so unchanged files are not read again and templates are not compiled again.
    """
    project = load_project(
        content_dir, root=root, workers=workers, find_duplicates=find_duplicates, cache=cache
    )
    index = build_index(project)
    renderer = Renderer(template_dir, index, directory_urls=directory_urls, environment=environment)
    return CompiledSite(index, plan_pages(index), renderer)
