"""Import stage 2: undo what download and essay sites do to a text, and say what was undone.

Steps, in order: invisible characters and list bullets; pinyin glosses pasted after
characters (``創(chuàng)``), removed only where pypinyin confirms the reading; Traditional
to Simplified Chinese with OpenCC at phrase level; half-width punctuation inside Chinese
text; site boilerplate (page counters, download prompts, copyright blocks, related-essay
lists, breadcrumbs, URLs); the title's repeats; page-chunk breaks rejoined. Every span
left out is recorded with its place and reason; with ``keep_all`` nothing is left out
and the same spans are flagged instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.importer.findings import Findings, Place
from generator.importer.read import SourceText
from generator.rules import INVISIBLE

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
SENTENCE_END = "。！？；…”’」』）)】!?;："
"""What a paragraph that ends properly ends with (a colon introduces a list)."""
HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、．.](?!\d)"
    r"|第[一二三四五六七八九十]{1,3}[部分章节条])"
)


@dataclass
class Paragraph:
    """A paragraph of the document being imported."""

    text: str
    place: Place
    heading: int = 0
    """Heading level the source format declared; 0 if none."""
    joins: list[tuple[int, Place]] = field(default_factory=list)
    """Where lines joined onto this paragraph start: (offset in ``text``, their place)."""

    def place_at(self, offset: int) -> Place:
        """The source place of the character at ``offset``."""
        place = self.place
        for start, joined in self.joins:
            if start <= offset:
                place = joined
        return place

    def piece(self, start: int, end: int) -> Paragraph:
        """The part of this paragraph from ``start`` to ``end``, keeping its places."""
        joins = [(s - start, p) for s, p in self.joins if start < s < end]
        return Paragraph(self.text[start:end], self.place_at(start), self.heading, joins)


@dataclass
class Cleaned:
    """The document's paragraphs after cleaning, and what cleaning did."""

    paragraphs: list[Paragraph]
    findings: Findings
    traditional: bool = False
    """The source was in Traditional characters and was converted."""
    keep_all: bool = False
    removed_paragraphs: list[Paragraph] = field(default_factory=list)
    """Whole paragraphs left out, for later stages that look for metadata in them (dates)."""


def clean_source(source: SourceText, *, keep_all: bool = False) -> Cleaned:
    """Run the text-level cleaning steps over ``source``; titles and chunks come later."""
    findings = source.findings
    paragraphs = _normalize(source, findings)
    cleaned = Cleaned(paragraphs, findings, keep_all=keep_all)
    _remove_glosses(cleaned)
    _to_simplified(cleaned, is_big5=source.encoding.startswith("Big5"))
    _full_width_punctuation(cleaned)
    _remove_boilerplate(cleaned)
    return cleaned


def _drop(cleaned: Cleaned, paragraph: Paragraph, text: str, reason: str) -> bool:
    """Record ``text`` of ``paragraph`` as removed (or only flagged with ``keep_all``).

    Returns whether it is really removed.
    """
    if cleaned.keep_all:
        cleaned.findings.flag(paragraph.place, text, f"{reason}；按 --keep-all 保留")
        return False
    cleaned.findings.remove(paragraph.place, text, reason)
    return True


# --- characters ----------------------------------------------------------------------------

_INVISIBLE_CHARS = re.compile(f"[{INVISIBLE}]")
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_BULLET = re.compile(r"^\s*(?:[-*•·●▪◆■□○]|\d+\.(?=\s+\D)|\u2022)\s+")


def _normalize(source: SourceText, findings: Findings) -> list[Paragraph]:
    invisible = spaces = bullets = 0
    paragraphs = []
    for line in source.lines:
        text, count = _INVISIBLE_CHARS.subn("", line.text.replace("\t", " "))
        invisible += count
        text, count = _ODD_SPACES.subn(" ", text)
        spaces += count
        text = text.strip()
        text, count = _BULLET.subn("", text)
        bullets += count
        if text:
            paragraphs.append(Paragraph(text, line.place, line.heading))
    if invisible:
        findings.changes.append(f"删去看不见的字符（零宽空格、控制符等）{invisible} 个。")
    if spaces:
        findings.changes.append(f"不间断空格、全角空格等 {spaces} 个改为普通空格。")
    if bullets:
        findings.changes.append(f"去掉行首的列表符号（如“- ”“• ”）{bullets} 处，序号和文字都保留。")
    return paragraphs


