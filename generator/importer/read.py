"""Import stage 1: a source file's bytes to lines of text, saying which encoding it was.

Plain text, saved web pages, Word (.docx) and PDF files with a text layer are read.
Each line keeps where it came from (line, paragraph or page), so every later report
can send the editor to the right place in the original. What cannot be read becomes
an :class:`UnreadableSource` with a Chinese message, never a traceback.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.importer.findings import Findings, Place

SUPPORTED = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
"""File extensions ``kb import`` reads, and the reader for each."""
FORMAT_NAMES = {"txt": "纯文本", "html": "网页", "docx": "Word 文档", "pdf": "PDF"}

_UTF8_BOM = b"\xef\xbb\xbf"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound files: old .doc, and also every password-protected Office file."""
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CODECS = {
    "utf_8": ("utf-8", "UTF-8"),
    "gb2312": ("gb18030", "GBK"),
    "gbk": ("gb18030", "GBK"),
    "gb18030": ("gb18030", "GB18030"),
    "hz": ("gb18030", "GBK"),
    "big5": ("cp950", "Big5"),
    "cp950": ("cp950", "Big5"),
    "big5hkscs": ("big5hkscs", "Big5-HKSCS"),
    "utf_16": ("utf-16", "UTF-16"),
    "utf_16_le": ("utf-16-le", "UTF-16"),
    "utf_16_be": ("utf-16-be", "UTF-16"),
}
"""Detector names of the encodings Chinese documents come in: the codec that reads each
(the widest of its family: GB18030 reads GBK and GB2312, cp950 reads Big5) and its name."""
_FALLBACK_CODECS = ("gb18030", "cp950", "big5hkscs")


class UnreadableSource(Exception):
    """A source file that cannot be imported; the message says why, in Chinese."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}：{message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class SourceLine:
    """One line (or paragraph) of the source's text."""

    text: str
    place: Place
    heading: int = 0
    """Heading level the format itself declares (Word heading styles, HTML h1–h6); 0 if none."""


@dataclass
class SourceText:
    """A source document as lines of text, before any cleaning."""

    path: Path
    format: str
    """``txt``, ``html``, ``docx`` or ``pdf``."""
    encoding: str
    """How the text was encoded, in Chinese, including how that was found."""
    lines: list[SourceLine]
    title: str = ""
    """The title the file's own metadata gives (web page title, document properties)."""
    published: str = ""
    """A publication date from the file's metadata, as 2022-07-20, if it has one."""
    findings: Findings = field(default_factory=Findings)


