"""Import stage 2: undo what download and essay sites do to a text, and say what was undone.

Steps, in order: invisible characters and list bullets; pinyin glosses pasted after
characters (``創(chuàng)``), removed only where pypinyin confirms the reading; Traditional
to Simplified Chinese with OpenCC at phrase level; half-width punctuation inside Chinese
text; site boilerplate (:mod:`~generator.importer.boilerplate`). Later stages go on with
the title's repeats, page-chunk breaks (:mod:`~generator.importer.chunks`) and what looks
damaged (:mod:`~generator.importer.suspicious`). Every span left out is recorded with
its place and reason; with ``keep_all`` nothing is left out and the same spans are
flagged instead.
"""

from __future__ import annotations

import functools
import re

from generator.importer.boilerplate import remove_boilerplate
from generator.importer.findings import Findings
from generator.importer.limits import Steps
from generator.importer.paragraphs import CJK_CHAR, Cleaned, Paragraph, around, is_rare
from generator.importer.source import SourceText
from generator.rules import CHINESE_CHARACTERS, INVISIBLE


def clean_source(source: SourceText, *, keep_all: bool, steps: Steps) -> Cleaned:
    """Run the text-level cleaning steps over ``source``; titles and chunks come later."""
    steps.start("整理文字（不可见字符、拼音注音、繁简转换、标点）")
    findings = source.findings
    paragraphs = _normalize(source, findings)
    cleaned = Cleaned(paragraphs, findings, steps, keep_all=keep_all)
    _remove_glosses(cleaned)
    _to_simplified(cleaned, is_big5=source.encoding.startswith("Big5"))
    _full_width_punctuation(cleaned)
    steps.start("去掉网站附加的文字")
    remove_boilerplate(cleaned)
    return cleaned


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
_GLOSS = re.compile(f"([{CHINESE_CHARACTERS}])[(（]([a-z{_TONED}]{{1,7}})[)）]")


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
    for paragraph in cleaned.each():
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
                    around(text, match.start(), match.end()),
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

QUOTED_NAME = re.compile(r"[「『][^「」『』。，！？\n]{1,20}[」』]")
_TRADITIONAL_SHARE = 0.03
"""Share of characters OpenCC changes above which a document counts as Traditional; a
Simplified text with a stray Traditional character stays as it is."""


@functools.lru_cache(maxsize=1)
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=65536)
def simplified_char(char: str) -> str:
    """``char`` in Simplified Chinese (itself when it is not a Traditional character)."""
    return _converter().convert(char)  # type: ignore[attr-defined]


def _to_simplified(cleaned: Cleaned, *, is_big5: bool) -> None:
    converter = _converter()
    texts = [p.text for p in cleaned.paragraphs]
    whole = "\n".join(texts)
    converted_whole = converter.convert(whole)  # type: ignore[attr-defined]
    cjk = len(CJK_CHAR.findall(whole)) or 1
    changed = sum(1 for a, b in zip(whole, converted_whole, strict=False) if a != b)
    if not changed or (changed / cjk < _TRADITIONAL_SHARE and not is_big5):
        return
    cleaned.traditional = True
    phrases: dict[str, str] = {}
    for paragraph in cleaned.paragraphs:
        pieces = []
        last = 0
        for match in QUOTED_NAME.finditer(paragraph.text):
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
        per_char = "".join(simplified_char(c) for c in text)
        if per_char != converted:
            for match in re.finditer(r"(?:.)", text):
                i = match.start()
                if per_char[i] != converted[i]:
                    start, end = max(0, i - 1), min(len(text), i + 2)
                    word = text[start:end]
                    if CJK_CHAR.fullmatch(word[0]) and len(phrases) < 40:
                        phrases.setdefault(word, converted[start:end])
    return converted


# --- punctuation ---------------------------------------------------------------------------------

_HALF_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_NEAR_CJK = re.compile(
    f"(?<=[{CHINESE_CHARACTERS}”“）》])([,;:!?])(?=[{CHINESE_CHARACTERS}“《（]|$)"
    f"|(?<=[{CHINESE_CHARACTERS}])([,;:!?])(?=\\s*\\S)"
)
_ASCII_QUOTED = re.compile(f'"([^"\\n]{{0,30}}[{CHINESE_CHARACTERS}][^"\\n]{{0,30}})"')
_QUESTION = re.compile(r"吗|呢|何|什么|怎|哪|谁|多少|是否|难道|为什么|如何")


def _full_width_punctuation(cleaned: Cleaned) -> None:
    count = 0
    for paragraph in cleaned.each():
        text = paragraph.text
        clauses = _Clauses(text)

        def widen(
            match: re.Match[str],
            text: str = text,
            paragraph: Paragraph = paragraph,
            clauses: _Clauses = clauses,
        ) -> str:
            nonlocal count
            mark = match.group(1) or match.group(2)
            if mark == "?":
                near = text[max(0, match.start() - 3) : match.end() + 3]
                if any(CJK_CHAR.fullmatch(c) and is_rare(c) for c in near):
                    return mark  # part of a mis-decoded run, flagged as such later
                if not clauses.asks(match.start()):
                    cleaned.findings.flag(
                        paragraph.place,
                        around(text, match.start(), match.end()),
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


class _Clauses:
    """Whether the clause up to a position asks a question, asked at rising positions: each
    part of the text is scanned once, however many question marks it holds."""

    _LONGEST_WORD = 3

    def __init__(self, text: str) -> None:
        self.text = text
        self.scanned = 0
        self.start = 0
        self.asked = False

    def asks(self, position: int) -> bool:
        """Whether the clause that ``position`` is in has a question word before it."""
        last = max(self.text.rfind(mark, self.scanned, position) for mark in "。！？，；")
        if last >= 0:
            self.start, self.asked = last + 1, False
            scan_from = self.start
        else:  # a word may straddle the last scanned position
            scan_from = max(self.start, self.scanned - self._LONGEST_WORD)
        if not self.asked and _QUESTION.search(self.text, scan_from, position):
            self.asked = True
        self.scanned = position
        return self.asked
