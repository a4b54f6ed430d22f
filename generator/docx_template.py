"""The Word template every downloadable .docx is made from, built once per process.

python-docx sets up the document a Chinese office expects: A4 with 2.5 cm margins, body
text in 宋体 and headings in 黑体 (with their English names SimSun and SimHei in the font
table, which Word, WPS and LibreOffice fall back to), the built-in heading styles so that
the navigation pane lists them, and a footer numbering the pages (第 n 页，共 N 页). The
parts are then slimmed to what the documents use, so that each file stays small:
:mod:`generator.docx_export` only writes the body of each document into a copy.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
FONT_NAMES = {BODY_FONT: "SimSun", HEADING_FONT: "SimHei"}
"""The Chinese fonts by their Chinese names, with the English names a system without them
(or with them under their English names) finds a substitute by."""

STYLES = {
    "body": "KB Body",
    "lead": "KB Lead",
    "info": "KB Info",
    "item": "KB Item",
    "note": "KB Note",
}
"""Paragraph styles of ours (by role), beside Word's own Title, Heading 1-3 and List Bullet."""
KEPT_STYLES = {
    "Normal",
    "Title",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "List Bullet",
    "Footer",
    "Table Grid",
    "Default Paragraph Font",
    "Normal Table",
    "List Paragraph",
    *STYLES.values(),
}
"""Styles the documents use (and those they are based on); the rest of python-docx's
template (hundreds of them, and their latent styles) is left out."""
_DROPPED_PARTS = re.compile(
    r"(^|/)(customXml/|thumbnail\.|stylesWithEffects\.|webSettings\.|theme/)"
)
"""Parts left out (by name in the package, or as a relationship's target names them): none
is needed, and the theme's fonts are replaced by named ones in every style."""
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class Template:
    """The parts of the template, by name in the package, in the order they are written."""

    parts: tuple[tuple[str, bytes], ...]
    style_ids: dict[str, str]
    """Style id (as the XML names it) of each style the documents use, by role."""


@functools.lru_cache(maxsize=1)
def template() -> Template:
    """The template, made once: a few tenths of a second."""
    doc = Document()
    _page(doc)
    _fonts(doc)
    _own_styles(doc)
    _footer(doc)
    style_ids = {role: doc.styles[name].style_id for role, name in STYLES.items()}
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "Table Grid"):
        style_ids[name] = doc.styles[name].style_id
    saved = io.BytesIO()
    doc.save(saved)
    return Template(_slimmed(zipfile.ZipFile(saved)), style_ids)


def _page(doc: WordDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))


def _set_fonts(element: object, east_asian: str, size: float, *, bold: bool = False) -> None:
    """Latin and East Asian font, size, black, of a style's or the defaults' run properties."""
    font = element.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = font.element.rPr.find(qn("w:rFonts"))
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # Word's theme fonts would win over the names


def _fonts(doc: WordDocument) -> None:
    """宋体 小四 for text, 黑体 for the title (二号) and headings (三号, 四号, 小四)."""
    _set_fonts(doc.styles["Normal"], BODY_FONT, 12)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after = Pt(6)
    normal.line_spacing = 1.5
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    doc.styles["Normal"].element.get_or_add_rPr().append(lang)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        style = doc.styles[name]
        _set_fonts(style, HEADING_FONT, size, bold=name != "Title")
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = doc.styles["Title"].element.pPr
    border = title.find(qn("w:pBdr"))
    if border is not None:
        title.remove(border)  # python-docx's Title has a blue rule under it
    _set_fonts(doc.styles["List Bullet"], BODY_FONT, 12)


def _own_styles(doc: WordDocument) -> None:
    body = doc.styles.add_style(STYLES["body"], WD_STYLE_TYPE.PARAGRAPH)
    body.base_style = doc.styles["Normal"]
    body.paragraph_format.first_line_indent = Pt(24)  # two characters, as Chinese text is set
    lead = doc.styles.add_style(STYLES["lead"], WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = doc.styles["Normal"]
    _set_fonts(lead, HEADING_FONT, 12)
    info = doc.styles.add_style(STYLES["info"], WD_STYLE_TYPE.PARAGRAPH)
    info.base_style = doc.styles["Normal"]
    _set_fonts(info, BODY_FONT, 9)
    info.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    item = doc.styles.add_style(STYLES["item"], WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = doc.styles["Normal"]
    item.paragraph_format.left_indent = Pt(24)
    item.paragraph_format.first_line_indent = Pt(-24)  # a hanging number: 1．text
    note = doc.styles.add_style(STYLES["note"], WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = doc.styles["Normal"]
    _set_fonts(note, BODY_FONT, 10.5)
    note.paragraph_format.left_indent = Pt(24)


def _field(paragraph: object, code: str) -> None:
    """A field (PAGE, NUMPAGES) in ``paragraph``, which Word, WPS and LibreOffice fill in."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), f" {code} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)  # type: ignore[attr-defined]


def _footer(doc: WordDocument) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页，共 ")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


def _slimmed(package: zipfile.ZipFile) -> tuple[tuple[str, bytes], ...]:
    """The package without the parts the documents do not use, and their mentions."""
    parts = []
    for name in package.namelist():
        if _DROPPED_PARTS.search(name):
            continue
        data = package.read(name)
        if name.endswith(".rels") or name == "[Content_Types].xml":
            data = _without_dropped(data)
        elif name == "word/styles.xml":
            data = _kept_styles(data)
        elif name == "word/fontTable.xml":
            data = _font_table(data)
        elif name == "word/settings.xml":
            data = data.replace(b'w:eastAsia="ja-JP"', b'w:eastAsia="zh-CN"')
        parts.append((name, data))
    return tuple(parts)


def _without_dropped(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for element in list(root):
        target = element.get("Target") or (element.get("PartName") or "").lstrip("/")
        if _DROPPED_PARTS.search(target):
            root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _kept_styles(data: bytes) -> bytes:
    root = etree.fromstring(data)
    latent = root.find(f"{{{_W}}}latentStyles")
    if latent is not None:
        root.remove(latent)
    for style in root.findall(f"{{{_W}}}style"):
        name = style.find(f"{{{_W}}}name")
        if (
            name is None
            or name.get(f"{{{_W}}}val") not in {n.lower() for n in KEPT_STYLES} | KEPT_STYLES
        ):
            root.remove(style)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _font_table(data: bytes) -> bytes:
    """The font table with 宋体 and 黑体, each with its English name as the alternative."""
    root = etree.fromstring(data)
    for chinese, english in FONT_NAMES.items():
        font = etree.SubElement(root, f"{{{_W}}}font", {f"{{{_W}}}name": chinese})
        etree.SubElement(font, f"{{{_W}}}altName", {f"{{{_W}}}val": english})
        etree.SubElement(font, f"{{{_W}}}charset", {f"{{{_W}}}val": "86"})
        etree.SubElement(font, f"{{{_W}}}family", {f"{{{_W}}}val": "auto"})
        etree.SubElement(font, f"{{{_W}}}pitch", {f"{{{_W}}}val": "variable"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
