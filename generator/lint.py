"""What editors paste or type that YAML misreads without a clear complaint: tabs,
invisible line separators, non-breaking or full-width spaces used as indentation or after
a colon, a dash look-alike used as a list marker. Each is reported at its own line and
neutralised character for character, so every position stays true and the parser can go
on to find the rest (:mod:`generator.syntax` rewords what it still finds).

Lines count only "\\n" as a line break, as editors' editors do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.errors import ContentError
from generator.quoting import char_name

_SEPARATORS = "\x85\u2028\u2029"


_ODD_SPACES = "\u00a0\u3000\u2000-\u200a\u202f\u205f"


_LOOKALIKE_DASHES = "–—−－‐‑•·・●▪*"
"""Marks editors put before list items that YAML does not take for its "- " (``*`` as in
Markdown: a YAML value can never begin with "* ")."""


_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


_SUSPECT_CHARACTERS = re.compile(rf"[\t{_SEPARATORS}{_ODD_SPACES}{_ZERO_WIDTH}]")


_SUSPECT_DASH = re.compile(rf"[{_LOOKALIKE_DASHES}][ {_ODD_SPACES}]")
"""Two quick looks for what :func:`lint_text` reports (most files have none of it); plain
character classes, which the regular expression engine scans for fastest."""


_INDENT = re.compile(rf"^[ {_ODD_SPACES}]+")


_AFTER_COLON = re.compile(rf"^( *(?:- )*[A-Za-z_][\w-]*:)([{_ODD_SPACES}]+)")


_DASH = re.compile(rf"^( *)([{_LOOKALIKE_DASHES}])([ {_ODD_SPACES}])")


_DASH_ODD_SPACE = re.compile(rf"^( *)-([{_ODD_SPACES}])")


_HIDDEN_AT_START = re.compile(rf"^( *(?:- )?)([{_ZERO_WIDTH}]+)")


BLOCK_INDICATOR = re.compile(r":\s+[|>][0-9+-]*\s*(?:#.*)?$|^\s*-\s+[|>][0-9+-]*\s*(?:#.*)?$")


WIDE_COLON_KEY = re.compile(r"^ *(?:- )*([A-Za-z_][\w-]*)\s*：")


NO_SPACE_KEY = re.compile(r"^ *(?:- )*([A-Za-z_][\w-]*):(?=[^\s/])")


@dataclass
class Linted:
    """Text ready for the parser, and what was wrong with it."""

    text: str
    problems: list[ContentError] = field(default_factory=list)


def lint_text(text: str, *, path: str) -> Linted:
    """Report what YAML would misread in ``text``; return a same-length text it reads as meant."""
    linted = Linted(text)
    if not _SUSPECT_CHARACTERS.search(text) and not _SUSPECT_DASH.search(text):
        return linted
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        lines[number - 1] = _lint_line(line, number, lines, linted, path=path)
    linted.text = "\n".join(lines)
    return linted


def _lint_line(line: str, number: int, lines: list[str], linted: Linted, *, path: str) -> str:
    def report(column: int, message: str, hint: str) -> None:
        linted.problems.append(ContentError(path, number, column, "", message, hint))

    if "\t" in line:
        report(
            line.index("\t") + 1,
            "这一行含有制表符（Tab），YAML 只能用空格缩进和对齐。",
            "请把 Tab 换成空格（缩进每级两个空格）；VS Code 可在右下角把“制表符”改为“空格”。",
        )
        line = line.replace("\t", " ")
    separator = next((c for c in line if c in _SEPARATORS), None)
    if separator is not None:
        report(
            line.index(separator) + 1,
            f"这一行含有看不见的{char_name(separator)}，YAML 会把它当作换行。",
            "请删除这个字符（VS Code 会把它标出来）；它常随从网页、Word 或 PDF 复制来的文字混入。"
            "确实要分段时，请用普通的换行并空一行。",
        )
        line = re.sub(f"[{_SEPARATORS}]", " ", line)
    if in_block_scalar(lines, number - 1):
        return line  # text of a "|" block: any character is content there
    hidden = _HIDDEN_AT_START.match(line)
    if hidden:
        report(
            len(hidden.group(1)) + 1,
            f"这一行开头有看不见的{char_name(hidden.group(2))}，YAML 因此读不出这一行的字段。",
            "请删除这个字符（把光标移到行首，删掉字段名前面的内容后重新输入缩进）；"
            "它常随从网页、Word 或 PDF 复制来的文字混入。",
        )
        # Moved to the end of the line, where it is harmless: the text keeps its length.
        line = hidden.group(1) + line[hidden.end() :] + " " * len(hidden.group(2))
    indent = _INDENT.match(line)
    odd = next((c for c in indent.group() if c != " "), None) if indent else None
    if indent and odd is not None:
        report(
            indent.group().index(odd) + 1,
            f"这一行的缩进用了{char_name(odd)}，YAML 只认英文空格。",
            "请删掉这一行开头的空白，重新用英文空格缩进（每级两个空格）。",
        )
        line = " " * len(indent.group()) + line[len(indent.group()) :]
    colon = _AFTER_COLON.match(line)
    if colon:
        report(
            len(colon.group(1)) + 1,
            f"冒号后面用了{char_name(colon.group(2)[0])}，YAML 要求冒号后面是英文空格。",
            f"请把“{colon.group(1)}”后面的空白换成一个英文空格。",
        )
        line = colon.group(1) + " " * len(colon.group(2)) + line[colon.end() :]
    spaced = _DASH_ODD_SPACE.match(line)
    if spaced:
        report(
            len(spaced.group(1)) + 2,
            f"列表项的“-”后面用了{char_name(spaced.group(2))}，YAML 要求“-”后面是英文空格。",
            "请把“-”后面的空白换成一个英文空格。",
        )
        line = spaced.group(1) + "- " + line[spaced.end() :]
    dash = _DASH.match(line)
    if dash:
        report(
            len(dash.group(1)) + 1,
            f"列表项以“{dash.group(2)}”（{char_name(dash.group(2))}）开头，YAML 只认英文减号。",
            "列表的每一项要以英文减号加空格“- ”开头，请替换这个符号。",
        )
        line = dash.group(1) + "- " + line[dash.end() :]
    return line


def in_block_scalar(lines: list[str], index: int) -> bool:
    """Whether line ``index`` (0-based) is text inside a ``key: |`` or ``key: >`` block.

    Walking up, only lines less indented than everything seen so far can own this
    one; the block indicator must be on one of them.
    """
    smallest = indentation(lines[index])
    for number in range(index - 1, -1, -1):
        above = lines[number]
        if not above.strip():
            continue
        depth = indentation(above)
        if depth < smallest:
            if BLOCK_INDICATOR.search(above):
                return True
            smallest = depth
        if smallest == 0:
            return False
    return False


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
