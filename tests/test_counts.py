"""Counts of entries and study packs: one definition (generator.report.count_phrase), said the
same way on the home page, the overview, the explorer and the header's search."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from generator.check import load_project
from generator.report import count_phrase
from generator.search import SEARCH_DIR
from tests.conftest import REPO

PROJECT = load_project(REPO / "content", root=REPO)
ENTRIES, PACKS = len(PROJECT.entries), len(PROJECT.packs)


def _status(page, where: str) -> str:  # type: ignore[no-untyped-def]
    status = page.locator(f"{where} .kb-search__status")
    status.wait_for()
    page.wait_for_function(
        "where => document.querySelector(where + ' ol.kb-results')?.dataset.query !== undefined",
        arg=where,
    )
    return status.inner_text()


def test_the_sample_content_has_entries_and_packs() -> None:
    """The checks below mean something only if both kinds of thing exist."""
    assert ENTRIES > 0 and PACKS > 0


def test_pages_count_entries_and_packs_apart(reader, site_url: str) -> None:
    """The home page and the overview give the entries and the study packs, never their sum."""
    said = count_phrase(ENTRIES, PACKS)
    assert said == f"{ENTRIES} 个条目、{PACKS} 个学习专题"
    reader.goto(site_url)
    assert reader.inner_text(".kb-stats").startswith(f"共收录 {said}。")
    reader.goto(site_url + "overview/")
    assert f"共收录 {said}。" in reader.inner_text(".kb-page--overview .kb-lead")


def test_the_explorer_counts_as_the_home_page_does(reader, site_url: str) -> None:
    """Browsing everything, only packs or only cases, the explorer's count reads as the home
    page's: "13 个条目、2 个学习专题", "2 个学习专题", "2 个条目"."""
    cases = sum(1 for e in PROJECT.entries.values() if e.kind == "case")
    for state, entries, packs in [
        ("", ENTRIES, PACKS),
        ("kind=pack", 0, PACKS),
        ("kind=case", cases, 0),
    ]:
        reader.goto("about:blank")
        reader.goto(f"{site_url}explorer/#{state}")
        assert _status(reader, ".kb-explorer__body") == "共 " + count_phrase(entries, packs), state


def test_a_query_counts_its_entries_and_packs_apart(reader, site_url: str, real_site: Path) -> None:
    """The header's search says how many entries and packs it found, without loading the facet
    table: the manifest lists which numbers are packs."""
    manifest = (real_site / SEARCH_DIR / "manifest.js").read_text(encoding="utf-8")
    packs = set(json.loads(manifest[manifest.index(",") + 1 : manifest.rindex(")")])["packs"])
    reader.goto(site_url)
    found = set(reader.evaluate("q => kbSearch.search(q)", "学习"))
    assert found & packs and found - packs  # the query finds both
    reader.fill("header input[type=search]", "学习")
    said = count_phrase(len(found - packs), len(found & packs))
    assert _status(reader, "header") == "找到 " + said
    assert not any(url.endswith("/search/facets.js") for url in reader.requests)
    reader.goto(f"{site_url}explorer/#q={quote('学习')}")
    assert _status(reader, ".kb-explorer__body") == "找到 " + said


def test_the_browser_phrase_is_the_python_one(reader, site_url: str) -> None:
    """kb-search.js words every combination of counts exactly as count_phrase does."""
    pairs = [(0, 0), (1, 0), (0, 1), (13, 2), (1, 1), (100_000, 3), (0, 25)]
    reader.goto(site_url)
    said = reader.evaluate(
        "pairs => Promise.all(pairs.map(p => kbSearch.countPhrase(p[0], p[1])))", pairs
    )
    assert said == [count_phrase(e, p) for e, p in pairs]
