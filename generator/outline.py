"""What sections each page has: its headings, worked out from the model.

Templates render a page's headings from its outline, and the table of contents is
built from the same outline, so headings are never read back out of HTML. A
section that exists only sometimes (related entries, cautions) is in the outline
exactly when the page shows it; the template asks the outline, not the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.model import BestPractice, CaseStudy, Entry, StudyMaterial


@dataclass(frozen=True)
class Heading:
    """One heading of a page."""

    level: int
    id: str | None
    """Anchor; ``None`` for a heading that continues a group begun on an earlier page."""
    title: str
    count: int | None = None
    """Entries under the heading, shown after it (listing pages)."""

    @property
    def in_toc(self) -> bool:
        return self.level == 2 and self.id is not None

    @property
    def toc_title(self) -> str:
        return self.title if self.count is None else f"{self.title}（{self.count}）"


Outline = list[Heading]


def page_outline(template: str, context: dict[str, Any], index: Any) -> Outline:
    """The headings of a page rendered with ``template`` and ``context``, in order.

    ``index`` is what the template reads (a :class:`~generator.reads.IndexView`), so
    what the outline looks up counts as read by the page.
    """
    build = _OUTLINES.get(template)
    return build(context, index) if build is not None else []


def _case(context: dict[str, Any], index: Any) -> Outline:
    entry: CaseStudy = context["entry"]
    return [
        Heading(2, "background", "背景与起因"),
        Heading(2, "actions", "做法与经过"),
        *(Heading(3, f"action-{i}", f"{i}. {a.title}") for i, a in enumerate(entry.actions, 1)),
        Heading(2, "results", "成效与反响"),
        Heading(2, "lessons", "经验启示"),
        *_footer(entry, index),
    ]


def _practice(context: dict[str, Any], index: Any) -> Outline:
    entry: BestPractice = context["entry"]
    return [
        Heading(2, "steps", "做法步骤"),
        *(Heading(3, f"step-{i}", f"第 {i} 步：{s.title}") for i, s in enumerate(entry.steps, 1)),
        Heading(2, "fits", "适用场景"),
        *([Heading(2, "cautions", "注意事项")] if entry.cautions else []),
        Heading(2, "examples", "实例"),
        *_footer(entry, index),
    ]


def _material(context: dict[str, Any], index: Any) -> Outline:
    entry: StudyMaterial = context["entry"]
    return [
        *(Heading(2, f"section-{i}", s.title) for i, s in enumerate(entry.sections, 1)),
        Heading(2, "key-points", "要点"),
        *_footer(entry, index),
    ]


def _footer(entry: Entry, index: Any) -> Outline:
    headings = []
    if index.cited_by.get(entry.id):
        headings.append(Heading(2, "practices", "体现的经验做法"))
    if index.related[entry.id]:
        headings.append(Heading(2, "related", "相关条目"))
    headings.append(Heading(2, "sources", "来源"))
    return headings


def _home(context: dict[str, Any], index: Any) -> Outline:
    return [
        Heading(2, "by-kind", "按条目类型"),
        Heading(2, "by-theme", "按主题"),
        Heading(2, "by-org-type", "按组织类型"),
        Heading(2, "by-both", "按主题和组织类型"),
    ]


def _groups(prefix: str) -> Callable[[dict[str, Any], Any], Outline]:
    def outline(context: dict[str, Any], index: Any) -> Outline:
        return [
            Heading(2, f"{prefix}{g.key}" if g.starts_here else None, g.label, count=g.total)
            for g in context["listing"].groups
        ]

    return outline


_OUTLINES: dict[str, Callable[[dict[str, Any], Any], Outline]] = {
    "case.html": _case,
    "practice.html": _practice,
    "material.html": _material,
    "home.html": _home,
    "theme.html": _groups("org-"),
    "org_type.html": _groups(""),
}
