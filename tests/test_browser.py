"""What a reader sees: the built site served on localhost, in headless Chromium."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO

SCREENSHOTS = REPO / "test-results"

SEARCH_EXAMPLES = [
    ("中心组", ["cases/wangcun-community/"]),
    ("零秒停播", ["cases/anhui-broadcast-network/"]),
    ("导学", ["practices/five-study-measures/"]),
]


def _assert_stayed_local(page, site_url: str) -> None:
    origin = urlsplit(site_url).netloc
    outside = [
        url
        for url in page.requests
        if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != origin
    ]
    assert outside == [], outside


def _search(page, site_url: str, query: str) -> list[str]:
    """Type into the header's search box; the site paths of the results it lists."""
    page.goto(site_url)
    page.fill("header input[type=search]", query)
    page.wait_for_selector("[data-search-result]", timeout=15_000)
    links = page.eval_on_selector_all("[data-search-result]", "els => els.map(a => a.href)")
    return [urlsplit(link).path.lstrip("/") for link in links]


def test_home_page_leads_in_by_kind_theme_and_type(reader, site_url: str) -> None:
    """The home page explains the site and lists kinds, themes and organization types with counts."""
    reader.goto(site_url)
    assert reader.inner_text("article h1") == "学习型党组织建设知识库"
    assert "共收录" in reader.inner_text(".kb-stats")
    sections = {
        h: reader.locator(f"#{h} + ul.kb-cards > li").count()
        for h in ["by-kind", "by-theme", "by-org-type"]
    }
    assert sections == {"by-kind": 3, "by-theme": 9, "by-org-type": 9}
    counts = reader.eval_on_selector_all(
        "#by-kind + ul .kb-card__count", "els => els.map(e => e.textContent)"
    )
    assert all(c.endswith("个") and int(c.split()[0]) > 0 for c in counts)
    _assert_stayed_local(reader, site_url)


def test_theme_page_lists_entries_and_leads_to_them(reader, site_url: str) -> None:
    """A theme page lists entries with kind and summary; clicking one opens the entry."""
    reader.goto(site_url + "themes/learning-philosophy/")
    items = reader.locator("li.kb-entry")
    assert items.count() >= 3
    first = items.first
    assert first.locator(".kb-badge").inner_text() in {"典型案例", "经验做法", "学习资料"}
    assert first.locator(".kb-entry__summary").inner_text().strip()
    title = first.locator("a.kb-entry__title").inner_text()
    first.locator("a.kb-entry__title").click()
    reader.wait_for_load_state()
    assert reader.inner_text("article h1") == title
    _assert_stayed_local(reader, site_url)


def test_matrix_cells_lead_to_their_entries(reader, site_url: str) -> None:
    """Each non-empty matrix cell links to the theme page section of that organization type."""
    reader.goto(site_url + "matrix/")
    cell = reader.locator("a.kb-matrix__cell").first
    count = int(cell.inner_text())
    cell.click()
    reader.wait_for_load_state()
    anchor = urlsplit(reader.url).fragment
    assert anchor.startswith("org-")
    assert reader.locator(f"#{anchor} + ul.kb-entry-list > li").count() == count


def test_case_page_shows_its_structured_parts(reader, site_url: str) -> None:
    """A case page has the parts national case calls ask for, and its source."""
    reader.goto(site_url + "cases/anhui-broadcast-network/")
    headings = reader.eval_on_selector_all(
        "article h2", "els => els.map(e => e.textContent.trim())"
    )
    for part in ["背景与起因", "做法与经过", "成效与反响", "经验启示", "来源"]:
        assert part in headings
    assert reader.locator("table.kb-figures tbody tr").count() >= 10
    sources = reader.inner_text("#sources + ul")
    assert "《建设学习型政党工作计划》" in sources and "2022年7月20日" in sources
    assert "003_423ab4b469f58249.txt" not in sources  # the file name is for editors only


@pytest.mark.parametrize(
    ("query", "expected"), SEARCH_EXAMPLES, ids=[q for q, _ in SEARCH_EXAMPLES]
)
def test_search_finds_chinese_terms(reader, site_url: str, query: str, expected: list[str]) -> None:
    """Typing a Chinese term into the search box lists the entry that contains it."""
    found = _search(reader, site_url, query)
    for path in expected:
        assert path in found, (query, found)
    _assert_stayed_local(reader, site_url)


def test_search_for_lifelong_learning_finds_several_entries(reader, site_url: str) -> None:
    """终身学习 appears in several entries and search lists several of them."""
    found = {path for path in _search(reader, site_url, "终身学习") if path.count("/") == 2}
    assert len(found) >= 3, found


def test_search_result_opens_the_entry(reader, site_url: str) -> None:
    """Clicking a search result opens the matching entry page."""
    _search(reader, site_url, "零秒停播")
    reader.click("[data-search-result] >> nth=0")
    reader.wait_for_load_state()
    assert urlsplit(reader.url).path.startswith("/cases/anhui-broadcast-network/")
    assert "零秒停播" in reader.inner_text("article")


def test_chinese_typography_uses_system_fonts(reader, site_url: str) -> None:
    """Body text uses the Chinese system font stack with generous line height; screenshot kept."""
    reader.set_viewport_size({"width": 1280, "height": 900})
    reader.goto(site_url + "cases/wangcun-community/")
    style = reader.evaluate(
        """() => {
            const p = document.querySelector('article p:not(.kb-breadcrumb)');
            const s = getComputedStyle(p);
            return {font: s.fontFamily, size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight),
                    width: p.getBoundingClientRect().width};
        }"""
    )
    assert style["font"].startswith('"Microsoft YaHei"') and "Noto Sans CJK SC" in style["font"]
    assert style["line"] / style["size"] >= 1.7
    assert style["width"] / style["size"] <= 41  # about 40 Chinese characters per line
    fonts = reader.evaluate("() => [...document.fonts].map(f => f.family)")
    assert fonts == []  # no web fonts at all
    SCREENSHOTS.mkdir(exist_ok=True)
    reader.screenshot(path=str(SCREENSHOTS / "case-page.png"), full_page=False)
    _assert_stayed_local(reader, site_url)


@pytest.mark.parametrize(
    "path", ["", "cases/anhui-broadcast-network/", "matrix/", "themes/institutions/"]
)
def test_pages_fit_a_phone_screen(reader, site_url: str, path: str) -> None:
    """On a 390-pixel phone screen no page scrolls sideways; wide tables scroll inside themselves."""
    reader.set_viewport_size({"width": 390, "height": 800})
    reader.goto(site_url + path)
    widths = reader.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


def test_figures_table_keeps_labels_readable(reader, site_url: str) -> None:
    """Figure labels keep at least a third of the table's width instead of one character a line."""
    reader.goto(site_url + "cases/wangcun-community/")
    ratios = reader.eval_on_selector_all(
        "table.kb-figures tbody tr",
        """rows => rows.map(r => r.cells[0].getBoundingClientRect().width /
                               r.getBoundingClientRect().width)""",
    )
    assert ratios and min(ratios) >= 1 / 3, ratios
