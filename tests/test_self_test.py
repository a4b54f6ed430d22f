"""自测题: each bundled study pack's self-test, taken to a score in the browser (served and
from disk), printed as a question sheet with the answers on a last page; the questions'
answers traceable to their entries' text."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.check import load_project
from generator.quiz import correct_options, locate
from generator.rules import SLUG_PATTERN
from tests.conftest import REPO
from tests.pdf_pages import read_pdf, squeeze, write_png
from tests.site_pages import HEIGHT, WIDTHS
from tests.test_accessibility import _axe

PROJECT = load_project(REPO / "content", root=REPO)
PACK = PROJECT.packs["central-group-study-session"]
OUT = REPO / "test-results" / "self-test"
FIXTURES = REPO / "tests" / "fixtures" / "self-test"
WRONG = (2, 7)
"""Questions the reader in the tests gets wrong (numbers from 1)."""


@pytest.fixture
def page(reader):  # type: ignore[no-untyped-def]
    """The module's one tab, clean for each test: these tests load pages and work them."""
    return reader


def _quiz(root: str, pack_id: str, *, offline: bool) -> str:
    return f"{root}packs/quiz/{pack_id}" + (".html" if offline else "/")


def _answer(page, *, wrong: tuple[int, ...] = WRONG) -> None:  # type: ignore[no-untyped-def]
    """Choose every question's answer, a wrong one for the questions in ``wrong``."""
    page.wait_for_selector("[data-kb-quiz-actions]:not([hidden])")
    for number, question in enumerate(PACK.self_test, 1):
        right = correct_options(question)
        if number in wrong:
            values = page.eval_on_selector_all(f"#q{number} input", "els => els.map(e => e.value)")
            right = [next(v for v in values if v not in right)]
        for value in right:
            page.check(f"#q{number}-{value}")


def _take_the_test(page, root: str, *, offline: bool) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{root}packs/{PACK.id}" + (".html" if offline else "/"))
    page.click("text=开始自测")
    assert page.url == _quiz(root, PACK.id, offline=offline)
    _answer(page)
    page.reload()  # answers chosen are kept before handing in
    assert page.is_checked(f"#q1-{correct_options(PACK.self_test[0])[0]}")
    page.click("[data-kb-quiz-submit]")
    total = len(PACK.self_test)
    right = total - len(WRONG)
    score = page.locator("[data-kb-quiz-score]")
    assert score.inner_text().startswith(
        f"得分：{round(right / total * 100)} 分（答对 {right} 题，共 {total} 题）"
    )
    assert page.evaluate("document.activeElement.hasAttribute('data-kb-quiz-score')")
    for number, question in enumerate(PACK.self_test, 1):
        item = page.locator(f"#q{number}")
        verdict = item.locator("[data-kb-quiz-verdict]").inner_text()
        if number in WRONG:
            assert "kb-quiz--wrong" in (item.get_attribute("class") or "")
            assert f"正确答案：{''.join(correct_options(question))}" in verdict
        else:
            assert verdict == "回答正确。"
        assert question.explanation in item.inner_text()
    # The source link opens the entry at the part that holds the answer.
    question = PACK.self_test[WRONG[0] - 1]
    heading = locate(question, PROJECT.entries[question.entry])
    assert heading is not None and heading.id
    with page.expect_navigation():
        page.locator(f"#q{WRONG[0]} .kb-quiz__source a").click()
    page.wait_for_selector(f"[id='{heading.id}']")
    assert unquote(urlsplit(page.url).fragment) == heading.id
    part = page.evaluate(
        """id => { let e = document.getElementById(id), text = e.textContent;
                  for (e = e.nextElementSibling; e && !/^H[1-3]$/.test(e.tagName); e = e.nextElementSibling) text += e.textContent;
                  return text; }""",
        heading.id,
    )
    assert question.basis in part
    page.go_back()
    page.wait_for_selector("[data-kb-quiz-done]")  # handed in: still marked after a reload
    page.click("[data-kb-quiz-retry]")
    assert page.evaluate("document.activeElement.id") == "q1-" + page.eval_on_selector(
        "#q1 input", "e => e.value"
    )
    assert page.locator("[data-kb-quiz-feedback]:visible").count() == 0
    page.reload()
    page.wait_for_selector("[data-kb-quiz-actions]:not([hidden])")
    assert (
        page.locator("input:checked").count() == 0
        and page.locator("[data-kb-quiz-done]").count() == 0
    )


def test_a_self_test_is_taken_to_a_score_from_the_web_server(page, site_url: str) -> None:
    """Answer, reload, hand in: a score, each question marked with its explanation and a link
    to the passage; 重做 clears it all; nothing is sent anywhere."""
    _take_the_test(page, site_url, offline=False)
    origin = urlsplit(site_url).netloc
    assert [u for u in page.requests if urlsplit(u).netloc != origin] == []
    assert not [u for u in page.requests if urlsplit(u).query]


def test_a_self_test_works_from_disk(page, offline_site: str) -> None:
    """The self-test works the same in the offline copy opened from disk."""
    _take_the_test(page, offline_site, offline=True)
    assert all(u.startswith(("file://", "data:")) for u in page.requests)


