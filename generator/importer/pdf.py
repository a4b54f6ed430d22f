"""Reading a PDF's text layer: page by page, page numbers left out, lines joined back into
paragraphs. A scanned PDF (no text layer) and a password-protected one are refused with
what to do; so is a damaged one, whatever pypdf raises on it."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

from generator.importer.findings import Findings, Place, UnreadableSource
from generator.importer.limits import Limits, Steps, check_characters, check_pages
from generator.importer.source import SourceLine, SourceText

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*)?\d{1,4}(?:\s*[-—–])?\s*$|^\s*第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?\s*$"
)
_LINE_END = re.compile(r"[。！？；：…”」』）!?;:]$")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]\D)"
)
_DAMAGED = "这个 PDF 已损坏或格式无法识别，无法读取。"
_AT_LIMIT = (
    "这个 PDF 的内部结构超出了读取上限（例如页面目录层数太多、声明的大小与文件不符），"
    "文件可能已损坏，或者是被特意做成这样的。请用 PDF 软件重新导出（“另存为”或“打印为 PDF”）后再导入。"
)


def read_pdf(path: Path, raw: bytes, *, limits: Limits, steps: Steps) -> SourceText:
    """The text layer's paragraphs, each at the page it starts on."""
    findings = Findings()
    pages, title = _pages(path, raw, limits, steps)
    if not any(page.strip() for page in pages):
        raise UnreadableSource(
            path,
            f"这个 PDF（共 {len(pages)} 页）没有文字层，多半是扫描件或图片。"
            "需要先用文字识别（OCR）软件转成文字，再导入识别结果。",
        )
    physical: list[SourceLine] = []
    for number, page in enumerate(pages, start=1):
        for text in page.splitlines():
            if _PAGE_NUMBER.match(text):
                findings.remove(Place(number, "页"), text, "PDF 的页码")
            elif text.strip():
                physical.append(SourceLine(text.strip(), Place(number, "页")))
    return SourceText(
        path,
        "pdf",
        "PDF 文字层（Unicode，无需检测编码）",
        _paragraphs(physical),
        title,
        "",
        findings,
    )


def _pages(path: Path, raw: bytes, limits: Limits, steps: Steps) -> tuple[list[str], str]:
    """Each page's text and the document's title; a Chinese refusal for anything pypdf
    cannot read."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableSource(
                path, "这个 PDF 设有打开密码，无法读取。请用 PDF 软件取消密码后再导入。"
            )
        check_pages(path, len(reader.pages), limits)
        pages: list[str] = []
        characters = 0
        for page in reader.pages:
            steps.check()
            pages.append(page.extract_text() or "")
            characters += len(pages[-1])
            check_characters(path, characters, limits, so_far=True)
        title = str(reader.metadata.get("/Title") or "").strip() if reader.metadata else ""
    except UnreadableSource:
        raise
    except LimitReachedError:
        raise UnreadableSource(path, _AT_LIMIT) from None
    except Exception:
        # pypdf parses whatever the file holds and fails on damage in assorted ways
        # (PdfReadError, KeyError, AssertionError, RecursionError in older versions…);
        # each is this one file's problem, told in Chinese, never the end of the run.
        raise UnreadableSource(path, _DAMAGED) from None
    return pages, title


def _paragraphs(lines: list[SourceLine]) -> list[SourceLine]:
    """PDF lines end where the page is full, not where a paragraph ends: join them back.

    A line ends its paragraph when it ends a sentence and stops short of the full width,
    when it is much shorter than a full line, or when the next line starts a heading.
    """
    if not lines:
        return []
    width = max(len(line.text) for line in lines)
    groups: list[list[SourceLine]] = [[lines[0]]]
    for previous, line in itertools.pairwise(lines):
        ends = bool(_LINE_END.search(previous.text)) and len(previous.text) < 0.9 * width
        short = len(previous.text) < 0.7 * width
        if ends or short or _HEADING_START.match(line.text):
            groups.append([line])
        else:
            groups[-1].append(line)
    return [
        SourceLine("".join(line.text for line in group), group[0].place, group[0].heading)
        for group in groups
    ]
