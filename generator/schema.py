"""JSON Schemas for editors, generated from the content model and the taxonomy.

Editors using the YAML language server (VS Code's YAML extension, for one) get
completion, hover help and inline errors from these files; each content file's
first line points at its schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.model import ENTRY_MODELS, Taxonomy

SCHEMA_DIR = "schemas"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def build_schemas(taxonomy: Taxonomy) -> dict[str, dict[str, Any]]:
    """Schema documents by file name: one per kind of entry, and one for the taxonomy."""
    schemas = {f"{kind}.schema.json": _entry_schema(kind, taxonomy) for kind in ENTRY_MODELS}
    schemas["taxonomy.schema.json"] = _model_schema(Taxonomy, "分类体系（主题与组织类型）")
    return schemas


def schema_texts(taxonomy: Taxonomy) -> dict[str, str]:
    return {
        name: json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        for name, schema in build_schemas(taxonomy).items()
    }


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
    model = ENTRY_MODELS[kind]
    schema = _model_schema(model, (model.__doc__ or "").split(":", 1)[0])
    properties = schema["properties"]
    _restrict(properties["org_type"], taxonomy.org_types)
    _restrict(properties["themes"]["items"], taxonomy.themes)
    return schema


def _restrict(schema: dict[str, Any], taxa: list[Any]) -> None:
    """Taxonomy ids become a pick list, each shown with its Chinese name."""
    schema["enum"] = [taxon.id for taxon in taxa]
    schema["enumDescriptions"] = [f"{taxon.name}：{taxon.description}" for taxon in taxa]
    schema["markdownEnumDescriptions"] = schema["enumDescriptions"]
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
    """Show each field's Chinese label as its title, as editors' tooltips display it."""
    for prop in schema.get("properties", {}).values():
        description = prop.get("description", "")
        if "：" in description:
            prop["title"] = description.split("：", 1)[0]
