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


def replace_site(staging: Path, final: Path) -> None:
    """Swap the staged site in; the old one is removed only after the swap."""
    retired = final.with_name(final.name + ".kb-old")
    shutil.rmtree(retired, ignore_errors=True)
    if final.exists():
        final.rename(retired)
    staging.rename(final)
    shutil.rmtree(retired, ignore_errors=True)
