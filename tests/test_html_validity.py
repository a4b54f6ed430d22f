"""Every page of the built site, 404 included, checked with the Nu HTML checker (vnu.jar)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

ALLOWED = {
    # Material's base.html: its drawer and search toggles are
    # <input type="checkbox" autocomplete="off">, so that browsers do not restore a toggled
    # state on reload; HTML allows autocomplete only on text-like inputs. Not in our
    # templates (we would have to copy base.html to change it); harmless to readers.
    "Attribute “autocomplete” is only allowed when the input type is",
}
"""Starts of error messages that are known, each with why it is left."""


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "没有找到 java：Nu HTML 检查器（vnu.jar）需要 Java 运行环境。"
            "请运行 bash scripts/bootstrap.sh --browser（会用 apt-get 安装 default-jre-headless），"
            "或手动安装：sudo apt-get install default-jre-headless"
        )
    if not VNU.is_file():
        pytest.fail(f"没有找到 {VNU}：请先运行 bash scripts/bootstrap.sh --browser（npm ci）。")
    return java


def _errors(java: str, files: list[Path]) -> list[dict]:
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return [m for m in json.loads(result.stderr)["messages"] if m["type"] == "error"]


def test_no_html_error_from_our_templates(real_site: Path) -> None:
    """The Nu checker finds no error in any page but the known ones of Material's templates."""
    pages = sorted(real_site.rglob("*.html"))
    assert real_site / "404.html" in pages
    errors = _errors(_java(), pages)
    left = [
        (m["url"].rsplit("/site/", 1)[-1], m.get("lastLine"), m["message"])
        for m in errors
        if not m["message"].startswith(tuple(ALLOWED))
    ]
    assert left == []


def test_nu_checker_reports_errors(tmp_path: Path) -> None:
    """The check can fail: a label pointing at no control is reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="zh"><head><title>x</title></head>'
        '<body><label for="nothing">标签</label></body></html>',
        encoding="utf-8",
    )
    assert _errors(_java(), [page])
