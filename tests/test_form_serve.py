"""The form in `kb serve`: it saves straight into content/ (a new file, or the entry being corrected
once its changes are shown) and the preview opens on the entry; the save takes only requests from
the preview's own form page with the token of this run, and writes only a model-valid file name,
in its kind's folder, whole, never over another file. A document dropped on the form is imported as
kb import imports it and opens as a draft, its report beside, every field left to fill marked."""

from __future__ import annotations

import base64
import json
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.check import load_project
from generator.emit import entry_yaml
from generator.form.imports import IMPORT_PATH
from generator.form.save import MAX_BODY, SAVE_PATH
from tests.conftest import REPO, SAMPLE
from tests.shared_preview import SharedPreview, running
from tests.site_pages import WIDTHS
from tests.test_accessibility import _axe
from tests.test_form_browser import (
    CASE,
    PAYLOADS,
    SHOTS,
    _fill_case_by_keyboard,
    _press,
    _settled,
    _type_into,
)
from tests.test_preview import _with_navigation

NEW_CASE = {
    "id": "form-saved-case",
    "kind": "case",
    "title": "表单保存的案例",
    "summary": "从预览中的表单直接保存进内容目录。",
    "org_type": "urban-community",
    "themes": ["learning-forms"],
    "sources": [{"document": "x.txt", "title": "来源"}],
    "unit": "某社区党委",
    "region": "原文未写明",
    "period": "近年",
    "background": "背景。",
    "actions": [{"title": "做法", "text": "具体做法。"}],
    "results": {"summary": "成效。"},
    "lessons": ["体会。"],
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedPreview]:
    """`kb serve` on a copy of the sample content set up as the real project is (its
    mkdocs.yml, theme and guide, as axe-core should see the pages), started once."""
    project = tmp_path_factory.mktemp("form-serve") / "project"
    shutil.copytree(SAMPLE / "content", project / "content")
    with running(_with_navigation(project)) as preview:
        yield preview


@pytest.fixture
def preview(served: SharedPreview, shared_context: Any) -> Iterator[tuple[str, Path]]:
    """The module's `kb serve`, on the sample content; what the test changed in it is undone."""
    try:
        yield served.url, served.project
    finally:
        served.reset(shared_context.context)


def _token(url: str) -> str:
    with urllib.request.urlopen(url + "form/") as answer:
        found = re.search(r'data-kb-save="([^"]+)"', answer.read().decode("utf-8"))
    assert found, "the preview's form page carries no token"
    return found.group(1)


def _post(
    url: str,
    body: Any,
    *,
    origin: str | None = "same",
    content_type: str = "application/json",
    path: str = SAVE_PATH,
) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url.rstrip("/") + path, data=data, method="POST")
    request.add_header("Content-Type", content_type)
    if origin is not None:
        request.add_header("Origin", url.rstrip("/") if origin == "same" else origin)
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def _announced_too_big(url: str) -> tuple[int, dict[str, Any]]:
    """A save that says it sends more than the limit: refused before a byte of it is read."""
    import http.client

    address = url.removeprefix("http://").rstrip("/")
    connection = http.client.HTTPConnection(address, timeout=30)
    connection.putrequest("POST", SAVE_PATH)
    connection.putheader("Origin", url.rstrip("/"))
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(MAX_BODY + 1))
    connection.endheaders()
    answer = connection.getresponse()
    status, body = answer.status, json.loads(answer.read())
    connection.close()
    return status, body


def _files(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in project.rglob("*")
        if p.is_file() and "preview" not in p.name
    }


def _load_draft(tab: Any, tmp_path: Path, kind: str, data: dict[str, Any]) -> None:
    path = tmp_path / "draft.json"
    draft = {"app": "kb-form-draft", "format": 1, "kind": kind, "data": data, "saved": ""}
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    tab.set_input_files(".kb-drafts__actions input[type=file]", str(path))
    tab.wait_for_function(
        "() => /已导入草稿/.test(document.querySelector('.kb-form__status').textContent)"
    )


