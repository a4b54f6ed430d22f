"""Finding the site in the reader's own writing: a query in Traditional characters finds the
Simplified text, by a character table the build derives from OpenCC and writes into the
site; and the year facet says which year it is."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from generator.check import load_project
from generator.search.documents import search_document
from generator.search.files import FACETS
from generator.segment import folded_characters, normalize
from generator.t2s import converter
from tests.conftest import REPO
from tests.test_search import _explore

PROJECT = load_project(REPO / "content", root=REPO)


def _fold_pairs(site: Path) -> str:
    found = re.fullmatch(
        r'kbSearch\.add\("tokeniser",(.*)\);\n',
        (site / "search" / "tokeniser.js").read_text("utf-8"),
    )
    assert found is not None
    return str(json.loads(found.group(1))["folds"])


def test_the_site_carries_the_table_opencc_gives(real_site: Path) -> None:
    """search/tokeniser.js holds, pair by pair, what OpenCC makes of each character on its own:
    学 for 學, 党 for 黨, and thousands more, none kept by hand."""
    pairs = _fold_pairs(real_site)
    assert pairs == folded_characters()
    sources, targets = pairs[0::2], pairs[1::2]
    assert (
        len(sources) > 2000
        and {"學": "学", "黨": "党", "習": "习"}.items()
        <= dict(zip(sources, targets, strict=True)).items()
    )
    assert converter().convert("\n".join(sources)).split("\n") == list(targets)


def test_a_traditional_query_finds_the_simplified_text(reader, site_url: str) -> None:
    """學習型黨組織 finds every entry 学习型党组织 finds, in the same order, and marks the
    Simplified words it matched."""
    simplified = _explore(reader, site_url, "q=" + quote("学习型党组织"))
    traditional = _explore(reader, site_url, "q=" + quote("學習型黨組織"))
    assert len(simplified) >= 5 and traditional == simplified
    assert reader.locator(".kb-result__title mark").first.inner_text() == "学习型党组织"


def test_a_traditional_query_works_from_disk_in_the_header(reader, offline_site: str) -> None:
    """From the offline copy, 安徽广电传输发射 typed in Traditional in the header box finds the case."""
    reader.goto(offline_site + "index.html")
    reader.fill("header input[type=search]", "安徽廣電傳輸發射")
    reader.wait_for_selector("[data-search-result]")
    first = reader.locator("[data-search-result]").first.get_attribute("href")
    assert first is not None and first.endswith("cases/anhui-broadcast-network.html")
    assert all(url.startswith("file://") for url in reader.requests), reader.requests


def test_traditional_text_in_an_entry_is_found_by_a_simplified_query() -> None:
    """Both halves fold: an entry that kept a Traditional word is indexed under its
    Simplified form, so the query 学习 finds 學習."""
    assert normalize("學習制度與計畫") == normalize("学习制度与计画")
    assert "学习" in normalize("創建學習型黨組織")


def test_the_year_facet_is_the_publication_year() -> None:
    """The year facet is named for what it holds, the year the sources were published, for
    a case as for any entry, even where the case's own period names another year."""
    assert dict(FACETS)["year"] == "发布年份"
    case = PROJECT.entries["anhui-broadcast-network"]
    dated = case.model_copy(update={"period": "2008年至2010年"})
    published = min(s.published.year for s in case.sources if s.published)
    assert published != 2008
    assert search_document(dated, directory_urls=True).year == published
