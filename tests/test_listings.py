"""Long listings are split into pages that stay small and still lead to every entry."""

from __future__ import annotations

import re

import pytest
import yaml

from generator.check import load_project
from generator.index import build_index
from generator.page_context import LISTING_PAGE_SIZE, Listing, PageContext
from generator.render import Page, Renderer, Routes, page_url, plan_pages
from tests.conftest import REPO, SAMPLE, site_name

CASES = 230


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory):
    """The sample project plus 230 generated cases: two organization types, one theme."""
    import shutil

    root = tmp_path_factory.mktemp("big")
    shutil.copytree(SAMPLE / "content", root / "content")
    template = yaml.safe_load((SAMPLE / "content/cases/river-community.yml").read_text("utf-8"))
    for i in range(CASES):
        case = dict(template)
        case["id"] = f"case-{i:03d}"
        case["title"] = f"第{i:03d}号案例"
        case["summary"] = f"第{i}个案例的摘要"
        case["org_type"] = "urban-community" if i < 150 else "school"
        case["themes"] = ["learning-forms"]
        case["background"] = f"第{i}个案例独有的背景说明。"
        (root / "content/cases" / f"case-{i:03d}.yml").write_text(
            yaml.safe_dump(case, allow_unicode=True), encoding="utf-8"
        )
    index = build_index(load_project(root / "content", root=root, find_duplicates=False))
    pages = plan_pages(index)
    renderer = Renderer(REPO / "theme" / "kb", index, site_name=site_name(SAMPLE / "mkdocs.yml"))
    return index, {p.src_uri: (p, renderer.render(p).html) for p in pages}


def _links(html: str, here: str) -> list[str]:
    """Site-relative page URLs of the links on a page at ``here``."""
    import posixpath

    found = []
    base = page_url(here, directory_urls=True)
    for href in re.findall(r'href="([^"#]+)', html):
        found.append(posixpath.normpath(posixpath.join(base, href)) + "/")
    return found


def test_kind_listing_is_split_into_pages_of_a_hundred(big_site) -> None:
    """Cases list on pages of at most 100 entries, each linking to the others in order."""
    _, pages = big_site
    firsts = ["cases/index.md", "cases/page/2.md", "cases/page/3.md"]
    counts = [pages[src][1].count('class="kb-entry"') for src in firsts]
    assert counts == [LISTING_PAGE_SIZE, LISTING_PAGE_SIZE, CASES + 1 - 2 * LISTING_PAGE_SIZE]
    assert "cases/page/4.md" not in pages
    second = pages["cases/page/2.md"][1]
    assert 'href="../../" rel="prev"' in second and 'href="../3/" rel="next"' in second
    assert pages["cases/page/2.md"][0].title == "典型案例（第 2 页）"


def test_every_entry_is_listed_exactly_once_per_listing(big_site) -> None:
    """Across a listing's pages each entry appears once, so nothing is lost between pages."""
    index, pages = big_site
    listed = []
    for src in sorted(
        s
        for s in pages
        if s == "themes/learning-forms.md" or s.startswith("themes/learning-forms/page/")
    ):
        listed += re.findall(r'class="kb-entry__title" href="([^"]+)"', pages[src][1])
    expected = index.by_theme["learning-forms"]
    assert len(listed) == len(expected) == len(set(listed))


def test_groups_continue_across_pages_and_matrix_finds_their_start(big_site) -> None:
    """A group split by a page break says 续 on the next page; the matrix links where it starts."""
    _, pages = big_site
    second = pages["themes/learning-forms/page/2.md"][1]
    assert "城市社区（续）" in second
    assert 'id="org-school"' in pages["themes/learning-forms/page/2.md"][1]
    matrix = pages["matrix.md"][1]
    assert 'href="../themes/learning-forms/page/2/#org-school"' in matrix
    assert 'href="../themes/learning-forms/#org-urban-community"' in matrix


def test_pager_stays_small_however_long_the_list() -> None:
    """The pager shows a window of page numbers, not one link per page of the listing."""
    project = load_project(SAMPLE / "content", root=SAMPLE)
    index = build_index(project)
    uris = [Routes.listing_page("cases/index.md", n) for n in range(1, 61)]
    page = Page(
        uris[29],
        "典型案例（第 30 页）",
        "kind.html",
        PageContext(kind="case", listing=Listing([], 30, uris, 6000)),
    )
    renderer = Renderer(REPO / "theme" / "kb", index, site_name=site_name(SAMPLE / "mkdocs.yml"))
    html = renderer.render(page).html
    pager = html[html.index('class="kb-pager"') :]
    links = re.findall(r"<a [^>]*>([^<]+)</a>", pager)
    assert links == ["上一页", "1", "28", "29", "31", "32", "60", "下一页"]
    assert 'aria-current="page">30<' in pager
