"""A ``#`` that YAML reads as the start of a comment where an editor meant text.

In a value written without quotes, a space followed by ``#`` starts a comment: the
rest of the line is dropped without a word (``summary: 第 #1名`` reads as ``第``).
Text cut that way would be published short, so it is refused with the cut shown; a
value that is nothing but a comment reads as empty, and the model's "not filled in"
message says why (see :func:`empty_by_comment`).
"""

from __future__ import annotations

import re

from yaml.nodes import ScalarNode

from generator.errors import ContentError
from generator.quoting import double_quoted, visible

_COMMENT_AFTER = re.compile(r"[ ]+(#[^\n]*)")
_EXAMPLE_MAX = 60
"""Longest value a hint spells out in quotes; a longer one is not repeated in full."""


def comment_after(text: str, end: int) -> re.Match[str] | None:
    """The comment that starts right after a plain value ending at offset ``end``."""
    return _COMMENT_AFTER.match(text, end)


def cut_by_comment(
    node: ScalarNode,
    comment: re.Match[str],
    *,
    path: str,
    key: str,
    name: str | int,
    severity: str = "error",
) -> ContentError:
    """The problem of the plain value ``node`` cut short by ``comment``, placed at the ``#``.

    ``name`` is the field's name (or a list item's index), for the line the hint shows.
    """
    value, cut = node.value, comment.group(1)
    whole = value + comment.group()
    spaces = comment.start(1) - comment.start()
    lead = f"{name}: " if isinstance(name, str) else "- "
    example = (
        f"，写成 {lead}{double_quoted(whole)}"
        if "\n" not in whole and len(whole) <= _EXAMPLE_MAX
        else "（连同“#”和它后面的文字）"
    )
    return ContentError(
        path,
        node.end_mark.line + 1,
        node.end_mark.column + spaces + 1,
        key,
        f"“#”前面有空格，YAML 把“{visible(cut)}”当作注释删掉了：网站上只会显示“{visible(value)}”。",
        f"如果“#”是内容的一部分，请给整个值加上英文双引号{example}；"
        "如果“#”后面是写给自己的备注，请把它移到单独的一行。",
        severity,
    )


def empty_by_comment(written: str | None, *, label: str, name: str | int) -> tuple[str, str]:
    """For a value that reads as empty because all of it was a comment (``written`` is the
    comment, as the loader kept it): the message, and the start of a hint. ``("", "")``
    for a value that was simply left empty."""
    if not written or not written.startswith("#"):
        return "", ""
    lead = f"{name}: " if isinstance(name, str) else "- "
    example = f"，写成 {lead}{double_quoted(written)}" if len(written) <= _EXAMPLE_MAX else ""
    return (
        f"“{label}”是空的：值以“#”开头，YAML 把“{visible(written)}”整个当作了注释。",
        f"如果“#”和它后面的文字是内容，请给它们加上英文双引号{example}；否则",
    )
