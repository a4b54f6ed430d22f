"""Sentences that a download site's page breaks cut in two, joined again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importer.paragraphs import (
    CJK_CHAR,
    HEADING_START,
    Cleaned,
    Paragraph,
    ends_sentence,
    head,
)

_CHUNK_NUMBER = re.compile(r"^(\d{1,3})[、.．]\s*")
_LONG = 60
"""Page chunks cut long paragraphs; a short line before a number is a heading or a list."""
_JOINS_LISTED = 30
"""Joins the report lists one by one; the rest are counted."""


def rejoin_chunks(cleaned: Cleaned) -> None:
    """Join paragraphs that a page break cut in the middle of a sentence.

    Download sites number their page chunks (``2、`` at the start of a line that goes on
    with the sentence before); such a number is removed and the halves joined. A list
    number after a finished sentence, a heading or a short line stays. Unnumbered breaks
    in the middle of a word are joined too.
    """
    chunk_numbers = _chunk_numbers(cleaned.paragraphs)
    numbered = set(chunk_numbers)
    result: list[_Joined] = []
    for i, paragraph in enumerate(cleaned.each()):
        match = _CHUNK_NUMBER.match(paragraph.text)
        if i in numbered and match:
            if cleaned.keep_all:
                cleaned.findings.flag(
                    paragraph.place,
                    match.group(),
                    "疑似分页块编号（句子在这里被截断）；按 --keep-all 保留",
                )
                result.append(_Joined(paragraph))
                continue
            cleaned.findings.remove(
                paragraph.place, match.group().strip(), "分页块编号（下载站给每页文字加的序号）"
            )
            paragraph.text = paragraph.text[match.end() :]
            if i > 0 and result:
                result[-1].join(paragraph)
                continue
        elif result and result[-1].cut_mid_word(paragraph.text):
            if cleaned.keep_all:
                cleaned.findings.flag(
                    paragraph.place,
                    head(paragraph.text, 20),
                    "疑似在分页处断开的句子；按 --keep-all 未接上",
                )
            else:
                result[-1].join(paragraph)
                continue
        result.append(_Joined(paragraph))
    cleaned.paragraphs = [joined.finish() for joined in result]
    joins = [note for joined in result for note in joined.notes]
    cleaned.findings.changes += joins[:_JOINS_LISTED]
    if len(joins) > _JOINS_LISTED:
        cleaned.findings.changes.append(
            f"另有 {len(joins) - _JOINS_LISTED} 处段落与上一段接上（原文在分页处把句子断开了），未逐一列出。"
        )


def _chunk_numbers(paragraphs: list[Paragraph]) -> list[int]:
    """Indexes of paragraphs that start with a page chunk's number, in rising order."""
    found: list[tuple[int, int]] = []  # (paragraph index, number)
    for i in range(1, len(paragraphs)):
        previous, match = paragraphs[i - 1].text, _CHUNK_NUMBER.match(paragraphs[i].text)
        if (
            match is None
            or len(previous) < _LONG
            or (HEADING_START.match(previous) and len(previous) < 40)
        ):
            continue
        rest = paragraphs[i].text[match.end() :]
        cut = not ends_sentence(previous) or rest[:1] in "，。、；：,.;:"
        number = int(match.group(1))
        if cut and (not found or number > found[-1][1]):
            found.append((i, number))
    if found and found[0][1] == 2:
        first = next(
            (j for j in range(found[0][0]) if _CHUNK_NUMBER.match(paragraphs[j].text)), None
        )
        if first is not None and int(_CHUNK_NUMBER.match(paragraphs[first].text).group(1)) == 1:  # type: ignore[union-attr]
            found.insert(0, (first, 1))
    return [index for index, _ in found]


@dataclass
class _Joined:
    """A paragraph and the ones joined onto it, put together once at the end (joining them
    one at a time would copy the growing text again for every piece)."""

    paragraph: Paragraph
    pieces: list[str] = field(default_factory=list)
    length: int = 0
    full_stop: bool = False
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pieces = [self.paragraph.text]
        self.length = len(self.paragraph.text)
        self.full_stop = "。" in self.paragraph.text

    def join(self, after: Paragraph) -> None:
        before = self.paragraph
        self.notes.append(
            f"{after.place.describe()}与上一段（{before.place.describe()}）接上：原文在分页处把句子断开了。"
        )
        before.joins += [
            (self.length, after.place),
            *((self.length + s, p) for s, p in after.joins),
        ]
        self.pieces.append(after.text)
        self.length += len(after.text)
        self.full_stop = self.full_stop or "。" in after.text

    def cut_mid_word(self, text: str) -> bool:
        """Whether this paragraph ends in the middle of a word that ``text`` goes on with."""
        last = next((piece for piece in reversed(self.pieces) if piece), "")
        return (
            (self.length >= _LONG or self.full_stop)
            and bool(last and CJK_CHAR.fullmatch(last[-1]))
            and bool(CJK_CHAR.match(text))
            and not HEADING_START.match(text)
            and not re.match(r"^[一二三四五六七八九十](?:是|要|方面)", text)
        )

    def finish(self) -> Paragraph:
        self.paragraph.text = "".join(self.pieces)
        return self.paragraph
