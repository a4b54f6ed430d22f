"""Stage 4b: the search index, built once at build time and split into small files.

A reader's browser loads only what a query needs: a small manifest, the facet
table, the posting files ("buckets") that hold the query's tokens, and the
metadata of the entries it shows. Every file is a script that hands its data to
``kbSearch.add(key, data)``, so the index loads with ``<script>`` tags, which
work from a web server and from a folder opened on disk (where ``fetch()`` is
not allowed).

File layout under ``search/``:

- ``manifest.js``: counts, the bucket count, facet labels;
- ``facets.js``: per entry, its kind, organization type, themes, region and year (loaded
  only for filtering);
- ``p/<bucket>.js``: ``{token: postings}`` for the tokens hashed to that bucket;
- ``m/<chunk>.js``: url, title, summary, kind, type and themes of :data:`META_CHUNK` entries;
- ``t/<doc>.js``: the plain text of one entry, for result snippets.

Postings are a compact string per token: for each entry holding the token, the
gap to the previous entry number as a base-64 varint, then one weight character
(how often, and whether in the title, summary or a heading). The browser script
``theme/assets/javascripts/kb-search.js`` decodes the same format.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from generator.index import SiteIndex
from generator.model import KIND_LABELS, BestPractice, CaseStudy, Entry, StudyMaterial
from generator.render import Routes, page_url
from generator.segment import CJK_RUN, normalize, single_tokens, word_tokens
from generator.write import iter_in_workers

SEARCH_DIR = "search"
META_CHUNK = 20
"""Entries per metadata file: one file covers a screen of results in listing order."""
FORMAT_VERSION = 1
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TARGET_BUCKET_BYTES = 12_000
"""Average size the posting files aim for: few requests, small downloads."""
_MAX_BUCKETS = 8192

TITLE, SUMMARY, HEADING = 32, 16, 8
"""Weight bits: where in the entry a token occurs. The low three bits grade its frequency."""

_YEAR = re.compile(r"(?:19|20)\d\d")
_PROVINCE = re.compile(r"^\s*(.+?(?:特别行政区|自治区|省|市))")
NO_VALUE = "未注明"


@dataclass(frozen=True)
class SearchDoc:
    """What the index knows about one entry."""

    url: str
    """Site-relative URL of the entry page."""
    title: str
    summary: str
    kind: str
    org_type: str
    themes: tuple[str, ...]
    region: str
    """Province-level region, or :data:`NO_VALUE`."""
    year: int | None
    headings: tuple[str, ...]
    body: str
    """All other text, paragraph by paragraph, as the snippet source."""


def search_documents(index: SiteIndex, *, directory_urls: bool) -> list[SearchDoc]:
    """One document per entry, numbered in listing order (kind, then title)."""
    docs = []
    for kind_entries in index.by_kind.values():
        for entry in kind_entries:
            docs.append(_document(entry, directory_urls=directory_urls))
    return docs


def _document(entry: Entry, *, directory_urls: bool) -> SearchDoc:
    headings: list[str] = []
    body: list[str] = []
    if isinstance(entry, CaseStudy):
        body += [entry.unit, entry.region, entry.period, entry.background]
        for action in entry.actions:
            headings.append(action.title)
            body.append(action.text)
        body.append(entry.results.summary)
        body += [f"{figure.label}：{figure.value}" for figure in entry.results.figures]
        body += entry.lessons
    elif isinstance(entry, BestPractice):
        for step in entry.steps:
            headings.append(step.title)
            body.append(step.text)
        body.append(entry.fits)
        body += entry.cautions
    elif isinstance(entry, StudyMaterial):
        for section in entry.sections:
            headings.append(section.title)
            body.append(section.text)
            body += section.points
        body += entry.key_points
    body += [source.title for source in entry.sources]
    return SearchDoc(
        url=page_url(Routes.entry(entry), directory_urls=directory_urls),
        title=entry.title,
        summary=entry.summary,
        kind=entry.kind,
        org_type=entry.org_type,
        themes=tuple(entry.themes),
        region=_province(entry.region) if isinstance(entry, CaseStudy) else NO_VALUE,
        year=_year(entry),
        headings=tuple(headings),
        body="\n".join(re.sub(r"\s*\n\s*", "", part.strip()) for part in body if part.strip()),
    )


def _province(region: str) -> str:
    found = _PROVINCE.match(region)
    return found.group(1) if found else NO_VALUE


def _year(entry: Entry) -> int | None:
    """The year a case's period starts, else the earliest publication year of its sources."""
    if isinstance(entry, CaseStudy) and (found := _YEAR.search(entry.period)):
        return int(found.group())
    years = [source.published.year for source in entry.sources if source.published]
    return min(years) if years else None


