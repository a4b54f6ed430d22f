"""The editors' form in Chromium, as an editor uses it: a new case filled in by keyboard alone, its
problems found and fixed, the file taken out by download, copy and the Git host's page, and kb check
passing on it; an existing practice corrected with its changes shown; a draft that survives a
reload, a closed tab and another computer; and no typed text ever running as script."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.check import load_project
from generator.emit import entry_yaml
from generator.errors import ContentErrors
from tests.conftest import REPO, SAMPLE, build_with_mkdocs
from tests.served import serve
from tests.site_pages import HEIGHT, WIDTHS
from tests.test_accessibility import _axe

REPOSITORY = "https://git.example/org/kb"
CASE = {
    "id": "jiedao-dushuhui",
    "title": "某街道社区：每周一次读书会",
    "summary": "社区党委用每周一次的读书会把分散的党员组织起来学习，三年没有间断。",
    "sources[0].document": "读书会工作总结.docx",
    "sources[0].title": "某街道社区读书会工作总结",
    "sources[0].published": "2023年5月4日",
    "unit": "某街道社区党委",
    "region": "原文未写明",
    "period": "2021年至今",
    "background": "社区党员住在不同的小区，上班时间各不相同。\n\n集中学习的时间总凑不齐。",
    "actions[0].title": "固定每周读书时间",
    "actions[0].text": "每周三晚上在党群服务中心读书一小时，读完轮流谈体会。",
    "results.summary": "参加读书会的党员一年比一年多。",
    "lessons[0]": "时间固定下来，学习才能坚持。",
}
"""A case as an editor types it, field by field (the place as kb check names it)."""


def _control(place: str) -> str:
    """The form's control for a place such as ``sources[0].title``."""
    return "#kb-f-" + place.replace("[", "-").replace("].", "-").replace("]", "").replace(".", "-")


def _tab_to(tab: Any, selector: str, limit: int = 400) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate(
            "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _type_into(tab: Any, place: str, text: str) -> None:
    _tab_to(tab, _control(place))
    tab.keyboard.press("Control+A")
    tab.keyboard.type(text)


def _choose(tab: Any, place: str, value: str) -> None:
    """Pick an option of a select with the arrow keys."""
    _tab_to(tab, _control(place))
    for _ in range(40):
        if tab.evaluate("(s) => document.querySelector(s).value", _control(place)) == value:
            return
        tab.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} is not an option of {place}")


def _press(tab: Any, selector: str) -> None:
    _tab_to(tab, selector)
    tab.keyboard.press("Enter")


def _open_form(tab: Any, address: str) -> None:
    tab.goto(address)
    tab.wait_for_selector("#kb-f-id")


def kb_check(
    kind_folder: str,
    name: str,
    text: str,
    tmp_path: Path,
    *,
    replace: bool = False,
    project: Path = REPO,
) -> list[str]:
    """kb check's problems once ``text`` is the file ``name`` of ``project``'s content (the
    repository's, unless another is given)."""
    content = tmp_path / "check" / "content"
    shutil.copytree(project / "content", content)
    path = content / kind_folder / name
    assert path.exists() == replace
    path.write_text(text, encoding="utf-8")
    try:
        return [p.format() for p in load_project(content, root=content.parent).warnings]
    except ContentErrors as problems:
        return [p.format() for p in problems.errors]


@pytest.fixture(scope="module")
def hosts(real_site: Path, offline_site: str) -> Iterator[dict[str, str]]:
    """The form's address where the real site is served at a root, in a subfolder, and on disk."""
    with serve(real_site) as root, serve(real_site, prefix="/kb/") as subfolder:
        yield {
            "root": root + "form/",
            "subfolder": subfolder + "form/",
            "disk": offline_site + "form.html",
        }


@pytest.fixture
def tab(shared_context: Any, reader: Any) -> Iterator[Any]:
    """A desktop tab with nothing stored that may use the clipboard and download files,
    recording every request; no script on it may fail."""
    shared_context.context.grant_permissions(["clipboard-read", "clipboard-write"])
    reader.set_viewport_size({"width": WIDTHS["desktop"], "height": HEIGHT})
    yield reader
    assert reader.errors == []


