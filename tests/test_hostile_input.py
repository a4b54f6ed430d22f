"""Hostile input on disk: files the model does not know, links, other people's folders,
concurrent and interrupted builds, a full or read-only disk. One test per kind of damage.

Nothing under ``content/`` may make a command print a traceback, publish a file the
model does not know, or delete a file the tool did not write.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.publish import STAMP_FILE, site_lock
from tests.conftest import REPO, build_with_mkdocs
from tests.kb_commands import KB, MKDOCS, run, run_here
from tests.projects import copy_sample


def _site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


def test_files_the_model_does_not_know_are_reported_and_never_published(
    sample_project: Path,
) -> None:
    """Notes, HTML, Word files and mis-named entries are reported; none reaches the site."""
    content = sample_project / "content"
    (content / "notes.md").write_text("# 笔记\n<script>leakmd()</script>\n", encoding="utf-8")
    (content / "raw.html").write_text("<script>leakhtml()</script>", encoding="utf-8")
    (content / "cases" / "材料.docx").write_bytes(b"PK\x03\x04 word")
    (content / ".gitkeep").write_text("", encoding="utf-8")
    check = run_here([*KB, "check"], sample_project)
    assert check.returncode == 0, check.stderr  # warnings only
    for name in ["content/notes.md", "content/raw.html", "content/cases/材料.docx"]:
        assert f"{name}:1:1: 警告：这不是条目文件，不会发布到网站上。" in check.stderr
    assert ".gitkeep" not in check.stderr
    build = run_here([*KB, "build", "-d", "out"], sample_project)
    assert build.returncode == 0, build.stderr
    published = _site_files(sample_project / "out")
    assert not {p for p in published if p.endswith((".md", ".yml")) or "raw" in p}
    # The site's own Word files (one per entry and pack), never the content folder's.
    assert {p for p in published if p.endswith(".docx")} == {
        "cases/river-community.docx",
        "materials/hill-school.docx",
        "practices/twice-monthly-study.docx",
        "packs/print/study-session.docx",
    }
    for path in published:
        text = (sample_project / "out" / path).read_text("utf-8", "ignore")
        assert "leakmd" not in text and "leakhtml" not in text, path
    strict = run_here([*KB, "build", "--strict", "-d", "out"], sample_project)
    assert strict.returncode == 1  # any warning fails a strict build
    _no_traceback(strict)


@pytest.mark.parametrize(
    ("name", "fixed"),
    [
        ("river-village.YML", "river-village.yml"),
        ("river-village.yml ", "river-village.yml"),
        ("river-village.yml.txt", "river-village.yml"),
        ("river-village.yaml.bak", "river-village.yml"),
        ("river-village.yml~", "river-village.yml"),  # a backup whose entry file is gone
    ],
)
def test_an_entry_saved_under_a_wrong_name_is_reported_with_the_fix(
    sample_project: Path, name: str, fixed: str
) -> None:
    """A probable entry that would be silently skipped is an error naming the right file name."""
    source = (sample_project / "content" / "cases" / "river-community.yml").read_text("utf-8")
    (sample_project / "content" / "cases" / name).write_text(
        source.replace("id: river-community", "id: river-village"), encoding="utf-8"
    )
    check = run_here([*KB, "check"], sample_project)
    assert check.returncode == 1
    assert f"content/cases/{name}:1:1: 文件名“{name}”看起来是一个条目文件" in check.stderr
    assert f"请把文件改名为“{fixed}”" in check.stderr
    build = run_here([*KB, "build", "-d", "out"], sample_project)
    assert build.returncode == 1 and not (sample_project / "out").exists()


def test_entries_under_hidden_names_pipes_and_folders_named_as_entries_are_reported(
    sample_project: Path,
) -> None:
    """Nothing under content/ that may be an entry is skipped silently, and nothing hangs:
    a hidden entry file, a folder named like one, a named pipe; an editor's backup beside
    its entry is a warning."""
    cases = sample_project / "content" / "cases"
    source = (cases / "river-community.yml").read_text("utf-8")
    (cases / ".river-village.yml").write_text(source, encoding="utf-8")
    (cases / "river-community.yml~").write_text(source, encoding="utf-8")
    (cases / "folder.yml").mkdir()
    os.mkfifo(cases / "pipe.yml")
    (sample_project / "content" / ".gitkeep").write_text("", encoding="utf-8")
    # A real process: one that hung on the named pipe can be timed out.
    check = run([*KB, "check"], sample_project, timeout=60)
    _no_traceback(check)
    assert check.returncode == 1
    errors = check.stderr
    assert "content/cases/.river-village.yml:1:1: 文件名“.river-village.yml”以“.”开头" in errors
    assert "请改名为“river-village.yml”" in errors
    assert "content/cases/folder.yml:1:1: 这是一个文件夹，名字却像条目文件" in errors
    assert "content/cases/pipe.yml:1:1: 这不是普通文件（是命名管道" in errors
    assert "content/cases/river-community.yml~:1:1: 警告：这是编辑器留下的备份文件" in errors
    assert ".gitkeep" not in errors


def test_a_null_character_is_named_where_it_is(sample_project: Path) -> None:
    """A stray U+0000 in a UTF-8 file is named at its line, not blamed on the encoding."""
    entry = sample_project / "content" / "cases" / "river-community.yml"
    lines = entry.read_text("utf-8").splitlines(keepends=True)
    lines[4] = lines[4][:6] + "\x00" + lines[4][6:]
    entry.write_text("".join(lines), encoding="utf-8")
    check = run_here([*KB, "check"], sample_project)
    assert check.returncode == 1
    assert (
        "content/cases/river-community.yml:5:7: 这里有一个看不见的控制字符 U+0000" in check.stderr
    )
    assert "UTF-8 编码" not in check.stderr


def test_file_names_differing_only_in_case_are_refused(sample_project: Path) -> None:
    """Two entry files that a Windows host would store as one are reported."""
    cases = sample_project / "content" / "cases"
    (cases / "River-Community.yml").write_bytes((cases / "river-community.yml").read_bytes())
    check = run_here([*KB, "check"], sample_project)
    assert check.returncode == 1
    assert "只有大小写不同" in check.stderr
    _no_traceback(check)


def test_links_that_leave_the_project_or_loop_are_refused(
    sample_project: Path, tmp_path: Path
) -> None:
    """A folder or file link pointing outside is refused without quoting what it points at."""
    secret = tmp_path / "private"
    secret.mkdir()
    (secret / "id_rsa.yml").write_text("-----BEGIN PRIVATE KEY-----\nMIIEvQ\n", encoding="utf-8")
    (secret / "notes.txt").write_text("机密内容", encoding="utf-8")
    content = sample_project / "content"
    (content / "cases" / "leak").symlink_to(secret, target_is_directory=True)
    (content / "materials" / "key.yml").symlink_to(secret / "id_rsa.yml")
    (content / "practices" / "loop").symlink_to(content / "practices", target_is_directory=True)
    (content / "cases" / "gone.yml").symlink_to(tmp_path / "nothing.yml")
    inside = sample_project / "shared-entries"
    inside.mkdir()
    (inside / "readme.txt").write_text("内部链接", encoding="utf-8")
    (content / "linked").symlink_to(inside, target_is_directory=True)
    check = run_here([*KB, "check"], sample_project)
    assert check.returncode == 1
    report = check.stderr
    assert "content/cases/leak:1:1: 这是一个指向项目文件夹以外的链接" in report
    assert "content/materials/key.yml:1:1: 这是一个指向项目文件夹以外的链接" in report
    assert "content/practices/loop:1:1: 这个链接（符号链接）绕回了它所在的文件夹" in report
    assert "content/cases/gone.yml:1:1: 这个链接（符号链接）指向的文件不存在。" in report
    assert "content/linked/readme.txt:1:1: 警告：这不是条目文件" in report  # inside: followed
    for leaked in ["PRIVATE KEY", "MIIEvQ", "机密内容", str(secret)]:
        assert leaked not in report + check.stdout
    for command in (["build", "-d", "out"], ["build", "--offline", "-d", "out"]):
        result = run_here([*KB, *command], sample_project)
        assert result.returncode == 1
        _no_traceback(result)
        assert "PRIVATE KEY" not in result.stderr and not (sample_project / "out").exists()


def test_plain_mkdocs_never_publishes_the_content_folder(sample_project: Path) -> None:
    """`mkdocs build` publishes only generated pages, whatever sits in content/."""
    (sample_project / "content" / "notes.md").write_text("<script>x()</script>", encoding="utf-8")
    (sample_project / "content" / "cases" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    site = build_with_mkdocs(sample_project / "mkdocs.yml", sample_project / "site", strict=False)
    published = _site_files(site)
    assert "notes/index.html" not in published and "notes.md" not in published
    assert not [p for p in published if p.endswith((".jpg", ".yml", ".txt"))]


def test_a_folder_of_other_files_is_never_replaced(sample_project: Path) -> None:
    """A folder with an index.html among unrelated files is refused, and nothing in it changes."""
    target = sample_project / "共享文件夹"
    (target / "photos").mkdir(parents=True)
    (target / "index.html").write_text("<p>别人的主页</p>", encoding="utf-8")
    (target / "论文.docx").write_bytes(b"PK\x03\x04")
    (target / "photos" / "合影.jpg").write_bytes(b"\xff\xd8")
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    for command in ([*KB, "build", "-d", str(target)],):
        result = run_here(command, sample_project)
        assert result.returncode == 1 and "不是本工具生成的网站" in result.stderr
        _no_traceback(result)
    config = (sample_project / "mkdocs.yml").read_text(encoding="utf-8")
    (sample_project / "other.yml").write_text(config + "site_dir: 共享文件夹\n", encoding="utf-8")
    result = run_here([*MKDOCS, "build", "-f", "other.yml"], sample_project)
    assert result.returncode == 1 and "不是本工具生成的网站" in result.stderr
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before


def test_a_built_site_with_files_added_by_hand_is_not_replaced(sample_project: Path) -> None:
    """A site this tool built is replaced only while it holds nothing but what it wrote."""
    assert run_here([*KB, "build", "-d", "out"], sample_project).returncode == 0
    stamp = (sample_project / "out" / STAMP_FILE).read_text(encoding="utf-8")
    assert '"generated_by": "learning-party-kb"' in stamp and '"index.html"' in stamp
    (sample_project / "out" / "通知.docx").write_bytes(b"PK")
    result = run_here([*KB, "build", "-d", "out"], sample_project)
    assert result.returncode == 1 and "1 个不是本工具生成的文件（通知.docx）" in result.stderr
    assert (sample_project / "out" / "通知.docx").read_bytes() == b"PK"
    (sample_project / "out" / "通知.docx").unlink()
    assert run_here([*KB, "build", "-d", "out"], sample_project).returncode == 0


def test_a_second_build_waits_for_the_first(sample_project: Path) -> None:
    """While one build holds a site folder, another waits, then builds a whole site."""
    target = sample_project / "out"
    with site_lock(target):
        waiting = subprocess.Popen(
            [*KB, "build", "-d", "out"], cwd=sample_project, stderr=subprocess.PIPE, text=True
        )
        assert waiting.stderr is not None
        said = ""  # it says that it waits before waiting
        while "另一个生成正在写入" not in said and (line := waiting.stderr.readline()):
            said = line
        assert "另一个生成正在写入" in said
        assert waiting.poll() is None  # still waiting for the lock
        assert not target.exists() and not (sample_project / "out.kb-building").exists()
    _, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stderr


def test_simultaneous_builds_leave_a_complete_site(sample_project: Path) -> None:
    """Several builds started at once into one folder all succeed and leave every file."""
    runs = [
        subprocess.Popen(
            [*KB, "build", "-q", "-d", "out"],
            cwd=sample_project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for build in runs:
        build.communicate(timeout=300)
        assert build.returncode == 0
    site = sample_project / "out"
    listed = _stamped(site)
    assert listed == _site_files(site) - {STAMP_FILE}
    assert {"index.html", "cases/river-community/index.html", "search/manifest.js"} <= listed
    assert not list(sample_project.glob("out.kb-*"))


def _stamped(site: Path) -> set[str]:
    import json

    return set(json.loads((site / STAMP_FILE).read_text(encoding="utf-8"))["files"])


def test_plain_mkdocs_build_keeps_the_previous_site_on_bad_content(sample_project: Path) -> None:
    """`mkdocs build` checks the content before it empties the site folder."""
    site = build_with_mkdocs(sample_project / "mkdocs.yml", sample_project / "site")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    case = sample_project / "content" / "cases" / "river-community.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("kind: case", "kind: cse"), "utf-8")
    result = run_here([*MKDOCS, "build"], sample_project)
    assert result.returncode == 1 and "内容检查未通过" in result.stderr
    said = result.stdout + result.stderr  # MkDocs prints how a build ended on stdout
    assert "未生成网站，原有网站保持不变。" in said and "Aborted" not in said
    _no_traceback(result)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


@contextlib.contextmanager
def _tmpfs(path: Path, options: str) -> Iterator[Path]:
    """A small file system of its own at ``path``; the test is skipped where none can be made."""
    path.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    made = subprocess.run(command, capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root or sudo): {made.stderr.strip()}")
    try:
        yield path
    finally:
        unmount = ["umount", "-l", str(path)]
        subprocess.run(unmount if os.geteuid() == 0 else ["sudo", "-n", *unmount], check=False)


def test_a_full_disk_is_told_in_chinese_and_keeps_the_old_site(
    sample_project: Path, tmp_path: Path
) -> None:
    """No space left: a Chinese message, no traceback, no staging folder, the old site intact."""
    with _tmpfs(tmp_path / "disk", "size=3m") as disk:
        site = str(disk / "site")
        assert run_here([*KB, "build", "-q", "-d", site], sample_project).returncode == 0
        before = {p: p.read_bytes() for p in (disk / "site").rglob("*") if p.is_file()}
        result = run_here([*KB, "build", "-d", site], sample_project)
        assert result.returncode == 1
        assert "磁盘空间不足" in result.stderr and "原有网站保持不变" in result.stderr
        _no_traceback(result)
        assert not (disk / "site.kb-building").exists()
        assert {p: p.read_bytes() for p in (disk / "site").rglob("*") if p.is_file()} == before


def test_a_read_only_folder_is_told_in_chinese(sample_project: Path, tmp_path: Path) -> None:
    """A site folder on a read-only disk: a Chinese message and no traceback."""
    with _tmpfs(tmp_path / "readonly", "ro,size=1m") as disk:
        result = run_here([*KB, "build", "-d", str(disk / "site")], sample_project)
        assert result.returncode == 1 and "只读" in result.stderr
        _no_traceback(result)


@pytest.fixture(scope="module")
def large_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with enough entries that a build writes its pages in worker processes for a
    while (the interrupting tests pause it once its staging folder appears), with a built site.
    A few more than the worker pool's threshold: every entry beyond makes each build longer."""
    from generator.workers import PARALLEL_THRESHOLD

    root = copy_sample(tmp_path_factory.mktemp("large"))
    case = (root / "content" / "cases" / "river-community.yml").read_text(encoding="utf-8")
    for i in range(PARALLEL_THRESHOLD + 50):
        (root / "content" / "cases" / f"copy-{i:04d}.yml").write_text(
            case.replace("id: river-community", f"id: copy-{i:04d}")
            .replace("河畔社区：每月两次中心组学习", f"第{i}号社区：学习制度{i}")
            .replace("每月 2 次", f"每月 {i} 次"),
            encoding="utf-8",
        )
    assert run_here([*KB, "build", "-q"], root).returncode == 0
    return root


