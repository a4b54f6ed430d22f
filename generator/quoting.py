"""How messages quote an editor's text: short, on one line, with every character a reader
cannot see named (``<零宽空格 U+200B>``), so that what is wrong can be found."""

from __future__ import annotations

import re
from itertools import compress
from unicodedata import category

from generator.rules import INVISIBLE, VARIATION_SELECTORS

MAX_QUOTE = 40
"""Characters of an editor's text that a message quotes before cutting it off."""


_UNSEEN = re.compile(f"[{INVISIBLE}{VARIATION_SELECTORS}]")
"""What messages spell as ``<U+XXXX>`` besides control, format and space characters: the
blank-looking fillers and the variation selectors the content model refuses."""


def char_name(char: str) -> str:
    """``U+200B`` and, where Unicode has one, the character's name in Chinese readers' terms."""
    names = {
        "\u00a0": "不间断空格",
        "\u3000": "全角空格",
        "\u2028": "行分隔符",
        "\u2029": "段落分隔符",
        "\x85": "下一行符",
        "\t": "制表符",
        "\u200b": "零宽空格",
        "\u200c": "零宽非连接符",
        "\u200d": "零宽连接符",
        "\u2060": "字连接符",
        "\ufeff": "字节顺序标记",
        "\u00ad": "软连字符",
        "\u200e": "从左到右标记",
        "\u200f": "从右到左标记",
        "\u061c": "阿拉伯字母标记",
        "\u202a": "从左到右嵌入符",
        "\u202b": "从右到左嵌入符",
        "\u202c": "方向格式结束符",
        "\u202d": "从左到右覆盖符",
        "\u202e": "从右到左覆盖符",
        "\u2066": "从左到右隔离符",
        "\u2067": "从右到左隔离符",
        "\u2068": "方向隔离符",
        "\u2069": "方向隔离结束符",
        "\u3164": "韩文填充符",
        "\uffa0": "半角韩文填充符",
        "\u115f": "韩文声母填充符",
        "\u1160": "韩文韵母填充符",
        "\u2800": "盲文空白",
        "\u180e": "蒙古文元音分隔符",
        "\u034f": "组合字形连接符",
    }
    code = f"U+{ord(char):04X}"
    if char in names:
        return f"{names[char]}（{code}）"
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return f"变体选择符（{code}）"
    if "\U000e0000" <= char <= "\U000e007f":
        return f"标签字符（{code}）"
    return code


def visible(text: str, *, limit: int = MAX_QUOTE) -> str:
    """``text`` safe to quote in a message: invisible characters spelled out, long text cut."""
    shown = []
    for char in text[:limit]:
        if char == "\n":
            shown.append("↵")
        elif spelled_as_code(char):
            shown.append(f"<U+{ord(char):04X}>")
        else:
            shown.append(char)
    more = f"…（共 {len(text)} 字）" if len(text) > limit else ""
    return "".join(shown) + more


_CODE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"})
"""Control, format, surrogate, space, and line or paragraph separator characters."""


def spelled_as_code(char: str) -> bool:
    """Whether :func:`visible` spells ``char`` as ``<U+XXXX>``: control, format and space
    characters other than the space, and those :data:`_UNSEEN` names (a line break aside)."""
    return char in spelled_as_codes(char)


def spelled_as_codes(text: str) -> set[str]:
    """The characters of ``text`` that :func:`visible` spells as ``<U+XXXX>`` (a line break
    aside): :func:`spelled_as_code` for a whole text at once, as fast for a long one."""
    # Looped over in C: the editors' form asks this of every character of three planes.
    found = set(compress(text, map(_CODE_CATEGORIES.__contains__, map(category, text))))
    found.discard(" ")
    return found.union(_UNSEEN.findall(text))


def double_quoted(text: str) -> str:
    """One line of ``text`` as a double-quoted YAML value: backslashes and quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
