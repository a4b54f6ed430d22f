"""Reading a Word (.docx) file: its paragraphs and table cells in order, with heading styles.

Old .doc files and password-protected ones (both OLE compound files) are told apart and
refused with what to do. A .docx is a zip archive: its size unpacked is checked before
python-docx reads it, since a file of a few kilobytes can unpack to gigabytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from generator.importer.findings import Place, UnreadableSource
from generator.importer.limits import (
    Limits,
    Steps,
    check_characters,
    check_paragraphs,
    check_unpacked,
)
from generator.importer.source import SourceLine, SourceText

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound files: old .doc, and also every password-protected Office file."""


def read_docx(path: Path, raw: bytes, *, limits: Limits, steps: Steps) -> SourceText:
    """Every paragraph (table cells row by row) as a line, numbered as Word counts them."""
    if raw.startswith(_OLE_MAGIC):
        _refuse_compound_file(path, raw)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableSource(
            path, "这不是有效的 Word（.docx）文件，可能已损坏或改了扩展名。"
        ) from None
    check_unpacked(path, sum(item.file_size for item in archive.infolist()), limits)
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(raw))
        style_names = {style.style_id: style.name for style in document.styles}
    except UnreadableSource:  # out of time
        raise
    except Exception:  # python-docx raises KeyError, ValueError and lxml errors on damaged files
        raise UnreadableSource(path, "这个 Word 文件已损坏，无法读取。") from None
    lines: list[SourceLine] = []
    characters = written = 0
    for block in document.element.body.iterchildren():
        steps.check()
        if block.tag == qn("w:p"):
            elements = [block]
        elif block.tag in {qn("w:tbl"), qn("w:sdt")}:  # tables, content controls
            elements = list(block.iter(qn("w:p")))
        else:
            continue
        for element in elements:
            text = Paragraph(element, document).text
            characters += len(text)
            written += bool(text.strip())
            # Looked up by id: python-docx's paragraph.style searches the styles anew
            # for every paragraph, seconds for a few thousand.
            style = style_names.get(element.style or "", "") or ""
            lines.append(SourceLine(text, Place(len(lines) + 1, "段"), _heading_level(style)))
        check_characters(path, characters, limits, so_far=True)
        check_paragraphs(path, written, limits, so_far=True, empty=len(lines) - written)
    title = (document.core_properties.title or "").strip()
    return SourceText(path, "docx", "Word 文档（Unicode，无需检测编码）", lines, title)


def _refuse_compound_file(path: Path, raw: bytes) -> None:
    import msoffcrypto

    try:
        encrypted = msoffcrypto.OfficeFile(io.BytesIO(raw)).is_encrypted()
    except UnreadableSource:  # out of time
        raise
    except Exception:  # msoffcrypto raises its own and olefile's errors on odd files
        encrypted = False
    if encrypted:
        raise UnreadableSource(
            path,
            "这个 Word 文件设有打开密码，无法读取。请在 Word 中取消密码（“文件”→“信息”→“保护文档”）后再导入。",
        )
    raise UnreadableSource(
        path,
        "这是旧版 Word 文件（.doc）改了扩展名，无法直接读取。请在 Word 中“另存为”.docx 后再导入。",
    )


def _heading_level(style: str) -> int:
    found = re.fullmatch(r"(?:Heading|标题)\s*(\d)", style or "")
    if found:
        return int(found.group(1))
    return 1 if style in {"Title", "标题"} else 0