# --- pinyin glosses --------------------------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_GLOSS = re.compile(f"([{CJK}])[(（]([a-z{_TONED}]{{1,7}})[)）]")


@functools.lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    """Every pinyin reading of ``char``, with tone marks and without."""
    from pypinyin import Style, pinyin

    toned = {r for group in pinyin(char, heteronym=True, style=Style.TONE) for r in group}
    plain = {r for group in pinyin(char, heteronym=True, style=Style.NORMAL) for r in group}
    return frozenset(r.replace("v", "ü") for r in toned | plain)


def is_gloss(char: str, gloss: str) -> bool:
    """Whether ``gloss`` is a pinyin reading of ``char`` (so ``創(chuàng)`` is, ``年(2008)`` is not)."""
    return gloss.replace("v", "ü") in _readings(char)


def _remove_glosses(cleaned: Cleaned) -> None:
    total = 0
    for paragraph in cleaned.paragraphs:
        if "(" not in paragraph.text and "（" not in paragraph.text:
            continue
        removed: list[str] = []

        def strip(match: re.Match[str], removed: list[str] = removed) -> str:
            char, gloss = match.groups()
            if is_gloss(char, gloss):
                removed.append(match.group())
                return char
            return match.group()

        text = _GLOSS.sub(strip, paragraph.text)
        for match in _GLOSS.finditer(text):
            if not is_gloss(*match.groups()):
                cleaned.findings.flag(
                    paragraph.place,
                    _around(text, match.start(), match.end()),
                    "括号里像拼音，却不是前一个字的读音，已保留；请核对这里是否有错字",
                )
        if not removed:
            continue
        total += len(removed)
        listed = "、".join(dict.fromkeys(removed))
        reason = f"拼音注音（括号里是前一个字的读音，共 {len(removed)} 处）"
        if cleaned.keep_all:
            cleaned.findings.flag(paragraph.place, listed, f"{reason}；按 --keep-all 保留")
        else:
            cleaned.findings.remove(paragraph.place, listed, reason)
            paragraph.text = text
    if total and not cleaned.keep_all:
        cleaned.findings.changes.append(
            f"删去拼音注音 {total} 处（只删确是前一个字读音的括号，年份、英文、序号等括号都保留）。"
        )


# --- Traditional to Simplified ------------------------------------------------------------------

_QUOTED_NAME = re.compile(r"[「『][^「」『』。，！？\n]{1,20}[」』]")
_TRADITIONAL_SHARE = 0.03
"""Share of characters OpenCC changes above which a document counts as Traditional; a
Simplified text with a stray Traditional character stays as it is."""


@functools.lru_cache(maxsize=1)
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=65536)
def _char_t2s(char: str) -> str:
    return _converter().convert(char)  # type: ignore[attr-defined]


def _to_simplified(cleaned: Cleaned, *, is_big5: bool) -> None:
    converter = _converter()
    texts = [p.text for p in cleaned.paragraphs]
    whole = "\n".join(texts)
    converted_whole = converter.convert(whole)  # type: ignore[attr-defined]
    cjk = len(_CJK_CHAR.findall(whole)) or 1
    changed = sum(1 for a, b in zip(whole, converted_whole, strict=False) if a != b)
    if not changed or (changed / cjk < _TRADITIONAL_SHARE and not is_big5):
        return
    cleaned.traditional = True
    phrases: dict[str, str] = {}
    for paragraph in cleaned.paragraphs:
        pieces = []
        last = 0
        for match in _QUOTED_NAME.finditer(paragraph.text):
            pieces.append(_convert_piece(paragraph.text[last : match.start()], phrases))
            name = match.group()
            if converter.convert(name) != name:  # type: ignore[attr-defined]
                cleaned.findings.flag(
                    paragraph.place,
                    name,
                    "引号中的名称保持原样，没有转为简体；若不是专名，请改为简体",
                )
            pieces.append(name)
            last = match.end()
        pieces.append(_convert_piece(paragraph.text[last:], phrases))
        paragraph.text = "".join(pieces)
    listed = "、".join(f"{a}→{b}" for a, b in list(phrases.items())[:12])
    note = f"；按词组而不是逐字转换的有：{listed}" if phrases else ""
    cleaned.findings.changes.append(
        f"繁体字转为简体（OpenCC 按词组转换，英文和数字不变），改动 {changed} 字{note}。"
    )


