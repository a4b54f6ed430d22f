"""Word documents: every entry and every study pack downloads as a .docx made at build time,
read back here with python-docx as Word, WPS and LibreOffice read it: A4, 宋体 and 黑体 by
name, Word headings in the order of the page (for a pack, of its print version), figures as
a table, sources at the end, numbered pages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from generator.check import load_project
from generator.docx_template import BODY_FONT, HEADING_FONT
from generator.outline import entry_body
from tests.conftest import REPO

PROJECT = load_project(REPO / "content", root=REPO)
CASE = PROJECT.entries["anhui-broadcast-network"]
PACK = PROJECT.packs["study-system-and-incentives"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _download(page, url: str, link: str) -> bytes:  # type: ignore[no-untyped-def]
    page.goto(url)
    with page.expect_download() as download:
        page.click(link)
    assert download.value.suggested_filename.endswith(".docx")
    return Path(download.value.path()).read_bytes()


def _headings(document) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """(Word heading level, text) of every heading; the title is level 0."""
    found = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name
        if name == "Title":
            found.append((0, paragraph.text))
        elif name.startswith("Heading "):
            found.append((int(name.split()[1]), paragraph.text))
    return found


def _east_asian(document, style: str) -> str:  # type: ignore[no-untyped-def]
    fonts = document.styles[style].element.rPr.find(f"{W}rFonts")
    return fonts.get(f"{W}eastAsia")


def _assert_office_layout(data: bytes, title: str) -> docx.document.Document:
    """A4, 宋体 text and 黑体 headings by name, a page number in the footer, the title."""
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert _east_asian(document, "Normal") == BODY_FONT
    assert all(_east_asian(document, f"Heading {n}") == HEADING_FONT for n in (1, 2, 3))
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "第" in section.footer.paragraphs[0].text
    fonts = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert 'w:name="宋体"' in fonts and 'w:val="SimSun"' in fonts and 'w:val="SimHei"' in fonts
    assert document.core_properties.title == title
    return document


def test_an_entry_downloads_as_a_word_document(page, site_url: str) -> None:
    """The case page's link gives its .docx: the title, then its page's headings as Word
    headings in order, each with its text, the figures as a table, sources last."""
    data = _download(page, f"{site_url}cases/{CASE.id}/", "text=下载 Word 文档（.docx）")
    document = _assert_office_layout(data, CASE.title)
    expected = (
        [(0, CASE.title)] + [(h.level - 1, h.title) for h in entry_body(CASE)] + [(1, "来源")]
    )
    assert _headings(document) == expected
    figures = document.tables[-1]
    assert [c.text for c in figures.rows[0].cells] == ["指标", "数据"]
    assert [(r.cells[0].text, r.cells[1].text) for r in figures.rows[1:]] == [
        (f.label, f.value) for f in CASE.results.figures
    ]
    assert figures.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None  # repeats on each page
    text = "\n".join(p.text for p in document.paragraphs)
    assert CASE.actions[0].text.split("\n")[0][:30] in text
    assert (
        document.paragraphs[-1].text.endswith("。")
        and CASE.sources[-1].title in document.paragraphs[-1].text
    )


def test_a_pack_downloads_in_the_order_and_headings_of_its_print_version(
    page, site_url: str
) -> None:
    """The pack's .docx has its print version's headings, in its order and one Word level
    below the page's (h2 is Heading 1), and starts each entry on a new page."""
    data = _download(page, f"{site_url}packs/{PACK.id}/", "text=下载 Word 文档")
    document = _assert_office_layout(data, PACK.title)
    page.goto(f"{site_url}packs/print/{PACK.id}/")
    printed = page.eval_on_selector_all(
        "[data-kb-compiled] h1, [data-kb-compiled] h2, [data-kb-compiled] h3, [data-kb-compiled] h4",
        "els => els.map(e => [Number(e.tagName[1]) - 1, e.textContent.trim()])",
    )
    assert [list(h) for h in _headings(document)] == printed
    breaks = [
        p.text for p in document.paragraphs if p._p.find(f"{W}pPr/{W}pageBreakBefore") is not None
    ]
    titles = [PROJECT.entries[item.entry].title for item in PACK.entries]
    assert breaks == [*titles, "讨论题"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert all(f"选编理由：{item.note}" in text for item in PACK.entries if item.note)
    assert all(question in text for question in PACK.questions)


def test_documents_are_linked_and_present_from_disk(page, offline_site: str) -> None:
    """In the offline copy opened from disk the links lead to the .docx files beside the pages."""
    page.goto(offline_site + f"cases/{CASE.id}.html")
    href = page.get_attribute("text=下载 Word 文档（.docx）", "href")
    assert href == f"{CASE.id}.docx"
    target = Path(page.evaluate("h => new URL(h, location.href).pathname", href))
    assert target.is_file() and target.read_bytes()[:2] == b"PK"


def test_every_entry_and_pack_has_its_document(real_site: Path) -> None:
    """Each entry and each study pack of the site has a .docx that opens, and nothing else does."""
    made = {p.relative_to(real_site).as_posix() for p in real_site.rglob("*.docx")}
    expected = {
        f"{folder}/{e.id}.docx"
        for e in PROJECT.entries.values()
        for folder in [{"case": "cases", "practice": "practices", "material": "materials"}[e.kind]]
    }
    expected |= {f"packs/print/{pack_id}.docx" for pack_id in PROJECT.packs}
    assert made == expected
    for path in made:
        docx.Document(str(real_site / path))


@pytest.mark.parametrize("name", ["cases/river-community.docx", "packs/print/study-session.docx"])
def test_text_that_looks_like_markup_stays_text(
    sample_project: Path, tmp_path: Path, name: str
) -> None:
    """Angle brackets, ampersands and quotes in content reach the document as the text typed."""
    from tests.conftest import build_with_mkdocs

    site = build_with_mkdocs(sample_project / "mkdocs.yml", tmp_path / "site")
    text = "\n".join(p.text for p in docx.Document(str(site / name)).paragraphs)
    assert '第一段背景，含有 <script>alert("x")</script> 这样的文字，换行后继续。' in text
    assert "第二段背景 & 符号。" in text
