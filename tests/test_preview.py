"""The live preview an editor uses: edits show up, bad edits are reported, the server survives."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.commands.serve import WAIT_PATH
from tests.projects import copy_sample
from tests.served import follow_skip_link


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_preview(
    project: Path, *, temp: Path | None = None
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start `kb serve` as an editor does; its output goes to preview.log beside the project.

    ``temp``, if given, is where the preview keeps its site.
    """
    port = _free_port()
    log = (project / "preview.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "TMPDIR": str(temp)} if temp else None,
    )
    log.close()
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return url, server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.3)
    server.kill()
    server.wait()
    pytest.fail("preview server did not start:\n" + _output(project))


def _output(project: Path) -> str:
    return (project / "preview.log").read_text(encoding="utf-8", errors="replace")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def preview(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """`kb serve` running on a copy of the sample project, shared by the module's tests:
    a test that changes the content puts it back and waits until the preview shows it."""
    project = copy_sample(tmp_path_factory.mktemp("preview"))
    url, server = _start_preview(project)
    yield url, project, server
    _stop(server)


def test_edits_show_up_and_bad_edits_are_reported(page, preview) -> None:
    """Saving a YAML file updates the open page; an invalid edit lists errors until it is fixed."""
    url, project, server = preview
    entry = project / "content/cases/river-community.yml"
    original = entry.read_text(encoding="utf-8")
    page.goto(url + "cases/river-community/")
    assert page.inner_text("article h1") == "河畔社区：每月两次中心组学习"

    try:
        entry.write_text(
            original.replace("title: 河畔社区：每月两次中心组学习", "title: 河畔社区：改过的标题"),
            encoding="utf-8",
        )
        started = time.monotonic()
        page.wait_for_function(
            "() => document.querySelector('article h1')?.textContent === '河畔社区：改过的标题'",
            timeout=15_000,
        )
        assert time.monotonic() - started < 10

        entry.write_text(
            original.replace("org_type: urban-community", "org_type: town"), encoding="utf-8"
        )
        page.wait_for_selector(".kb-problems", timeout=15_000)
        banner = page.inner_text(".kb-problems")
        assert "content/cases/river-community.yml:5:11" in banner
        assert "不存在编号为“town”的组织类型" in banner
        assert page.inner_text("article h1") == "河畔社区：改过的标题"  # the last good content
        assert server.poll() is None
    finally:
        entry.write_text(original, encoding="utf-8")
    page.wait_for_function(
        "() => !document.querySelector('.kb-problems') && "
        "document.querySelector('article h1')?.textContent === '河畔社区：每月两次中心组学习'",
        timeout=15_000,
    )
    assert server.poll() is None


def test_preview_started_on_broken_content_lists_the_errors(page, sample_project: Path) -> None:
    """Starting the preview with broken content shows the errors instead of dying."""
    entry = sample_project / "content/materials/hill-school.yml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("key_points:", "keypoints:"), encoding="utf-8"
    )
    url, server = _start_preview(sample_project)
    try:
        page.goto(url)
        assert "不认识的字段“keypoints”" in page.inner_text(".kb-problems")
    finally:
        _stop(server)
    output = _output(sample_project)
    assert "content/materials/hill-school.yml" in output and "不认识的字段“keypoints”" in output
    assert "Traceback" not in output


def test_stopping_the_preview_removes_its_files_and_odd_requests_do_no_harm(
    sample_project: Path, tmp_path: Path
) -> None:
    """A malformed reload poll gets an answer; a terminated preview leaves no folder behind."""
    temp = tmp_path / "temp"
    temp.mkdir()
    url, server = _start_preview(sample_project, temp=temp)
    try:
        # The preview folder, MkDocs's empty docs folder, the search index's kept postings,
        # each named after the process (see generator.tempdirs).
        assert sorted(p.name.rsplit("-", 1)[0] for p in temp.iterdir()) == [
            f"kb-docs-{server.pid}",
            f"kb-preview-{server.pid}",
            f"kb-search-{server.pid}",
        ]
        status, text = _get(url + ".kb-preview/wait?since=abc")
        assert status == 400 and "since 应为数字" in text
        with urllib.request.urlopen(url + "search/manifest.js", timeout=10) as answer:
            assert answer.status == 200
    finally:
        _stop(server)
    assert list(temp.iterdir()) == []
    assert "Traceback" not in _output(sample_project)


def _with_navigation(project: Path) -> Path:
    """The project set up like the real one: its navigation, theme folder and editors' guide."""
    from generator.docs import GUIDE_IMAGES
    from tests.conftest import REPO

    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        config.replace("custom_dir: theme", f"custom_dir: {REPO / 'theme'}").replace(
            "  - theme\n", f"  - {REPO / 'theme'}\n"
        ),
        encoding="utf-8",
    )
    (project / "CONTRIBUTING.md").write_bytes((REPO / "CONTRIBUTING.md").read_bytes())
    shutil.copytree(REPO / GUIDE_IMAGES, project / GUIDE_IMAGES)  # the guide's pictures
    return project


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as failure:
        return failure.code, failure.read().decode("utf-8")


