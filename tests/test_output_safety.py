"""What `kb build` and a plain `mkdocs build` do to the site folder when something goes
wrong: a full disk, an interruption, folders and links added by hand, a wrong folder
name, a wrong mkdocs.yml. Each ends in a Chinese message, with the old site intact.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.kb_commands import KB, MKDOCS, run_here
from tests.test_hostile_input import _no_traceback, _tmpfs, interrupt_mid_build
from tests.test_hostile_input import large_project as large_project  # a shared fixture


def _snapshot(site: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _add_entries(project: Path, count: int) -> None:
    cases = project / "content" / "cases"
    source = (cases / "river-community.yml").read_text(encoding="utf-8")
    for i in range(count):
        (cases / f"extra-{i:03d}.yml").write_text(
            source.replace("id: river-community", f"id: extra-{i:03d}")
            .replace("河畔社区：每月两次中心组学习", f"第{i}号社区：学习制度{i}")
            .replace("每月 2 次", f"每月 {i} 次"),
            encoding="utf-8",
        )


def test_plain_mkdocs_on_a_full_disk_keeps_the_old_site(
    sample_project: Path, tmp_path: Path
) -> None:
    """`mkdocs build` out of space: a Chinese message, no traceback, the old site intact."""
    with _tmpfs(tmp_path / "disk", "size=3m") as disk:
        site = disk / "site"
        assert run_here([*MKDOCS, "build", "-q", "-d", str(site)], sample_project).returncode == 0
        before = _snapshot(site)
        _add_entries(sample_project, 60)
        result = run_here([*MKDOCS, "build", "-d", str(site)], sample_project)
        assert result.returncode == 1
        _no_traceback(result)
        assert "磁盘空间不足" in result.stderr and "原有网站保持不变" in result.stdout
        assert not (disk / "site.kb-building").exists()
        assert _snapshot(site) == before


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=str)
def test_an_interrupted_plain_mkdocs_build_keeps_the_old_site(
    large_project: Path,  # the fixture imported above
    stop: int,
) -> None:
    """Ctrl+C or SIGTERM during `mkdocs build`: old site intact, no staging folder, Chinese."""
    site, staging = large_project / "site", large_project / "site.kb-building"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    build, stdout, stderr = interrupt_mid_build([*MKDOCS, "build"], large_project, stop)
    assert build.returncode == 1, stderr
    assert "已中断，未生成网站，原有网站保持不变。" in stdout
    assert "Traceback" not in stderr and "Aborted!" not in stdout + stderr
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == before
    assert not staging.exists()


@pytest.mark.parametrize(("command", "status"), [(KB, 130), (MKDOCS, 1)], ids=["kb", "mkdocs"])
def test_a_stop_while_the_staging_folder_is_made_is_told_in_chinese(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], status: int
) -> None:
    """Ctrl+C just as the build makes its staging folder: 已中断 in Chinese, no staging
    folder left, the old site kept (not MkDocs's English "Aborted!")."""
    from generator import publish

    assert run_here([*command, "build", "-q"], sample_project).returncode == 0
    site = sample_project / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def made_then_stopped(final: Path) -> Path:
        publish.staging_dir(final).mkdir()
        raise KeyboardInterrupt

    monkeypatch.setattr(publish, "make_staging", made_then_stopped)
    result = run_here([*command, "build"], sample_project)
    assert result.returncode == status
    assert "已中断，未生成网站，原有网站保持不变。" in result.stdout + result.stderr
    assert "Aborted!" not in result.stdout + result.stderr
    assert not (sample_project / "site.kb-building").exists()
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_folders_and_folder_links_added_to_a_site_are_refused_and_kept(
    sample_project: Path, tmp_path: Path
) -> None:
    """An empty folder or a link to a folder put into a built site is listed and never deleted."""
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "合影.jpg").write_bytes(b"\xff\xd8")
    assert run_here([*KB, "build", "-q", "-d", "out"], sample_project).returncode == 0
    (sample_project / "out" / "我的资料").mkdir()
    (sample_project / "out" / "照片").symlink_to(photos, target_is_directory=True)
    for command in ([*KB, "build", "-d", "out"], [*MKDOCS, "build", "-d", "out"]):
        result = run_here(command, sample_project)
        assert result.returncode == 1
        _no_traceback(result)
        assert "2 个不是本工具生成的文件或文件夹（我的资料/、照片/）" in result.stderr
        assert (sample_project / "out" / "我的资料").is_dir()
        assert (sample_project / "out" / "照片").is_symlink()
        assert (photos / "合影.jpg").read_bytes() == b"\xff\xd8"