def interrupt_mid_build(
    command: list[str], project: Path, stop: int
) -> tuple[subprocess.Popen[str], str, str]:
    """Run a build of ``project`` and stop it with ``stop`` while it writes its staging
    folder: Ctrl+C (SIGINT to the terminal's whole process group), or a signal to the build.

    The build is paused (SIGSTOP) as soon as the staging folder appears, so it cannot finish
    before the signal is sent however fast or slow the machine is; it resumes with the signal
    pending. Returns the process with its stdout and stderr.

    Only the build's main process is paused: a plain `mkdocs build` starts its workers just
    after it makes the staging folder, and a worker being forked when its group is stopped
    and continued may get both signals at once and stay stopped, so the build never ends."""
    staging = project / "site.kb-building"
    build = subprocess.Popen(
        command,
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while not staging.exists() and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    build.send_signal(signal.SIGSTOP)
    assert build.poll() is None and staging.exists(), "the build ended before it was stopped"
    if stop == signal.SIGINT:
        os.killpg(build.pid, stop)
    else:
        build.send_signal(stop)
    build.send_signal(signal.SIGCONT)
    stdout, stderr = build.communicate(timeout=300)
    return build, stdout, stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=str)
def test_an_interrupted_build_leaves_no_staging_folder(large_project: Path, stop: int) -> None:
    """Ctrl+C or a stop signal cleans up at once; after SIGKILL the next build cleans up."""
    site, staging = large_project / "site", large_project / "site.kb-building"
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    build, _, stderr = interrupt_mid_build([*KB, "build"], large_project, stop)
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == before
    if stop == signal.SIGKILL:
        assert staging.exists()  # nothing runs after SIGKILL; the next build cleans up
        assert run_here([*KB, "build", "-q"], large_project).returncode == 0
    else:
        assert build.returncode == 130, stderr
        assert "已中断，未生成网站，原有网站保持不变。" in stderr
        assert "Traceback" not in stderr
    assert not staging.exists()
    assert not [p for p in large_project.iterdir() if p.name.endswith((".kb-building", ".kb-old"))]


