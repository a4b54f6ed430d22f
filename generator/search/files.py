"""The index files besides postings: manifest, facet table, metadata rows and entry texts.

Facets are addressed by key everywhere: the manifest describes each facet under
its key (and lists the keys in display order), ``facets.js`` holds one column
per key, and the manifest names the fields of a metadata row, so the browser
never relies on where a facet happens to sit in a list.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from generator.index import SiteIndex
from generator.model import KINDS, PACK
from generator.search.documents import NO_VALUE, EntryFacts
from generator.search.postings import ALPHABET
from generator.search.tokens import GRADE, HEADING, SUMMARY, TITLE
from generator.segment import CJK_RANGES, LATIN_RANGES, MIN_WORD, folded_characters

SEARCH_DIR = "search"
FORMAT_VERSION = 2
META_CHUNK = 20
"""Entries per metadata file: one file covers a screen of results in listing order."""

FACETS: tuple[tuple[str, str], ...] = (
    ("kind", "类型"),
    ("org", "组织类型"),
    ("theme", "主题"),
    ("region", "地区"),
    ("year", "发布年份"),
)
"""Facet keys and their labels, in display order. The year is the one its sources were
published in, for every kind of entry: a case's period is often unstated, and where it is
stated it is not the same kind of year."""
MULTIPLE = frozenset({"theme"})
"""Facets an entry can have several values of: ``facets.js`` holds them as bit sets."""
ROW_FIELDS = ("url", "title", "summary", "kind", "org", "theme")
"""What a metadata row holds, in order; facet fields hold value positions of that facet
(``org`` is null for a study pack, which has no organization type)."""

Emit = Callable[[str, bytes], Any]
"""Receives each index file: its path relative to the site root, and its bytes."""


def script(key: str, data: Any) -> bytes:
    """A file of the index: a script handing ``data`` to ``kbSearch.add``."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Line and paragraph separators end a string literal in JavaScript before ES2019.
    payload = payload.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'kbSearch.add("{key}",{payload});\n'.encode()


def tokeniser_file() -> tuple[str, bytes]:
    """How the browser reads a query, from :mod:`generator.segment`: the code points of
    Chinese and of Latin token characters, the shortest dictionary word, and the characters
    folded to Simplified, as pairs. The browser loads it with the manifest, before it reads
    any query, and has no rules of its own."""
    rules = {
        "cjk": CJK_RANGES,
        "latin": LATIN_RANGES,
        "minWord": MIN_WORD,
        "folds": folded_characters(),
    }
    return f"{SEARCH_DIR}/tokeniser.js", script("tokeniser", rules)


def text_path(number: int) -> str:
    """Where entry ``number``'s text file goes."""
    return f"{SEARCH_DIR}/t/{number}.js"


def text_file(number: int, body: str) -> tuple[str, bytes]:
    """The path and bytes of entry ``number``'s text file."""
    return text_path(number), script(f"t/{number}", body)


def bucket_file(bucket: int, body: bytes) -> tuple[str, bytes]:
    """The path and bytes of a posting file, around its already encoded JSON object."""
    return f"{SEARCH_DIR}/p/{bucket}.js", b'kbSearch.add("p/%d",%s);\n' % (bucket, body)


def fixed_width(values: Sequence[int] | np.ndarray, width: int) -> str:
    """Each value as ``width`` base-64 digits, most significant first."""
    if width > 10:  # beyond 60 bits (a theme bit set of a large taxonomy): Python integers
        return "".join(
            ALPHABET[(int(value) >> (6 * shift)) & 63]
            for value in values
            for shift in range(width - 1, -1, -1)
        )
    array = np.asarray(values, dtype=np.uint64).reshape(-1, 1)
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64) * np.uint64(6)
    digits = ((array >> shifts) & np.uint64(63)).astype(np.uint8).reshape(-1)
    return np.frombuffer(ALPHABET.encode(), dtype=np.uint8)[digits].tobytes().decode("ascii")


def width_for(largest: int) -> int:
    """Base-64 digits needed for values up to ``largest``."""
    return max(1, math.ceil(max(largest, 1).bit_length() / 6))


