"""What the import stages tell the editor: removed spans, flags and changes, each with its place."""

from __future__ import annotations

from dataclasses import dataclass, field


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
