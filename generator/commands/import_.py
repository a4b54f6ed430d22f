"""``kb import``: draft entries from existing documents, and a report of what was changed."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from generator.commands import Problem, kb_command
from generator.commands.new import check_choice, read_taxonomy
from generator.errors import os_reason, printable
from generator.importer import Imported, import_document, with_id
from generator.importer.collect import Collected, walk_folder
from generator.importer.draft import choose_path
from generator.importer.findings import UnreadableSource
from generator.importer.limits import DEFAULT_LIMITS, Limits
from generator.importer.report import describe_run
from generator.model import Taxonomy
from generator.segment import read_search_terms, segmenter_for


def import_files(
    paths: tuple[Path, ...],
    *,
    kind: str,
    org_type: str | None,
    themes: tuple[str, ...],
    keep_all: bool,
    report_file: Path | None,
    content_dir: Path,
    limits: Limits = DEFAULT_LIMITS,
) -> int:
    """Import every document in ``paths`` (folders are searched); return the exit status.

    Each draft goes to a new file, written whole or not at all; an existing file is never
    overwritten. A document that cannot be read, is too large, fails in any other way or
    whose draft cannot be written is reported for itself, and the others are still
    imported and the report still given.
    """
    if report_file is not None and report_file.exists():
        raise Problem(
            f"报告文件 {printable(str(report_file))} 已经存在，不会覆盖。请换一个文件名。",
            exit_code=2,
        )
    taxonomy = _taxonomy_with(content_dir, org_type, themes)
    found = _collect(paths)
    if not found.documents and not found.skipped and not found.refused:
        raise Problem("没有找到要导入的文件。", exit_code=2)
    segmenter = segmenter_for(read_search_terms(content_dir))
    check_command = kb_command("check")
    imported: list[Imported] = []
    failures: list[str] = []
    taken: set[str] = set()
    for path in found.documents:
        run = functools.partial(
            import_document,
            path,
            kind=kind,
            taxonomy=taxonomy,
            org_type=org_type,
            themes=themes,
            keep_all=keep_all,
            segmenter=segmenter,
            limits=limits,
            check_command=check_command,
        )
        try:
            item = _guarded(path, run)
        except UnreadableSource as failure:
            failures.append(str(failure))
            continue
        target = choose_path(content_dir, kind, item.entry_id, taken=taken)
        text = item.text if target.stem == item.entry_id else with_id(item, target.stem)
        try:
            _write_new(target, text)
        except UnreadableSource as failure:
            failures.append(f"{printable(str(path))}：草稿没有写入，{failure}")
            continue
        taken.add(target.stem)
        item.path = target
        imported.append(item)
    report = describe_run(
        imported,
        failures,
        skipped=found.skipped,
        refused=found.refused,
        root=Path.cwd(),
        check_command=check_command,
    )
    click.echo(report, nl=False)
    if report_file is not None:
        try:
            _write_new(report_file, report)
            click.echo(f"报告已写入 {printable(str(report_file))}。")
        except UnreadableSource as unwritten:
            failures.append(f"报告没有另存为 {unwritten}")
    for message in failures:
        click.echo(f"错误：{message}", err=True)
    return 1 if failures or not imported else 0


def _taxonomy_with(content_dir: Path, org_type: str | None, themes: tuple[str, ...]) -> Taxonomy:
    """The project's taxonomy, once the organization type and themes given are found in it."""
    taxonomy = read_taxonomy(content_dir)
    if org_type is not None:
        check_choice(org_type, [t.id for t in taxonomy.org_types], "组织类型")
    for theme in themes:
        check_choice(theme, [t.id for t in taxonomy.themes], "主题")
    return taxonomy


def _guarded(path: Path, run: Callable[[], Imported]) -> Imported:
    """``run``, the import of ``path``; whatever goes wrong becomes that file's own failure."""
    try:
        return run()
    except UnreadableSource:
        raise
    except Exception as failure:
        # A document can fail in ways nobody has met yet (a library's own error on a
        # damaged file, running out of memory): it is this file's failure, never the
        # end of the run, the other files' drafts or the report.
        raise UnreadableSource(
            path,
            f"导入时出现了意外的错误（{type(failure).__name__}），这个文件没有导入，其他文件不受影响。"
            "请把这个文件交给维护人员检查。",
        ) from None


def _collect(paths: tuple[Path, ...]) -> Collected:
    """The documents to import, in a stable order, and what the folders hold besides."""
    found = Collected()
    for path in paths:
        try:
            if path.is_dir():
                walk_folder(path, found)
            elif path.is_file():
                found.documents.append(path)  # an unknown extension is explained by the reader
            elif os.path.lexists(path):
                raise Problem(
                    f"{printable(str(path))} 不是普通文件或文件夹（或者是指向不存在的文件的链接），无法导入。",
                    exit_code=2,
                )
            else:
                raise Problem(
                    f"找不到 {printable(str(path))}。请检查文件名和所在的文件夹。", exit_code=2
                )
        except OSError as failure:
            raise Problem(
                f"无法读取 {printable(str(path))}（{os_reason(failure)}）。", exit_code=2
            ) from None
    return found


_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}
"""What file systems without hard links (FAT, some network shares) answer ``link`` with."""


def _write_new(path: Path, text: str) -> None:
    """Write ``path``, which must not exist yet, whole or not at all.

    The text goes to a temporary file beside it first; only once all of it is on disk
    is it given its name, and only if the name is still free (another process may take
    it meanwhile). A full disk or a read-only folder leaves no file behind, not even an
    empty one.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=".kb-import-", suffix=".tmp", dir=path.parent
        )
    except OSError as failure:
        raise UnreadableSource(path, f"无法写入（{os_reason(failure)}）。") from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        _claim(Path(temporary), path)
    except FileExistsError:
        raise UnreadableSource(path, "已经存在，不会覆盖。") from None
    except OSError as failure:
        raise UnreadableSource(
            path, f"无法写入（{os_reason(failure)}），没有留下写了一半的文件。"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _claim(temporary: Path, path: Path) -> None:
    """Give the finished ``temporary`` file the name ``path``, never replacing a file there."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError as failure:
        if failure.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.rename(temporary, path)
