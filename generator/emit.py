"""The canonical text of an entry: what the editors' form writes, byte for byte.

An entry's values become YAML in the layout of the files in ``content/``: the schema
line, then every field that has a value in the model's order; text fields as ``|``
blocks, one-line values plain where YAML reads them back as the same text and in
double quotes where it would not, lists of ids and keywords in brackets, lists of text
one item a line. Read again (:mod:`generator.parse`), the text gives back the values,
up to the spaces around a text that ``kb check`` ignores; characters that would make the
file unreadable or mislead YAML (tabs, line separators, control characters, invisible
characters) are written as escapes in double quotes, so that ``kb check`` finds in the
file exactly what the form was given, and says the same about it.

The browser's copy of these rules is ``theme/assets/javascripts/kb-form-text.js``; the
two are pinned together by ``tests/test_form_contract.py``. The character classes and the
values YAML reads as something other than text are written into the site from here
(:func:`emit_rules`), so the browser never restates them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from generator.fields import field_specs
from generator.model import KINDS
from generator.parse import PLAIN_BOOLS, PLAIN_FLOAT, PLAIN_INT, PLAIN_NULLS, resolve_plain
from generator.rules import INVISIBLE, WHITESPACE
from generator.scaffold import SCHEMA_COMMENT

INDENT = "  "

_NOT_PRINTABLE = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff"
"""What YAML cannot hold unescaped (outside its printable set), line breaks aside."""
ESCAPED = rf"[\t\r\u0085\u2028\u2029\ufeff{_NOT_PRINTABLE}{INVISIBLE}]"
"""Characters written as escapes: tabs and line separators (which ``kb check`` reports as
layout mistakes wherever they stand), the byte order mark, what YAML cannot hold and what
a reader cannot see (refused by ``kb check`` as the invisible characters they are, so the
file should show them)."""
_INDICATORS = r"\-?:,\[\]{}#&*!|>'" + '"' + "%@`"
"""What a plain YAML value may not start with (escaped as a character class needs)."""
PLAIN_UNSAFE = (
    rf"^$|^[{WHITESPACE}{_INDICATORS}]|[{WHITESPACE}]$|:$|:[{WHITESPACE}]"
    rf"|[{WHITESPACE}]#|\n|{ESCAPED}"
)
"""A value that cannot be written plain after ``key: `` or ``- ``: it would start or end
differently, hold a comment or a mapping, or span lines."""
FLOW_UNSAFE = rf"{PLAIN_UNSAFE}|[,\[\]{{}}]"
"""A list item that cannot be written plain inside ``[ ]``."""
BLOCK_UNSAFE = rf"^[{WHITESPACE}]|^[{WHITESPACE}]*$|\r|{ESCAPED}"
"""A text that a ``|`` block cannot hold as it is: it starts with a space (a block would
need an indentation number), holds nothing but spaces, or holds a character to escape."""

_PLAIN_UNSAFE = re.compile(PLAIN_UNSAFE)
_FLOW_UNSAFE = re.compile(FLOW_UNSAFE)
_BLOCK_UNSAFE = re.compile(BLOCK_UNSAFE)
_ESCAPED = re.compile(f'[\\\\"\n]|{ESCAPED}')
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\r": "\\r", "\n": "\\n"}


def entry_file(kind: str, entry_id: str) -> str:
    """Where an entry's file goes, relative to the content folder: ``cases/wangcun.yml``."""
    return f"{KINDS[kind].folder}/{entry_id}.yml"


def entry_yaml(kind: str, data: Mapping[str, Any]) -> str:
    """The file text of the entry of ``kind`` holding ``data`` (plain values: text, lists,
    mappings; dates as text or ``datetime.date``)."""
    lines = [schema_line(kind)]
    lines += _fields(KINDS[kind].model, data, indent="")
    return "\n".join(lines) + "\n"


def schema_line(kind: str) -> str:
    """The first line of a file of ``kind``: where editors' tools find its schema."""
    return SCHEMA_COMMENT.format(kind=kind)


