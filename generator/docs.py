"""The field reference in the editors' guide, generated from the content model.

``CONTRIBUTING.md`` holds the guide; the part between the two markers is
rewritten by ``kb schema`` and checked by the tests, so it never drifts from the
model. The site shows the same guide as its 编辑指南 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from generator.fields import field_specs
from generator.model import KINDS, Taxonomy

GUIDE_FILE = "CONTRIBUTING.md"
REFERENCE_START = "<!-- 字段说明开始：由 kb schema 根据内容模型生成，请勿手工修改 -->"
REFERENCE_END = "<!-- 字段说明结束 -->"


@dataclass(frozen=True)
class FieldRow:
    path: str
    """Key path with ``[]`` for list items, such as ``actions[].title``."""
    label: str
    required: bool
    help: str


def field_rows(model: type[BaseModel], prefix: str = "") -> list[FieldRow]:
    rows = []
    for spec in field_specs(model):
        path = f"{prefix}{spec.name}"
        rows.append(FieldRow(path, spec.label, spec.required, spec.help))
        if spec.model is not None:
            rows += field_rows(spec.model, f"{path}[]." if spec.shape == "list" else f"{path}.")
    return rows


def field_reference_markdown() -> str:
    parts = []
    for kind, model in ((k.name, k.model) for k in KINDS.values()):
        parts.append(
            f"### {KINDS[kind].label}（`kind: {kind}`，放在 `content/{KINDS[kind].folder}/`）\n"
        )
        parts.append("| 字段 | 名称 | 必填 | 说明 |\n|---|---|---|---|")
        for row in field_rows(model):
            parts.append(
                f"| `{row.path}` | {row.label} | {'是' if row.required else '否'} | {row.help} |"
            )
        parts.append("")
    parts.append("### 分类体系（`content/taxonomy.yml`）\n")
    parts.append("| 字段 | 名称 | 必填 | 说明 |\n|---|---|---|---|")
    for row in field_rows(Taxonomy):
        parts.append(
            f"| `{row.path}` | {row.label} | {'是' if row.required else '否'} | {row.help} |"
        )
    return "\n".join(parts) + "\n"


def guide_with_reference(guide: str) -> str:
    """The guide text with its generated section replaced by the current reference."""
    before, found, rest = guide.partition(REFERENCE_START)
    if not found:
        raise ValueError(f"{GUIDE_FILE} lacks the marker {REFERENCE_START}")
    _, _, after = rest.partition(REFERENCE_END)
    return f"{before}{REFERENCE_START}\n\n{field_reference_markdown()}\n{REFERENCE_END}{after}"


def write_field_reference(root: Path) -> list[Path]:
    path = root / GUIDE_FILE
    current = path.read_text(encoding="utf-8")
    updated = guide_with_reference(current)
    if updated == current:
        return []
    path.write_text(updated, encoding="utf-8")
    return [path]