def column(values: Sequence[int] | np.ndarray) -> dict[str, Any]:
    """A fixed-width column of small integers, as ``facets.js`` and ``delta.js`` hold them."""
    if isinstance(values, np.ndarray):
        largest = int(values.max()) if len(values) else 0
    else:
        largest = max(values, default=0)
    width = width_for(largest)
    return {"width": width, "codes": fixed_width(values, width)}


@dataclass(frozen=True)
class FacetValues:
    """Every facet's values in display order, and what each is called."""

    values: dict[str, list[str]]
    labels: dict[str, list[str]]

    @classmethod
    def of(cls, index: SiteIndex, facts: Iterable[EntryFacts | None]) -> FacetValues:
        """The facet values of these entries (regions and years are the ones they have)."""
        present = [fact for fact in facts if fact is not None]
        return cls.build(index, {f.region for f in present}, {f.year for f in present})

    @classmethod
    def build(
        cls, index: SiteIndex, regions: Iterable[str], years: Iterable[int | None]
    ) -> FacetValues:
        """The kinds, the taxonomy's organisation types and themes, and these regions and years.

        Study packs have no organisation type: theirs is :data:`NO_VALUE`, listed last.
        """
        names = {t.id: t.name for t in [*index.org_types, *index.themes]}
        names[NO_VALUE] = NO_VALUE
        region_values = [*sorted(set(regions) - {NO_VALUE}), NO_VALUE]
        known_years = {year for year in years if year is not None}
        year_values = [*map(str, sorted(known_years, reverse=True)), NO_VALUE]
        values = {
            "kind": list(KINDS),
            "org": [*(t.id for t in index.org_types), NO_VALUE],
            "theme": [t.id for t in index.themes],
            "region": region_values,
            "year": year_values,
        }
        labels = {
            "kind": [KINDS[k].label for k in values["kind"]],
            "org": [names[i] for i in values["org"]],
            "theme": [names[i] for i in values["theme"]],
            "region": region_values,
            "year": year_values,
        }
        return cls(values, labels)

    def positions(self) -> dict[str, dict[str, int]]:
        """Per facet key, each value's position in its list."""
        return {key: {v: i for i, v in enumerate(vals)} for key, vals in self.values.items()}


def manifest(
    facets: FacetValues,
    facts: Sequence[EntryFacts | None],
    *,
    buckets: int,
    overlay: bool = False,
) -> dict[str, Any]:
    """What every query loads first: counts, bucket count, weight bits, facets by key, row
    fields.

    ``facts`` holds each entry number's facts (``None`` for a number whose entry was deleted
    in a preview); ``overlay`` (only in a preview after an edit) says that ``delta.js``
    amends the base files (see :mod:`generator.search.live`). ``packs`` lists the numbers of
    study packs and ``packKind`` their kind, so that any list of results can say how many
    entries and packs it holds without the facet table (see ``countPhrase`` in kb-search.js).
    """
    data: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "docs": len(facts),
        "packs": [number for number, fact in enumerate(facts) if fact and fact.kind == PACK.name],
        "packKind": PACK.name,
        "weights": {"title": TITLE, "summary": SUMMARY, "heading": HEADING, "grade": GRADE},
        "buckets": buckets,
        "chunk": META_CHUNK,
        "alphabet": ALPHABET,
        "fields": list(ROW_FIELDS),
        "facetOrder": [key for key, _ in FACETS],
        "facets": {
            key: {"label": label, "values": facets.values[key], "labels": facets.labels[key]}
            | ({"multiple": True} if key in MULTIPLE else {})
            for key, label in FACETS
        },
    }
    if overlay:
        data["delta"] = True
    return data


def manifest_file(
    facets: FacetValues,
    facts: Sequence[EntryFacts | None],
    *,
    buckets: int,
    overlay: bool = False,
) -> tuple[str, bytes]:
    """The path and bytes of ``manifest.js``."""
    data = manifest(facets, facts, buckets=buckets, overlay=overlay)
    return f"{SEARCH_DIR}/manifest.js", script("manifest", data)


