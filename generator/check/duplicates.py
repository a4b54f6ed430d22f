"""Entries that read almost the same (:mod:`generator.check.similar`), told to editors as a
warning unless one of them says it is not a copy of the other (``distinct_from``)."""

from __future__ import annotations

import numpy as np

from generator.check.files import FileCheck
from generator.check.messages import error_at
from generator.check.similar import find_similar
from generator.errors import ContentError
from generator.model import Entry


def similar_entries(entries: dict[str, Entry], files: dict[str, FileCheck]) -> list[ContentError]:
    """A warning on the later file of each pair of entries that read almost the same."""
    ordered = sorted(entries, key=lambda entry_id: files[entry_id].document.path)
    empty = np.zeros(0, np.uint32)
    found = [(i, c if (c := files[i].clauses) is not None else empty) for i in ordered]
    warnings = []
    for pair in find_similar(found):
        first, second = entries[pair.first], entries[pair.second]
        if pair.first in second.distinct_from or pair.second in first.distinct_from:
            continue
        warnings.append(
            error_at(
                files[pair.second].document,
                ("title",),
                f"内容与 {files[pair.first].document.path} 高度相似（约 {pair.similarity:.0%} 相同），可能是同一条目提交了两次。",
                "如果是同一个条目，请合并为一个；如果确实是不同的条目，请在本文件中加上"
                f"“distinct_from: [{pair.first}]”，说明已经核实过。",
                severity="warning",
            )
        )
    return warnings