def read_source(path: Path, *, keep_all: bool = False) -> SourceText:
    """Read ``path`` by its extension; raise :class:`UnreadableSource` if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise UnreadableSource(
            path, "这是旧版 Word 文件（.doc），无法直接读取。请在 Word 中“另存为”.docx 后再导入。"
        )
    kind = SUPPORTED.get(suffix)
    if kind is None:
        known = "、".join(sorted(SUPPORTED))
        raise UnreadableSource(
            path, f"不支持的文件类型“{suffix or '（没有扩展名）'}”。kb import 能读取 {known} 文件。"
        )
    try:
        raw = path.read_bytes()
    except OSError as failure:
        raise UnreadableSource(
            path, f"无法读取这个文件（{failure.strerror or failure}）。"
        ) from None
    if not raw.strip():
        raise UnreadableSource(path, "文件是空的，没有可以导入的文字。")
    if kind == "html":
        source = _read_html(path, raw, keep_all=keep_all)
    elif kind == "docx":
        source = _read_docx(path, raw)
    elif kind == "pdf":
        source = _read_pdf(path, raw)
    else:
        source = _read_text(path, raw)
    if not any(line.text.strip() for line in source.lines):
        raise UnreadableSource(path, "文档里没有文字，没有可以导入的内容。")
    return source


# --- bytes to text -----------------------------------------------------------------------


def decode_bytes(raw: bytes, *, path: Path) -> tuple[str, str, str]:
    """``raw`` as text: (text, codec, how it was encoded in Chinese).

    UTF-8 is taken when the bytes are valid UTF-8 (other encodings almost never are);
    otherwise charset-normalizer decides, and its choice must decode without errors.
    """
    if raw.startswith(_UTF8_BOM):
        try:
            return raw[3:].decode("utf-8"), "utf-8", "UTF-8（带 BOM）"
        except UnicodeDecodeError:
            pass
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16", "UTF-16"
        except UnicodeDecodeError:
            pass
    _refuse_binary(raw, path=path)
    try:
        return raw.decode("utf-8"), "utf-8", "UTF-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    detected = _CODECS.get(best.encoding) if best is not None else None
    tried = [detected[0]] if detected else []
    tried += [codec for codec in _FALLBACK_CODECS if codec not in tried]
    for codec in tried:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        name = _codec_name(codec, raw)
        how = (
            "由 charset-normalizer 检测"
            if detected and codec == detected[0]
            else "按常见中文编码试读"
        )
        return text, codec, f"{name}（{how}）"
    codec = detected[0] if detected else "gb18030"
    text = raw.decode(codec, errors="replace")
    lost = text.count("\ufffd")
    return text, codec, f"{_codec_name(codec, raw)}（有 {lost} 处字节无法解码，已标出）"


def _codec_name(codec: str, raw: bytes) -> str:
    if codec == "gb18030":
        try:
            raw.decode("gbk")
        except UnicodeDecodeError:
            return "GB18030"
        return "GBK"
    return {"cp950": "Big5", "big5hkscs": "Big5-HKSCS", "utf-8": "UTF-8"}.get(codec, codec)


def _refuse_binary(raw: bytes, *, path: Path) -> None:
    head = raw[:4096]
    if head.startswith(b"%PDF"):
        raise UnreadableSource(
            path, "这其实是 PDF 文件，扩展名却不是 .pdf。请把扩展名改为 .pdf 后再导入。"
        )
    if head.startswith(b"PK\x03\x04") and b"word/" in raw[:65536]:
        raise UnreadableSource(
            path, "这其实是 Word 文件，扩展名却不是 .docx。请把扩展名改为 .docx 后再导入。"
        )
    if b"\x00" in head or len(_CONTROL.findall(head)) > 8:
        raise UnreadableSource(
            path, "这不是文本文件（也许是图片、压缩包或其他程序的文件），无法导入。"
        )


def _numbered_lines(text: str) -> list[SourceLine]:
    return [
        SourceLine(line, Place(number)) for number, line in enumerate(text.splitlines(), start=1)
    ]


def _read_text(path: Path, raw: bytes) -> SourceText:
    text, _, encoding = decode_bytes(raw, path=path)
    return SourceText(path, "txt", encoding, _numbered_lines(text))


# --- web pages ---------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    ]
)
_SKIPPED_TAGS = frozenset(
    ["head", "script", "style", "noscript", "template", "svg", "iframe", "object"]
)
_PUBLISHED_META = re.compile(
    r"(?:article:published_time|publishdate|pubdate|publish_time|publication_date|date)", re.I
)
_CJK_BREAK = re.compile(f"(?<=[{_CJK}，。、；：！？”“])\\s*\\n\\s*(?=[{_CJK}，。、；：！？”“])")


def _codec_family(name: str) -> str:
    name = name.lower().replace("-", "").replace("_", "")
    if name in {"gb2312", "gbk", "gb18030", "cp936", "hz", "euccn", "xgbk"}:
        return "gb"
    if name in {"big5", "cp950", "big5hkscs"}:
        return "big5"
    if name in {"utf8", "utf8sig"}:
        return "utf8"
    return name


def _read_html(path: Path, raw: bytes, *, keep_all: bool) -> SourceText:
    import lxml.html

    findings = Findings()
    declared_match = _META_CHARSET.search(raw[:8192])
    declared = declared_match.group(1).decode("ascii", "replace") if declared_match else ""
    text, codec, encoding = decode_bytes(raw, path=path)
    if declared and _codec_family(declared) != _codec_family(codec):
        encoding += f"；网页自己声明的编码是 {declared}，与实际内容不符，已按实际编码读取"
        findings.changes.append(
            f"网页声明的编码（{declared}）与实际内容不符，已按 {encoding.split('（')[0]} 读取。"
        )
    markup = _XML_DECLARATION.sub("", text)
    try:
        root = lxml.html.document_fromstring(markup)
    except Exception:  # lxml raises several types (ParserError, ValueError) on broken pages
        raise UnreadableSource(path, "网页无法解析，文件可能已损坏。") from None
    blocks = _BlockCollector().collect(root)
    title, published = _page_metadata(root, markup, blocks)
    lines = blocks if keep_all else _main_content(markup, blocks, title, findings)
    return SourceText(path, "html", encoding, lines, title, published, findings)


class _BlockCollector:
    """The visible text of a page, one entry per block element, with its source line."""

    def __init__(self) -> None:
        self.lines: list[SourceLine] = []
        self.buffer: list[str] = []
        self.number = 1
        self.heading = 0

    def collect(self, root: object) -> list[SourceLine]:
        body = root.find("body") if hasattr(root, "find") else None
        self._walk(body if body is not None else root)
        self._flush()
        return self.lines

    def _flush(self) -> None:
        text = _CJK_BREAK.sub("", "".join(self.buffer))
        text = re.sub(r"\s+", " ", text).strip()
        if text:
            self.lines.append(SourceLine(text, Place(self.number), self.heading))
        self.buffer = []

    def _add(self, text: str | None, line: int | None) -> None:
        if text:
            if not self.buffer and line:
                self.number = line
            self.buffer.append(text)

    def _walk(self, element: object) -> None:
        tag = getattr(element, "tag", None)
        if not isinstance(tag, str):  # comments and processing instructions show nothing
            return
        tag = tag.lower()
        if tag in _SKIPPED_TAGS:
            return
        line = getattr(element, "sourceline", None)
        block = tag in _BLOCK_TAGS
        if block or tag == "br":
            self._flush()
        if block:
            self.heading = int(tag[1]) if re.fullmatch(r"h[1-6]", tag) else 0
        self._add(getattr(element, "text", None), line)
        for child in element:  # type: ignore[attr-defined]
            self._walk(child)
            self._add(child.tail, getattr(child, "sourceline", None) or line)
        if block:
            self._flush()
            self.heading = 0


def _page_metadata(root: object, markup: str, blocks: list[SourceLine]) -> tuple[str, str]:
    """The page's title as it appears in the page, and its publication date if declared."""
    import trafilatura

    shown = {re.sub(r"\s+", "", line.text) for line in blocks}
    candidates = [line.text for line in blocks if line.heading == 1]
    metadata = trafilatura.extract_metadata(markup)
    if metadata is not None and metadata.title:
        candidates.append(metadata.title)
    for element in root.iter("title"):  # type: ignore[attr-defined]
        candidates.append(element.text_content())
    title = ""
    for candidate in candidates:
        for part in [candidate, *re.split(r"\s*(?:_|\s-\s|\||｜|——)\s*", candidate)]:
            if re.sub(r"\s+", "", part) in shown and len(part.strip()) >= 4:
                title = part.strip()
                break
        if title:
            break
    if not title and candidates:
        title = re.split(r"\s*(?:_|\s-\s|\||｜)\s*", candidates[0].strip())[0]
    published = ""
    for meta in root.iter("meta"):  # type: ignore[attr-defined]
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        found = re.match(r"(\d{4}-\d{2}-\d{2})", meta.get("content") or "")
        if _PUBLISHED_META.fullmatch(key) and found:
            published = found.group(1)
            break
    return title, published