class FacetTable:
    """Every entry number's facet values, kept as columns that one edit updates in place.

    Kinds, organisation types and themes are stored as positions in the
    taxonomy's lists (which do not change while a table lives). Regions and
    years are stored as ids of the values seen so far; their display lists
    (sorted, only values some entry has) are worked out when encoding.
    """

    def __init__(self, taxonomy: FacetValues, facts: Iterable[EntryFacts | None] = ()) -> None:
        """``taxonomy`` gives the positions of kinds, organisation types and themes."""
        positions = taxonomy.positions()
        self._kinds, self._orgs, self._themes = (
            positions["kind"],
            positions["org"],
            positions["theme"],
        )
        self._theme_bits: dict[tuple[str, ...], int] = {}
        self.columns: dict[str, list[int]] = {key: [] for key, _ in FACETS}
        self._present: list[bool] = []
        self._ids: dict[str, dict[Any, int]] = {"region": {}, "year": {}}
        self._counts: dict[str, list[int]] = {"region": [], "year": []}
        for number, fact in enumerate(facts):
            self.set(number, fact)

    def set(self, number: int, fact: EntryFacts | None) -> None:
        """Give entry ``number`` these facts (``None``: the number has no entry now)."""
        columns = self.columns
        while len(self._present) <= number:
            for values in columns.values():
                values.append(0)
            self._present.append(False)
        if self._present[number]:
            self._counts["region"][columns["region"][number]] -= 1
            self._counts["year"][columns["year"][number]] -= 1
        self._present[number] = fact is not None
        if fact is None:
            for values in columns.values():
                values[number] = 0
            return
        themes = self._theme_bits.get(fact.themes)
        if themes is None:
            themes = self._theme_bits[fact.themes] = sum(1 << self._themes[t] for t in fact.themes)
        columns["kind"][number] = self._kinds[fact.kind]
        columns["org"][number] = self._orgs[fact.org_type]
        columns["theme"][number] = themes
        columns["region"][number] = self._id("region", fact.region)
        columns["year"][number] = self._id("year", fact.year)

    def _id(self, key: str, value: Any) -> int:
        ids = self._ids[key]
        found = ids.get(value)
        if found is None:
            found = ids[value] = len(ids)
            self._counts[key].append(0)
        self._counts[key][found] += 1
        return found

    def values(self, index: SiteIndex) -> FacetValues:
        """The facet values and labels, regions and years being those some entry has."""
        regions = [v for v, i in self._ids["region"].items() if self._counts["region"][i]]
        years = [v for v, i in self._ids["year"].items() if self._counts["year"][i]]
        return FacetValues.build(index, regions, years)

    def file(self, values: FacetValues) -> tuple[str, bytes]:
        """``facets.js``: per facet key, one fixed-width code per entry number; themes as bits.

        A number without an entry (deleted during a preview) gets code 0; no query
        ever returns it.
        """
        encoded = {}
        for key, _ in FACETS:
            codes: Sequence[int] | np.ndarray = self.columns[key]
            if key in self._ids:
                position = {v: i for i, v in enumerate(values.values[key])}
                lookup = np.zeros(max(1, len(self._ids[key])), dtype=np.int64)
                for value, found in self._ids[key].items():
                    shown = NO_VALUE if value is None else value
                    lookup[found] = position.get(str(shown), 0)
                codes = lookup[np.asarray(codes, dtype=np.int64)]
                codes[~np.asarray(self._present, dtype=bool)] = 0
            encoded[key] = column(codes)
        return f"{SEARCH_DIR}/facets.js", script("facets", encoded)


def facets_file(facets: FacetValues, facts: Sequence[EntryFacts | None]) -> tuple[str, bytes]:
    """``facets.js`` for these entries (see :meth:`FacetTable.file`)."""
    return FacetTable(facets, facts).file(facets)


def meta_row(fact: EntryFacts | None, positions: dict[str, dict[str, int]]) -> list[Any] | None:
    """One entry's metadata row, with the fields :data:`ROW_FIELDS` names."""
    if fact is None:
        return None
    return [
        fact.url,
        fact.title,
        fact.summary,
        positions["kind"][fact.kind],
        None if fact.org_type == NO_VALUE else positions["org"][fact.org_type],
        [positions["theme"][t] for t in fact.themes],
    ]


def meta_file(chunk: int, rows: list[list[Any] | None]) -> tuple[str, bytes]:
    """The path and bytes of metadata file ``chunk``."""
    return f"{SEARCH_DIR}/m/{chunk}.js", script(f"m/{chunk}", rows)
