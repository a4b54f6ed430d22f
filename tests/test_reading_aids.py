"""Reading made easier: 大字 (large type) on every page, and reading an entry aloud with the
browser's own speech synthesis, served and from disk.

Headless Chromium here has speech synthesis but no voice at all, so the tests that press
the reading controls give the page a stand-in Chinese voice (``FAKE_VOICE``) that records
what it is asked to say; one test checks what the real browser offers as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from generator.check import load_project
from tests.conftest import REPO, SharedContext
from tests.site_pages import HEIGHT, WIDTHS
from tests.test_accessibility import AXE

PROJECT = load_project(REPO / "content", root=REPO)
CASE = PROJECT.entries["anhui-broadcast-network"]

FAKE_VOICE = """
(() => {
  const said = [];
  const fake = {
    said, cancelled: 0, current: null,
    getVoices: () => [{name: '英语', lang: 'en-US'}, {name: '普通话', lang: 'zh-CN'}],
    speak(u) { said.push(u.text); fake.current = u; },
    cancel() { fake.cancelled++; fake.current = null; },
    pause() {}, resume() {}, addEventListener() {},
    finish() { const u = fake.current; fake.current = null; if (u && u.onend) u.onend({}); },
  };
  Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"""
"""A Chinese voice that says nothing: it keeps what it was given; ``finish()`` ends the
passage being read, as an engine does when it has said it."""


@pytest.fixture
def tab(reader):  # type: ignore[no-untyped-def]
    """A desktop tab with no voice of its own besides the browser's."""
    reader.set_viewport_size({"width": WIDTHS["desktop"], "height": HEIGHT})
    return reader


@pytest.fixture(scope="module")
def voiced_context(browser) -> Iterator[SharedContext]:
    """A second browser context for the module, whose browser has a Chinese voice."""
    shared = SharedContext(browser)
    shared.context.add_init_script(FAKE_VOICE)
    yield shared
    shared.context.close()


@pytest.fixture
def voiced(voiced_context):  # type: ignore[no-untyped-def]
    """A clean desktop tab whose browser has a Chinese voice (:data:`FAKE_VOICE`)."""
    tab = voiced_context.reused_tab()
    tab.set_viewport_size({"width": WIDTHS["desktop"], "height": HEIGHT})
    try:
        yield tab
    finally:
        voiced_context.close_tabs()


def _size(tab, selector: str) -> float:  # type: ignore[no-untyped-def]
    return tab.evaluate(
        f"parseFloat(getComputedStyle(document.querySelector({selector!r})).fontSize)"
    )


def _large_type(tab, root: str, page: str, other: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(root + page)
    toggle = tab.locator("[data-kb-large-toggle]")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    text, button = _size(tab, ".kb-lead"), _size(tab, ".kb-list-toggle__button")
    toggle.focus()
    tab.keyboard.press("Enter")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert (
        _size(tab, ".kb-lead") >= 1.25 * text
        and _size(tab, ".kb-list-toggle__button") >= 1.25 * button
    )
    assert json.loads(tab.evaluate(f"localStorage.getItem('kb-large-type:' + {root!r})")) is True
    tab.goto(root + other)  # remembered on the next page, from its first paint
    assert tab.evaluate("document.documentElement.classList.contains('kb-large')")
    assert tab.locator("[data-kb-large-toggle]").get_attribute("aria-pressed") == "true"
    tab.set_viewport_size({"width": WIDTHS["phone"], "height": HEIGHT})
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    tab.locator("[data-kb-large-toggle]").click()
    assert not tab.evaluate("document.documentElement.classList.contains('kb-large')")
    tab.reload()
    assert tab.locator("[data-kb-large-toggle]").get_attribute("aria-pressed") == "false"


def test_large_type_is_remembered_from_the_web_server(tab, site_url: str) -> None:
    """大字 enlarges text and buttons by a quarter or more, keeps to the phone's width, and
    stays on from page to page until it is pressed again."""
    _large_type(tab, site_url, f"cases/{CASE.id}/", "practices/fixed-study-day/")


def test_large_type_is_remembered_from_disk(tab, offline_site: str) -> None:
    """大字 works the same in the offline copy opened from disk, kept for that copy only."""
    _large_type(tab, offline_site, f"cases/{CASE.id}.html", "practices/fixed-study-day.html")


@pytest.mark.parametrize(
    "stored", ['"<img src=x onerror=window.hit=1>"', "{not json", "1", '{"on": true}']
)
def test_a_damaged_large_type_setting_is_ignored_with_a_notice(
    tab, site_url: str, stored: str
) -> None:
    """A 大字 setting that is not the one the site writes (edited by hand, written by another
    page) leaves normal type, says so in text, and is removed."""
    tab.goto(site_url)
    tab.evaluate("([k, v]) => localStorage.setItem(k, v)", [f"kb-large-type:{site_url}", stored])
    tab.goto(site_url + f"cases/{CASE.id}/")
    assert not tab.evaluate("document.documentElement.classList.contains('kb-large')")
    notice = tab.locator("[data-kb-store-notice]")
    assert "“大字”设置已损坏" in notice.inner_text()
    assert tab.locator("img[src=x]").count() == 0 and not tab.evaluate("window.hit")
    assert tab.evaluate(f"localStorage.getItem('kb-large-type:' + {site_url!r})") is None


def test_without_a_chinese_voice_there_is_nothing_to_press(tab, site_url: str) -> None:
    """Where the browser has no Chinese voice the reading controls are absent; where it has
    one they are there (this machine's Chromium is reported in the test's output)."""
    tab.goto(site_url + f"cases/{CASE.id}/")
    tab.wait_for_load_state("load")
    voices = tab.evaluate("speechSynthesis.getVoices().map(v => v.lang)")
    chinese = [lang for lang in voices if lang.lower().replace("_", "-").startswith(("zh", "cmn"))]
    print(f"speech voices in this Chromium: {voices}")
    controls = tab.locator("[data-kb-read-controls], .kb-read__section")
    assert controls.count() == (5 if chinese else 0)


def _said(tab) -> list[str]:  # type: ignore[no-untyped-def]
    return tab.evaluate("speechSynthesis.said.slice()")


def _read_aloud(tab, url: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(url)
    start = tab.locator("[data-kb-read-button=all]")
    start.focus()
    tab.keyboard.press("Enter")
    assert _said(tab) == [CASE.title]
    assert tab.evaluate("document.activeElement.getAttribute('data-kb-read-button')") == "pause"
    tab.evaluate("speechSynthesis.finish()")
    assert _said(tab)[1] == CASE.summary
    # Pause in the middle of the summary; continuing reads that passage again.
    tab.keyboard.press("Enter")
    assert tab.evaluate("speechSynthesis.cancelled") >= 1
    assert tab.evaluate("document.activeElement.getAttribute('data-kb-read-button')") == "resume"
    assert "已暂停" in tab.inner_text(".kb-read__status")
    tab.evaluate("speechSynthesis.finish()")  # a cancelled passage ending does not move on
    assert len(_said(tab)) == 2
    tab.keyboard.press("Enter")
    assert _said(tab)[2] == CASE.summary
    tab.locator("[data-kb-read-button=stop]").click()
    assert tab.locator("[data-kb-read-button=all]").is_visible()
    # One section: its heading, then its passages, and nothing after it.
    tab.locator(".kb-read__section[aria-label='朗读本节：成效与反响']").click()
    said = len(_said(tab))
    for _ in range(100):
        if tab.evaluate("!speechSynthesis.current"):
            break
        tab.evaluate("speechSynthesis.finish()")
    section = _said(tab)[said - 1 :]
    assert section[0] == "成效与反响" and section[1].startswith(CASE.results.summary[:10])
    assert any(CASE.results.figures[-1].label in part for part in section)  # the figures table
    assert not any("经验启示" in part for part in section)
    assert tab.inner_text(".kb-read__status") == "朗读完毕"


def test_an_entry_is_read_aloud_from_the_web_server(voiced, site_url: str) -> None:
    """With a Chinese voice: 朗读全文 starts at the title, 暂停 and 继续 pick up the same
    passage, 朗读本节 reads one section to its end; all by keyboard."""
    _read_aloud(voiced, site_url + f"cases/{CASE.id}/")


def test_an_entry_is_read_aloud_from_disk(voiced, offline_site: str) -> None:
    """Reading aloud works the same in the offline copy opened from disk."""
    _read_aloud(voiced, offline_site + f"cases/{CASE.id}.html")


def test_reading_controls_and_large_type_pass_axe(voiced, site_url: str) -> None:
    """axe-core finds no serious or critical violation with the reading controls shown,
    while reading, in large type, on a desktop and on a phone."""
    voiced.goto(site_url + f"cases/{CASE.id}/")
    voiced.locator("[data-kb-large-toggle]").click()
    voiced.locator("[data-kb-read-button=all]").click()
    voiced.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    for width in WIDTHS.values():
        voiced.set_viewport_size({"width": width, "height": HEIGHT})
        result = voiced.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], (width, serious)
