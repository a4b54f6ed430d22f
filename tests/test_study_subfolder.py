"""The study tools on a site served from a subfolder (/kb/, with site_url), as an intranet
server often hosts it: what they keep is kept for that site, and every link they make stays
inside it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from generator.check import load_project
from generator.quiz import correct_options
from tests.conftest import REPO
from tests.served import build_variant, serve

PROJECT = load_project(REPO / "content", root=REPO)
PACK = PROJECT.packs["study-system-and-incentives"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real content built for http://…/kb/ and served there."""
    site = build_variant(
        tmp_path_factory.mktemp("subfolder") / "kb", site_url="http://intranet.example/kb/"
    )
    with serve(site, prefix="/kb/") as url:
        yield url


def test_the_study_tools_work_under_a_subfolder(page, kb: str) -> None:
    """大字, 记入学习记录, the self-test, the planner, the Word file and a Traditional query
    all work under /kb/, with what they keep named after /kb/ and no request leaving it."""
    page.goto(kb + "cases/wangcun-community/")
    page.click("[data-kb-large-toggle]")
    page.click("[data-kb-record-add] summary")
    page.click("[data-kb-record-add] button[type=submit]")
    with page.expect_download() as download:
        page.click("text=下载 Word 文档（.docx）")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
    page.goto(kb + "study-record/")
    assert page.locator("[data-kb-record-items] tbody tr").count() == 1
    assert page.evaluate("document.documentElement.classList.contains('kb-large')")
    page.goto(kb + f"packs/quiz/{PACK.id}/")
    page.wait_for_selector("[data-kb-quiz-actions]:not([hidden])")
    for number, question in enumerate(PACK.self_test, 1):
        for value in correct_options(question):
            page.check(f"#q{number}-{value}")
    page.click("[data-kb-quiz-submit]")
    assert page.inner_text("[data-kb-quiz-score]").startswith("得分：100 分")
    page.goto(kb + f"packs/plan/{PACK.id}/")
    page.fill("#kb-plan-place", "党员活动室")
    page.goto(kb + "explorer/#q=" + quote("學習檔案"))
    page.wait_for_selector("[data-search-result]")
    first = page.eval_on_selector("[data-search-result]", "a => a.href")
    assert first == kb + "practices/learning-archive/"
    kept = page.evaluate("Object.keys(localStorage).sort()")
    names = ("large-type", "session-plan", "self-test", "study-record")
    assert kept == sorted(f"kb-{name}:{kb}" for name in names)
    origin = urlsplit(kb).netloc
    assert [u for u in page.requests if not u.startswith((kb, "blob:", "data:"))] == []
    assert all(urlsplit(u).netloc == origin for u in page.requests if u.startswith("http"))
