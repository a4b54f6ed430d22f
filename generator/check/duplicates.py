"""What readers could not tell apart, told to editors as warnings: entries that read almost
the same (:mod:`generator.check.similar`), unless one of them says it is not a copy of the
other (``distinct_from``), and entries or study packs with the same title."""

from __future__ import annotations

import numpy as np

from generator.check.files import FileCheck
from generator.check.messages import error_at
from generator.check.similar import find_similar
from generator.errors import ContentError
from generator.model import Content, Entry
from generator.quoting import visible


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


def repeated_titles(
    contents: dict[str, Content], files: dict[str, FileCheck]
) -> list[ContentError]:
    """A warning on each entry or study pack titled as an earlier file is: readers could not
    tell the two apart in lists and search results (the two may differ only in their unit)."""
    first: dict[str, str] = {}
    warnings = []
    for content_id in sorted(contents, key=lambda i: files[i].document.path):
        title = contents[content_id].title
        earlier = first.setdefault(title, content_id)
        if earlier != content_id:
            warnings.append(
                error_at(
                    files[content_id].document,
                    ("title",),
                    f"标题“{visible(title)}”已被 {files[earlier].document.path} 使用。",
                    "读者在列表和检索结果中分不清同名的两个条目；请改一个能区分的标题，例如写上单位或地区。",
                    severity="warning",
                )
            )
    return warnings