@dataclass(frozen=True)
class DocTokens:
    """The tokens of one entry: character pairs as packed codes, the rest as strings."""

    pairs: np.ndarray
    """Distinct character-pair codes (first character << 18 | second), ascending."""
    pair_weights: np.ndarray
    """Weight of each pair, as in :func:`_weight`."""
    others: dict[str, int]
    """Dictionary words, lone characters and Latin words, with their weights."""


def document_tokens(doc: SearchDoc) -> DocTokens:
    """Every token of the entry, weighted by frequency and by where it occurs."""
    title = normalize(doc.title)
    summary = normalize(doc.summary)
    headings = normalize("\n".join(doc.headings))
    everything = "\n".join([title, summary, headings, normalize(doc.body)])
    runs = CJK_RUN.findall(everything)
    pairs, counts = _pair_codes(runs)
    weights = _GRADES[np.minimum(counts, len(_GRADES) - 1)]
    others = {
        token: _grade(count)
        for token, count in (single_tokens(everything, runs) + word_tokens(everything)).items()
    }
    for text, bit in ((headings, HEADING), (summary, SUMMARY), (title, TITLE)):
        if not text:
            continue
        field_runs = CJK_RUN.findall(text)
        # Field texts are short: plain Python beats array set-up here.
        codes = {
            (ord(a) << _CHAR_BITS) | ord(b)
            for run in field_runs
            for a, b in itertools.pairwise(run)
        }
        if codes:
            found = np.searchsorted(pairs, np.fromiter(codes, np.uint64, len(codes)))
            weights[found] |= bit
        field_tokens = single_tokens(text, field_runs).keys() | word_tokens(text).keys()
        for token in field_tokens | {char for run in field_runs for char in run}:
            others[token] = others.get(token, 1) | bit
    return DocTokens(pairs, weights, others)


