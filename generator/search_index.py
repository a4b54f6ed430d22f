"""Stage 4b: the search index, built once at build time and split into small files.

A reader's browser loads only what a query needs: a small manifest, the facet
table, the posting files ("buckets") that hold the query's tokens, and the
metadata of the entries it shows. Every file is a script that hands its data to
``kbSearch.add(key, data)``, so the index loads with ``<script>`` tags, which
work from a web server and from a folder opened on disk (where ``fetch()`` is
not allowed).

File layout under ``search/``:

- ``manifest.js``: counts, the bucket count, facet labels;
- ``facets.js``: per entry, its kind, organization type, themes, region and year;
- ``p/<bucket>.js``: ``{token: postings}`` for the tokens hashed to that bucket;
- ``m/<chunk>.js``: url, title and summary of :data:`META_CHUNK` entries;
- ``t/<doc>.js``: the plain text of one entry, for result snippets.

Postings are a compact string per token: for each entry holding the token, the
gap to the previous entry number as a base-64 varint, then one weight character
(how often, and whether in the title, summary or a heading). The browser script
``theme/assets/javascripts/kb-search.js`` decodes the same format.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.index import SiteIndex
from generator.model import KIND_LABELS, BestPractice, CaseStudy, Entry, StudyMaterial
from generator.render import Routes, page_url
from generator.segment import char_tokens, normalize, pair_tokens, word_tokens
from generator.write import map_in_workers

SEARCH_DIR = "search"
META_CHUNK = 50
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


def document_tokens(doc: SearchDoc) -> dict[str, int]:
    """Each token of the entry with its weight character's value."""
    title = normalize(doc.title)
    summary = normalize(doc.summary)
    headings = normalize("\n".join(doc.headings))
    everything = "\n".join([title, summary, headings, normalize(doc.body)])
    counts = pair_tokens(everything) + word_tokens(everything)
    weights = {token: _frequency_grade(count) for token, count in counts.items()}
    for text, bit in ((headings, HEADING), (summary, SUMMARY), (title, TITLE)):
        for token in (pair_tokens(text) + word_tokens(text)).keys() | char_tokens(text):
            weights[token] = weights.get(token, 1) | bit
    return weights


def _frequency_grade(count: int) -> int:
    return min(7, count.bit_length())


# --- encoding ---------------------------------------------------------------------


def token_bucket(token: str, buckets: int) -> int:
    """FNV-1a over code points; ``kb-search.js`` computes the same."""
    value = 2166136261
    for char in token:
        value = ((value ^ ord(char)) * 16777619) & 0xFFFFFFFF
    return value % buckets


def encode_varint(value: int) -> str:
    """Five bits per character, low bits first; the 32 bit says another character follows."""
    chars = []
    while value >= 32:
        chars.append(ALPHABET[32 | (value & 31)])
        value >>= 5
    chars.append(ALPHABET[value])
    return "".join(chars)


def bucket_count(postings: int) -> int:
    """Buckets for a corpus with this many postings: a power of two near the target size."""
    estimate = postings * 2.5 / _TARGET_BUCKET_BYTES
    count = 1
    while count < estimate and count < _MAX_BUCKETS:
        count *= 2
    return count


def _script(key: str, data: Any) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
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
class SearchIndex:
    """The encoded files, by path relative to the site root."""

    files: dict[str, bytes]
    docs: int
    tokens: int
    postings: int


def build_search_index(
    index: SiteIndex,
    *,
    directory_urls: bool,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> SearchIndex:
    """Tokenize every entry (in parallel where it pays) and encode all index files."""
    docs = search_documents(index, directory_urls=directory_urls)
    weights = map_in_workers(document_tokens, docs, workers=workers, on_progress=on_progress)
    return encode_index(index, docs, weights)


def encode_index(
    index: SiteIndex, docs: list[SearchDoc], weights: list[dict[str, int]]
) -> SearchIndex:
    """All index files for ``docs``, whose tokens and weights are ``weights``."""
    postings: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    total = 0
    for number, doc_weights in enumerate(weights):
        for token in sorted(doc_weights):
            gap = number - last.get(token, -1) - 1
            last[token] = number
            postings.setdefault(token, []).append(encode_varint(gap) + ALPHABET[doc_weights[token]])
            total += 1
    buckets = bucket_count(total)
    grouped: list[dict[str, str]] = [{} for _ in range(buckets)]
    for token in sorted(postings):
        grouped[token_bucket(token, buckets)][token] = "".join(postings[token])

    files = {f"{SEARCH_DIR}/manifest.js": _script("manifest", _manifest(index, docs, buckets))}
    files[f"{SEARCH_DIR}/facets.js"] = _script("facets", _facets(index, docs))
    for number, bucket in enumerate(grouped):
        files[f"{SEARCH_DIR}/p/{number}.js"] = _script(f"p/{number}", bucket)
    for start in range(0, len(docs), META_CHUNK):
        chunk = [[d.url, d.title, d.summary] for d in docs[start : start + META_CHUNK]]
        files[f"{SEARCH_DIR}/m/{start // META_CHUNK}.js"] = _script(
            f"m/{start // META_CHUNK}", chunk
        )
    for number, doc in enumerate(docs):
        files[f"{SEARCH_DIR}/t/{number}.js"] = _script(f"t/{number}", doc.body)
    return SearchIndex(files, len(docs), len(postings), total)


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
            payload = data.decode()[data.decode().index(",") + 1 : -3]
            yield from json.loads(payload)
