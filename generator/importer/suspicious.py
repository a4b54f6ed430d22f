"""What may be damaged and is kept for the editor to decide about: mis-decoded runs, template
placeholders (``**年``, ``xx名``), rare and Traditional characters, unpaired brackets, and a
last sentence cut off."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from generator.importer.clean import QUOTED_NAME, simplified_char
from generator.importer.paragraphs import (
    CJK_CHAR,
    Cleaned,
    around,
    ends_sentence,
    is_rare,
    rare_chars,
    tail,
)

_PLACEHOLDER_BEFORE = "年月日区县市镇乡村省名人个位次期项家户篇场元万条所"
"""What a template's blank stands before: a date, a place, or a count (``**名党员``)."""
_TEMPLATE_PLACEHOLDER = re.compile(
    # Each run is tried from its start only (the look-behind), never from inside it.
    f"(?<![*＊])[*＊]{{2,}}\\s*(?=[{_PLACEHOLDER_BEFORE}])"
    f"|(?<![xX×])[xX×]{{2,}}\\s*(?=[{_PLACEHOLDER_BEFORE}])"
)
_RARE_NEAR_DAMAGE = 4
_RUN_GAP = 8
"""Damaged characters this close together are one run."""
_DECODING_DAMAGE = re.compile(r"[?\ufffd]")


def flag_suspicious(cleaned: Cleaned) -> None:
    """Flag each suspicious span with its place and what to do about it."""
    for paragraph in cleaned.each():
        text = paragraph.text
        for match in _TEMPLATE_PLACEHOLDER.finditer(text):
            cleaned.findings.flag(
                paragraph.place_at(match.start()),
                around(text, match.start(), match.end() + 1),
                "模板占位符：原文没有写出具体内容；请查原始材料补上，或如实写“原文未写明”",
            )
        runs = _damaged_runs(text)
        for start, end in runs:
            cleaned.findings.flag(
                paragraph.place_at(start),
                around(text, start, end),
                "疑似编码错误造成的乱码（原文这几个字已损坏）；请对照原始材料改正",
            )
        names = [m.span() for m in QUOTED_NAME.finditer(text)]
        if not cleaned.traditional:  # a Traditional text's names were flagged as it was converted
            for start, end in names:
                if any(simplified_char(c) != c for c in text[start:end]):
                    cleaned.findings.flag(
                        paragraph.place_at(start),
                        text[start:end],
                        "引号中的名称是繁体字，保持原样；若不是专名，请改为简体",
                    )
        for position, char in _rare_characters(text, _merged(runs + names)):
            simplified = simplified_char(char)
            cleaned.findings.flag(
                paragraph.place_at(position),
                around(text, position, position + 1),
                f"“{char}”是繁体字（简体为“{simplified}”），请核对是否应改为简体"
                if simplified != char
                else f"“{char}”是生僻字或异体字，请核对是否为错字",
            )
        opened = text.count("（") + text.count("(")
        closed = text.count("）") + text.count(")")
        if opened != closed:
            position = _first_unpaired(text)
            cleaned.findings.flag(
                paragraph.place_at(position),
                around(text, position, position + 1),
                "括号不成对，这里可能丢了文字或标点",
            )
    if cleaned.paragraphs and not ends_sentence(cleaned.paragraphs[-1].text):
        last = cleaned.paragraphs[-1]
        cleaned.findings.flag(
            last.place_at(len(last.text) - 1),
            tail(last.text, 20),
            "文档在句子中间结束，后面的内容可能缺失（网页只显示了部分文字）",
        )


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _rare_characters(text: str, skipped: list[tuple[int, int]]) -> Iterator[tuple[int, str]]:
    """Rare characters outside the ``skipped`` spans (sorted by start, not overlapping)."""
    starts = [start for start, _ in skipped]
    for match in rare_chars().finditer(text):
        position = match.start()
        index = bisect.bisect_right(starts, position) - 1
        if index >= 0 and position < skipped[index][1]:
            continue
        yield position, match.group()


def _damaged_runs(text: str) -> list[tuple[int, int]]:
    """Stretches where a rare character sits next to signs of a wrong decoding: a question
    mark or replacement character, a stray Latin letter, or other rare characters.

    A Traditional character (one OpenCC turns into another) is common in its own script:
    next to other Traditional ones, as in 三會一課, it is not a sign of damage, and only a
    question mark, a replacement character or a character rare in both scripts next to it
    makes it part of a damaged run.
    """
    runs: list[tuple[int, int]] = []
    for match in rare_chars().finditer(text):
        char = match.group()
        start, end = match.start(), match.end()
        window = text[max(0, start - _RARE_NEAR_DAMAGE) : end + _RARE_NEAR_DAMAGE]
        strange = sum(1 for c in window if _strange(c)) - _strange(char)
        traditional = simplified_char(char) != char
        signs = _DECODING_DAMAGE.search(window) or (
            not traditional and re.search(r"[A-Za-z]", window)
        )
        if signs or strange > 0:
            if runs and start <= runs[-1][1] + _RUN_GAP:
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
    starts = [start for start, _ in runs]
    for match in re.finditer("\ufffd+", text):
        index = bisect.bisect_right(starts, match.start()) - 1
        if index < 0 or match.start() >= runs[index][1]:
            runs.append(match.span())
    return sorted(runs)


def _strange(char: str) -> bool:
    """Rare in Simplified and no Traditional character either."""
    return bool(CJK_CHAR.fullmatch(char)) and is_rare(char) and simplified_char(char) == char


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
