"""One parsed content file: its data, and where each value sits in it, so that every
message can name the file, line, column and key path of a problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KeyPath = tuple[str | int, ...]


Position = tuple[int, int]


@dataclass
class Document:
    """One parsed YAML file."""

    path: str
    """Repository-relative path, used in every message about this file."""
    content_path: str
    """Path relative to the content folder, such as ``cases/wangcun-community.yml``."""
    data: Any
    """The parsed value: plain dicts, lists and scalars."""
    positions: dict[KeyPath, Position] = field(default_factory=dict)
    """1-based (line, column) of each value, keyed by its path from the document root."""
    digest: str = ""
    """Checksum of the file's bytes: the same digest means the same document."""
    broken: bool = False
    """Reading found errors: ``data`` is only what could be read around them."""
    unreadable: set[KeyPath] = field(default_factory=set)
    """Fields that could not be read; checks say nothing more about them."""
    written: dict[KeyPath, str] = field(default_factory=dict)
    """How values that YAML reads as numbers or yes/no were written, and the comment that
    a value of nothing but a comment was, for messages."""
    key_positions: dict[KeyPath, Position] = field(default_factory=dict)
    """Where a field's name stands, for the fields whose value starts on a later line (a
    message about the field itself, such as a misspelt name, points at its name)."""

    def position(self, key_path: KeyPath) -> Position:
        """Position of ``key_path``, or of its nearest ancestor that exists in the file."""
        for end in range(len(key_path), -1, -1):
            found = self.positions.get(tuple(key_path[:end]))
            if found:
                return found
        return (1, 1)

    def is_unreadable(self, key_path: KeyPath) -> bool:
        """Whether ``key_path`` lies in a field that could not be read."""
        return any(key_path[: len(gone)] == gone for gone in self.unreadable)


def display_path(path: Path, root: Path) -> str:
    """Path as editors see it in the repository: relative to ``root``, forward slashes."""
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def format_key_path(key_path: KeyPath) -> str:
    """Key path as editors read it: ``sections[2].title``."""
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
