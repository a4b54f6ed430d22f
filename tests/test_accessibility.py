"""What readers using a keyboard, a phone, a screen reader or an old monitor meet: axe-core on
every kind of page at both widths, keyboard paths with a visible focus ring, phone layouts,
and screenshots of every kind of page in test-results/pages/ to look at."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import REPO
from tests.served import Requests, serve
from tests.site_pages import HEIGHT, PAGES, WIDTHS

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-results" / "pages"

FOCUS_RING = """() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    return {
        tag: e.tagName, text: (e.textContent || e.value || '').trim().slice(0, 40),
        cls: String(e.className), id: e.id,
        ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) ||
              (s.boxShadow !== 'none' && s.boxShadow !== ''),
        shown: r.width > 0 && r.height > 0,
    };
}"""
"""The focused element, and whether it shows a ring (an outline or a box shadow)."""


@pytest.fixture(scope="module")
def served(real_site: Path) -> Iterator[str]:
    """The real site served with its 404 page for unknown addresses."""
    with serve(real_site) as url:
        yield url


@pytest.fixture
def tab(reader) -> object:
    """A clean tab at desktop size: the module's one tab, which each test loads afresh."""
    reader.set_viewport_size({"width": WIDTHS["desktop"], "height": HEIGHT})
    return reader


def _open(tab, url: str) -> None:
    """Load a page and wait until its scripts have filled it in (search results, lists)."""
    requests = _REQUESTS.get(tab) or _REQUESTS.setdefault(tab, Requests(tab))
    tab.goto(url)
    requests.settle()
    if tab.locator("[data-kb-explorer]").count():
        tab.wait_for_selector("[data-kb-explorer] [data-search-result]")


_REQUESTS: weakref.WeakKeyDictionary[object, Requests] = weakref.WeakKeyDictionary()
"""Each tab's request watcher, made when the tab opens its first page."""


def _axe(tab) -> list[dict]:
    """axe-core's serious and critical violations on the open page."""
    if not AXE.is_file():
        pytest.fail(
            f"没有找到 {AXE}：请先运行 bash scripts/bootstrap.sh --browser（用 npm ci 安装 axe-core）。"
        )
    tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"rule": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


class _Visit(NamedTuple):
    """What one load of a kind of page at one width showed."""

    path: str
    """The address's path the tab ended on."""
    screenshot: Path
    violations: list[dict]


@pytest.fixture(scope="module")
def visits(served: str) -> dict[tuple[str, str], _Visit]:
    """Each kind of page at each width is loaded once for the module: photographed as it
    opened, then checked by axe-core; the tests of either read what that load showed."""
    return {}


def _visit(
    visits: dict[tuple[str, str], _Visit], tab, served: str, name: str, width: str
) -> _Visit:
    if (name, width) not in visits:
        tab.set_viewport_size({"width": WIDTHS[width], "height": HEIGHT})
        _open(tab, served + PAGES[name])
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{name}-{width}.png"
        tab.screenshot(path=str(shot), full_page=True)
        visits[name, width] = _Visit(urlsplit(tab.url).path, shot, _axe(tab))
    return visits[name, width]


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violation(tab, served: str, visits, name: str, width: str) -> None:
    """axe-core finds no serious or critical violation on each kind of page, desktop and phone."""
    assert _visit(visits, tab, served, name, width).violations == []


def test_axe_catches_poor_contrast(tab, served: str) -> None:
    """The check can fail: Material's own red (#ef5552) put back on links is reported."""
    _open(tab, served)
    tab.add_style_tag(content=".md-typeset a { color: #ef5552 !important; }")
    assert any(v["rule"] == "color-contrast" for v in _axe(tab))


def _ratio(tab, selector: str, background: str) -> float:
    """Contrast of the text colour of ``selector`` on the (opaque) colour of ``background``."""
    return tab.evaluate(
        """([selector, background]) => {
            const rgb = c => c.match(/[\\d.]+/g).map(Number);
            const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
                .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
                .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
            const over = (top, below) => {
                const a = top.length > 3 ? top[3] : 1;
                return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a));
            };
            const find = s => document.querySelector(s);
            const page = rgb(getComputedStyle(document.body).backgroundColor);
            let back = page;
            const chain = [];
            for (let e = find(background); e; e = e.parentElement) chain.unshift(e);
            for (const e of chain) {
                const c = rgb(getComputedStyle(e).backgroundColor);
                if (c.length < 4 || c[3] > 0) back = over(c, back);
            }
            const fore = over(rgb(getComputedStyle(find(selector)).color), back);
            const [hi, lo] = [lum(fore), lum(back)].sort((a, b) => b - a);
            return (hi + 0.05) / (lo + 0.05);
        }""",
        [selector, background],
    )


