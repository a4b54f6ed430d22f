"""Which pages an edit touches: a fingerprint of everything each page is rendered from.

The preview re-renders a page only when its fingerprint changes. A fingerprint
covers the page's own context (its entry, or the entries of its listing page),
what its template reads from the site index (related entries, citations,
counts), and the taxonomy, whose names appear on every page. Each entry
contributes a digest of its whole content, so any change to an entry reaches
every page that shows it, even in a list.
"""

from __future__ import annotations

import hashlib
from typing import Any

from generator.index import SiteIndex
from generator.model import BestPractice, Entry, Taxon
from generator.render import Listing, Page

_COUNTING_TEMPLATES = {
    "home.html",
    "theme_index.html",
    "org_type_index.html",
    "matrix.html",
    "org_type.html",
}
"""Templates that show how many entries each theme, type or kind has."""


def entry_digests(index: SiteIndex) -> dict[str, str]:
    """A digest of each entry's full content, by id."""
    return {
        entry_id: hashlib.sha1(entry.model_dump_json().encode()).hexdigest()
        for entry_id, entry in index.project.entries.items()
    }


def page_fingerprints(
    pages: list[Page], index: SiteIndex, digests: dict[str, str]
) -> dict[str, str]:
    """A fingerprint per page source URI; equal fingerprints mean equal pages."""
    taxonomy = index.project.taxonomy.model_dump_json()
    counts = repr(
        (
            len(index.project.entries),
            sorted((k, len(v)) for k, v in index.by_kind.items()),
            sorted((k, len(v)) for k, v in index.by_theme.items()),
            sorted((k, len(v)) for k, v in index.by_org_type.items()),
            sorted((k, len(v)) for k, v in index.matrix.items()),
        )
    )
    prints = {}
    for page in pages:
        inputs: list[Any] = [
            page.src_uri,
            page.title,
            page.template,
            page.hide,
            taxonomy,
            _describe(page.context, digests),
        ]
        if page.template in _COUNTING_TEMPLATES:
            inputs.append(counts)
        entry = page.context.get("entry")
        if isinstance(entry, Entry):
            inputs.append([digests[e.id] for e in index.related[entry.id]])
            inputs.append([digests[p.id] for p in index.cited_by.get(entry.id, [])])
            if isinstance(entry, BestPractice):
                inputs.append([digests[i] for i in entry.cases])
        prints[page.src_uri] = hashlib.sha1(repr(inputs).encode()).hexdigest()
    return prints


def _describe(value: Any, digests: dict[str, str]) -> Any:
    """A plain, comparable stand-in for a template context value."""
    if isinstance(value, Entry):
        return ("entry", digests[value.id])
    if isinstance(value, Taxon):
        return ("taxon", value.id)
    if isinstance(value, Listing):
        return (
            "listing",
            value.number,
            tuple(value.pages),
            value.total,
            tuple(
                (g.key, g.label, g.total, g.starts_here, tuple(digests[e.id] for e in g.entries))
                for g in value.groups
            ),
        )
    if isinstance(value, dict):
        return tuple(sorted((repr(k), _describe(v, digests)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_describe(v, digests) for v in value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise TypeError(f"no fingerprint for template context value {type(value).__name__}")
