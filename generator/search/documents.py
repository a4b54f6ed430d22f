"""What the search index knows about an entry or a study pack: its searchable text and its
facets. A study pack is found like an entry; it has no organization type, themes, region
or year of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from generator.fields import marker, nested_model
from generator.index import UNKNOWN_REGION, SiteIndex, province
from generator.model import Entry, Facet, Search, StudyPack
from generator.render import Routes, page_url

NO_VALUE = UNKNOWN_REGION
"""The facet value of what an entry does not say (a practice's region, a pack's organization
type)."""

Searchable = Entry | StudyPack
"""What the index holds a document of: an entry, or a study pack."""


@dataclass(frozen=True)
class EntryFacts:
    """The short facts of an entry: what a result row shows and what facets filter on."""

    url: str
    """Site-relative URL of the entry page."""
    title: str
    summary: str
    kind: str
    """An entry's kind, or ``pack``."""
    org_type: str
    """Organization type id, or :data:`NO_VALUE` (a study pack)."""
    themes: tuple[str, ...]
    """Theme ids; none for a study pack."""
    region: str
    """Province-level region, or :data:`NO_VALUE`."""
    year: int | None


@dataclass(frozen=True)
class SearchDoc(EntryFacts):
    """Everything the index knows about one entry: its facts and all of its text."""

    headings: tuple[str, ...]
    body: str
    """All other text, paragraph by paragraph, as the snippet source."""

    def facts(self) -> EntryFacts:
        """The facts alone, without the text (small enough to keep for every entry)."""
        return EntryFacts(
            self.url,
            self.title,
            self.summary,
            self.kind,
            self.org_type,
            self.themes,
            self.region,
            self.year,
        )


def listed_documents(index: SiteIndex) -> list[Searchable]:
    """Every entry in listing order (kind, then title), then the study packs in title order:
    the order documents are numbered in."""
    entries: list[Searchable] = [e for kind_entries in index.by_kind.values() for e in kind_entries]
    return entries + [index.project.packs[pack_id] for pack_id in index.packs]


def document_count(index: SiteIndex) -> int:
    """How many documents the index holds (for progress counters)."""
    return len(index.project.entries) + len(index.packs)


def search_documents(index: SiteIndex, *, directory_urls: bool) -> list[SearchDoc]:
    """One document per entry and study pack, numbered as :func:`listed_documents` lists them."""
    return [search_document(e, directory_urls=directory_urls) for e in listed_documents(index)]


def search_document(entry: Searchable, *, directory_urls: bool) -> SearchDoc:
    """The searchable text and facets of one entry or study pack: the text of every field
    the model marks :class:`~generator.model.Search`, and the facets its fields declare."""
    title, summary, headings, body = _searched(entry)
    if isinstance(entry, StudyPack):
        url = page_url(Routes.pack(entry.id), directory_urls=directory_urls)
    else:
        url = page_url(Routes.entry(entry), directory_urls=directory_urls)
    region = _facet(entry, Facet.REGION)
    return SearchDoc(
        url=url,
        title=title,
        summary=summary,
        kind=entry.kind,
        org_type=getattr(entry, "org_type", NO_VALUE),
        themes=tuple(getattr(entry, "themes", ())),
        region=province(region) if region is not None else NO_VALUE,
        year=_year(entry),
        headings=tuple(headings),
        body=_joined(body),
    )


def _searched(content: BaseModel) -> tuple[str, str, list[str], list[str]]:
    """The title, summary, headings and body lines of ``content``, in field order."""
    found: dict[Search, list[str]] = {role: [] for role in Search}
    for name, info in type(content).model_fields.items():
        value = getattr(content, name)
        nested = nested_model(info.annotation)
        if nested is not None:
            for item in value if isinstance(value, list) else [value]:
                if item is not None:
                    _searched_item(item, found)
            continue
        role = marker(info, Search)
        if role is not None:
            found[role] += [v for v in (value if isinstance(value, list) else [value]) if v]
    return (
        "".join(found[Search.TITLE]),
        "".join(found[Search.SUMMARY]),
        found[Search.HEADING],
        found[Search.BODY],
    )


def _searched_item(item: BaseModel, found: dict[Search, list[str]]) -> None:
    """One item of a nested field: its headings, its one-line texts on one line (a figure
    reads "指标：数值"), then its lists, a line each."""
    line: list[str] = []
    lists: list[str] = []
    inner: list[BaseModel] = []
    for name, info in type(item).model_fields.items():
        value = getattr(item, name)
        role = marker(info, Search)
        if nested_model(info.annotation) is not None:
            inner += value if isinstance(value, list) else [value] if value else []
            continue
        if role is None or not value:
            continue
        if role is not Search.BODY:
            found[role].append(value)
        elif isinstance(value, list):
            lists += value
        else:
            line.append(value)
    if line:
        found[Search.BODY].append("：".join(line))
    found[Search.BODY] += lists
    for nested in inner:
        _searched_item(nested, found)


def _facet(content: BaseModel, facet: Facet) -> str | None:
    """The text of the field of ``content`` that the facet is worked out from, if any."""
    for name, info in type(content).model_fields.items():
        if marker(info, facet) is not None:
            return str(getattr(content, name))
    return None


def _joined(parts: list[str]) -> str:
    """One line per part, its own line breaks dropped (Chinese needs no space there)."""
    return "\n".join(re.sub(r"\s*\n\s*", "", part.strip()) for part in parts if part.strip())


def _year(content: BaseModel) -> int | None:
    """The year the entry's sources were published (the earliest, when they differ): the
    facet says so (发布年份). A case's period is not used: most sources leave it unstated,
    and mixing the year a case happened with the year others were published would make one
    facet mean two things. None for a study pack."""
    years = [s.published.year for s in getattr(content, "sources", ()) if s.published]
    return min(years) if years else None
