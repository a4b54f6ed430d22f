"""Text into search tokens: the one contract the build and the browser share.

Both sides normalise the same way, always: NFKC (full-width letters and digits,
circled numbers, Kangxi radicals and compatibility ideographs become their
plain forms), then lower case, then each character OpenCC converts on its own to
its Simplified form (學習 is 学习): a reader may type Traditional characters. Both
sides then see the same characters as token characters: Chinese ideographs in
:data:`CJK_RANGES` and ASCII letters and digits in :data:`LATIN_RANGES`.
``theme/assets/javascripts/kb-search.js`` implements the query half of this
module and keeps none of its facts: the build writes the ranges, :data:`MIN_WORD`
and the fold table into the site (``search/tokeniser.js``) for it.
``tests/fixtures/tokeniser-cases.json`` holds the cases both implementations
must agree on.

Matching never depends on a word splitter agreeing between build and browser:
every run of Chinese characters is indexed as overlapping character pairs, so a
query finds every entry that contains the exact phrase, whatever words it
spans. Dictionary words of three or more characters (from rjieba, taught the
project's terms in ``content/search-terms.txt``) are indexed as well, so that an
entry holding a whole term such as 学习型党组织 ranks above one that only holds
its characters apart. Single characters are indexed for titles, summaries and
headings, and wherever one stands alone between non-Chinese characters.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rjieba

from generator.content_files import SEARCH_TERMS_FILE, inside_project
from generator.rules import CHINESE_RANGES
from generator.t2s import character_table

__all__ = [
    "CJK_RANGES",
    "CJK_RUN",
    "LATIN_RANGES",
    "MIN_WORD",
    "SEARCH_TERMS_FILE",
    "QueryTerm",
    "Segmenter",
    "folded_characters",
    "normalize",
    "query_terms",
    "read_search_terms",
    "segmenter_for",
    "standard_segmenter",
]

CJK_RANGES: tuple[tuple[int, int], ...] = ((0x3007, 0x3007), *CHINESE_RANGES)
"""Code points searched as Chinese characters: 〇 (as in 二〇二〇年) and the Chinese
characters. The build writes them into the site for ``kb-search.js`` (``search/tokeniser.js``)."""
LATIN_RANGES: tuple[tuple[int, int], ...] = ((0x30, 0x39), (0x61, 0x7A))
"""Code points searched as Latin words: ASCII digits and letters (text is lower case by then);
written into the site with :data:`CJK_RANGES`."""


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """Code point ranges as the inside of a regular expression's character class."""
    return "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)


_CJK_CLASS = _char_class(CJK_RANGES)
_LATIN_CLASS = _char_class(LATIN_RANGES)
CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
LATIN_WORD = re.compile(f"[{_LATIN_CLASS}]+")
_TERM = re.compile(f"[{_CJK_CLASS}{_LATIN_CLASS}]+")
"""A query term: a run of token characters, Chinese or Latin; anything else separates terms."""
_PIECE = re.compile(f"[{_CJK_CLASS}]+|[{_LATIN_CLASS}]+")
MIN_WORD = 3
"""Dictionary words shorter than this are already covered by character pairs (the browser
reads it from ``search/tokeniser.js``)."""

_TERM_FREQUENCY = 100_000
"""High enough that the segmenter prefers the whole term over any split of it."""


_COMMON_WIDE = tuple(
    (chr(code), chr(code - 0xFEE0))
    for code in (0xFF0C, 0xFF1A, 0xFF1B, 0xFF08, 0xFF09, 0xFF01, 0xFF1F)
)
"""Full-width ，：；（）！？ and their NFKC forms. Chinese text is full of them, and any one
sends NFKC down its slow path (about 50 times slower on a typical entry); replacing
them first gives the same result, as each is replaced by exactly its NFKC form."""


def normalize(text: str) -> str:
    """NFKC, lower case, then Simplified characters: what readers type varies (學習 or 学习),
    what they mean does not."""
    for wide, narrow in _COMMON_WIDE:
        if wide in text:
            text = text.replace(wide, narrow)
    text = unicodedata.normalize("NFKC", text).lower()
    folds, foldable = _folds()
    return text.translate(folds) if foldable.search(text) else text


@functools.lru_cache(maxsize=1)
def _folds() -> tuple[dict[int, str], re.Pattern[str]]:
    """:func:`~generator.t2s.character_table` for ``str.translate``, and a pattern of the
    characters it changes: most texts hold none, and one scan is quicker than translating."""
    table = character_table()
    return {ord(a): b for a, b in table.items()}, re.compile(f"[{re.escape(''.join(table))}]")