def _fill_case_by_keyboard(tab: Any) -> None:
    """Every required field of a case after its id and title, in the form's order (never
    round the whole page by Tab), and a second lesson added with its button."""
    _type_into(tab, "summary", CASE["summary"])
    _choose(tab, "org_type", "urban-community")
    _choose(tab, "themes[0]", "learning-forms")
    for place, text in CASE.items():
        if place not in {"id", "title", "summary"}:
            _type_into(tab, place, text)
    _press(tab, _control("lessons"))  # 添加一条：经验启示, which puts the focus in the new item
    assert tab.evaluate("() => document.activeElement.id") == _control("lessons[1]")[1:]
    tab.keyboard.type("带头人要先读。")


def _file_text(tab: Any) -> str:
    return tab.evaluate("() => kbForm.fileText()")


@pytest.mark.parametrize("host", ["root", "subfolder", "disk"])
def test_a_new_case_filled_in_by_keyboard_passes_kb_check(
    tab: Any, hosts: dict[str, str], host: str, tmp_path: Path
) -> None:
    """By keyboard alone: the id and title typed (the id wrongly at first), 检查 lists every
    problem in a summary that links to each field, the editor follows the links and fixes them,
    and the downloaded file is what Python would write and passes kb check. The form takes
    typing before what it checks with (its checker, Ajv, the rules) is loaded."""
    _open_form(tab, hosts[host])
    assert tab.evaluate("() => !window.kbFormCheck && !window.ajv2020")
    assert not [r for r in tab.requests if r.endswith(("/form/rules.js", "ajv2020.min.js"))]
    _type_into(tab, "id", "JieDao")
    _type_into(tab, "title", CASE["title"])
    _press(tab, ".kb-output__check")
    tab.wait_for_selector(".kb-error-summary:not([hidden])")
    assert tab.evaluate("() => document.activeElement.classList.contains('kb-error-summary')")
    summary = tab.inner_text(".kb-error-summary")
    assert "需要修改" in summary and "“编号”只能由小写英文字母、数字和连字符组成" in summary
    assert "“摘要”不能为空。" in summary
    # The first link of the summary leads to the id; the editor fixes it there.
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    assert tab.evaluate("() => document.activeElement.id") == "kb-f-id"
    tab.keyboard.press("Control+A")
    tab.keyboard.type(CASE["id"])
    _fill_case_by_keyboard(tab)
    assert tab.input_value(_control("sources[0].published")) == "2023-05-04"
    _press(tab, ".kb-output__check")
    tab.wait_for_function(
        "() => /检查通过/.test(document.querySelector('.kb-output__status').textContent)"
    )
    assert (
        tab.locator(
            ".kb-error-summary .kb-error-summary__list li:not(.kb-error-summary__warning)"
        ).count()
        == 0
    )
    state = tab.evaluate("() => kbForm.state.data")
    assert state["sources"][0]["published"] == "2023-05-04"
    with tab.expect_download() as download:
        _press(tab, ".kb-output__download")
    assert download.value.suggested_filename == "jiedao-dushuhui.yml"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text == _file_text(tab) == entry_yaml("case", state)
    assert kb_check("cases", "jiedao-dushuhui.yml", text, tmp_path) == []
    assert all(
        request.startswith((hosts[host].rsplit("/form", 1)[0], "blob:", "data:"))
        for request in tab.requests
    ), tab.requests


@pytest.mark.parametrize("host", ["root", "subfolder", "disk"])
def test_copied_file_is_the_downloaded_one(
    tab: Any, hosts: dict[str, str], host: str, tmp_path: Path
) -> None:
    """复制内容 puts exactly the file's text on the clipboard, and says where it goes; kb check
    passes on it. The case comes from a draft: typing it is the keyboard test's."""
    _open_form(tab, hosts[host])
    _load_draft(tab, tmp_path, "case", _sample_case())
    _press(tab, ".kb-output__copy")
    tab.wait_for_function(
        "() => /已复制/.test(document.querySelector('.kb-output__status').textContent)"
    )
    copied = tab.evaluate("() => navigator.clipboard.readText()")
    assert copied == _file_text(tab)
    assert kb_check("cases", "jiedao-dushuhui.yml", copied, tmp_path) == []


