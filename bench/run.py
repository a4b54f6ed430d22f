"""The benchmark: our build and search against plain MkDocs + Material, on the same corpus.

For each corpus size it generates synthetic entries (see :mod:`bench.corpus`) in our
YAML format and, from the same entries, a plain Markdown project with a pruned
navigation and Material's own search (with jieba), then measures side by side:

- full build time, peak memory (all processes together) and built site size;
- search index build time and total index size;
- bytes a browser downloads from opening a page to the first search result, and
  the time from typing a query to the first result, in headless Chromium;
- recall: phrases taken from entries' own text must find those entries;
- at the smallest size, the preview: time from saving one edited file to the
  served page showing the edit (``kb serve`` against ``mkdocs serve``);
- at 10,000 entries (``--preview-at``), the preview in Chromium for each kind of
  edit (see :mod:`bench.preview`).

The plain MkDocs reference is built only up to ``--reference-up-to`` entries.

Results go to ``bench/RESULTS.md`` (a table for people) and ``bench/results.json``.
Not part of the test suite; run it with::

    bash scripts/bench.sh                                # 1,000 entries, a few minutes
    bash scripts/bench.sh 1000 5000 10000 30000 100000   # the full report (about an hour)
"""

from __future__ import annotations

import argparse
import datetime
import functools
import http.server
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.corpus import body_text, write_corpus, write_markdown_corpus
from bench.preview import preview_at_scale
from generator.local_server import LocalHTTPServer
from tests.chromium import launch_chromium

REPO = Path(__file__).resolve().parent.parent
QUERIES = [
    "学习 制度",
    "中心组 学习",
    "党员 教育",
    "基层 组织",
    "考核 激励",
    "领导 带头",
    "学习型 党组织",
    "培训 干部",
    "读书 活动",
    "工作 机制",
]
"""Typical two-word queries; every one occurs in the synthetic text."""
RECALL_PHRASES = 32
MATERIAL_QUERIES_LARGE = 2
"""Material downloads its whole index before any result; at large sizes a few queries show it."""
MATERIAL_TIMEOUT = 180.0
PREVIEW_EDITS = 5
PREVIEW_ROUNDS = 3
"""Rounds of the five kinds of edit timed in the browser at scale (fifteen edits)."""
SAMPLE_SECONDS = 0.2


# --- measuring processes -----------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    """Largest sum of resident memory over the process and its children."""
    peak_pss_mb: float
    """Largest sum of proportional memory: shared pages counted once in total."""
    output: str


def run_measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``command``, sampling the memory of it and its children until it ends."""
    started = time.monotonic()
    process = psutil.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peaks = [0.0, 0.0]
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    reader.start()
    while process.poll() is None:
        rss = pss = 0
        for member in [process, *_children(process)]:
            try:
                info = member.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        peaks = [max(peaks[0], rss / 2**20), max(peaks[1], pss / 2**20)]
        time.sleep(SAMPLE_SECONDS)
    seconds = time.monotonic() - started
    reader.join()
    text = "".join(output)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{text[-3000:]}")
    return Run(seconds, round(peaks[0]), round(peaks[1]), text)


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def folder_size(folder: Path) -> tuple[int, int]:
    """Total bytes and number of files under ``folder``."""
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    return sum(sizes), len(sizes)


# --- the two sites -----------------------------------------------------------------------


def write_projects(
    workdir: Path, size: int, *, reference: bool = True
) -> tuple[Path, Path, list[dict[str, Any]]]:
    """Our project and (unless told not to) the plain MkDocs reference, from the same entries."""
    ours = workdir / f"kb-{size}"
    shutil.rmtree(ours, ignore_errors=True)
    entries = write_corpus(ours, size)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("custom_dir: theme", f"custom_dir: {REPO / 'theme'}")
    config = re.sub(r"(?m)^  - theme$", f"  - {REPO / 'theme'}", config)
    (ours / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copy(REPO / "CONTRIBUTING.md", ours / "CONTRIBUTING.md")
    reference_project = workdir / f"reference-{size}"
    shutil.rmtree(reference_project, ignore_errors=True)
    if reference:
        write_markdown_corpus(reference_project, entries)
    return ours, reference_project, entries


_STAGE = re.compile(r"(\S+)：完成（(?:\d+ 项，)?用时 ([\d.]+) 秒）")

_REFERENCE_BUILD = """
import json, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
search = config.plugins["material/search"]
spent = [0.0]
def timed(method):
    def run(*args, **kwargs):
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started
    return run
