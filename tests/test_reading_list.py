"""学习清单: a reader's own list, kept in the browser, from a web server and from disk."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from generator.model import KIND_FOLDERS
from generator.validate import load_project
from tests.conftest import REPO

PROJECT = load_project(REPO / "content", root=REPO)
CHOSEN = ["anhui-broadcast-network", "fixed-study-day", "county-cadre-team"]


def _entry_url(root: str, entry_id: str, *, offline: bool) -> str:
    folder = KIND_FOLDERS[PROJECT.entries[entry_id].kind]
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
