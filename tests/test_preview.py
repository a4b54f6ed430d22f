"""The live preview an editor uses: edits show up, bad edits are reported, the server survives."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


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


@pytest.fixture
def preview(sample_project: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """`kb serve` running on the sample project."""
    url, server = _start_preview(sample_project)
    yield url, sample_project, server
    _stop(server)


def test_edits_show_up_and_bad_edits_are_reported(page, preview) -> None:
    """Saving a YAML file updates the open page; an invalid edit lists errors until it is fixed."""
    url, project, server = preview
    entry = project / "content/cases/river-community.yml"
    original = entry.read_text(encoding="utf-8")
    page.goto(url + "cases/river-community/")
    assert page.inner_text("article h1") == "河畔社区：每月两次中心组学习"

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
        assert sorted(p.name.rsplit("-", 1)[0] for p in temp.iterdir()) == ["kb-docs", "kb-preview"]
        with urllib.request.urlopen(url + ".kb-preview/wait?since=abc", timeout=10) as answer:
            assert answer.read().decode().isdigit()
        with urllib.request.urlopen(url + "search/manifest.js", timeout=10) as answer:
            assert answer.status == 200
    finally:
        _stop(server)
    assert list(temp.iterdir()) == []
    assert "Traceback" not in _output(sample_project)
