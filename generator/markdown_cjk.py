"""A Markdown extension for Chinese prose (the editors' guide), in two parts.

- A line break inside a paragraph is not a space. Markdown turns the line breaks of a
  wrapped paragraph into spaces, which is right between English words and wrong between
  Chinese characters: the guide would show a stray gap after every wrapped line. This
  joins two lines without a space wherever the character before or after the break is
  Chinese (a character or a full-width punctuation mark). Code, pre-formatted text and
  raw HTML are left alone.
- A heading's anchor is its own words. Python-Markdown's table of contents drops every
  character that is not ASCII, so Chinese headings became ``#_1``, ``#_2``; with
  GitHub's rule (lower case, punctuation dropped, letters of any script kept, spaces
  as hyphens) they read ``#从已有材料导入``, the anchor GitHub gives the same heading of
  CONTRIBUTING.md.

Enabled in ``mkdocs.yml`` as ``generator.markdown_cjk``, after ``toc``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

_NOT_IN_ANCHOR = re.compile(r"[^\w\- ]")


def heading_anchor(text: str, separator: str) -> str:
    """``从已有材料导入`` for the heading 从已有材料导入: its words, as GitHub spells anchors
    (Python-Markdown's ``toc`` calls it with the heading's text and ``-``)."""
    return _NOT_IN_ANCHOR.sub("", text.strip().lower()).replace(" ", separator)


_CJK = (
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\u2018\u2019\u201c\u201d\u2026\u2014"
)
"""Chinese characters, full-width forms and the punctuation Chinese text uses."""
_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n[ \t]*|[ \t]*\n[ \t]*(?=[{_CJK}])")
_UNTOUCHED = {"code", "pre", "script", "style"}


class _JoinChineseLines(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._join(root)

    def _join(self, element: etree.Element) -> None:
        if element.tag in _UNTOUCHED:
            return
        if element.text:
            element.text = _BREAK.sub("", element.text)
        for child in element:
            self._join(child)
            if child.tail:
                child.tail = _BREAK.sub("", child.tail)


class ChineseLineBreaks(Extension):
    """Join wrapped lines of Chinese text without a space; anchor headings by their words."""

    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown's name
        # After inline patterns (priority 20 is "inline"), so emphasis and links are elements.
        md.treeprocessors.register(_JoinChineseLines(md), "kb-chinese-line-breaks", 5)
        if "toc" in md.treeprocessors:
            md.treeprocessors["toc"].slugify = heading_anchor


def makeExtension(**kwargs: object) -> ChineseLineBreaks:  # Python-Markdown's hook
    return ChineseLineBreaks(**kwargs)
