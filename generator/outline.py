"""What sections each page has: its headings, worked out from the model.

Templates render a page's headings from its outline, and the table of contents is
built from the same outline, so headings are never read back out of HTML. A
section that exists only sometimes (related entries, cautions) is in the outline
exactly when the page shows it; the template asks the outline, not the data.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from generator.fields import marker
from generator.model import KINDS, Entry, Refers, Shown, Source
from generator.page_context import PageContext
from generator.reads import IndexView


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


Outliner = Callable[[PageContext, IndexView], Outline]
"""Works out a page's headings, in order, from what its template is given and the index as
the template sees it (so what the outline looks up counts as read by the page). A page
carries the outliner that goes with its template (see :func:`generator.render.plan_pages`)."""


def no_headings(context: PageContext, index: IndexView) -> Outline:
    """The outline of a page without headings of its own (indexes, the matrix, the explorer)."""
    return []


def entry_body(entry: Entry) -> Outline:
    """The headings of an entry's own text, without what the site adds around it: each
    part its kind's page shows (:attr:`~generator.model.Kind.page`), under the heading its
    field declares (:class:`~generator.model.Shown`), with a heading for each item of a
    list that declares one."""
    headings: Outline = []
    for shown, value in page_parts(entry):
        if shown.heading is not None:
            headings.append(Heading(2, shown.anchor, shown.heading))
        if shown.item is not None:
            level = 3 if shown.heading is not None else 2
            headings += [
                Heading(level, f"{shown.item_anchor}-{n}", shown.item.format(n=n, **dict(item)))
                for n, item in enumerate(value, 1)
            ]
    return headings


def page_parts(entry: Entry) -> list[tuple[Shown, Any]]:
    """The parts of an entry's page in order, each with how it is shown and its value: for
    templates that show an entry of any kind (see ``generic_body`` in _entry_body.html)."""
    kind = KINDS[entry.kind]
    parts: list[tuple[Shown, Any]] = []
    for name in kind.page:
        shown = marker(kind.model.model_fields[name], Shown)
        assert shown is not None, f"{kind.name}.{name} is on the page without a heading"
        value = getattr(entry, name)
        if value or not shown.only_when_filled:
            parts.append((shown, value))
    return parts


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
    """What stands under the heading ``anchor`` of an entry's text, read off the part of
    its page the heading belongs to: its text, its list, or an item of its list."""
    for shown, value in page_parts(entry):
        if shown.item is not None and anchor.startswith(f"{shown.item_anchor}-"):
            item = value[int(anchor.rpartition("-")[2]) - 1]
            return _value_blocks(item, skip={"title"}, examples=examples, numbered=False)
        if shown.heading is not None and anchor == shown.anchor and shown.item is None:
            if marker_of(entry, shown) is not None:  # ids of other entries: their titles
                return (Block("points", items=tuple(examples)),)
            return _value_blocks(value, skip=set(), examples=examples, numbered=shown.numbered)
    return ()


def marker_of(entry: Entry, shown: Shown) -> Refers | None:
    """Whether the part ``shown`` of ``entry``'s page names other entries."""
    kind = KINDS[entry.kind]
    for name in kind.page:
        info = kind.model.model_fields[name]
        if marker(info, Shown) is shown:
            return marker(info, Refers)
    return None


def _value_blocks(
    value: Any, *, skip: set[str], examples: list[str], numbered: bool
) -> tuple[Block, ...]:
    """A value as blocks by its shape: text, a list of texts, a list of label and value
    pairs (a table), or a part of several fields, field by field."""
    if isinstance(value, str):
        return (Block("text", value),)
    if isinstance(value, BaseModel):
        blocks: list[Block] = []
        for name in type(value).model_fields:
            if name not in skip and getattr(value, name):
                blocks += _value_blocks(
                    getattr(value, name), skip=set(), examples=examples, numbered=False
                )
        return tuple(blocks)
    items = list(value)
    if items and isinstance(items[0], BaseModel):
        return (Block("figures", rows=tuple(tuple(map(str, dict(i).values())) for i in items)),)  # type: ignore[misc]
    return (Block("numbered" if numbered else "points", items=tuple(map(str, items))),)


