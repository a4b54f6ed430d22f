"""What a page's template is given besides the site index: its entry, its study pack, or
one page of a listing with what the listing is of.

A :class:`PageContext` holds each of these under the name its templates use, so code reads
``page.context.entry`` and a misspelt name is a type error; the templates get the values
given, by those names (:meth:`PageContext.variables`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from generator.index import Pack
from generator.model import Entry, Taxon
from generator.routes import Routes

LISTING_PAGE_SIZE = 100
"""Entries per listing page: long lists are split so pages stay quick to load and print."""

Cells = dict[tuple[str, str], str]
"""Where each matrix cell's entries begin, by (theme id, organization type id): the source
URI of the theme page with its organization type's heading."""


@dataclass(frozen=True)
class Group:
    """Entries under one heading of a listing page."""

    key: str
    """Taxon id or kind, for the heading's anchor."""
    label: str
    entries: list[Entry]
    total: int
    """Entries of the group in the whole listing, across pages."""
    starts_here: bool
    """False when the group began on an earlier page and continues on this one."""


@dataclass(frozen=True)
class Listing:
    """One page of a list of entries, split into groups, with links to its sibling pages."""

    groups: list[Group]
    number: int
    pages: list[str]
    """Source URI of every page of the listing, first to last."""
    total: int


@dataclass(frozen=True)
class PageContext:
    """What one page's template is given; a field left ``None`` is not given at all."""

    entry: Entry | None = None
    """The entry an entry's page shows (the only thing such a page is given)."""
    pack: Pack | None = None
    """The study pack a pack's page, print version, quiz or session plan shows."""
    listing: Listing | None = None
    """The page of a listing this page is."""
    kind: str | None = None
    """The kind of entry a kind's listing lists."""
    theme: Taxon | None = None
    """The theme a theme's listing lists."""
    org_type: Taxon | None = None
    """The organization type an organization type's listing lists."""
    cells: Cells | None = None
    """Where the matrix's cells link to (the matrix, organization types' listings)."""

    def variables(self) -> dict[str, Any]:
        """The template's variables: each value given, under its field's name."""
        return {name: value for name in FIELDS if (value := getattr(self, name)) is not None}


FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PageContext))
"""The names of :class:`PageContext`'s fields, in order."""


def paginate(first: str, groups: list[tuple[str, str, list[Entry]]]) -> list[tuple[str, Listing]]:
    """Split grouped entries into pages of :data:`LISTING_PAGE_SIZE`, keeping group order."""
    flat = [(key, label, entry) for key, label, entries in groups for entry in entries]
    totals = {key: len(entries) for key, _, entries in groups}
    count = max(1, -(-len(flat) // LISTING_PAGE_SIZE))
    uris = [Routes.listing_page(first, n) for n in range(1, count + 1)]
    pages = []
    seen: set[str] = set()
    for number in range(1, count + 1):
        chunk = flat[(number - 1) * LISTING_PAGE_SIZE : number * LISTING_PAGE_SIZE]
        page_groups: list[Group] = []
        for key, label, entry in chunk:
            if not page_groups or page_groups[-1].key != key:
                page_groups.append(Group(key, label, [], totals[key], key not in seen))
                seen.add(key)
            page_groups[-1].entries.append(entry)
        pages.append((uris[number - 1], Listing(page_groups, number, uris, len(flat))))
    return pages


def group_starts(pages: list[tuple[str, Listing]]) -> dict[str, str]:
    """For each group key, the source URI of the page where the group begins."""
    return {
        group.key: src_uri
        for src_uri, listing in pages
        for group in listing.groups
        if group.starts_here
    }
