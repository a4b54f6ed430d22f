"""准备学习会: a study pack's session planner, served and from disk. It asks what
generator/session_plan.py declares, remembers the last answers in the browser, and prints
one document: the agenda, a sign-in sheet and the meeting record, each from a new page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.check import load_project
from generator.session_plan import (
    MEETING_RECORD_FIELDS,
    SIGN_IN_COLUMNS,
    SIGN_IN_ROWS,
    STORAGE_NAME,
    default_minutes,
)
from tests.conftest import REPO
from tests.pdf_pages import read_pdf, squeeze, write_png
from tests.site_pages import HEIGHT, WIDTHS
from tests.test_accessibility import _axe

PROJECT = load_project(REPO / "content", root=REPO)
PACK = PROJECT.packs["study-system-and-incentives"]
OTHER = PROJECT.packs["central-group-study-session"]
FIXTURES = REPO / "tests" / "fixtures" / "session-plan"
OUT = REPO / "test-results" / "session-plan"
ANSWERS = {"place": "党员活动室", "host": "王书记", "expected": "18", "recorder": "李委员"}


@pytest.fixture
def page(reader):  # type: ignore[no-untyped-def]
    """The module's one tab, clean for each test: these tests load pages and work them."""
    return reader


def _planner(root: str, pack_id: str, *, offline: bool) -> str:
    return f"{root}packs/plan/{pack_id}" + (".html" if offline else "/")


def _fill(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("[data-kb-plan-form]:not([hidden])")
    page.fill("#kb-plan-date", "2024-07-01")
    page.fill("#kb-plan-time", "14:30")
    for name, value in ANSWERS.items():
        page.fill(f"#kb-plan-{name}", value)
    page.fill("#kb-plan-minutes", "120")


def _print(page, name: str):  # type: ignore[no-untyped-def]
    path = OUT / f"{name}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    page.pdf(path=str(path), prefer_css_page_size=True)
    page.emulate_media(media="screen")
    printed = read_pdf(path, top_margin_mm=18, bottom_margin_mm=16)
    for sheet in printed:
        write_png(OUT / f"{name}-{sheet.number}.png", sheet.pixels)
    return printed


def _plan_a_session(page, root: str, *, offline: bool) -> None:  # type: ignore[no-untyped-def]
    """From the pack page to the planner; fill it in; the answers come back after a reload
    and on another pack's planner; the printout is agenda, sign-in sheet and record."""
    page.goto(f"{root}packs/{PACK.id}" + (".html" if offline else "/"))
    page.click("text=准备学习会")
    assert page.url == _planner(root, PACK.id, offline=offline)
    _fill(page)
    entries = len(PACK.entries)
    minutes = page.eval_on_selector_all(
        "[data-kb-plan-item]", "els => els.map(e => Number(e.value))"
    )
    assert minutes == default_minutes(120, entries)
    page.reload()
    page.wait_for_selector("[data-kb-plan-form]:not([hidden])")
    assert page.input_value("#kb-plan-place") == ANSWERS["place"]
    stored = page.evaluate(f"localStorage.getItem('kb-{STORAGE_NAME}:' + {root!r})")
    assert json.loads(stored)["values"]["host"] == ANSWERS["host"]  # kept for this copy of the site
    printed = _print(page, "planner-offline" if offline else "planner")
    assert [sheet.body_text[:4] for sheet in printed] == [
        "学习会议",
        "签到表" + squeeze(PACK.title)[0],
        "会议记录",
    ]
    agenda, sign_in, record = (sheet.body_text for sheet in printed)
    assert "2024年7月1日14:30" in agenda and "党员活动室" in agenda and "王书记" in agenda
    assert "应到人数18" in agenda and "4学时" in agenda
    for item, share in zip(PACK.entries, default_minutes(120, entries), strict=False):
        assert squeeze(PROJECT.entries[item.entry].title) in agenda and f"{share}分钟" in agenda
    assert all(squeeze(question)[:15] in agenda for question in PACK.questions)
    assert "合计120分钟" in agenda
    assert (
        squeeze("".join(SIGN_IN_COLUMNS)) in sign_in
        and "123456789101112131415161718应到18人" in sign_in
    )
    labels = [squeeze(label) for label, _ in MEETING_RECORD_FIELDS]
    positions = [record.index(label) for label in labels]
    assert positions == sorted(positions)  # every field, in the order branches keep them
    assert "应到18人，实到人" in record and "李委员" in record
    # The last answers fill in the next session's planner, for another pack too.
    page.goto(_planner(root, OTHER.id, offline=offline))
    page.wait_for_selector("[data-kb-plan-form]:not([hidden])")
    assert page.input_value("#kb-plan-host") == ANSWERS["host"]
    assert squeeze(OTHER.title) in page.inner_text("[data-kb-plan-document]").replace(" ", "")


def test_a_session_is_planned_and_printed_from_the_web_server(page, site_url: str) -> None:
    """The planner prints agenda, sign-in sheet (a row per expected attendee) and meeting
    record with the answers, and remembers them."""
    _plan_a_session(page, site_url, offline=False)


def test_a_session_is_planned_from_disk(page, offline_site: str) -> None:
    """The planner works the same in the offline copy opened from disk."""
    _plan_a_session(page, offline_site, offline=True)


def test_without_answers_the_sheets_print_lines_to_write_on(page, site_url: str) -> None:
    """A sheet printed before anything is filled in has blank lines and the usual number of
    sign-in rows, for a secretary who fills it in by hand."""
    page.goto(_planner(site_url, OTHER.id, offline=False))
    page.wait_for_selector("[data-kb-plan-form]:not([hidden])")
    page.fill("#kb-plan-date", "")
    _, sign_in, _ = _print(page, "planner-blank")
    rows = page.locator("[data-kb-plan-rows] tr").count()
    assert rows == SIGN_IN_ROWS and f"{SIGN_IN_ROWS}应到人，实到人" in sign_in.body_text


def test_the_browser_shares_minutes_as_the_rules_say(page, site_url: str) -> None:
    """Changing the session's length shares it out as session_plan.default_minutes does."""
    page.goto(_planner(site_url, PACK.id, offline=False))
    page.wait_for_selector("[data-kb-plan-form]:not([hidden])")
    for total in (15, 45, 60, 90, 95, 150, 480):
        page.fill("#kb-plan-minutes", str(total))
        got = page.eval_on_selector_all(
            "[data-kb-plan-item]", "els => els.map(e => Number(e.value))"
        )
        assert got == default_minutes(total, len(PACK.entries)), total


@pytest.mark.parametrize(
    "fixture", sorted((FIXTURES / "unreadable").glob("*.txt")), ids=lambda p: p.stem
)
def test_damaged_answers_are_ignored_with_a_notice(page, site_url: str, fixture: Path) -> None:
    """Kept answers the planner could not have written are ignored as a whole, with a
    notice; the form starts empty and works."""
    page.goto(site_url)
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)",
        [f"kb-{STORAGE_NAME}:{site_url}", fixture.read_text("utf-8")],
    )
    page.goto(_planner(site_url, PACK.id, offline=False))
    page.wait_for_selector("[data-kb-plan-form]:not([hidden])")
    assert "学习会信息已损坏" in page.inner_text("[data-kb-store-notice]")
    assert page.input_value("#kb-plan-place") == ""
    page.fill("#kb-plan-place", "会议室")
    assert "会议室" in page.inner_text("[data-kb-plan-document]")


