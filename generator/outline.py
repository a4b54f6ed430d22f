"""What sections each page has: its headings, worked out from the model.

Templates render a page's headings from its outline, and the table of contents is
built from the same outline, so headings are never read back out of HTML. A
section that exists only sometimes (related entries, cautions) is in the outline
exactly when the page shows it; the template asks the outline, not the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.model import Entry


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


def entry_body(entry: Entry) -> Outline:
    """The headings of an entry's own text, without what the site adds around it.

    Told apart by ``kind``: the entry may be the index view's stand-in for it."""
    if entry.kind == "case":
        return [
            Heading(2, "background", "背景与起因"),
            Heading(2, "actions", "做法与经过"),
            *(Heading(3, f"action-{i}", f"{i}. {a.title}") for i, a in enumerate(entry.actions, 1)),
            Heading(2, "results", "成效与反响"),
            Heading(2, "lessons", "经验启示"),
        ]
    if entry.kind == "practice":
        return [
            Heading(2, "steps", "做法步骤"),
            *(
                Heading(3, f"step-{i}", f"第 {i} 步：{s.title}")
                for i, s in enumerate(entry.steps, 1)
            ),
            Heading(2, "fits", "适用场景"),
            *([Heading(2, "cautions", "注意事项")] if entry.cautions else []),
            Heading(2, "examples", "实例"),
        ]
    return [
        *(Heading(2, f"section-{i}", s.title) for i, s in enumerate(entry.sections, 1)),
        Heading(2, "key-points", "要点"),
    ]


@dataclass(frozen=True)
class Block:
    """A piece of an entry's text under one of its headings."""

    kind: str
    """``text`` (paragraphs split at blank lines), ``points`` (a list), ``numbered`` (a
    numbered list) or ``figures`` (a table of label and value)."""
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Part:
    """One heading of an entry's text and what stands under it, up to the next heading."""

    heading: Heading
    blocks: tuple[Block, ...]


def entry_parts(entry: Entry, examples: list[str]) -> list[Part]:
    """The entry's own text heading by heading: :func:`entry_body`'s headings, in its
    order, each with its blocks, as the entry's page shows them. ``examples`` are the
    titles of the entries a practice cites (which only the index knows)."""
    return [Part(h, _blocks(entry, h.id or "", examples)) for h in entry_body(entry)]


def _blocks(entry: Entry, anchor: str, examples: list[str]) -> tuple[Block, ...]:
    name, _, number = anchor.rpartition("-") if anchor[-1:].isdigit() else (anchor, "", "")
    if entry.kind == "case":
        if name == "action":
            return (Block("text", entry.actions[int(number) - 1].text),)
        figures = tuple((f.label, f.value) for f in entry.results.figures)
        return {
            "background": (Block("text", entry.background),),
            "results": (Block("text", entry.results.summary), Block("figures", rows=figures)),
            "lessons": (Block("numbered", items=tuple(entry.lessons)),),
        }.get(name, ())
    if entry.kind == "practice":
        if name == "step":
            return (Block("text", entry.steps[int(number) - 1].text),)
        return {
            "fits": (Block("text", entry.fits),),
            "cautions": (Block("points", items=tuple(entry.cautions)),),
            "examples": (Block("points", items=tuple(examples)),),
        }.get(name, ())
    if name == "section":
        section = entry.sections[int(number) - 1]
        return (Block("text", section.text), Block("points", items=tuple(section.points)))
    return (Block("numbered", items=tuple(entry.key_points)),) if name == "key-points" else ()


def _entry(context: dict[str, Any], index: Any) -> Outline:
    entry: Entry = context["entry"]
    return [*entry_body(entry), *_footer(entry, index)]


def compiled_entry(entry: Entry, number: int) -> dict[str, Heading]:
    """An entry's headings inside a compiled document, by their anchor on the entry's page:
    one level down (the entry's title is the level-2 heading) and prefixed with the entry's
    place, so that the anchors of several entries never collide."""
    prefix = f"e{number}-"
    headings = [*entry_body(entry), Heading(2, "sources", "来源")]
    return {
        h.id: Heading(h.level + 1, prefix + h.id, h.title) for h in headings if h.id is not None
    }


def _pack(context: dict[str, Any], index: Any) -> Outline:
    return [
        Heading(2, "introduction", "导语"),
        Heading(2, "entries", "选编条目"),
        Heading(2, "questions", "讨论题"),
        *([Heading(2, "self-test", "自测题")] if context["pack"].self_test else []),
    ]


def _pack_quiz(context: dict[str, Any], index: Any) -> Outline:
    return [Heading(2, "questions", "题目"), Heading(2, "answers", "答案与解析")]


def _pack_print(context: dict[str, Any], index: Any) -> Outline:
    pack = context["pack"]
    headings = [Heading(2, "contents", "目录"), Heading(2, "introduction", "导语")]
    for number, entry in enumerate(index.lookup(pack.entry_ids), 1):
        headings.append(Heading(2, f"e{number}", entry.title))
        headings += [h for h in compiled_entry(entry, number).values() if h.level <= 3]
    headings.append(Heading(2, "questions", "讨论题"))
    return headings


def _overview(context: dict[str, Any], index: Any) -> Outline:
    return [
        Heading(2, "kinds", "条目类型"),
        Heading(2, "org-types", "组织类型"),
        Heading(2, "themes", "主题"),
        Heading(2, "regions", "案例所在地区"),
    ]


def _pack_plan(context: dict[str, Any], index: Any) -> Outline:
    return [
        Heading(2, "plan-details", "会议信息"),
        Heading(2, "plan-agenda", "议程与时间"),
        Heading(2, "agenda", "学习会议程"),
        Heading(2, "sign-in", "签到表"),
        Heading(2, "meeting-record", "会议记录"),
    ]


def _study_record(context: dict[str, Any], index: Any) -> Outline:
    return [
        Heading(2, "record-add", "添加一条记录"),
        Heading(2, "record-totals", "按年合计"),
        Heading(2, "record-list", "全部记录"),
    ]


def _footer(entry: Entry, index: Any) -> Outline:
    headings = [Heading(2, "sources", "来源")]
    if index.packs_of.get(entry.id):
        headings.append(Heading(2, "packs", "收入的学习专题"))
    if index.cited_by.get(entry.id):
        headings.append(Heading(2, "practices", "体现的经验做法"))
    if index.related[entry.id]:
        headings.append(Heading(2, "related", "相关条目"))
    return headings


def _home(context: dict[str, Any], index: Any) -> Outline:
    return [
        Heading(2, "by-kind", "按条目类型"),
        Heading(2, "packs", "学习专题"),
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
    "case.html": _entry,
    "practice.html": _entry,
    "material.html": _entry,
    "pack.html": _pack,
    "pack_print.html": _pack_print,
    "pack_plan.html": _pack_plan,
    "pack_quiz.html": _pack_quiz,
    "overview.html": _overview,
    "study_record.html": _study_record,
    "home.html": _home,
    "theme.html": _groups("org-"),
    "org_type.html": _groups(""),
}


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines; join wrapped lines inside one."""
    result = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            result.append(_join_wrapped(lines))
    return result


def _join_wrapped(lines: list[str]) -> str:
    # Chinese text wraps without spaces; only Latin words need a space between lines.
    joined = lines[0]
    for line in lines[1:]:
        if joined[-1].isascii() and line[0].isascii():
            joined += " "
        joined += line
    return joined
