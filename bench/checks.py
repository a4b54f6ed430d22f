"""What two of ``kb check``'s safeguards cost: reading entries in Simplified characters,
and refusing absurdly deep nesting.

Usage::

    python -m bench.checks                  # 10,000 synthetic entries
    python -m bench.checks --size 1000 --corpus /tmp/corpus-1000

Prints, for a synthetic corpus (see :mod:`bench.corpus`): the time of the whole check
(``load_project``, as ``kb check`` runs it), and, measured in one process over every
entry, the time of the walk the placeholder check needs anyway against the walk plus
the Simplified folding and the Traditional-character warnings that now share it; then
how long a file nested 3,000 levels deep takes to be reported.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus
from generator.check import load_project
from generator.check.simplified import fold, joined_texts, traditional_warnings
from generator.load import parse_document, read_documents
from generator.model import KINDS
from generator.rules import PLACEHOLDER
from generator.workers import worker_count


def _seconds(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _placeholder_walk(value: Any) -> bool:
    """The walk the placeholder check made before it shared one with the folding."""
    if isinstance(value, str):
        return PLACEHOLDER in value
    if isinstance(value, dict):
        return any(_placeholder_walk(item) for item in value.values())
    if isinstance(value, list):
        return any(_placeholder_walk(item) for item in value)
    return False


def folding_figures(root: Path) -> None:
    documents, _ = read_documents(root / "content", root=root, workers=worker_count())
    kinds = {k.folder: k.name for k in KINDS.values()}
    entries = [d for d in documents if d.content_path.partition("/")[0] in kinds]

    def shared() -> None:
        for document in entries:
            joined = joined_texts(document.data)
            _ = PLACEHOLDER in joined
            model = KINDS[kinds[document.content_path.partition("/")[0]]].model
            traditional_warnings(document, model, fold(document.data, joined))

    fold({"warm": "學"}, "學")  # the conversion table is built once per process
    walk = _seconds(lambda: [_placeholder_walk(d.data) for d in entries])
    now = _seconds(shared)
    print(
        f"  {len(entries):,} entries, one process: placeholder walk {walk:.2f} s; "
        f"shared walk + folding + Traditional warnings {now:.2f} s "
        f"(+{(now - walk) * 1000 / len(entries):.3f} ms an entry)"
    )


def nesting_figures() -> None:
    levels = 3000
    block = "id: x\n" + "".join(" " * i + f"k{i}:\n" for i in range(levels)) + " " * levels + "v\n"
    flow = "id: x\nkeywords: " + "[" * levels + "]" * levels + "\n"
    for name, text in (("mapping", block), ("[[[…", flow)):
        raw = text.encode()
        spent = _seconds(
            lambda raw=raw: parse_document(raw, path="x.yml", content_path="cases/x.yml")
        )
        print(f"  {levels:,} levels of {name}: reported in {spent:.2f} s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, help="an existing or new corpus folder to use")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = options.corpus or Path(scratch)
        if not (root / "content").is_dir():
            write_corpus(root, options.size)
        spent = _seconds(lambda: load_project(root / "content", root=root, workers=worker_count()))
        print(f"kb check of {root}: {spent:.1f} s with {worker_count()} workers")
        folding_figures(root)
    print("Nesting:")
    nesting_figures()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
