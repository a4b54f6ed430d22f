"""``kb import``: draft entries from existing documents, and a report of what was changed."""

from __future__ import annotations

from pathlib import Path

import click

from generator.commands import Problem
from generator.commands.new import check_choice, read_taxonomy
from generator.importer import Imported, import_document, with_id
from generator.importer.draft import choose_path
from generator.importer.read import SUPPORTED, UnreadableSource
from generator.importer.report import describe_run
from generator.segment import read_search_terms


def import_files(
    paths: tuple[Path, ...],
    *,
    kind: str,
    org_type: str | None,
    themes: tuple[str, ...],
    keep_all: bool,
    report_file: Path | None,
    content_dir: Path,
) -> int:
    """Import every document in ``paths`` (folders are searched); return the exit status.

    Each draft goes to a new file; an existing file is never overwritten. Documents
    that cannot be read are reported and the others still imported.
    """
    if report_file is not None and report_file.exists():
        raise Problem(f"报告文件 {report_file} 已经存在，不会覆盖。请换一个文件名。", exit_code=2)
    taxonomy = read_taxonomy(content_dir)
    if org_type is not None:
        check_choice(org_type, [t.id for t in taxonomy.org_types], "组织类型")
    for theme in themes:
        check_choice(theme, [t.id for t in taxonomy.themes], "主题")
    documents, skipped = _collect(paths)
    if not documents and not skipped:
        raise Problem("没有找到要导入的文件。", exit_code=2)
    search_terms = tuple(read_search_terms(content_dir))
    imported: list[Imported] = []
    failures: list[str] = []
    taken: set[str] = set()
    for path in documents:
        try:
            item = import_document(
                path,
                kind=kind,
                taxonomy=taxonomy,
                org_type=org_type,
                themes=themes,
                keep_all=keep_all,
                search_terms=search_terms,
            )
        except UnreadableSource as unreadable:
            failures.append(str(unreadable))
            continue
        target = choose_path(content_dir, kind, item.entry_id, taken=taken)
        taken.add(target.stem)
        text = item.text if target.stem == item.entry_id else with_id(item, target.stem)
        _write_new(target, text)
        item.path = target
        imported.append(item)
    report = describe_run(imported, failures, skipped=skipped, root=Path.cwd())
    click.echo(report, nl=False)
    if report_file is not None:
        _write_new(report_file, report)
        click.echo(f"报告已写入 {report_file}。")
    for failure in failures:
        click.echo(f"错误：{failure}", err=True)
    return 1 if failures or not imported else 0


def _collect(paths: tuple[Path, ...]) -> tuple[list[Path], list[str]]:
    """The documents to import, in a stable order; files in folders that are not documents."""
    documents: list[Path] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                if found.name.startswith("."):
                    continue
                if found.suffix.lower() in SUPPORTED:
                    documents.append(found)
                else:
                    skipped.append(str(found))
        elif path.is_file():
            documents.append(path)  # an unknown extension is explained by the reader
        else:
            raise Problem(f"找不到 {path}。请检查文件名和所在的文件夹。", exit_code=2)
    return documents, skipped


def _write_new(path: Path, text: str) -> None:
    """Write ``path`` only if it does not exist yet (also when another process races us)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        raise Problem(f"{path} 已经存在，不会覆盖。") from None
    except OSError as failure:
        raise Problem(f"无法写入 {path}（{failure.strerror or failure}）。") from None
