"""Temporary folders of this tool's own, named after the process that made them.

The preview keeps its site in one (``kb-preview-…``), every build gives MkDocs an empty
one (``kb-docs-…``) and a large search index spills to one (``kb-search-…``). Each is
removed when its process ends, except after ``kill -9``, a crash or a power cut. So the
first such folder a process makes is preceded by a sweep of the temporary folder: a
folder of these kinds whose process is gone is removed. A folder is only ever used by
the process named in it, so one whose process has ended is nobody's.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

PREVIEW = "kb-preview"
DOCS = "kb-docs"
SEARCH = "kb-search"
_OURS = re.compile(rf"^(?:{PREVIEW}|{DOCS}|{SEARCH})-(?P<pid>[0-9]{{1,10}})-[^-]+$")
"""The names :func:`make_temp_dir` gives: kind, process id, then mkdtemp's random part
(which has no hyphen). Folders named otherwise, older ones included, are left alone."""


def make_temp_dir(kind: str) -> Path:
    """A new folder of ``kind`` (:data:`PREVIEW`, :data:`DOCS`, :data:`SEARCH`) in the
    system's temporary folder, after the stale ones are removed (once per process)."""
    remove_stale_temp_dirs()
    return Path(tempfile.mkdtemp(prefix=f"{kind}-{os.getpid()}-"))


@functools.cache
def remove_stale_temp_dirs() -> None:
    """Remove the folders :func:`make_temp_dir` made for processes that have ended."""
    temp = Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(temp))
    except OSError:
        return
    for entry in entries:
        found = _OURS.match(entry.name)
        if found is None or not entry.is_dir(follow_symlinks=False):
            continue
        pid = int(found["pid"])
        if pid != os.getpid() and _owned(entry) and not _running(pid):
            shutil.rmtree(entry.path, ignore_errors=True)


def _owned(entry: os.DirEntry[str]) -> bool:
    """Whether the folder is this user's: another user's processes are not ours to judge."""
    if not hasattr(os, "getuid"):
        return True
    try:
        return entry.stat(follow_symlinks=False).st_uid == os.getuid()
    except OSError:
        return False


def _running(pid: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - os.kill there would end the process
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, as another user's
    return True