def folded_characters() -> str:
    """The character table as one string of pairs (Traditional, Simplified), in code point
    order: what the build writes into the site for the browser's half of :func:`normalize`."""
    return "".join(a + b for a, b in sorted(character_table().items()))


# --- project terms --------------------------------------------------------------------


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


_UNTOUCHED = [rjieba._DEFAULT_JIEBA]
"""The dictionary rjieba makes when it is imported, for its module-level functions, which
nothing here calls: the first segmenter of a process takes it rather than spend a tenth of
a second making another, so nothing else may ever use it."""


def _fresh_dictionary() -> rjieba.Jieba:
    """rjieba's standard dictionary, in an instance no one else adds words to."""
    try:
        return _UNTOUCHED.pop()
    except IndexError:
        return rjieba.Jieba()


class Segmenter:
    """rjieba with a dictionary of its own: the standard one plus one build's project terms.

    rjieba's module-level dictionary is shared by the whole process and only
    grows, so a term removed from ``search-terms.txt`` would stay active in a
    running preview. An instance keeps the terms of the build that made it.
    Workers are forked, so they inherit the segmenter rather than receive it.
    """

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self.terms: tuple[str, ...] = tuple(dict.fromkeys(terms))
        """The project terms, first occurrence first, duplicates dropped."""
        self._jieba = _fresh_dictionary()
        for term in self.terms:
            self._jieba.add_word(term, _TERM_FREQUENCY, None)

    def cut(self, text: str) -> list[str]:
        """``text`` as the segmenter's words, in order; joined they give ``text`` back."""
        return list(self._jieba.cut(text))

    def word_tokens(self, text: str) -> Counter[str]:
        """Dictionary words of :data:`MIN_WORD` or more Chinese characters in ``text``."""
        long_words = [word for word in self._jieba.cut(text) if len(word) >= MIN_WORD]
        return Counter(word for word in long_words if CJK_RUN.fullmatch(word))

    def __repr__(self) -> str:
        return f"Segmenter({len(self.terms)} terms)"


@functools.lru_cache(maxsize=2)
def _segmenter(terms: tuple[str, ...]) -> Segmenter:
    return Segmenter(terms)


def segmenter_for(terms: Iterable[str]) -> Segmenter:
    """A segmenter for these terms, reused while they stay the same (one takes ~0.2 s to make)."""
    return _segmenter(tuple(dict.fromkeys(terms)))


def standard_segmenter() -> Segmenter:
    """A segmenter with the standard dictionary alone (no project terms)."""
    return segmenter_for(())


# --- document side --------------------------------------------------------------------


def single_tokens(text: str, runs: list[str] | None = None) -> Counter[str]:
    """Chinese characters standing alone between non-Chinese ones, and Latin words.

    Runs of two or more Chinese characters are indexed as character pairs, which
    the search index packs separately (see :mod:`generator.search.tokens`).
    ``text`` is normalised already; ``runs`` are its Chinese runs when the
    caller has them.
    """
    if runs is None:
        runs = CJK_RUN.findall(text)
    tokens: Counter[str] = Counter(run for run in runs if len(run) == 1)
    tokens.update(LATIN_WORD.findall(text))
    return tokens


# --- query side -----------------------------------------------------------------------


@dataclass(frozen=True)
class QueryTerm:
    """One term of a query: a run of token characters between separators."""

    text: str
    """The normalised term, as highlighted in results."""
    tokens: tuple[str, ...]
    """What an entry must hold to match: each lone Chinese character, each pair of
    neighbouring ones, each Latin word, in order of appearance, without repeats."""
    word: str | None
    """The term itself when it is one Chinese run of :data:`MIN_WORD` or more characters:
    entries where the segmenter found it as a word rank higher."""


def query_terms(query: str) -> list[QueryTerm]:
    """The terms of what a reader typed, exactly as ``kb-search.js`` parses them."""
    terms = []
    for text in _TERM.findall(normalize(query)):
        tokens: dict[str, None] = {}
        for run in _PIECE.findall(text):
            if len(run) == 1 or not CJK_RUN.fullmatch(run):
                tokens[run] = None
            else:
                tokens.update(dict.fromkeys(a + b for a, b in itertools.pairwise(run)))
        word = text if len(text) >= MIN_WORD and CJK_RUN.fullmatch(text) else None
        terms.append(QueryTerm(text, tuple(tokens), word))
    return terms
