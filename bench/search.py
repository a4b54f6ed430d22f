"""The search stage on its own: time, peak memory and size of a full index, and live updates.

The whole-build benchmark (:mod:`bench.run`) measures every stage together; this
one loads a synthetic corpus once, then measures only what building the search
index costs, so the figures are not hidden under loading and rendering:

- ``full``: :func:`generator.search.build_search_index` into an empty
  folder: seconds, the peak resident memory of the main process and of the
  largest worker while it runs (above what the loaded site already used), and
  the size of ``search/`` per entry;
- ``live``: :class:`generator.search.live.LiveSearchIndex` after one edit of
  each kind (a title, a body field, a theme, a new entry, a deleted entry):
  seconds per update and files written.

Usage::

    python -m bench.search --size 30000 --work /tmp/kb-bench-search [--live] \
        --out bench/search-results.jsonl --label 新
    python -m bench.search --report bench/search-results.jsonl   # writes bench/SEARCH.md

The corpus is written once per size under ``--work`` and reused.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

from bench.corpus import write_corpus
from generator.check import load_project
from generator.index import SiteIndex, build_index
from generator.workers import worker_count

REPO = Path(__file__).resolve().parent.parent


class PeakMemory:
    """Samples the resident memory of this process and its children until stopped."""

    def __init__(self, interval: float = 0.01) -> None:
        self.process = psutil.Process()
        self.interval = interval
        self.main = 0
        self.largest_worker = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.main = max(self.main, self.process.memory_info().rss)
                for child in self.process.children(recursive=True):
                    # A worker may end between listing and reading.
                    with contextlib.suppress(psutil.Error):
                        self.largest_worker = max(self.largest_worker, child.memory_info().rss)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def corpus(work: Path, size: int) -> Path:
    """The synthetic project of ``size`` entries, written once."""
    project = work / f"corpus-{size}"
    if not (project / "content").is_dir():
        write_corpus(project, size)
    return project


def load(project: Path, workers: int) -> SiteIndex:
    """The project's index, as a build has it before the search stage."""
    return build_index(load_project(project / "content", root=project, workers=workers))


def folder_bytes(folder: Path) -> tuple[int, int]:
    """Total bytes and file count below ``folder``."""
    total = count = 0
    for root, _, files in os.walk(folder):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
            count += 1
    return total, count


def _writer(site: Path) -> Callable[[str, bytes], None]:
    made: set[Path] = set()

    def emit(path: str, data: bytes) -> None:
        target = site / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)

    return emit


def measure_full(index: SiteIndex, site: Path, workers: int) -> dict[str, Any]:
    """One full search index into an empty folder."""
    from generator.search import build_search_index

    shutil.rmtree(site, ignore_errors=True)
    before = psutil.Process().memory_info().rss
    with PeakMemory() as peak:
        started = time.perf_counter()
        stats = build_search_index(index, directory_urls=True, emit=_writer(site), workers=workers)
        seconds = time.perf_counter() - started
    size, files = folder_bytes(site / "search")
    entries = len(index.project.entries)
    return {
        "entries": entries,
        "seconds": round(seconds, 2),
        "rss_before_mb": round(before / 2**20),
        "rss_peak_main_mb": round(peak.main / 2**20),
        "rss_stage_mb": round((peak.main - before) / 2**20),
        "rss_peak_worker_mb": round(peak.largest_worker / 2**20),
        "search_bytes": size,
        "search_files": files,
        "bytes_per_entry": round(size / entries),
        "postings": stats.postings,
        "tokens": stats.tokens,
        "buckets": stats.buckets,
    }


