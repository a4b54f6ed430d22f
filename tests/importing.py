"""What the `kb import` tests share: the sample project to import into, and ways to run the
command and read what it wrote."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from generator import cli
from tests.conftest import REPO

if TYPE_CHECKING:
    from generator.importer.limits import Limits

FIXTURES = REPO / "tests" / "fixtures" / "import"
SAMPLE_ENTRIES = {
    "river-community.yml",
    "hill-school.yml",
    "twice-monthly-study.yml",
    "study-session.yml",
}


def make_project(
    write_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, files: dict | None = None
) -> Path:
    """The sample project (with ``files`` added), as the current folder."""
    root = write_project(files or {})
    (root / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def run_import(*args: str | Path) -> Result:
    return CliRunner().invoke(cli.main, ["import", *map(str, args)], catch_exceptions=False)


def import_with_limits(
    *paths: Path, limits: Limits, kind: str = "case", capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """Run the import with ``limits`` lowered; its exit status and all it printed."""
    from generator.commands.import_ import import_files

    status = import_files(
        paths,
        kind=kind,
        org_type=None,
        themes=(),
        keep_all=False,
        report_file=None,
        content_dir=Path("content"),
        limits=limits,
    )
    said = capsys.readouterr()
    return status, said.out + said.err


def drafts(root: Path) -> dict[str, str]:
    """Every YAML file the import wrote, by name (the sample's own entries left out)."""
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted((root / "content").glob("*/*.yml"))
        if p.name not in SAMPLE_ENTRIES
    }


def only_draft(root: Path) -> str:
    found = drafts(root)
    assert len(found) == 1, found.keys()
    return next(iter(found.values()))


def body(text: str) -> str:
    """The draft without comments and whitespace, to look for the document's words."""
    return re.sub(
        r"\s+",
        "",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