def test_text_colours_pass_aa(tab, served: str) -> None:
    """Header title, links, entry titles, the 检索 button and tags have 4.5:1 contrast or more."""
    _open(tab, served + PAGES["case"])
    ratios = {
        "header title": _ratio(tab, ".md-header__topic .md-ellipsis", ".md-header"),
        "tag in metadata box": _ratio(tab, ".kb-meta a.kb-tag", ".kb-meta a.kb-tag"),
        "breadcrumb link": _ratio(tab, ".kb-breadcrumb a", ".kb-breadcrumb"),
    }
    _open(tab, served + PAGES["theme"])
    ratios["entry title"] = _ratio(tab, "a.kb-entry__title", "a.kb-entry__title")
    _open(tab, served + PAGES["explorer"])
    ratios["检索 button"] = _ratio(
        tab, ".kb-explorer__form .md-button", ".kb-explorer__form .md-button"
    )
    assert all(r >= 4.5 for r in ratios.values()), ratios


# --- keyboard ----------------------------------------------------------------------------


def _tab_to(tab, selector: str, *, limit: int = 40) -> list[dict]:
    """Press Tab until ``selector`` has focus; every element passed on the way, as FOCUS_RING sees it."""
    passed = []
    for _ in range(limit):
        tab.keyboard.press("Tab")
        passed.append(tab.evaluate(FOCUS_RING))
        if tab.evaluate("s => document.activeElement.matches(s)", selector):
            return passed
    raise AssertionError(f"{selector} never got focus; passed {passed}")


def _assert_ring(steps: list[dict]) -> None:
    """Every element focused on the way (and shown) has a visible focus ring."""
    without = [step for step in steps if step["shown"] and not step["ring"]]
    assert without == [], without


def test_keyboard_alone_opens_a_search_result(tab, served: str) -> None:
    """From page load: Tab to the search box, type, arrows through every result, Escape, Enter."""
    _open(tab, served)
    steps = _tab_to(tab, "header input[type=search]")
    assert steps[0]["text"] == "跳到正文"
    tab.keyboard.type("学习")
    tab.wait_for_selector(".kb-search__panel [data-search-result]")
    tab.wait_for_timeout(300)  # the last keystroke's answer
    stops = tab.eval_on_selector_all(
        ".kb-search__panel [data-search-result], .kb-search__panel .kb-results__more:not([hidden])",
        "els => els.map(e => e.href || e.textContent.trim())",
    )
    assert len(stops) >= 3, stops
    for stop in stops:
        tab.keyboard.press("ArrowDown")
        step = tab.evaluate(FOCUS_RING)
        steps.append(step)
        focused = tab.evaluate(
            "() => document.activeElement.href || document.activeElement.textContent.trim()"
        )
        assert focused == stop
    tab.keyboard.press("ArrowDown")  # past the last it stays there
    assert (
        tab.evaluate(
            "() => document.activeElement.href || document.activeElement.textContent.trim()"
        )
        == stops[-1]
    )
    for _ in stops:
        tab.keyboard.press("ArrowUp")
    assert tab.evaluate("() => document.activeElement.matches('header input[type=search]')")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Escape")
    assert tab.locator(".kb-search__panel").is_hidden()
    assert tab.evaluate("() => document.activeElement.matches('header input[type=search]')")
    tab.keyboard.press("ArrowDown")
    assert tab.locator(".kb-search__panel").is_visible()
    steps.append(tab.evaluate(FOCUS_RING))
    target = tab.evaluate("() => document.activeElement.href")
    _assert_ring(steps)
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url == target and tab.locator("article h1").count() == 1


def test_keyboard_alone_works_the_explorer_facets(tab, served: str) -> None:
    """On the explorer, Space and Enter on facets filter the results and keep focus on the facet."""
    _open(tab, served + "explorer/")
    steps = _tab_to(tab, "button.kb-facet__option")
    first = tab.evaluate(
        "() => [document.activeElement.dataset.facet, document.activeElement.dataset.value]"
    )
    total = tab.inner_text(".kb-explorer__body .kb-search__status")
    tab.keyboard.press("Space")
    tab.wait_for_function(
        "t => document.querySelector('.kb-explorer__body .kb-search__status').textContent !== t",
        arg=total,
    )
    pressed = f"button[data-facet='{first[0]}'][data-value='{first[1]}']"
    assert tab.get_attribute(pressed, "aria-pressed") == "true"
    assert tab.evaluate("s => document.activeElement.matches(s)", pressed)
    steps.append(tab.evaluate(FOCUS_RING))
    steps += _tab_to(tab, "button.kb-facet__option[data-facet='theme']")
    second = tab.evaluate("() => document.activeElement.dataset.value")
    tab.keyboard.press("Enter")
    tab.wait_for_function("v => location.hash.includes('theme=' + v)", arg=second)
    assert tab.evaluate(
        "v => document.activeElement.dataset.value === v && document.activeElement.getAttribute('aria-pressed') === 'true'",
        second,
    )
    steps.append(tab.evaluate(FOCUS_RING))
    _assert_ring(steps)