def _main_content(
    markup: str, blocks: list[SourceLine], title: str, findings: Findings
) -> list[SourceLine]:
    """The blocks trafilatura takes for the article; the others are listed as removed."""
    import trafilatura

    extracted = trafilatura.extract(
        markup,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
    )
    if not extracted:
        findings.changes.append("没有识别出网页的正文部分，保留了网页上的全部文字。")
        return blocks
    article = re.sub(r"\s+", "", extracted)
    kept = []
    for line in blocks:
        compact = re.sub(r"\s+", "", line.text)
        if compact in article or line.text == title:
            kept.append(line)
        else:
            findings.remove(
                line.place, line.text, "网页的导航、栏目、侧边栏或页脚（提取正文时去掉）"
            )
    return kept


# --- Word ---------------------------------------------------------------------------------


def _read_docx(path: Path, raw: bytes) -> SourceText:
    if raw.startswith(_OLE_MAGIC):
        import msoffcrypto

        try:
            encrypted = msoffcrypto.OfficeFile(io.BytesIO(raw)).is_encrypted()
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
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise UnreadableSource(path, "这不是有效的 Word（.docx）文件，可能已损坏或改了扩展名。")
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception:  # python-docx raises KeyError, ValueError and lxml errors on damaged files
        raise UnreadableSource(path, "这个 Word 文件已损坏，无法读取。") from None
    lines: list[SourceLine] = []
    number = 0
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            paragraphs = [Paragraph(block, document)]
        elif block.tag == qn("w:tbl"):
            table = Table(block, document)
            paragraphs = [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
        else:
            continue
        for paragraph in paragraphs:
            number += 1
            style = paragraph.style.name if paragraph.style is not None else ""
            lines.append(SourceLine(paragraph.text, Place(number, "段"), _heading_level(style)))
    title = (document.core_properties.title or "").strip()
    return SourceText(path, "docx", "Word 文档（Unicode，无需检测编码）", lines, title)


def _heading_level(style: str) -> int:
    found = re.fullmatch(r"(?:Heading|标题)\s*(\d)", style or "")
    if found:
        return int(found.group(1))
    return 1 if style in {"Title", "标题"} else 0


# --- PDF ----------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*)?\d{1,4}(?:\s*[-—–])?\s*$|^\s*第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?\s*$"
)
_LINE_END = re.compile(r"[。！？；：…”」』）!?;:]$")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]\D)"
)