def test_a_new_entry_is_saved_and_the_preview_opens_on_it(page, preview, tmp_path: Path) -> None:
    """保存到内容目录 writes the file the form shows into content/cases/, kb check accepts the
    project, and the browser lands on the entry's page once the preview has built it."""
    url, project = preview
    page.goto(url + "form/")
    page.wait_for_selector(".kb-output__save")
    _load_draft(page, tmp_path, "case", NEW_CASE)
    page.click(".kb-output__save")
    page.wait_for_url(url + "cases/form-saved-case/", timeout=60_000)
    assert "表单保存的案例" in page.inner_text("h1")
    written = (project / "content" / "cases" / "form-saved-case.yml").read_text(encoding="utf-8")
    assert written == entry_yaml("case", NEW_CASE)
    assert load_project(project / "content", root=project).warnings == []


def test_a_correction_is_saved_once_its_changes_are_confirmed(page, preview) -> None:
    """A correction is saved only at the second click, after its changes are shown; the entry's
    file is replaced, and the preview shows the change."""
    url, project = preview
    path = project / "content" / "cases" / "river-community.yml"
    before = path.read_bytes()
    page.goto(url + "cases/river-community/")
    page.click("a.kb-edit-link__link")
    page.wait_for_selector(".kb-form__heading")
    page.fill("#kb-f-period", "2019年至2021年")
    page.click(".kb-output__save")
    page.wait_for_function(
        "() => /再点一次/.test(document.querySelector('.kb-output__status').textContent)"
    )
    assert "2019年至2021年" in page.inner_text(".kb-diff")
    assert path.read_bytes() == before
    page.click(".kb-output__save")
    page.wait_for_url(url + "cases/river-community/", timeout=60_000)
    page.wait_for_function("() => /2019年至2021年/.test(document.body.innerText)", timeout=60_000)
    assert "period: 2019年至2021年\n" in path.read_text(encoding="utf-8")


def test_a_case_typed_by_keyboard_in_the_preview_survives_a_reload_and_is_saved(
    page, preview
) -> None:
    """In kb serve, by keyboard alone: half a new case typed, the page reloaded and the draft
    found, 检查 lists what is missing, the rest typed, 保存到内容目录 writes it and the preview
    opens on it; kb check passes on the project."""
    url, project = preview
    page.goto(url + "form/")
    page.wait_for_selector(".kb-output__save")
    _type_into(page, "id", CASE["id"])
    _type_into(page, "title", CASE["title"])
    page.wait_for_function(
        "() => /已自动保存/.test(document.querySelector('.kb-drafts__saved').textContent)"
    )
    page.reload()
    page.wait_for_selector("#kb-f-id")
    assert page.input_value("#kb-f-title") == CASE["title"]
    assert "已恢复上次未完成的填写" in page.inner_text(".kb-form__status")
    _press(page, ".kb-output__check")
    page.wait_for_selector(".kb-error-summary:not([hidden])")
    assert "“摘要”不能为空。" in page.inner_text(".kb-error-summary")
    _fill_case_by_keyboard(page)
    _press(page, ".kb-output__save")
    page.wait_for_url(url + f"cases/{CASE['id']}/", timeout=60_000)
    assert CASE["title"] in page.inner_text("h1")
    assert (project / "content" / "cases" / f"{CASE['id']}.yml").is_file()
    assert load_project(project / "content", root=project).warnings == []


def test_only_the_preview_form_with_this_runs_token_can_save(preview) -> None:
    """Another page's request (no Origin, another Origin, no or a stale token, not JSON, too
    big) is refused in Chinese and nothing is written."""
    url, project = preview
    before = _files(project)
    good = {"token": _token(url), "kind": "case", "data": NEW_CASE, "replacing": None}
    refused = [
        _post(url, good, origin=None),
        _post(url, good, origin="http://attacker.example"),
        _post(url, {**good, "token": "stale"}),
        _post(url, {key: value for key, value in good.items() if key != "token"}),
        _post(url, good, content_type="text/plain"),
        _announced_too_big(url),
        _post(url, b"not json"),
    ]
    assert [status for status, _ in refused] == [403, 403, 403, 403, 415, 413, 400]
    assert all(re.search(r"[\u4e00-\u9fff]", answer["message"]) for _, answer in refused)
    assert _files(project) == before


