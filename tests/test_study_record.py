"""我的学习记录: a reader's record of study hours, kept in the browser only, served and from
disk: added from entry and pack pages and by hand, totalled by year against 32 and 56 学时,
exported as a CSV that Excel and WPS read, imported back, printed as a 学习登记表."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.check import load_project
from generator.study_record import (
    CSV_COLUMNS,
    FULL_DAY_HOURS,
    HALF_DAY_HOURS,
    STORAGE_NAME,
    YEARLY_TARGETS,
    hours_for_minutes,
    record_rules,
)
from tests.conftest import REPO
from tests.pdf_pages import read_pdf, squeeze, write_png
from tests.site_pages import HEIGHT, WIDTHS
from tests.test_accessibility import _axe

PROJECT = load_project(REPO / "content", root=REPO)
CASE = PROJECT.entries["anhui-broadcast-network"]
PACK = PROJECT.packs["study-system-and-incentives"]
FIXTURES = REPO / "tests" / "fixtures" / "study-record"
OUT = REPO / "test-results" / "study-record"
TYPED = "支部党课：学习型党组织建设"


@pytest.fixture
def page(reader):  # type: ignore[no-untyped-def]
    """The module's one tab, clean for each test: these tests load pages and work them."""
    return reader


def _key(root: str) -> str:
    return f"kb-{STORAGE_NAME}:{root}"


def _record_from_page(page, url: str, how: str) -> str:  # type: ignore[no-untyped-def]
    """Open an entry or pack page, unfold 记入学习记录, choose ``how`` and submit; the status."""
    page.goto(url)
    add = page.locator("[data-kb-record-add]")
    add.locator("summary").click()
    add.locator(f"input[name=how][value={how}]").check()
    add.locator("textarea[name=note]").fill("会上交流了体会")
    add.locator("button[type=submit]").click()
    return add.locator("[data-kb-record-form-status]").inner_text()


def _add_by_hand(page, title: str, minutes: int, date: str) -> None:  # type: ignore[no-untyped-def]
    form = page.locator("[data-kb-record] [data-kb-record-form]")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=date]").fill(date)
    form.locator("input[name=minutes]").fill(str(minutes))  # choosing "按分钟计" by typing
    form.locator("button[type=submit]").click()


def _rows(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "[data-kb-record-items] tbody tr",
        "rows => rows.map(r => [...r.children].slice(0, 5).map(c => c.textContent))",
    )


def _year_row(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "[data-kb-record-totals] tbody tr >> nth=0 >> th, [data-kb-record-totals] tbody tr:first-child > *",
        "cells => cells.map(c => c.textContent)",
    )


def _keep_a_record(page, root: str, *, offline: bool) -> bytes:  # type: ignore[no-untyped-def]
    """Record a case (half a day) and a pack (a day) from their pages and a talk (90 minutes)
    by hand; check the list, the totals, a reload; export, clear and import back. The
    exported file's bytes."""
    ext = ".html" if offline else "/"
    status = _record_from_page(page, f"{root}cases/{CASE.id}{ext}", "half-day")
    assert f"{HALF_DAY_HOURS} 学时" in status
    status = _record_from_page(page, f"{root}packs/{PACK.id}{ext}", "full-day")
    assert f"{FULL_DAY_HOURS} 学时" in status
    page.goto(root + ("study-record.html" if offline else "study-record/"))
    page.wait_for_selector("[data-kb-record-tools]:not([hidden])")
    year = page.evaluate("new Date().getFullYear()")
    _add_by_hand(page, TYPED, 90, f"{year}-01-15")
    assert "2 学时" in page.locator("[data-kb-record] [data-kb-record-form-status]").inner_text()
    page.reload()  # kept across loads
    rows = _rows(page)
    assert [row[1] for row in rows] == [PACK.title, CASE.title, TYPED]
    assert [row[2:4] for row in rows] == [["学习专题", "8"], ["典型案例", "4"], ["其他学习", "2"]]
    links = page.eval_on_selector_all("[data-kb-record-items] a", "els => els.map(a => a.href)")
    assert links == [f"{root}packs/{PACK.id}{ext}", f"{root}cases/{CASE.id}{ext}"]
    total = HALF_DAY_HOURS + FULL_DAY_HOURS + 2
    totals = page.inner_text("[data-kb-record-totals] tbody")
    assert f"{year} 年" in totals and f"{total} 学时" in totals
    for target in YEARLY_TARGETS:
        assert f"还差 {target.hours - total} 学时" in totals
    [(key, _)] = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('kb-study-record:')).map(k => [k, 1])"
    )
    assert key == _key(root)  # one record per copy of the site
    with page.expect_download() as download:
        page.click("[data-kb-record-export]")
    data = Path(download.value.path()).read_bytes()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-kb-record-clear]")
    assert _rows(page) == [] and "还没有记录" in page.inner_text("[data-kb-record-status]")
    exported = OUT / ("exported-offline.csv" if offline else "exported.csv")
    exported.parent.mkdir(parents=True, exist_ok=True)
    exported.write_bytes(data)
    page.set_input_files("[data-kb-record-import]", str(exported))
    page.wait_for_function(
        "() => document.querySelectorAll('[data-kb-record-items] tbody tr').length === 3"
    )
    assert _rows(page) == rows and "导入 3 条" in page.inner_text("[data-kb-record-status]")
    page.set_input_files("[data-kb-record-import]", str(exported))
    page.wait_for_function(
        "() => document.querySelector('[data-kb-record-status]').textContent.includes('跳过已有的 3 条')"
    )
    assert len(_rows(page)) == 3
    return data


