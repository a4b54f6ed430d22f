"""The editors' form at scale: how long its page takes to open and what it downloads.

A synthetic corpus (:mod:`bench.corpus`) is built with ``kb build`` and served the way
an intranet web server serves it. In a fresh headless Chromium each round:

- **open**: from navigating to ``form/`` until the form can be typed into (its first
  field exists and its scripts are ready), and every byte of what the browser had asked
  for by then (by its resource timings), and until the page is idle (the search manifest
  the header fetches while the reader is idle);
- **check**: a complete new case checked as ``kb check`` would (the checks across
  entries load their data then): time, and the bytes of form data it loaded;
- **edit**: an entry page's 修改此条目 until the form shows the entry's values.

Bytes are counted as sent (no compression, as Python's server sends them) and as
nginx's ``gzip on`` (level 1) would send them. The entry pages' share of the
site spent on the values they carry for 修改此条目 is reported too.

Usage::

    python -m bench.form --size 10000 --work /tmp/kb-bench-form [--rounds 5]
        [--out bench/form-results.json]   # and bench/FORM.md

The corpus and its site are made once per size under ``--work`` and reused.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run import write_projects
from generator.local_server import LocalHTTPServer
from tests.chromium import launch_chromium

REPO = Path(__file__).resolve().parent.parent
READY = "() => window.kbForm && document.getElementById('kb-f-id') ? performance.now() : 0"
"""When the form can be typed into (its first field exists and its scripts ran), in the
page's own clock."""


class _Handler(http.server.SimpleHTTPRequestHandler):
    sent: list[tuple[str, int, int]]

    def copyfile(self, source: Any, outputfile: Any) -> None:
        body = source.read()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            outputfile.write(body)  # the browser may have gone away: count what was asked for
        self.sent.append((self.path.split("?")[0], len(body), _gzipped(self.path, body)))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@functools.cache
def _gzipped_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=1))


def _gzipped(path: str, body: bytes) -> int:
    """What nginx's gzip (level 1) sends for text; images go as they are."""
    return len(body) if path.endswith((".png", ".ico", ".woff2")) else _gzipped_size(body)


@dataclass
class Served:
    url: str
    sent: list[tuple[str, int, int]] = field(default_factory=list)

    def take(self) -> list[tuple[str, int, int]]:
        taken, self.sent[:] = list(self.sent), []
        return taken


def _serve(site: Path) -> Served:
    sent: list[tuple[str, int, int]] = []
    handler = type("Handler", (_Handler,), {"sent": sent})
    server = LocalHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Served(f"http://127.0.0.1:{server.server_address[1]}/", sent)


def build(size: int, work: Path) -> Path:
    """The corpus's site, built once per size."""
    from generator.commands.build import build_site

    site = work / f"site-{size}"
    if (site / "form" / "manifest.js").is_file():
        return site
    project, _, _ = write_projects(work, size, reference=False)
    started = time.monotonic()
    build_site(project / "mkdocs.yml", site_dir=site)
    print(f"built {size} entries in {time.monotonic() - started:.0f} s")
    return site


def _case(site: Path) -> dict[str, Any]:
    """A new case, valid on its own, for the checks across entries to run on."""
    return {
        "id": "bench-form-case",
        "kind": "case",
        "title": "某街道社区：每周一次读书会",
        "summary": "社区党委用每周一次的读书会把分散的党员组织起来学习。",
        "org_type": "urban-community",
        "themes": ["learning-forms"],
        "sources": [{"document": "bench.txt", "title": "基准测试用的来源"}],
        "unit": "某街道社区党委",
        "region": "原文未写明",
        "period": "近三年",
        "background": "社区党员住在不同的小区，上班时间各不相同，集中学习的时间总凑不齐。",
        "actions": [
            {"title": "固定每周读书时间", "text": "每周三晚上读书一小时，读完轮流谈体会。"}
        ],
        "results": {"summary": "参加读书会的党员一年比一年多。"},
        "lessons": ["时间固定下来，学习才能坚持。"],
        "cases": [],
        "distinct_from": [],
    }