def _convert_piece(text: str, phrases: dict[str, str]) -> str:
    """``text`` in Simplified; words whose phrase conversion differs from a per-character
    one are collected in ``phrases`` (計畫 becomes 计划, not 计画)."""
    converted: str = _converter().convert(text)  # type: ignore[attr-defined]
    if len(converted) == len(text):
        per_char = "".join(_char_t2s(c) for c in text)
        if per_char != converted:
            for match in re.finditer(r"(?:.)", text):
                i = match.start()
                if per_char[i] != converted[i]:
                    start, end = max(0, i - 1), min(len(text), i + 2)
                    word = text[start:end]
                    if _CJK_CHAR.fullmatch(word[0]) and len(phrases) < 40:
                        phrases.setdefault(word, converted[start:end])
    return converted


# --- punctuation ---------------------------------------------------------------------------------

_HALF_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_NEAR_CJK = re.compile(
    f"(?<=[{CJK}”“）》])([,;:!?])(?=[{CJK}“《（]|$)|(?<=[{CJK}])([,;:!?])(?=\\s*\\S)"
)
_ASCII_QUOTED = re.compile(f'"([^"\\n]{{0,30}}[{CJK}][^"\\n]{{0,30}})"')
_QUESTION = re.compile(r"吗|呢|何|什么|怎|哪|谁|多少|是否|难道|为什么|如何")


def _full_width_punctuation(cleaned: Cleaned) -> None:
    count = 0
    for paragraph in cleaned.paragraphs:
        text = paragraph.text

        def widen(match: re.Match[str], text: str = text, paragraph: Paragraph = paragraph) -> str:
            nonlocal count
            mark = match.group(1) or match.group(2)
            if mark == "?":
                clause = re.split(r"[。！？，；]", text[: match.start()])[-1]
                near = text[max(0, match.start() - 3) : match.end() + 3]
                if any(_CJK_CHAR.fullmatch(c) and _is_rare(c) for c in near):
                    return mark  # part of a mis-decoded run, flagged as such later
                if not _QUESTION.search(clause):
                    cleaned.findings.flag(
                        paragraph.place,
                        _around(text, match.start(), match.end()),
                        "文字中间有问号，可能是一个无法显示的字；请对照原始材料补上",
                    )
                    return mark
            count += 1
            return _HALF_WIDTH[mark]

        text = _NEAR_CJK.sub(widen, text)
        text, quoted = _ASCII_QUOTED.subn(r"“\1”", text)
        count += quoted
        paragraph.text = text
    if count:
        cleaned.findings.changes.append(
            f'中文里的半角标点（, ; : ! ? 和 ""）改为全角：{count} 处。'
        )


# --- boilerplate ---------------------------------------------------------------------------------

_SPAN_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[_＿\s]*第\s*\d+\s*页$"), "下载站的页码标记"),
    (
        re.compile(
            r"已阅读\s*\d+\s*页[，,\s]*(?:还剩\s*\d+\s*页未读)?[，,\s]*(?:继续(?:免费)?阅读)?"
            r"|还剩\s*\d+\s*页未读[，,\s]*(?:继续(?:免费)?阅读)?|继续免费阅读|展开全文|全文阅读已结束"
        ),
        "下载站的阅读进度提示",
    ),
    (
        re.compile(
            r"PDF\s*转换可能丢失图片或格式[，,。\s]*(?:建议阅读原文)?|[，,\s]*建议阅读原文"
            r"|(?:点击)?(?:下载本文档|下载文档|下载全文|复制全文|免费下载)"
            r"|将本文的\s*Word\s*文档下载到电脑[^。\n]*|方便(?:收藏|编辑)和打印"
            r"|《[^》]{1,80}\.(?:docx?|pdf|txt|wps)》"
        ),
        "下载提示",
    ),
    (
        re.compile(r"[^。！？\n]*(?:下载频道|直接下载|详细请访问|欢迎访问)[^。！？\n]*[。！？]?"),
        "网站的推广文字",
    ),
    (re.compile(r"https?://[\x21-\x7e]+|www\.[\w-]+(?:\.[\w-]+)+[\x21-\x7e]*"), "网址"),
    (re.compile(r"人气\s*[:：]?\s*\d+|(?:阅读|浏览)(?:量|次数)?\s*[:：]\s*\d+"), "网页的阅读次数"),
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


