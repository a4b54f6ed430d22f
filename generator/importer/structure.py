"""Import stage 3: the document's heading hierarchy, and where each part goes in an entry.

Headings are recognised by their numbering: ``一、`` (and ``第一部分``), ``（一）``,
``1、``/``1.``, ``（1）``; ``一是``/``一要`` enumerations stay in the text. The
highest level used at least twice divides the document into sections, the next one
into subsections. Download sites often run a whole document into a few long lines:
a top-level heading right after a full stop is split off there when its number is the
next one expected. Sections are then mapped onto the kind's fields by the words of
their headings (背景, 做法, 成效, 问题, 对策, 体会/启示): a section goes to the field
whose :class:`~generator.model.Imported` marker names its role, and what no heading
makes clear stays in the kind's ``import_main`` field, in the document's order.
"""

from __future__ import annotations

import re
import typing
from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel

from generator.fields import field_label, marker, nested_model
from generator.importer.extract import first_sentence
from generator.importer.findings import Findings
from generator.importer.paragraphs import Paragraph
from generator.model import KINDS, Imported, Kind, Shown

_NUMERALS = "一二三四五六七八九十"
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(f"^([{_NUMERALS}]{{1,3}})[、．.]\\s*")),
    (1, re.compile(f"^第([{_NUMERALS}]{{1,3}})(?:部分|章|节)\\s*")),
    (2, re.compile(f"^[（(]([{_NUMERALS}]{{1,3}})[）)]\\s*")),
    (3, re.compile(r"^(\d{1,2})[、．.](?!\d)\s*")),
    (4, re.compile(r"^[（(](\d{1,2})[）)]\s*")),
]
_INLINE_TOP = re.compile(f"(?<=[。！？；])([{_NUMERALS}]{{1,3}})、")
_TITLE_END = re.compile(r"[。；：！？]|[（(][一二三四五六七八九十\d]|\d{1,2}、")
HEADING_TITLE_MAX = 50


def numeral_value(text: str) -> int:
    """一 → 1, 十二 → 12, 二十三 → 23 (headings do not go higher)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _NUMERALS.index(text) + 1 if text in _NUMERALS else 0
    tens, _, ones = text.partition("十")
    return (_NUMERALS.index(tens) + 1 if tens else 1) * 10 + (
        _NUMERALS.index(ones) + 1 if ones else 0
    )


@dataclass
class Heading:
    level: int
    number: int
    marker: str
    title: str


def read_heading(paragraph: Paragraph) -> tuple[Heading, str] | None:
    """The heading a paragraph starts with, and the text after it, if it starts with one."""
    for level, pattern in _MARKERS:
        match = pattern.match(paragraph.text)
        if not match:
            continue
        rest = paragraph.text[match.end() :]
        if level == 2 and rest.startswith("是"):  # （一）是… is an enumeration, not a heading
            return None
        end = _TITLE_END.search(rest)
        title_end = end.start() if end else len(rest)
        comma = re.search(r"[，,]", rest)
        if title_end > HEADING_TITLE_MAX and comma and comma.start() <= HEADING_TITLE_MAX:
            title_end = comma.start()  # a heading run into its text: cut at the first comma
        title = rest[:title_end].strip("，, ")
        if not title or len(title) > HEADING_TITLE_MAX:
            return None
        body = rest[title_end:].lstrip("。；：！？ ")
        return Heading(level, numeral_value(match.group(1)), match.group().strip(), title), body
    if paragraph.heading >= 2 and len(paragraph.text) <= HEADING_TITLE_MAX:
        return Heading(paragraph.heading - 1, 0, "", paragraph.text), ""
    return None


@dataclass
class Section:
    """A top-level part of the document."""

    title: str
    marker: str
    paragraphs: list[Paragraph]
    children: list[tuple[str, int]] = field(default_factory=list)
    """Subheadings: (title, index of their paragraph in ``paragraphs``)."""

    @property
    def heading(self) -> str:
        return f"{self.marker}{self.title}"


@dataclass
class Outline:
    intro: list[Paragraph]
    sections: list[Section]


def split_inline_headings(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Start a new paragraph at each ``二、`` that follows a full stop inside a long line,
    when it carries the next top-level number."""
    result: list[Paragraph] = []
    expected = 1
    for paragraph in paragraphs:
        start_match = _MARKERS[0][1].match(paragraph.text)
        if start_match:
            expected = numeral_value(start_match.group(1)) + 1
        text = paragraph.text
        cuts = []
        for match in _INLINE_TOP.finditer(text):
            number = numeral_value(match.group(1))
            if expected <= number <= expected + 1:
                cuts.append(match.start())
                expected = number + 1
        for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
            piece = paragraph.piece(start, end)
            if piece.text.strip():
                piece.text = piece.text.rstrip()
                result.append(piece)
    return result


