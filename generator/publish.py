"""Putting a finished build in place of the previous one.

A build is written to a staging folder beside the site folder. Only when it has
succeeded does it replace the old site, in one rename, so a failed build never
leaves a half-written site. Before that, every staged file whose bytes equal the
old site's file becomes a hard link to the old file: unchanged files keep their
modification times and inodes, so rsync, backups and incremental copies of the
site only move what really changed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.write import files_under


def staging_dir(final: Path) -> Path:
    return final.with_name(final.name + ".kb-building")


def keep_unchanged(staging: Path, previous: Path) -> int:
    """Replace staged files identical to ``previous`` ones by links to them; return how many."""
    if not previous.is_dir():
        return 0
    kept = 0
    for staged in files_under(staging):
        old = previous / staged.relative_to(staging)
        try:
            if (
                old.stat().st_size != staged.stat().st_size
                or old.read_bytes() != staged.read_bytes()
            ):
                continue
            link = staged.with_name(f".{staged.name}.kb-link")
            os.link(old, link)
        except OSError:
            continue  # missing, unreadable, or a file system without hard links: keep the copy
        os.replace(link, staged)
        kept += 1
    return kept


def unsafe_target(final: Path, *, project: Path, content: Path) -> str | None:
    """Why replacing ``final`` by a new site could destroy anything but an old site, or None.

    Paths must be absolute and resolved. The message is for editors, in Chinese.
    """
    if project.is_relative_to(final):
        return f"网站目录 {final} 包含项目本身（{project}），生成时会被整个替换。"
    if content.is_relative_to(final) or final.is_relative_to(content):
        return f"网站目录 {final} 与内容目录 {content} 相互包含，生成时会毁掉内容。"
    if final.exists() and not final.is_dir():
        return f"{final} 是一个文件，不是目录。"
    if final.is_dir() and any(final.iterdir()) and not (final / "index.html").is_file():
        return (
            f"网站目录 {final} 里已有其他文件，看起来不是以前生成的网站（没有 index.html），"
            "为免误删，没有动它。"
        )
    return None


def replace_site(staging: Path, final: Path) -> None:
    """Swap the staged site in; the old one is removed only after the swap.

    If the new site cannot be moved into place, the old one is put back before
    the error goes on.
    """
    retired = final.with_name(final.name + ".kb-old")
    shutil.rmtree(retired, ignore_errors=True)
    if final.exists():
        final.rename(retired)
    try:
        staging.rename(final)
    except OSError:
        if retired.exists() and not final.exists():
            retired.rename(final)
        raise
    shutil.rmtree(retired, ignore_errors=True)