def test_keyboard_opens_the_folded_filters_on_a_phone(tab, served: str) -> None:
    """On a phone the explorer's filters are folded; Enter on 筛选 opens them, Space chooses one."""
    tab.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
    _open(tab, served + "explorer/")
    assert tab.locator("button.kb-facet__option").first.is_hidden()
    steps = _tab_to(tab, ".kb-explorer__filters > summary")
    tab.keyboard.press("Enter")
    steps += _tab_to(tab, "button.kb-facet__option")
    tab.keyboard.press("Space")
    tab.wait_for_function("() => document.activeElement.getAttribute('aria-pressed') === 'true'")
    assert "已选 1 项" in tab.inner_text(".kb-explorer__filters > summary")
    steps.append(tab.evaluate(FOCUS_RING))
    _assert_ring(steps)


@pytest.mark.parametrize(
    "name", ["case", "practice", "material", "explorer", "matrix", "org-type-empty", "404"]
)
def test_skip_link_lands_on_the_title(tab, served: str, name: str) -> None:
    """跳到正文 is the first stop on the page and lands at the article's start, its title first."""
    _open(tab, served + PAGES[name])
    tab.keyboard.press("Tab")
    step = tab.evaluate(FOCUS_RING)
    assert step["text"] == "跳到正文" and step["ring"] and step["shown"], step
    tab.keyboard.press("Enter")
    landed = tab.evaluate(
        """() => {
            const e = document.activeElement;
            const first = e.querySelector('h1, h2, h3');
            return {id: e.id, first: first && first.tagName, top: first && first.getBoundingClientRect().top};
        }"""
    )
    assert landed["id"] == "kb-main" and landed["first"] == "H1", landed
    assert 0 <= landed["top"] < HEIGHT / 2, landed
    tab.keyboard.press("Tab")  # the next stop is inside the article
    assert tab.evaluate("() => document.getElementById('kb-main').contains(document.activeElement)")


def test_explorer_search_landmarks_have_distinct_names(tab, served: str) -> None:
    """The explorer's two search forms are landmarks with different names."""
    _open(tab, served + "explorer/")
    names = tab.eval_on_selector_all(
        "[role=search]", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert len(names) == 2 and all(names) and len(set(names)) == 2, names


# --- where am I ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("case", "典型案例"),
        ("practice", "经验做法"),
        ("material", "学习资料"),
        ("theme", "按主题浏览"),
        ("org-type", "按组织类型浏览"),
    ],
)
def test_navigation_marks_the_section(tab, served: str, name: str, section: str) -> None:
    """On entry, theme and organization-type pages the left navigation marks their section, in bold."""
    _open(tab, served + PAGES[name])
    marked = tab.eval_on_selector_all(
        ".md-nav--primary .md-nav__item--active > .md-nav__link",
        "els => els.map(e => [e.textContent.trim(), getComputedStyle(e).fontWeight])",
    )
    assert marked == [[section, "700"]]


def test_phone_header_shows_the_whole_site_name(tab, served: str) -> None:
    """On a 390-pixel phone the header shows the site's name in full, and the search box opens wide."""
    tab.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
    _open(tab, served + PAGES["case"])
    title = tab.evaluate(
        """() => {
            const e = document.querySelector('.md-header__topic .md-ellipsis');
            const text = document.createRange();
            text.selectNodeContents(e);
            // The text's own width against its box's (not scrollWidth: both are rounded).
            const needed = text.getBoundingClientRect().width, room = e.getBoundingClientRect().width;
            return {text: e.textContent.trim(), cut: needed > room + 0.01, needed, room};
        }"""
    )
    assert title["text"] == "学习型党组织建设知识库" and not title["cut"], title
    tab.focus("header input[type=search]")
    width = tab.evaluate(
        "() => document.querySelector('header input[type=search]').getBoundingClientRect().width"
    )
    assert width >= 0.7 * WIDTHS["phone"]


