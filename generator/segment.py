"""Chinese word segmentation shared by every stage that indexes text.

The project dictionary (``content/search-terms.txt``) lists domain terms such
as 中心组 or 零秒停播 so the segmenter keeps them whole: a reader who searches
for a term must find the pages that contain it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jieba

SEARCH_TERMS_FILE = "search-terms.txt"
_TERM_FREQUENCY = 100_000
"""High enough that jieba prefers the whole term over any split of it."""

jieba.setLogLevel(logging.WARNING)


def read_search_terms(content_dir: Path) -> list[str]:
    """Terms from the project dictionary, one per line; ``#`` starts a comment."""
    path = content_dir / SEARCH_TERMS_FILE
    if not path.is_file():
        return []
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            terms.append(term)
    return terms


def register_search_terms(terms: list[str]) -> None:
    """Teach the segmenter the project's terms (jieba's dictionary is process-wide)."""
    for term in terms:
        jieba.add_word(term, freq=_TERM_FREQUENCY)


def segment(text: str) -> list[str]:
    """Split Chinese text into words, keeping the project's terms whole."""
    return [word for word in jieba.cut(text) if word.strip()]