def _remove_boilerplate(cleaned: Cleaned) -> None:
    kept: list[Paragraph] = []
    tail_start: str | None = None
    for paragraph in cleaned.paragraphs:
        text = paragraph.text
        if tail_start is not None:
            if _looks_like_prose(text):
                cleaned.findings.flag(
                    paragraph.place,
                    text[:40],
                    f"页尾区块（自“{tail_start}”起）之后又出现正文，已保留，请核对",
                )
                tail_start = None
            else:
                if _drop(cleaned, paragraph, text, f"页尾区块（自“{tail_start}”起）"):
                    cleaned.removed_paragraphs.append(paragraph)
                    continue
                kept.append(paragraph)
                continue
        if len(text) <= _SHORT and _TAIL_START.search(text):
            tail_start = text[:12]
            if _drop(cleaned, paragraph, text, "网站附加的相关链接或提示区块"):
                cleaned.removed_paragraphs.append(paragraph)
                continue
        for pattern, span_reason in _SPAN_RULES:
            for match in list(pattern.finditer(text)):
                if match.group().strip() and _drop(cleaned, paragraph, match.group(), span_reason):
                    text = text.replace(match.group(), " ", 1)
        if text != paragraph.text:
            text = re.sub(r"\s*[|｜]\s*$|^\s*[|｜]\s*", "", re.sub(r"\s{2,}", " ", text)).strip()
            if _ONLY_PUNCTUATION.match(text):
                if text:
                    cleaned.findings.remove(paragraph.place, text, "下载提示留下的标点")
                cleaned.removed_paragraphs.append(Paragraph(paragraph.text, paragraph.place))
                continue
        short = len(text) <= _SHORT
        reason = _line_rule(text) if short else None
        if reason is not None and _drop(cleaned, paragraph, text, reason):
            cleaned.removed_paragraphs.append(Paragraph(text, paragraph.place))
            continue
        if reason is None:
            paragraph.text = text
        if not short and _CHROME_WORD.search(text) and len(_CHROME_WORD.findall(text)) >= 2:
            cleaned.findings.flag(
                paragraph.place,
                text[:40],
                "这一段较长，保留了，但其中有“下载”“本站”等字样，可能夹着网站附加的文字",
            )
        kept.append(paragraph)
    cleaned.paragraphs = kept


def _line_rule(text: str) -> str | None:
    for pattern, reason in _LINE_RULES:
        if pattern.search(text):
            return reason
    if len(text) <= 80 and len(_BREADCRUMB_SEPARATORS.findall(text)) >= 2:
        return "网页的导航路径"
    return None


def _looks_like_prose(text: str) -> bool:
    return len(text) >= 80 and "。" in text and not _CHROME_WORD.search(text)


# --- title repeats and page chunks ---------------------------------------------------------------


def drop_title_repeats(cleaned: Cleaned, title: str) -> None:
    """Leave out the title line itself and its repeats (download sites print it on every page)."""
    compact = re.sub(r"\s+", "", title)
    if not compact:
        return
    kept = []
    seen = False
    for paragraph in cleaned.paragraphs:
        if re.sub(r"\s+", "", paragraph.text) == compact:
            if not seen:
                seen = True
                cleaned.findings.remove(
                    paragraph.place, paragraph.text, "文档标题（已写入 sources.title）"
                )
                cleaned.removed_paragraphs.append(paragraph)
                continue
            if _drop(cleaned, paragraph, paragraph.text, "与标题重复（下载站在每页开头重印标题）"):
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
    if glued and _drop(cleaned, first, title, "段首重复的标题"):
        rest = first.text[len(title) :]
        cut = len(first.text) - len(rest.lstrip())
        replaced = first.piece(cut, len(first.text))
        first.text, first.joins = replaced.text, replaced.joins


