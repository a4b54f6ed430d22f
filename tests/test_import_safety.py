"""`kb import` with hostile files and folders: damaged PDFs, deep folder trees, a full disk,
links leading out of the folder, unreadable folders and file names that try to add YAML
keys. Each failure is told in Chinese for its own file; the other files are imported and
the report is written; nothing outside the folder given is read."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import resource
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from tests import import_inputs
from tests.importing import FIXTURES, drafts, make_project, run_import

GOOD = FIXTURES / "gb18030-file.txt"
"""An ordinary document imported beside each hostile one."""


@pytest.fixture
def project(write_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample project, as the current folder."""
    return make_project(write_project, monkeypatch)


def _folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "materials"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_damaged_pdfs_are_told_in_chinese_and_the_run_goes_on(
    project: Path, tmp_path: Path
) -> None:
    """PDFs that make pypdf stop at one of its limits are each reported in Chinese; the file
    after them is imported and the report file written."""
    folder = _folder(
        tmp_path,
        {
            "a-claims-millions.pdf": import_inputs.xref_claiming_millions_pdf(),
            "b-page-tree-too-deep.pdf": import_inputs.page_tree_too_deep_pdf(150),
            "c-good.txt": GOOD.read_bytes(),
        },
    )
    result = run_import(folder, "--kind", "case", "--report", project / "report.txt")
    assert result.exit_code == 1
    for name in ("a-claims-millions.pdf", "b-page-tree-too-deep.pdf"):
        assert re.search(rf"{name}：这个 PDF 的内部结构超出了读取上限", result.output), name
    assert "Traceback" not in result.output and "LimitReachedError" not in result.output
    assert len(drafts(project)) == 1
    assert "共导入 1 个文档，2 个无法导入" in (project / "report.txt").read_text(encoding="utf-8")