@pytest.mark.parametrize("host", ["root", "subfolder", "disk"])
def test_an_existing_practice_is_corrected_and_its_changes_are_shown(
    tab: Any, hosts: dict[str, str], host: str, tmp_path: Path
) -> None:
    """修改此条目 opens the form with the practice's values (served, and from disk); a step's text
    is changed; the changes are listed field by field before the file goes out, and the file is
    the old one but for them."""
    form = hosts[host]
    tab.goto(
        form.replace("form/", "practices/fixed-study-day/").replace(
            "form.html", "practices/fixed-study-day.html"
        )
    )
    _press(tab, "a.kb-edit-link__link")
    tab.wait_for_selector(".kb-form__heading")
    assert "修改：固定学习日与集中学习" in tab.inner_text(".kb-form__heading")
    assert tab.evaluate("() => document.querySelector('#kb-f-id').readOnly")
    _tab_to(tab, _control("steps[1].text"))
    tab.keyboard.press("Control+End")
    tab.keyboard.type("各单位可以据此定出自己的学习日。")
    _press(tab, ".kb-output__check")
    tab.wait_for_selector(".kb-diff:not([hidden]) .kb-diff__item")
    changes = tab.inner_text(".kb-diff")
    assert "共 1 处改动" in changes and "步骤第 2 项 · 内容" in changes
    assert tab.inner_text(".kb-diff__after ins") == "各单位可以据此定出自己的学习日。"
    original = (REPO / "content/practices/fixed-study-day.yml").read_text(encoding="utf-8")
    with tab.expect_download() as download:
        _press(tab, ".kb-output__download")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    step = "      各单位的频次可以不同，但都要明确。"
    assert text.replace("各单位可以据此定出自己的学习日。", "") == original
    assert step in text
    assert kb_check("practices", "fixed-study-day.yml", text, tmp_path, replace=True) == []


@pytest.mark.parametrize("host", ["root", "subfolder", "disk"])
def test_a_draft_survives_a_reload_a_closed_tab_and_another_computer(
    browser, tab: Any, hosts: dict[str, str], host: str, tmp_path: Path
) -> None:
    """Half a form comes back after a reload and in a new tab; exported, it loads on a browser
    that has never seen it; cleared, it is gone."""
    _open_form(tab, hosts[host])
    tab.fill("#kb-f-id", CASE["id"])
    tab.fill("#kb-f-title", CASE["title"])
    tab.fill(_control("background"), CASE["background"])
    tab.wait_for_function(
        "() => /已自动保存/.test(document.querySelector('.kb-drafts__saved').textContent)"
    )
    tab.reload()
    tab.wait_for_selector("#kb-f-id")
    assert tab.input_value("#kb-f-title") == CASE["title"]
    assert "已恢复上次未完成的填写" in tab.inner_text(".kb-form__status")
    tab.close()
    second = tab.context.new_page()  # the same browser, the stored draft kept
    _open_form(second, hosts[host])
    assert second.input_value(_control("background")) == CASE["background"]
    with second.expect_download() as download:
        second.click(".kb-drafts__export")
    draft = tmp_path / download.value.suggested_filename
    download.value.save_as(draft)
    assert json.loads(draft.read_text(encoding="utf-8"))["data"]["title"] == CASE["title"]
    second.once("dialog", lambda dialog: dialog.accept())
    second.click(".kb-drafts__clear")
    second.wait_for_function("() => document.querySelector('#kb-f-title').value === ''")
    second.reload()
    second.wait_for_selector("#kb-f-id")
    assert second.input_value("#kb-f-title") == ""
    elsewhere = browser.new_context(locale="zh-CN")  # another computer: a context of its own
    third = elsewhere.new_page()
    _open_form(third, hosts[host])
    third.set_input_files(".kb-drafts__actions input[type=file]", str(draft))
    third.wait_for_function("() => document.querySelector('#kb-f-title').value !== ''")
    assert third.input_value(_control("background")) == CASE["background"]
    assert "已导入草稿" in third.inner_text(".kb-form__status")
    elsewhere.close()


def test_a_file_that_is_not_a_draft_is_refused(
    tab: Any, hosts: dict[str, str], tmp_path: Path
) -> None:
    """Loading any other file as a draft changes nothing and says so."""
    _open_form(tab, hosts["root"])
    tab.fill("#kb-f-title", "原来的标题")
    hostile = tmp_path / "not-a-draft.json"
    hostile.write_text(
        '{"__proto__": {"polluted": 1}, "format": 1, "kind": "case"}', encoding="utf-8"
    )
    tab.set_input_files(".kb-drafts__actions input[type=file]", str(hostile))
    tab.wait_for_function(
        "() => /不是这个表单导出的草稿/.test(document.querySelector('.kb-form__status').textContent)"
    )
    assert tab.input_value("#kb-f-title") == "原来的标题"
    assert tab.evaluate("() => ({}).polluted") is None


