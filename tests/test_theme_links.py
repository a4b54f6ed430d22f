"""Links (symbolic links) in the theme's folder follow the content folder's rule: one that
leaves the project, loops or points at nothing is refused and named, in `kb build`, a plain
`mkdocs build` and `kb serve`, and what it points at never reaches the site."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.kb_commands import KB, MKDOCS, run, run_here
from tests.test_preview import _get, _output, _start_preview, _stop

_SECRET = "TOP-SECRET-TOKEN-1234"


@pytest.fixture
def own_theme(sample_project: Path) -> Path:
    """The sample project with a copy of the theme in its own folder, as the real one has."""
    shutil.copytree(REPO / "theme", sample_project / "theme")
    config = sample_project / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace(f"custom_dir: {REPO / 'theme'}", "custom_dir: theme"),
        "utf-8",
    )
    assert "custom_dir: theme\n" in config.read_text("utf-8")
    return sample_project


def _leak_secrets(project: Path, outside: Path) -> None:
    """Links in the theme to a secret file outside the project and to the process's
    environment, one to a folder it is in, and one to nothing."""
    outside.mkdir()
    (outside / "deploy-key.txt").write_text(_SECRET, encoding="utf-8")
    assets = project / "theme" / "assets"
    (assets / "deploy-key.txt").symlink_to(outside / "deploy-key.txt")
    (assets / "environ.txt").symlink_to("/proc/self/environ")
    (assets / "stylesheets" / "loop").symlink_to(assets, target_is_directory=True)
    (assets / "gone.png").symlink_to(outside / "nothing.png")


def _refusal_named(output: str) -> None:
    assert "主题文件夹或编辑指南中有不能使用的链接" in output, output
    assert "theme/assets/deploy-key.txt：这是一个指向项目文件夹以外的链接" in output
    assert "theme/assets/environ.txt：这是一个指向项目文件夹以外的链接" in output
    assert "theme/assets/stylesheets/loop：这个链接（符号链接）绕回了它所在的文件夹" in output
    assert "theme/assets/gone.png：这个链接（符号链接）指向的文件不存在" in output
    assert _SECRET not in output and "Traceback" not in output


@pytest.mark.parametrize(
    "command",
    [
        [*KB, "build", "-d", "out"],
        [*KB, "build", "--offline", "-d", "out"],
        [*MKDOCS, "build", "-d", "out"],
    ],
    ids=["kb build", "kb build --offline", "mkdocs build"],
)
def test_links_in_the_theme_to_secrets_stop_the_build(
    own_theme: Path, tmp_path: Path, command: list[str]
) -> None:
    """A build with a theme linking out of the project names each link and writes no site."""
    _leak_secrets(own_theme, tmp_path / "private")
    result = run_here(command, own_theme)
    assert result.returncode == 1
    _refusal_named(result.stdout + result.stderr)
    assert not (own_theme / "out").exists()


def test_a_theme_with_links_inside_the_project_still_builds(own_theme: Path) -> None:
    """A link in the theme to another file of the project is followed, as in the content."""
    (own_theme / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    (own_theme / "theme" / "assets" / "logo-link.svg").symlink_to(own_theme / "logo.svg")
    result = run_here([*KB, "build", "-q", "-d", "out"], own_theme)
    assert result.returncode == 0, result.stderr
    assert (own_theme / "out" / "assets" / "logo-link.svg").read_text("utf-8").startswith("<svg")


def test_a_guide_linking_out_of_the_project_is_refused(own_theme: Path, tmp_path: Path) -> None:
    """The editors' guide, published as a page, may not be a link to a file outside."""
    (tmp_path / "notes.md").write_text(_SECRET, encoding="utf-8")
    (own_theme / "CONTRIBUTING.md").symlink_to(tmp_path / "notes.md")
    result = run_here([*KB, "build", "-d", "out"], own_theme)
    assert result.returncode == 1
    assert "CONTRIBUTING.md：这是一个指向项目文件夹以外的链接" in result.stderr
    assert _SECRET not in result.stdout + result.stderr


def test_the_preview_refuses_to_start_with_links_to_secrets(
    own_theme: Path, tmp_path: Path
) -> None:
    """`kb serve` with such a theme names the links and serves nothing."""
    _leak_secrets(own_theme, tmp_path / "private")
    # A real process: a preview that failed to refuse would serve on, and can be timed out.
    result = run([*KB, "serve", "-a", "127.0.0.1:0"], own_theme, timeout=120)
    assert result.returncode == 1
    _refusal_named(result.stdout + result.stderr)


def test_a_link_to_a_secret_added_while_previewing_is_never_served(
    own_theme: Path, tmp_path: Path
) -> None:
    """A link added to the theme while `kb serve` runs stops the rebuild, in Chinese; the
    preview keeps its last pages and never serves what the link points at."""
    url, server = _start_preview(own_theme)
    try:
        _leak_secrets(own_theme, tmp_path / "private")
        deadline = time.monotonic() + 60
        while "主题文件夹或编辑指南中有不能使用的链接" not in _output(own_theme):
            assert server.poll() is None and time.monotonic() < deadline, _output(own_theme)
            time.sleep(0.2)
        for leaked in ("assets/deploy-key.txt", "assets/environ.txt"):
            status, body = _get(url + leaked)
            assert status == 404 and _SECRET not in body and "PATH=" not in body
        assert _get(url)[0] == 200
    finally:
        _stop(server)
    _refusal_named(_output(own_theme))