def token_weights(doc: SearchDoc) -> dict[str, int]:
    """:func:`document_tokens` as one ``{token: weight}`` map (for checks and tests)."""
    tokens = document_tokens(doc)
    weights = {
        _pair_text(int(code)): int(weight)
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
    codes = (first[inside].astype(np.uint64) << np.uint64(_CHAR_BITS)) | second[inside]
    return np.unique(codes, return_counts=True)


def _pair_text(code: int) -> str:
    return chr(code >> _CHAR_BITS) + chr(code & _CHAR_MASK)


def _grade(count: int) -> int:
    """Frequency in the low three bits: 1, 2-3, 4-7, ... up to 64 and more."""
    return min(7, count.bit_length())


_GRADES = np.array([_grade(n) for n in range(65)], dtype=np.uint8)


# --- encoding ---------------------------------------------------------------------


def token_bucket(token: str, buckets: int) -> int:
    """FNV-1a over code points; ``kb-search.js`` computes the same."""
    value = 2166136261
    for char in token:
        value = ((value ^ ord(char)) * 16777619) & 0xFFFFFFFF
    return value % buckets


def _pair_buckets(codes: np.ndarray, buckets: int) -> np.ndarray:
    """:func:`token_bucket` of many character-pair codes at once."""
    value = np.full(len(codes), 2166136261, dtype=np.uint64)
    for char in (codes >> np.uint64(_CHAR_BITS), codes & np.uint64(_CHAR_MASK)):
        value = ((value ^ char) * np.uint64(16777619)) & np.uint64(0xFFFFFFFF)
    return (value % np.uint64(buckets)).astype(np.int64)


def bucket_count(total_bytes: int) -> int:
    """Buckets for postings of this size: a power of two near the target file size."""
    count = 1
    while count * _TARGET_BUCKET_BYTES < total_bytes and count < _MAX_BUCKETS:
        count *= 2
    return count


def _script(key: str, data: Any) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Line and paragraph separators end a string literal in JavaScript before ES2019.
    payload = payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'kbSearch.add("{key}",{payload});\n'.encode()


def _fixed_width(values: list[int], width: int) -> str:
    chars = []
    for value in values:
        for shift in range(width - 1, -1, -1):
            chars.append(ALPHABET[(value >> (6 * shift)) & 63])
    return "".join(chars)


def _width(largest: int) -> int:
    return max(1, math.ceil(max(largest, 1).bit_length() / 6))


@dataclass(frozen=True)
class SearchIndexStats:
    """What went into the index."""

    docs: int
    tokens: int
    postings: int
    buckets: int


Emit = Callable[[str, bytes], Any]
"""Receives each index file: its path relative to the site root, and its bytes."""


def build_search_index(
    index: SiteIndex,
    *,
    directory_urls: bool,
    emit: Emit,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
    token_cache: dict[SearchDoc, DocTokens] | None = None,
) -> SearchIndexStats:
    """Tokenize every entry (in parallel where it pays) and hand every index file to ``emit``.

    With a ``token_cache`` (the preview keeps one), entries whose text did not
    change are not tokenized again; afterwards the cache holds exactly the current
    entries' tokens.
    """
    docs = search_documents(index, directory_urls=directory_urls)
    known = token_cache if token_cache is not None else {}
    todo = [doc for doc in docs if doc not in known]
    fresh = iter(iter_in_workers(document_tokens, todo, workers=workers, on_progress=on_progress))
    packer = PostingPacker(len(docs))
    current: dict[SearchDoc, DocTokens] = {}
    for number, doc in enumerate(docs):
        tokens = known[doc] if doc in known else next(fresh)
        packer.add(number, tokens)
        if token_cache is not None:  # without a cache, let each entry's tokens go at once
            current[doc] = tokens
    if token_cache is not None:
        token_cache.clear()
        token_cache.update(current)
    return encode_index(index, docs, packer, emit)


# A posting packs into one 64-bit integer, so sorting plain integers groups postings
# by token and orders each token's entries: token code (37 bits: character pairs
# use 36, other tokens set bit 36 over their vocabulary number), entry number
# (20 bits), weight (6 bits).
_CHAR_BITS = 18
_CHAR_MASK = (1 << _CHAR_BITS) - 1
_OTHER = 1 << (2 * _CHAR_BITS)
_DOC_BITS = 20
_WEIGHT_BITS = 6
_SHIFT = np.uint64(_DOC_BITS + _WEIGHT_BITS)
MAX_DOCS = 1 << _DOC_BITS
_SLICE = 4_000_000
"""Postings encoded at a time, which bounds the memory the encoding needs."""


class PostingPacker:
    """Collects every entry's tokens as packed postings, one entry at a time."""

    def __init__(self, docs: int) -> None:
        if docs >= MAX_DOCS:
            raise ValueError(f"the search index holds at most {MAX_DOCS - 1} entries")
        self.vocabulary: dict[str, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, number: int, tokens: DocTokens) -> None:
        entry = np.uint64(number << _WEIGHT_BITS)
        self.parts.append((tokens.pairs << _SHIFT) | entry | tokens.pair_weights)
        if tokens.others:
            vocabulary = self.vocabulary
            ids = [vocabulary.setdefault(t, len(vocabulary)) for t in tokens.others]
            codes = np.array(ids, dtype=np.uint64) | np.uint64(_OTHER)
            weights = np.fromiter(tokens.others.values(), np.uint64, len(ids))
            self.parts.append((codes << _SHIFT) | entry | weights)

    def sorted_keys(self) -> np.ndarray:
        """All postings, grouped by token and ordered by entry within a token.

        Vocabulary numbers follow the order words were first met, which can vary;
        they are renumbered in text order first, so the files never depend on it.
        """
        keys = np.concatenate(self.parts) if self.parts else np.zeros(0, np.uint64)
        self.parts = []
        words = sorted(self.vocabulary)
        renumber = np.empty(len(words), dtype=np.uint64)
        renumber[[self.vocabulary[w] for w in words]] = np.arange(len(words), dtype=np.uint64)
        self.vocabulary = {word: i for i, word in enumerate(words)}
        other = keys >= np.uint64(_OTHER << (_DOC_BITS + _WEIGHT_BITS))
        low = keys[other] & np.uint64((1 << (_DOC_BITS + _WEIGHT_BITS)) - 1)
        old_ids = (keys[other] >> _SHIFT) - np.uint64(_OTHER)
        keys[other] = ((renumber[old_ids] | np.uint64(_OTHER)) << _SHIFT) | low
        keys.sort()
        return keys

    def token_texts(self, codes: np.ndarray) -> list[str]:
        """The text of each token code, decoded in bulk."""
        is_pair = codes < np.uint64(_OTHER)
        pair_codes = codes[is_pair]
        points = np.empty((len(pair_codes), 2), dtype=np.uint32)
        points[:, 0] = pair_codes >> np.uint64(_CHAR_BITS)
        points[:, 1] = pair_codes & np.uint64(_CHAR_MASK)
        joined = points.tobytes().decode("utf-32-le")
        pair_texts = iter([joined[i : i + 2] for i in range(0, len(joined), 2)])
        words = list(self.vocabulary)
        return [
            next(pair_texts) if pair else words[code - _OTHER]
            for pair, code in zip(is_pair.tolist(), codes.tolist(), strict=True)
        ]


def encode_index(
    index: SiteIndex, docs: list[SearchDoc], packer: PostingPacker, emit: Emit
) -> SearchIndexStats:
    """Encode the packed postings and the entries' metadata, handing each file to ``emit``."""
    keys = packer.sorted_keys()
    postings = len(keys)
    pieces: list[bytes] = []
    offsets_parts: list[np.ndarray] = []
    code_parts: list[np.ndarray] = []
    written = 0
    start = 0
    while start < postings:
        end = min(postings, start + _SLICE)
        if end < postings:  # never split one token's postings between slices
            boundary = keys[end - 1] >> _SHIFT
            end = int(np.searchsorted(keys >> _SHIFT, boundary, side="right"))
        text, starts, codes = _encode_slice(keys[start:end])
        pieces.append(text)
        offsets_parts.append(starts + written)
        code_parts.append(codes)
        written += len(text)
        start = end
    del keys
    postings_text = b"".join(pieces).decode("ascii")
    del pieces
    token_codes = np.concatenate(code_parts) if code_parts else np.zeros(0, np.uint64)
    offsets = np.append(np.concatenate(offsets_parts) if offsets_parts else [], written)
    offsets = offsets.astype(np.int64)

    buckets = bucket_count(len(postings_text) + 10 * len(token_codes))
    texts = packer.token_texts(token_codes)
    token_buckets = _pair_buckets(token_codes, buckets)
    for i in np.flatnonzero(token_codes >= np.uint64(_OTHER)).tolist():
        token_buckets[i] = token_bucket(texts[i], buckets)
    order = np.argsort(token_buckets, kind="stable")
    bounds = np.searchsorted(token_buckets[order], np.arange(buckets + 1))

    emit(f"{SEARCH_DIR}/manifest.js", _script("manifest", _manifest(index, docs, buckets)))
    emit(f"{SEARCH_DIR}/facets.js", _script("facets", _facets(index, docs)))
    for number in range(buckets):
        # Tokens are Chinese characters, digits and lower-case letters: nothing to escape.
        body = (
            "{"
            + ",".join(
                f'"{texts[i]}":"{postings_text[offsets[i] : offsets[i + 1]]}"'
                for i in order[bounds[number] : bounds[number + 1]].tolist()
            )
            + "}"
        )
        emit(f"{SEARCH_DIR}/p/{number}.js", f'kbSearch.add("p/{number}",{body});\n'.encode())
    values = _facet_values(index, docs)
    kinds = {value: i for i, value in enumerate(values["kind"])}
    orgs = {value: i for i, value in enumerate(values["org"])}
    themes = {value: i for i, value in enumerate(values["theme"])}
    for first in range(0, len(docs), META_CHUNK):
        chunk = [
            [
                d.url,
                d.title,
                d.summary,
                kinds[d.kind],
                orgs[d.org_type],
                [themes[t] for t in d.themes],
            ]
            for d in docs[first : first + META_CHUNK]
        ]
        emit(f"{SEARCH_DIR}/m/{first // META_CHUNK}.js", _script(f"m/{first // META_CHUNK}", chunk))
    for number, doc in enumerate(docs):
        emit(f"{SEARCH_DIR}/t/{number}.js", _script(f"t/{number}", doc.body))
    return SearchIndexStats(len(docs), len(token_codes), postings, buckets)


def _encode_slice(keys: np.ndarray) -> tuple[bytes, np.ndarray, np.ndarray]:
    """Encode sorted postings: their text, where each token's part starts, and its code.

    Within a token, each entry is stored as the gap from the previous one (minus
    one) in base-64 varint digits, followed by its weight digit.
    """
    codes = keys >> _SHIFT
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    token_codes = codes[starts]
    del codes
    numbers = ((keys >> np.uint64(_WEIGHT_BITS)) & np.uint64(MAX_DOCS - 1)).astype(np.int32)
    previous = np.empty_like(numbers)
    previous[1:] = numbers[:-1]
    previous[starts] = -1
    gaps = numbers - previous - 1
    del numbers, previous
    digits = np.ones(len(gaps), dtype=np.int32)
    for limit in (1 << 5, 1 << 10, 1 << 15):
        digits += gaps >= limit
    ends = np.cumsum(digits + 1, dtype=np.int64)
    begins = ends - (digits + 1)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    alphabet = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
    for place in range(4):
        present = digits > place
        value = (gaps[present] >> (5 * place)) & 31
        value |= np.where(digits[present] > place + 1, 32, 0).astype(value.dtype)
        out[begins[present] + place] = alphabet[value]
    out[begins + digits] = alphabet[(keys & np.uint64(63)).astype(np.uint8)]
    return out.tobytes(), begins[starts], token_codes


def _facet_values(index: SiteIndex, docs: list[SearchDoc]) -> dict[str, list[str]]:
    regions = sorted({d.region for d in docs} - {NO_VALUE})
    years = sorted({d.year for d in docs if d.year is not None}, reverse=True)
    return {
        "kind": list(KIND_LABELS),
        "org": [t.id for t in index.org_types],
        "theme": [t.id for t in index.themes],
        "region": [*regions, NO_VALUE],
        "year": [*map(str, years), NO_VALUE],
    }


def _manifest(index: SiteIndex, docs: list[SearchDoc], buckets: int) -> dict[str, Any]:
    values = _facet_values(index, docs)
    names = {t.id: t.name for t in [*index.org_types, *index.themes]}
    labels = {
        "kind": [KIND_LABELS[k] for k in values["kind"]],
        "org": [names[i] for i in values["org"]],
        "theme": [names[i] for i in values["theme"]],
        "region": values["region"],
        "year": values["year"],
    }
    return {
        "version": FORMAT_VERSION,
        "docs": len(docs),
        "buckets": buckets,
        "chunk": META_CHUNK,
        "alphabet": ALPHABET,
        "facets": [
            {"key": key, "label": label, "values": values[key], "labels": labels[key]}
            for key, label in (
                ("kind", "类型"),
                ("org", "组织类型"),
                ("theme", "主题"),
                ("region", "地区"),
                ("year", "年份"),
            )
        ],
    }


def _facets(index: SiteIndex, docs: list[SearchDoc]) -> dict[str, Any]:
    """Per facet, one fixed-width code per entry; themes as a bit set."""
    values = _facet_values(index, docs)
    position = {key: {v: i for i, v in enumerate(vals)} for key, vals in values.items()}
    columns: dict[str, list[int]] = {
        "kind": [position["kind"][d.kind] for d in docs],
        "org": [position["org"][d.org_type] for d in docs],
        "theme": [sum(1 << position["theme"][t] for t in d.themes) for d in docs],
        "region": [position["region"][d.region] for d in docs],
        "year": [position["year"][str(d.year) if d.year is not None else NO_VALUE] for d in docs],
    }
    encoded = {}
    for key, column in columns.items():
        width = _width(max(column, default=0))
        encoded[key] = {"width": width, "codes": _fixed_width(column, width)}
    return encoded


def iter_bucket_tokens(files: dict[str, bytes]) -> Iterator[str]:
    """Every token in the encoded posting files (for checks and tests)."""
    for path, data in files.items():
        if path.startswith(f"{SEARCH_DIR}/p/"):
            text = data.decode()
            yield from json.loads(text[text.index(",") + 1 : text.rindex(")")])
