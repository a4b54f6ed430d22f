"""New-entry scaffolds, written from the content model so they never drift from it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel

from generator.fields import FieldSpec, field_specs
from generator.model import KINDS
from generator.quoting import double_quoted
from generator.rules import PLACEHOLDER

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/{kind}.schema.json"
_MAX_SLUG_SYLLABLES = 8


FALLBACK_SLUG = "entry"
"""The id of a title with nothing to spell in pinyin or Latin letters."""


def slug_from_title(title: str) -> str:
    """A readable ASCII id from a Chinese title: pinyin of the part before any colon."""
    # Imported here: the pinyin dictionaries take longer to load than the rest of kb new,
    # which needs them only when no id is given.
    from pypinyin import lazy_pinyin

    head = re.split(r"[：:]", title, maxsplit=1)[0].strip()
    if len(head) < 2:
        head = title
    words: list[str] = []
    for chunk in lazy_pinyin(head):
        words.extend(w for w in re.split(r"[^a-z0-9]+", chunk.lower()) if w)
    return "-".join(words[:_MAX_SLUG_SYLLABLES]) or FALLBACK_SLUG


def entry_path(content_dir: Path, kind: str, entry_id: str) -> Path:
    return content_dir / KINDS[kind].folder / f"{entry_id}.yml"


def render_scaffold(
    kind: str,
    *,
    entry_id: str,
    title: str,
    org_type: str | None = None,
    themes: list[str] | None = None,
    check_command: str,
) -> str:
    """The YAML text of a new entry or study pack: every field present, each with its
    Chinese explanation. Study packs have no ``org_type`` or ``themes``. ``check_command``
    is how the editor runs the check, which the text tells them to do."""
    given: dict[str, object] = {"id": entry_id, "kind": kind, "title": title}
    if org_type is not None:
        given["org_type"] = org_type
    if themes is not None:
        given["themes"] = themes
    lines = [
        SCHEMA_COMMENT.format(kind=kind),
        f"# 新的{KINDS[kind].label}。请把每个“{PLACEHOLDER}”换成实际内容；标注“可省略”的字段不需要时可以删除。",
        f"# 正文是纯文本，段与段之间空一行；写完后在项目文件夹中运行 {check_command} 检查。",
    ]
    lines += _render_fields(KINDS[kind].model, given, indent="")
    return "\n".join(lines) + "\n"


def _render_fields(
    model: type[BaseModel], given: Mapping[str, object], *, indent: str
) -> list[str]:
    lines: list[str] = []
    for spec in field_specs(model):
        lines.append(f"{indent}# {field_comment(spec)}")
        lines += _render_value(spec, given.get(spec.name), indent=indent)
    return lines


def field_comment(spec: FieldSpec) -> str:
    note = "" if spec.required or "可省略" in spec.help else "（可省略）"
    return f"{spec.label}{note}：{spec.help}" if spec.help else f"{spec.label}{note}"


def _render_value(spec: FieldSpec, value: object, *, indent: str) -> list[str]:
    key = f"{indent}{spec.name}:"
    if value is not None:
        if isinstance(value, list):
            return [f"{key} [{', '.join(map(str, value))}]"]
        return [f"{key} {yaml_scalar(str(value))}"]
    if spec.shape == "model" and spec.model is not None:
        return [key, *_render_fields(spec.model, {}, indent=indent + "  ")]
    if spec.shape == "list":
        if not spec.required:
            return [f"{key} []"]
        item_indent = indent + "  "
        if spec.item_shape == "model" and spec.model is not None:
            body = _render_fields(spec.model, {}, indent=item_indent + "  ")
            first = body.index(next(line for line in body if not line.lstrip().startswith("#")))
            leading = [f"{item_indent}{line.lstrip()}" for line in body[:first]]
            body[first] = f"{item_indent}- {body[first].lstrip()}"
            return [key, *leading, *body[first:]]
        return [key, f"{item_indent}- {PLACEHOLDER}{spec.label}"]
    if not spec.required:
        return [key]
    if spec.shape == "text":
        return [f"{key} |", f"{indent}  {PLACEHOLDER}{spec.help or spec.label}"]
    return [f"{key} {PLACEHOLDER}{spec.label}"]


def yaml_scalar(text: str) -> str:
    """Plain YAML scalars cannot start with some characters or contain ': '."""
    if re.search(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`“]|: | #|\s$", text):
        return double_quoted(text)
    return text
