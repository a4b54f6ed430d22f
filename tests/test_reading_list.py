"""学习清单: a reader's own list, kept in the browser, from a web server and from disk."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.check import load_project
from generator.model import KINDS
from tests.conftest import REPO

PROJECT = load_project(REPO / "content", root=REPO)
CHOSEN = ["anhui-broadcast-network", "fixed-study-day", "county-cadre-team"]
HOSTILE = REPO / "tests" / "fixtures" / "reading-list"
"""Saved lists and frame contents that are damaged or written by someone else, one per file."""
IGNORED_ITEMS = sorted((HOSTILE / "not-entries").glob("*.json"))
"""Lists of items that are not the site's own entries: every item in them is left out."""
NOT_A_LIST = sorted((HOSTILE / "unreadable").glob("*.txt"))
"""Saved values that are not a list at all."""


@pytest.fixture
def page(reader):  # type: ignore[no-untyped-def]
    """The module's one tab, clean for each test: these tests load pages and work them."""
    return reader


def _entry_url(root: str, entry_id: str, *, offline: bool) -> str:
    folder = KINDS[PROJECT.entries[entry_id].kind].folder
    return f"{root}{folder}/{entry_id}.html" if offline else f"{root}{folder}/{entry_id}/"


def _titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        ".kb-reading-list__title", "els => els.map(e => e.textContent)"
    )


def _use_the_list(page, root: str, *, offline: bool) -> None:  # type: ignore[no-untyped-def]
    """Add three entries from their pages, reorder and remove on the list page, and check the
    compiled document follows, in full, in the list's order."""
    for entry_id in CHOSEN:
        page.goto(_entry_url(root, entry_id, offline=offline))
        button = page.locator("[data-kb-list-toggle] button")
        assert (
            button.inner_text() == "加入学习清单"
            and button.get_attribute("aria-pressed") == "false"
        )
        button.click()
        assert button.get_attribute("aria-pressed") == "true"
        assert "已加入学习清单" in button.inner_text()
    page.reload()  # kept across page loads
    assert page.locator("[data-kb-list-toggle] button").get_attribute("aria-pressed") == "true"

    page.goto(root + ("reading-list.html" if offline else "reading-list/"))
    page.wait_for_selector("[data-kb-list-ready=true]", timeout=30_000)
    titles = [PROJECT.entries[i].title for i in CHOSEN]
    assert _titles(page) == titles
    compiled = page.eval_on_selector_all(
        ".kb-compiled__entry", "els => els.map(e => e.getAttribute('data-kb-entry'))"
    )
    assert compiled == CHOSEN
    case = PROJECT.entries["anhui-broadcast-network"]
    full_text = page.evaluate("document.querySelector('[data-kb-list-compiled]').textContent")
    assert case.results.figures[-1].value in full_text  # the entry in full, not a summary
    assert f"《{case.sources[0].title}》" in full_text and "相关条目" not in full_text

    # Move the last entry up, by keyboard; focus stays with it.
    page.focus(f'[data-action="up"][data-position="{len(CHOSEN) - 1}"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-kb-list-ready=true]")
    assert _titles(page) == [titles[0], titles[2], titles[1]]
    assert page.evaluate("document.activeElement.getAttribute('data-position')") == "1"
    page.click('[data-action="remove"][data-position="0"]')
    page.wait_for_selector("[data-kb-list-ready=true]")
    assert _titles(page) == [titles[2], titles[1]]
    assert page.eval_on_selector_all(
        ".kb-compiled__entry", "els => els.map(e => e.getAttribute('data-kb-entry'))"
    ) == [CHOSEN[2], CHOSEN[1]]

    stored = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('kb-reading-list:'))"
        ".map(k => [k, localStorage.getItem(k)])"
    )
    [(key, value)] = stored
    assert key == f"kb-reading-list:{root}"  # one list per copy of the site
    assert [item["id"] for item in json.loads(value)] == [CHOSEN[2], CHOSEN[1]]
    page.goto(_entry_url(root, CHOSEN[0], offline=offline))
    assert page.locator("[data-kb-list-toggle] button").get_attribute("aria-pressed") == "false"


