"""The preview at scale: from saving a file to the open page showing the edit, in Chromium.

``kb serve`` runs on a generated project; a headless Chromium keeps the page a reader
would look at open, and for each kind of edit the clock runs from the moment the file
is saved until the page (reloaded by the preview itself) shows the change. Five kinds
of edit, each repeated: a title, a body field, a theme change, a new entry and a
deleted entry.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.chromium import launch_chromium

EDIT_LIMIT = 120.0
"""Longest wait for one edit to show, in seconds."""


@dataclass(frozen=True)
class Edit:
    kind: str
    page: str
    """Site-relative URL of the page the reader has open."""
    save: Callable[[], None]
    """Writes the edit to disk."""
    shown: str
    """A JavaScript expression that is true once the page shows the edit."""
    undo: Callable[[], None]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _js_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _body_contains(text: str) -> str:
    return f"document.body && document.body.innerText.indexOf({_js_text(text)}) >= 0"


def _meta_contains(text: str) -> str:
    """The entry's own details (its themes), not the related entries below them."""
    return f"(document.querySelector('.kb-meta') || {{}}).innerText.indexOf({_js_text(text)}) >= 0"


def _body_lacks(text: str) -> str:
    return f"document.body && document.body.innerText.indexOf({_js_text(text)}) < 0"


def _edits(project: Path, round_number: int) -> list[Edit]:
    """One edit of each kind, on entries picked from the generated corpus."""
    content = project / "content"
    cases = sorted((content / "cases").glob("*.yml"))
    case = cases[len(cases) // 3 + round_number]
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    original = case.read_text(encoding="utf-8")
    page = f"cases/{data['id']}/"
    marker = f"预览计时{round_number}"
    taxonomy = yaml.safe_load((content / "taxonomy.yml").read_text(encoding="utf-8"))
    unused = next(t for t in taxonomy["themes"] if t["id"] not in data["themes"])

    def rewrite(change: Callable[[dict[str, Any]], None]) -> Callable[[], None]:
        def save() -> None:
            edited = yaml.safe_load(original)
            change(edited)
            case.write_text(yaml.safe_dump(edited, allow_unicode=True, sort_keys=False), "utf-8")

        return save

    def restore() -> None:
        case.write_text(original, encoding="utf-8")

    new_id = f"preview-timing-{round_number}"
    new_file = content / "cases" / f"{new_id}.yml"
    new_title = f"阿{marker}新条目"

    def add() -> None:
        entry = yaml.safe_load(original)
        entry.update(id=new_id, title=new_title)
        new_file.write_text(yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), "utf-8")

    return [
        Edit(
            "标题",
            page,
            rewrite(lambda d: d.update(title=f"{marker}{d['title']}"[:60])),
            _body_contains(marker),
            restore,
        ),
        Edit(
            "正文",
            page,
            rewrite(lambda d: d["lessons"].append(f"{marker}：补充一条体会。")),
            _body_contains(f"{marker}：补充一条体会。"),
            restore,
        ),
        Edit(
            "主题",
            page,
            rewrite(lambda d: d.update(themes=[unused["id"], *d["themes"][1:]])),
            _meta_contains(unused["name"]),
            restore,
        ),
        Edit("新条目", "cases/", add, _body_contains(new_title), lambda: None),
        Edit("删除条目", "cases/", lambda: new_file.unlink(), _body_lacks(new_title), lambda: None),
    ]


def preview_at_scale(project: Path, *, rounds: int = 3) -> dict[str, Any]:
    """Seconds from save to shown, per kind of edit, over ``rounds`` rounds."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = f"http://127.0.0.1:{port}/"
    started = time.monotonic()
    try:
        while True:
            try:
                urllib.request.urlopen(root, timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() - started > 1800:
                    raise RuntimeError("the preview did not start") from None
                time.sleep(0.5)
        startup = time.monotonic() - started
        timings: dict[str, list[float]] = {}
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            tab = browser.new_page()
            for round_number in range(rounds):
                for edit in _edits(project, round_number):
                    tab.goto(root + edit.page)
                    tab.wait_for_load_state("load")
                    time.sleep(1.0)  # the reload poll is waiting, as for a reader
                    saved = time.monotonic()
                    edit.save()
                    tab.wait_for_function(edit.shown, timeout=EDIT_LIMIT * 1000, polling=20)
                    timings.setdefault(edit.kind, []).append(round(time.monotonic() - saved, 3))
                    time.sleep(2.0)  # the update has finished (search) before the next edit
                    edit.undo()
                    time.sleep(3.0)
            browser.close()
    finally:
        server.terminate()
        server.wait(60)
    everything = [value for values in timings.values() for value in values]
    return {
        "startup_seconds": round(startup, 1),
        "edits": timings,
        "median_by_kind": {kind: statistics.median(v) for kind, v in timings.items()},
        "median": statistics.median(everything),
    }
