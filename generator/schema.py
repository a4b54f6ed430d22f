"""JSON Schemas for editors, generated from the content model and the taxonomy.

Editors using the YAML language server (VS Code's YAML extension, for one) get
completion, hover help and inline errors from these files; each content file's
first line points at its schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.model import KINDS, Taxonomy
from generator.rules import (
    INVISIBLE,
    PATTERN_RULES,
    PLACEHOLDER,
    VALID_DATE_PATTERN,
    VARIATION_SELECTORS,
)

SCHEMA_DIR = "schemas"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def build_schemas(taxonomy: Taxonomy) -> dict[str, dict[str, Any]]:
    """Schema documents by file name: one per kind of content file, and one for the taxonomy."""
    schemas = {f"{kind}.schema.json": _entry_schema(kind, taxonomy) for kind in KINDS}
    schemas["taxonomy.schema.json"] = _model_schema(Taxonomy, "分类体系（主题与组织类型）")
    return schemas


_UNSEEN = re.compile(f"[{INVISIBLE}{VARIATION_SELECTORS}]|[^\\u0000-\\uffff]")
"""Characters the schema files spell as JSON escapes (their patterns name some of them):
kept as they are, they would be invisible to whoever reads the file."""


def schema_texts(taxonomy: Taxonomy) -> dict[str, str]:
    return {
        name: _UNSEEN.sub(_json_escape, json.dumps(schema, ensure_ascii=False, indent=2)) + "\n"
        for name, schema in build_schemas(taxonomy).items()
    }


def _json_escape(found: re.Match[str]) -> str:
    """``\\uXXXX``, or a surrogate pair of them beyond U+FFFF, as JSON writes it."""
    return json.dumps(found.group())[1:-1]


def write_schemas(root: Path, taxonomy: Taxonomy) -> list[Path]:
    """Write the schemas under ``root/schemas``; return the files whose text changed."""
    folder = root / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    changed = []
    for name, text in schema_texts(taxonomy).items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def _entry_schema(kind: str, taxonomy: Taxonomy) -> dict[str, Any]:
    model = KINDS[kind].model
    schema = _model_schema(model, (model.__doc__ or "").split(":", 1)[0])
    properties = schema["properties"]
    if "org_type" in properties:  # entries; study packs list entries instead
        _restrict(properties["org_type"], taxonomy.org_types)
        _restrict(properties["themes"]["items"], taxonomy.themes)
    return schema


def _restrict(schema: dict[str, Any], taxa: list[Any]) -> None:
    """Taxonomy ids become a pick list, each shown with its Chinese name."""
    schema["enum"] = [taxon.id for taxon in taxa]
    schema["enumDescriptions"] = [f"{taxon.name}：{taxon.description}" for taxon in taxa]
    schema["markdownEnumDescriptions"] = schema["enumDescriptions"]
    listed = "、".join(f"{taxon.id}（{taxon.name}）" for taxon in taxa)
    schema["errorMessage"] = f"只能填写分类体系（taxonomy.yml）中已有的编号：{listed}。"
    schema.pop("pattern", None)


def _model_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema = {"$schema": _DIALECT, **schema, "title": title}
    schema.pop("description", None)
    for definition in schema.get("$defs", {}).values():
        definition.pop("description", None)
        _label_properties(definition)
    _label_properties(schema)
    return schema


def _label_properties(schema: dict[str, Any]) -> None:
    """Show each field's Chinese label as its title, as editors' tooltips display it, and
    word the editor's inline errors in Chinese (the YAML language server shows
    ``errorMessage`` and ``patternErrorMessage`` instead of its English messages)."""
    for prop in schema.get("properties", {}).values():
        description = prop.get("description", "")
        if "：" not in description:
            continue
        label, _, explanation = description.partition("：")
        prop["title"] = label
        _word_errors(prop, label, explanation)


def _word_errors(node: dict[str, Any], label: str, explanation: str) -> None:
    """Chinese messages on ``node`` and on the schemas inside it (list items, alternatives)."""
    if "$ref" in node:
        return  # a nested model: its own fields carry their messages
    message = f"“{label}”不符合要求：{explanation}"
    if node.get("type") == "string" and "not" in node and "pattern" in node["not"]:
        message += f"文字中不能有看不见的字符，也不能留着“{PLACEHOLDER}”。"
    if node.get("type") in {"string", "integer", "array"}:
        node["errorMessage"] = message
    pattern = node.get("pattern")
    if pattern == VALID_DATE_PATTERN:
        node["patternErrorMessage"] = f"“{label}”要写成 2022-07-20 的形式，并且是真实存在的日期。"
    elif pattern in PATTERN_RULES:
        what, hint = PATTERN_RULES[pattern]
        node["patternErrorMessage"] = f"“{label}”{what}。{hint}"
    for inner in [node.get("items"), *node.get("anyOf", [])]:
        if isinstance(inner, dict):
            _word_errors(inner, label, explanation)
