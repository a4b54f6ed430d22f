"""What the import stages tell the editor: removed spans, flags and changes, each with its place,
and why a document could not be imported at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import printable


class UnreadableSource(Exception):
    """A source file that cannot be imported; the message says why, in Chinese."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{printable(str(path))}：{message}")
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