def test_a_link_named_as_the_staging_folder_is_never_written_through(
    sample_project: Path, tmp_path: Path
) -> None:
    """A link where the staging folder goes fails the build; its folder is neither emptied nor written."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("保留", encoding="utf-8")
    (sample_project / "out.kb-building").symlink_to(elsewhere, target_is_directory=True)
    for command in ([*KB, "build", "-d", "out"], [*MKDOCS, "build", "-d", "out"]):
        result = run_here(command, sample_project)
        assert result.returncode == 1
        _no_traceback(result)
        assert "已有同名的文件或文件夹" in result.stderr
        assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"]


def test_a_too_long_folder_name_is_told_in_chinese(sample_project: Path) -> None:
    """A 300-character site folder name: a Chinese message from both commands, no traceback."""
    for command in ([*KB, "build"], [*MKDOCS, "build"]):
        result = run_here([*command, "-d", "x" * 300], sample_project)
        assert result.returncode == 1
        _no_traceback(result)
        assert "网站目录的名称或路径太长" in result.stderr


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("mkdocs.yml/site", "（已有同名的文件或文件夹）"),
        ("/proc/site", "（找不到这个文件或文件夹）"),
    ],
)
def test_the_operating_systems_refusal_is_told_in_chinese(
    sample_project: Path, target: str, reason: str
) -> None:
    """The system's reason is worded in Chinese; its English text never shows."""
    result = run_here([*KB, "build", "-d", target], sample_project)
    assert result.returncode == 1 and reason in result.stderr
    assert "File exists" not in result.stderr and "No such file" not in result.stderr


def test_unknown_system_errors_name_the_code() -> None:
    """An errno without a Chinese wording is named by its code, not by English words."""
    import errno

    from generator.errors import os_reason

    assert os_reason(OSError(errno.EIO, "Input/output error")) == "系统错误 EIO"
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间不足"


@pytest.mark.parametrize("site_dir", [".", ".."])
def test_plain_mkdocs_with_the_project_as_site_folder_is_told_in_chinese(
    sample_project: Path, site_dir: str
) -> None:
    """`mkdocs build -d .` gives kb build's Chinese reason instead of MkDocs's English one."""
    result = run_here([*MKDOCS, "build", "-d", site_dir], sample_project)
    assert result.returncode == 1
    assert "相互包含，生成时会毁掉内容" in result.stderr
    assert "Config value 'site_dir'" not in result.stderr


def test_kb_check_reads_the_content_folder_the_build_reads(sample_project: Path) -> None:
    """With docs_dir elsewhere in mkdocs.yml, `kb check` finds the problems `kb build` finds."""
    outside = sample_project.parent / "outside"
    (sample_project / "content").rename(outside)
    case = outside / "cases" / "river-community.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("kind: case", "kind: cse"), "utf-8")
    (sample_project / "content").mkdir()  # an empty content/ must not be what is checked
    config = sample_project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("docs_dir: content", "docs_dir: ../outside"),
        encoding="utf-8",
    )
    check = run_here([*KB, "check"], sample_project)
    assert check.returncode == 1 and "cse" in check.stderr
    assert run_here([*KB, "build", "-d", "out"], sample_project).returncode == 1


def test_a_content_folder_linking_out_of_the_project_is_refused(
    sample_project: Path, tmp_path: Path
) -> None:
    """content/ itself as a link to a folder outside the project is refused by every command."""
    outside = tmp_path / "outside"
    (sample_project / "content").rename(outside)
    (sample_project / "content").symlink_to(outside, target_is_directory=True)
    for command in ([*KB, "check"], [*KB, "build", "-d", "out"], [*MKDOCS, "build", "-d", "out"]):
        result = run_here(command, sample_project)
        assert result.returncode == 1
        _no_traceback(result)
        assert "是一个指向项目文件夹以外的链接" in result.stderr
        assert not (sample_project / "out").exists()


def test_a_broken_mkdocs_yml_names_its_line(sample_project: Path) -> None:
    """A syntax error in mkdocs.yml is placed at its line and column, in Chinese."""
    config = sample_project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra: [\n", encoding="utf-8")
    lines = config.read_text(encoding="utf-8").count("\n")
    for command in (["check"], ["build"]):
        result = run_here([*KB, *command], sample_project)
        assert result.returncode == 1
        assert f"第 {lines + 1} 行" in result.stderr or f"第 {lines} 行" in result.stderr
        assert "YAML 语法错误" in result.stderr


def test_a_content_file_instead_of_a_folder_is_told_as_such(sample_project: Path) -> None:
    """content as a file: the message says so, and blames no option the user never gave."""
    (sample_project / "content").rename(sample_project / "content.old")
    (sample_project / "content").write_text("不是文件夹", encoding="utf-8")
    for command in (["check"], ["build"]):
        result = run_here([*KB, *command], sample_project)
        assert result.returncode == 1
        assert "是一个文件，不是文件夹" in result.stderr
        assert "--content" not in result.stderr
