"""The site builds the same with MkDocs 1.6 and with ProperDocs, its maintained fork.

MkDocs 1.6.1 was the last 1.x release; ProperDocs runs MkDocs 1.x plugins and themes
unchanged. Building with both and comparing the files shows the move would change
nothing readers get.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest

from tests.conftest import REPO, SAMPLE


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _build_with_properdocs(site: Path, *options: str) -> None:
    executable = Path(sys.executable).with_name("properdocs")
    if not executable.is_file():
        pytest.fail("properdocs is not installed in this environment (it is a test dependency)")
    result = subprocess.run(
        [str(executable), "build", "--strict", "-f", "mkdocs.yml", "-d", str(site), *options],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("offline", [False, True], ids=["served", "offline"])
def test_mkdocs_and_properdocs_build_the_same_site(
    request: pytest.FixtureRequest, tmp_path: Path, offline: bool
) -> None:
    """Every file of the real site is byte for byte the same from both builders."""
    # MkDocs's builds of the real site, shared with the other tests, in strict mode
    if offline:
        mkdocs_site = Path(url2pathname(urlsplit(request.getfixturevalue("offline_site")).path))
    else:
        mkdocs_site = request.getfixturevalue("real_site")
    options = ["--no-directory-urls"] if offline else []
    _build_with_properdocs(tmp_path / "properdocs-site", *options)
    mkdocs_files = _tree(mkdocs_site)
    page = "cases/wangcun-community" + (".html" if offline else "/index.html")
    assert len(mkdocs_files) > 30 and page in mkdocs_files
    assert _tree(tmp_path / "properdocs-site") == mkdocs_files


SEAM = {"generator/builder.py", "generator/frame.py", "generator/plugin.py"}
"""The only modules that may use MkDocs (see docs/builders.md)."""


def test_only_the_builder_seam_imports_mkdocs() -> None:
    """The model, index, rendering, search and commands never import MkDocs themselves."""
    import ast

    users = set()
    for path in sorted((REPO / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name == "mkdocs" or name.startswith("mkdocs.") for name in names):
                users.add(path.relative_to(REPO).as_posix())
    assert users == SEAM


def test_theme_files_are_listed_without_walking_the_icons() -> None:
    """A build copies the theme files MkDocs chooses, found without walking Material's icons."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from generator.builder import skip_unpublished_theme_folders

    config = load_config(str(SAMPLE / "mkdocs.yml"))
    walked = Files([])
    walked.add_files_from_theme(config.theme.get_env(), config)
    skip_unpublished_theme_folders(config)
    env = config.theme.get_env()
    listed = Files([])
    listed.add_files_from_theme(env, config)
    assert not [name for name in env.list_templates() if name.startswith(".") or "/." in name]
    assert len(walked) > 30
    assert [f.src_uri for f in listed] == [f.src_uri for f in walked]
    assert [f.abs_src_path for f in listed] == [f.abs_src_path for f in walked]