def test_a_checker_that_cannot_be_loaded_is_said_so(tab: Any, hosts: dict[str, str]) -> None:
    """When the checker's files cannot be had (a site copied without them), 检查 says so in
    Chinese, 下载文件 sends the editor to that message instead of giving an unchecked file,
    and 检查 works once the files can be had again."""
    tab.route("**/kb-form-check.js", lambda route: route.abort())
    _open_form(tab, hosts["root"])
    tab.fill("#kb-f-id", CASE["id"])
    tab.click(".kb-output__check")
    tab.wait_for_selector(".kb-error-summary:not([hidden])")
    assert "没能载入表单检查所需的文件，无法检查。" in tab.inner_text(".kb-error-summary")
    tab.focus("#kb-f-id")
    tab.click(".kb-output__download")
    tab.wait_for_function("() => document.activeElement.classList.contains('kb-error-summary')")
    tab.unroute("**/kb-form-check.js")
    tab.click(".kb-output__check")
    tab.wait_for_function(
        "() => !/没能载入/.test(document.querySelector('.kb-error-summary').textContent)"
    )
    assert "“摘要”不能为空。" in tab.inner_text(".kb-error-summary")


PAYLOADS = [
    '"><img src=x onerror="window.kbPwned=1">',
    "<script>window.kbPwned=1</script>",
    "</title><svg onload=window.kbPwned=1>",
]
"""Markup in text, as the suite's hostile entries carry it: it must only ever be shown."""


def test_typed_markup_never_runs(tab: Any, hosts: dict[str, str]) -> None:
    """Markup typed into the fields stays text in the fields, the error messages, the summary,
    the file preview and the list of changes; nothing runs, no element is made from it."""
    tab.goto(hosts["root"].replace("form/", "practices/fixed-study-day/"))
    tab.click("a.kb-edit-link__link")
    tab.wait_for_selector(".kb-form__heading")
    tab.fill("#kb-f-title", PAYLOADS[0])
    tab.fill(_control("fits"), "\n".join(PAYLOADS))
    tab.fill(_control("steps[0].title"), PAYLOADS[2])
    tab.click(".kb-output__check")
    tab.wait_for_selector(".kb-error-summary:not([hidden])")
    tab.click(".kb-output__details summary")
    assert PAYLOADS[0] in tab.inner_text(".kb-error-summary")
    assert tab.evaluate("() => window.kbPwned") is None
    assert (
        tab.locator(
            "article img, article svg:not(.md-icon svg), article script:not([src]):not([type])"
        ).count()
        == 0
    )
    assert PAYLOADS[1] in tab.inner_text(".kb-output__preview")
    tab.fill("#kb-f-title", "固定学习日")
    tab.fill(_control("steps[0].title"), "用制度把学习时间固定下来")
    tab.click(".kb-output__check")
    tab.wait_for_selector(".kb-diff__item")
    assert PAYLOADS[1] in tab.inner_text(".kb-diff")
    assert tab.evaluate("() => window.kbPwned") is None


