"""Word documents (.docx) of every entry and every study pack, made while the pages render.

An office edits these into its own 学习资料汇编, so they follow the site's own outline
(:mod:`generator.outline`): an entry's headings are its page's, each with the same text
under it; a pack is its print version's compiled document (contents, introduction, each
entry in full from a new page with its sources, the questions), with the same headings
one level down inside each entry. Word's heading levels are the page's less one (the
page's h2 is Heading 1), so the navigation pane lists them; figures are a Word table.

Only the body of each document is written here, as WordprocessingML through lxml; the
styles, fonts, page size and page numbers come from :mod:`generator.docx_template`.
Packages are written with fixed dates, so two builds give the same bytes.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from generator.docx_template import Template, template
from generator.model import Entry, Source
from generator.outline import Heading, Part, compiled_entry, entry_parts, paragraphs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
"""Every file in every package carries this date: a build's output depends on content only."""
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title/><dc:creator/></cp:coreProperties>'
)


@functools.cache
def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Body:
    """The paragraphs and tables of one document, in order."""

    def __init__(self, styles: dict[str, str]) -> None:
        self.styles = styles
        self.elements: list[etree._Element] = []

    def paragraph(self, text: str, style: str = "", *, page_break: bool = False) -> None:
        p = etree.Element(_w("p"))
        if style or page_break:
            properties = etree.SubElement(p, _w("pPr"))
            if style:
                etree.SubElement(properties, _w("pStyle"), {_w("val"): self.styles[style]})
            if page_break:
                etree.SubElement(properties, _w("pageBreakBefore"))
        run = etree.SubElement(p, _w("r"))
        etree.SubElement(
            run, _w("t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}
        ).text = text
        self.elements.append(p)

    def heading(self, level: int, text: str, *, page_break: bool = False) -> None:
        """A heading at the page's ``level`` (2 is Heading 1); level 1 is the title."""
        self.paragraph(
            text, "Title" if level <= 1 else f"Heading {min(level - 1, 3)}", page_break=page_break
        )

    def text(self, text: str) -> None:
        for paragraph in paragraphs(text):
            self.paragraph(paragraph, "body")

    def bullets(self, items: Iterable[str]) -> None:
        for item in items:
            self.paragraph(item, "List Bullet")

    def numbered(self, items: Iterable[str]) -> None:
        # Numbers written out: Word's own numbering would run on from one list to the next.
        for number, item in enumerate(items, 1):
            self.paragraph(f"{number}．{item}", "item")

    def table(self, header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> None:
        """A table with a heading row that repeats on every page it spans."""
        table = etree.Element(_w("tbl"))
        properties = etree.SubElement(table, _w("tblPr"))
        etree.SubElement(properties, _w("tblStyle"), {_w("val"): self.styles["Table Grid"]})
        etree.SubElement(properties, _w("tblW"), {_w("w"): "5000", _w("type"): "pct"})
        grid = etree.SubElement(table, _w("tblGrid"))
        for _ in header:
            etree.SubElement(grid, _w("gridCol"), {_w("w"): str(9000 // len(header))})
        for number, cells in enumerate([header, *rows]):
            row = etree.SubElement(table, _w("tr"))
            row_properties = etree.SubElement(row, _w("trPr"))
            etree.SubElement(row_properties, _w("cantSplit"))
            if number == 0:
                etree.SubElement(row_properties, _w("tblHeader"))
            for value in cells:
                cell = etree.SubElement(row, _w("tc"))
                p = etree.SubElement(cell, _w("p"))
                run = etree.SubElement(p, _w("r"))
                if number == 0:
                    etree.SubElement(etree.SubElement(run, _w("rPr")), _w("b"))
                etree.SubElement(run, _w("t")).text = value
        self.elements.append(table)
        self.paragraph("")  # Word needs a paragraph between a table and what follows

    def blocks(self, part: Part) -> None:
        for block in part.blocks:
            if block.kind == "text":
                self.text(block.text)
            elif block.kind == "points" and block.items:
                self.bullets(block.items)
            elif block.kind == "numbered":
                self.numbered(block.items)
            elif block.kind == "figures" and block.rows:
                self.table(("指标", "数据"), block.rows)


def citation(source: Source) -> str:
    """A source as the pages cite it: author：《title》，publisher，date。说明：note."""
    text = f"{source.author}：" if source.author else ""
    text += f"《{source.title}》"
    if source.publisher:
        text += f"，{source.publisher}"
    if source.published:
        day = source.published
        text += f"，{day.year}年{day.month}月{day.day}日"
    text += "。"
    return text + (f"说明：{source.note}" if source.note else "")


def _entry_facts(entry: Entry, view: Any) -> list[tuple[str, str]]:
    facts = []
    if entry.kind == "case":
        unit = entry.unit + (f"（说明：{entry.unit_note}）" if entry.unit_note else "")
        facts += [("单位", unit), ("地区", entry.region), ("时间", entry.period)]
    facts.append(("组织类型", view.org_type(entry.org_type).name))
    facts.append(("主题", "、".join(view.theme(theme).name for theme in entry.themes)))
    if entry.keywords:
        facts.append(("关键词", "、".join(entry.keywords)))
    return facts


def _examples(entry: Entry, view: Any, kind_labels: dict[str, str]) -> list[str]:
    if entry.kind != "practice":
        return []
    return [f"{e.title}（{kind_labels[e.kind]}）" for e in view.lookup(entry.cases)]


def write_entry(
    body: Body,
    entry: Entry,
    view: Any,
    *,
    kind_labels: dict[str, str],
    address: str,
    headings: Callable[[Heading], Heading],
    note: str | None = None,
) -> None:
    """An entry's text after its title, as its page shows it: kind and address, summary,
    facts, each part under its heading (passed through ``headings``), sources last."""
    body.paragraph(f"{kind_labels[entry.kind]} · 网址：{address}", "info")
    body.paragraph(entry.summary, "lead")
    if note:
        body.paragraph(f"选编理由：{note}", "note")
    body.table(("项目", "内容"), _entry_facts(entry, view))
    for part in entry_parts(entry, _examples(entry, view, kind_labels)):
        heading = headings(part.heading)
        body.heading(heading.level, heading.title)
        body.blocks(part)
    sources = headings(Heading(2, "sources", "来源"))
    body.heading(sources.level, sources.title)
    body.bullets(citation(source) for source in entry.sources)


def entry_document(
    entry: Entry, view: Any, *, site_name: str, kind_labels: dict[str, str], address: str
) -> bytes:
    """The .docx of one entry."""
    body = Body(template().style_ids)
    body.paragraph(site_name, "info")
    body.heading(1, entry.title)
    write_entry(body, entry, view, kind_labels=kind_labels, address=address, headings=lambda h: h)
    return package(body, title=entry.title, author=site_name)


def pack_document(
    pack: Any,
    outline: list[Heading],
    view: Any,
    *,
    site_name: str,
    pack_label: str,
    kind_labels: dict[str, str],
    address: str,
    entry_address: Callable[[Entry], str],
) -> bytes:
    """The .docx of a study pack: its print version's ``outline`` (level-2 headings in
    order: contents, introduction, each entry, questions) written out in full."""
    body = Body(template().style_ids)
    body.paragraph(f"{site_name} · {pack_label}", "info")
    body.heading(1, pack.title)
    body.paragraph(pack.summary, "lead")
    facts = [("适用场合", pack.occasion), ("建议时长", pack.length)]
    facts = [(label, value) for label, value in facts if value]
    body.table(("项目", "内容"), [*facts, ("选编条目", f"{len(pack.items)} 个"), ("网址", address)])
    entries = view.lookup(pack.entry_ids)
    for heading in (h for h in outline if h.level == 2):
        if heading.id == "contents":
            body.heading(2, heading.title)
            body.numbered([*(f"{e.title}（{kind_labels[e.kind]}）" for e in entries), "讨论题"])
        elif heading.id == "introduction":
            body.heading(2, heading.title)
            body.text(pack.introduction)
        elif heading.id == "questions":
            body.heading(2, heading.title, page_break=True)
            body.numbered(pack.questions)
        elif heading.id and heading.id.startswith("e"):
            number = int(heading.id[1:])
            entry, item = entries[number - 1], pack.items[number - 1]
            body.heading(2, heading.title, page_break=True)
            write_entry(
                body,
                entry,
                view,
                kind_labels=kind_labels,
                address=entry_address(entry),
                headings=_inside(compiled_entry(entry, number)),
                note=item.note,
            )
    return package(body, title=pack.title, author=site_name)


def _inside(headings: dict[str, Heading]) -> Callable[[Heading], Heading]:
    """An entry's page headings as they stand inside a compiled document."""
    return lambda heading: headings[heading.id or ""]


def package(body: Body, *, title: str, author: str) -> bytes:
    """The .docx file: the template's parts, with this body and these properties. The parts
    that are the same in every document are compressed once (:func:`_fixed_parts`) and
    copied; only the body and the properties are compressed for each document."""
    made: Template = template()
    out = io.BytesIO(_fixed_parts())
    out.seek(0, io.SEEK_END)
    # The quickest compression: the parts are small, and most of the time goes here.
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        _add(archive, "docProps/core.xml", _core(title, author))
        _add(archive, "word/document.xml", _document(dict(made.parts)["word/document.xml"], body))
    return out.getvalue()


_VARYING = ("docProps/core.xml", "word/document.xml")
"""The parts each document writes for itself."""


@functools.lru_cache(maxsize=1)
def _fixed_parts() -> bytes:
    """A package of every part of the template but :data:`_VARYING`, compressed once."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in template().parts:
            if name not in _VARYING:
                _add(archive, name, data)
    return out.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def _document(data: bytes, body: Body) -> bytes:
    root = etree.fromstring(data)
    content = root.find(_w("body"))
    assert content is not None  # the template's document has a body
    section = content.find(_w("sectPr"))
    for element in body.elements:
        if section is not None:
            section.addprevious(element)
        else:
            content.append(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core(title: str, author: str) -> bytes:
    root = etree.fromstring(_CORE.encode())
    root[0].text, root[1].text = title, author
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
