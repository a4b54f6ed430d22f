"""Runs the stages in order: load -> validate -> index -> plan. Knows nothing of MkDocs.

Rendering is left to the caller, page by page, so that it can be spread over
processes and so that a preview can re-render only the pages an edit touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.index import SiteIndex, build_index
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
) -> CompiledSite:
    """Load, validate, index and plan; raises ``ContentErrors`` before anything is rendered."""
    project = load_project(content_dir, root=root, workers=workers, find_duplicates=find_duplicates)
    index = build_index(project)
    renderer = Renderer(template_dir, index, directory_urls=directory_urls)
    return CompiledSite(index, plan_pages(index), renderer)
