"""The ids closest to one that does not exist, for "是否想写……" in a check's messages.

A check may meet thousands of references to ids that do not exist (a study pack
copied from another site, say), on a site of tens of thousands of ids; comparing
each with every id, as :func:`difflib.get_close_matches` alone does, takes minutes.
:class:`CloseIds` keeps the cost bounded: each missing id is looked up once, only
the ids sharing the most pairs of neighbouring characters with it are compared
closely, and only the first :data:`SUGGESTED_AT_MOST` different missing ids of a
check get suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np

SUGGESTED_AT_MOST = 50
"""Different missing ids a check suggests others for. Past these, a file was not mistyped id
by id, and a suggestion for each of its references would only lengthen the report."""
_SUGGESTIONS = 3
_CUTOFF = 0.5
_COMPARED = 64
"""Ids compared closely with a missing one: those most like it at a glance (see
:meth:`CloseIds._shortlist`)."""


class CloseIds:
    """The ids of a site, and the ones most like a missing id, as difflib finds them."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = list(ids)
        """Every id, in the order given (the order messages list them in)."""
        self._found: dict[str, list[str]] = {}
        self._postings: dict[str, np.ndarray] = {}
        """The rows of the ids each pair of neighbouring characters occurs in; made when
        first needed."""
        self._pair_counts = np.zeros(0)

    def __call__(self, missing: str) -> list[str]:
        """Up to three ids like ``missing``, the closest first; none past the first
        :data:`SUGGESTED_AT_MOST` missing ids asked about."""
        found = self._found.get(missing)
        if found is None:
            found = [] if len(self._found) >= SUGGESTED_AT_MOST else self._closest(missing)
            self._found[missing] = found
        return found

    def _closest(self, missing: str) -> list[str]:
        candidates = self.ids if len(self.ids) <= _COMPARED else self._shortlist(missing)
        return difflib.get_close_matches(missing, candidates, n=_SUGGESTIONS, cutoff=_CUTOFF)

    def _shortlist(self, missing: str) -> list[str]:
        """The :data:`_COMPARED` ids sharing the most pairs of neighbouring characters with
        ``missing``, for their numbers of pairs (the Dice coefficient of the pairs).

        Pairs keep the order of the characters, which a mistyped id mostly keeps; they are
        counted for every id at once, from the ids each pair occurs in.
        """
        if not self._postings:
            rows: dict[str, list[int]] = {}
            for row, text in enumerate(self.ids):
                for pair in _pairs(text):
                    rows.setdefault(pair, []).append(row)
            self._postings = {pair: np.array(r, dtype=np.int32) for pair, r in rows.items()}
            self._pair_counts = np.array([len(_pairs(text)) for text in self.ids], dtype=float)
        pairs = _pairs(missing)
        hits = [self._postings[pair] for pair in pairs if pair in self._postings]
        if not hits:
            return []
        shared = np.bincount(np.concatenate(hits), minlength=len(self.ids))
        dice = 2 * shared / (self._pair_counts + len(pairs))
        best = np.argsort(-dice, kind="stable")[:_COMPARED]
        return [self.ids[i] for i in best]


def _pairs(text: str) -> set[str]:
    """Each pair of neighbouring characters in ``text``, its start and end marked."""
    marked = f"\x02{text}\x03"
    return {marked[i : i + 2] for i in range(len(marked) - 1)}