def _repository_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("repository") / "project"
    shutil.copytree(SAMPLE / "content", project / "content")
    config = (
        (SAMPLE / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace("../../../theme", str(REPO / "theme"))
    )
    config = config.replace(
        "  font: false\n", "  font: false\n  palette:\n    primary: red\n    accent: red\n"
    )
    config += f"repo_url: {REPOSITORY}\nedit_uri: edit/main/content/\n"
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return build_with_mkdocs(project / "mkdocs.yml", project / "site")


@pytest.fixture(scope="module")
def repository_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample project built with repo_url and edit_uri naming a GitHub-style host."""
    with serve(_repository_site(tmp_path_factory)) as url:
        yield url


@pytest.fixture
def host_page(tab: Any) -> Iterator[Any]:
    """The tab, and the Git host, which tests cannot reach, a stand-in in every tab."""

    def stand_in(route: Any) -> None:
        route.fulfill(body="<title>host</title>", content_type="text/html")

    tab.context.route(f"{REPOSITORY}/**", stand_in)
    yield tab
    tab.context.unroute(f"{REPOSITORY}/**", stand_in)


def test_a_new_entry_goes_to_the_hosts_new_file_page(
    host_page: Any, repository_site: str, tmp_path: Path
) -> None:
    """提交到代码仓库 opens the host's new-file page in the entry's folder, with its name and
    its text in the address, for the editor to commit with their own account."""
    tab = host_page
    _open_form(tab, repository_site + "form/")
    draft = {
        "app": "kb-form-draft",
        "format": 1,
        "kind": "pack",
        "data": {
            "id": "new-pack",
            "kind": "pack",
            "title": "新的学习专题",
            "summary": "两篇条目，一次学习会。",
            "introduction": "先读案例，再读资料。",
            "entries": [{"entry": "river-community"}],
            "questions": ["本支部可以借鉴什么？"],
        },
        "saved": "2026-01-01T00:00:00Z",
    }
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    tab.set_input_files(".kb-drafts__actions input[type=file]", str(path))
    tab.wait_for_function("() => document.querySelector('#kb-f-title').value === '新的学习专题'")
    with tab.context.expect_page() as opened:
        _press(tab, ".kb-output__repository")
    opened.value.wait_for_url(f"{REPOSITORY}/**")
    address = urlsplit(opened.value.url)
    assert (
        f"{address.scheme}://{address.netloc}{address.path}"
        == f"{REPOSITORY}/new/main/content/packs"
    )
    query = parse_qs(address.query)
    assert query["filename"] == ["new-pack.yml"]
    assert query["value"] == [_file_text(tab)]
    assert "内容都已填好" in tab.inner_text(".kb-output__status")
    assert kb_check("packs", "new-pack.yml", query["value"][0], tmp_path, project=SAMPLE) == []


def test_a_correction_goes_to_the_hosts_edit_page_with_the_text_copied(
    host_page: Any, repository_site: str, tmp_path: Path
) -> None:
    """For an existing entry the host's edit page of its file opens, and the new text is on the
    clipboard to paste over the old, as the status says; kb check passes on it."""
    tab = host_page
    tab.goto(repository_site + "cases/river-community/")
    tab.click("a.kb-edit-link__link")
    tab.wait_for_selector(".kb-form__heading")
    tab.fill("#kb-f-period", "2019年至2021年")
    with tab.context.expect_page() as opened:
        tab.click(".kb-output__repository")
    opened.value.wait_for_url(f"{REPOSITORY}/**")
    assert opened.value.url == f"{REPOSITORY}/edit/main/content/cases/river-community.yml"
    tab.wait_for_function(
        "() => /已复制/.test(document.querySelector('.kb-output__status').textContent)"
    )
    pasted = tab.evaluate("() => navigator.clipboard.readText()")
    assert pasted == _file_text(tab)
    assert (
        kb_check("cases", "river-community.yml", pasted, tmp_path, replace=True, project=SAMPLE)
        == []
    )


def _settled(tab: Any) -> None:
    """Wait until nothing on the page is moving: the theme's 回到顶部 button fades in as the
    page scrolls up, and a half-faded button is not what a reader is left with."""
    tab.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_axe_finds_nothing_serious_on_the_form_with_errors_and_filled(
    tab: Any, hosts: dict[str, str], width: str
) -> None:
    """axe-core: no serious or critical violation on the empty form, with the errors shown, nor
    once filled, at desktop and phone width; the phone page does not scroll sideways."""
    tab.set_viewport_size({"width": WIDTHS[width], "height": HEIGHT})
    _open_form(tab, hosts["root"])
    _settled(tab)
    assert _axe(tab) == []
    tab.click(".kb-output__check")
    tab.wait_for_selector(".kb-error-summary:not([hidden])")
    tab.wait_for_selector(".kb-field__error:not([hidden])")
    _settled(tab)
    assert _axe(tab) == []
    for place, text in CASE.items():
        tab.fill(_control(place), text)
    tab.select_option(_control("org_type"), "urban-community")
    tab.select_option(_control("themes[0]"), "learning-forms")
    tab.click(".kb-output__check")
    tab.wait_for_function(
        "() => /检查通过/.test(document.querySelector('.kb-output__status').textContent)"
    )
    _settled(tab)
    assert _axe(tab) == []
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= WIDTHS[width]


def test_list_items_are_added_moved_and_removed_by_keyboard(
    tab: Any, hosts: dict[str, str]
) -> None:
    """A case's steps: 添加 puts the focus in the new step, 上移 moves it and keeps the focus on
    the moved step's buttons, 删除 removes one; the file follows the order shown."""
    _open_form(tab, hosts["root"])
    _type_into(tab, "actions[0].title", "第一步")
    _press(tab, _control("actions"))
    assert tab.evaluate("() => document.activeElement.id") == "kb-f-actions-1-title"
    tab.keyboard.type("第二步")
    _press(tab, "[aria-label='上移：做法与经过第 2 项']")
    titles = tab.evaluate("() => kbForm.state.data.actions.map(a => a.title)")
    assert titles == ["第二步", "第一步"]
    focused = tab.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "下移：做法与经过第 1 项"
    assert tab.input_value(_control("actions[0].title")) == "第二步"
    _press(tab, "[aria-label='删除：做法与经过第 2 项']")
    assert tab.evaluate("() => kbForm.state.data.actions.map(a => a.title)") == ["第二步"]
    assert "  - title: 第二步" in _file_text(tab)


def test_a_self_test_question_is_written_and_checked_in_the_form(
    tab: Any, hosts: dict[str, str], tmp_path: Path
) -> None:
    """A study pack's self-test question: its type picked by name, and an answer that is not
    one of its options refused with kb check's words; put right, the pack passes kb check."""
    _open_form(tab, hosts["root"])
    tab.check("input[name=kb-form-kind][value=pack]")
    tab.wait_for_selector(_control("introduction"))
    _type_into(tab, "id", "form-quiz-pack")
    for place, text in {
        "title": "表单里写的自测题",
        "summary": "一篇做法和一道自测题。",
        "introduction": "先读固定学习日的做法。",
        "entries[0].entry": "fixed-study-day",
        "questions[0]": "本支部的学习时间定下来了吗？",
    }.items():
        tab.fill(_control(place), text)
    _press(tab, _control("self_test"))  # 添加一项：自测题
    names = tab.eval_on_selector_all(
        _control("self_test[0].type") + " option", "os => os.map(o => o.textContent)"
    )
    assert names[1:] == ["单选题（single）", "多选题（multiple）", "判断题（judge）"]
    _choose(tab, "self_test[0].type", "single")
    question = {
        "question": "固定学习日把什么定了下来？",
        "options[0]": "学习时间",
        "options[1]": "学习地点",
        "answer": "C",
        "explanation": "摘要说把学习时间固定下来。",
        "entry": "fixed-study-day",
        "basis": "把学习时间固定下来并统筹好工作与值班",
    }
    _press(tab, _control("self_test[0].options"))  # 添加一条：选项, twice
    _press(tab, _control("self_test[0].options"))
    for place, text in question.items():
        tab.fill(_control(f"self_test[0].{place}"), text)
    tab.click(".kb-output__check")
    tab.wait_for_selector(".kb-error-summary:not([hidden])")
    assert "答案“C”不是这道题的选项字母。" in tab.inner_text(".kb-error-summary")
    tab.fill(_control("self_test[0].answer"), "A")
    tab.click(".kb-output__check")
    tab.wait_for_function(
        "() => /检查通过/.test(document.querySelector('.kb-output__status').textContent)"
    )
    assert kb_check("packs", "form-quiz-pack.yml", _file_text(tab), tmp_path) == []


def test_a_practices_examples_are_found_by_title(tab: Any, hosts: dict[str, str]) -> None:
    """The entries a practice names are searched by words of their titles and picked by keyboard;
    practices are not offered, as kb check accepts only cases and materials there."""
    _open_form(tab, hosts["root"])
    _tab_to(tab, "input[name=kb-form-kind]:checked")
    tab.keyboard.press("ArrowRight")
    tab.wait_for_selector(_control("cases[0]"))
    assert tab.evaluate("() => document.activeElement.value") == "practice"
    _tab_to(tab, _control("cases[0]"))
    tab.keyboard.type("王村社区")
    tab.wait_for_selector(".kb-picker__option")
    offered = tab.eval_on_selector_all(
        ".kb-picker__option .kb-picker__meta", "els => els.map(e => e.textContent)"
    )
    assert offered and all("经验做法" not in meta for meta in offered)
    assert any(meta.endswith("wangcun-community") for meta in offered)
    while True:
        tab.keyboard.press("ArrowDown")
        active = tab.evaluate(
            "() => document.getElementById(document.activeElement.getAttribute('aria-activedescendant')).textContent"
        )
        if active.endswith("wangcun-community"):
            break
    tab.keyboard.press("Enter")
    assert tab.input_value(_control("cases[0]")) == "wangcun-community"
    assert tab.evaluate("() => kbForm.state.data.cases") == ["wangcun-community"]


def test_text_pasted_from_word_is_tidied(tab: Any, hosts: dict[str, str]) -> None:
    """Pasting a Word document's lines (full-width indents, a line broken by the layout, half-width
    commas) into a text field keeps the paragraphs and nothing else of the layout."""
    _open_form(tab, hosts["root"])
    tab.evaluate(
        "(text) => navigator.clipboard.writeText(text)",
        "\u3000\u3000社区党委建立制度,每月学习两次。\r\n\u3000\u3000第二段从这里开\r\n始。\r\n",
    )
    _tab_to(tab, _control("background"))
    tab.keyboard.press("Control+V")
    tab.wait_for_function(
        "(s) => document.querySelector(s).value !== ''", arg=_control("background")
    )
    assert (
        tab.input_value(_control("background"))
        == "社区党委建立制度，每月学习两次。\n\n第二段从这里开始。"
    )
    assert (
        tab.evaluate("() => kbForm.state.data.background")
        == "社区党委建立制度，每月学习两次。\n\n第二段从这里开始。"
    )


GUIDE_IMAGES = REPO / "docs" / "images"
SHOTS = REPO / "test-results" / "form"


def _shoot(tab: Any, selector: str, name: str, *, height: int = 0) -> None:
    """The part of the page the guide shows (its first ``height`` pixels, if given), into
    test-results/form/, and into docs/images/ when regenerating the guide's pictures with
    KB_UPDATE_SCREENSHOTS=1. The header, which stays at the top of the window, is left out."""
    import os

    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.add_style_tag(content=".md-header { position: static !important; }")
    _settled(tab)  # the theme's 回到顶部 fades in as the page scrolls up
    found = tab.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
            return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }""",
        selector,
    )
    if height:
        found["height"] = min(found["height"], height)
    shot = SHOTS / f"{name}.png"
    tab.screenshot(path=str(shot), clip=found, full_page=True)
    if os.environ.get("KB_UPDATE_SCREENSHOTS") == "1":
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, GUIDE_IMAGES / f"{name}.png")


def test_the_guides_pictures_are_of_the_real_form(
    tab: Any, hosts: dict[str, str], repository_site: str, tmp_path: Path
) -> None:
    """The form as the guide's 用表单投稿 shows it: new, with errors, ready to take out, and a
    correction's changes; each picture the guide names exists."""
    tab.set_viewport_size({"width": 1100, "height": 900})
    _open_form(tab, hosts["root"])
    tab.fill("#kb-f-id", CASE["id"])
    tab.fill("#kb-f-title", CASE["title"])
    tab.select_option(_control("org_type"), "urban-community")
    tab.evaluate("() => window.scrollTo(0, 0)")
    _shoot(tab, "article", "form-new", height=820)
    tab.click(".kb-output__check")
    tab.wait_for_selector(".kb-error-summary:not([hidden])")
    _shoot(tab, ".kb-error-summary", "form-errors")
    # Taking the file out, on a site that names its repository (so 提交到代码仓库 shows).
    _open_form(tab, repository_site + "form/")
    _load_draft(tab, tmp_path, "case", _sample_case())
    tab.click(".kb-output__check")
    tab.wait_for_function(
        "() => /检查通过/.test(document.querySelector('.kb-output__status').textContent)"
    )
    _shoot(tab, ".kb-output", "form-output")
    tab.goto(hosts["root"].replace("form/", "practices/fixed-study-day/"))
    tab.click("a.kb-edit-link__link")
    tab.wait_for_selector(".kb-form__heading")
    tab.fill(_control("title"), "固定学习日：把学习时间定下来")
    tab.click(".kb-output__check")
    tab.wait_for_selector(".kb-diff__item")
    _shoot(tab, ".kb-diff", "form-changes")
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = {
        line.split("](", 1)[1].rstrip(")")
        for line in guide.splitlines()
        if line.strip().startswith("![")
    }
    assert named == {
        f"docs/images/{name}.png"
        for name in ("form-new", "form-errors", "form-output", "form-changes")
    }
    assert all((REPO / image).is_file() for image in named)


