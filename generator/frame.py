"""Part of the MkDocs adapter: put rendered page bodies into the theme's page frame.

MkDocs builds a page by reading Markdown, converting it, then rendering the
theme's ``main.html`` around it. Our pages are already HTML, so only the last
step is needed: this module renders ``main.html`` for each page with the same
context MkDocs would give it, through MkDocs's own page objects. That skips the
per-page Markdown work, lets pages render in parallel, and lets the preview
re-render a single page without a whole MkDocs build.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.outline import Heading
from generator.render import RenderedPage

_SLOTS = {
    "title": "partials/kb-title.html",
    "topic": "partials/kb-topic.html",
    "description": "partials/kb-description.html",
    "toc": "partials/kb-toc-items.html",
    "content": "partials/kb-content.html",
}
"""The parts of the frame that vary from page to page, each printed by one template of ours
(``theme/partials/``). In a shell render each prints its marker instead."""
_MARKER = "\x00kb-slot:{}\x00"
"""Stands for a slot in a shell; a NUL character never occurs in a page."""
_SLUG = "kbslot0slug"
"""The page's file name, in the shell's address (an address cannot carry a NUL)."""
_SKIP = "kbslot0skip"
"""The first heading's anchor, which the theme's "skip to content" link points at."""
_MARKERS = re.compile("\x00kb-slot:([a-z]+)\x00|" + _SLUG + "|" + _SKIP)


_CSS_UNSAFE = re.compile(r'[\\"\'<>&\x00-\x1f\x7f\u2028\u2029]')
"""Characters a CSS string in a ``<style>`` element must not hold as they are: quotes and
backslashes end or escape it, ``<`` could close the element, control characters break it."""


_ARTICLE = '<article class="md-content__inner md-typeset">'
"""Where Material's page frame opens a page's text."""


def with_banner(html: str, banner: str) -> str:
    """A finished page with ``banner`` put at the top of its text."""
    return html.replace(_ARTICLE, _ARTICLE + banner, 1) if banner else html


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, for a custom property the frame sets in its head
    (the site's name, which the print sheet puts in the page margins)."""
    escaped = _CSS_UNSAFE.sub(lambda found: f"\\{ord(found.group()):x} ", text)
    return Markup(f'"{escaped}"')


THEME_FILTERS = {"css_string": css_string}
"""Filters of ours that the theme's templates use, added to MkDocs's template environment."""


