"""What the search index knows about an entry or a study pack: its searchable text and its
facets. A study pack is found like an entry; it has no organization type, themes, region
or year of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.index import Pack, SiteIndex
from generator.model import PACK_KIND, BestPractice, CaseStudy, Entry, StudyMaterial
from generator.render import Routes, page_url

_PROVINCE = re.compile(r"^\s*(.+?(?:特别行政区|自治区|省|市))")
NO_VALUE = "未注明"
"""The facet value of what an entry does not say (a practice's region, a pack's organization
type)."""

Searchable = Entry | Pack
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
    return entries + list(index.packs.values())


def document_count(index: SiteIndex) -> int:
    """How many documents the index holds (for progress counters)."""
    return len(index.project.entries) + len(index.packs)


def search_documents(index: SiteIndex, *, directory_urls: bool) -> list[SearchDoc]:
    """One document per entry and study pack, numbered as :func:`listed_documents` lists them."""
    return [search_document(e, directory_urls=directory_urls) for e in listed_documents(index)]


def search_document(entry: Searchable, *, directory_urls: bool) -> SearchDoc:
    """The searchable text and facets of one entry or study pack."""
    if isinstance(entry, Pack):
        return _pack_document(entry, directory_urls=directory_urls)
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
        body=_joined(body),
    )


def _pack_document(pack: Pack, *, directory_urls: bool) -> SearchDoc:
    """A study pack's own text: what it is for, why each entry is in it, and its questions.
    The entries it lists are documents of their own."""
    body = [pack.occasion or "", pack.length or "", pack.introduction]
    body += [item.note for item in pack.items if item.note]
    body += pack.questions
    return SearchDoc(
        url=page_url(Routes.pack(pack.id), directory_urls=directory_urls),
        title=pack.title,
        summary=pack.summary,
        kind=PACK_KIND,
        org_type=NO_VALUE,
        themes=(),
        region=NO_VALUE,
        year=None,
        headings=(),
        body=_joined(body),
    )


def _joined(parts: list[str]) -> str:
    """One line per part, its own line breaks dropped (Chinese needs no space there)."""
    return "\n".join(re.sub(r"\s*\n\s*", "", part.strip()) for part in parts if part.strip())


def _province(region: str) -> str:
    found = _PROVINCE.match(region)
    return found.group(1) if found else NO_VALUE


def _year(entry: Entry) -> int | None:
    """The year the entry's sources were published (the earliest, when they differ): the
    facet says so (发布年份). A case's period is not used: most sources leave it unstated,
    and mixing the year a case happened with the year others were published would make one
    facet mean two things."""
    years = [source.published.year for source in entry.sources if source.published]
    return min(years) if years else None