_FORM_OWN = ("/form/", "/assets/javascripts/kb-form", "/assets/stylesheets/kb-form")
"""The form's own files: its page, scripts, style and data."""
_MATERIAL = re.compile(
    r"/assets/(?:javascripts/bundle|stylesheets/(?:main|palette))\.[0-9a-f]+\.min\."
)
"""Material for MkDocs's own script and styles, which every page of the site loads."""
_ASKED = """(ready) => performance.getEntriesByType("resource")
    .filter((entry) => entry.startTime <= ready)
    .map((entry) => new URL(entry.name).pathname)"""


def _round(browser: Any, served: Served, site: Path, entry_page: str) -> dict[str, Any]:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    served.take()
    page.goto(served.url + "form/", wait_until="commit")
    ready_ms = page.wait_for_function(READY, polling=10).json_value()
    # What the browser had asked for when the form became ready (the page's own resource
    # timings), all of which the editor's connection carries before typing: the scripts the
    # header fetches once the page is idle may be in by the time the server is asked.
    asked = set(page.evaluate(_ASKED, ready_ms)) | {"/form/"}
    page.wait_for_load_state("networkidle")
    idle = served.take()
    before_typing = [row for row in idle if row[0] in asked]
    started = time.perf_counter()
    problems = page.evaluate(
        "(data) => kbForm.checker().then((checker) => checker.check('case', data, null))",
        {k: v for k, v in _case(site).items() if v != []},
    )
    check_ms = (time.perf_counter() - started) * 1000
    check = served.take()
    page.goto(served.url + entry_page, wait_until="load")
    served.take()
    started = time.perf_counter()
    page.click("a.kb-edit-link__link")
    page.wait_for_selector(".kb-form__heading")
    edit_ms = (time.perf_counter() - started) * 1000
    served.take()
    context.close()
    return {
        "ready_ms": round(ready_ms, 1),
        "bytes_before_typing": sum(raw for _, raw, _ in before_typing),
        "gzip_before_typing": sum(packed for _, _, packed in before_typing),
        "bytes_when_idle": sum(raw for _, raw, _ in idle),
        "gzip_when_idle": sum(packed for _, _, packed in idle),
        "files_before_typing": sorted({path for path, _, _ in before_typing}),
        "corpus_bytes_before_typing": sum(
            raw
            for path, raw, _ in before_typing
            if "/form/" in path and path.endswith(".js") and "/form/index" not in path
        ),
        "form_bytes_before_typing": sum(
            raw for path, raw, _ in before_typing if path.startswith(_FORM_OWN)
        ),
        "theme_bytes_before_typing": sum(
            raw for path, raw, _ in before_typing if _MATERIAL.search(path)
        ),
        "check_ms": round(check_ms, 1),
        "check_problems": [p["rule"] for p in problems],
        "check_bytes": sum(raw for _, raw, _ in check),
        "check_files": len(check),
        "edit_ms": round(edit_ms, 1),
    }


_SOURCE = re.compile(
    rb"<script type=\"application/json\" data-kb-entry-source>(.*?)</script>", re.S
)


def _entry_values_share(site: Path) -> dict[str, int]:
    """Bytes of the entry pages, and of the values they carry for 修改此条目."""
    pages = values = count = 0
    for folder in ("cases", "practices", "materials"):
        for html in (site / folder).glob("*/index.html"):
            data = html.read_bytes()
            found = _SOURCE.search(data)
            pages += len(data)
            values += len(found.group(1)) if found else 0
            count += 1
    return {"entry_pages": count, "entry_page_bytes": pages, "entry_value_bytes": values}


