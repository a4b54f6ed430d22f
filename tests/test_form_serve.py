"""The form in `kb serve`: it saves straight into content/ (a new file, or the entry being corrected
once its changes are shown) and the preview opens on the entry; the save takes only requests from
the preview's own form page with the token of this run, and writes only a model-valid file name,
in its kind's folder, whole, never over another file."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.check import load_project
from generator.emit import entry_yaml
from generator.form.save import MAX_BODY, SAVE_PATH
from tests.test_preview import _start_preview, _stop

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


@pytest.fixture
def preview(sample_project: Path) -> Iterator[tuple[str, Path]]:
    """`kb serve` running on a copy of the sample project."""
    url, server = _start_preview(sample_project)
    yield url, sample_project
    _stop(server)


def _token(url: str) -> str:
    with urllib.request.urlopen(url + "form/") as answer:
        found = re.search(r'data-kb-save="([^"]+)"', answer.read().decode("utf-8"))
    assert found, "the preview's form page carries no token"
    return found.group(1)


def _post(
    url: str, body: Any, *, origin: str | None = "same", content_type: str = "application/json"
) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url.rstrip("/") + SAVE_PATH, data=data, method="POST")
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
