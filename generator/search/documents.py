"""What the search index knows about an entry: its searchable text and its facets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.index import SiteIndex
from generator.model import BestPractice, CaseStudy, Entry, StudyMaterial
from generator.render import Routes, page_url

_YEAR = re.compile(r"(?:19|20)\d\d")
_PROVINCE = re.compile(r"^\s*(.+?(?:特别行政区|自治区|省|市))")
NO_VALUE = "未注明"


@dataclass(frozen=True)
class EntryFacts:
    """The short facts of an entry: what a result row shows and what facets filter on."""

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


def listed_entries(index: SiteIndex) -> list[Entry]:
    """Every entry in listing order (kind, then title): the order entries are numbered in."""
    return [entry for kind_entries in index.by_kind.values() for entry in kind_entries]


def search_documents(index: SiteIndex, *, directory_urls: bool) -> list[SearchDoc]:
    """One document per entry, numbered in listing order (kind, then title)."""
    return [search_document(e, directory_urls=directory_urls) for e in listed_entries(index)]


def search_document(entry: Entry, *, directory_urls: bool) -> SearchDoc:
    """The searchable text and facets of one entry."""
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