def _read_pdf(path: Path, raw: bytes) -> SourceText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    findings = Findings()
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableSource(
                path, "这个 PDF 设有打开密码，无法读取。请用 PDF 软件取消密码后再导入。"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str(reader.metadata.get("/Title") or "").strip() if reader.metadata else ""
    except UnreadableSource:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError):
        # pypdf reports damaged or unusual files through assorted exception types
        raise UnreadableSource(path, "这个 PDF 已损坏或格式无法识别，无法读取。") from None
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


def _paragraphs(lines: list[SourceLine]) -> list[SourceLine]:
    """PDF lines end where the page is full, not where a paragraph ends: join them back.

    A line ends its paragraph when it ends a sentence and stops short of the full width,
    when it is much shorter than a full line, or when the next line starts a heading.
    """
    if not lines:
        return []
    width = max(len(line.text) for line in lines)
    joined: list[SourceLine] = [lines[0]]
    for line in lines[1:]:
        previous = joined[-1]
        last = previous.text
        ends = bool(_LINE_END.search(last)) and len(last.rsplit("\n", 1)[-1]) < 0.9 * width
        short = len(_tail_line(previous)) < 0.7 * width
        if ends or short or _HEADING_START.match(line.text):
            joined.append(line)
        else:
            joined[-1] = SourceLine(last + "\n" + line.text, previous.place, previous.heading)
    return [SourceLine(line.text.replace("\n", ""), line.place, line.heading) for line in joined]


def _tail_line(line: SourceLine) -> str:
    return line.text.rsplit("\n", 1)[-1]