def outline(paragraphs: list[Paragraph], findings: Findings) -> Outline:
    """Intro paragraphs, then the sections of the highest heading level used twice or more."""
    paragraphs = split_inline_headings(paragraphs)
    headings = [read_heading(p) for p in paragraphs]
    levels = Counter(h[0].level for h in headings if h is not None)
    used = sorted(level for level, count in levels.items() if count >= 2)
    if not used:
        return Outline(paragraphs, [])
    top = used[0]
    sub = used[1] if len(used) > 1 else None
    intro: list[Paragraph] = []
    sections: list[Section] = []
    last_number = 0
    for paragraph, found in zip(paragraphs, headings, strict=True):
        heading = found[0] if found else None
        if heading is not None and heading.level == top:
            if heading.number and last_number and heading.number != last_number + 1:
                findings.flag(
                    paragraph.place,
                    f"{heading.marker}{heading.title}",
                    f"标题序号不连续：上一部分是第 {last_number} 部分，这里是第 {heading.number} 部分，"
                    "中间可能缺了内容",
                )
            last_number = heading.number or last_number
            body = found[1] if found else ""
            section = Section(heading.title, heading.marker, [])
            if body:
                section.paragraphs.append(Paragraph(body, paragraph.place))
            sections.append(section)
        elif sections:
            if heading is not None and heading.level == sub:
                sections[-1].children.append((heading.title, len(sections[-1].paragraphs)))
            sections[-1].paragraphs.append(paragraph)
        else:
            intro.append(paragraph)
    return Outline(intro, sections)


# --- sections onto fields ------------------------------------------------------------------------

ROLE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("countermeasures", re.compile(r"对策|建议|改进|措施与")),
    ("results", re.compile(r"成效|效果|成果|成绩|反响|实效")),
    ("lessons", re.compile(r"启示|体会|感悟|反思|探讨|思考|收获")),
    ("problems", re.compile(r"存在的问题|主要问题|问题与|问题及|不足|差距|困难|短板|^问题")),
    ("background", re.compile(r"背景|起因|缘由|意义|为什么|必要性|现状|形势")),
    (
        "actions",
        re.compile(r"做法|措施|举措|经过|如何|路径|途径|办法|思路|实践|框架|体系|抓手|经验|机制"),
    ),
]
"""What a heading's words say its section is; the first match decides."""
ROLE_NAMES = {
    "countermeasures": "对策",
    "results": "成效",
    "lessons": "体会/启示",
    "problems": "问题",
    "background": "背景",
    "actions": "做法",
}


@dataclass(frozen=True)
class Targets:
    """Where the sections of a document go in an entry of one kind, read off the kind's
    declaration: the field of each role is the one whose :class:`~generator.model.Imported`
    marker names it; every other section goes to the kind's ``import_main`` field."""

    model: type[BaseModel]
    main: str
    by_role: dict[str, str]
    items: bool
    """The main field is a list of titled items, so a paragraph or a subsection can be
    an item of its own."""
    split: bool
    """A section's subsections become items of their own: the items are shown under the
    field's heading (a case's actions). When each item is a part of the page by itself
    (a material's sections), a section stays whole, its subsections inside it."""

    @classmethod
    def of(cls, kind: Kind) -> Targets:
        fields = kind.model.model_fields
        by_role: dict[str, str] = {}
        for name, info in fields.items():
            imported: Imported | None = marker(info, Imported)
            for role in imported.roles if imported is not None else ():
                by_role.setdefault(role, name)
        main = fields[kind.import_main]
        items = typing.get_origin(main.annotation) is list and nested_model(main.annotation)
        shown = marker(main, Shown)
        split = bool(items) and not (shown is not None and shown.heading is None)
        return cls(kind.model, kind.import_main, by_role, bool(items), split)

    def name(self, field_name: str) -> str:
        """The field as the report names it: ``背景与起因（background）``."""
        return f"{field_label(self.model, field_name)}（{field_name}）"


