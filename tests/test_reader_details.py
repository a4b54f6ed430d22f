"""Small things readers noticed: no slanted Chinese, the overview's figures as a plain fold,
search boxes whose hint fits a phone, guide headings with anchors of their own words, and
summaries that say what an entry is about rather than how it was edited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.check import load_project
from tests.conftest import REPO
from tests.served import serve
from tests.site_pages import HEIGHT, PAGES, WIDTHS

PROJECT = load_project(REPO / "content", root=REPO)

SLANTED_CHINESE = """() => [...document.querySelectorAll('body *')].filter(e => {
    const own = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.nodeValue).join('');
    return /[\\u4e00-\\u9fff]/.test(own) && e.getClientRects().length
        && getComputedStyle(e).fontStyle !== 'normal';
}).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 20))"""
"""Elements showing Chinese text of their own in italic or oblique type."""


@pytest.fixture(scope="module")
def served(real_site: Path) -> Iterator[str]:
    """The real site served with its 404 page for unknown addresses."""
    with serve(real_site) as url:
        yield url


@pytest.fixture
def tab(reader):  # type: ignore[no-untyped-def]
    """The module's shared tab, as wide as an office desktop."""
    reader.set_viewport_size({"width": WIDTHS["desktop"], "height": HEIGHT})
    return reader


def test_no_chinese_text_is_slanted(tab, served: str) -> None:
    """Chinese has no italic: no page shows Chinese text in a synthetic slant (the overview's
    chart captions were)."""
    slanted = {}
    for name, address in PAGES.items():
        tab.goto(served + address)
        tab.wait_for_load_state("load")
        found = tab.evaluate(SLANTED_CHINESE)
        if found:
            slanted[name] = found
    assert slanted == {}


def test_the_overview_figures_fold_plainly(tab, served: str) -> None:
    """查看数据表 is a plain fold (no box, no border, no pencil icon) that opens the table."""
    tab.goto(served + "overview/")
    fold = tab.evaluate(
        """() => {
            const d = document.querySelector('.kb-chart__data');
            const s = getComputedStyle(d), icon = getComputedStyle(d.querySelector('summary'), '::before');
            return {border: s.borderLeftWidth, shadow: s.boxShadow, icon: icon.display};
        }"""
    )
    assert fold == {"border": "0px", "shadow": "none", "icon": "none"}
    tab.click(".kb-chart__data > summary >> nth=0")
    assert tab.locator(".kb-chart__data table").first.is_visible()


@pytest.mark.parametrize("name", ["explorer", "404"])
def test_the_search_hint_fits_a_phone(tab, served: str, name: str) -> None:
    """On a 390-pixel phone the explorer's and the 404 page's search boxes show their whole hint."""
    tab.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
    tab.goto(served + PAGES[name])
    room, needed = tab.evaluate(
        """() => {
            const box = document.querySelector('.kb-explorer__input'), s = getComputedStyle(box);
            const context = document.createElement('canvas').getContext('2d');
            context.font = s.fontSize + ' ' + s.fontFamily;
            const room = box.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
            return [room, context.measureText(box.placeholder).width];
        }"""
    )
    assert needed <= room, (needed, room)


def test_guide_headings_are_anchored_by_their_words(tab, served: str) -> None:
    """The guide's headings have anchors of their own words (#从已有材料导入, as GitHub gives
    CONTRIBUTING.md), not #_2; the README's link into the guide lands on its heading."""
    tab.goto(served + "guide/")
    ids = tab.eval_on_selector_all("article h2[id], article h3[id]", "els => els.map(e => e.id)")
    assert ids and not [i for i in ids if re.fullmatch(r"_\d+", i)]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    anchors = re.findall(r"\(CONTRIBUTING\.md#([^)]+)\)", readme)
    assert anchors and set(anchors) <= set(ids)
    tab.goto(served + "guide/#" + anchors[0])
    assert tab.evaluate(
        "document.getElementById(decodeURIComponent(location.hash.slice(1))) !== null"
    )


def test_summaries_carry_no_editorial_notes() -> None:
    """A summary shows in every listing and search result, so it says what the entry is
    about; notes on what the source lacks (原文…、本条…) belong in the entry's text."""
    noted = {
        item.id: item.summary
        for item in [*PROJECT.entries.values(), *PROJECT.packs.values()]
        if re.search(r"原文|本条|按字面", item.summary)
    }
    assert noted == {}