def test_a_study_record_is_kept_exported_and_imported_from_the_web_server(
    page, site_url: str
) -> None:
    """Three records (entry, pack, by hand) are listed, totalled against the yearly targets,
    exported, cleared after a question, imported back whole; nothing leaves the site."""
    data = _keep_a_record(page, site_url, offline=False)
    origin = urlsplit(site_url).netloc
    assert [
        u for u in page.requests if urlsplit(u).netloc != origin and not u.startswith("blob:")
    ] == []
    assert not [u for u in page.requests if urlsplit(u).query]  # no record smuggled in a URL
    assert data.startswith("\ufeff".encode())


def test_a_study_record_works_from_disk(page, offline_site: str) -> None:
    """Opened from disk (file://), the record, its export and its import work the same."""
    _keep_a_record(page, offline_site, offline=True)
    assert all(u.startswith(("file://", "data:", "blob:")) for u in page.requests)


def test_the_exported_file_opens_in_excel_and_wps(page, site_url: str) -> None:
    """The CSV has a UTF-8 byte-order mark and CRLF line ends, the columns the rules name,
    the Chinese intact, full addresses, and a formula-looking cell made harmless."""
    page.goto(site_url + "study-record/")
    records = json.loads((FIXTURES / "markup-and-formulas.json").read_text("utf-8"))
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [_key(site_url), json.dumps(records)])
    page.reload()
    with page.expect_download() as download:
        page.click("[data-kb-record-export]")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    body = data[3:]
    assert body.count(b"\r\n") == 3 and b"\n" not in body.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == [label for _, label in CSV_COLUMNS]
    assert rows[1][1] == '<img src=x onerror="window.kbHacked=1">标题'  # oldest first
    assert rows[2][1].startswith("'=HYPERLINK") and rows[2][4] == "'@SUM(1+1)"


def test_a_file_saved_again_by_a_spreadsheet_imports(page, site_url: str, tmp_path: Path) -> None:
    """A CSV that a spreadsheet saved again in GB18030 with dates like 2024/3/5 imports; rows
    that cannot be records are named by number and why, and the rest are kept."""
    lines = [
        "日期,学习内容,类型,学时,备注,网址",
        "2024/3/5,专题党课,其他学习,4,,",
        f"2024年3月6日,{CASE.title},典型案例,8,,{site_url}cases/{CASE.id}/",
        "2024/2/30,不存在的日子,其他学习,4,,",
        "2024/3/7,,其他学习,4,,",
        "2024/3/8,学时太多,其他学习,1000,,",
    ]
    saved = tmp_path / "记录.csv"
    saved.write_bytes("\r\n".join(lines).encode("gb18030"))
    page.goto(site_url + "study-record/")
    page.set_input_files("[data-kb-record-import]", str(saved))
    page.wait_for_function(
        "() => document.querySelectorAll('[data-kb-record-items] tbody tr').length === 2"
    )
    status = page.inner_text("[data-kb-record-status]")
    assert "导入 2 条" in status and "有 3 处无法导入" in status
    assert "第 4 行：日期不是真实的日子" in status and "第 5 行：没有学习内容" in status
    assert "第 6 行：学时不是" in status
    assert [row[0] for row in _rows(page)] == ["2024-03-06", "2024-03-05"]
    assert (
        page.locator("[data-kb-record-items] a").get_attribute("href")
        == f"{site_url}cases/{CASE.id}/"
    )


def test_the_rules_are_the_ones_the_model_declares(page, site_url: str) -> None:
    """Every record form carries generator/study_record.py's rules, and the browser counts
    minutes to 学时 as hours_for_minutes does."""
    page.goto(site_url + f"cases/{CASE.id}/")
    rules = json.loads(page.get_attribute("[data-kb-record-form]", "data-kb-record-rules") or "")
    assert rules == record_rules()
    page.goto(site_url + "study-record/")
    page.fill("[data-kb-record] input[name=title]", "一分钟")
    page.fill("[data-kb-record] input[name=minutes]", "1")  # under a tenth of a 学时
    page.click("[data-kb-record] [data-kb-record-form] button[type=submit]")
    assert "学时应在 0.1 到" in page.inner_text("[data-kb-record] [data-kb-record-form-status]")
    for minutes in (5, 30, 45, 50, 90, 100, 135, 480):
        page.fill("[data-kb-record] input[name=title]", f"{minutes} 分钟")
        page.fill("[data-kb-record] input[name=minutes]", str(minutes))
        page.click("[data-kb-record] [data-kb-record-form] button[type=submit]")
        assert f"，{hours_for_minutes(minutes):g} 学时" in page.inner_text(
            "[data-kb-record] [data-kb-record-form-status]"
        ), minutes


