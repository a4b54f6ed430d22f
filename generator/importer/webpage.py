"""Reading a saved web page: its visible text block by block, its title and date, and which
blocks are the article (trafilatura decides) rather than the site's navigation and footers.

Old pages often open a ``<font>`` for every paragraph and never close one. libxml2 stops
building the tree 256 levels down and drops the rest of the page without a word, so a
page nested that deep is read again with only its block structure: every formatting tag
left out, every block tag one level deep. The report says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.importer.encoding import decode_bytes
from generator.importer.findings import Findings, Place, UnreadableSource
from generator.importer.limits import Limits, Steps, check_characters, check_tags
from generator.importer.source import SourceLine, SourceText
from generator.rules import CHINESE_CHARACTERS

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
_CJK_BREAK = re.compile(
    f"(?<=[{CHINESE_CHARACTERS}，。、；：！？”“])\\s*\\n\\s*"
    f"(?=[{CHINESE_CHARACTERS}，。、；：！？”“])"
)


def _codec_family(name: str) -> str:
    name = name.lower().replace("-", "").replace("_", "")
    if name in {"gb2312", "gbk", "gb18030", "cp936", "hz", "euccn", "xgbk"}:
        return "gb"
    if name in {"big5", "cp950", "big5hkscs"}:
        return "big5"
    if name in {"utf8", "utf8sig"}:
        return "utf8"
    return name


def read_html(
    path: Path, raw: bytes, *, keep_all: bool, limits: Limits, steps: Steps
) -> SourceText:
    """The page's blocks (only the article's unless ``keep_all``), title, date and encoding."""
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
    check_tags(path, len(_START_TAG.findall(markup)), limits)
    root, too_deep = _parse(path, markup)
    if too_deep:
        markup = _flatten(markup)
        root, _ = _parse(path, markup)
        findings.changes.append(_FLATTENED.format(line=too_deep))
    steps.check()
    blocks = _BlockCollector().collect(root)
    check_characters(path, sum(len(line.text) for line in blocks), limits)
    steps.check()
    title, published = _page_metadata(root, markup, blocks)
    lines = blocks if keep_all else _main_content(markup, blocks, title, findings, steps)
    return SourceText(path, "html", encoding, lines, title, published, findings)


_TOO_DEEP = "excessive depth"
"""What libxml2 says when it stops building the tree (and drops the rest of the page)."""
_FLATTENED = (
    "网页的标签从第 {line} 行起嵌套太深（超过 255 层，多半是旧网页里从不闭合的 <font> 等标签），"
    "按原样读取会丢掉后面的文字；已去掉所有格式标签、只按段落重新读取，文字都保留了，"
    "但导航和正文可能分得不准，请核对删去的内容。"
)


def _parse(path: Path, markup: str) -> tuple[object, int]:
    """The page's tree, and the line where libxml2 gave up for nesting too deep (0 if it
    did not)."""
    import lxml.html

    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except UnreadableSource:  # out of time
        raise
    except Exception:  # lxml raises several types (ParserError, ValueError) on broken pages
        raise UnreadableSource(path, "网页无法解析，文件可能已损坏。") from None
    too_deep = next((e.line or 1 for e in parser.error_log if _TOO_DEEP in e.message.lower()), 0)
    return root, too_deep


_START_TAG = re.compile(r"<[A-Za-z]")
"""Where a tag starts: counted before the page is parsed, to refuse one too large to read."""
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^<>]*>")
"""A start or end tag. ``[^<>]`` rather than ``[^>]``: a ``<`` never closed cannot make every
later tag scan to the end of the page."""
_KEPT_TAGS = frozenset(["html", "head", "body", "title", "meta", "br", "script", "style"])
"""Tags a flattened page keeps: the page's frame, and those whose content is code, never
nested (a script's text runs to its end tag)."""


def _flatten(markup: str) -> str:
    """``markup`` with every other tag left out and each block tag a paragraph of its own
    (a paragraph closes the one before): nothing nests more than three levels deep."""

    def level(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if name in _KEPT_TAGS:
            return match.group()
        if name in _BLOCK_TAGS:
            return "</p>" if match.group(1) else "<p>"
        return ""

    return _TAG.sub(level, markup)


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
    markup: str, blocks: list[SourceLine], title: str, findings: Findings, steps: Steps
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
    steps.check()
    if not extracted:
        findings.changes.append("没有识别出网页的正文部分，保留了网页上的全部文字。")
        return blocks
    article = _Article(re.sub(r"\s+", "", extracted))
    kept = []
    for line in blocks:
        steps.check()
        if line.text == title or article.holds(re.sub(r"\s+", "", line.text)):
            kept.append(line)
        else:
            findings.remove(
                line.place, line.text, "网页的导航、栏目、侧边栏或页脚（提取正文时去掉）"
            )
    return kept


class _Article:
    """The extracted article, searched for each block in page order.

    The article's blocks come in the page's order, so each is looked for just after the
    last one found; only a block not found there is looked for in the whole article.
    Those whole scans are budgeted: on a page of a hundred thousand navigation links one
    scan per link would take hours. A block not found is listed as removed, never lost.
    """

    _NEAR = 1_000
    """Characters after the last block found where the next one is looked for first."""
    _SCANS = 200
    """Whole-article scans allowed, as multiples of the article's length."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cursor = 0
        self.budget = self._SCANS * max(len(text), 1)

    def holds(self, block: str) -> bool:
        found = self.text.find(block, self.cursor, self.cursor + len(block) + self._NEAR)
        if found < 0 and self.budget > 0:
            self.budget -= len(self.text)
            found = self.text.find(block)
        if found < 0:
            return False
        self.cursor = found + len(block)
        return True