@dataclass
class Part:
    """A titled piece of the document bound for one field of the draft."""

    title: str
    paragraphs: list[Paragraph]
    heading: str
    """The heading it came from, as the document wrote it; empty if it had none."""
    provisional: bool = False
    """The title is the machine's (a first sentence), not a heading of the document."""


@dataclass
class FieldPlan:
    """The document's parts, by the draft field they go to."""

    fields: dict[str, list[Part]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """How each section was placed, in Chinese, for the report."""

    def parts(self, name: str) -> list[Part]:
        return self.fields.get(name, [])


def role_of(title: str) -> str:
    for role, pattern in ROLE_WORDS:
        if pattern.search(title):
            return role
    return ""


def plan_fields(document: Outline, kind: str) -> FieldPlan:
    """Place the intro and each section onto the fields of ``kind``, keeping their order."""
    plan = FieldPlan()
    targets = Targets.of(KINDS[kind])
    main = targets.main

    def add(name: str, part: Part) -> None:
        plan.fields.setdefault(name, []).append(part)

    background = targets.by_role.get("background")
    if document.intro:
        if background and document.sections:
            add(background, Part("引言", document.intro, ""))
            plan.notes.append(
                f"开头 {len(document.intro)} 段（第一个标题之前）→ {targets.name(background)}"
            )
        elif background and targets.items:
            _no_headings(plan, document.intro, targets, background)
        else:
            add(main, Part("概述", document.intro, "", provisional=True))
            plan.notes.append(
                f"开头 {len(document.intro)} 段（第一个标题之前）→ {targets.name(main)}"
            )
    for section in document.sections:
        role = role_of(section.title)
        target = targets.by_role.get(role, main)
        why = (
            f"（标题是“{ROLE_NAMES[role]}”一类）" if role else "（标题没有表明类别，按原顺序放入）"
        )
        plan.notes.append(f"“{section.heading}” → {targets.name(target)}{why}")
        if target == main and targets.split and section.children:
            for part in _split_children(section):
                add(target, part)
        else:
            add(target, Part(section.title, section.paragraphs, section.heading))
    return plan


def _no_headings(
    plan: FieldPlan, paragraphs: list[Paragraph], targets: Targets, background: str
) -> None:
    """A document without headings: its first paragraph is the background, each later one
    an item of the main list."""
    plan.fields[background] = [Part("引言", paragraphs[:1], "")]
    plan.notes.append(
        f"原文没有标题：第 1 段 → {targets.name(background)}；其余每段 → {targets.name(targets.main)}"
        "的一条（小标题取自段首第一句，需要改写）"
    )
    for paragraph in paragraphs[1:]:
        plan.fields.setdefault(targets.main, []).append(_item(paragraph))


def _item(paragraph: Paragraph) -> Part:
    """A paragraph as a step of its own: a numbered one (``1、建立制度。……``) keeps its own
    title, without the number and without repeating it in the text; another gets its first
    sentence as a provisional title."""
    found = read_heading(paragraph)
    if found is None:
        return Part(first_sentence(paragraph.text), [paragraph], "", provisional=True)
    heading, body = found
    rest = [paragraph.piece(len(paragraph.text) - len(body), len(paragraph.text))] if body else []
    return Part(heading.title, rest, f"{heading.marker}{heading.title}")


def _split_children(section: Section) -> list[Part]:
    """A section with subheadings becomes one part per subheading (and one for its opening)."""
    parts = []
    starts = [index for _, index in section.children]
    if starts[0] > 0:
        parts.append(Part(section.title, section.paragraphs[: starts[0]], section.heading))
    for (title, start), end in zip(
        section.children, [*starts[1:], len(section.paragraphs)], strict=True
    ):
        chunk = section.paragraphs[start:end]
        first = read_heading(chunk[0])
        body = first[1] if first else ""
        paragraphs = ([Paragraph(body, chunk[0].place)] if body else []) + chunk[1:]
        parts.append(Part(title, paragraphs, f"{section.heading} / {title}"))
    return parts
