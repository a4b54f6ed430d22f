"""Stage 4: plan the site's pages and render each through a Jinja template from ``theme/kb/``.

Templates run with ``StrictUndefined`` (a missing field is an error, never a
blank) and autoescaping (content text can never become markup). Links are
relative so the site works under any path prefix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.docx_export import entry_document, pack_document
from generator.emit import entry_file
from generator.errors import ContentError
from generator.form import entry_source, form_description, script_json
from generator.form.repository import Repository
from generator.index import Pack, SiteIndex
from generator.model import ENTRY_KINDS, KINDS, PACK
from generator.outline import (
    GroupsOutline,
    Outline,
    Outliner,
    chinese_date,
    citation,
    compiled_entry,
    entry_outline,
    home_outline,
    no_headings,
    overview_outline,
    pack_outline,
    pack_plan_outline,
    pack_print_outline,
    pack_quiz_outline,
    page_parts,
    paragraphs,
    study_record_outline,
)
from generator.page_context import Cells, Listing, PageContext, group_starts, paginate
from generator.quiz import TYPE_LABELS, choices, correct_options, locate
from generator.reads import IndexView, Read
from generator.report import count_phrase
from generator.routes import Routes
from generator.rules import SLUG_PATTERN
from generator.session_plan import (
    MEETING_RECORD_FIELDS,
    SIGN_IN_COLUMNS,
    default_minutes,
    plan_rules,
)
from generator.study_record import TARGETS_SOURCE, record_rules
from generator.template_cache import keep_compiled

_ENTRY_LABELS = {kind.name: kind.label for kind in ENTRY_KINDS.values()}
_CONTENT_LABELS = {kind.name: kind.label for kind in KINDS.values()}


@dataclass(frozen=True)
class Page:
    """A page to render: where it goes, its title, its template and what the template needs."""

    src_uri: str
    title: str
    template: str
    context: PageContext = field(default_factory=PageContext)
    hide: tuple[str, ...] = ()
    """Material page parts to hide, such as ``toc`` on the wide matrix page."""
    outline: Outliner = no_headings
    """Works out the page's headings, which its template renders (see :mod:`generator.outline`)."""


@dataclass(frozen=True)
class RenderedPage:
    src_uri: str
    title: str
    html: str
    headings: Outline
    """The page's outline, which its template rendered its headings from."""
    hide: tuple[str, ...] = ()
    reads: frozenset[Read] = frozenset()
    """What the page looked up in the site index while it rendered."""
    description: str = ""
    """A sentence about the page for search engines and link previews: an entry's summary."""
    downloads: tuple[tuple[str, bytes], ...] = ()
    """Files made with the page, by their path in the site: an entry's or pack's .docx."""


def page_dest(src_uri: str, *, directory_urls: bool) -> str:
    """Path of the page's HTML file inside the site folder."""
    url = page_url(src_uri, directory_urls=directory_urls)
    return f"{url}index.html" if url.endswith("/") or not url else url


