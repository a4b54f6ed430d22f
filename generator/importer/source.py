"""What reading a document gives the later stages: its lines, each with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.importer.findings import Findings, Place

SUPPORTED = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
"""File extensions ``kb import`` reads, and the reader for each."""
FORMAT_NAMES = {"txt": "纯文本", "html": "网页", "docx": "Word 文档", "pdf": "PDF"}


@dataclass(frozen=True)
class SourceLine:
    """One line (or paragraph) of the source's text."""

    text: str
    place: Place
    heading: int = 0
    """Heading level the format itself declares (Word heading styles, HTML h1–h6); 0 if none."""


@dataclass
class SourceText:
    """A source document as lines of text, before any cleaning."""

    path: Path
    format: str
    """``txt``, ``html``, ``docx`` or ``pdf``."""
    encoding: str
    """How the text was encoded, in Chinese, including how that was found."""
    lines: list[SourceLine]
    title: str = ""
    """The title the file's own metadata gives (web page title, document properties)."""
    published: str = ""
    """A publication date from the file's metadata, as 2022-07-20, if it has one."""
    findings: Findings = field(default_factory=Findings)
