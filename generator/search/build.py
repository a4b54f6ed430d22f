"""A full search index: every entry tokenised (in parallel where it pays) and every file written.

Entries stream through: each one's text file and metadata row are handed to
``emit`` as soon as it is tokenised, and its tokens go into the
:class:`~generator.search.postings.PostingPacker`, which keeps them in bounded
memory. Only the short facts of each entry (for the facet table) stay until
the end.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from generator.index import SiteIndex
from generator.search.documents import EntryFacts, Searchable, listed_documents, search_document
from generator.search.files import (
    META_CHUNK,
    Emit,
    FacetValues,
    bucket_file,
    facets_file,
    fold_file,
    manifest_file,
    meta_file,
    meta_row,
    text_file,
    text_path,
)
from generator.search.postings import PostingPacker
from generator.search.tokens import DocTokens, document_tokens
from generator.segment import Segmenter, standard_segmenter
from generator.workers import iter_in_workers


@dataclass(frozen=True)
class SearchIndexStats:
    """What went into the index."""

    docs: int
    tokens: int
    postings: int
    buckets: int


@dataclass(frozen=True)
class AnalysedEntry:
    """One entry made ready for the index, by a worker or in process."""

    number: int
    tokens: DocTokens
    facts: EntryFacts
    text: bytes
    """The entry's text file (``t/<number>.js``)."""


def analyse_entry(
    item: tuple[int, int],
    *,
    entries: Sequence[Searchable],
    directory_urls: bool,
    segmenter: Segmenter,
) -> AnalysedEntry:
    """Tokens, facts and text file of ``entries[position]`` under entry ``number``.

    ``item`` is ``(number, position)``: workers are forked with ``entries`` and the
    segmenter in hand, so only two integers travel to them.
    """
    number, position = item
    doc = search_document(entries[position], directory_urls=directory_urls)
    return AnalysedEntry(
        number=number,
        tokens=document_tokens(doc, segmenter),
        facts=doc.facts(),
        text=text_file(number, doc.body)[1],
    )


def analyse_entries(
    entries: Sequence[Searchable],
    items: Sequence[tuple[int, int]],
    *,
    directory_urls: bool,
    segmenter: Segmenter,
    workers: int,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[AnalysedEntry]:
    """:func:`analyse_entry` for each ``(number, position)`` item, in order."""
    work = functools.partial(
        analyse_entry,
        entries=entries,
        directory_urls=directory_urls,
        segmenter=segmenter,
    )
    return iter_in_workers(work, items, workers=workers, on_progress=on_progress)


def build_search_index(
    index: SiteIndex,
    *,
    directory_urls: bool,
    emit: Emit,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
    segmenter: Segmenter | None = None,
) -> SearchIndexStats:
    """Tokenise every entry and hand every index file to ``emit``.

    ``segmenter`` carries the project's terms (without one, the standard
    dictionary alone is used). A preview keeps a
    :class:`~generator.search.live.LiveSearchIndex` instead, which writes only
    what an edit changed.
    """
    stats, _ = write_full_index(
        index,
        directory_urls=directory_urls,
        emit=emit,
        segmenter=segmenter or standard_segmenter(),
        workers=workers,
        on_progress=on_progress,
    )
    return stats


def write_full_index(
    index: SiteIndex,
    *,
    directory_urls: bool,
    emit: Emit,
    segmenter: Segmenter,
    workers: int,
    on_progress: Callable[[int], None] | None = None,
    packer: PostingPacker | None = None,
) -> tuple[SearchIndexStats, list[EntryFacts]]:
    """:func:`build_search_index`, also giving the facts of every entry by number.

    ``packer`` is the one to fill (the preview's keeps its postings for later).
    """
    entries = listed_documents(index)
    packer = packer or PostingPacker()
    facts: list[EntryFacts] = []
    positions = FacetValues.of(index, []).positions()
    rows: list[Any] = []
    analysed = analyse_entries(
        entries,
        [(number, number) for number in range(len(entries))],
        directory_urls=directory_urls,
        segmenter=segmenter,
        workers=workers,
        on_progress=on_progress,
    )
    for entry in analysed:
        packer.add(entry.number, entry.tokens)
        emit(text_path(entry.number), entry.text)
        facts.append(entry.facts)
        rows.append(meta_row(entry.facts, positions))
        if len(rows) == META_CHUNK:
            emit(*meta_file(entry.number // META_CHUNK, rows))
            rows = []
    if rows:
        emit(*meta_file((len(facts) - 1) // META_CHUNK, rows))
    summary, buckets = packer.encode()
    values = FacetValues.of(index, facts)
    emit(*manifest_file(values, facts, buckets=summary.buckets))
    emit(*fold_file())
    emit(*facets_file(values, facts))
    for bucket, body in buckets:
        emit(*bucket_file(bucket, body))
    stats = SearchIndexStats(len(facts), summary.tokens, summary.postings, summary.buckets)
    return stats, facts
