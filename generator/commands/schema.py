"""``kb schema``: regenerate the editors' JSON Schemas and the guide's field reference."""

from __future__ import annotations

from pathlib import Path

from generator.commands.new import read_taxonomy
from generator.docs import write_field_reference
from generator.schema import write_schemas


def update_schemas(content_dir: Path) -> list[Path]:
    """Rewrite what is out of date; return the files that changed."""
    taxonomy = read_taxonomy(content_dir)
    root = Path.cwd()
    return write_schemas(root, taxonomy) + write_field_reference(root)
