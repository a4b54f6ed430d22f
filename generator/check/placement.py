"""Where a field belongs in a file: advice for a missing field, and for a field that
is missing only because its name is misspelt or its line is indented wrongly.

The model's own order (:func:`generator.model.field_specs`, the order ``kb new``
writes) says after which field a missing one goes; the mapping it belongs to says
how far to indent it. A key the model does not know, next to a missing field it
looks like, is one mistake, reported once at that key's line.
"""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel

from generator.errors import ContentError
from generator.fields import FieldSpec, field_label, field_specs, nested_model
from generator.load import Document, KeyPath, format_key_path
from generator.quoting import visible


def field_at(model: type[BaseModel], loc: KeyPath) -> tuple[type[BaseModel], str]:
    """The model class that declares the field named by ``loc``, and that field's name."""
    found: tuple[type[BaseModel], str] = (model, "")
    owner: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or owner is None:
            continue
        found = (owner, str(part))
        info = owner.model_fields.get(str(part))
        owner = nested_model(info.annotation) if info else None
    return found


def place_label(model: type[BaseModel], loc: KeyPath) -> str:
    """Which mapping ``loc`` is, in editors' words: ``sources[0]（来源第 1 项）``."""
    if not loc:
        return "条目的最外层"
    owner, name = field_at(model, loc)
    label = field_label(owner, name)
    if isinstance(loc[-1], int):
        label = f"{label}第 {loc[-1] + 1} 项"
    return f"“{format_key_path(loc)}”（{label}）"


def misplaced_fields(
    details: list[Any], model: type[BaseModel], document: Document
) -> tuple[list[ContentError], list[Any]]:
    """Problems for the unknown keys that are a missing field misspelt or mis-indented
    (each such pair is one problem), and the validation ``details`` left to translate."""
    missing = {tuple(d["loc"]): d for d in details if d["type"] == "missing"}
    paired: list[ContentError] = []
    used: set[int] = set()
    for i, detail in enumerate(details):
        if detail["type"] != "extra_forbidden":
            continue
        loc: KeyPath = tuple(detail["loc"])
        key = str(loc[-1])
        mis_indented = [m for m in missing if m[-1] == key and m[:-1] != loc[:-1]]
        if mis_indented:
            target = mis_indented[0]
            paired.append(_mis_indented(document, model, loc, target))
        else:
            owner, _ = field_at(model, (*loc[:-1], "?"))
            close = difflib.get_close_matches(key, list(owner.model_fields), n=1)
            target = (*loc[:-1], close[0]) if close else ()
            if target not in missing:
                continue
            paired.append(_misspelt(document, model, loc, target))
        used |= {i, details.index(missing.pop(target))}
    return paired, [d for i, d in enumerate(details) if i not in used]


def _misspelt(
    document: Document, model: type[BaseModel], loc: KeyPath, target: KeyPath
) -> ContentError:
    owner, name = field_at(model, target)
    return ContentError(
        document.path,
        *_key_position(document, loc),
        format_key_path(loc),
        f"不认识的字段“{visible(str(loc[-1]))}”；必填字段“{name}”（{field_label(owner, name)}）"
        "因此算作缺少。",
        f"是否想写“{name}”？请把“{visible(str(loc[-1]))}”改为“{name}”。",
    )


def _mis_indented(
    document: Document, model: type[BaseModel], loc: KeyPath, target: KeyPath
) -> ContentError:
    owner, name = field_at(model, target)
    line, column = _key_position(document, loc)
    parent = target[:-1]
    expected = _indent(document, parent)
    neighbour = _first_key(document, parent)
    beside = (
        f"，与第 {_key_position(document, neighbour)[0]} 行的“{neighbour[-1]}”对齐"
        if neighbour
        else ""
    )
    return ContentError(
        document.path,
        line,
        column,
        format_key_path(loc),
        f"字段“{name}”（{field_label(owner, name)}）的缩进不对：它缩进了 {column - 1} 个空格，"
        f"被读成了{place_label(model, loc[:-1])}里的字段，那里没有这个字段。",
        f"它属于{place_label(model, parent)}，这一行应当{_spaces(expected)}{beside}；"
        "它下面属于它的各行也要跟着调整缩进。",
    )