@contextmanager
def _edited(path: Path, change: Callable[[str], str]) -> Iterator[None]:
    original = path.read_text(encoding="utf-8")
    path.write_text(change(original), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


class _Follower:
    """What follows the edits: a live index, or a full index with a token cache (the old way)."""

    def __init__(
        self,
        index: SiteIndex,
        emit: Callable[[str, bytes], None],
        *,
        live: bool,
        workers: int,
        terms: list[str],
    ) -> None:
        self.emit = emit
        self.live = None
        if live:
            from generator.search.live import LiveSearchIndex
            from generator.segment import Segmenter

            self.live = LiveSearchIndex(
                index, directory_urls=True, emit=emit, segmenter=Segmenter(terms), workers=workers
            )
        else:
            # The code before LiveSearchIndex took the terms and a token cache this way.
            import generator.segment as segment
            from generator.search import build_search_index

            segment.register_search_terms(terms)  # type: ignore[attr-defined]
            self.cache: dict[Any, Any] = {}
            build_search_index(
                index, directory_urls=True, emit=emit, workers=workers, token_cache=self.cache
            )

    def update(self, index: SiteIndex) -> None:
        if self.live is not None:
            self.live.update(index)
        else:
            from generator.search import build_search_index

            build_search_index(index, directory_urls=True, emit=self.emit, token_cache=self.cache)


def measure_live(
    project: Path, site: Path, workers: int, *, live: bool = True, rounds: int = 3
) -> dict[str, Any]:
    """Seconds the search index takes to follow one edit of each kind.

    With ``live``, a :class:`~generator.search.live.LiveSearchIndex` follows them;
    without, the whole index is built again with a token cache, as the preview
    did before (and still can), writing only files whose bytes changed.
    """
    from generator.load import ContentCache
    from generator.segment import read_search_terms

    content = project / "content"
    cache = ContentCache()

    def reload() -> SiteIndex:
        return build_index(load_project(content, root=project, cache=cache, find_duplicates=False))

    shutil.rmtree(site, ignore_errors=True)
    index = reload()
    entries = len(index.project.entries)
    written: list[str] = []
    emit = _writer(site)

    def record(path: str, data: bytes) -> None:
        target = site / path
        if target.is_file() and target.read_bytes() == data:
            return  # as write_if_changed: the same bytes are not written again
        written.append(path)
        emit(path, data)

    started = time.perf_counter()
    follower = _Follower(
        index, record, live=live, workers=workers, terms=read_search_terms(content)
    )
    first = time.perf_counter() - started
    case = sorted((content / "cases").glob("*.yml"))[rounds + 1]
    practice = sorted((content / "practices").glob("*.yml"))[1]
    edits: dict[str, Callable[[int], Any]] = {
        "title": lambda n: _edited(case, lambda t: t.replace("title: ", f"title: 改{n}", 1)),
        "body": lambda n: _edited(
            practice, lambda t: t.replace("fits: ", f"fits: 新增一句说明第{n}次修改。", 1)
        ),
        "theme": lambda n: _edited(
            case,
            lambda t: (
                t.replace("themes: [", "themes: [results, ", 1)
                if "results" not in t.split("themes:", 1)[1].split("]", 1)[0]
                else t.replace("results, ", "", 1).replace(", results", "", 1)
            ),
        ),
        "new": lambda n: _created(
            case.with_name(f"new-entry-{n}.yml"),
            case.read_text(encoding="utf-8").replace(f"id: {case.stem}", f"id: new-entry-{n}", 1),
        ),
        # Practices are never cited, so deleting one leaves the content valid.
        "deleted": lambda n: _deleted(sorted((content / "practices").glob("*.yml"))[n + 2]),
    }
    timings: dict[str, list[float]] = {}
    files: dict[str, list[int]] = {}
    for kind, edit in edits.items():
        for n in range(rounds):
            with edit(n):
                index = reload()
                written.clear()
                started = time.perf_counter()
                follower.update(index)
                timings.setdefault(kind, []).append(time.perf_counter() - started)
                files.setdefault(kind, []).append(len(written))
            follower.update(reload())  # back to the original content before the next edit
    result = {
        "entries": entries,
        "live": live,
        "first_build_seconds": round(first, 2),
        "update_ms": {k: [round(t * 1000, 1) for t in v] for k, v in timings.items()},
        "update_ms_median": round(
            statistics.median(t for v in timings.values() for t in v) * 1000, 1
        ),
        "files_written": files,
    }
    if live:
        result |= _overlay_costs(follower, reload, content)
    return result


def _overlay_costs(
    follower: _Follower, reload: Callable[[], SiteIndex], content: Path
) -> dict[str, Any]:
    """One edit's cost with a large overlay, and folding the overlay into the base."""
    from generator.search import live as live_module

    assert follower.live is not None
    cases = sorted((content / "cases").glob("*.yml"))[20:]
    limit = live_module.MAX_OVERLAY_POSTINGS
    originals = {path: path.read_text(encoding="utf-8") for path in cases[:90]}
    try:
        live_module.MAX_OVERLAY_POSTINGS = 10**12  # let the overlay grow for this measure
        for path, text in originals.items():
            path.write_text(text.replace("title: ", "title: 批量", 1), encoding="utf-8")
        follower.update(reload())
        last = cases[90]
        originals[last] = last.read_text(encoding="utf-8")
        last.write_text(originals[last].replace("title: ", "title: 再改", 1), encoding="utf-8")
        index = reload()
        started = time.perf_counter()
        update = follower.live.update(index)
        large = time.perf_counter() - started
        live_module.MAX_OVERLAY_POSTINGS = 0
        last.write_text(originals[last].replace("title: ", "title: 三改", 1), encoding="utf-8")
        index = reload()
        started = time.perf_counter()
        folded = follower.live.update(index)
        fold = time.perf_counter() - started
        assert folded.folded
    finally:
        live_module.MAX_OVERLAY_POSTINGS = limit
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
    return {
        "large_overlay_entries": update.overlay,
        "large_overlay_ms": round(large * 1000, 1),
        "fold_seconds": round(fold, 2),
        "fold_files": folded.written,
    }


@contextmanager
def _created(path: Path, text: str) -> Iterator[None]:
    path.write_text(text, encoding="utf-8")
    try:
        yield
    finally:
        path.unlink()


@contextmanager
def _deleted(path: Path) -> Iterator[None]:
    original = path.read_bytes()
    path.unlink()
    try:
        yield
    finally:
        path.write_bytes(original)


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def write_report(results: Path, path: Path) -> None:
    """bench/SEARCH.md from the JSON lines the measurements appended to ``results``."""
    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line]
    rows.sort(key=lambda r: (r["entries"], r.get("label") != "改动前"))  # before, then after
    full = [r for r in rows if "update_ms" not in r]
    live = [r for r in rows if "update_ms" in r]
    lines = [
        "# 检索阶段的基准测试",
        "",
        f"由 `python -m bench.search --report {results.as_posix()}` 生成，请勿手工修改。"
        "每行是一次测量（`python -m bench.search --size N --out … --label …`），"
        "语料为 `bench/corpus.py` 的合成条目；只计检索索引这一阶段（读入内容、建立索引之后）。",
        "",
        "## 完整生成",
        "",
        "“阶段内存”是这一阶段主进程常驻内存（RSS）的峰值减去阶段开始前的值；"
        "“工作进程”是最大的工作进程的 RSS 峰值（含从主进程继承、尚未复制的页面）。",
        "",
        "| 版本 | 条目数 | 用时 | 阶段内存 | 主进程峰值 | 工作进程峰值 | 每条目内存 | 检索文件 | 每条目大小 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in full:
        per_entry = r["rss_stage_mb"] * 2**20 / r["entries"] / 1024
        lines.append(
            f"| {r.get('label', '')} | {r['entries']:,} | {r['seconds']:.1f} s | "
            f"{r['rss_stage_mb']:,} MB | {r['rss_peak_main_mb']:,} MB | "
            f"{r['rss_peak_worker_mb']:,} MB | {per_entry:.1f} KB | "
            f"{r['search_bytes'] / 2**20:,.1f} MB（{r['search_files']:,} 个） | "
            f"{r['bytes_per_entry'] / 1024:.1f} KB |"
        )
    if live:
        lines += [
            "",
            "## 预览：一次修改后更新检索索引",
            "",
            "从保存后读入内容完毕算起，到检索文件写完为止，每种修改三次；“文件”为写出（内容有变）的文件数。"
            "改动前的预览每次都重新生成整个索引（有分词缓存），改动后由 `LiveSearchIndex` 只写变化的部分。",
            "",
            "| 版本 | 条目数 | 首次生成 | 改标题 | 改正文 | 改主题 | 新增条目 | 删除条目 | 中位数 | 文件 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in live:
            cells = [
                " / ".join(_duration(t) for t in r["update_ms"][kind])
                for kind in ("title", "body", "theme", "new", "deleted")
            ]
            files = max(n for counts in r["files_written"].values() for n in counts)
            lines.append(
                f"| {r.get('label', '')} | {r['entries']:,} | {r['first_build_seconds']:.1f} s | "
                + " | ".join(cells)
                + f" | {_duration(r['update_ms_median'])} | ≤ {files:,} |"
            )
        for r in live:
            if "fold_seconds" in r:
                lines += [
                    "",
                    f"{r['entries']:,} 个条目时，覆盖层已有 {r['large_overlay_entries']} 个改过的条目，"
                    f"再改一个用时 {r['large_overlay_ms']:.0f} ms；覆盖层超过上限"
                    f"（`live.MAX_OVERLAY_POSTINGS`）时并入基础文件，不需重新分词，"
                    f"用时 {r['fold_seconds']:.1f} s，写出 {r['fold_files']:,} 个文件。",
                ]
    machine = f"{os.uname().machine}，{os.cpu_count()} 核，"
    machine += f"{psutil.virtual_memory().total / 2**30:.0f} GiB 内存"
    lines += ["", f"机器：{machine}。", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kb-bench-search"))
    parser.add_argument("--corpus", type=Path, help="an existing synthetic project to use")
    parser.add_argument("--workers", type=int, default=worker_count())
    parser.add_argument("--live", action="store_true", help="measure live updates instead")
    parser.add_argument(
        "--cached",
        action="store_true",
        help="with --live: a full rebuild with a token cache per edit (the preview's old way; "
        "only the code before LiveSearchIndex has it)",
    )
    parser.add_argument("--out", type=Path, help="append the result as one JSON line")
    parser.add_argument("--label", default="", help="which version was measured")
    parser.add_argument("--report", type=Path, help="write bench/SEARCH.md from these results")
    args = parser.parse_args(argv)
    if args.report:
        write_report(args.report, Path(__file__).with_name("SEARCH.md"))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    project = args.corpus or corpus(args.work, args.size)
    site = args.work / f"site-{args.size}"
    if args.live:
        result = measure_live(project, site, args.workers, live=not args.cached)
    else:
        started = time.perf_counter()
        index = load(project, args.workers)
        loaded = time.perf_counter() - started
        result = measure_full(index, site, args.workers) | {"load_seconds": round(loaded, 1)}
    if args.label:
        result = {"label": args.label} | result
    line = json.dumps(result, ensure_ascii=False)
    if args.out:
        with args.out.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
