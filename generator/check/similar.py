"""Finding entries that read almost the same, such as one case submitted twice.

Each entry's text becomes the set of its clauses (the stretches between
punctuation marks), read in Simplified characters. A resubmitted or copied entry
keeps most clauses word for word even when some are edited, or when it was turned
into Traditional characters, so two entries are reported when most of their
clauses are shared (Jaccard similarity of the clause sets).

Comparing every pair would grow with the square of the number of entries.
Instead each entry is summarised by a small sketch, the clauses with the
smallest checksums: two entries sharing most clauses share most of their sketch
too. Entries meeting in several sketch values become candidates, and only
candidates are compared in full.

A clause set is held as the sorted array of its clauses' checksums, four bytes a
clause: ten thousand entries' sets take a few megabytes, not hundreds, and the
sketch is simply the start of the array.
"""

from __future__ import annotations

import functools
import re
import typing
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from generator.check.simplified import Folded
from generator.fields import marker
from generator.load import KeyPath
from generator.model import NOT_COMPARED, Refers

ClauseSet = npt.NDArray[np.uint32]
"""Sorted, distinct checksums of an entry's clauses."""

SIMILARITY_THRESHOLD = 0.6
"""Share of clauses two entries must have in common to be reported."""
_MIN_CLAUSE = 4
"""Shorter clauses (such as 一是 or 同时) occur everywhere and prove nothing."""
_COMMON = 20
"""A clause found in more entries than this is a set phrase, not evidence of copying."""
_SKETCH = 16
_MIN_SHARED = 4
"""Sketch values two entries must share to be compared: a pair above the threshold
shares about ten of sixteen on average, and fewer than four only by rare chance."""
_CLAUSE_BREAK = re.compile(r"[\s，。、；：！？“”‘’（）《》()「」,.;:!?\"'…—-]+")


@dataclass(frozen=True)
class SimilarPair:
    first: str
    """Id of the entry that comes first in file order."""
    second: str
    similarity: float


@functools.cache
def compared_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` whose text makes two entries the same: not its kind, not ids
    of other things (:class:`~generator.model.Refers`), not those marked
    :data:`~generator.model.NOT_COMPARED`."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if marker(info, NOT_COMPARED) is None
        and marker(info, Refers) is None
        and typing.get_origin(info.annotation) is not Literal
    )


def _texts(value: Any, key_path: KeyPath, folded: Folded) -> Iterator[str]:
    if isinstance(value, str):
        yield folded.get(key_path, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*key_path, key), folded)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*key_path, i), folded)


def clauses(data: Any, model: type[BaseModel], folded: Folded | None = None) -> ClauseSet:
    """The distinct clauses of at least :data:`_MIN_CLAUSE` characters of an entry of
    ``model`` (its :func:`compared_fields`), as checksums.

    ``folded`` (:func:`generator.check.simplified.fold` of ``data``) has the entry's texts read
    in Simplified characters, so that a Traditional copy shares its original's clauses.
    """
    compared = compared_fields(model)
    fields = {k: v for k, v in data.items() if k in compared} if isinstance(data, dict) else {}
    pieces = _CLAUSE_BREAK.split("\n".join(_texts(fields, (), folded or {})))
    checksums = [zlib.crc32(piece.encode()) for piece in pieces if len(piece) >= _MIN_CLAUSE]
    return np.unique(np.array(checksums, dtype=np.uint32))


def _jaccard(a: ClauseSet, b: ClauseSet) -> float:
    shared = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - shared
    return shared / union if union else 0.0


def find_similar(entries: list[tuple[str, ClauseSet]]) -> list[SimilarPair]:
    """Pairs of ``(id, clauses)`` entries whose clauses overlap enough to report."""
    sets = [found for _, found in entries]
    # Every (sketch value, entry) at once, grouped by value: entries sharing a value meet.
    values = np.concatenate([found[:_SKETCH] for found in sets]) if sets else np.zeros(0, np.uint32)
    owners = np.repeat(np.arange(len(sets)), [min(len(found), _SKETCH) for found in sets])
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    sizes = np.diff(np.r_[starts, len(values)])
    shared: Counter[tuple[int, int]] = Counter()
    for start, size in zip(
        starts[(sizes > 1) & (sizes <= _COMMON)],
        sizes[(sizes > 1) & (sizes <= _COMMON)],
        strict=True,
    ):
        members = owners[start : start + size].tolist()
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                shared[(a, b)] += 1
    pairs = []
    for (a, b), count in sorted(shared.items()):
        if count < _MIN_SHARED:
            continue
        similarity = _jaccard(sets[a], sets[b])
        if similarity >= SIMILARITY_THRESHOLD:
            pairs.append(SimilarPair(entries[a][0], entries[b][0], similarity))
    return pairs