def test_a_preview_started_on_broken_content_speaks_chinese_everywhere(
    sample_project: Path,
) -> None:
    """Every page of the navigation lists the problems; no English warning or error page."""
    project = _with_navigation(sample_project)
    entry = project / "content/materials/hill-school.yml"
    entry.write_text(entry.read_text("utf-8").replace("key_points:", "keypoints:"), "utf-8")
    url, server = _start_preview(project)
    try:
        for path in ["", "themes/", "org-types/", "matrix/", "explorer/", "cases/", "guide/"]:
            status, html = _get(url + path)
            assert status == 200, path
            assert "还没有可以预览的页面" in html and "不认识的字段“keypoints”" in html, path
        status, html = _get(url + "cases/nowhere/deeper/")
        assert status == 404 and "不认识的字段“keypoints”" in html
        assert "Error response" not in html
    finally:
        _stop(server)
    output = _output(project)
    assert "预览中暂时没有页面" in output
    assert output.count("不认识的字段“keypoints”") == 1  # reported once, not once per stage
    assert "WARNING -  A reference" not in output and "Traceback" not in output


def test_closed_connections_and_unknown_addresses_do_not_disturb_the_preview(preview) -> None:
    """Readers closing tabs mid-answer print nothing; unknown addresses get the site's 404 page."""
    url, project, server = preview
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    # The browser of earlier tests may keep idle connections to the preview for reuse; only
    # the connections this test opens must be closed at the end.
    held_before = _sockets(server.pid)
    for _ in range(30):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"GET /search/manifest.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    status, html = _get(url + "no/such/page/")
    assert status == 404 and '<base href="/">' in html and "样例知识库" in html
    # A null character or an over-long name in the address is "not found" too.
    for odd in ("%00", "cases/%00/", "x" * 300 + "/"):
        status, html = _get(url + odd)
        assert status == 404 and "样例知识库" in html, odd
    # A request line too broken to read gets a Chinese answer, and nothing is logged.
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        answer = sock.recv(65536).decode("utf-8", "replace")
    assert "请求无法处理（400）" in answer
    assert _get(url)[0] == 200 and server.poll() is None
    # Every connection above has been answered and closed once the server holds no socket
    # it did not hold before; what it said about them is in the log by then.
    deadline = time.monotonic() + 60
    while _sockets(server.pid) - held_before:
        assert time.monotonic() < deadline, "the preview kept connections open"
        # Between looks, wait for the server to end (it must not): its exit is the event.
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=0.05)
            pytest.fail("the preview stopped:\n" + _output(project))
    output = _output(project)
    assert "Traceback" not in output and "BrokenPipe" not in output
    assert "出错" not in output, output


def _sockets(pid: int) -> set[str]:
    """The sockets process ``pid`` holds open, by inode ("socket:[1234]"; Linux)."""
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed while being looked at
            target = os.readlink(fd)
            if target.startswith("socket:"):
                held.add(target)
    return held


def _answer(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as failure:
        return failure.code, dict(failure.headers)


def test_the_browser_keeps_styles_and_search_files_until_they_are_rewritten(
    sample_project: Path, tmp_path: Path
) -> None:
    """A reload after an edit fetches only rewritten files; pages themselves are never kept."""
    url, server = _start_preview(sample_project, temp=tmp_path)
    try:
        (site,) = tmp_path.glob("kb-preview-*")
        status, headers = _answer(url + "search/manifest.js")
        assert status == 200 and headers["Cache-Control"] == "no-cache"
        tag = headers["ETag"]
        assert _answer(url + "search/manifest.js", {"If-None-Match": tag})[0] == 304
        # Rewritten in the same second with the same size: "If-Modified-Since" would miss it.
        (manifest,) = site.glob("site-*/search/manifest.js")
        before = manifest.stat().st_mtime_ns
        manifest.write_bytes(manifest.read_bytes())
        os.utime(manifest, ns=(before + 1000, before + 1000))
        stale = {"If-None-Match": tag, "If-Modified-Since": headers["Last-Modified"]}
        assert _answer(url + "search/manifest.js", stale)[0] == 200
        status, headers = _answer(url)
        assert status == 200 and headers["Cache-Control"] == "no-store" and "ETag" not in headers
        # The theme's files are named after the full build that wrote them: kept for good,
        # until a full build (here: after the configuration was saved) renames them.
        assert 'assets/stylesheets/kb.css?kb-build=1"' in _get(url)[1]
        status, headers = _answer(url + "assets/stylesheets/kb.css?kb-build=1")
        assert status == 200 and "immutable" in headers["Cache-Control"]
        config = sample_project / "mkdocs.yml"
        config.write_text(config.read_text("utf-8") + "\n", "utf-8")
        deadline = time.monotonic() + 30
        while 'kb.css?kb-build=2"' not in _get(url)[1]:
            assert time.monotonic() < deadline, "a full build did not rename the theme's files"
            time.sleep(0.2)
    finally:
        _stop(server)


def test_the_skip_link_of_the_preview_404_page_stays_on_the_page(preview) -> None:
    """The 404 page's base address points its links at the site; its skip link stays here."""
    url, _, _ = preview
    status, html = _get(url + "cases/no-such-case/")
    assert status == 404
    assert 'href="/cases/no-such-case/#kb-main"' in html and 'id="kb-main"' in html
    assert 'href="#' not in html


def test_a_site_hosted_in_a_subfolder_is_previewed_at_the_top_of_the_preview_address(
    sample_project: Path,
) -> None:
    """With site_url naming a subfolder (/kb/), the preview's pages, 404 page included, link
    to its own top folder; the 404 page's skip link keeps the address asked for, query too."""
    config = sample_project / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8") + "\nsite_url: http://intranet.example/kb/\n", "utf-8"
    )
    url, server = _start_preview(sample_project)
    try:
        status, html = _get(url + "cases/no-such-case/?q=1")
        assert status == 404
        assert '<base href="/">' in html and "/kb/" not in html
        assert 'href="./assets/stylesheets/kb.css?kb-build=1"' in html  # against the base
        assert 'href="/cases/no-such-case/?q=1#kb-main"' in html
        assert _get(url + "assets/stylesheets/kb.css")[0] == 200
    finally:
        _stop(server)


