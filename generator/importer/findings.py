"""What the import stages tell the editor: removed spans, flags and changes, each with its place,
and why a document could not be imported at all."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

_UNSHOWN = frozenset(["Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"])
"""Character categories a report shows as escapes: controls and line breaks would start a
new line or a terminal command, format characters (bidi overrides) would reorder the text."""


def shown(text: str) -> str:
    """``text`` as a report prints it: a newline, tab, carriage return or other invisible
    character in a file name shows as an escape (``\\n``), never as itself."""
    if text.isprintable():
        return text
    return "".join(
        _escape(char) if char == "\\" or unicodedata.category(char) in _UNSHOWN else char
        for char in text
    )


def _escape(char: str) -> str:
    simple = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
    if char in simple:
        return simple[char]
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


class UnreadableSource(Exception):
    """A source file that cannot be imported; the message says why, in Chinese."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{shown(str(path))}：{message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Place:
    """Where a span sits in the source document, as the editor can find it there."""

    number: int
    """1-based line (text and web pages), paragraph (Word) or page (PDF)."""
    unit: str = "行"
    """``行``, ``段`` or ``页``: what ``number`` counts."""

    def describe(self) -> str:
        return f"第 {self.number} {self.unit}"


@dataclass(frozen=True)
class Removal:
    """A span of the source left out of the draft, and why."""

    place: Place
    text: str
    reason: str
    """In Chinese, for the report."""


@dataclass(frozen=True)
class Flag:
    """A suspicious span kept in the draft for the editor to decide about."""

    place: Place
    text: str
    reason: str
    """In Chinese: what looks wrong and what to do."""


@dataclass
class Findings:
    """Everything one document's import removed, changed or found suspicious."""

    removals: list[Removal] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    """Conversions applied throughout (encoding, Simplified Chinese, punctuation), in Chinese."""

    def remove(self, place: Place, text: str, reason: str) -> None:
        if text.strip():
            self.removals.append(Removal(place, text.strip(), reason))

    def flag(self, place: Place, text: str, reason: str) -> None:
        self.flags.append(Flag(place, text.strip(), reason))