class Framer:
    """Renders finished pages with the theme; holds what every page shares.

    Pages outside the navigation that share a folder look alike except for the
    frame's slots (:data:`_SLOTS`) and the last part of their address. For those,
    the theme is rendered once per folder (a *shell*) with a marker in each slot, and
    each page is the shell with its slots filled: each slot by rendering its own
    template for the page, the one a full render includes. A shell is only used
    after it has produced, for a real page, exactly the bytes a full render gives.
    Other plugins that change pages turn shells off altogether.
    """

    shells_enabled = True
    """Switch for comparing shell-filled pages with full renders (tests do)."""

    def __init__(
        self, config: MkDocsConfig, env: jinja2.Environment, nav: Navigation, files: Files
    ) -> None:
        self.config = config
        self.nav = nav
        self.documentation_pages: Sequence[File] = files.documentation_pages()
        self.template = env.get_template("main.html")
        self.slot_templates = {name: env.get_template(path) for name, path in _SLOTS.items()}
        self.nav_pages = {page.file.src_uri: page for page in nav.pages}
        """Pages listed in the navigation keep their own objects: the nav marks them active."""
        self.shells: dict[tuple[object, ...], _Shell | None] = {}
        self.use_shells = self.shells_enabled and not any(
            config.plugins.events[event] for event in ("page_context", "post_page")
        )

    def page_for(self, src_uri: str, title: str) -> Page:
        """The MkDocs page object for ``src_uri``: the navigation's own, or a standalone one.

        A navigation page keeps the title the navigation gives it (such as 首页), since
        every other page shows that title in its menu. Themes print a page's title as
        HTML, so the plain-text title from content is escaped first.
        """
        page = self.nav_pages.get(src_uri)
        if page is None:
            file = File.generated(self.config, src_uri, content="")
            page = Page(str(escape(title)), file, self.config)
        return page

    def frame(self, rendered: RenderedPage, *, banner: str = "") -> tuple[str, bytes]:
        """Destination path and bytes of one finished page, as MkDocs would write it."""
        shell = self._shell(rendered, banner)
        if shell is not None:
            dest, html = shell.fill(rendered, self._slot_values(rendered, banner))
        else:
            dest, html = self.render(rendered, banner=banner)
        return dest, html.encode("utf-8", errors="xmlcharrefreplace")

    def render(self, rendered: RenderedPage, *, banner: str = "") -> tuple[str, str]:
        """The page rendered in full with the theme's ``main.html``."""
        page = self.page_for(rendered.src_uri, rendered.title)
        return page.file.dest_path, self._render(page, rendered, banner=banner, slots=None)

    def _render(
        self, page: Page, rendered: RenderedPage, *, banner: str, slots: dict[str, str] | None
    ) -> str:
        page.content = banner + rendered.html
        page.toc = _toc(rendered.headings)
        page.meta = _meta(rendered)
        page.active = True
        # A page outside the navigation marks its section's entry (an entry its kind's list,
        # a theme page 按主题浏览), so readers see where they are. Pages of one folder share
        # their section, as a shell requires.
        section = self._section_of(page)
        if section is not None:
            section.active = True
        try:
            context = get_context(self.nav, self.documentation_pages, self.config, page)
            context = self.config.plugins.on_page_context(
                context, page=page, config=self.config, nav=self.nav
            )
            if slots is not None:
                context["kb_slots"] = slots  # type: ignore[typeddict-unknown-key]  # ours
            html = self.template.render(context)
            html = self.config.plugins.on_post_page(html, page=page, config=self.config)
        finally:
            page.active = False
            if section is not None:
                section.active = False
        return html

    def _section_of(self, page: Page) -> Page | None:
        """The navigation page of the nearest folder above a page the navigation does not list."""
        if page.file.src_uri in self.nav_pages:
            return None
        folder = page.file.src_uri.rpartition("/")[0]
        while folder:
            section = self.nav_pages.get(f"{folder}/index.md")
            if section is not None:
                return section
            folder = folder.rpartition("/")[0]
        return None

    def _slot_values(self, rendered: RenderedPage, banner: str) -> dict[str, str]:
        """What each slot holds for ``rendered``: its template rendered for the page."""
        page = SimpleNamespace(
            title=str(escape(rendered.title)),
            content=banner + rendered.html,
            toc=_toc(rendered.headings),
            meta=_meta(rendered),
            is_homepage=False,
        )
        values = {
            name: template.render(page=page, config=self.config)
            for name, template in self.slot_templates.items()
        }
        values[_SLUG] = rendered.src_uri.rpartition("/")[2].removesuffix(".md")
        values[_SKIP] = next((h.id or "" for h in rendered.headings if h.in_toc), "")
        return values

    def _shell(self, rendered: RenderedPage, banner: str) -> _Shell | None:
        if not self.use_shells or rendered.src_uri in self.nav_pages:
            return None
        folder, _, name = rendered.src_uri.rpartition("/")
        has_toc = any(h.in_toc for h in rendered.headings)
        if name == "index.md":
            return None
        key = (folder, has_toc, rendered.hide)
        if key not in self.shells:
            sample = RenderedPage(
                f"{folder}/{_SLUG}.md" if folder else f"{_SLUG}.md",
                _SLUG,  # any title: the frame prints its title parts only when there is one
                "",
                [Heading(2, _SKIP, "")] if has_toc else [],
                rendered.hide,
            )
            page = self.page_for(sample.src_uri, sample.title)
            slots = {name: _MARKER.format(name) for name in _SLOTS}
            html = self._render(page, sample, banner="", slots=slots)
            shell = _Shell.parse(page.file.dest_path, html)
            # Trust the shell only once it reproduces a full render of a real page.
            if shell is not None and shell.fill(
                rendered, self._slot_values(rendered, banner)
            ) != self.render(rendered, banner=banner):
                shell = None
            self.shells[key] = shell
        return self.shells[key]


def _toc(headings: Sequence[Heading]) -> Any:
    return get_toc(
        [
            {"level": h.level, "id": h.id or "", "name": str(escape(h.toc_title)), "children": []}
            for h in headings
            if h.in_toc
        ]
    )


def _meta(rendered: RenderedPage) -> dict[str, Any]:
    meta: dict[str, Any] = {"description": rendered.description} if rendered.description else {}
    if rendered.hide:
        meta["hide"] = list(rendered.hide)
    return meta


@dataclass(frozen=True)
class _Shell:
    """A rendered page cut at its slots."""

    dest: tuple[str, str]
    """Destination path before and after the page's file name."""
    parts: tuple[str, ...]
    """Literal text, with a slot between every two parts."""
    slots: tuple[str, ...]
    """Which slot each gap is: a name from :data:`_SLOTS`, or the file name or skip anchor."""

    @classmethod
    def parse(cls, dest: str, html: str) -> _Shell | None:
        if dest.count(_SLUG) != 1:
            return None
        parts, slots, start = [], [], 0
        for found in _MARKERS.finditer(html):
            parts.append(html[start : found.start()])
            slots.append(found.group(1) or found.group())
            start = found.end()
        parts.append(html[start:])
        before, _, after = dest.partition(_SLUG)
        return cls((before, after), tuple(parts), tuple(slots))

    def fill(self, rendered: RenderedPage, values: dict[str, str]) -> tuple[str, str]:
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            out.append(values[slot])
            out.append(part)
        return f"{self.dest[0]}{values[_SLUG]}{self.dest[1]}", "".join(out)
