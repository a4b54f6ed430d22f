"""Clickjacking: a page of another site that frames ours gets nothing a click could do."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.served import serve


def _framed(page, address: str, folder: Path):  # type: ignore[no-untyped-def]
    """Open ``address`` inside a page of another origin (another port of this machine: Chromium
    lets only local pages frame local ones), as a clickjacker would; the frame, once our list
    script has decided what to do in it."""
    (folder / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>别的网站</title>'
        f'<iframe src="{address}" width="1000" height="800" style="opacity:0.01"></iframe>',
        encoding="utf-8",
    )
    with serve(folder) as framer:
        page.goto(framer)
        frame = page.frames[1]
        # Either our refusal, or (as before framing was checked) the list's buttons made usable.
        frame.wait_for_selector(
            "[data-kb-framed], [data-kb-list-toggle]:not([hidden]), [data-kb-list-actions]:not([hidden])",
            state="attached",
        )
        assert page.url == framer  # no click yet, so the browser keeps the framing page in place
    return frame


@pytest.mark.parametrize("path", ["cases/anhui-broadcast-network/", "reading-list/"])
def test_a_page_framed_by_another_site_refuses_to_act(
    reader, site_url: str, tmp_path: Path, path: str
) -> None:
    """Framed by another site, an entry page shows no list button and the reading list no
    buttons and loads nothing; a Chinese notice offers to open the page in its own window."""
    if path == "reading-list/":
        reader.goto(site_url + path)
        reader.evaluate(
            "root => localStorage.setItem('kb-reading-list:' + root, JSON.stringify([{id: 'fixed-study-day',"
            " title: '固定学习日', kind: '经验做法', path: 'practices/fixed-study-day/'}]))",
            site_url,
        )
    frame = _framed(reader, site_url + path, tmp_path)
    notice = frame.locator("[data-kb-framed]")
    assert notice.count() == 1
    assert "学习清单和打印功能已停用" in notice.inner_text()
    assert notice.locator("a").get_attribute("target") == "_blank"
    buttons = frame.locator("[data-kb-list-toggle] button, [data-kb-list-actions] button")
    assert buttons.count() and not any(buttons.nth(i).is_visible() for i in range(buttons.count()))
    assert frame.locator(".kb-reading-list__frame").count() == 0  # the list loads nothing either


@pytest.mark.parametrize("path", ["cases/anhui-broadcast-network/", "study-record/"])
def test_framed_study_tools_stay_hidden(reader, site_url: str, tmp_path: Path, path: str) -> None:
    """Framed by another site, the study record's forms and buttons (on its page and the
    entry page's 记入学习记录) stay hidden: no click can add, clear or import records."""
    frame = _framed(reader, site_url + path, tmp_path)
    assert frame.locator("[data-kb-framed]").count() == 1
    tools = frame.locator("[data-kb-record-add], [data-kb-record-tools]")
    assert tools.count() == 1 and tools.first.is_hidden()
