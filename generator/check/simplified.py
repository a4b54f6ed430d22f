"""Traditional characters on a Simplified site.

The site is written in Simplified Chinese (the theme's language is ``zh``, and
readers' Traditional queries are folded to Simplified). Two checks look at an
entry as Simplified text:

- the near-duplicate check (:mod:`generator.check.similar`) compares entries with their
  texts folded to Simplified (:func:`fold`, once per entry file, kept with what else
  was worked out from that file), so a Traditional copy of a case is found as its
  Simplified copy is;
- :func:`traditional_warnings` reports Traditional characters left in an entry,
  each with the Simplified form it takes there.

Both convert with OpenCC's Traditional-to-Simplified table, phrase by phrase (計畫
becomes 计划, 乾淨 becomes 干净, while 乾隆 and 著作 stay as they are). Most
entries hold no Traditional character at all: one scan for the characters OpenCC
would change decides, and only text that has one is converted.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from generator.check.placement import field_at
from generator.errors import ContentError
from generator.fields import field_label
from generator.load import Document, KeyPath, format_key_path
from generator.t2s import character_table, converter

KEPT_IN_SIMPLIFIED = "於夥蒐拚葯麴坏"
"""Characters OpenCC changes that the Simplified standard (通用规范汉字表) keeps in some
uses (於 and 麴 as surnames, 夥 for "many", 蒐 in 春蒐, 拚 in 拚弃, 葯 in 花葯), or that
OpenCC changes inside words Simplified text writes as they are (打坏 and 坏土, which
OpenCC reads as 打坯 and 坯土): never reported. Other variant forms OpenCC replaces (溼,
脣) are not standard Simplified characters either, and are reported with the Traditional
ones."""
PHRASE_ONLY = "哩沈甦瞭藉衹"
"""Characters OpenCC leaves alone by themselves but changes inside some words (瞭解 to
了解, 藉口 to 借口, 沈默 to 沉默; found by converting every pair of characters): a text
holding one is converted too. Two such are left out, as most Simplified texts hold them
and converting those would cost more than it finds: 坏, whose changes are never reported,
and 覆, which OpenCC changes only in a few words Simplified dictionaries also list (反覆,
答覆)."""
_FIELDS_AS_WRITTEN = {("sources", "document")}
"""Fields that name something as it is spelt elsewhere: a source's file name."""
_SHOWN = 10
"""Character pairs a warning lists before it only counts the rest."""
_FIELDS_SHOWN = 3
"""Fields of one file warned about one by one; the rest share one warning."""


@functools.lru_cache(maxsize=1)
def _changeable() -> re.Pattern[str]:
    """Any character OpenCC's table may change: those it changes standing alone, and those
    it changes only inside some words (:data:`PHRASE_ONLY`)."""
    return re.compile(f"[{re.escape(''.join(sorted(character_table())) + PHRASE_ONLY)}]")


def to_simplified(text: str) -> str:
    """``text`` in Simplified Chinese, phrase by phrase; ``text`` itself when it holds no
    character to convert."""
    if not _changeable().search(text):
        return text
    return str(converter().convert(text))


Folded = dict[KeyPath, str]
"""The Simplified form of each text of an entry that differs from it, by key path."""


def fold(data: Any, joined: str) -> Folded:
    """Every text in ``data`` that has a Simplified form other than itself, converted: the
    texts that hold a character to convert are converted together, in one call.
    ``joined`` is :func:`joined_texts` of ``data``."""
    gate = _changeable()
    if not gate.search(joined):
        return {}  # nearly every entry: one scan, without the walk that names each text
    found = [(key_path, text) for key_path, text in _texts(data, ()) if gate.search(text)]
    together = "\n".join(text for _, text in found)
    converted = str(converter().convert(together))
    if len(converted) == len(together):  # phrase conversion nearly always keeps the length
        pieces, at = [], 0
        for _, text in found:
            pieces.append(converted[at : at + len(text)])
            at += len(text) + 1
    else:
        pieces = [to_simplified(text) for _, text in found]
    return {
        key_path: piece
        for (key_path, text), piece in zip(found, pieces, strict=True)
        if piece != text
    }


