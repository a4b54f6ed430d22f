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

import jinja2
from markupsafe import escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.outline import Heading
from generator.render import RenderedPage

_TITLE = "kbsentineltitle0"
_CONTENT = "<h1>kbsentinelcontent0</h1>"
"""Holds an h1 like every body of ours, so the theme adds no heading of its own."""
_SLUG = "kbsentinelslug0"
_TOC_ID = "kbsentineltocid0"
_TOC_TITLE = "kbsentineltoctitle0"
_TOC_ITEMS = "kbsentineltocitems0"
_SAMPLE_TOC = [
    ("kbsentineltocida", "kbsentineltoctitlea"),
    ("kbsentineltocidb", "kbsentineltoctitleb"),
]
"""Two headings in the sample page, so the shell learns what separates table-of-contents items."""


def _toc_item(anchor: str) -> re.Pattern[str]:
    return re.compile(r"<li\b(?:(?!<li\b).)*?" + anchor + r".*?</li>", re.S)


_PLAIN = re.compile(r"^[^&<>\"'\s]+(?: [^&<>\"'\s]+)*$")
"""Text the theme shows exactly as given: nothing that escaping or tag-stripping would touch."""


class Framer:
    """Renders finished pages with the theme; holds what every page shares.

    Pages outside the navigation that share a folder look alike except for their
    title, body, table of contents and the last part of their address. For those,
    the theme is rendered once per folder with placeholders (a *shell*), and each
    page is the shell with its own parts filled in. A shell is only used after it
    has produced, for a real page, exactly the bytes a full render gives; a page
    whose text the theme would transform (escaping, spacing) is always rendered in
    full. Other plugins that change pages turn shells off altogether.
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
            dest, html = shell.fill(rendered, banner)
        else:
            dest, html = self.render(rendered, banner=banner)
        return dest, html.encode("utf-8", errors="xmlcharrefreplace")

    def render(self, rendered: RenderedPage, *, banner: str = "") -> tuple[str, str]:
        """The page rendered in full with the theme's ``main.html``."""
        page = self.page_for(rendered.src_uri, rendered.title)
        page.content = banner + rendered.html
        page.toc = get_toc(
            [
                {"level": h.level, "id": h.id or "", "name": str(escape(h.toc_title)), "children": []}
                for h in rendered.headings
                if h.in_toc
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
        return page.file.dest_path, html

    def _shell(self, rendered: RenderedPage, banner: str) -> _Shell | None:
        if not self.use_shells or rendered.src_uri in self.nav_pages:
            return None
        folder, _, name = rendered.src_uri.rpartition("/")
        toc = [h for h in rendered.headings if h.in_toc]
        if (
            name == "index.md"
            or "<h1" not in rendered.html
            or not all(_PLAIN.match(t) for t in [rendered.title, *(h.toc_title for h in toc)])
        ):
            return None
        key = (folder, bool(toc), rendered.hide)
        if key not in self.shells:
            sample = RenderedPage(
                f"{folder}/{_SLUG}.md",
                _TITLE,
                _CONTENT,
                [Heading(2, anchor, title) for anchor, title in _SAMPLE_TOC] if toc else [],
                rendered.hide,
            )
            shell = _Shell.parse(*self.render(sample))
            # Trust the shell only once it reproduces a full render of a real page.
            if shell is not None and shell.fill(rendered, banner) != self.render(
                rendered, banner=banner
            ):
                shell = None
            self.shells[key] = shell
        return self.shells[key]


@dataclass(frozen=True)
class _Shell:
    """A rendered page cut at its placeholders."""

    dest: tuple[str, str]
    """Destination path before and after the placeholder name."""
    parts: tuple[str, ...]
    """Literal text, with a placeholder marker between every two parts."""
    slots: tuple[str, ...]
    toc_item: str
    """One table-of-contents item with anchor and title placeholders."""
    separator: str
    """What the theme puts between two items."""

    @classmethod
    def parse(cls, dest: str, html: str) -> _Shell | None:
        if dest.count(_SLUG) != 1:
            return None
        toc_item = separator = ""
        (first_id, first_title), (second_id, second_title) = _SAMPLE_TOC
        first = list(_toc_item(first_id).finditer(html))
        second = list(_toc_item(second_id).finditer(html))
        if len(first) != len(second) or len(first) > 1:
            return None
        if first:
            one, two = first[0], second[0]
            if one.end() > two.start():
                return None
            toc_item = one.group().replace(first_id, _TOC_ID).replace(first_title, _TOC_TITLE)
            separator = html[one.end() : two.start()]
            html = html[: one.start()] + _TOC_ITEMS + html[two.end() :]
            if second_id in html or second_title in html:
                return None
            # What is left of the first heading's anchor is the theme's "skip to
            # content" link, which points at the first heading.
            html = html.replace(first_id, _TOC_ID)
        markers = (_TITLE, _CONTENT, _SLUG, _TOC_ITEMS, _TOC_ID, _TOC_TITLE)
        pieces = re.split("(" + "|".join(map(re.escape, markers)) + ")", html)
        parts, slots = tuple(pieces[0::2]), tuple(pieces[1::2])
        if _TOC_TITLE in slots:
            return None
        before, _, after = dest.partition(_SLUG)
        return cls((before, after), parts, slots, toc_item, separator)

    def fill(self, rendered: RenderedPage, banner: str) -> tuple[str, str]:
        name = rendered.src_uri.rpartition("/")[2].removesuffix(".md")
        toc = self.separator.join(
            self.toc_item.replace(_TOC_ID, h.id or "").replace(_TOC_TITLE, str(escape(h.toc_title)))
            for h in rendered.headings
            if h.in_toc
        )
        first = next((h.id or "" for h in rendered.headings if h.in_toc), "")
        values = {
            _TITLE: rendered.title,
            _CONTENT: banner + rendered.html,
            _SLUG: name,
            _TOC_ITEMS: toc,
            _TOC_ID: first,
        }
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            out.append(values[slot])
            out.append(part)
        return f"{self.dest[0]}{name}{self.dest[1]}", "".join(out)
