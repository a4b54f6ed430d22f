"""Documents for `kb import` built from text at run time: PDFs with a text layer (or only an
image, or damaged), Word files of many tiny paragraphs, deeply nested and very large web
pages, and a long line with no full stop. The tests build small ones; ``bench/import_limits.py`` builds
the large ones with the same code."""

from __future__ import annotations

import io
import re
import zipfile

FILLER = "党员干部坚持学习理论知识，结合岗位实际开展讨论，把学习成果转化为工作思路"
"""Chinese text without a full stop: cleaning rules that look for the end of a sentence
scan all of it."""


def pdf_bytes(pages: list[list[str]], *, image_only: bool = False) -> bytes:
    """A minimal PDF: each page's lines in a CID font with a ToUnicode map, or only an image."""
    chars = sorted({c for page in pages for line in page for c in line})
    code = {c: i + 1 for i, c in enumerate(chars)}
    stride = 3 if image_only else 2  # page, its content stream, and its image
    page_ids = [6 + stride * i for i in range(len(pages))]
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    entries = [f"<{code[c]:04X}> <{ord(c):04X}>" for c in chars]
    blocks = "".join(
        f"{len(entries[i : i + 100])} beginbfchar\n"
        + "\n".join(entries[i : i + 100])
        + "\nendbfchar\n"
        for i in range(0, len(entries), 100)
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{blocks}endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    for page_id, page in zip(page_ids, pages, strict=True):
        if image_only:
            resources = f"<< /XObject << /Im1 {page_id + 2} 0 R >> >>"
            content = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
        else:
            resources = "<< /Font << /F1 3 0 R >> >>"
            content = "\n".join(
                f"BT /F1 12 Tf 50 {780 - 18 * i} Td <{''.join(f'{code[c]:04X}' for c in line)}> Tj ET"
                for i, line in enumerate(page)
            ).encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {resources} "
            f"/Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        if image_only:
            objects.append(
                b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
            )
    return assemble_pdf(objects)


def assemble_pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, data in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + data + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def long_pdf(page_count: int) -> bytes:
    """A PDF of ``page_count`` full pages whose lines never end a sentence: one paragraph."""
    line = FILLER[:30]
    return pdf_bytes([[line] * 40 for _ in range(page_count)])


def xref_claiming_millions_pdf() -> bytes:
    """A PDF whose cross-reference table claims 99,999,999 objects (pypdf: LimitReachedError)."""
    made = pdf_bytes([["白沙镇党委学习制度"]])
    return re.sub(rb"xref\n0 \d+", b"xref\n0 99999999", made)


def page_tree_too_deep_pdf(levels: int) -> bytes:
    """A PDF whose page tree nests ``levels`` deep (pypdf stops at 100: LimitReachedError)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (level + 3))
    objects.append(b"<< /Type /Page /MediaBox [0 0 595 842] >>")
    return assemble_pdf(objects)


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A Word file holding ``paragraphs`` (written straight into its XML: python-docx adds
    one paragraph at a time, too slowly for tens of thousands)."""
    import docx

    document = docx.Document()
    document.add_paragraph("MARKER")
    plain = io.BytesIO()
    document.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                marker = data.index(b"<w:p>", 0)
                end = data.index(b"</w:p>", marker) + len(b"</w:p>")
                data = data[:marker] + body.encode() + data[end:]
            target.writestr(item, data)
    return out.getvalue()


_WORDS = ("学习", "讨论", "交流", "记录", "总结", "考核", "读书", "调研")


def tiny_paragraphs_docx(count: int) -> bytes:
    """A Word file of ``count`` paragraphs of one word each: they pack so well that 310,000
    of them take 90 KB on disk, and each would become an item of the draft."""
    return docx_bytes([_WORDS[i % len(_WORDS)] for i in range(count)])


def nested_font_html(paragraphs: int) -> str:
    """An old page where every paragraph opens a ``<font>`` and none is ever closed, so the
    nesting grows one level per paragraph."""
    body = "".join(
        f'<font color="#333333"><p>第{i}段：{FILLER}。</p>' for i in range(1, paragraphs + 1)
    )
    return f"<html><head><title>旧网页</title></head><body>{body}</body></html>"


def large_html(size: int) -> str:
    """A web page of about ``size`` bytes of paragraphs."""
    paragraph = f"<p>第{{}}段：{FILLER}。</p>\n"
    count = max(1, size // len(paragraph.encode()))
    body = "".join(paragraph.format(i) for i in range(1, count + 1))
    return f"<html><head><title>很长的网页</title></head><body>{body}</body></html>"


def many_tags_html(rows: int) -> str:
    """A page of ``rows`` short records, each in a ``<div>`` and a ``<span>``: many tags, little
    text (a log or a table laid out with divs)."""
    body = "".join(f"<div><span>第{i}项学习记录</span></div>\n" for i in range(rows))
    return f"<html><head><title>学习记录</title></head><body>{body}</body></html>"


def one_line_text(size: int) -> str:
    """About ``size`` bytes of Chinese text on one line with no full stop."""
    count = max(1, size // len((FILLER + "，").encode()))
    return "，".join([FILLER] * count)