def test_the_reading_list_works_from_the_web_server(page, site_url: str) -> None:
    """Served: the list is kept per site in localStorage and nothing is sent anywhere."""
    _use_the_list(page, site_url, offline=False)
    origin = urlsplit(site_url).netloc
    assert [u for u in page.requests if urlsplit(u).netloc != origin] == []
    assert not [u for u in page.requests if urlsplit(u).query]  # no list smuggled in a URL


def test_the_reading_list_works_from_disk(page, offline_site: str) -> None:
    """Opened from disk (file://), localStorage and the printout's entry frames still work."""
    _use_the_list(page, offline_site, offline=True)
    assert all(u.startswith(("file://", "data:")) for u in page.requests)


def test_an_empty_list_says_how_to_add_entries(page, site_url: str) -> None:
    """With nothing chosen the page explains what to do and offers nothing to print."""
    page.goto(site_url + "reading-list/")
    status = page.locator("[data-kb-list-status]")
    assert "清单是空的" in status.inner_text()
    assert page.locator("[data-kb-list-actions]").is_hidden()


def test_a_removed_entry_prints_a_note_instead_of_breaking(page, site_url: str) -> None:
    """An entry on an old list that the site no longer has prints as a short note."""
    page.goto(site_url + "reading-list/")
    page.evaluate(
        """root => localStorage.setItem('kb-reading-list:' + root,
             JSON.stringify([{id: 'gone', title: '已删除的条目', kind: '典型案例', path: 'cases/gone/'}]))""",
        site_url,
    )
    page.reload()
    page.wait_for_selector("[data-kb-list-ready=true]", timeout=30_000)
    note = page.evaluate("document.querySelector('[data-kb-list-compiled]').textContent")
    assert "未能载入这个条目的全文" in note


def test_the_list_script_stays_within_the_syntax_floor() -> None:
    """kb-list.js avoids syntax newer than the Chromium 69 floor (optional chaining, ??,
    Unicode property escapes) that es-check would reject."""
    script = (REPO / "theme/assets/javascripts/kb-list.js").read_text(encoding="utf-8")
    code = "\n".join(
        line for line in script.splitlines() if not line.strip().startswith(("*", "/*", "//"))
    )
    assert "?." not in code and "??" not in code and "\\p{" not in code


def _list_address(root: str, *, offline: bool) -> str:
    return root + ("reading-list.html" if offline else "reading-list/")


def _open_list_with(page, root: str, stored: str, *, offline: bool) -> None:  # type: ignore[no-untyped-def]
    """Open the reading list with ``stored`` as this site's saved list, once it has compiled."""
    page.goto(_list_address(root, offline=offline))
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)", [f"kb-reading-list:{root}", stored]
    )
    page.reload()
    page.wait_for_selector("[data-kb-list-ready=true]", timeout=30_000)


def _valid_item(*, offline: bool) -> dict[str, str]:
    entry = PROJECT.entries["fixed-study-day"]
    path = _entry_url("", entry.id, offline=offline)
    return {"id": entry.id, "title": entry.title, "kind": "经验做法", "path": path}


def _check_only_the_valid_item_is_used(
    page, root: str, hostile: list[object], *, offline: bool
) -> None:  # type: ignore[no-untyped-def]
    stored = json.dumps([_valid_item(offline=offline), *hostile], ensure_ascii=False)
    _open_list_with(page, root, stored, offline=offline)
    assert page.evaluate("window.kbHacked") is None
    assert _titles(page) == [PROJECT.entries["fixed-study-day"].title]
    assert page.eval_on_selector_all(
        ".kb-compiled__entry", "els => els.map(e => e.getAttribute('data-kb-entry'))"
    ) == ["fixed-study-day"]
    notice = page.locator("[data-kb-list-notice]")
    assert notice.is_visible()
    assert f"有 {len(hostile)} 项已损坏、重复或不是本站的条目，已忽略" in notice.inner_text()
    loaded = [f.url for f in page.frames]
    assert all(u.startswith(root) or u == "about:blank" for u in loaded), loaded
    assert all(u.startswith(root) for u in page.requests if not u.startswith("data:")), (
        page.requests
    )
    assert page.locator("[data-kb-list-print]").is_enabled()