@pytest.mark.parametrize(
    ("change", "status", "said"),
    [
        ({"id": "../../escaped"}, 400, "编号不能用作文件名"),
        ({"id": "con"}, 400, "编号不能用作文件名"),
        ({"id": "twice-monthly-study"}, 409, "已经有编号为“twice-monthly-study”的条目"),
        ({"title": ""}, 400, "没通过检查"),
        ({"title": "【待填写】标题"}, 400, "没通过检查"),
        ({"kind": "practice"}, 400, "不是一个条目"),
    ],
)
def test_a_save_writes_only_a_valid_entry_under_a_new_name(
    preview, change: dict[str, Any], status: int, said: str
) -> None:
    """An id that cannot name a file, an id another file has, an entry with problems or of
    another kind than declared: refused, nothing written."""
    url, project = preview
    before = _files(project)
    answer = _post(
        url,
        {"token": _token(url), "kind": "case", "data": {**NEW_CASE, **change}, "replacing": None},
    )
    assert answer[0] == status and said in answer[1]["message"], answer
    assert _files(project) == before


def test_a_correction_never_overwrites_a_file_changed_meanwhile(preview) -> None:
    """Replacing is only for the file being corrected, as the editor found it: a file changed on
    disk since, or another file, is left alone."""
    url, project = preview
    path = project / "content" / "cases" / "river-community.yml"
    token = _token(url)
    with urllib.request.urlopen(url + "cases/river-community/") as answer:
        page = answer.read().decode("utf-8")
    base = json.loads(re.search(r"data-kb-entry-source>(.*?)</script>", page, re.S).group(1))
    edited = {**base, "period": "改过的时间"}
    other = _post(
        url,
        {
            "token": token,
            "kind": "case",
            "data": {**edited, "id": "new-id"},
            "replacing": "cases/river-community.yml",
            "base": base,
        },
    )
    assert other[0] == 400
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f"period: {base['period']}", "period: 别人改的时间"), encoding="utf-8"
    )
    changed = path.read_bytes()
    stale = _post(
        url,
        {
            "token": token,
            "kind": "case",
            "data": edited,
            "replacing": "cases/river-community.yml",
            "base": base,
        },
    )
    assert stale[0] == 409 and "已被改动" in stale[1]["message"]
    assert path.read_bytes() == changed
    assert not list(path.parent.glob(".*kb-form*"))


IMPORTED = REPO / "tests" / "fixtures" / "import" / "headings-mapped-to-case-fields.txt"
"""A case study as a text file: headings that map to a case's parts, figures, no unit."""


def _drop(tab: Any, name: str, data: bytes) -> None:
    """Drop a file on the form, as an editor drags one from the desktop."""
    transfer = tab.evaluate_handle(
        """([name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name));
            return transfer;
        }""",
        [name, list(data)],
    )
    tab.dispatch_event(".kb-form", "dragover", {"dataTransfer": transfer})
    tab.dispatch_event(".kb-form", "drop", {"dataTransfer": transfer})


