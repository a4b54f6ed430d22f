"""An entry's text into weighted tokens (the tokenising itself is :mod:`generator.segment`).

Character pairs are the bulk of every entry's tokens, so they are kept as
packed integer codes in arrays rather than as strings.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from generator.search.documents import SearchDoc
from generator.segment import CJK_RUN, Segmenter, normalize, single_tokens, standard_segmenter

TITLE, SUMMARY, HEADING = 32, 16, 8
"""Weight bits: where in the entry a token occurs."""
GRADE = 0b111
"""The low bits of a weight, which grade how often the token occurs (see :func:`grade`)."""

CHAR_BITS = 18
"""Bits of one character in a pair code: enough for every code point up to U+3FFFF."""
CHAR_MASK = (1 << CHAR_BITS) - 1


@dataclass(frozen=True)
class DocTokens:
    """The tokens of one entry: character pairs as packed codes, the rest as strings."""

    pairs: np.ndarray
    """Distinct character-pair codes (first character << 18 | second), ascending."""
    pair_weights: np.ndarray
    """Weight of each pair, as in :func:`grade` plus the bits of where it occurs."""
    others: dict[str, int]
    """Dictionary words, lone characters and Latin words, with their weights."""


def document_tokens(doc: SearchDoc, segmenter: Segmenter | None = None) -> DocTokens:
    """Every token of the entry, weighted by frequency and by where it occurs.

    ``segmenter`` finds dictionary words (by default with no project terms).
    """
    words = (segmenter or standard_segmenter()).word_tokens
    title = normalize(doc.title)
    summary = normalize(doc.summary)
    headings = normalize("\n".join(doc.headings))
    everything = "\n".join([title, summary, headings, normalize(doc.body)])
    runs = CJK_RUN.findall(everything)
    pairs, counts = _pair_codes(runs)
    weights = _GRADES[np.minimum(counts, len(_GRADES) - 1)]
    others = {
        token: grade(count)
        for token, count in (single_tokens(everything, runs) + words(everything)).items()
    }
    for text, bit in ((headings, HEADING), (summary, SUMMARY), (title, TITLE)):
        if not text:
            continue
        field_runs = CJK_RUN.findall(text)
        # Field texts are short: plain Python beats array set-up here.
        codes = {
            (ord(a) << CHAR_BITS) | ord(b) for run in field_runs for a, b in itertools.pairwise(run)
        }
        if codes:
            found = np.searchsorted(pairs, np.fromiter(codes, np.uint64, len(codes)))
            weights[found] |= bit
        field_tokens = single_tokens(text, field_runs).keys() | words(text).keys()
        for token in field_tokens | {char for run in field_runs for char in run}:
            others[token] = others.get(token, 1) | bit
    return DocTokens(pairs, weights, others)


def token_weights(doc: SearchDoc, segmenter: Segmenter | None = None) -> dict[str, int]:
    """:func:`document_tokens` as one ``{token: weight}`` map (for checks and tests)."""
    tokens = document_tokens(doc, segmenter)
    weights = {
        pair_text(int(code)): int(weight)
        for code, weight in zip(tokens.pairs, tokens.pair_weights, strict=True)
    }
    return weights | tokens.others


def _pair_codes(runs: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct character-pair codes of the Chinese runs, with how often each occurs."""
    if not runs:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    points = np.frombuffer("\0".join(runs).encode("utf-32-le"), dtype=np.uint32)
    first, second = points[:-1], points[1:]
    inside = (first != 0) & (second != 0)  # NUL separates runs: no pair spans two
    codes = (first[inside].astype(np.uint64) << np.uint64(CHAR_BITS)) | second[inside]
    return np.unique(codes, return_counts=True)


def pair_text(code: int) -> str:
    """The two characters of a pair code."""
    return chr(code >> CHAR_BITS) + chr(code & CHAR_MASK)


def grade(count: int) -> int:
    """Frequency in the :data:`GRADE` bits: 1, 2-3, 4-7, ... up to 64 and more."""
    return min(GRADE, count.bit_length())


_GRADES = np.array([grade(n) for n in range(65)], dtype=np.uint8)
