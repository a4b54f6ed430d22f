"""Runs the stages in order: load -> validate -> index -> render. Knows nothing of MkDocs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.index import SiteIndex, build_index
from generator.render import RenderedPage, Renderer, plan_pages
from generator.validate import load_project


@dataclass(frozen=True)
class CompiledSite:
    """Everything a writer needs: the index and every rendered page body."""

    index: SiteIndex
    pages: list[RenderedPage]


def compile_site(
    content_dir: Path, template_dir: Path, *, root: Path, directory_urls: bool = True
) -> CompiledSite:
    """Load, validate, index and render; raises ``ContentErrors`` before rendering anything."""
    index = build_index(load_project(content_dir, root=root))
    renderer = Renderer(template_dir, index, directory_urls=directory_urls)
    return CompiledSite(index, renderer.render_all(plan_pages(index)))
