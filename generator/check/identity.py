"""One id names one file: each entry's file is named after its id, no two files share an
id, and a file in another kind's folder is told where it belongs. The advice names an id
no file has yet, for the copies these mistakes usually are."""

from __future__ import annotations

import re

from generator.check.files import FileCheck, stem
from generator.check.messages import error_at
from generator.errors import ContentError
from generator.load import TAXONOMY_FILE
from generator.model import KINDS, Content
from generator.rules import RESERVED_IDS, SLUG_PATTERN


def misplaced_errors(
    checked: FileCheck, files: list[FileCheck], by_path: dict[str, FileCheck]
) -> list[ContentError]:
    """A file in another kind's folder: moving it is the advice, unless a file of its name is
    there already; its id is reported when another file has it (it is often a copy)."""
    document = checked.document
    folder, _, name = document.content_path.partition("/")
    kind = next(k for k in KINDS.values() if k.folder == folder)
    declared = KINDS[checked.misplaced]
    home = declared.folder
    target = by_path.get(f"{home}/{name}")
    entry_id = checked.written.id
    owner = next((f for f in files if f is not checked and f.written.id == entry_id), None)
    problems = list(checked.problems)
    fresh = unused_id(str(entry_id) if usable_id(entry_id) else stem(name), files)
    if target is not None:
        problems = [
            error_at(
                document,
                ("kind",),
                f"文件放错了文件夹：类型是“{declared.name}”（{declared.label}），"
                f"却放在 {folder}/（{kind.label}）中；而 {home}/ 中已有同名的文件"
                f" {target.document.path}，不能直接移过去。",
                f"如果这个文件是 {target.document.path} 的副本，请删除它；如果它是另一条"
                f"{declared.label}，请把 id 改为 {fresh}，文件改名为 {fresh}.yml，"
                f"再移到 {home}/。",
            )
        ]
    if owner is not None and isinstance(entry_id, str):
        problems.append(
            error_at(
                document,
                ("id",),
                f"编号“{entry_id}”已被 {owner.document.path} 使用。",
                "每个条目的编号必须唯一。这个文件多半是复制来的：是副本就删除它；不是的话，"
                f"请把 id 改为 {fresh}，并把文件改名为 {fresh}.yml。",
            )
        )
    return problems


def usable_id(value: object) -> bool:
    """Whether ``value`` could be an entry's id (a file name may not be one)."""
    return (
        isinstance(value, str)
        and len(value) <= 60
        and re.fullmatch(SLUG_PATTERN, value) is not None
        and value not in RESERVED_IDS
    )


def unused_id(base: str, files: list[FileCheck]) -> str:
    """``base-2``, ``base-3``…: the first that neither names a file nor is a file's id."""
    taken: set[object] = {f.stem for f in files} | {stem(TAXONOMY_FILE)}
    taken |= {f.written.id for f in files}
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "entry"
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: 60 - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def unique_contents(
    candidates: list[FileCheck],
    files: list[FileCheck],
    errors: list[ContentError],
    invalid_ids: set[str],
) -> dict[str, FileCheck]:
    """Entries (and study packs) whose file is named after their id and whose id no other
    file has: one id names one file, whatever its kind.

    The ids and file names of the others join ``invalid_ids``.
    """
    named = {f.stem: f for f in files}
    unique: dict[str, FileCheck] = {}
    mismatched = []
    for checked in candidates:
        content: Content = checked.content  # type: ignore[assignment]  # candidates hold one
        if checked.stem != content.id:
            mismatched.append(checked)
            continue
        if content.id in unique:
            errors.append(
                error_at(
                    checked.document,
                    ("id",),
                    f"编号“{content.id}”已被 {unique[content.id].document.path} 使用。",
                    "每个条目的编号必须唯一，请换一个编号，并同时修改文件名。",
                )
            )
            continue
        unique[content.id] = checked
    ids = {f.written.id for f in files}
    for checked in mismatched:
        errors.append(_misnamed(checked, files, named, ids, invalid_ids))
    return unique


def _misnamed(
    checked: FileCheck,
    files: list[FileCheck],
    named: dict[str, FileCheck],
    ids: set[object],
    invalid_ids: set[str],
) -> ContentError:
    """A file not named after its id: the rename, or another id when a file has that one."""
    entry_id = checked.content.id  # type: ignore[union-attr]  # only valid contents are named
    name = checked.document.content_path.rpartition("/")[2]
    own = stem(name)
    invalid_ids |= {own, entry_id}
    taken = named.get(entry_id)
    # The file's name is the id to suggest when it can be one that no other file has;
    # a copy's name (“fixed-study-day (1)”) cannot.
    fits = usable_id(own) and named.get(own) is checked and own not in ids
    if taken is not None:
        fresh = own if fits else unused_id(entry_id, files)
        rename = "" if fits else f"，并把文件改名为 {fresh}.yml"
        hint = (
            f"编号“{entry_id}”已被 {taken.document.path} 使用，这个文件多半是复制后忘了改编号："
            f"请把 id 改为 {fresh}{rename}。"
        )
    elif fits:
        hint = f"请把文件改名为 {entry_id}.yml，或把 id 改为 {own}。"
    else:
        hint = f"请把文件改名为 {entry_id}.yml（文件名“{own}”不能用作编号）。"
    return error_at(checked.document, ("id",), f"文件名“{name}”与编号“{entry_id}”不一致。", hint)