def test_keyboard_alone_takes_the_test(page, site_url: str) -> None:
    """Tab reaches the options, Space chooses, Enter on 交卷 hands in."""
    page.goto(_quiz(site_url, PACK.id, offline=False))
    page.wait_for_selector("[data-kb-quiz-actions]:not([hidden])")
    page.focus("#q1 input")
    page.keyboard.press("Space")
    assert page.locator("#q1 input:checked").count() == 1
    page.focus("[data-kb-quiz-submit]")
    page.keyboard.press("Enter")
    assert page.locator("[data-kb-quiz-done]").count() == 1


def test_the_self_test_prints_questions_then_answers(page, site_url: str) -> None:
    """Printed: every question with empty boxes (whatever was chosen), no explanation, and
    the answers with their explanations on a last page of their own."""
    page.goto(_quiz(site_url, PACK.id, offline=False))
    _answer(page)
    path = OUT / "questions.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    page.pdf(path=str(path), prefer_css_page_size=True)
    printed = read_pdf(path, top_margin_mm=18, bottom_margin_mm=16)
    for sheet in printed:
        write_png(OUT / f"questions-{sheet.number}.png", sheet.pixels)
    questions = "".join(sheet.body_text for sheet in printed[:-1])
    last = printed[-1].body_text
    assert last.startswith("答案与解析") and len(printed) >= 2
    for question in PACK.self_test:
        assert squeeze(question.question)[:20] in questions
        assert (
            squeeze(question.explanation) in last and squeeze(question.explanation) not in questions
        )
        assert f"{''.join(correct_options(question))}。{squeeze(question.explanation)[:10]}" in last
    assert "交卷" not in questions and "得分" not in questions


@pytest.mark.parametrize("pack_id", sorted(PROJECT.packs))
def test_every_bundled_pack_has_traceable_questions(pack_id: str) -> None:
    """Each bundled pack has at least eight questions of all three kinds, each answered
    from one of the pack's entries, by a passage that entry really holds."""
    pack = PROJECT.packs[pack_id]
    assert len(pack.self_test) >= 8
    assert {q.type for q in pack.self_test} == {"single", "multiple", "judge"}
    listed = {item.entry for item in pack.entries}
    for question in pack.self_test:
        assert question.entry in listed
        assert locate(question, PROJECT.entries[question.entry]) is not None, question.basis


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.stem)
def test_damaged_answers_are_ignored_with_a_notice(page, site_url: str, fixture: Path) -> None:
    """Kept answers that are not what the self-test writes are ignored with a notice; the
    test starts afresh and can be handed in; nothing in them runs."""
    page.goto(site_url)
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)",
        [f"kb-self-test:{site_url}", fixture.read_text("utf-8")],
    )
    page.goto(_quiz(site_url, PACK.id, offline=False))
    page.wait_for_selector("[data-kb-quiz-actions]:not([hidden])")
    assert "答题情况已损坏" in page.inner_text("[data-kb-store-notice]")
    assert (
        page.locator("input:checked").count() == 0
        and page.locator("[data-kb-quiz-done]").count() == 0
    )
    page.click("[data-kb-quiz-submit]")
    assert "答对 0 题" in page.inner_text("[data-kb-quiz-score]")
    assert page.locator("img[src=x]").count() == 0 and page.evaluate("window.kbHacked") is None


def test_kept_answers_are_read_under_the_sites_id_rule(page, site_url: str) -> None:
    """The self-test reads kept answers under ids that rules.SLUG_PATTERN, which the page
    carries, allows: served with a rule that refuses the pack's id, it ignores them."""
    answer = correct_options(PACK.self_test[0])
    kept = {"version": 1, "packs": {PACK.id: {"answers": {"1": answer}, "submitted": False}}}
    page.goto(site_url)
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)", [f"kb-self-test:{site_url}", json.dumps(kept)]
    )
    page.goto(_quiz(site_url, PACK.id, offline=False))
    page.wait_for_selector("[data-kb-quiz-actions]:not([hidden])")
    assert page.get_attribute("[data-kb-quiz]", "data-id-pattern") == SLUG_PATTERN
    assert page.locator("input:checked").count() == len(answer)

    def refusing(route) -> None:  # type: ignore[no-untyped-def]
        response = route.fetch()
        html = response.text().replace(f'data-id-pattern="{SLUG_PATTERN}"', 'data-id-pattern="^x$"')
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        route.fulfill(response=response, headers=headers, body=html)

    page.route(_quiz(site_url, PACK.id, offline=False), refusing)
    page.goto(_quiz(site_url, PACK.id, offline=False))
    page.wait_for_selector("[data-kb-quiz-actions]:not([hidden])")
    assert page.locator("input:checked").count() == 0
    assert "答题情况已损坏" in page.inner_text("[data-kb-store-notice]")


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_an_answered_self_test_passes_axe(page, site_url: str, width: str) -> None:
    """axe-core finds no serious or critical violation on a handed-in self-test, at desktop
    and phone width, and the page fits the window."""
    tab = page
    tab.set_viewport_size({"width": WIDTHS[width], "height": HEIGHT})
    tab.goto(_quiz(site_url, PACK.id, offline=False))
    _answer(tab)
    tab.click("[data-kb-quiz-submit]")
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    assert _axe(tab) == []
