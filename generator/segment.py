"""Chinese text into search tokens, the same way at build time and (in spirit) in the browser.

Matching never depends on a word splitter agreeing between build and browser:
every run of Chinese characters is indexed as overlapping character pairs, so a
query finds every entry that contains the exact phrase, whatever words it
spans. Dictionary words of three or more characters (from rjieba, taught the
project's terms in ``content/search-terms.txt``) are indexed as well, so that an
entry holding a whole term such as 学习型党组织 ranks above one that only holds
its characters apart. Single characters are indexed for titles and summaries
only, where a one-character query is worth answering.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import rjieba

from generator.content_files import SEARCH_TERMS_FILE, inside_project

__all__ = ["SEARCH_TERMS_FILE", "read_search_terms", "register_search_terms"]
_TERM_FREQUENCY = 100_000
"""High enough that the segmenter prefers the whole term over any split of it."""

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")
MIN_WORD = 3
"""Dictionary words shorter than this are already covered by character pairs."""

_registered: set[str] = set()


def read_search_terms(content_dir: Path) -> list[str]:
    """Terms from the project dictionary, one per line; ``#`` starts a comment."""
    path = content_dir / SEARCH_TERMS_FILE
    # A link leading out of the project is refused (the content check says so).
    if not path.is_file() or not inside_project(path, root=content_dir.parent):
        return []
    terms = []
    # Undecodable bytes are the content check's to report, with the file and line.
    for line in path.read_text(encoding="utf-8-sig", errors="replace").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            terms.append(term)
    return terms


def register_search_terms(terms: list[str]) -> None:
    """Teach the segmenter the project's terms (its dictionary is process-wide)."""
    for term in terms:
        if term not in _registered:
            rjieba.add_word(term, _TERM_FREQUENCY, None)
            _registered.add(term)


_NEEDS_FOLDING = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uf900-\ufaff]")
"""Characters NFKC changes that matter to tokens: full-width letters and digits, and
compatibility ideographs. Punctuation is left alone; it never becomes a token."""


def normalize(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case: what readers type varies."""
    if _NEEDS_FOLDING.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def single_tokens(text: str, runs: list[str] | None = None) -> Counter[str]:
    """Chinese characters standing alone between non-Chinese ones, and Latin words.

    Runs of two or more Chinese characters are indexed as character pairs, which
    the search index packs separately (see :mod:`generator.search_index`).
    ``runs`` are the text's Chinese runs when the caller has them already.
    """
    if runs is None:
        runs = CJK_RUN.findall(text)
    tokens: Counter[str] = Counter(run for run in runs if len(run) == 1)
    tokens.update(LATIN_WORD.findall(text))
    return tokens


def word_tokens(text: str) -> Counter[str]:
    """Dictionary words of :data:`MIN_WORD` or more Chinese characters."""
    long_words = [word for word in rjieba.cut(text) if len(word) >= MIN_WORD]
    return Counter(word for word in long_words if CJK_RUN.fullmatch(word))