_DAMAGE = [
    "\u2028", "\u00a0", "\u3000", "\t", '"', "'", "[", "]", "{", "}", ":", ": ", "- ", "#",
    "&a ", "*a", "!!str ", "!x ", "|", ">", "\n", "\n  ", "---\n", "\\u", "\\x", "\u202e",
    "\u200b", "%", "@", "`", "? ", "<<: ", "0x1F", ".inf", "yes", "~", "2022-02-30",
]  # fmt: skip


def test_randomly_damaged_files_never_crash_the_check() -> None:
    """Hundreds of damaged copies of an entry and the taxonomy give reports, never
    exceptions: checked on their own and against the other files of the project."""
    import random

    from generator.check import FileCheck, check_file, check_files
    from generator.errors import ContentErrors
    from generator.load import Document, parse_document

    sample = REPO / "tests" / "fixtures" / "sample" / "content"
    paths = sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*.yml"))
    intact = {
        path: parse_document((sample / path).read_bytes(), path=path, content_path=path)[0]
        for path in paths
    }
    sources = [
        ((sample / "cases" / "river-community.yml").read_bytes(), "cases/river-community.yml"),
        ((sample / "taxonomy.yml").read_bytes(), "taxonomy.yml"),
    ]
    others = {
        damaged: [check_file(d, find_duplicates=True) for p, d in intact.items() if p != damaged]
        for _, damaged in sources
    }
    rng = random.Random(20261202)
    reached = 0
    for _ in range(600):
        source, content_path = rng.choice(sources)
        data = bytearray(source)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(data))
            roll = rng.random()
            if roll < 0.5:
                data[at:at] = rng.choice(_DAMAGE).encode()
            elif roll < 0.8:
                del data[at : at + rng.randint(1, 8)]
            else:
                data[at : at + 1] = bytes([rng.randrange(256)])
        document, problems = parse_document(bytes(data), path="x.yml", content_path=content_path)
        checked = [*others[content_path]]
        if document is not None:
            checked.append(check_file(document, find_duplicates=True))
        taxonomy = next((c for c in checked if isinstance(c, Document)), None)
        files = [c for c in checked if isinstance(c, FileCheck)]
        try:
            check_files(files, problems, taxonomy, content_dir=sample, root=sample.parent)
        except ContentErrors as failed:
            problems = failed.errors
            reached += 1
        for problem in problems:
            assert problem.message and problem.line >= 1 and problem.column >= 1
    assert reached > 300  # most damage is reported by the checks across files too