def _marked(tab: Any) -> dict[str, str]:
    """Each field marked invalid, with what is said under it."""
    return tab.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("[aria-invalid=true]"))
            .map((control) => [control.id,
                document.getElementById(control.id + "-error").textContent]))"""
    )


def test_a_dropped_document_opens_as_a_draft_with_its_report(page, preview) -> None:
    """A text file dropped on the form becomes the draft kb import makes of it: the report beside
    the form (above it on a phone, and axe-core finds nothing serious either way), every field
    the import left as 【待填写】 marked as kb check would mark it, the file not written
    anywhere; a reload finds the draft and its report again."""
    url, project = preview
    before = _files(project)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url + "form/")
    page.wait_for_selector(".kb-import__choose")
    _drop(page, IMPORTED.name, IMPORTED.read_bytes())
    page.wait_for_function(
        "() => /已导入/.test(document.querySelector('.kb-form__status').textContent)"
    )
    page.wait_for_selector(".kb-error-summary:not([hidden])")
    assert page.input_value("#kb-f-title").startswith("【待填写】南坡村党支部")
    assert "45.6万元" in page.input_value("#kb-f-results-figures-3-value")
    report = page.inner_text(".kb-import-report")
    assert (
        "headings-mapped-to-case-fields.txt" in report and "“三、取得成效” → 成效与反响" in report
    )
    unfilled = page.evaluate("() => kbForm.state.data")
    places = [
        control
        for control, _ in _marked(page).items()
        if "【待填写】" in page.input_value("#" + control)
    ]
    assert len(places) >= 15, places
    assert all(
        "占位文字" in _marked(page)[control] for control in places if control != "kb-f-org_type"
    )
    assert "【待填写】" in json.dumps(unfilled, ensure_ascii=False)
    form_box = page.locator(".kb-form__fields").bounding_box()
    report_box = page.locator(".kb-import-report").bounding_box()
    assert report_box["x"] >= form_box["x"] + form_box["width"], "the report stands beside"
    _settled(page)
    assert _axe(page) == []
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
    _settled(page)
    assert _axe(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTHS["phone"]
    report_box = page.locator(".kb-import-report").bounding_box()
    assert report_box["y"] < page.locator(".kb-form__fields").bounding_box()["y"], "first"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "form-import-phone.png"), full_page=True)
    assert _files(project) == before
    page.reload()
    page.wait_for_selector(".kb-import-report:not([hidden])")
    assert page.input_value("#kb-f-title").startswith("【待填写】南坡村党支部")
    assert "headings-mapped-to-case-fields.txt" in page.inner_text(".kb-import-report")


def test_a_word_document_chosen_by_keyboard_is_imported(page, preview, tmp_path: Path) -> None:
    """选择文档导入 takes a Word file too; a document that cannot be read is said so in Chinese
    and the form keeps what it had."""
    import docx

    url, _ = preview
    document = docx.Document()
    for line in IMPORTED.read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    word = tmp_path / "田间夜校.docx"
    document.save(str(word))
    page.goto(url + "form/")
    page.wait_for_selector(".kb-import__choose")
    page.fill("#kb-f-title", "原来的标题")
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"PK\x03\x04 not a word file")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_file_chooser() as chooser:
        page.focus(".kb-import__choose")
        page.keyboard.press("Enter")
    chooser.value.set_files(str(broken))
    page.wait_for_function(
        "() => /坏文件.docx：这不是有效的 Word/.test(document.querySelector('.kb-form__status').textContent)"
    )
    assert page.input_value("#kb-f-title") == "原来的标题"
    with page.expect_file_chooser() as chooser:
        page.click(".kb-import__choose")
    chooser.value.set_files(str(word))
    page.wait_for_function(
        "() => /已导入“田间夜校.docx”/.test(document.querySelector('.kb-form__status').textContent)"
    )
    assert "南坡村" in page.input_value("#kb-f-title")
    assert "Word 文档" in page.inner_text(".kb-import-report")
    assert len(asked) == 2 and "替换表单上正在填写的内容" in asked[0]


def test_only_the_preview_form_with_this_runs_token_can_import(preview) -> None:
    """An import from another page, without this run's token, of a kind no document becomes or
    of something that is no document, is refused in Chinese, and nothing is written."""
    url, project = preview
    before = _files(project)
    content = base64.b64encode(IMPORTED.read_bytes()).decode()
    good = {"token": _token(url), "kind": "case", "name": IMPORTED.name, "content": content}
    refused = [
        _post(url, good, origin="http://attacker.example", path=IMPORT_PATH),
        _post(url, {**good, "token": "stale"}, path=IMPORT_PATH),
        _post(url, {**good, "token": "令牌"}, path=IMPORT_PATH),
        _post(url, {**good, "kind": "pack"}, path=IMPORT_PATH),
        _post(url, {**good, "content": "not base64!"}, path=IMPORT_PATH),
        _post(url, {**good, "name": "../../evil.exe"}, path=IMPORT_PATH),
    ]
    assert [status for status, _ in refused] == [403, 403, 403, 400, 400, 422]
    assert all(re.search(r"[\u4e00-\u9fff]", answer["message"]) for _, answer in refused)
    assert "evil.exe：不支持的文件类型" in refused[-1][1]["message"]
    status, answer = _post(url, good, path=IMPORT_PATH)
    assert status == 200 and answer["kind"] == "case" and "title" in answer["unfilled"]
    assert _files(project) == before


def _import_body(token: str, name: str = IMPORTED.name) -> bytes:
    content = base64.b64encode(IMPORTED.read_bytes()).decode()
    return json.dumps({"token": token, "kind": "case", "name": name, "content": content}).encode()


def test_an_import_that_runs_too_long_is_stopped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An import over its time is stopped with a Chinese message (its process, not the preview);
    a second import while one runs is told to wait."""
    from generator.form import imports
    from generator.form.save import SaveRefused

    monkeypatch.setattr(imports, "SECONDS", 0.01)
    with pytest.raises(SaveRefused) as stopped:
        imports.import_request(_import_body("t"), token="t", content_dir=REPO / "content")
    assert stopped.value.status == 504 and "已经停止" in stopped.value.message
    with imports._ONE_AT_A_TIME, pytest.raises(SaveRefused) as busy:
        imports.import_request(_import_body("t"), token="t", content_dir=REPO / "content")
    assert busy.value.status == 429 and "正在导入另一个文档" in busy.value.message


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\x\\总结.docx", "总结.docx"),
        ('a<b>:"|?*.html', "a_b______.html"),
        ("\x00.pdf", "_.pdf"),
        ("...", "文档"),
    ],
)
def test_a_dropped_documents_name_stays_a_name(name: str, kept: str) -> None:
    """The name the browser gives a document names a file in the import's own folder only: no
    folder in it, no character a file name cannot hold."""
    from generator.form.imports import _file_name

    assert _file_name(name) == kept


