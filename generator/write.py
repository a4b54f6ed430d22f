"""Stage 5: write finished files into the site folder, in parallel where it pays.

A file is only written when its bytes differ from what is already there, so a
rebuild leaves unchanged files alone (their modification times stay, which keeps
rsync and incremental copies small).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless the file already holds exactly these bytes."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as new:  # a new file: no reader can have it open
                new.write(data)
            return True
        except FileExistsError:
            pass  # appeared meanwhile: replace it as below
    temporary = path.with_name(f".{path.name}.kb-tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # a reader never sees a half-written page
    return True


def files_under(folder: Path) -> Iterator[Path]:
    """Every file below ``folder``, in a stable order."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            yield Path(root, name)
