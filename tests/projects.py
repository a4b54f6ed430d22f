"""Copies of the sample project for fixtures shared by a module's tests (the ``sample_project``
fixture gives each test a copy of its own)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import REPO, SAMPLE


def copy_sample(root: Path) -> Path:
    """The sample project copied into ``root``, its mkdocs.yml using the repository's theme."""
    shutil.copytree(SAMPLE / "content", root / "content")
    config = (SAMPLE / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("../../../theme", str(REPO / "theme")), encoding="utf-8"
    )
    return root
