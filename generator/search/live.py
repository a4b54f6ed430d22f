"""A search index the preview keeps current by writing only what an edit changed.

A full index numbers entries in listing order, so one new or renamed entry
shifts every number after it and every posting file changes. The live index
instead keeps each entry's number for the whole preview session: a new entry
takes the next free number, a deleted one leaves its number unused. The files
of the first full build (the *base*) stay; what changed since goes into a
small *overlay*:

- ``delta.js``: ``{"masked": [...], "gone": [...], "shards": S, "order": column}``:
  entry numbers whose base postings no longer count (edited or deleted
  entries), numbers with no entry any more, the number of overlay posting
  files, and each number's position in the listing order (ties in ranking and
  browsing without a query follow it, as in a full build);
- ``d/<shard>.js``: ``{token: postings}`` of every edited or new entry, in the
  format of the base posting files, the token's shard being its hash modulo S.

``manifest.js`` (which then carries ``"delta": true`` and counts entry
numbers), ``facets.js``, the metadata files of changed entries and their text
files are simply written again: they are small or one per entry. The browser
(``kb-search.js``) reads the base postings of a token, drops masked entries and
merges in the overlay's. When the overlay outgrows :data:`MAX_OVERLAY_POSTINGS`,
it is folded into new base posting files: the base's sorted postings wait in
a temporary file, so this needs no tokenising, and numbers stay as they are.
A changed taxonomy rewrites every metadata file (rows hold positions in its
lists) but no postings. When the project's search terms change, everything is
tokenised again and numbers follow the listing order once more.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.index import SiteIndex
from generator.search.build import analyse_entries, write_full_index
from generator.search.documents import EntryFacts, listed_documents
from generator.search.files import (
    META_CHUNK,
    SEARCH_DIR,
    Emit,
    FacetTable,
    FacetValues,
    bucket_file,
    column,
    manifest_file,
    meta_file,
    meta_row,
    script,
    text_path,
)
from generator.search.postings import MAX_DOCS, PostingPacker
from generator.search.tokens import DocTokens
from generator.segment import Segmenter, standard_segmenter

OVERLAY_SHARDS = 16
"""Files the overlay's postings are split into: a query loads only those of its tokens."""
MAX_OVERLAY_POSTINGS = 200_000
"""Overlay size (about a hundred entries) beyond which it is folded into the base: the
overlay is encoded at every edit, so past this an edit would take over 0.1 s."""

Discard = Callable[[str], Any]
"""Receives the site-relative path of an index file that is no longer part of the index."""


@dataclass
class LiveUpdate:
    """What one call of :meth:`LiveSearchIndex.update` did."""

    rebuilt: bool
    """Everything was tokenised and encoded again (the search terms changed, or the
    previous update failed half way)."""
    folded: bool
    """The overlay had grown too large and was folded into new base posting files."""
    tokenised: int
    """Entries tokenised: the edited and new ones, or all of them when rebuilt."""
    overlay: int
    """Entries whose postings the overlay holds after the update."""
    written: int
    """Files handed to ``emit``."""
    discarded: int
    """Paths handed to ``discard``."""
    seconds: float


@dataclass
class _Slot:
    """One entry number: whose it is now and what its base postings were made from."""

    entry_id: str
    """The id of the entry or study pack."""
    digest: str | None
    """What the entry is made from now (see :func:`_digests`); ``None`` once it is deleted."""
    facts: EntryFacts | None
    base_digest: str | None
    """Checksum when the base was built; ``None`` for numbers given out since."""


@dataclass
class _Written:
    """The files of the index as last written, to write only what differs next time."""

    paths: set[str] = field(default_factory=set)
    small: dict[str, bytes] = field(default_factory=dict)
    """Bytes of the files rewritten at every update (manifest, facets, overlay)."""


