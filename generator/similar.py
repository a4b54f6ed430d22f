"""Finding entries that read almost the same, such as one case submitted twice.

Each entry's text becomes a set of character 4-grams. A bottom-k sketch of each
set proposes candidate pairs through an inverted index (so the work grows with
the number of entries, not its square), and candidates are confirmed with the
exact Jaccard similarity of the full sets.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.model import Entry

SIMILARITY_THRESHOLD = 0.6
"""Share of 4-grams two entries must have in common to be reported."""
_SHINGLE = 4
_SKETCH = 64
_MIN_SHARED = 8
_COMMON = 50
"""A sketch value found in more entries than this says nothing about any pair."""
_NOT_TEXT = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class SimilarPair:
    first: str
    """Id of the entry that comes first in file order."""
    second: str
    similarity: float


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in {"id", "kind", "org_type", "themes", "sources", "cases"}:
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def shingles(entry: Entry) -> set[int]:
    text = _NOT_TEXT.sub("", "".join(_texts(entry.model_dump())))
    return {zlib.crc32(text[i : i + _SHINGLE].encode()) for i in range(len(text) - _SHINGLE + 1)}


def find_similar(entries: list[Entry]) -> list[SimilarPair]:
    """Pairs of entries whose text overlaps at least :data:`SIMILARITY_THRESHOLD`."""
    sets = [shingles(entry) for entry in entries]
    postings: dict[int, list[int]] = {}
    for i, full in enumerate(sets):
        for value in sorted(full)[:_SKETCH]:
            postings.setdefault(value, []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if len(members) <= _COMMON:
            for a_pos, a in enumerate(members):
                for b in members[a_pos + 1 :]:
                    shared[(a, b)] += 1
    pairs = []
    for (a, b), count in sorted(shared.items()):
        if count < _MIN_SHARED:
            continue
        union = len(sets[a] | sets[b])
        similarity = len(sets[a] & sets[b]) / union if union else 0.0
        if similarity >= SIMILARITY_THRESHOLD:
            pairs.append(SimilarPair(entries[a].id, entries[b].id, similarity))
    return pairs