# MkDocs calls the bound methods it collected when the plugins were loaded.
for event, methods in config.plugins.events.items():
    config.plugins.events[event] = [
        timed(m) if getattr(m, "__self__", None) is search else m for m in methods
    ]
build(config)
print("SEARCH-SECONDS", json.dumps(spent[0]))
"""


def build_ours(project: Path) -> dict[str, Any]:
    out = project / "site"
    run = run_measured([sys.executable, "-m", "generator", "build", "-d", str(out)], project)
    stages = {name: float(seconds) for name, seconds in _STAGE.findall(run.output)}
    index_size, index_files = folder_size(out / "search")
    return _built(run, out, stages.get("建立检索索引"), index_size, index_files)


def build_reference(project: Path) -> dict[str, Any]:
    out = project / "site"
    run = run_measured(
        [sys.executable, "-c", _REFERENCE_BUILD, str(project / "mkdocs.yml"), str(out)], project
    )
    found = re.search(r"SEARCH-SECONDS ([\d.]+)", run.output)
    index = out / "search" / "search_index.json"
    index_size = index.stat().st_size if index.is_file() else 0
    return _built(run, out, round(float(found.group(1)), 1) if found else None, index_size, 1)


def _built(
    run: Run, out: Path, index_seconds: float | None, index_bytes: int, index_files: int
) -> dict[str, Any]:
    """The figures of one measured build into ``out``."""
    size, files = folder_size(out)
    return {
        "seconds": round(run.seconds, 1),
        "peak_rss_mb": run.peak_rss_mb,
        "peak_pss_mb": run.peak_pss_mb,
        "site_bytes": size,
        "site_files": files,
        "index_seconds": index_seconds,
        "index_bytes": index_bytes,
        "index_files": index_files,
        "site": str(out),
    }


# --- in the browser ------------------------------------------------------------------------


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    counter: dict[str, int]

    def copyfile(self, source: Any, outputfile: Any) -> None:
        sent = 0
        try:
            while chunk := source.read(1 << 16):
                outputfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (its context was closed): count what was sent
        path = self.path.split("?")[0]
        key = "search" if "/search/" in path or "workers/search" in path else "other"
        self.counter[key] = self.counter.get(key, 0) + sent

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Server:
    url: str
    counter: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.counter.clear()

    @property
    def total(self) -> int:
        return sum(self.counter.values())


def serve_folder(folder: Path) -> Server:
    counter: dict[str, int] = {}
    handler = type("Handler", (_CountingHandler,), {"counter": counter})
    server = LocalHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Server(f"http://127.0.0.1:{server.server_address[1]}/", counter)


_FIRST_RESULT = """async ([selector, resultSelector, query]) => {
  const input = document.querySelector(selector);
  const started = performance.now();
  input.focus();
  input.value = query;
  input.dispatchEvent(new Event("input", {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true, key: "Process"}));
  return await new Promise((resolve) => {
    const check = () => {
      if (document.querySelector(resultSelector)) resolve(performance.now() - started);
      else requestAnimationFrame(check);
    };
    check();
  });
}"""


def first_results(
    browser: Any,
    server: Server,
    *,
    input_selector: str,
    result_selector: str,
    queries: list[str],
    timeout: float,
) -> list[dict[str, Any]]:
    """For each query, in a fresh browser (nothing cached): bytes and time to the first result."""
    measured = []
    for query in queries:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(timeout * 1000)
        server.reset()
        row: dict[str, Any] = {"query": query}
        try:
            page.goto(server.url, wait_until="load")
            row["page_bytes"] = server.total
            row["ms"] = round(
                page.evaluate(_FIRST_RESULT, [input_selector, result_selector, query]), 1
            )
        except Exception as failure:
            row["ms"] = None
            row["error"] = type(failure).__name__
        row["bytes"] = server.total
        row["search_bytes"] = server.counter.get("search", 0)
        context.close()
        measured.append(row)
    return measured


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    times = [r["ms"] for r in rows if r["ms"] is not None]
    sizes = [r["bytes"] for r in rows]
    return {
        "queries": len(rows),
        "answered": len(times),
        "ms_median": round(statistics.median(times), 1) if times else None,
        "ms_worst": round(max(times), 1) if times else None,
        "bytes_median": int(statistics.median(sizes)) if sizes else None,
        "bytes_worst": max(sizes) if sizes else None,
        "search_bytes_median": int(statistics.median([r["search_bytes"] for r in rows]))
        if rows
        else None,
        "search_bytes_worst": max(r["search_bytes"] for r in rows) if rows else None,
        "page_bytes": rows[0].get("page_bytes") if rows else None,
        "rows": rows,
    }


def recall_set(entries: list[dict[str, Any]], count: int) -> list[tuple[str, str]]:
    """Phrases of 2 to 8 Chinese characters from randomly chosen entries' own text."""
    rng = random.Random(1)
    phrases = []
    while len(phrases) < count:
        entry = rng.choice(entries)
        runs = [r for r in re.findall(r"[\u4e00-\u9fff]{10,}", body_text(entry))]
        if not runs:
            continue
        run = rng.choice(runs)
        length = rng.randint(2, 8)
        start = rng.randrange(0, len(run) - length + 1)
        phrases.append((run[start : start + length], entry["id"]))
    return phrases


