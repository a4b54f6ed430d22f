"""The file the editors' form writes: the repository's own layout, any text read back as typed,
and the same bytes from the browser as from Python."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from generator.emit import entry_file, entry_yaml
from generator.load import parse_document
from generator.model import KINDS
from tests.conftest import REPO

HOSTILE = {
    "double-quote": 'say "hi"',
    "single-quote": "it's",
    "hash-after-space": "第 #1 期",
    "hash-first": "#1",
    "colon-space": "地点: 北京",
    "colon-last": "如下:",
    "colon-first": ":开头",
    "leading-spaces": "  开头有空格",
    "trailing-spaces": "末尾有空格  ",
    "two-paragraphs": "第一段\n\n第二段",
    "second-line-indented": "第一行\n  第二行缩进",
    "full-width": "ＡＢＣ１２３：（全角）",
    "yes": "yes",
    "capital-no": "No",
    "true": "true",
    "null": "null",
    "tilde": "~",
    "number": "24",
    "decimal": "2019.10",
    "hex": "0x1F",
    "exponent": "1e3",
    "infinity": ".inf",
    "date": "2022-07-20",
    "date-and-time": "2022-07-20 10:00",
    "dash-first": "- 列表",
    "brackets": "[a, b]",
    "braces": "{a: 1}",
    "alias": "*ref",
    "anchor": "&ref",
    "tag": "!!str x",
    "pipe": "| 竖线",
    "greater-than": "> 大于",
    "percent": "%d",
    "at": "@某人",
    "backtick": "`代码`",
    "chinese-quotes": "“三学”活动",
    "backslashes": "C:\\资料\\文件",
    "escape-as-text": "\\n 不是换行",
    "document-start": "---",
    "document-end": "...",
    "markup": "<script>alert(1)</script>",
    "tab": "甲\t乙",
    "line-separator": "甲\u2028乙",
    "next-line": "甲\x85乙",
    "zero-width-space": "甲\u200b乙",
    "byte-order-mark": "\ufeff开头",
    "emoji": "☎\ufe0f电话",
    "beyond-the-basic-plane": "𠀀字",
    "ideographic-variant": "葛\U000e0100",
    "control-character": "甲\x07乙",
    "comma": "甲, 乙",
    "only-spaces": "   ",
    "blank-lines-around": "\n\n甲\n\n",
    "windows-line-end": "甲\r\n乙",
    "ideographic-space-first": "\u3000\u3000首行缩进",
}
"""Text an editor can type or paste, each of which YAML would misread if written naively."""

PLACES: dict[str, tuple[str, tuple[str | int, ...]]] = {
    "title": ("case", ("title",)),
    "background": ("case", ("background",)),
    "lesson": ("case", ("lessons", 0)),
    "keyword": ("case", ("keywords", 0)),
    "source-note": ("case", ("sources", 0, "note")),
    "pack-entry-note": ("pack", ("entries", 0, "note")),
}
"""Where text stands in a file: one line, a "|" block, a list item, an item in brackets."""


def _plain(value: Any) -> Any:
    """What the loader read, as the form holds values: dates as text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _read(kind: str, text: str) -> tuple[Any, list[str]]:
    document, problems = parse_document(
        text.encode(), path="x.yml", content_path=entry_file(kind, "x")
    )
    return _plain(document.data), [problem.format() for problem in problems]


def _base(kind: str) -> dict[str, Any]:
    if kind == "pack":
        return {"id": "x", "kind": "pack", "title": "t", "entries": [{"entry": "a"}]}
    return {
        "id": "x",
        "kind": "case",
        "title": "t",
        "lessons": ["l"],
        "keywords": ["k"],
        "sources": [{"document": "d", "title": "t"}],
    }


def _put(data: dict[str, Any], path: tuple[str | int, ...], value: str) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def test_every_content_file_is_written_back_byte_for_byte() -> None:
    """The form's layout is the repository's: each entry read and written again is the same file."""
    files = sorted((REPO / "content").glob("*/*.yml"))
    assert len(files) >= 10
    for path in files:
        kind = next(k.name for k in KINDS.values() if k.folder == path.parent.name)
        data, problems = _read(kind, path.read_text(encoding="utf-8"))
        assert problems == []
        assert KINDS[kind].folder == path.parent.name
        assert entry_yaml(kind, data) == path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_reads_back_as_typed(name: str, place: str) -> None:
    """Whatever the text, the written file parses without complaint and holds that text."""
    kind, path = PLACES[place]
    data = _base(kind)
    value = HOSTILE[name]
    _put(data, path, value)
    text = entry_yaml(kind, data)
    read, problems = _read(kind, text)
    assert problems == [], text
    # A "|" block ends in one line break, whatever the text ended in (kb check and the
    # schema both ignore the spaces around a text); any other value is exactly as typed.
    assert _get(read, path) in {value, value.rstrip("\n") + "\n"}


def test_empty_optional_fields_are_left_out_and_required_ones_kept() -> None:
    """An optional field without a value is not written; a required one stays, for kb check to name."""
    text = entry_yaml(
        "case", {"id": "x", "kind": "case", "unit_note": "", "keywords": [], "title": ""}
    )
    assert "unit_note" not in text and "keywords" not in text
    assert 'title: ""' in text and "actions: []" in text