def _sample_case() -> dict[str, Any]:
    """The typed case as the form holds it (its themes and organization type are in the
    sample project's taxonomy too)."""
    data: dict[str, Any] = {"id": CASE["id"], "kind": "case", "org_type": "urban-community"}
    data["themes"] = ["learning-forms"]
    for place, text in CASE.items():
        target: Any = data
        parts = [
            int(p) if p.isdigit() else p
            for p in place.replace("]", "").replace("[", ".").split(".")
        ]
        for part, after in zip(parts, [*parts[1:], None], strict=True):
            if after is None and isinstance(part, int):
                target.append(text)
            elif after is None:
                target[part] = text
            elif isinstance(part, int):
                while len(target) <= part:
                    target.append({})
                target = target[part]
            else:
                target = target.setdefault(part, [] if isinstance(after, int) else {})
    data["sources"][0]["published"] = "2023-05-04"
    return data


def _load_draft(tab: Any, tmp_path: Path, kind: str, data: dict[str, Any]) -> None:
    """Fill the form at once from a draft file, as 导入草稿 does."""
    path = tmp_path / f"{data.get('id', 'draft')}.json"
    draft = {"app": "kb-form-draft", "format": 1, "kind": kind, "data": data, "saved": ""}
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    tab.set_input_files(".kb-drafts__actions input[type=file]", str(path))
    tab.wait_for_function(
        "() => /已导入草稿/.test(document.querySelector('.kb-form__status').textContent)"
    )


