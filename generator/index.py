"""Stage 3: everything that relates entries to each other, computed once before rendering."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.model import (
    ENTRY_KINDS,
    BestPractice,
    CaseStudy,
    Entry,
    Project,
    Question,
    StudyPack,
    Taxon,
)
from generator.pinyin import keep_readings, reading

RELATED_LIMIT = 5
"""How many related entries an entry page shows."""

_SHARED_THEME_WEIGHT = 3
_SAME_ORG_TYPE_WEIGHT = 2
_KIND_ORDER = {kind: i for i, kind in enumerate(ENTRY_KINDS)}


@dataclass(frozen=True)
class PackItem:
    """One entry of a study pack, by id: pages look the entry up through the index, so a
    page showing it records that it read that entry."""

    entry_id: str
    note: str | None


@dataclass(frozen=True)
class Pack:
    """A study pack as its pages use it, held in plain values the preview can compare
    (see :mod:`generator.reads`)."""

    id: str
    title: str
    summary: str
    occasion: str | None
    length: str | None
    introduction: str
    items: tuple[PackItem, ...]
    questions: tuple[str, ...]
    self_test: tuple[Question, ...] = ()

    @property
    def entry_ids(self) -> list[str]:
        return [item.entry_id for item in self.items]

    @classmethod
    def from_model(cls, pack: StudyPack) -> Pack:
        return cls(
            id=pack.id,
            title=pack.title,
            summary=pack.summary,
            occasion=pack.occasion,
            length=pack.length,
            introduction=pack.introduction,
            items=tuple(PackItem(item.entry, item.note) for item in pack.entries),
            questions=tuple(pack.questions),
            self_test=tuple(pack.self_test),
        )


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
    packs: dict[str, Pack] = field(default_factory=dict)
    """Study packs by id, in title order (pinyin)."""
    packs_of: dict[str, list[Pack]] = field(default_factory=dict)
    """For each entry id, the study packs that list it."""
    by_region: dict[str, list[Entry]] = field(default_factory=dict)
    """Cases by the province their region names (:data:`UNKNOWN_REGION` when it names none),
    most first."""

    def theme(self, theme_id: str) -> Taxon:
        return next(t for t in self.themes if t.id == theme_id)

    def org_type(self, org_type_id: str) -> Taxon:
        return next(t for t in self.org_types if t.id == org_type_id)

    def lookup(self, entry_ids: list[str]) -> list[Entry]:
        """The entries with these ids, in the given order."""
        return [self.project.entries[entry_id] for entry_id in entry_ids]


def entry_sort_key(entry: Entry) -> tuple[int, tuple[str, ...], str]:
    """Kind first, then the title in pinyin order, which is how Chinese readers scan a list."""
    return _sort_key(entry.kind, entry.title, entry.id)


@functools.lru_cache(maxsize=1 << 17)
def _sort_key(kind: str, title: str, entry_id: str) -> tuple[int, tuple[str, ...], str]:
    # Kept between a preview's updates: each sorts every entry again, few titles change.
    # Character by character: thousands of titles share a few thousand characters.
    return (_KIND_ORDER[kind], tuple(reading(char) for char in title), entry_id)


def build_index(project: Project, *, previous: SiteIndex | None = None) -> SiteIndex:
    """Group and cross-reference the validated project.

    With the ``previous`` index of the same site (a preview's last update), only the
    entries whose related entries an edit can change are ranked again (none when it
    only rewords an entry or changes its title).
    """
    entries = _sorted_entries(project, previous)
    themes = sorted(project.taxonomy.themes, key=lambda t: (t.order, t.id))
    org_types = sorted(project.taxonomy.org_types, key=lambda t: (t.order, t.id))

    by_theme: dict[str, list[Entry]] = {t.id: [] for t in themes}
    by_org_type: dict[str, list[Entry]] = {t.id: [] for t in org_types}
    by_kind: dict[str, list[Entry]] = {kind: [] for kind in ENTRY_KINDS}
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

    # Ranked in id order (the project's own), so that ties do not depend on titles and a
    # retitled entry leaves every ranking as it was.
    if previous is None:
        related = resolve_related(list(project.entries.values()))
    else:
        related = update_related(previous.related, previous.project.entries, project.entries)
    packs = {
        pack.id: Pack.from_model(pack)
        for pack in sorted(
            project.packs.values(), key=lambda p: ([reading(c) for c in p.title], p.id)
        )
    }
    keep_readings()
    packs_of: dict[str, list[Pack]] = {}
    for pack in packs.values():
        for entry_id in pack.entry_ids:
            packs_of.setdefault(entry_id, []).append(pack)
    by_region: dict[str, list[Entry]] = {}
    for entry in by_kind["case"]:
        assert isinstance(entry, CaseStudy)
        by_region.setdefault(province(entry.region), []).append(entry)
    by_region = dict(sorted(by_region.items(), key=lambda item: (-len(item[1]), item[0])))
    return SiteIndex(
        project=project,
        themes=themes,
        org_types=org_types,
        by_theme=by_theme,
        by_org_type=by_org_type,
        by_kind=by_kind,
        matrix=matrix,
        related=related,
        cited_by=cited_by,
        packs=packs,
        packs_of=packs_of,
        by_region=by_region,
    )


UNKNOWN_REGION = "未注明"
"""The region of a case whose source names no province; the explorer's filters say it of
whatever an entry does not say (generator.search.documents.NO_VALUE), so the overview can
link to it."""
_PROVINCE = re.compile(r"^\s*(.+?(?:特别行政区|自治区|省|市))")


def province(region: str) -> str:
    """The province-level part of a case's region, or :data:`UNKNOWN_REGION`."""
    found = _PROVINCE.match(region)
    return found.group(1) if found else UNKNOWN_REGION


def _sorted_entries(project: Project, previous: SiteIndex | None) -> list[Entry]:
    """Every entry in :func:`entry_sort_key` order.

    With the ``previous`` index, the entries start out in its order (each kind's list in
    turn is that order), so sorting only moves the few an edit retitled or added: a sort
    of an almost sorted list compares each entry about once.
    """
    if previous is None:
        return sorted(project.entries.values(), key=entry_sort_key)
    by_id = project.entries
    ordered = [
        by_id[entry.id]
        for listed in previous.by_kind.values()
        for entry in listed
        if entry.id in by_id
    ]
    if len(ordered) < len(by_id):
        known = {entry.id for entry in ordered}
        ordered += [entry for entry_id, entry in by_id.items() if entry_id not in known]
    ordered.sort(key=entry_sort_key)
    return ordered


def update_related(
    related: dict[str, list[Entry]], before: dict[str, Entry], after: dict[str, Entry]
) -> dict[str, list[Entry]]:
    """What :func:`resolve_related` gives for the entries ``after`` (in their order), from
    what it gave for ``before`` (``related``): a preview's edit ranks again only the entries
    whose list it can change.

    The ranking of one entry's candidates is a fixed order (score, then another kind first,
    then list order, in which an edit moves no entry past another), so an entry whose list
    holds no changed or removed entry keeps its list unless a changed or added entry now
    ranks above the last one it shows (or it shows fewer than it could). Citations count
    among what changes an entry, so a practice citing other cases is such an entry.
    """
    changed = [
        entry
        for entry_id, entry in after.items()
        if (old := before.get(entry_id)) is None
        or (old is not entry and _ranking_facts(old) != _ranking_facts(entry))
    ]
    moved = {entry.id for entry in changed} | (before.keys() - after.keys())
    redo = {entry.id for entry in changed}
    position = {entry_id: i for i, entry_id in enumerate(after)}
    newcomers = [(other, set(other.themes)) for other in changed]
    for entry_id, shown in related.items():
        entry = after.get(entry_id)
        if entry is None or entry_id in redo:
            continue
        if moved and any(other.id in moved for other in shown):
            redo.add(entry_id)
            continue
        for other, other_themes in newcomers:
            score = _SHARED_THEME_WEIGHT * len(other_themes.intersection(entry.themes))
            if entry.org_type == other.org_type:
                score += _SAME_ORG_TYPE_WEIGHT
            if not score or other.id == entry_id or _cites(entry, other) or _cites(other, entry):
                continue
            if len(shown) < RELATED_LIMIT or (
                (-score, other.kind == entry.kind, position[other.id])
                < _rank(entry, after[shown[-1].id], position)
            ):
                redo.add(entry_id)
                break
    ranked = resolve_related(list(after.values()), only=redo) if redo else {}
    return {
        entry_id: ranked[entry_id]
        if entry_id in ranked
        else [after[other.id] for other in related[entry_id]]
        for entry_id in after
    }


def _rank(entry: Entry, other: Entry, position: dict[str, int]) -> tuple[int, bool, int]:
    """Where ``other`` stands among ``entry``'s candidates: lower ranks first."""
    return (-relatedness(entry, other), other.kind == entry.kind, position[other.id])


def _cites(entry: Entry, other: Entry) -> bool:
    return isinstance(entry, BestPractice) and other.id in entry.cases


def _ranking_facts(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.kind,
        entry.org_type,
        tuple(sorted(entry.themes)),
        tuple(entry.cases) if isinstance(entry, BestPractice) else (),
    )


def relatedness(a: Entry, b: Entry) -> int:
    """Score how useful ``b`` is to a reader of ``a``; 0 means unrelated."""
    score = _SHARED_THEME_WEIGHT * len(set(a.themes) & set(b.themes))
    if a.org_type == b.org_type:
        score += _SAME_ORG_TYPE_WEIGHT
    return score


def resolve_related(
    entries: list[Entry], *, only: set[str] | None = None
) -> dict[str, list[Entry]]:
    """For each entry (or each of the ids in ``only``), the best-ranked others by
    :func:`relatedness`, at most :data:`RELATED_LIMIT`.

    Ties go to an entry of a different kind, then to list order. Entries linked by a
    citation are left out: their pages already list each other under 实例 / 体现的经验做法.

    Scoring every pair would grow with the square of the number of entries. Instead
    each theme, organization type and kind is a set of entries held as the bits of
    one integer, and an entry's candidates are read off, best score first, from a
    few set operations; only the handful of entries shown are ever visited.
    """
    by_theme: dict[str, int] = {}
    by_org: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    for i, entry in enumerate(entries):
        bit = 1 << i
        for theme in entry.themes:
            by_theme[theme] = by_theme.get(theme, 0) | bit
        by_org[entry.org_type] = by_org.get(entry.org_type, 0) | bit
        by_kind[entry.kind] = by_kind.get(entry.kind, 0) | bit
    everyone = (1 << len(entries)) - 1
    position = {entry.id: i for i, entry in enumerate(entries)}
    linked: dict[int, set[int]] = {}
    for i, entry in enumerate(entries):
        if isinstance(entry, BestPractice):
            for target in entry.cases:
                if target in position:
                    linked.setdefault(i, set()).add(position[target])
                    linked.setdefault(position[target], set()).add(i)

    # Entries with the same themes, organization type and kind rank everyone else the
    # same way; their candidates are worked out once, long enough for each to skip itself
    # and the entries it is linked with.
    profiles: dict[tuple[frozenset[str], str, str], list[int]] = {}
    for i, entry in enumerate(entries):
        if only is None or entry.id in only:
            key = (frozenset(entry.themes), entry.org_type, entry.kind)
            profiles.setdefault(key, []).append(i)
    related: dict[str, list[Entry]] = {}
    sharing: dict[frozenset[str], list[int]] = {}
    for members in profiles.values():
        first = entries[members[0]]
        skipped = max(len(linked.get(i, ())) + 1 for i in members)
        shared = list(
            itertools.islice(
                _candidates(first, by_theme, by_org, by_kind, everyone, sharing),
                RELATED_LIMIT + skipped,
            )
        )
        for i in members:
            excluded = linked.get(i, set()) | {i}
            chosen = [j for j in shared if j not in excluded][:RELATED_LIMIT]
            related[entries[i].id] = [entries[j] for j in chosen]
    return related


def _candidates(
    entry: Entry,
    by_theme: dict[str, int],
    by_org: dict[str, int],
    by_kind: dict[str, int],
    everyone: int,
    sharing: dict[frozenset[str], list[int]],
) -> Iterator[int]:
    """Every entry with a positive score for ``entry``, best first: ties go to another
    kind, then to list order."""
    for level in _score_levels(entry, by_theme, by_org, everyone, sharing):
        yield from _members(level & ~by_kind[entry.kind])
        yield from _members(level & by_kind[entry.kind])


def _score_levels(
    entry: Entry,
    by_theme: dict[str, int],
    by_org: dict[str, int],
    everyone: int,
    sharing: dict[frozenset[str], list[int]],
) -> Iterator[int]:
    """Sets of entries with equal relatedness to ``entry``, highest score first, zero left out."""
    themes = frozenset(entry.themes)
    if themes not in sharing:  # many entries have the same themes
        sharing[themes] = _sharing(themes, by_theme, everyone)
    exact = sharing[themes]
    same_org = by_org[entry.org_type]
    # Scores 3c + 2 and 3c interleave strictly downwards: 3c > 3(c - 1) + 2.
    for shared in range(len(exact) - 1, 0, -1):
        yield exact[shared] & same_org
        yield exact[shared] & ~same_org
    yield exact[0] & same_org


def _sharing(themes: frozenset[str], by_theme: dict[str, int], everyone: int) -> list[int]:
    """``exact[c]``: the entries sharing exactly ``c`` of ``themes``."""
    exact = [everyone]
    for theme in sorted(themes):
        holders = by_theme[theme]
        exact = [
            (exact[c] if c < len(exact) else 0) & ~holders
            | (exact[c - 1] & holders if c > 0 else 0)
            for c in range(len(exact) + 1)
        ]
    return exact


def _members(bits: int) -> Iterator[int]:
    """Positions of the set bits, lowest first."""
    while bits:
        lowest = bits & -bits
        yield lowest.bit_length() - 1
        bits ^= lowest