@pytest.mark.parametrize(
    "fixture", sorted((FIXTURES / "ignored").glob("*.json")), ids=lambda p: p.stem
)
def test_a_damaged_record_is_left_out_with_a_notice(page, site_url: str, fixture: Path) -> None:
    """Records that are not what the site writes (impossible dates or hours, addresses that
    are not the site's pages, wrong types, repeated ids) are left out of the list and the
    totals and counted in a notice; the sound record stays; no script runs."""
    page.goto(site_url + "study-record/")
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)", [_key(site_url), fixture.read_text("utf-8")]
    )
    page.reload()
    assert [row[1] for row in _rows(page)] == ["完好的记录"]
    notice = page.locator("[data-kb-store-notice]").inner_text()
    assert "已损坏、重复或不是本站写入的，已忽略" in notice
    assert "4 学时" in page.inner_text("[data-kb-record-totals]")
    assert page.evaluate("window.kbHacked") is None


@pytest.mark.parametrize(
    "fixture", sorted((FIXTURES / "unreadable").glob("*.txt")), ids=lambda p: p.stem
)
def test_an_unreadable_record_is_ignored_with_a_notice(page, site_url: str, fixture: Path) -> None:
    """A kept value that is not a record at all is ignored on the record page and on entry
    pages, said in Chinese, and a new record can still be added."""
    page.goto(site_url + "study-record/")
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)", [_key(site_url), fixture.read_text("utf-8")]
    )
    page.reload()
    assert _rows(page) == []
    assert "学习记录已损坏" in page.locator("[data-kb-store-notice]").inner_text()
    status = _record_from_page(page, f"{site_url}cases/{CASE.id}/", "half-day")
    assert "原来损坏的记录已删去" in status
    page.goto(site_url + "study-record/")
    assert [row[1] for row in _rows(page)] == [CASE.title]


def test_markup_in_a_record_is_shown_as_text(page, site_url: str) -> None:
    """A record whose title and note hold markup shows it as text: no element is made from it."""
    page.goto(site_url + "study-record/")
    value = (FIXTURES / "markup-and-formulas.json").read_text("utf-8")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [_key(site_url), value])
    page.reload()
    assert _rows(page)[1][1] == '<img src=x onerror="window.kbHacked=1">标题'
    assert page.locator("[data-kb-record] img, [data-kb-record-items] script").count() == 0
    assert page.evaluate("window.kbHacked") is None


def test_too_many_records_are_not_read(page, site_url: str) -> None:
    """A kept value with more records than anyone logs is not the site's: ignored, not walked."""
    page.goto(site_url + "study-record/")
    page.evaluate(
        """k => localStorage.setItem(k, JSON.stringify({version: 1, records: Array.from({length: 5001},
             (_, i) => ({id: 'r' + String(100000 + i), date: '2024-01-01', title: 'x', kind: '其他学习', hours: 1}))}))""",
        _key(site_url),
    )
    page.reload()
    assert _rows(page) == [] and "学习记录已损坏" in page.inner_text("[data-kb-store-notice]")


def test_the_record_prints_as_a_register(page, site_url: str) -> None:
    """打印学习登记表 prints the chosen year's records as a table with a total and lines to
    sign, without the page's forms and buttons."""
    page.goto(site_url + "study-record/")
    value = {
        "version": 1,
        "records": [
            {
                "id": f"rprint{i:03d}",
                "date": f"2024-0{1 + i % 9}-1{i % 10}",
                "title": f"第 {i + 1} 次学习",
                "kind": "其他学习",
                "hours": 2,
                "note": "",
                "path": "",
            }
            for i in range(12)
        ]
        + [
            {
                "id": "rprint999",
                "date": "2023-12-01",
                "title": "上一年的学习",
                "kind": "其他学习",
                "hours": 8,
                "note": "",
                "path": "",
            }
        ],
    }
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [_key(site_url), json.dumps(value)])
    page.reload()
    page.select_option("[data-kb-record-year]", "2024")
    path = OUT / "register.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    page.pdf(path=str(path), prefer_css_page_size=True)
    printed = read_pdf(path, top_margin_mm=18, bottom_margin_mm=16)
    for sheet in printed:
        write_png(OUT / f"register-{sheet.number}.png", sheet.pixels)
    text = "".join(sheet.text for sheet in printed)
    assert squeeze("2024 年度学习登记表") in text and "合计24学时12条" in text
    assert "第12次学习" in text and "上一年的学习" not in text
    assert "本人签字" in text and "记入学习记录" not in text and "导出记录" not in text


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_the_record_page_with_records_passes_axe(page, site_url: str, width: str) -> None:
    """axe-core finds no serious or critical violation on the record page holding records,
    nor on an entry page with its form open, at desktop and phone width."""
    tab = page
    tab.set_viewport_size({"width": WIDTHS[width], "height": HEIGHT})
    _record_from_page(tab, f"{site_url}cases/{CASE.id}/", "half-day")
    assert _axe(tab) == []
    tab.goto(site_url + "study-record/")
    _add_by_hand(tab, TYPED, 45, "2024-05-01")
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    assert _axe(tab) == []