def _fields(model: type[BaseModel], data: Mapping[str, Any], *, indent: str) -> list[str]:
    lines: list[str] = []
    for spec in field_specs(model):
        value = data.get(spec.name)
        if _empty(value) and not spec.required:
            continue
        key = f"{indent}{spec.name}:"
        if spec.shape == "model" and spec.model is not None:
            lines += [key, *_fields(spec.model, value or {}, indent=indent + INDENT)]
        elif spec.shape == "list":
            lines += _list(key, spec.item_shape, spec.model, value or [], indent=indent)
        else:
            text = spec.shape == "text"
            lines += scalar_lines(key, value, block=text, lone=text, indent=indent + INDENT)
    return lines


def _list(
    key: str, item_shape: str, model: type[BaseModel] | None, items: list[Any], *, indent: str
) -> list[str]:
    if not items:
        return [f"{key} []"]
    if item_shape == "model" and model is not None:
        lines = [key]
        for item in items:
            body = _fields(model, item or {}, indent=indent + INDENT * 2)
            if not body:
                lines.append(f"{indent}{INDENT}- {{}}")
                continue
            lines.append(f"{indent}{INDENT}- {body[0].lstrip()}")
            lines += body[1:]
        return lines
    if item_shape != "text":  # ids, taxonomy ids, keywords: one line in brackets
        return [f"{key} [{', '.join(flow_item(item) for item in items)}]"]
    lines = [key]
    for item in items:
        lines += scalar_lines(
            f"{indent}{INDENT}-", item, block=True, lone=False, indent=indent + INDENT * 2
        )
    return lines


def scalar_lines(key: str, value: Any, *, block: bool, lone: bool, indent: str) -> list[str]:
    """``key`` and ``value``: a ``|`` block for ``block`` text that holds several lines, or
    one line when ``lone`` (a text field; a list's one-line items stay on their line)."""
    text = _text(value)
    body = text.rstrip("\n")  # a block ends in one line break, whatever the text ended in
    if block and ("\n" in body or lone) and not _BLOCK_UNSAFE.search(body):
        return [f"{key} |", *[f"{indent}{line}" if line else "" for line in body.split("\n")]]
    return [f"{key} {_inline(text, _PLAIN_UNSAFE)}"]


def flow_item(value: Any) -> str:
    return _inline(_text(value), _FLOW_UNSAFE)


def _inline(text: str, unsafe: re.Pattern[str]) -> str:
    if unsafe.search(text) or resolve_plain(text) is not text:
        return quoted(text)
    return text


def quoted(text: str) -> str:
    """``text`` in YAML's double quotes, every character that needs it escaped."""
    return '"' + _ESCAPED.sub(_escape, text) + '"'


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _text(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def emit_rules() -> dict[str, Any]:
    """What the browser's emitter needs to decide as this module does, as regular
    expression sources (JavaScript reads them with the ``u`` flag)."""
    return {
        "indent": INDENT,
        "plain_unsafe": js_pattern(PLAIN_UNSAFE),
        "flow_unsafe": js_pattern(FLOW_UNSAFE),
        "block_unsafe": js_pattern(BLOCK_UNSAFE),
        "escaped": js_pattern(f'[\\\\"\n]|{ESCAPED}'),
        "nulls": sorted(PLAIN_NULLS),
        "bools": sorted(PLAIN_BOOLS),
        "int": PLAIN_INT.pattern,
        "float": PLAIN_FLOAT.pattern,
    }


def js_pattern(pattern: str) -> str:
    r"""A Python pattern as JavaScript's ``u``-flag engine reads it: characters beyond the
    Basic Multilingual Plane as ``\u{...}``, lone surrogates escaped (a ``u`` pattern may
    not hold them raw, and JSON cannot carry them)."""
    return re.sub(
        r"[\ud800-\udfff]|[^\u0000-\uffff]",
        lambda m: f"\\u{{{ord(m.group()):x}}}",
        pattern,
    )