_CHUNK_NUMBER = re.compile(r"^(\d{1,3})[、.．]\s*")
_LONG = 60
"""Page chunks cut long paragraphs; a short line before a number is a heading or a list."""


def _ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in SENTENCE_END


def rejoin_chunks(cleaned: Cleaned) -> None:
    """Join paragraphs that a page break cut in the middle of a sentence.

    Download sites number their page chunks (``2、`` at the start of a line that goes on
    with the sentence before); such a number is removed and the halves joined. A list
    number after a finished sentence, a heading or a short line stays. Unnumbered breaks
    in the middle of a word are joined too.
    """
    paragraphs = cleaned.paragraphs
    chunk_numbers: list[tuple[int, int]] = []  # (paragraph index, number)
    for i in range(1, len(paragraphs)):
        previous, match = paragraphs[i - 1].text, _CHUNK_NUMBER.match(paragraphs[i].text)
        if (
            match is None
            or len(previous) < _LONG
            or (HEADING_START.match(previous) and len(previous) < 40)
        ):
            continue
        rest = paragraphs[i].text[match.end() :]
        cut = not _ends_sentence(previous) or rest[:1] in "，。、；：,.;:"
        number = int(match.group(1))
        if cut and (not chunk_numbers or number > chunk_numbers[-1][1]):
            chunk_numbers.append((i, number))
    if chunk_numbers and chunk_numbers[0][1] == 2:
        first = next(
            (j for j in range(chunk_numbers[0][0]) if _CHUNK_NUMBER.match(paragraphs[j].text)), None
        )
        if first is not None and int(_CHUNK_NUMBER.match(paragraphs[first].text).group(1)) == 1:  # type: ignore[union-attr]
            chunk_numbers.insert(0, (first, 1))
    joins = {index for index, _ in chunk_numbers if index > 0}
    result: list[Paragraph] = []
    for i, paragraph in enumerate(paragraphs):
        match = _CHUNK_NUMBER.match(paragraph.text)
        numbered = any(index == i for index, _ in chunk_numbers)
        if numbered and match:
            if cleaned.keep_all:
                cleaned.findings.flag(
                    paragraph.place,
                    match.group(),
                    "疑似分页块编号（句子在这里被截断）；按 --keep-all 保留",
                )
                result.append(paragraph)
                continue
            cleaned.findings.remove(
                paragraph.place, match.group().strip(), "分页块编号（下载站给每页文字加的序号）"
            )
            paragraph.text = paragraph.text[match.end() :]
            if i in joins and result:
                _join(cleaned, result[-1], paragraph)
                continue
        elif result and _cut_mid_word(result[-1].text, paragraph.text):
            if cleaned.keep_all:
                cleaned.findings.flag(
                    paragraph.place,
                    paragraph.text[:20],
                    "疑似在分页处断开的句子；按 --keep-all 未接上",
                )
            else:
                _join(cleaned, result[-1], paragraph)
                continue
        result.append(paragraph)
    cleaned.paragraphs = result


def _cut_mid_word(previous: str, text: str) -> bool:
    """A long paragraph ending in the middle of a word, followed by its continuation."""
    return (
        (len(previous) >= _LONG or "。" in previous)
        and bool(_CJK_CHAR.fullmatch(previous[-1]))
        and bool(_CJK_CHAR.match(text))
        and not HEADING_START.match(text)
        and not re.match(r"^[一二三四五六七八九十](?:是|要|方面)", text)
    )


def _join(cleaned: Cleaned, before: Paragraph, after: Paragraph) -> None:
    cleaned.findings.changes.append(
        f"{after.place.describe()}与上一段（{before.place.describe()}）接上：原文在分页处把句子断开了。"
    )
    offset = len(before.text)
    before.joins += [(offset, after.place), *((offset + s, p) for s, p in after.joins)]
    before.text += after.text


