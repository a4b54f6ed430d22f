"""The preview over a working day: memory after many edits against memory after a few.

The preview runs in this process on a generated project (``bench.run.write_projects``);
edits of every kind (a title, a body field, a theme change, a new entry and its deletion,
and now and then the taxonomy, which rebuilds everything) are saved one after another,
each followed by the preview's own update, as ``kb serve`` does after a save. The
resident memory and Python's count of allocated blocks are read after 10 edits and
after the last, each after a full collection.

    .venv/bin/python -m bench.preview_memory 1000 --edits 500
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.run import write_projects
from generator.preview import Preview


def _resident_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _measure() -> dict[str, int]:
    gc.collect()
    return {"rss_kb": _resident_kb(), "blocks": sys.getallocatedblocks()}


def _edit(project: Path, number: int) -> set[Path]:
    """Save edit ``number`` (its kind cycles); return the files it touched."""
    content = project / "content"
    cases = sorted((content / "cases").glob("*.yml"))
    case = cases[number % len(cases)]
    kind = number % 5
    if kind == 4 and number % 25 == 4:
        taxonomy = content / "taxonomy.yml"
        text = taxonomy.read_text(encoding="utf-8")
        taxonomy.write_text(text.replace("description:", "description: ", 1), encoding="utf-8")
        return {taxonomy.resolve()}
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    if kind == 0:
        data["title"] = f"{data['title'][:40]}（第{number}次修改）"
    elif kind == 1:
        data["background"] = f"{data['background']}\n\n第{number}次补充的背景。"
    elif kind == 2:
        data["themes"] = list(reversed(data["themes"]))
    if kind in (0, 1, 2):
        case.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return {case.resolve()}
    new = case.with_name(f"bench-new-{number % 10}.yml")
    if new.exists():
        new.unlink()
        return {new.resolve()}
    data["id"], data["title"] = new.stem, f"新建条目{number}"
    new.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return {new.resolve()}


def run(size: int, edits: int, workdir: Path) -> dict[str, object]:
    project, _, _ = write_projects(workdir, size, reference=False)
    preview = Preview(project / "mkdocs.yml", Path(tempfile.mkdtemp(dir=workdir)))
    preview.build()
    seen: dict[int, dict[str, int]] = {}
    started = time.monotonic()
    for number in range(1, edits + 1):
        preview.update(_edit(project, number))
        if number in (10, edits):
            seen[number] = _measure()
    early, late = seen[10], seen[edits]
    return {
        "entries": size,
        "edits": edits,
        "after_10": early,
        "after_last": late,
        "rss_growth": round(late["rss_kb"] / early["rss_kb"] - 1, 4),
        "blocks_growth": round(late["blocks"] / early["blocks"] - 1, 4),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", type=int)
    parser.add_argument("--edits", type=int, default=500)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the preview logs every update
    with tempfile.TemporaryDirectory(prefix="kb-bench-memory-") as workdir:
        print(json.dumps(run(args.size, args.edits, Path(workdir)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
