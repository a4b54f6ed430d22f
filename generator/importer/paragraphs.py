"""The document being imported as paragraphs, each knowing where in the source its text came
from; what the cleaning stages share (character classes, recording a removal)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.importer.findings import Findings, Place
from generator.importer.limits import Steps
from generator.rules import CHINESE_CHARACTERS, CHINESE_RANGES

CJK_CHAR = re.compile(f"[{CHINESE_CHARACTERS}]")
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
    """Where lines joined onto this paragraph start: (offset in ``text``, their place),
    in order of offset."""

    def place_at(self, offset: int) -> Place:
        """The source place of the character at ``offset``."""
        index = bisect.bisect_right(self.joins, offset, key=lambda join: join[0])
        return self.joins[index - 1][1] if index else self.place

    def piece(self, start: int, end: int) -> Paragraph:
        """The part of this paragraph from ``start`` to ``end``, keeping its places."""
        first = bisect.bisect_right(self.joins, start, key=lambda join: join[0])
        last = bisect.bisect_left(self.joins, end, key=lambda join: join[0])
        joins = [(s - start, p) for s, p in self.joins[first:last]]
        return Paragraph(self.text[start:end], self.place_at(start), self.heading, joins)


@dataclass
class Cleaned:
    """The document's paragraphs after cleaning, and what cleaning did."""

    paragraphs: list[Paragraph]
    findings: Findings
    steps: Steps
    """The stage being run, to stop one that takes too long."""
    traditional: bool = False
    """The source was in Traditional characters and was converted."""
    keep_all: bool = False
    removed_paragraphs: list[Paragraph] = field(default_factory=list)
    """Whole paragraphs left out, for later stages that look for metadata in them (dates)."""

    def each(self) -> Iterator[Paragraph]:
        """The paragraphs, for a stage to go through; checks the stage's time as it goes."""
        for paragraph in self.paragraphs:
            self.steps.check()
            yield paragraph


def drop(cleaned: Cleaned, paragraph: Paragraph, text: str, reason: str) -> bool:
    """Record ``text`` of ``paragraph`` as removed (or only flagged with ``keep_all``).

    Returns whether it is really removed.
    """
    if cleaned.keep_all:
        cleaned.findings.flag(paragraph.place, text, f"{reason}；按 --keep-all 保留")
        return False
    cleaned.findings.remove(paragraph.place, text, reason)
    return True


def ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in SENTENCE_END


@functools.cache
def rare_chars() -> re.Pattern[str]:
    """Chinese characters outside GB 2312's 6,763 common ones: rare in a Simplified text.
    One pattern, so a long text is searched for them at C speed."""
    common = set()
    for first in range(0xB0, 0xF8):
        for second in range(0xA1, 0xFF):
            common.add(bytes([first, second]).decode("gb2312", errors="ignore"))
    spans: list[list[int]] = []
    for low, high in CHINESE_RANGES:
        for code in range(low, high + 1):
            if chr(code) in common:
                continue
            if spans and spans[-1][1] == code - 1:
                spans[-1][1] = code
            else:
                spans.append([code, code])
    return re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in spans) + "]")


def is_rare(char: str) -> bool:
    return bool(rare_chars().fullmatch(char))


def around(text: str, start: int, end: int, *, context: int = 8) -> str:
    """The span with a few characters either side, so the editor can find it; where the
    quote starts or ends inside the paragraph, ``…`` says so."""
    before = text[max(0, start - context) : start]
    after = text[end : end + context]
    opening = "…" if start - context > 0 else ""
    closing = "…" if end + context < len(text) else ""
    return f"{opening}{before}{text[start:end]}{after}{closing}"


def head(text: str, length: int) -> str:
    """The start of ``text``, with ``…`` when it goes on."""
    return text if len(text) <= length else text[:length] + "…"


def tail(text: str, length: int) -> str:
    """The end of ``text``, with ``…`` when it starts earlier: a quote never seems to begin
    where the paragraph does when it does not."""
    return text if len(text) <= length else "…" + text[-length:]