def check_recall(
    browser: Any, server: Server, site: Path, phrases: list[tuple[str, str]]
) -> dict[str, Any]:
    """Each phrase, searched through the site's own search, must find its entry."""
    numbers = {}
    for chunk in sorted((site / "search" / "m").glob("*.js"), key=lambda p: int(p.stem)):
        text = chunk.read_text(encoding="utf-8")
        rows = json.loads(text[text.index(",") + 1 : text.rindex(")")])
        for i, row in enumerate(rows):
            numbers[row[0].rstrip("/").rsplit("/", 1)[-1]] = int(chunk.stem) * len(rows) + i
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url)
    missed = []
    for phrase, entry_id in phrases:
        found = page.evaluate("q => kbSearch.search(q)", phrase)
        if numbers[entry_id] not in found:
            missed.append(phrase)
    context.close()
    return {
        "phrases": len(phrases),
        "found": len(phrases) - len(missed),
        "missed": missed,
        "examples": [p for p, _ in phrases[:8]],
    }


def browser_measurements(
    ours: dict[str, Any],
    reference: dict[str, Any] | None,
    entries: list[dict[str, Any]],
    size: int,
) -> dict[str, Any]:
    """Search in the browser on our site, and on the reference site when there is one."""
    from playwright.sync_api import sync_playwright

    ours_server = serve_folder(Path(ours["site"]))
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        mine = first_results(
            browser,
            ours_server,
            input_selector="header input[type=search]",
            result_selector="[data-search-result]",
            queries=QUERIES,
            timeout=60,
        )
        material = None
        if reference is not None:
            material = first_results(
                browser,
                serve_folder(Path(reference["site"])),
                input_selector="input.md-search__input",
                result_selector=".md-search-result__item",
                queries=QUERIES if size <= 1000 else QUERIES[:MATERIAL_QUERIES_LARGE],
                timeout=MATERIAL_TIMEOUT,
            )
        recall = check_recall(
            browser, ours_server, Path(ours["site"]), recall_set(entries, RECALL_PHRASES)
        )
        browser.close()
    return {
        "ours": summarize(mine),
        "material": summarize(material) if material is not None else None,
        "recall": recall,
    }


# --- the preview -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_served(url: str, process: subprocess.Popen[bytes], limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the preview server stopped")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no preview at {url} after {limit} s")


def _edit_latencies(
    url: str, path: Path, replace: tuple[str, str], marker: str, edits: int, limit: float
) -> list[float]:
    original = path.read_text(encoding="utf-8")
    latencies = []
    try:
        for number in range(edits):
            text = f"{marker}{number}号"
            started = time.monotonic()
            path.write_text(original.replace(replace[0], replace[1].format(text), 1), "utf-8")
            while True:
                try:
                    page = urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
                except OSError:
                    page = ""
                if text in page:
                    break
                if time.monotonic() - started > limit:
                    raise RuntimeError(f"edit not shown after {limit} s")
                time.sleep(0.01)
            latencies.append(round(time.monotonic() - started, 3))
            time.sleep(1.5)  # let the update finish (search index) before the next save
    finally:
        path.write_text(original, encoding="utf-8")
    return latencies