def page_url(src_uri: str, *, directory_urls: bool) -> str:
    """Site-relative URL of a page, following MkDocs' ``use_directory_urls`` convention."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        folder = stem[: -len("index")]
        return folder if directory_urls else f"{folder}index.html"
    return f"{stem}/" if directory_urls else f"{stem}.html"


def relative_url(from_url: str, to_url: str) -> str:
    """Link from the page at ``from_url`` to ``to_url``, both site-relative."""
    # Plain string work: called for every link of every page, and URLs here are
    # already normalised (no "." or ".." parts, no leading slash).
    here = from_url.split("/")[:-1]
    there = to_url.rstrip("/").split("/") if to_url.rstrip("/") else []
    shared = 0
    while shared < min(len(here), len(there)) and here[shared] == there[shared]:
        shared += 1
    rel = "/".join([".."] * (len(here) - shared) + there[shared:]) or "."
    if to_url.endswith("/") or not to_url:
        return "./" if rel == "." else f"{rel}/"
    return rel


def site_nav(*, guide: bool = True) -> list[tuple[str, str]]:
    """The navigation every page shows, as (title, source URI), in order; the editors'
    guide last, where the project has one. Entries are reached through their kind's
    listing and search: a navigation naming thousands of entries would be written into
    every page."""
    return [
        ("首页", Routes.home),
        ("按主题浏览", Routes.themes),
        ("按组织类型浏览", Routes.org_types),
        ("主题 × 组织类型", Routes.matrix),
        ("检索与筛选", Routes.explorer),
        (PACK.label, Routes.packs),
        ("学习清单", Routes.reading_list),
        ("我的学习记录", Routes.study_record),
        ("概览", Routes.overview),
        *((kind.label, Routes.kind(kind.name)) for kind in ENTRY_KINDS.values()),
        ("投稿与修改", Routes.form),
        *([("编辑指南", Routes.guide)] if guide else []),
    ]


def plan_pages(index: SiteIndex) -> list[Page]:
    """Every page of the site, with the context its template needs."""
    theme_pages = {
        theme.id: paginate(
            Routes.theme(theme.id),
            [
                (org.id, org.name, index.matrix[(theme.id, org.id)])
                for org in index.org_types
                if (theme.id, org.id) in index.matrix
            ],
        )
        for theme in index.themes
    }
    # Where each matrix cell's entries begin: a theme page, at its organization type's heading.
    cells = {
        (theme_id, org_id): src_uri
        for theme_id, pages in theme_pages.items()
        for org_id, src_uri in group_starts(pages).items()
    }
    matrix = PageContext(cells=cells)
    titles = dict((route, title) for title, route in site_nav())
    pages = [
        Page(Routes.home, titles[Routes.home], "home.html", outline=home_outline),
        Page(Routes.themes, titles[Routes.themes], "theme_index.html"),
        Page(Routes.org_types, titles[Routes.org_types], "org_type_index.html"),
        Page(Routes.matrix, titles[Routes.matrix], "matrix.html", matrix, hide=("toc",)),
        Page(Routes.explorer, titles[Routes.explorer], "explorer.html", hide=("toc",)),
        Page(Routes.overview, titles[Routes.overview], "overview.html", outline=overview_outline),
        Page(Routes.packs, titles[Routes.packs], "pack_index.html"),
        Page(Routes.reading_list, titles[Routes.reading_list], "reading_list.html", hide=("toc",)),
        Page(
            Routes.study_record,
            titles[Routes.study_record],
            "study_record.html",
            hide=("toc",),
            outline=study_record_outline,
        ),
        Page(Routes.form, titles[Routes.form], "form.html", hide=("toc",)),
    ]
    for pack in index.packs.values():
        pages += _pack_pages(pack)
    pages += _listings(index, theme_pages, cells)
    pages += [
        Page(
            Routes.entry(e),
            e.title,
            KINDS[e.kind].template,
            PageContext(entry=e),
            outline=entry_outline,
        )
        for e in index.project.entries.values()
    ]
    return pages


def _pack_pages(pack: Pack) -> list[Page]:
    """A study pack's page, its print version, its quiz (if it has questions) and the page
    that prepares a study session with it."""
    given = PageContext(pack=pack)
    return [
        Page(Routes.pack(pack.id), pack.title, PACK.template, given, outline=pack_outline),
        Page(
            Routes.pack_print(pack.id),
            f"{pack.title}（打印稿）",
            "pack_print.html",
            given,
            hide=("navigation", "toc"),
            outline=pack_print_outline,
        ),
        *(
            [
                Page(
                    Routes.pack_quiz(pack.id),
                    f"自测题：{pack.title}",
                    "pack_quiz.html",
                    given,
                    hide=("toc",),
                    outline=pack_quiz_outline,
                )
            ]
            if pack.self_test
            else []
        ),
        Page(
            Routes.pack_plan(pack.id),
            f"准备学习会：{pack.title}",
            "pack_plan.html",
            given,
            hide=("toc",),
            outline=pack_plan_outline,
        ),
    ]


def _listings(
    index: SiteIndex, theme_pages: dict[str, list[tuple[str, Listing]]], cells: Cells
) -> list[Page]:
    """The listings of each kind, theme (``theme_pages``, already split into pages) and
    organization type; ``cells`` are where the matrix's cells link to."""
    pages = []
    for kind in ENTRY_KINDS.values():
        listing_pages = paginate(
            Routes.kind(kind.name), [(kind.name, kind.label, index.by_kind[kind.name])]
        )
        pages += _listing(kind.label, "kind.html", listing_pages, PageContext(kind=kind.name))
    # A theme's entries are grouped by organization type, whose anchors the matrix links to.
    by_org_type, by_kind = GroupsOutline("org-"), GroupsOutline("")
    for theme in index.themes:
        given = PageContext(theme=theme)
        pages += _listing(theme.name, "theme.html", theme_pages[theme.id], given, by_org_type)
    for org in index.org_types:
        listing_pages = paginate(
            Routes.org_type(org.id),
            [
                (kind, label, [e for e in index.by_org_type[org.id] if e.kind == kind])
                for kind, label in ((k.name, k.label) for k in ENTRY_KINDS.values())
                if any(e.kind == kind for e in index.by_org_type[org.id])
            ],
        )
        given = PageContext(org_type=org, cells=cells)
        pages += _listing(org.name, "org_type.html", listing_pages, given, by_kind)
    return pages


