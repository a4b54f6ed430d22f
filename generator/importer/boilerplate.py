"""What download and essay sites add to a text: page counters, reading progress, download
prompts, copyright blocks, related-essay lists, breadcrumbs, URLs, and the title printed
again on every page. Each span left out is recorded with its place and reason.

Every rule runs in time linear in the paragraph: some documents arrive as one line of
hundreds of kilobytes with no full stop, where a rule that re-scans the rest of the
sentence from every position takes minutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from generator.importer.paragraphs import Cleaned, Paragraph, drop, head

Span = tuple[int, int]
Finder = Callable[[str], Iterator[Span]]


def _matches(pattern: re.Pattern[str]) -> Finder:
    return lambda text: (match.span() for match in pattern.finditer(text))


_PROMOTION = re.compile(r"下载频道|直接下载|详细请访问|欢迎访问")
_SENTENCE_BREAK = re.compile(r"[。！？\n]")


def _promoting_sentences(text: str) -> Iterator[Span]:
    """Each whole sentence that holds a site's promotion, with its closing mark."""
    position = 0
    while found := _PROMOTION.search(text, position):
        # Back to where the sentence starts, but not into the span before: each stretch
        # of text is scanned once.
        start = max(
            position, *(text.rfind(mark, position, found.start()) + 1 for mark in "。！？\n")
        )
        close = _SENTENCE_BREAK.search(text, found.end())
        if close is None:
            end = len(text)
        else:
            end = close.start() if close.group() == "\n" else close.end()
        yield start, end
        position = max(end, found.end())


_SPAN_RULES: list[tuple[Finder, str]] = [
    (
        _matches(
            re.compile(
                r"第\s*\d+\s*页\s*[/，,]?\s*共\s*\d+\s*页|共\s*\d+\s*页\s*[/，,]?\s*第\s*\d+\s*页"
            )
        ),
        "下载站的页码标记",
    ),
    # The look-behind lets a run of blanks be tried once, from its start, not from each of
    # its characters; so below for runs of commas.
    (_matches(re.compile(r"(?<![_＿\s])[_＿\s]*第\s*\d+\s*页$")), "下载站的页码标记"),
    (
        _matches(
            re.compile(
                r"已阅读\s*\d+\s*页[，,\s]*(?:(?:还剩|剩余|剩下)\s*\d+\s*页未读)?[，,\s]*"
                r"(?:继续(?:免费)?阅读)?"
                r"|(?:还剩|剩余|剩下)\s*\d+\s*页未读[，,\s]*(?:继续(?:免费)?阅读)?"
                r"|继续免费阅读|展开全文|全文阅读已结束"
            )
        ),
        "下载站的阅读进度提示",
    ),
    (
        _matches(
            re.compile(
                r"PDF\s*转换可能丢失图片或格式[，,。\s]*(?:建议阅读原文)?|(?<![，,\s])[，,\s]*建议阅读原文"
                r"|(?:点击)?(?:下载本文档|下载文档|下载全文|复制全文|免费下载)"
                r"|将本文的\s*Word\s*文档下载到电脑[^。\n]*|方便(?:收藏|编辑)和打印"
                r"|《[^》]{1,80}\.(?:docx?|pdf|txt|wps)》"
            )
        ),
        "下载提示",
    ),
    (_promoting_sentences, "网站的推广文字"),
    (
        _matches(re.compile(r"https?://[\x21-\x7e]+|www\.[\w-]+(?:\.[\w-]+)+[\x21-\x7e]*")),
        "网址",
    ),
    (
        _matches(re.compile(r"人气\s*[:：]?\s*\d+|(?:阅读|浏览)(?:量|次数)?\s*[:：]\s*\d+")),
        "网页的阅读次数",
    ),
]
"""Spans removed wherever they stand; the rest of the paragraph stays."""

_SHORT = 150
"""Paragraphs longer than this are prose: a boilerplate word in them only raises a flag."""
_LINE_RULES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"^(?:(?:发布|更新|发表)?(?:时间|日期)|更新|发布于?|发表于)\s*[:：]?\s*"
            r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
        ),
        "网页的发布时间栏",
    ),
    (
        re.compile(
            r"版权(?:说明|所有|声明)|免责声明|不代表本站|来源于网友上传|侵权|举报|认领|本站|本网站"
            r"|客服|转载请注明|未经.{0,10}(?:许可|同意)"
        ),
        "版权或免责声明",
    ),
    (
        re.compile(
            r"下载频道|直接下载|详细请访问|欢迎参考|欢迎访问|扫码|关注(?:我们|公众号)|微信公众号"
        ),
        "网站的推广文字",
    ),
    (
        re.compile(r"VIP|会员权益|尊享|仅需\s*[\d.]+\s*元|免费使用|\d+\s*万(?:道|套|篇)"),
        "网站的会员广告",
    ),
    (re.compile(r"^(?:文档简介|内容简介|文档介绍|正文|目录)[:：]?$"), "下载站的栏目名"),
    (
        re.compile(
            r"^(?:首页|当前位置|您的位置|你的位置|主页)\s*[:：]?\s*(?:[/>»›＞]|\S{1,12}\s*[/>»›＞])"
        ),
        "网页的导航路径",
    ),
    (re.compile(r"^(?:评论|发表评论|提交评论|网友评论|我要评论|\d+\s*/\s*\d+)$"), "评论区"),
]
"""Short paragraphs removed whole when they match."""
_TAIL_START = re.compile(
    r"^温馨提示|相关(?:范文|文章|阅读|推荐|资料|文档|下载)|猜你喜欢|热门(?:文章|推荐)|推荐阅读|上一篇|下一篇"
)
"""Where a site's footer area begins: what follows is the site's, until real prose returns."""
_CHROME_WORD = re.compile(r"下载|本站|VIP|会员|版权|侵权|评论|点击|网友|客服|范文")
_BREADCRUMB_SEPARATORS = re.compile(r"\s[/>»›＞|｜]\s")
_ONLY_PUNCTUATION = re.compile(r"^[\s\W_]*$")