def missing_field(document: Document, model: type[BaseModel], loc: KeyPath) -> ContentError:
    """A required field that is not there, reported where it goes, with the line to add."""
    owner, name = field_at(model, loc)
    label = field_label(owner, name)
    message = f"缺少必填字段“{name}”（{label}）。"
    parent = loc[:-1]
    present = _mapping_at(document.data, parent)
    specs = field_specs(owner)
    spec = next((s for s in specs if s.name == name), None)
    if present is None or spec is None:
        line, column = document.position(loc)
        hint = f"请添加一行“{name}: ”并填写{label}。"
        return ContentError(document.path, line, column, format_key_path(loc), message, hint)
    order = [s.name for s in specs]
    before = [n for n in order[: order.index(name)] if n in present]
    after = [n for n in order[order.index(name) + 1 :] if n in present]
    indent = _indent(document, parent)
    if before:
        line = _key_position(document, (*parent, before[-1]))[0]
        where = f"第 {line} 行的“{before[-1]}”那一项后面"
    elif after:
        line = _key_position(document, (*parent, after[0]))[0]
        where = f"第 {line} 行的“{after[0]}”前面"
    else:
        line, _ = document.position(parent)
        where = f"第 {line} 行"
    first, rest = _line_to_add(spec, owner, indent)
    return ContentError(
        document.path,
        line,
        indent + 1,
        format_key_path(loc),
        message,
        f"请在{where}加上一行“{first}”（{_spaces(indent)}）{rest}",
    )


def _line_to_add(spec: FieldSpec, owner: type[BaseModel], indent: int) -> tuple[str, str]:
    """The line that starts field ``spec``, and what to write after it."""
    inner = f"缩进 {indent + 2} 个空格"
    what = spec.help.rstrip("。") or spec.label
    if spec.shape == "const":
        value = typing.get_args(owner.model_fields[spec.name].annotation)[0]
        return f"{spec.name}: {value}", "。"
    if spec.shape == "text":
        return f"{spec.name}: |", f"，再从下一行起{inner}写{what}。"
    if spec.shape == "model" and spec.model is not None:
        names = "、".join(s.name for s in field_specs(spec.model) if s.required)
        return f"{spec.name}:", f"，再从下一行起{inner}写它的字段（{names}）。"
    if spec.shape == "list" and spec.model is not None:
        first = field_specs(spec.model)[0].name
        return f"{spec.name}:", f"，再从下一行起{inner}，每一项以“- {first}: ”开头，写{what}。"
    if spec.shape == "list":
        return f"{spec.name}:", f"，再从下一行起{inner}，每一项以“- ”开头，写{what}。"
    return f"{spec.name}: ", f"，在冒号后面写{what}。"


def _spaces(indent: int) -> str:
    return f"前面 {indent} 个空格" if indent else "顶格写"


def _mapping_at(data: Any, path: KeyPath) -> dict[str, Any] | None:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data if isinstance(data, dict) else None


def _indent(document: Document, path: KeyPath) -> int:
    """Spaces before the keys of the mapping at ``path`` (its first key's column)."""
    return document.position(path)[1] - 1 if path in document.positions else 0


def _first_key(document: Document, path: KeyPath) -> KeyPath | None:
    return next(((*path, key) for key in _mapping_at(document.data, path) or {}), None)


def _key_position(document: Document, loc: KeyPath) -> tuple[int, int]:
    """Where the name of field ``loc`` stands: its line, and the column of its mapping."""
    line = (document.key_positions.get(loc) or document.position(loc))[0]
    return line, _indent(document, loc[:-1]) + 1