def test_following_the_preview_404_page_skip_link_stays_on_it(page, preview) -> None:
    """In a browser, 跳到正文 on the preview's 404 page lands on its text at the address asked
    for, although the page's base address is the site's top folder."""
    url, _, _ = preview
    missing = url + "cases/no-such-case/"
    followed = follow_skip_link(page, missing)
    expected = {"text": "跳到正文", "url": missing + "#kb-main", "focus": "kb-main"}
    assert followed == {**expected, "stayed": True}


def _wait_for_status(url: str, status: int) -> None:
    deadline = time.monotonic() + 20
    while _get(url)[0] != status:
        assert time.monotonic() < deadline, f"{url} still does not answer {status}"
        time.sleep(0.2)


def test_a_deleted_entry_stops_being_served(preview) -> None:
    """Deleting an entry removes its page, also while the deletion leaves others in error."""
    url, project, server = preview
    deleted = {
        name: (project / "content" / f"{name}.yml").read_bytes()
        for name in (
            "materials/hill-school",
            "packs/study-session",
            "practices/twice-monthly-study",
        )
    }
    assert _get(url + "materials/hill-school/")[0] == 200
    try:
        (project / "content/materials/hill-school.yml").unlink()  # still cited by the practice
        _wait_for_status(url + "materials/hill-school/", 404)
        assert "不存在编号为“hill-school”的条目" in _get(url)[1]
        (project / "content/packs/study-session.yml").unlink()  # the sample pack lists it too
        (project / "content/practices/twice-monthly-study.yml").unlink()  # whole again
        _wait_for_status(url + "practices/twice-monthly-study/", 404)
        assert "kb-problems" not in _get(url)[1]
        assert server.poll() is None
    finally:
        for name, data in deleted.items():
            (project / "content" / f"{name}.yml").write_bytes(data)
    for name in deleted:  # shown again, for the tests after this one
        _wait_for_status(f"{url}{name}/", 200)


def _wait_past(url: str, version: int) -> None:
    """Return once the preview has published an update after ``version`` (its own wait
    address answers then, or after its time limit, when the caller looks again)."""
    urllib.request.urlopen(f"{url}{WAIT_PATH[1:]}?since={version}", timeout=60).close()


def test_the_preview_search_finds_an_edit_and_forgets_what_was_removed(page, preview) -> None:
    """After saving an edit, the preview's search finds the new words, not the old ones."""
    url, project, server = preview
    entry = project / "content/cases/river-community.yml"
    original = entry.read_text(encoding="utf-8")

    shown = [0]  # the preview's update the page last opened was served in

    def found(query: str) -> list[str]:
        from playwright.sync_api import Error

        try:
            page.goto(url)
            shown[0] = int(re.search(r"var seen = ([0-9]+);", page.content()).group(1))
            return page.evaluate(
                "async q => (await kbSearch.entries(await kbSearch.search(q))).map(e => e.url)",
                query,
            )
        except Error:  # the preview reloaded the page meanwhile: ask again
            return found(query)

    assert found("每月两次中心组学习") == ["cases/river-community/"]
    try:
        entry.write_text(
            original.replace(
                "title: 河畔社区：每月两次中心组学习", "title: 河畔社区：夜校轮讲制度"
            ),
            encoding="utf-8",
        )
        deadline = time.monotonic() + 20
        while found("夜校轮讲") != ["cases/river-community/"]:
            assert time.monotonic() < deadline, "the edit never became searchable"
            _wait_past(url, shown[0])
        assert "cases/river-community/" not in found("每月两次中心组学习")
        assert server.poll() is None
    finally:
        entry.write_text(original, encoding="utf-8")
    deadline = time.monotonic() + 20
    while found("每月两次中心组学习") != ["cases/river-community/"]:  # for the tests after
        assert time.monotonic() < deadline, "the preview never showed the entry as it was"
        _wait_past(url, shown[0])
