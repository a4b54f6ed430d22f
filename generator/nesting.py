"""How deeply a content file may nest, checked before the YAML parser reads deep text.

Entries nest four or five levels (``results.figures[0].label``). A file nested
thousands of levels deep (a run of ``[`` or of ever deeper indentation, pasted or
generated) makes the pure-Python parser, which the loader falls back on to word
syntax errors, take minutes. :func:`too_deep` finds where such text goes beyond
:data:`MAX_NESTING` levels by looking at the lines alone, in one pass, and the
loader refuses the file there before any parser reads it.
"""

from __future__ import annotations

import re

from generator.errors import ContentError

MAX_NESTING = 50
"""Most levels of lists and mappings read, one inside another; entries need five."""

Position = tuple[int, int]

_ITEM = re.compile(r"[-?](?: +|$)")
"""A block list item ("- ") or explicit key ("? "): each opens a level on its line."""
_KEY = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s#'"\[\]{},][^#:]*?|)\s*:(?: +|$)""")
_PROPERTIES = re.compile(r"(?:[&!]\S*\s+)*")
"""An anchor or a tag written before a value."""
_BLOCK_TEXT = re.compile(r"[|>][0-9+-]*\s*(?:#.*)?$")


def too_deep(text: str) -> Position | None:
    """Line and column (1-based) where ``text`` first nests more than :data:`MAX_NESTING`
    levels, or ``None``.

    The count may come out above the parser's (a line of plain text continuing a value
    is never counted, a few odd constructions may count once too often) but never
    below it, so a file this passes cannot nest deeper than the bound.
    """
    blocks: list[tuple[int, int]] = []  # (column, 0 for a key, 1 for an item) of open levels
    flow = _Flow()
    text_owner = -1  # indentation of the line whose "|" or ">" text block is being skipped
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if flow.depth or flow.quote:
            found = flow.scan(line, 0, len(blocks))
            if found is not None:
                return number, found + 1
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if text_owner >= 0 and indent > text_owner:
            continue
        text_owner = -1
        at, levels = indent, []
        while item := _ITEM.match(line, at):
            levels.append((at, 1))
            at = item.end()
        key = _KEY.match(line, at)
        if key is not None and line[at : at + 1] not in "[{":
            levels.append((at, 0))
            at = key.end()
        if not levels:
            if line[at : at + 1] not in ("[", "{"):
                continue  # a line of text continuing a value above it
        else:
            while blocks and (blocks[-1][0], blocks[-1][1]) >= (indent, levels[0][1]):
                blocks.pop()
            for column, kind in levels:
                blocks.append((column, kind))
                if len(blocks) > MAX_NESTING:
                    return number, column + 1
        at = _PROPERTIES.match(line, at).end()  # type: ignore[union-attr]  # matches always
        if _BLOCK_TEXT.match(line, at):
            # Its text is indented more than the key or item that owns it.
            text_owner = levels[-1][0] if levels else indent
        elif line[at : at + 1] in ("[", "{"):
            found = flow.scan(line, at, len(blocks))
            if found is not None:
                return number, found + 1
    return None


class _Flow:
    """Brackets open in a ``[ ]`` or ``{ }`` value, which may run over several lines."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""

    def scan(self, line: str, start: int, outer: int) -> int | None:
        """Read ``line`` from ``start``; the 0-based column where nesting (``outer`` levels
        of blocks around the brackets) goes beyond the bound, or ``None``."""
        at = start
        before = "["  # the last character that is not a space: a quote opens a value only
        while at < len(line):
            char = line[at]
            if self.quote:
                if char == "\\" and self.quote == '"':
                    at += 1
                elif char == self.quote:
                    if self.quote == "'" and line[at + 1 : at + 2] == "'":
                        at += 1
                    else:
                        self.quote = ""
            elif char in "\"'" and before in "[{,:":
                self.quote = char
            elif char == "#" and (at == 0 or line[at - 1] in " \t"):
                return None  # a comment: the rest of the line
            elif char in "[{":
                self.depth += 1
                if outer + self.depth > MAX_NESTING:
                    return at
            elif char in "]}":
                self.depth = max(0, self.depth - 1)
                if not self.depth:
                    return None  # the value is closed; what follows is not read as brackets
            if char != " ":
                before = char
            at += 1
        return None


def nesting_problem(path: str, position: Position, *, key: str) -> ContentError:
    """The message for a file nested too deeply at ``position`` (under top-level field ``key``)."""
    return ContentError(
        path,
        *position,
        key,
        f"内容嵌套的层数过多（列表和字段一层套一层，超过了 {MAX_NESTING} 层），无法读取。",
        "条目的字段最多套四五层；请检查这一行附近是否误加了大量缩进、“- ”或方括号、花括号。",
    )