def traditional_in(text: str, simplified: str) -> dict[str, str]:
    """The Traditional characters of ``text``, in the order found, each with the form it
    takes in ``simplified`` (``text`` folded)."""
    found: dict[str, str] = {}
    for before, after in _changed_pairs(text, simplified):
        if before not in KEPT_IN_SIMPLIFIED and not _compatibility(before):
            found.setdefault(before, after)
    return found


def _changed_pairs(text: str, converted: str) -> Iterator[tuple[str, str]]:
    if len(text) == len(converted):
        yield from ((a, b) for a, b in zip(text, converted, strict=True) if a != b)
        return
    matcher = difflib.SequenceMatcher(None, text, converted, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            yield from zip(text[i1:i2], converted[j1:j2], strict=True)


def _compatibility(char: str) -> bool:
    """CJK compatibility ideographs look like ordinary characters; they are not Traditional."""
    return "\uf900" <= char <= "\ufaff"


def traditional_warnings(
    document: Document, model: type[BaseModel], folded: Folded
) -> list[ContentError]:
    """A warning for each field of ``document`` that holds Traditional characters (``folded``
    is :func:`fold` of its data), naming the characters and their Simplified forms; past a
    few fields, one warning lists the rest."""
    found = []
    for key_path, simplified in folded.items():
        if tuple(p for p in key_path if isinstance(p, str)) in _FIELDS_AS_WRITTEN:
            continue
        pairs = traditional_in(_value_at(document.data, key_path), simplified)
        if pairs:
            found.append((key_path, pairs))
    warnings = [_warning(document, model, key_path, pairs) for key_path, pairs in found]
    if len(warnings) <= _FIELDS_SHOWN + 1:
        return warnings
    rest = found[_FIELDS_SHOWN:]
    places = "、".join(
        f"{format_key_path(key_path)}（第 {document.position(key_path)[0]} 行）"
        for key_path, _ in rest
    )
    return [
        *warnings[:_FIELDS_SHOWN],
        ContentError(
            document.path,
            *document.position(rest[0][0]),
            format_key_path(rest[0][0]),
            f"另有 {len(rest)} 个字段也有繁体字或异体字：{places}。",
            _WHY
            + "请把这些字段里的繁体字改为简体字。整个条目都是繁体字时，可以把全文复制到 Word 中，"
            "用“审阅”→“繁转简”转换后粘贴回来。",
            "warning",
        ),
    ]


def _value_at(data: Any, key_path: KeyPath) -> str:
    for part in key_path:
        data = data[part]
    return str(data)


_WHY = "本站是简体中文网站，读者也按规范的简体字检索；"


def _warning(
    document: Document, model: type[BaseModel], key_path: KeyPath, pairs: dict[str, str]
) -> ContentError:
    owner, name = field_at(model, key_path)
    label = field_label(owner, name) if name else "内容"
    if key_path and isinstance(key_path[-1], int):
        label = f"{label}第 {key_path[-1] + 1} 项"
    listed = "、".join(f"{a}→{b}" for a, b in list(pairs.items())[:_SHOWN])
    more = f"等 {len(pairs)} 个" if len(pairs) > _SHOWN else ""
    return ContentError(
        document.path,
        *document.position(key_path),
        format_key_path(key_path),
        f"“{label}”里有繁体字或异体字：{listed}{more}。",
        _WHY + "请改为箭头后面的字。",
        "warning",
    )


def _texts(value: Any, key_path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Every text in ``value``, with its key path."""
    if isinstance(value, str):
        yield key_path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*key_path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*key_path, i))


def joined_texts(data: Any) -> str:
    """Every text in ``data``, one after another, for checks that look for something in any
    of them: one scan of this is quicker than one of each."""
    strings: list[str] = []
    _collect(data, strings)
    return "\n".join(strings)


def _collect(value: Any, strings: list[str]) -> None:
    """Every text in ``value``, appended to ``strings``."""
    if isinstance(value, str):
        strings.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, strings)
    elif isinstance(value, list):
        for item in value:
            _collect(item, strings)