def entry_outline(context: PageContext, index: IndexView) -> Outline:
    """An entry's page: its own text, then its sources and what the site adds around it."""
    entry = context.entry
    assert entry is not None, "an entry's page is given its entry"
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


def pack_outline(context: PageContext, index: IndexView) -> Outline:
    pack = context.pack
    assert pack is not None, "a pack's page is given its pack"
    return [
        Heading(2, "introduction", "导语"),
        Heading(2, "entries", "选编条目"),
        Heading(2, "questions", "讨论题"),
        *([Heading(2, "self-test", "自测题")] if pack.self_test else []),
    ]


def pack_quiz_outline(context: PageContext, index: IndexView) -> Outline:
    return [Heading(2, "questions", "题目"), Heading(2, "answers", "答案与解析")]


def pack_print_outline(context: PageContext, index: IndexView) -> Outline:
    """A pack's print version: each entry compiled in, its headings one level down."""
    pack = context.pack
    assert pack is not None, "a pack's print version is given its pack"
    headings = [Heading(2, "contents", "目录"), Heading(2, "introduction", "导语")]
    for number, entry in enumerate(index.lookup(pack.entry_ids), 1):
        headings.append(Heading(2, f"e{number}", entry.title))
        headings += [h for h in compiled_entry(entry, number).values() if h.level <= 3]
    headings.append(Heading(2, "questions", "讨论题"))
    return headings


def overview_outline(context: PageContext, index: IndexView) -> Outline:
    return [
        Heading(2, "kinds", "条目类型"),
        Heading(2, "org-types", "组织类型"),
        Heading(2, "themes", "主题"),
        Heading(2, "regions", "案例所在地区"),
    ]


def pack_plan_outline(context: PageContext, index: IndexView) -> Outline:
    return [
        Heading(2, "plan-details", "会议信息"),
        Heading(2, "plan-agenda", "议程与时间"),
        Heading(2, "agenda", "学习会议程"),
        Heading(2, "sign-in", "签到表"),
        Heading(2, "meeting-record", "会议记录"),
    ]


def study_record_outline(context: PageContext, index: IndexView) -> Outline:
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


def home_outline(context: PageContext, index: IndexView) -> Outline:
    return [
        Heading(2, "by-kind", "按条目类型"),
        Heading(2, "packs", "学习专题"),
        Heading(2, "by-theme", "按主题"),
        Heading(2, "by-org-type", "按组织类型"),
        Heading(2, "by-both", "按主题和组织类型"),
    ]


@dataclass(frozen=True)
class GroupsOutline:
    """A listing page's outline: a heading for each group of entries on it, counted, and
    anchored ``prefix`` + the group's key where the group begins."""

    prefix: str

    def __call__(self, context: PageContext, index: IndexView) -> Outline:
        listing = context.listing
        assert listing is not None, "a listing's page is given its listing"
        return [
            Heading(2, f"{self.prefix}{g.key}" if g.starts_here else None, g.label, count=g.total)
            for g in listing.groups
        ]


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


def chinese_date(day: datetime.date) -> str:
    """A date as Chinese text puts it: 2022年7月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def citation(source: Source) -> list[tuple[str, str]]:
    """A source as pages, print copies and Word documents cite it (author：《title》，publisher，
    date。说明：note), in pieces, each with what it is (``text``, ``title``, ``date`` or
    ``note``) so that a page can mark the title and the date up."""
    pieces = [("text", f"{source.author}：")] if source.author else []
    pieces.append(("title", f"《{source.title}》"))
    if source.publisher:
        pieces.append(("text", f"，{source.publisher}"))
    if source.published:
        pieces += [("text", "，"), ("date", chinese_date(source.published))]
    pieces.append(("text", "。"))
    if source.note:
        pieces.append(("note", f"说明：{source.note}"))
    return pieces
