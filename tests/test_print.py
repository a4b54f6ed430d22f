"""Printing for a study session: a case, a material, a study pack and a reading list, printed to
PDF by headless Chromium the way a reader's Ctrl+P prints them (print styles, the page size
and margin boxes of kb-print.css), then read back page by page.

Pages are also saved as PNG images under test-results/print/ to be looked at.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence

import pytest

from generator.check import load_project
from generator.model import KINDS
from generator.model import PACK as PACK_KIND
from tests.conftest import REPO, site_name
from tests.pdf_pages import PrintedPage, read_pdf, squeeze, write_png
from tests.served import build_variant, serve

OUT = REPO / "test-results" / "print"
TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 18, 16
"""The page margins kb-print.css gives (@page), where the site name and page number go."""
MOST_EMPTY = 1 / 3
"""No page but the last (of a document, or of one entry in a compiled one) may be emptier."""
PROJECT = load_project(REPO / "content", root=REPO)
SITE_NAME = site_name(REPO / "mkdocs.yml")
CASE = PROJECT.entries["anhui-broadcast-network"]
MATERIAL = PROJECT.entries["government-office-learning"]
PACK = PROJECT.packs["study-system-and-incentives"]
LISTED = ["anhui-broadcast-network", "fixed-study-day", "county-cadre-team"]
"""What the reader puts on a reading list in the test, in this order."""


def _print(page, url: str, name: str) -> list[PrintedPage]:
    page.goto(url)
    page.wait_for_load_state("load")
    return _save(page, name)


def _save(page, name: str) -> list[PrintedPage]:
    path = OUT / f"{name}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(path), prefer_css_page_size=True)
    printed = read_pdf(path, top_margin_mm=TOP_MARGIN_MM, bottom_margin_mm=BOTTOM_MARGIN_MM)
    for sheet in printed:
        write_png(OUT / f"{name}-{sheet.number}.png", sheet.pixels)
    summary = OUT / "summary.json"
    known = json.loads(summary.read_text(encoding="utf-8")) if summary.is_file() else {}
    known[name] = [round(sheet.empty_share, 2) for sheet in printed]
    summary.write_text(json.dumps(known, ensure_ascii=False, indent=1), encoding="utf-8")
    return printed


def _assert_every_page_is_marked(printed: list[PrintedPage], name: str = SITE_NAME) -> None:
    """Each page carries the site's name and 第 n 页，共 N 页 in its margins."""
    for sheet in printed:
        assert squeeze(name) in sheet.margin_text, sheet.number
        assert f"第{sheet.number}页，共{len(printed)}页" in sheet.margin_text, sheet.number


def _assert_no_page_is_mostly_empty(
    printed: list[PrintedPage],
    part_titles: Sequence[str] = (),
) -> None:
    """Only the last page, or the page before one that starts a new part of a compiled
    document (each entry starts on a new page), may be more than a third empty."""
    starts = [squeeze(title) for title in part_titles]
    for sheet, following in itertools.pairwise(printed):
        ends_a_part = any(following.body_text.startswith(start) for start in starts)
        if not ends_a_part:
            assert sheet.empty_share <= MOST_EMPTY, (sheet.number, round(sheet.empty_share, 2))


def _assert_rows_are_whole(printed: list[PrintedPage], entry) -> set[int]:  # type: ignore[no-untyped-def]
    """Every row of the entry's figures table is on one page, its label and value together;
    the pages the rows are on."""
    assert entry.results.figures
    pages = set()
    for figure in entry.results.figures:
        label, value = squeeze(figure.label), squeeze(figure.value)
        holding = [s.number for s in printed if label in s.body_text and value in s.body_text]
        assert holding, figure
        pages.add(holding[0])
    return pages


def _assert_cites_sources(text: str, entry) -> None:  # type: ignore[no-untyped-def]
    for source in entry.sources:
        assert squeeze(f"《{source.title}》") in text
        if source.publisher:
            assert squeeze(source.publisher) in text
        assert source.document not in text  # the file name is for editors only


@pytest.fixture
def print_page(reader):  # type: ignore[no-untyped-def]
    """A tab that prints as the reader's browser does (print media, A4 from the page's CSS):
    the module's one tab, clean for each test."""
    return reader


def test_a_printed_case_keeps_its_table_rows_whole_and_says_what_it_is(
    print_page, site_url: str
) -> None:
    """A case with a 24-row figures table prints without a mostly blank page or a split row,
    with site name and page numbers on every page, its kind, sources and address."""
    url = f"{site_url}cases/{CASE.id}/"
    printed = _print(print_page, url, "case")
    _assert_every_page_is_marked(printed)
    _assert_no_page_is_mostly_empty(printed)
    # The long table continues over a page break (between rows), rather than leaving the
    # page before it blank.
    assert len(_assert_rows_are_whole(printed, CASE)) >= 2
    text = "".join(sheet.text for sheet in printed)
    assert squeeze(KINDS["case"].label) in printed[0].body_text
    assert url in text
    _assert_cites_sources(text, CASE)
    # Lists of other entries are for the screen: no pages of links on paper.
    assert "相关条目" not in text and "加入学习清单" not in text