def test_markup_in_answers_is_shown_as_text(page, site_url: str) -> None:
    """Kept answers holding markup are shown and printed as text; nothing runs."""
    page.goto(site_url)
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)",
        [f"kb-{STORAGE_NAME}:{site_url}", (FIXTURES / "markup-in-answers.json").read_text("utf-8")],
    )
    page.goto(_planner(site_url, PACK.id, offline=False))
    page.wait_for_selector("[data-kb-plan-form]:not([hidden])")
    assert '<img src=x onerror="window.kbHacked=1">活动室' in page.inner_text(
        "[data-kb-plan-document]"
    )
    assert "<b>王书记</b>" in page.inner_text("[data-kb-plan-document]")
    assert page.locator("[data-kb-plan-document] img, [data-kb-plan-document] b").count() == 0
    assert page.evaluate("window.kbHacked") is None


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_the_filled_planner_passes_axe_and_fits(page, site_url: str, width: str) -> None:
    """axe-core finds no serious or critical violation on the filled-in planner, which fits
    the window's width, at desktop and phone size; its fields are reached by keyboard."""
    tab = page
    tab.set_viewport_size({"width": WIDTHS[width], "height": HEIGHT})
    tab.goto(_planner(site_url, PACK.id, offline=False))
    _fill(tab)
    tab.focus("#kb-plan-date")
    stops = []
    while len(stops) < 10 and (not stops or stops[-1] != "kb-plan-place"):
        tab.keyboard.press("Tab")  # a date field has a stop for each of its parts
        stops.append(tab.evaluate("document.activeElement.id"))
    assert stops[-1] == "kb-plan-place" and set(stops) <= {
        "kb-plan-date",
        "kb-plan-time",
        "kb-plan-place",
    }
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    assert _axe(tab) == []