def remove_boilerplate(cleaned: Cleaned) -> None:
    """Leave out the site's spans, lines and footer blocks; flag long paragraphs that still
    look like the site's."""
    kept: list[Paragraph] = []
    tail_start: str | None = None
    for paragraph in cleaned.each():
        text = paragraph.text
        if tail_start is not None:
            if _looks_like_prose(text):
                cleaned.findings.flag(
                    paragraph.place,
                    head(text, 40),
                    f"页尾区块（自“{tail_start}”起）之后又出现正文，已保留，请核对",
                )
                tail_start = None
            else:
                if drop(cleaned, paragraph, text, f"页尾区块（自“{tail_start}”起）"):
                    cleaned.removed_paragraphs.append(paragraph)
                    continue
                kept.append(paragraph)
                continue
        if len(text) <= _SHORT and _TAIL_START.search(text):
            tail_start = text[:12]
            if drop(cleaned, paragraph, text, "网站附加的相关链接或提示区块"):
                cleaned.removed_paragraphs.append(paragraph)
                continue
        text = _remove_spans(cleaned, paragraph, text)
        if text != paragraph.text:
            text = re.sub(r"\s*[|｜]\s*$|^\s*[|｜]\s*", "", re.sub(r"\s{2,}", " ", text)).strip()
            if _ONLY_PUNCTUATION.match(text):
                if text:
                    cleaned.findings.remove(paragraph.place, text, "下载提示留下的标点")
                cleaned.removed_paragraphs.append(Paragraph(paragraph.text, paragraph.place))
                continue
        short = len(text) <= _SHORT
        reason = _line_rule(text) if short else None
        if reason is not None and drop(cleaned, paragraph, text, reason):
            cleaned.removed_paragraphs.append(Paragraph(text, paragraph.place))
            continue
        if reason is None:
            paragraph.text = text
        if not short and len(_CHROME_WORD.findall(text)) >= 2:
            cleaned.findings.flag(
                paragraph.place,
                head(text, 40),
                "这一段较长，保留了，但其中有“下载”“本站”等字样，可能夹着网站附加的文字",
            )
        kept.append(paragraph)
    cleaned.paragraphs = kept


def _remove_spans(cleaned: Cleaned, paragraph: Paragraph, text: str) -> str:
    """``text`` without the spans of :data:`_SPAN_RULES`, each recorded; one pass per rule."""
    for finder, reason in _SPAN_RULES:
        pieces: list[str] = []
        last = 0
        for start, end in finder(text):
            span = text[start:end]
            if span.strip() and drop(cleaned, paragraph, span, reason):
                pieces += [text[last:start], " "]
                last = end
        if pieces:
            pieces.append(text[last:])
            text = "".join(pieces)
    return text


def _line_rule(text: str) -> str | None:
    for pattern, reason in _LINE_RULES:
        if pattern.search(text):
            return reason
    if len(text) <= 80 and len(_BREADCRUMB_SEPARATORS.findall(text)) >= 2:
        return "网页的导航路径"
    return None


def _looks_like_prose(text: str) -> bool:
    return len(text) >= 80 and "。" in text and not _CHROME_WORD.search(text)


# --- the title, printed again -------------------------------------------------------------------


def drop_title_repeats(cleaned: Cleaned, title: str) -> None:
    """Leave out the title line itself and its repeats (download sites print it on every page)."""
    compact = re.sub(r"\s+", "", title)
    if not compact:
        return
    kept = []
    seen = False
    for paragraph in cleaned.each():
        if re.sub(r"\s+", "", paragraph.text) == compact:
            if not seen:
                seen = True
                cleaned.findings.remove(
                    paragraph.place, paragraph.text, "文档标题（已写入 sources.title）"
                )
                cleaned.removed_paragraphs.append(paragraph)
                continue
            if drop(cleaned, paragraph, paragraph.text, "与标题重复（下载站在每页开头重印标题）"):
                cleaned.removed_paragraphs.append(paragraph)
                continue
        kept.append(paragraph)
    cleaned.paragraphs = kept


def strip_glued_title(cleaned: Cleaned, title: str) -> None:
    """A title glued to the start of the first paragraph, as page-chunked copies print it."""
    if len(title) < 8 or not cleaned.paragraphs:
        return
    first = cleaned.paragraphs[0]
    glued = first.text.startswith(title) and len(first.text) > len(title)
    if glued and drop(cleaned, first, title, "段首重复的标题"):
        rest = first.text[len(title) :]
        cut = len(first.text) - len(rest.lstrip())
        replaced = first.piece(cut, len(first.text))
        first.text, first.joins = replaced.text, replaced.joins
