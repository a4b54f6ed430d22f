"""Part of the MkDocs adapter: put rendered page bodies into the theme's page frame.

MkDocs builds a page by reading Markdown, converting it, then rendering the
theme's ``main.html`` around it. Our pages are already HTML, so only the last
step is needed: this module renders ``main.html`` for each page with the same
context MkDocs would give it, through MkDocs's own page objects. That skips the
per-page Markdown work, lets pages render in parallel, and lets the preview
re-render a single page without a whole MkDocs build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2
from markupsafe import escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.pipeline import CompiledSite
from generator.render import Page as PlannedPage
from generator.render import RenderedPage
from generator.write import map_in_workers, write_if_changed


class Framer:
    """Renders finished pages with the theme; holds what every page shares."""

    def __init__(
        self, config: MkDocsConfig, env: jinja2.Environment, nav: Navigation, files: Files
    ) -> None:
        self.config = config
        self.nav = nav
        self.documentation_pages: Sequence[File] = files.documentation_pages()
        self.template = env.get_template("main.html")
        self.nav_pages = {page.file.src_uri: page for page in nav.pages}
        """Pages listed in the navigation keep their own objects: the nav marks them active."""

    def page_for(self, src_uri: str, title: str) -> Page:
        """The MkDocs page object for ``src_uri``: the navigation's own, or a standalone one.

        A navigation page keeps the title the navigation gives it (such as 首页), since
        every other page shows that title in its menu.
        """
        page = self.nav_pages.get(src_uri)
        if page is None:
            page = Page(title, File.generated(self.config, src_uri, content=""), self.config)
        return page

    def frame(self, rendered: RenderedPage, *, banner: str = "") -> tuple[str, bytes]:
        """Destination path and bytes of one finished page, as MkDocs would write it."""
        page = self.page_for(rendered.src_uri, rendered.title)
        page.content = banner + rendered.html
        page.toc = get_toc(
            [
                {"level": h.level, "id": h.id, "name": str(escape(h.title)), "children": []}
                for h in rendered.headings
                if h.level == 2
            ]
        )
        page.meta = {"hide": list(rendered.hide)} if rendered.hide else {}
        page.active = True
        try:
            context = get_context(self.nav, self.documentation_pages, self.config, page)
            context = self.config.plugins.on_page_context(
                context, page=page, config=self.config, nav=self.nav
            )
            html = self.template.render(context)
            html = self.config.plugins.on_post_page(html, page=page, config=self.config)
        finally:
            page.active = False
        return page.file.dest_path, html.encode("utf-8", errors="xmlcharrefreplace")


def write_site_pages(
    site: CompiledSite,
    framer: Framer,
    *,
    site_dir: Path,
    pages: Sequence[PlannedPage] | None = None,
    banner: str = "",
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Render, frame and write ``pages`` (all of the site's by default); return how many changed."""

    def produce(page: PlannedPage) -> bool:
        dest, data = framer.frame(site.renderer.render(page), banner=banner)
        return write_if_changed(site_dir / dest, data)

    todo = site.pages if pages is None else pages
    return sum(map_in_workers(produce, todo, workers=workers, on_progress=on_progress))
