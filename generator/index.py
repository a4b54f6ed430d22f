"""Stage 3: everything that relates entries to each other, computed once before rendering."""

from __future__ import annotations

from dataclasses import dataclass

from pypinyin import lazy_pinyin

from generator.model import ENTRY_MODELS, BestPractice, Entry, Taxon
from generator.validate import Project

RELATED_LIMIT = 5
"""How many related entries an entry page shows."""

_SHARED_THEME_WEIGHT = 3
_SAME_ORG_TYPE_WEIGHT = 2
_KIND_ORDER = {kind: i for i, kind in enumerate(ENTRY_MODELS)}


@dataclass(frozen=True)
class SiteIndex:
    """The project plus every grouping and cross-reference the pages need."""

    project: Project
    themes: list[Taxon]
    """Themes in their declared order."""
    org_types: list[Taxon]
    """Organization types in their declared order."""
    by_theme: dict[str, list[Entry]]
    by_org_type: dict[str, list[Entry]]
    by_kind: dict[str, list[Entry]]
    matrix: dict[tuple[str, str], list[Entry]]
    """Entries for each (theme id, organization type id) pair that has any."""
    related: dict[str, list[Entry]]
    """Best-ranked other entries for each entry id."""
    cited_by: dict[str, list[BestPractice]]
    """For each case or material id, the practices that cite it."""

    def theme(self, theme_id: str) -> Taxon:
        return next(t for t in self.themes if t.id == theme_id)

    def org_type(self, org_type_id: str) -> Taxon:
        return next(t for t in self.org_types if t.id == org_type_id)

    def lookup(self, entry_ids: list[str]) -> list[Entry]:
        """The entries with these ids, in the given order."""
        return [self.project.entries[entry_id] for entry_id in entry_ids]


def entry_sort_key(entry: Entry) -> tuple[int, list[str], str]:
    """Kind first, then the title in pinyin order, which is how Chinese readers scan a list."""
    return (_KIND_ORDER[entry.kind], lazy_pinyin(entry.title), entry.id)


def build_index(project: Project) -> SiteIndex:
    """Group and cross-reference the validated project."""
    entries = sorted(project.entries.values(), key=entry_sort_key)
    themes = sorted(project.taxonomy.themes, key=lambda t: (t.order, t.id))
    org_types = sorted(project.taxonomy.org_types, key=lambda t: (t.order, t.id))

    by_theme: dict[str, list[Entry]] = {t.id: [] for t in themes}
    by_org_type: dict[str, list[Entry]] = {t.id: [] for t in org_types}
    by_kind: dict[str, list[Entry]] = {kind: [] for kind in ENTRY_MODELS}
    matrix: dict[tuple[str, str], list[Entry]] = {}
    cited_by: dict[str, list[BestPractice]] = {}
    for entry in entries:
        by_org_type[entry.org_type].append(entry)
        by_kind[entry.kind].append(entry)
        for theme_id in entry.themes:
            by_theme[theme_id].append(entry)
            matrix.setdefault((theme_id, entry.org_type), []).append(entry)
        if isinstance(entry, BestPractice):
            for target in entry.cases:
                cited_by.setdefault(target, []).append(entry)

    return SiteIndex(
        project=project,
        themes=themes,
        org_types=org_types,
        by_theme=by_theme,
        by_org_type=by_org_type,
        by_kind=by_kind,
        matrix=matrix,
        related={e.id: resolve_related(e, entries) for e in entries},
        cited_by=cited_by,
    )


def relatedness(a: Entry, b: Entry) -> int:
    """Score how useful ``b`` is to a reader of ``a``; 0 means unrelated."""
    score = _SHARED_THEME_WEIGHT * len(set(a.themes) & set(b.themes))
    if a.org_type == b.org_type:
        score += _SAME_ORG_TYPE_WEIGHT
    return score


def resolve_related(entry: Entry, entries: list[Entry]) -> list[Entry]:
    """The best-ranked other entries; ties go to a different kind, then to list order.

    Entries linked by a citation are left out: their pages already list each
    other under 实例 / 体现的经验做法.
    """
    scored = [
        (relatedness(entry, other), other.kind != entry.kind, i, other)
        for i, other in enumerate(entries)
        if other.id != entry.id and not _cites(entry, other) and not _cites(other, entry)
    ]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], not s[1], s[2]))
    return [other for *_, other in ranked[:RELATED_LIMIT]]


def _cites(a: Entry, b: Entry) -> bool:
    return isinstance(a, BestPractice) and b.id in a.cases