def test_checks_across_entries_show_in_the_form(
    tab: Any, hosts: dict[str, str], tmp_path: Path
) -> None:
    """An id another entry has is an error naming its file; a copy of an existing case is a
    warning naming it, which does not stop the file; declaring the two distinct silences it."""
    from tests.test_form_contract import content_entries

    _open_form(tab, hosts["root"])
    copied = next(data for kind, data in content_entries() if data["id"] == "wangcun-community")
    _load_draft(
        tab, tmp_path, "case", {**copied, "id": "fixed-study-day", "title": "王村社区的又一份材料"}
    )
    tab.click(".kb-output__check")
    tab.wait_for_selector(".kb-error-summary:not([hidden])")
    assert (
        "编号“fixed-study-day”已被 content/practices/fixed-study-day.yml 使用。"
        in tab.inner_text("#kb-f-id-error")
    )
    tab.fill("#kb-f-id", "wangcun-community-copy")
    tab.click(".kb-output__check")
    tab.wait_for_function(
        "() => /检查通过/.test(document.querySelector('.kb-output__status').textContent)"
    )
    warning = tab.text_content("#kb-f-title-error")
    assert "提示：内容与 content/cases/wangcun-community.yml 高度相似" in warning
    assert "有 1 处请留意" in tab.inner_text(".kb-error-summary")
    _press(tab, _control("distinct_from"))
    tab.keyboard.type("wangcun-community")
    tab.keyboard.press("Tab")
    tab.wait_for_function("() => /已选：王村社区/.test(document.body.innerText)")
    tab.click(".kb-output__check")
    tab.wait_for_function("() => document.querySelector('.kb-error-summary').hidden")
    assert tab.inner_text("#kb-f-title-error") == ""


