"""Which files of a folder given to ``kb import`` are read, and what is left out, said why.

Only regular files inside the folder are read. A link (symbolic link) is never followed:
one inside a folder of downloaded material could lead anywhere on the computer (a link
to ``/etc/passwd`` would become a draft). Folders that cannot be opened, folders nested
deeper than anyone files documents, named pipes and devices are left out too; each is
listed in the report, never skipped in silence. Hidden files (``.DS_Store``) are the
system's and are passed over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import os_reason, printable
from generator.importer.source import SUPPORTED

MAX_DEPTH = 32
"""Folder levels below the one given that are searched."""


@dataclass
class Collected:
    """What was found in the folders given."""

    documents: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files whose extension ``kb import`` does not read."""
    refused: list[str] = field(default_factory=list)
    """Why each link, unreadable or too deep folder and special file was not read, in
    Chinese, names shown escaped."""


def walk_folder(folder: Path, found: Collected, *, max_depth: int = MAX_DEPTH) -> None:
    """Add the documents under ``folder`` to ``found`` in a stable order, and what was left
    out. The walk keeps its own list of folders to visit, so no depth exhausts Python's
    stack."""
    documents: list[Path] = []
    pending = [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as failure:
            found.refused.append(
                f"{printable(str(current))}：无法打开这个文件夹（{os_reason(failure)}），里面的文件没有导入。"
            )
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                kind = _kind(entry)
            except OSError as failure:
                found.refused.append(f"{printable(str(path))}：无法读取（{os_reason(failure)}）。")
                continue
            if kind == "link":
                found.refused.append(_link(path, folder))
            elif kind == "folder" and depth + 1 > max_depth:
                found.refused.append(
                    f"{printable(str(path))}：文件夹层数超过 {max_depth} 层，更深的文件夹没有读取。"
                    "请把要导入的文件移到较浅的文件夹中。"
                )
            elif kind == "folder":
                folders.append((path, depth + 1))
            elif kind == "file" and path.suffix.lower() in SUPPORTED:
                documents.append(path)
            elif kind == "file":
                found.skipped.append(str(path))
            else:
                found.refused.append(
                    f"{printable(str(path))}：这不是普通文件（是命名管道、设备或套接字），没有读取。"
                )
        pending += reversed(folders)  # depth first, in name order
    found.documents += sorted(documents)


def _kind(entry: os.DirEntry[str]) -> str:
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "folder"
    if entry.is_file(follow_symlinks=False):
        return "file"
    return "special"


def _link(path: Path, folder: Path) -> str:
    """Why a link is not followed, saying where it points (read from the link, not followed)."""
    try:
        target = os.path.realpath(path)
    except (OSError, ValueError):
        target = ""
    inside = bool(target) and Path(target).is_relative_to(os.path.realpath(folder))
    where = (
        "指向文件夹中的另一个位置"
        if inside
        else f"指向所给文件夹以外的 {printable(target) or '未知位置'}"
    )
    return (
        f"{printable(str(path))}：这是一个链接（符号链接），{where}；为安全起见，链接一律不读取。"
        "需要导入的话，请直接给出它指向的文件。"
    )