def _listing(
    title: str,
    template: str,
    listing_pages: list[tuple[str, Listing]],
    context: PageContext,
    outline: Outliner = no_headings,
) -> list[Page]:
    """The pages of one paginated listing, each given ``context`` and its page of the
    listing; later pages say which page they are."""
    return [
        Page(
            src_uri,
            title if listing.number == 1 else f"{title}（第 {listing.number} 页）",
            template,
            dataclasses.replace(context, listing=listing),
            outline=outline,
        )
        for src_uri, listing in listing_pages
    ]


def make_environment(template_dir: Path) -> jinja2.Environment:
    """The one Jinja configuration: strict about missing values, escaping all content text."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Rules the browser reads from a page (``| tojson`` in an attribute) stay readable Chinese.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["paragraphs"] = paragraphs
    env.filters["chinese_date"] = chinese_date
    env.globals["citation"] = citation
    env.globals["compiled_entry"] = compiled_entry
    env.globals["page_parts"] = page_parts
    env.globals["count_phrase"] = count_phrase
    env.globals["slug_pattern"] = SLUG_PATTERN
    env.globals["record_rules"] = record_rules()
    env.globals.update(
        question_choices=choices,
        question_answer=correct_options,
        question_source=locate,
        question_types=TYPE_LABELS,
    )
    env.globals["plan_rules"] = plan_rules()
    env.globals["plan_minutes"] = default_minutes
    env.globals["sign_in_columns"] = SIGN_IN_COLUMNS
    env.globals["meeting_record_fields"] = MEETING_RECORD_FIELDS
    env.globals["targets_source"] = TARGETS_SOURCE
    env.globals["form_description"] = form_description
    env.globals["entry_source"] = entry_source
    env.globals["entry_file"] = entry_file
    env.filters["script_json"] = script_json
    return keep_compiled(env)


def render_problems(
    template_dir: Path, problems: list[ContentError], *, kept_previous: bool = True
) -> str:
    """The banner a preview shows above every page while the content has problems.

    ``kept_previous`` says whether the pages shown are the last content without errors
    (false when the preview started on broken content and has nothing better to show).
    """
    template = make_environment(template_dir).get_template("problems.html")
    return _without_blank_lines(template.render(problems=problems, kept_previous=kept_previous))


class Renderer:
    """Renders planned pages with the project's templates; templates are compiled once."""

    def __init__(
        self,
        template_dir: Path,
        index: SiteIndex,
        *,
        site_name: str,
        directory_urls: bool = True,
        environment: jinja2.Environment | None = None,
        fragments: Fragments | None = None,
        repository: Repository | None = None,
        content_prefix: str = "content/",
    ) -> None:
        """``site_name`` is the configured one (mkdocs.yml), which the home page and
        printouts show; ``repository`` is where the form sends finished files, if anywhere,
        and ``content_prefix`` the content folder as messages name it (``content/``)."""
        self.index = index
        self.site_name = site_name
        self.directory_urls = directory_urls
        self.fragments = fragments
        # A reused environment keeps its compiled templates; only the globals change.
        self.env = environment or make_environment(template_dir)
        self.env.globals.update(
            routes=Routes,
            kind_labels=_ENTRY_LABELS,
            content_labels=_CONTENT_LABELS,
            pack_label=PACK.label,
            site_name=site_name,
            repository=repository.as_dict() if repository else None,
            content_prefix=content_prefix,
        )

    def render(self, page: Page) -> RenderedPage:
        here = page_url(page.src_uri, directory_urls=self.directory_urls)
        href: Callable[[str], str] = lambda src_uri: relative_url(  # noqa: E731
            here, page_url(src_uri, directory_urls=self.directory_urls)
        )
        view = IndexView(self.index)
        outline = page.outline(page.context, view)
        template = self.env.get_template(page.template)
        html = template.render(
            page=page,
            href=href,
            file_href=lambda path: relative_url(here, path),
            entry_item=self._entry_item(page, here, href, view),
            site_path=lambda src_uri: page_url(src_uri, directory_urls=self.directory_urls),
            index=view,
            outline=outline,
            headings={h.id: h for h in outline if h.id},
            **page.context.variables(),
        )
        html = _without_blank_lines(html)
        described = page.context.entry or page.context.pack
        downloads = self._documents(page, outline, view)
        return RenderedPage(
            page.src_uri,
            page.title,
            html,
            outline,
            page.hide,
            frozenset(view.reads),
            described.summary if described is not None else "",
            downloads,
        )

    def _documents(
        self, page: Page, outline: Outline, view: IndexView
    ) -> tuple[tuple[str, bytes], ...]:
        """The Word file an entry's page, or a pack's print version, is made with: read
        through the page's view, so the preview remakes it when what it shows changes."""
        site_path = lambda src_uri: page_url(src_uri, directory_urls=self.directory_urls)  # noqa: E731
        entry, pack = page.context.entry, page.context.pack
        if entry is not None:
            data = entry_document(
                entry,
                view,
                site_name=self.site_name,
                kind_labels=_ENTRY_LABELS,
                address=site_path(page.src_uri),
            )
            return ((Routes.document(page.src_uri), data),)
        if page.template == "pack_print.html" and pack is not None:
            data = pack_document(
                pack,
                outline,
                view,
                site_name=self.site_name,
                pack_label=PACK.label,
                kind_labels=_ENTRY_LABELS,
                address=site_path(Routes.pack(pack.id)),
                entry_address=lambda e: site_path(Routes.entry(e)),
            )
            return ((Routes.document(page.src_uri), data),)
        return ()

    def _entry_item(
        self, page: Page, here: str, href: Callable[[str], str], view: IndexView
    ) -> Callable[[Any, bool], Markup]:
        """What ``entry_list`` calls for each entry it lists (``_entry_item.html``).

        With :attr:`fragments`, items of listing pages are kept: a listing page shows
        fifty entries, and after an edit most of them are the same as last time. An
        item follows from the entry's content (its digest), the page's address (links
        are relative) and the organization type's name, which make its key. Entry
        pages' lists (related entries) are rendered each time: each page is the only one
        at its address, and rendering it again means its entries changed.
        """
        template = self.env.get_template("_entry_item.html")
        digests = self.index.project.digests
        cache = self.fragments if page.context.entry is None else None

        def render(entry: Any, show_org: bool) -> Markup:
            # Looked up through the view, so that the page notes what it read as before.
            org_name = view.org_type(entry.org_type).name if show_org else ""
            key = (here, entry.id, digests.get(entry.id), org_name)
            item = cache.get(key) if cache is not None else None
            if item is None:
                item = Markup(
                    template.render(entry=entry, org_name=org_name, href=href, index=view)
                )
                if cache is not None and key[2] is not None:
                    cache.put(key, item)
            return item

        return render


class Fragments:
    """Rendered list items kept from one preview update to the next (see
    :meth:`Renderer._entry_item`); emptied when it holds more than ``limit``."""

    def __init__(self, limit: int = 200_000) -> None:
        self._items: dict[tuple[Any, ...], Markup] = {}
        self._limit = limit

    def get(self, key: tuple[Any, ...]) -> Markup | None:
        return self._items.get(key)

    def put(self, key: tuple[Any, ...], item: Markup) -> None:
        if len(self._items) >= self._limit:
            self._items.clear()  # stale items of earlier edits; the rest come back on use
        self._items[key] = item


def _without_blank_lines(html: str) -> str:
    # Template blocks leave blank lines behind; dropping them keeps the pages compact.
    return "\n".join(line for line in html.splitlines() if line.strip())
