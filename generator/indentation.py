"""How far a line should be indented, for the syntax errors that indentation causes.

The parser only says that a line does not fit ("did not find expected key"). The
lines above show where it could fit: beside one of the fields or list items still
open at that point. When the line's indentation matches none of them, the advice
names the nearest ones, with their lines, so the editor knows how many spaces to type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.quoting import visible
from generator.syntax import LineIndex

_ITEM = re.compile(r"-(?: +|$)")
_KEY = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s#'"\[\]{},\-][^#:]*?)\s*:(?: +|$)""")
_BLOCK_TEXT = re.compile(r"[|>][0-9+-]*\s*(?:#.*)?$")

_KEY_KIND, _ITEM_KIND = 0, 1


@dataclass(frozen=True)
class _Opening:
    """A field name or a list item's "- " that starts a level, and where it stands."""

    column: int
    """0-based: how many spaces come before it."""
    kind: int
    line: int


def _openings(text: str, number: int) -> list[_Opening]:
    """The fields and list items that line ``number`` starts, in order along the line."""
    at, found = len(text) - len(text.lstrip(" ")), []
    while item := _ITEM.match(text, at):
        found.append(_Opening(at, _ITEM_KIND, number))
        at = item.end()
    if _KEY.match(text, at):
        found.append(_Opening(at, _KEY_KIND, number))
    return found


def _open_above(index: LineIndex, line: int) -> list[_Opening]:
    """The levels still open where ``line`` starts, outermost first, each with the last
    line that stood at it."""
    stack: list[_Opening] = []
    text_owner = -1  # column of the field whose "|" text is being passed over
    for number in range(1, line):
        text = index.line(number)
        stripped = text.lstrip(" ")
        indent = len(text) - len(stripped)
        if not stripped or stripped.startswith("#"):
            continue
        if text_owner >= 0 and indent > text_owner:
            continue
        text_owner = -1
        found = _openings(text, number)
        if not found:
            continue  # text going on from the value above
        first = found[0]
        while stack and (stack[-1].column, stack[-1].kind) >= (first.column, first.kind):
            stack.pop()
        stack.extend(found)
        if _BLOCK_TEXT.search(text):
            text_owner = found[-1].column
    return stack


def indent_advice(index: LineIndex, line: int) -> str:
    """How many spaces ``line`` should start with, when it starts a field or a list item
    at an indentation that none of the open levels above it has; "" otherwise (its
    indentation is one that fits, so the problem is something else)."""
    found = _openings(index.line(line), line)
    if not found:
        return ""
    first = found[0]
    fitting = [o for o in _open_above(index, line) if o.kind == first.kind]
    if not fitting or any(o.column == first.column for o in fitting):
        return ""
    distance = min(abs(o.column - first.column) for o in fitting)
    nearest = [o for o in reversed(fitting) if abs(o.column - first.column) == distance]
    options = "；或者".join(
        f"{_spaces(o.column)}，与第 {o.line} 行的{_name(index, o)}对齐" for o in nearest
    )
    return f"第 {line} 行缩进了 {first.column} 个空格；应当{options}。"


def _spaces(column: int) -> str:
    return f"缩进 {column} 个空格" if column else "顶格写"


def _name(index: LineIndex, opening: _Opening) -> str:
    if opening.kind == _ITEM_KIND:
        return "列表项“- ”"
    text = index.line(opening.line)[opening.column :]
    return f"字段名“{visible(text.partition(':')[0].strip(), limit=20)}”"