# --- suspicious spans ------------------------------------------------------------------------------

_TEMPLATE_PLACEHOLDER = re.compile(
    r"[*＊]{2,}\s*(?=[年月日区县市镇乡村省])|[xX×]{2,}\s*(?=[年月日区县市镇乡村省])"
)
_RARE_NEAR_DAMAGE = 4
_RUN_GAP = 8
"""Damaged characters this close together are one run."""


def flag_suspicious(cleaned: Cleaned) -> None:
    """Flag what may be damaged and is kept for the editor: mis-decoded runs, template
    placeholders, unpaired brackets, and a last sentence cut off."""
    for paragraph in cleaned.paragraphs:
        text = paragraph.text
        for match in _TEMPLATE_PLACEHOLDER.finditer(text):
            cleaned.findings.flag(
                paragraph.place_at(match.start()),
                _around(text, match.start(), match.end() + 1),
                "模板占位符：原文没有写出具体内容；请查原始材料补上，或如实写“原文未写明”",
            )
        for start, end in _damaged_runs(text):
            cleaned.findings.flag(
                paragraph.place_at(start),
                _around(text, start, end),
                "疑似编码错误造成的乱码（原文这几个字已损坏）；请对照原始材料改正",
            )
        for match in _rare_characters(text):
            cleaned.findings.flag(
                paragraph.place_at(match.start()),
                _around(text, match.start(), match.end()),
                f"“{match.group()}”是生僻字或异体字，请核对是否为错字",
            )
        opened = text.count("（") + text.count("(")
        closed = text.count("）") + text.count(")")
        if opened != closed:
            position = _first_unpaired(text)
            cleaned.findings.flag(
                paragraph.place_at(position),
                _around(text, position, position + 1),
                "括号不成对，这里可能丢了文字或标点",
            )
    if cleaned.paragraphs and not _ends_sentence(cleaned.paragraphs[-1].text):
        last = cleaned.paragraphs[-1]
        cleaned.findings.flag(
            last.place_at(len(last.text) - 1),
            last.text[-20:],
            "文档在句子中间结束，后面的内容可能缺失（网页只显示了部分文字）",
        )


def _is_rare(char: str) -> bool:
    """Outside GB 2312's 6,763 common characters: rare in a Simplified text."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _rare_characters(text: str) -> Iterable[re.Match[str]]:
    skipped = _damaged_runs(text) + [m.span() for m in _QUOTED_NAME.finditer(text)]
    for match in _CJK_CHAR.finditer(text):
        if _is_rare(match.group()) and not any(s <= match.start() < e for s, e in skipped):
            yield match


def _damaged_runs(text: str) -> list[tuple[int, int]]:
    """Stretches where a rare character sits next to signs of a wrong decoding: a question
    mark or replacement character, a stray Latin letter, or other rare characters."""
    runs: list[tuple[int, int]] = []
    for match in re.finditer(f"[{CJK}]", text):
        if not _is_rare(match.group()):
            continue
        start, end = match.start(), match.end()
        window = text[max(0, start - _RARE_NEAR_DAMAGE) : end + _RARE_NEAR_DAMAGE]
        others = sum(1 for c in window if _CJK_CHAR.fullmatch(c) and _is_rare(c)) - 1
        if re.search(r"[?\ufffd]|[A-Za-z]", window) or others > 0:
            if runs and start <= runs[-1][1] + _RUN_GAP:
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
    for match in re.finditer("\ufffd+", text):
        if not any(s <= match.start() < e for s, e in runs):
            runs.append((match.start(), match.end()))
    return runs


def _first_unpaired(text: str) -> int:
    depth: list[int] = []
    for i, char in enumerate(text):
        if char in "（(":
            depth.append(i)
        elif char in "）)":
            if not depth:
                return i
            depth.pop()
    return depth[0] if depth else 0


def _around(text: str, start: int, end: int, *, context: int = 8) -> str:
    """The span with a few characters either side, so the editor can find it."""
    before = text[max(0, start - context) : start]
    after = text[end : end + context]
    return f"{before}{text[start:end]}{after}"