def test_a_printed_material_says_what_it_is_and_where_from(print_page, site_url: str) -> None:
    """A study material prints marked on every page, with no mostly blank page."""
    url = f"{site_url}materials/{MATERIAL.id}/"
    printed = _print(print_page, url, "material")
    _assert_every_page_is_marked(printed)
    _assert_no_page_is_mostly_empty(printed)
    text = "".join(sheet.text for sheet in printed)
    assert squeeze(KINDS["material"].label) in printed[0].body_text and url in text
    _assert_cites_sources(text, MATERIAL)


def test_a_printed_study_pack_is_one_document_with_each_entry_from_a_new_page(
    print_page, site_url: str
) -> None:
    """The compiled pack: cover and contents, each entry in full from a new page with its
    kind, address and sources, the questions at the end; marked on every page."""
    printed = _print(print_page, f"{site_url}packs/print/{PACK.id}/", "pack")
    entries = [PROJECT.entries[item.entry] for item in PACK.entries]
    _assert_every_page_is_marked(printed)
    _assert_no_page_is_mostly_empty(printed, [e.title for e in entries] + ["讨论题"])
    cover = printed[0].body_text
    assert squeeze(PACK.title) in cover and squeeze(PACK_KIND.label) in cover
    assert all(squeeze(e.title) in cover for e in entries)  # the contents
    starts = [
        next(s.number for s in printed if s.body_text.startswith(squeeze(e.title))) for e in entries
    ]
    assert starts == sorted(starts) and len(set(starts)) == len(entries)
    bounds = [*starts, len(printed) + 1]
    for entry, first, after in zip(entries, bounds, bounds[1:], strict=False):
        text = "".join(s.text for s in printed[first - 1 : after - 1])
        assert squeeze(KINDS[entry.kind].label) in text
        assert (
            f"{site_url}{'cases' if entry.kind == 'case' else entry.kind + 's'}/{entry.id}/" in text
        )
        _assert_cites_sources(text, entry)
    _assert_rows_are_whole(printed, PROJECT.entries["anhui-broadcast-network"])
    last = printed[-1].body_text
    assert last.startswith("讨论题") and all(squeeze(q)[:20] in last for q in PACK.questions)


def test_a_printed_reading_list_is_the_same_kind_of_document(print_page, site_url: str) -> None:
    """Entries put on the reading list print as one document in the chosen order: cover with
    contents, each entry in full from a new page, marked on every page."""
    for entry_id in LISTED:
        entry = PROJECT.entries[entry_id]
        print_page.goto(
            f"{site_url}{'cases' if entry.kind == 'case' else entry.kind + 's'}/{entry_id}/"
        )
        print_page.click("[data-kb-list-toggle] button")
    print_page.goto(f"{site_url}reading-list/")
    print_page.wait_for_selector("[data-kb-list-ready=true]", timeout=30_000)
    printed = _save(print_page, "reading-list")
    entries = [PROJECT.entries[entry_id] for entry_id in LISTED]
    _assert_every_page_is_marked(printed)
    _assert_no_page_is_mostly_empty(printed, [e.title for e in entries])
    assert "学习清单" in printed[0].body_text
    starts = [
        next(s.number for s in printed if s.body_text.startswith(squeeze(e.title))) for e in entries
    ]
    assert starts == sorted(starts) and len(set(starts)) == len(entries) and starts[0] > 1
    text = "".join(s.text for s in printed)
    for entry in entries:
        _assert_cites_sources(text, entry)
    _assert_rows_are_whole(printed, PROJECT.entries["anhui-broadcast-network"])
    # The list's own buttons and the lists of other entries stay off the paper.
    assert "上移" not in text and "相关条目" not in text
    assert "下载Word文档" not in text and "记入学习记录" not in text  # the page's own tools
    # A practice's examples print as titles: its sources end its text, not a page alone.
    assert not [s.number for s in printed if s.body_text.startswith("来源")]


def test_the_printed_site_name_is_the_configured_one(print_page, tmp_path) -> None:
    """A site built under another site_name (quotes, a backslash and angle brackets in it)
    prints that name in every page's margin and on top of the first page, not the default."""
    name = '另一个“学习”站点 "甲" \\ <乙>'
    site = build_variant(tmp_path / "site", site_name=name)
    with serve(site) as url:
        printed = _print(print_page, f"{url}cases/{CASE.id}/", "case-other-site-name")
    _assert_every_page_is_marked(printed, name)
    assert printed[0].body_text.startswith(squeeze(name))
    assert squeeze(SITE_NAME) not in "".join(sheet.text for sheet in printed)