@pytest.mark.parametrize("fixture", IGNORED_ITEMS, ids=[p.stem for p in IGNORED_ITEMS])
def test_saved_items_that_are_not_the_sites_entries_are_ignored(
    page, site_url: str, fixture: Path
) -> None:
    """A saved item naming a script, another site, a local file or a path outside the site is
    never loaded: it is left out with a Chinese notice, and the rest of the list still prints."""
    hostile = json.loads(fixture.read_text(encoding="utf-8"))
    _check_only_the_valid_item_is_used(page, site_url, hostile, offline=False)


def test_saved_items_that_are_not_the_sites_entries_are_ignored_from_disk(
    page, offline_site: str
) -> None:
    """From disk (where every local page shares the saved list), every such item together is
    left out the same way, and nothing but the site's own files is opened."""
    hostile = [
        item for path in IGNORED_ITEMS for item in json.loads(path.read_text(encoding="utf-8"))
    ]
    _check_only_the_valid_item_is_used(page, offline_site, hostile, offline=True)


@pytest.mark.parametrize("fixture", NOT_A_LIST, ids=[p.stem for p in NOT_A_LIST])
def test_a_saved_value_that_is_not_a_list_gives_a_notice(
    page, site_url: str, fixture: Path
) -> None:
    """A saved list that cannot be read leaves an empty list and says so, instead of nothing."""
    _open_list_with(page, site_url, fixture.read_text(encoding="utf-8"), offline=False)
    assert "已损坏，无法读取，已忽略" in page.inner_text("[data-kb-list-notice]")
    assert "清单是空的" in page.inner_text("[data-kb-list-status]")


def test_markup_in_a_saved_title_is_shown_as_text(page, site_url: str) -> None:
    """A saved title or kind holding markup shows as the characters typed; nothing runs."""
    stored = (HOSTILE / "markup-in-text.json").read_text(encoding="utf-8")
    _open_list_with(page, site_url, stored, offline=False)
    [title] = _titles(page)
    assert title.startswith("<img src=x onerror=")
    assert page.inner_text(".kb-reading-list__kind") == "<b>典型案例</b>"
    assert page.locator("[data-kb-reading-list] img, [data-kb-reading-list] b").count() == 0
    assert page.evaluate("window.kbHacked") is None
    assert page.locator("[data-kb-list-notice]").is_hidden()


def test_a_frame_that_answers_with_markup_cannot_script_the_list(page, site_url: str) -> None:
    """What a list's frame hands over is rebuilt from plain elements and text: markup, script,
    handlers, styles and script links in it never reach the page (from disk any local page can
    navigate the list's frames)."""
    impostor = (HOSTILE / "not-the-entry-page.html").read_text(encoding="utf-8")
    page.route(
        _entry_url(site_url, "fixed-study-day", offline=False),
        lambda route: route.fulfill(body=impostor, content_type="text/html; charset=utf-8"),
    )
    _open_list_with(page, site_url, json.dumps([_valid_item(offline=False)]), offline=False)
    compiled = page.locator(".kb-compiled__entry")
    assert page.evaluate("window.kbHacked") is None
    assert compiled.locator("img, script, svg, [onclick], [style]").count() == 0
    assert compiled.locator("a[href]").count() == 0  # neither script nor data: links kept
    assert compiled.locator("p.kb-kept").inner_text() == "<b>写成文字的标记</b>脚本链接数据链接"
    assert compiled.locator("h2").inner_text() == "伪造的标题"
    assert "末尾的文字" in compiled.inner_text()


@pytest.mark.parametrize("offline", [False, True], ids=["served", "disk"])
def test_a_malformed_percent_in_the_address_still_prints(
    page, site_url: str, offline_site: str, offline: bool
) -> None:
    """A hand-edited address with a broken %-escape (?from=%E4%B8) still compiles the list to print."""
    root = offline_site if offline else site_url
    page.goto(_list_address(root, offline=offline))
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"kb-reading-list:{root}", json.dumps([_valid_item(offline=offline)])],
    )
    page.goto(_list_address(root, offline=offline) + "?from=%E4%B8")
    page.wait_for_selector("[data-kb-list-ready=true]", timeout=30_000)
    assert page.locator("[data-kb-list-print]").is_enabled()
    assert "from=%E4%B8" in page.inner_text(".kb-compiled__facts")
