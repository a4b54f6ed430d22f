"""The search index under its original name: see :mod:`generator.search`.

Callers written before the index became a package import from here; the names
they use stay available.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from generator.search import (
    SEARCH_DIR,
    DocTokens,
    LiveSearchIndex,
    SearchDoc,
    SearchIndexStats,
    build_search_index,
    search_documents,
    token_weights,
)
from generator.search.files import META_CHUNK, script
from generator.search.postings import ALPHABET, token_bucket
from generator.search.tokens import HEADING, SUMMARY, TITLE

__all__ = [
    "ALPHABET",
    "HEADING",
    "META_CHUNK",
    "SEARCH_DIR",
    "SUMMARY",
    "TITLE",
    "DocTokens",
    "LiveSearchIndex",
    "SearchDoc",
    "SearchIndexStats",
    "build_search_index",
    "iter_bucket_tokens",
    "script",
    "search_documents",
    "token_bucket",
    "token_weights",
]


def iter_bucket_tokens(files: dict[str, bytes]) -> Iterator[str]:
    """Every token in the encoded posting files (for checks and tests)."""
    for path, data in files.items():
        if path.startswith(f"{SEARCH_DIR}/p/"):
            text = data.decode()
            yield from json.loads(text[text.index(",") + 1 : text.rindex(")")])