def test_an_unforeseen_failure_ends_only_its_own_file(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any error nobody foresaw (here RecursionError inside the reader) is that file's failure,
    in Chinese; the next file is imported and the report written."""
    import generator.importer as importer

    read = importer.read_source

    def fail_on_first(path: Path, **options: object) -> object:
        if path.name.startswith("a-"):
            raise RecursionError("maximum recursion depth exceeded")
        return read(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "read_source", fail_on_first)
    folder = _folder(
        tmp_path, {"a-first.txt": GOOD.read_bytes(), "b-second.txt": GOOD.read_bytes()}
    )
    result = run_import(folder, "--kind", "case", "--report", project / "report.txt")
    assert result.exit_code == 1
    assert (
        "a-first.txt：导入时出现了意外的错误（RecursionError），这个文件没有导入" in result.output
    )
    assert "Traceback" not in result.output
    assert len(drafts(project)) == 1 and (project / "report.txt").is_file()


def test_a_folder_tree_1500_levels_deep(project: Path, deep_tree: Path) -> None:
    """A folder 1,500 levels deep gives no traceback: what is within reach is imported, the
    depth is reported."""
    (deep_tree / "top.txt").write_bytes(GOOD.read_bytes())
    result = run_import(deep_tree, "--kind", "case")
    assert "Traceback" not in result.output
    assert "文件夹层数超过 32 层，更深的文件夹没有读取" in result.output
    assert len(drafts(project)) == 1


@pytest.fixture
def deep_tree(tmp_path: Path) -> Iterator[Path]:
    """A folder with folders 1,500 levels below it, removed level by level afterwards
    (os.makedirs and shutil.rmtree, pytest's clean-up too, recurse once per level)."""
    top = tmp_path / "deep"
    levels = [top]
    for _ in range(1_500):
        levels.append(levels[-1] / "d")
    for level in levels:
        level.mkdir()
    yield top
    for level in reversed(levels[1:]):
        for child in level.iterdir():
            child.unlink()
        level.rmdir()


def test_a_full_disk_leaves_no_partial_draft(project: Path, tmp_path: Path) -> None:
    """A draft the disk cannot hold is reported in Chinese and leaves no file, not even an empty
    one; the next document's smaller draft is still written and the report still printed."""
    large = tmp_path / "a-large.txt"
    large.write_text(
        "白沙镇党委学习制度\n" + "白沙镇党委规定每月十日为党员学习日，当天上午集中学习。\n" * 200,
        encoding="utf-8",
    )
    small = tmp_path / "b-small.txt"
    small.write_bytes(GOOD.read_bytes())
    with _disk_holding(8_000):  # the small draft fits, the large one stops halfway
        result = run_import(large, small, "--kind", "case")
    assert result.exit_code == 1
    said = result.output
    assert "a-large.txt：草稿没有写入" in said and "没有留下写了一半的文件" in said
    assert "Traceback" not in said and "File too large" not in said
    assert "共导入 1 个文档，1 个无法导入" in said
    written = [p for p in (project / "content").rglob("*") if p.is_file()]
    assert not [p for p in written if p.name.startswith(".") or p.stat().st_size == 0]
    assert len(drafts(project)) == 1


@contextlib.contextmanager
def _disk_holding(size: int) -> Iterator[None]:
    """Writing past ``size`` bytes of any file fails as on a full disk (the system's limit
    on file size: no mount or root needed). CliRunner keeps the output in memory meanwhile."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


@pytest.mark.parametrize(
    ("failure", "said"), [(errno.EROFS, "磁盘是只读的"), (errno.EACCES, "没有权限")]
)
def test_a_content_folder_that_cannot_be_written_is_told(
    project: Path, monkeypatch: pytest.MonkeyPatch, failure: int, said: str
) -> None:
    """A read-only content folder is told in Chinese for each draft, nothing is left in it,
    and the report is still printed."""
    before = sorted((project / "content").rglob("*"))

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        # Permissions stop no one running as root, as tests in containers do.
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    sources = (GOOD, FIXTURES / "big5-text.txt")
    result = run_import(*sources, "--kind", "case")
    assert result.exit_code == 1
    for source in sources:
        assert re.search(
            rf"{source}：草稿没有写入，content/cases/[a-z-]+\.yml：无法写入（{said}）",
            result.output,
        )
    assert "共导入 0 个文档，2 个无法导入" in result.output and "Traceback" not in result.output
    assert sorted((project / "content").rglob("*")) == before


def test_links_in_a_folder_are_not_followed(project: Path, tmp_path: Path) -> None:
    """Links to a file and a folder outside, and to a file inside, are listed and never read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("机密：服务器口令是 hunter2，请勿外传。\n" * 3, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "other.txt").write_bytes(GOOD.read_bytes())
    folder = _folder(tmp_path, {"real.txt": GOOD.read_bytes()})
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "outside").symlink_to(elsewhere, target_is_directory=True)
    (folder / "again.txt").symlink_to(folder / "real.txt")
    result = run_import(folder, "--kind", "case")
    assert result.exit_code == 0, result.output
    assert len(drafts(project)) == 1
    assert "hunter2" not in "".join(drafts(project).values())
    assert f"passwd.txt：这是一个链接（符号链接），指向所给文件夹以外的 {secret}" in result.output
    assert f"outside：这是一个链接（符号链接），指向所给文件夹以外的 {elsewhere}" in result.output
    assert "again.txt：这是一个链接（符号链接），指向文件夹中的另一个位置" in result.output


def test_an_unreadable_folder_is_reported(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subfolder that cannot be opened is named in the report; the rest is imported."""
    folder = _folder(tmp_path, {"a.txt": GOOD.read_bytes()})
    (folder / "locked").mkdir()
    (folder / "locked" / "b.txt").write_bytes(GOOD.read_bytes())
    scandir = os.scandir

    def refuse_locked(path: object = ".") -> object:
        # Permissions stop no one running as root, as tests in containers do; the walk
        # must say the same whatever the reason the system gives.
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse_locked)
    result = run_import(folder, "--kind", "case")
    assert "locked：无法打开这个文件夹（没有权限），里面的文件没有导入" in result.output
    assert len(drafts(project)) == 1


@pytest.mark.parametrize("name", ["a\nid: injected\nkind: pack.txt", "tab\there\rcr.txt"])
def test_a_file_name_cannot_add_keys_to_the_draft(project: Path, tmp_path: Path, name: str) -> None:
    """A newline, tab or CR in a file's name stays inside the draft's value; the report spells
    it out as kb check's output does (a newline as ↵, others as <U+XXXX>)."""
    folder = _folder(tmp_path, {name: GOOD.read_bytes()})
    result = run_import(folder, "--kind", "case")
    assert result.exit_code == 0, result.output
    (text,) = drafts(project).values()
    data = yaml.safe_load(text)
    assert data["kind"] == "case" and data["id"] != "injected"
    assert data["sources"][0]["document"] == name
    escaped = name.replace("\n", "↵").replace("\t", "<U+0009>").replace("\r", "<U+000D>")
    assert f"== {escaped} ==" in result.output
    assert "\nid: injected" not in result.output and "\r" not in result.output
