"""The pinyin that titles sort by, one character at a time, kept between runs.

Lists sort titles by each character's reading in pypinyin (``lazy_pinyin``, see
:func:`generator.index.entry_sort_key`). Loading pypinyin's dictionaries takes longer
than the rest of a small site's sorting and indexing together, while a site's titles use a
few thousand characters at most. So the readings pypinyin gives are kept in the user's
cache folder (beside the compiled templates, see :mod:`generator.template_cache`), in a file
named after pypinyin's version, and pypinyin is loaded only for a character the file does
not hold. The file only saves time: one that cannot be read, or that holds anything but
characters and their readings, is passed over and written anew; one that cannot be written
is left as it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path


class _Kept:
    readings: dict[str, str] | None = None
    """Every reading this process knows: the file's, then those found since."""
    found_more = False
    """Whether a reading was found that the file does not hold yet."""


def reading(char: str) -> str:
    """pypinyin's reading of ``char``, without tones (a character without one stands for itself)."""
    readings = _known()
    found = readings.get(char)
    if found is None:
        from pypinyin import lazy_pinyin

        found = readings[char] = lazy_pinyin(char)[0]
        _Kept.found_more = True
    return found


def keep_readings() -> None:
    """Write the readings found since the file was read into it; nothing new, nothing written."""
    if not _Kept.found_more:
        return
    _Kept.found_more = False
    path = _file()
    if path is None:
        return
    with contextlib.suppress(OSError):  # a full disk or a read-only cache folder
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, written = tempfile.mkstemp(dir=path.parent, prefix=".pinyin-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(_known(), out, ensure_ascii=False, sort_keys=True)
            os.replace(written, path)  # whole or not at all, for a build reading it meanwhile
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(written)


def _known() -> dict[str, str]:
    if _Kept.readings is None:
        _Kept.readings = _read(_file())
    return _Kept.readings


def _read(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable or damaged: found again
        return {}
    if not isinstance(kept, dict) or not all(
        isinstance(char, str) and len(char) == 1 and isinstance(said, str) and said
        for char, said in kept.items()
    ):
        return {}
    return kept


def _file() -> Path | None:
    """Where this version of pypinyin's readings are kept; None where nowhere can be had."""
    # Imported here: that module loads Jinja, which kb check (which never sorts) does without.
    from generator.template_cache import cache_home

    try:
        return cache_home() / f"pinyin-{metadata.version('pypinyin')}.json"
    except (metadata.PackageNotFoundError, RuntimeError):  # RuntimeError: no home folder
        return None