def test_markup_in_a_dropped_document_never_runs(page, preview, tmp_path: Path) -> None:
    """A document whose text is markup (as the suite's hostile payloads) is shown as text in
    the fields, the report and the summary; none of it runs."""
    url, _ = preview
    hostile = tmp_path / "hostile.html"
    lines = "".join(f"<h2>{payload}</h2><p>{payload}正文。{payload}</p>" for payload in PAYLOADS)
    hostile.write_text(
        f"<html><head><title>{PAYLOADS[0]}</title></head><body>{lines}</body></html>",
        encoding="utf-8",
    )
    plain = tmp_path / "hostile.txt"
    plain.write_text("\n\n".join(PAYLOADS * 3), encoding="utf-8")
    page.goto(url + "form/")
    page.wait_for_selector(".kb-import__choose")
    for document in (hostile, plain):
        page.on("dialog", lambda dialog: dialog.accept())
        _drop(page, document.name, document.read_bytes())
        page.wait_for_function(
            "(name) => document.querySelector('.kb-form__status').textContent.includes('已导入“' + name)",
            arg=document.name,
        )
        page.wait_for_selector(".kb-error-summary:not([hidden])")
    assert "<script>" in page.inner_text(".kb-import-report") or "onerror" in page.inner_text(
        ".kb-import-report"
    )
    assert page.evaluate("() => window.kbPwned") is None
    assert page.locator("article img[src=x], article svg[onload]").count() == 0