def measure(size: int, work: Path, rounds: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    site = build(size, work)
    served = _serve(site)
    entry_page = next(
        p.name for p in sorted((site / "practices").iterdir()) if p.name != "page" and p.is_dir()
    )
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        # The first page a new browser opens pays for starting it: measured on its own.
        cold = _round(browser, served, site, f"practices/{entry_page}/")
        rows = [_round(browser, served, site, f"practices/{entry_page}/") for _ in range(rounds)]
        browser.close()
    first = rows[0]
    return {
        "size": size,
        "rounds": rounds,
        "ready_ms_median": statistics.median(r["ready_ms"] for r in rows),
        "ready_ms_worst": max(r["ready_ms"] for r in rows),
        "ready_ms_cold": cold["ready_ms"],
        "bytes_before_typing": first["bytes_before_typing"],
        "gzip_before_typing": first["gzip_before_typing"],
        "bytes_when_idle": first["bytes_when_idle"],
        "gzip_when_idle": first["gzip_when_idle"],
        "corpus_bytes_before_typing": first["corpus_bytes_before_typing"],
        "form_bytes_before_typing": first["form_bytes_before_typing"],
        "theme_bytes_before_typing": first["theme_bytes_before_typing"],
        "files_before_typing": first["files_before_typing"],
        "check_ms_median": statistics.median(r["check_ms"] for r in rows),
        "check_bytes": first["check_bytes"],
        "check_files": first["check_files"],
        "check_problems": first["check_problems"],
        "edit_ms_median": statistics.median(r["edit_ms"] for r in rows),
        **_entry_values_share(site),
    }


def report(result: dict[str, Any]) -> str:
    """bench/FORM.md."""
    kb = 1024
    share = result["entry_value_bytes"] / max(result["entry_page_bytes"], 1)
    return (
        "# 投稿表单的基准测试\n\n"
        "由 `python -m bench.form` 生成，请勿手工修改。合成条目用 `kb build` 生成网站，用 Python 的 Web 服务器"
        "提供（不压缩），在无界面 Chromium 中每轮用新的浏览器环境（无缓存）打开；“压缩后”是按 nginx 的 "
        "`gzip on`（级别 1）压缩文本文件后会传输的字节数。\n\n"
        f"| 项目 | {result['size']:,} 个条目 |\n|---|---:|\n"
        f"| 打开“投稿与修改”页到可以输入（中位 / 最慢，{result['rounds']} 轮） | "
        f"{result['ready_ms_median']:.0f} ms / {result['ready_ms_worst']:.0f} ms |\n"
        f"| 同上，刚启动的浏览器打开的第一个页面 | {result['ready_ms_cold']:.0f} ms |\n"
        f"| 可以输入时已下载（不压缩 / 压缩后） | {result['bytes_before_typing'] / kb:,.0f} KB / "
        f"{result['gzip_before_typing'] / kb:,.0f} KB |\n"
        f"| 其中随条目数增长的数据 | {result['corpus_bytes_before_typing'] / kb:,.0f} KB |\n"
        f"| 其中表单自身的文件（页面、表单脚本和样式） | {result['form_bytes_before_typing'] / kb:,.0f} KB |\n"
        f"| 其中 Material 主题的脚本和样式（网站每一页都载入） | "
        f"{result['theme_bytes_before_typing'] / kb:,.0f} KB |\n"
        f"| 页面空闲时共下载（含页头检索框预先取的检索清单；不压缩 / 压缩后） | "
        f"{result['bytes_when_idle'] / kb:,.0f} KB / {result['gzip_when_idle'] / kb:,.0f} KB |\n"
        f"| 检查一个完整的新案例（与已有条目比对，中位） | {result['check_ms_median']:.0f} ms，"
        f"载入 {result['check_files']} 个数据文件共 {result['check_bytes'] / kb:,.1f} KB |\n"
        f"| 从条目页点“修改此条目”到表单填好（中位） | {result['edit_ms_median']:.0f} ms |\n"
        f"| 条目页为“修改此条目”携带的数据 | 平均每页 {result['entry_value_bytes'] / max(result['entry_pages'], 1) / kb:,.1f} KB，"
        f"占条目页的 {share:.0%} |\n\n"
        "可以输入时下载的文件："
        + "、".join(f"`{p}`" for p in result["files_before_typing"])
        + "。\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kb-bench-form"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "form-results.json")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    result = measure(args.size, args.work, args.rounds)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (REPO / "bench" / "FORM.md").write_text(report(result), encoding="utf-8")
    print(report(result))


if __name__ == "__main__":
    main()