class LiveSearchIndex:
    """A full search index written once, then kept current edit by edit.

    ``emit(path, data)`` receives every file to (re)write, ``discard(path)`` every
    file no longer part of the index (deleted entries' texts, an overlay after a
    rebuild); paths are relative to the site root. Both are plain attributes and
    may be replaced between updates, for a preview that serves a new folder
    after a full build. An update never hands over files that did not change, so
    a caller must not delete files it was not told to discard. ``segmenter``
    carries the project's terms. ``workers`` is used for the first build and for
    rebuilds; ``on_progress`` hears of the first build's entries as they are done.
    """

    def __init__(
        self,
        index: SiteIndex,
        *,
        directory_urls: bool,
        emit: Emit,
        discard: Discard | None = None,
        segmenter: Segmenter | None = None,
        workers: int = 1,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self.directory_urls = directory_urls
        self.emit = emit
        self.discard = discard
        self.segmenter = segmenter or standard_segmenter()
        self.workers = workers
        self._slots: list[_Slot] = []
        self._numbers: dict[str, int] = {}
        self._overlay: dict[int, DocTokens] = {}
        self._written = _Written()
        self._packer: PostingPacker | None = None
        self._unsure = False
        self._build(index, on_progress=on_progress)

    # --- the base ---------------------------------------------------------------------

    def _build(self, index: SiteIndex, *, on_progress: Callable[[int], None] | None = None) -> int:
        """Encode everything from scratch; numbers follow the listing order again."""
        written = _Written()

        def emit(path: str, data: bytes) -> None:
            written.paths.add(path)
            self.emit(path, data)

        if self._packer is not None:
            self._packer.close()
        self._packer = PostingPacker(keep=True)
        stats, facts = write_full_index(
            index,
            directory_urls=self.directory_urls,
            emit=emit,
            segmenter=self.segmenter,
            workers=self.workers,
            on_progress=on_progress,
            packer=self._packer,
        )
        entries = listed_documents(index)
        digests = _digests(index)
        self._slots = [
            _Slot(entry.id, digests[entry.id], fact, digests[entry.id])
            for entry, fact in zip(entries, facts, strict=True)
        ]
        self._numbers = {slot.entry_id: number for number, slot in enumerate(self._slots)}
        self._overlay = {}
        self._buckets = stats.buckets
        self._taxonomy = _taxonomy(index)
        self._table = FacetTable(FacetValues.of(index, []), facts)
        self._unsure = False
        discarded = self._discard(self._written.paths - written.paths)
        self._written = written
        return discarded

    # --- updates ----------------------------------------------------------------------

    def update(self, index: SiteIndex, *, segmenter: Segmenter | None = None) -> LiveUpdate:
        """Write what changed between the last state and ``index``.

        A ``segmenter`` with other terms than the current one (``search-terms.txt``
        was edited) makes every entry's words change, so everything is rebuilt.
        """
        started = time.perf_counter()
        emitted = 0

        def emit(path: str, data: bytes) -> None:
            nonlocal emitted
            emitted += 1
            self._written.paths.add(path)
            self.emit(path, data)

        if segmenter is not None and segmenter.terms != self.segmenter.terms:
            self.segmenter = segmenter
            return self._rebuilt(index, started)
        if self._unsure:
            return self._rebuilt(index, started)
        # An update that fails half way leaves the files and this object's idea of
        # them apart; the next one starts afresh.
        self._unsure = True
        retaxonomised = _taxonomy(index) != self._taxonomy

        entries = listed_documents(index)
        digests = _digests(index)
        placed = self._place(entries, digests)
        if placed is None:
            return self._rebuilt(index, started)
        order, present, changed = placed
        dirty_chunks, discarded = self._forget_removed(present)
        facets_changed = bool(discarded)
        analysed = analyse_entries(
            entries,
            changed,
            directory_urls=self.directory_urls,
            segmenter=self.segmenter,
            workers=self.workers,
        )
        for result in analysed:
            facets_changed |= self._take(result, digests, dirty_chunks, retaxonomised)
            emit(text_path(result.number), result.text)
        if retaxonomised:
            # Rows and facet codes hold positions in the taxonomy's lists; tokens do
            # not depend on it, so the postings stay.
            self._taxonomy = _taxonomy(index)
            self._table = FacetTable(
                FacetValues.of(index, []), [slot.facts for slot in self._slots]
            )
            dirty_chunks.update(range((len(self._slots) + META_CHUNK - 1) // META_CHUNK))
            facets_changed = True
        folded = sum(map(_postings, self._overlay.values())) > MAX_OVERLAY_POSTINGS
        if folded:
            self._fold(emit)

        self._write_overlay(index, order, dirty_chunks, emit, facets_changed=facets_changed)
        self._written.paths -= discarded
        self._unsure = False
        return LiveUpdate(
            rebuilt=False,
            folded=folded,
            tokenised=len(changed),
            overlay=len(self._overlay),
            written=emitted,
            discarded=self._discard(discarded),
            seconds=time.perf_counter() - started,
        )

    def _place(
        self, entries: list[Any], digests: dict[str, str]
    ) -> tuple[list[int], list[bool], list[tuple[int, int]]] | None:
        """Each document's number and place in the listing order, which numbers are still
        there, and the (number, place) of those whose digest changed; ``None`` when the new
        documents would overflow the numbers an overlay can hold."""
        numbers, slots = self._numbers, self._slots
        order = [0] * len(slots)
        present = [False] * len(slots)
        changed: list[tuple[int, int]] = []
        for position, entry in enumerate(entries):
            number = numbers.get(entry.id)
            if number is None:
                number = len(slots)
                if number >= MAX_DOCS:
                    return None
                slots.append(_Slot(entry.id, None, None, None))
                numbers[entry.id] = number
                order.append(0)
                present.append(False)
            order[number] = position
            present[number] = True
            if slots[number].digest != digests[entry.id]:
                changed.append((number, position))
        return order, present, changed

    def _forget_removed(self, present: list[bool]) -> tuple[set[int], set[str]]:
        """Empty the slots of documents no longer there; the metadata chunks that changed
        with them, and their text files, to remove."""
        dirty_chunks: set[int] = set()
        discarded: set[str] = set()
        for number, slot in enumerate(self._slots):
            if not present[number] and slot.digest is not None:
                slot.digest, slot.facts = None, None
                self._overlay.pop(number, None)
                dirty_chunks.add(number // META_CHUNK)
                discarded.add(text_path(number))
                self._table.set(number, None)
        return dirty_chunks, discarded

    def _take(
        self, result: Any, digests: dict[str, str], dirty_chunks: set[int], retaxonomised: bool
    ) -> bool:
        """Keep one analysed document's facts and tokens; whether its facets changed."""
        slot = self._slots[result.number]
        slot.digest = digests[slot.entry_id]
        if slot.facts != result.facts:
            dirty_chunks.add(result.number // META_CHUNK)
        facets_changed = _facet_fields(slot.facts) != _facet_fields(result.facts)
        if facets_changed and not retaxonomised:  # else the table is made anew
            self._table.set(result.number, result.facts)
        slot.facts = result.facts
        if slot.digest == slot.base_digest:
            self._overlay.pop(result.number, None)  # back to what the base holds
        else:
            self._overlay[result.number] = result.tokens
        return facets_changed

    def _rebuilt(self, index: SiteIndex, started: float) -> LiveUpdate:
        paths_before = len(self._written.paths)
        discarded = self._build(index)
        return LiveUpdate(
            rebuilt=True,
            folded=False,
            tokenised=len(self._slots),
            overlay=0,
            written=len(self._written.paths),
            discarded=discarded if paths_before else 0,
            seconds=time.perf_counter() - started,
        )

    def _fold(self, emit: Emit) -> None:
        """Encode the base postings again with the overlay's entries in them; numbers stay."""
        assert self._packer is not None
        slots = self._slots
        removed = [
            number
            for number, slot in enumerate(slots)
            if slot.base_digest is not None and slot.digest != slot.base_digest
        ]
        summary, buckets = self._packer.fold(removed, sorted(self._overlay.items()))
        for bucket, body in buckets:
            emit(*bucket_file(bucket, body))
        stale = {bucket_file(n, b"")[0] for n in range(summary.buckets, self._buckets)}
        self._written.paths -= stale
        self._discard(stale)
        self._buckets = summary.buckets
        for slot in slots:
            slot.base_digest = slot.digest
        self._overlay = {}

    def _write_overlay(
        self,
        index: SiteIndex,
        order: list[int],
        dirty_chunks: set[int],
        emit: Emit,
        *,
        facets_changed: bool,
    ) -> None:
        """Emit the metadata files of ``dirty_chunks`` and whichever small files changed."""
        slots = self._slots
        values = self._table.values(index)
        positions = values.positions()
        for chunk in sorted(dirty_chunks):
            rows = [
                meta_row(slot.facts, positions)
                for slot in slots[chunk * META_CHUNK : (chunk + 1) * META_CHUNK]
            ]
            emit(*meta_file(chunk, rows))

        packer = PostingPacker(buckets=OVERLAY_SHARDS, partitions=OVERLAY_SHARDS)
        for number in sorted(self._overlay):
            packer.add(number, self._overlay[number])
        _, shards = packer.encode()
        files = dict(shards)
        masked: list[int] = []
        gone: list[int] = []
        for number, slot in enumerate(slots):
            if slot.digest is None:
                gone.append(number)
            if slot.digest != slot.base_digest and slot.base_digest is not None:
                masked.append(number)
        delta = {"masked": masked, "gone": gone, "shards": OVERLAY_SHARDS, "order": column(order)}
        small = {
            f"{SEARCH_DIR}/d/{shard}.js": b'kbSearch.add("d/%d",%s);\n'
            % (shard, files.get(shard, b"{}"))
            for shard in range(OVERLAY_SHARDS)
        }
        small[f"{SEARCH_DIR}/delta.js"] = script("delta", delta)
        manifest = manifest_file(
            values, [slot.facts for slot in slots], buckets=self._buckets, overlay=True
        )
        small[manifest[0]] = manifest[1]
        if facets_changed:
            path, data = self._table.file(values)
            small[path] = data
        for path, data in small.items():
            if self._written.small.get(path) != data:
                emit(path, data)
                self._written.small[path] = data

    def _discard(self, paths: set[str]) -> int:
        if self.discard is None:
            return 0
        for path in sorted(paths):
            self.discard(path)
        return len(paths)


def _digests(index: SiteIndex) -> dict[str, str]:
    """By id, a checksum of what each document is made from: an entry's file, a study
    pack's values (the project keeps no checksum of pack files; packs are few)."""
    packs = {
        pack_id: hashlib.sha256(repr(pack).encode()).hexdigest()
        for pack_id, pack in index.packs.items()
    }
    return {**index.project.digests, **packs}


def _taxonomy(index: SiteIndex) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What metadata rows and facet codes refer to by position."""
    return tuple(t.id for t in index.org_types), tuple(t.id for t in index.themes)


def _facet_fields(facts: EntryFacts | None) -> tuple[Any, ...] | None:
    """What ``facets.js`` and the facet value lists hold of an entry."""
    if facts is None:
        return None
    return facts.kind, facts.org_type, facts.themes, facts.region, facts.year


def _postings(tokens: DocTokens) -> int:
    return len(tokens.pairs) + len(tokens.others)