def test_markup_in_a_finished_file_stays_text_once_built(
    tab: Any, hosts: dict[str, str], tmp_path: Path
) -> None:
    """An entry whose text holds markup, taken out of the form and built into a site, shows the
    markup as text on its page and runs none of it."""
    _open_form(tab, hosts["root"])
    data = {
        "id": "markup-in-text",
        "kind": "case",
        "title": "文字中的标记",
        "summary": "摘要里有 &lt; 和 & 符号。",
        "org_type": "urban-community",
        "themes": ["learning-forms"],
        "sources": [{"document": "x.txt", "title": "来源"}],
        "unit": "某社区党委",
        "region": "原文未写明",
        "period": "近年",
        "background": "\n".join(PAYLOADS),
        "actions": [{"title": "做法", "text": PAYLOADS[0]}],
        "results": {"summary": PAYLOADS[2]},
        "lessons": [PAYLOADS[1]],
    }
    _load_draft(tab, tmp_path, "case", data)
    with tab.expect_download() as download:
        tab.click(".kb-output__download")
    project = tmp_path / "project"
    shutil.copytree(SAMPLE / "content", project / "content")
    shutil.copyfile(download.value.path(), project / "content" / "cases" / "markup-in-text.yml")
    config = (
        (SAMPLE / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace("../../../theme", str(REPO / "theme"))
    )
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = build_with_mkdocs(project / "mkdocs.yml", project / "site")
    with serve(site) as url:
        tab.goto(url + "cases/markup-in-text/")
        tab.wait_for_load_state("load")
        shown = tab.inner_text("article")
        assert PAYLOADS[0] in shown and PAYLOADS[1] in shown and PAYLOADS[2] in shown
        assert tab.evaluate("() => window.kbPwned") is None
        assert tab.locator("article img, article svg[onload]").count() == 0