def test_phone_explorer_shows_the_number_found_on_the_first_screen(tab, served: str) -> None:
    """On a phone the explorer's “找到 N 个条目” is on the first screen; the filters are folded."""
    tab.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
    _open(tab, served + "explorer/#q=" + quote("学习"))
    status = tab.locator(".kb-explorer__body .kb-search__status")
    assert status.inner_text().startswith("找到 ")
    assert status.bounding_box()["y"] + status.bounding_box()["height"] <= HEIGHT
    assert tab.locator(".kb-explorer__filters").get_attribute("open") is None
    tab.set_viewport_size({"width": WIDTHS["desktop"], "height": HEIGHT})
    tab.wait_for_function("() => document.querySelector('.kb-explorer__filters').open")


def test_phone_matrix_says_it_scrolls_and_keeps_the_theme_column(tab, served: str) -> None:
    """On a phone the matrix says it scrolls, can be scrolled by keyboard, and keeps its theme column."""
    tab.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
    _open(tab, served + PAGES["matrix"])
    assert tab.locator(".kb-matrix-hint").is_visible()
    box = tab.locator(".kb-matrix-wrap")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    before = tab.evaluate(
        "() => document.querySelector('.kb-matrix tbody th').getBoundingClientRect().left"
    )
    box.focus()
    assert tab.evaluate(FOCUS_RING)["ring"]
    scrolled = tab.evaluate(
        "() => { const b = document.querySelector('.kb-matrix-wrap'); b.scrollLeft = 400; return b.scrollLeft; }"
    )
    after = tab.evaluate(
        "() => document.querySelector('.kb-matrix tbody th').getBoundingClientRect().left"
    )
    assert scrolled > 100 and abs(after - before) < 1, (scrolled, before, after)
    tab.set_viewport_size({"width": WIDTHS["desktop"], "height": HEIGHT})
    tab.wait_for_function(
        "() => !document.querySelector('.kb-matrix-wrap').hasAttribute('tabindex')"
    )
    assert tab.locator(".kb-matrix-hint").is_hidden()


@pytest.mark.parametrize("name", ["home", "case", "theme", "explorer", "guide"])
def test_no_justified_text_on_a_phone(tab, served: str, name: str) -> None:
    """On a phone no text is justified; on a desktop only running paragraphs are, never cards or cells."""
    narrow = """() => [...document.querySelectorAll('article *')]
        .filter(e => getComputedStyle(e).textAlign === 'justify').map(e => e.tagName + '.' + e.className)"""
    tab.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
    _open(tab, served + PAGES[name])
    assert tab.evaluate(narrow) == []
    tab.set_viewport_size({"width": WIDTHS["desktop"], "height": HEIGHT})
    boxed = tab.evaluate(
        """() => [...document.querySelectorAll('article .kb-card, article li, article td, article th, article dd')]
            .filter(e => getComputedStyle(e).textAlign === 'justify').map(e => e.tagName + '.' + e.className)"""
    )
    assert boxed == []


# --- dead ends -----------------------------------------------------------------------------


def test_home_cards_never_lead_to_an_empty_page(tab, served: str) -> None:
    """Cards of themes and types without entries are not links and say so; every linked card has entries."""
    _open(tab, served)
    empty = tab.eval_on_selector_all(
        "li.kb-card--empty", "els => els.map(e => [e.querySelector('a') === null, e.textContent])"
    )
    assert empty and all(no_link and "暂无条目" in text for no_link, text in empty), empty
    links = tab.eval_on_selector_all(
        "#by-theme + ul a.kb-card__title, #by-org-type + ul a.kb-card__title",
        "els => els.map(a => a.href)",
    )
    for link in links:
        tab.goto(link)
        assert tab.locator("li.kb-entry").count() > 0, link


def test_an_empty_listing_says_where_to_look(tab, served: str) -> None:
    """A listing without entries points to the other categories, the explorer and the editors' guide."""
    _open(tab, served + PAGES["org-type-empty"])
    links = tab.eval_on_selector_all(".kb-empty a", "els => els.map(a => new URL(a.href).pathname)")
    assert sorted(links) == ["/explorer/", "/guide/", "/org-types/"]


# --- what it looks like --------------------------------------------------------------------


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_screenshots_of_every_kind_of_page(tab, served: str, visits, width: str) -> None:
    """Each kind of page is photographed at desktop and phone width into test-results/pages/."""
    for name, address in PAGES.items():
        visit = _visit(visits, tab, served, name, width)
        assert visit.path == urlsplit(served + address).path
        assert visit.screenshot.stat().st_size > 10_000, visit.screenshot