def _time_preview(
    command: list[str],
    cwd: Path,
    page: str,
    edited: Path,
    replace: tuple[str, str],
    *,
    edits: int,
    start_limit: float,
    edit_limit: float,
) -> list[float]:
    """Start a preview server on a free port, then time ``edits`` saves of ``edited``."""
    port = _free_port()
    server = subprocess.Popen(
        [*command, "-a", f"127.0.0.1:{port}"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/{page}"
        _wait_until_served(url, server, start_limit)
        return _edit_latencies(url, edited, replace, "预览改动", edits, edit_limit)
    finally:
        server.terminate()
        server.wait(30)


def preview_latency(
    ours_project: Path, reference_project: Path, entries: list[dict[str, Any]]
) -> dict[str, Any]:
    """Saving one entry: ``kb serve`` on our project against ``mkdocs serve`` on the reference."""
    case = next(e for e in entries if e["kind"] == "case")
    page = f"cases/{case['id']}/"
    markdown = reference_project / "docs" / "cases" / f"{case['id']}.md"
    first_line = markdown.read_text(encoding="utf-8").splitlines()[0]
    return {
        "ours": _time_preview(
            [sys.executable, "-m", "generator", "serve"],
            ours_project,
            page,
            ours_project / "content" / "cases" / f"{case['id']}.yml",
            (f"summary: {case['summary']}", "summary: {}"),
            edits=PREVIEW_EDITS,
            start_limit=300,
            edit_limit=60,
        ),
        "mkdocs_serve": _time_preview(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload"],
            reference_project,
            page,
            markdown,
            (first_line, first_line + " {}"),
            edits=2,
            start_limit=600,
            edit_limit=600,
        ),
    }


# --- the report --------------------------------------------------------------------------------


def _mb(value: int | None) -> str:
    return "—" if value is None else f"{value / 2**20:,.1f} MB"


def _kb(value: int | None) -> str:
    return "—" if value is None else f"{value / 1024:,.0f} KB"


def _ms(value: float | None) -> str:
    return "无结果" if value is None else f"{value:,.0f} ms"


def write_report(results: list[dict[str, Any]], path: Path) -> None:
    lines = [
        "# 基准测试结果",
        "",
        "由 `bash scripts/bench.sh` 生成（`bench/run.py`），请勿手工修改。同一次运行中，用同一批合成条目"
        "分别生成本项目的网站和“普通 MkDocs + Material”的参照网站（精简导航，Material 自带搜索并用 jieba 分词）；"
        "参照网站在一万条以上要生成数小时，只测到一万条。",
        "",
        f"- 机器：{results[0]['machine']}",
        f"- 时间：{'、'.join(sorted({r['date'] for r in results}))}",
        "",
        "## 生成网站",
        "",
        "峰值内存是生成过程中所有进程合计的最大值：RSS 把各进程共享的内存重复计算，"
        "PSS 按进程平分共享部分，更接近实际占用。",
        "",
        "| 条目数 | 本项目：用时 | 峰值内存（RSS / PSS） | 网站大小 | 参照：用时 | 峰值内存（RSS / PSS） | 网站大小 | 提速 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        o, m = r["ours"], r["reference"]
        theirs = (
            f"{m['seconds']} s | {m['peak_rss_mb']:,} / {m['peak_pss_mb']:,} MB | "
            f"{_mb(m['site_bytes'])} | {m['seconds'] / o['seconds']:.1f}×"
            if m
            else "— | — | — | —"
        )
        lines.append(
            f"| {r['size']:,} | {o['seconds']} s | {o['peak_rss_mb']:,} / {o['peak_pss_mb']:,} MB | "
            f"{_mb(o['site_bytes'])}（{o['site_files']:,} 个文件） | {theirs} |"
        )
    lines += [
        "",
        "每个条目平均（检查是否随条目数线性增长）：",
        "",
        "| 条目数 | 网站大小 | 峰值内存 PSS | 峰值内存 RSS | 用时 |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        o, n = r["ours"], r["size"]
        lines.append(
            f"| {n:,} | {o['site_bytes'] / n / 1024:.1f} KB | {o['peak_pss_mb'] * 1024 / n:.0f} KB | "
            f"{o['peak_rss_mb'] * 1024 / n:.0f} KB | {o['seconds'] * 1000 / n:.1f} ms |"
        )
    lines += [
        "",
        "## 检索",
        "",
        "“下载”是从页面加载完成到出现第一个检索结果之间，浏览器（无缓存）下载的字节数，即检索所需的数据；"
        "页面本身（HTML、样式、脚本）两边都要下载，另列。“用时”从输入查询词算起到第一个结果出现，"
        "包括下载检索数据。Material 要先下载并载入整个索引才能给出结果。",
        "",
        "| 条目数 | 本项目：索引生成 | 索引大小 | 下载（中位 / 最多） | 用时（中位 / 最慢） | "
        "Material：索引生成 | 索引大小 | 下载（中位） | 用时（中位 / 最慢） | 下载量之比 | 页面本身（本项目 / Material） |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        o, m = r["ours"], r["reference"]
        so, sm = r["search"]["ours"], r["search"]["material"]
        ours_cells = (
            f"| {r['size']:,} | {o['index_seconds']} s | {_mb(o['index_bytes'])}（{o['index_files']:,} 个文件） | "
            f"{_kb(so['search_bytes_median'])} / {_kb(so['search_bytes_worst'])} | "
            f"{_ms(so['ms_median'])} / {_ms(so['ms_worst'])} |"
        )
        if not (m and sm):
            lines.append(ours_cells + f" — | — | — | — | — | {_kb(so['page_bytes'])} / — |")
            continue
        ratio = (
            sm["search_bytes_median"] / so["search_bytes_median"]
            if so["search_bytes_median"]
            else 0
        )
        note = (
            ""
            if sm["answered"] == sm["queries"]
            else f"（{sm['queries'] - sm['answered']} 次超时）"
        )
        lines.append(
            ours_cells + f" {m['index_seconds']} s | {_mb(m['index_bytes'])} | "
            f"{_kb(sm['search_bytes_median'])}{note} | {_ms(sm['ms_median'])} / {_ms(sm['ms_worst'])} | "
            f"{ratio:,.0f}× | {_kb(so['page_bytes'])} / {_kb(sm['page_bytes'])} |"
        )
    lines += ["", "查询词：" + "、".join(f"“{q}”" for q in QUERIES) + "。"]
    lines += ["", "## 召回", "", "| 条目数 | 短语数 | 找到原条目 | 举例 |", "|---:|---:|---:|---|"]
    for r in results:
        rc = r["search"]["recall"]
        lines.append(
            f"| {r['size']:,} | {rc['phrases']} | {rc['found']} | {'、'.join(rc['examples'])} |"
        )
    lines += _preview_report(results)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _preview_report(results: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    at_scale = [r for r in results if r.get("preview_at_scale")]
    previews = [r for r in results if r.get("preview")]
    if at_scale or previews:
        lines += ["", "## 预览"]
    if at_scale:
        lines += [
            "",
            "在浏览器（无界面 Chromium）中打开一个页面，保存一次改动，计时到这个页面（由预览自动刷新）"
            "显示出改动为止。五种改动各做数轮：改标题、在正文字段加一句、换一个主题（打开的是该条目的页面），"
            "新建一个条目、删除这个条目（打开的是典型案例列表）。",
            "",
            "| 条目数 | 全部改动的中位数 | 启动用时 | 标题 | 正文 | 主题 | 新条目 | 删除条目 |",
            "|---:|---:|---:|---|---|---|---|---|",
        ]
        for r in at_scale:
            p = r["preview_at_scale"]
            kinds = [
                "、".join(f"{x:.2f}" for x in p["edits"].get(kind, [])) + " s"
                for kind in ("标题", "正文", "主题", "新条目", "删除条目")
            ]
            lines.append(
                f"| {r['size']:,} | **{p['median']:.2f} s** | {p['startup_seconds']} s | "
                + " | ".join(kinds)
                + " |"
            )
    if previews:
        lines += [
            "",
            "与普通 MkDocs 对照：保存一个改动过的条目文件后，到预览服务器返回的页面包含改动为止的时间"
            "（不经浏览器，反复请求页面）。",
            "",
            "| 条目数 | `kb serve`（中位 / 最慢） | 各次 | `mkdocs serve` 参照 |",
            "|---:|---:|---|---|",
        ]
        for r in previews:
            p = r["preview"]
            lines.append(
                f"| {r['size']:,} | {statistics.median(p['ours']):.2f} s / {max(p['ours']):.2f} s | "
                f"{'、'.join(f'{x:.2f}' for x in p['ours'])} s | "
                f"{'、'.join(f'{x:.1f}' for x in p.get('mkdocs_serve', []))} s |"
            )
    return lines


def machine() -> str:
    cores = len(os.sched_getaffinity(0))
    memory = psutil.virtual_memory().total / 2**30
    return f"{platform.machine()}，{cores} 核，{memory:.0f} GiB 内存，Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000], help="corpus sizes")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kb-bench"))
    parser.add_argument("--report", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument(
        "--reference-up-to",
        type=int,
        default=10_000,
        help="build the plain MkDocs reference only up to this size (it takes hours beyond)",
    )
    parser.add_argument(
        "--preview-at",
        type=int,
        action="append",
        help="sizes at which to time the preview in the browser, each kind of edit "
        "(default: 10,000 if among the sizes)",
    )
    parser.add_argument(
        "--preview-only",
        action="store_true",
        help="time only the preview at each size, into the rows kept from results.json",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the rows of sizes not run this time from the existing results.json",
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    preview_sizes = set(args.preview_at or [10_000])
    stored = args.report.with_name("results.json")
    kept: dict[int, dict[str, Any]] = {}
    if (args.keep or args.preview_only) and stored.is_file():
        kept = {row["size"]: row for row in json.loads(stored.read_text(encoding="utf-8"))}
    for size in args.sizes:
        print(f"== {size} entries", flush=True)
        if args.preview_only:
            project = write_projects(args.workdir, size, reference=False)[0]
            kept[size]["preview_at_scale"] = preview_at_scale(project, rounds=PREVIEW_ROUNDS)
            kept[size]["preview_date"] = datetime.date.today().isoformat()
            shutil.rmtree(project, ignore_errors=True)
        else:
            kept[size] = measure(
                size, args, preview=size in preview_sizes, first=size == min(args.sizes)
            )
        # Written after each size: a long run that stops keeps what it measured.
        results = [kept[key] for key in sorted(kept)]
        write_report(results, args.report)
        stored.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"report written to {args.report}")
    return 0


def measure(size: int, args: argparse.Namespace, *, preview: bool, first: bool) -> dict[str, Any]:
    """Every figure of one corpus size; the corpus and sites are removed afterwards."""
    with_reference = size <= args.reference_up_to
    ours_project, reference_project, entries = write_projects(
        args.workdir, size, reference=with_reference
    )
    ours = build_ours(ours_project)
    print(f"   ours: {ours['seconds']} s, {ours['peak_pss_mb']} MB", flush=True)
    reference = None
    if with_reference:
        reference = build_reference(reference_project)
        print(f"   reference: {reference['seconds']} s, {reference['peak_pss_mb']} MB", flush=True)
    search = browser_measurements(ours, reference, entries, size)
    print(
        f"   search: ours {search['ours']['bytes_median']} B / {search['ours']['ms_median']} ms, "
        f"recall {search['recall']['found']}/{search['recall']['phrases']}",
        flush=True,
    )
    row: dict[str, Any] = {
        "size": size,
        "machine": machine(),
        "date": datetime.date.today().isoformat(),
        "ours": ours,
        "reference": reference,
        "search": search,
    }
    if first and reference is not None:
        row["preview"] = preview_latency(ours_project, reference_project, entries)
        print(f"   preview: {row['preview']}", flush=True)
    if preview:
        row["preview_at_scale"] = preview_at_scale(ours_project, rounds=PREVIEW_ROUNDS)
        print(f"   preview at scale: {row['preview_at_scale']}", flush=True)
    shutil.rmtree(ours_project, ignore_errors=True)
    shutil.rmtree(reference_project, ignore_errors=True)
    return row


if __name__ == "__main__":
    sys.exit(main())
