"""Stage 1: read the YAML files under ``content/`` and remember where every value sits.

Each file becomes a :class:`~generator.document.Document` (:mod:`generator.parse`)
holding plain Python data plus a map from key paths to source positions, so later
stages can name the exact line of a problem. Files that cannot be read or parsed
become :class:`ContentError` s; loading never stops at the first bad file. Files are
read in parallel, and files unchanged since the last load are not read again.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.content_files import (
    ENTRY_SUFFIXES,
    TAXONOMY_FILE,
    ContentFiles,
    find_content_files,
    shown_folder,
)
from generator.document import Document, KeyPath, Position, display_path, format_key_path
from generator.encoding import check_text_file, unreadable
from generator.errors import ContentError
from generator.parse import parse_document
from generator.workers import map_in_workers

__all__ = [
    "TAXONOMY_FILE",
    "ContentCache",
    "Document",
    "KeyPath",
    "Position",
    "display_path",
    "format_key_path",
    "parse_document",
    "read_documents",
]


@dataclass
class ContentCache:
    """What earlier loads worked out, reused for files that have not changed.

    The preview keeps one between edits, so saving one file re-reads one file.
    """

    parsed: dict[Path, tuple[tuple[int, int], Any, list[ContentError]]] = field(
        default_factory=dict
    )
    """By file: its (modification time, size) when read, and what reading and preparing it
    gave."""
    key: Any = None
    """What else the cached values depend on (how documents were prepared): a load with
    another key starts afresh."""
    files: ContentFiles | None = None
    """The content folder as last walked."""
    resolved: dict[Path, Path] = field(default_factory=dict)
    """Its YAML files by resolved path, to recognise the files an edit names."""


def read_documents(
    content_dir: Path,
    *,
    root: Path,
    workers: int = 1,
    cache: ContentCache | None = None,
    cache_key: Any = None,
    changed: set[Path] | None = None,
    prepare: Callable[[Document], Any] | None = None,
) -> tuple[list[Any], list[ContentError]]:
    """Parse every YAML file under ``content_dir``; collect all failures.

    Files the model does not know, and links leaving the project, are reported
    (see :mod:`generator.content_files`) and never read.
    With several ``workers``, files are parsed in parallel; the result is the same.
    With a ``cache``, files unchanged since the last call are not parsed again; the
    cache holds only what was worked out with the same ``cache_key``. ``changed`` (the
    files an edit touched, resolved) lets a load that only modifies known files skip
    walking the folder and looking at every other file.
    ``prepare`` runs on each parsed document right where it was parsed, so work that
    needs one document only is parallel too; what it returns is what is returned (and
    cached) for the document, and may be much smaller than it (thousands of full
    documents take much memory).
    """
    if cache is not None and cache.key != cache_key:
        cache.parsed.clear()
        cache.files = None
        cache.key = cache_key
    found, touched = _content_files(content_dir, root, cache, changed)
    shown_dir = display_path(content_dir, root)
    results: dict[Path, tuple[Any, list[ContentError]]] = {}
    stamps: dict[Path, tuple[int, int]] = {}
    jobs = []
    for path, content_path in found.yaml:
        known = cache.parsed.get(path) if cache else None
        if known and touched is not None and path not in touched:
            stamps[path] = known[0]  # an edit elsewhere: this file is as it was
            results[path] = (known[1], known[2])
            continue
        try:
            status = path.stat()
        except OSError as failure:
            results[path] = (None, [unreadable(f"{shown_dir}/{content_path}", failure)])
            continue
        stamps[path] = (status.st_mtime_ns, status.st_size)
        if known and known[0] == stamps[path]:
            results[path] = (known[1], known[2])
            continue
        shown = f"{shown_dir}/{content_path}" if shown_dir != "." else content_path
        jobs.append((path, shown, content_path))

    read_one = functools.partial(_read_one, prepare=prepare)
    for job, result in zip(jobs, map_in_workers(read_one, jobs, workers=workers), strict=True):
        results[job[0]] = result
    if cache is not None:
        cache.parsed = {path: (stamps[path], *results[path]) for path in stamps}
    documents: list[Any] = []
    errors: list[ContentError] = list(found.problems)
    for path, _ in found.yaml:
        document, problems = results[path]
        errors.extend(problems)
        if document is not None:
            documents.append(document)
    if found.search_terms is not None:
        errors += check_text_file(
            found.search_terms, shown=f"{shown_dir}/{found.search_terms.name}"
        )
    return documents, errors


def _content_files(
    content_dir: Path, root: Path, cache: ContentCache | None, changed: set[Path] | None
) -> tuple[ContentFiles, set[Path] | None]:
    """The content folder's files, and (after an edit the cache can follow without a walk)
    the files the edit touched; ``None`` for "look at every file"."""
    patched = (
        _without_walk(cache, changed, content_dir, root)
        if cache is not None and changed is not None
        else None
    )
    if patched is not None:
        assert cache is not None and changed is not None
        cache.files = patched
        return patched, {cache.resolved[path] for path in changed if path in cache.resolved}
    found = find_content_files(content_dir, root=root)
    if cache is not None:
        cache.files = found
        # Resolving ten thousand paths takes a while; joining the resolved folder does not.
        # (A file reached through a link inside the folder is then not recognised, which
        # only costs that edit a walk.)
        real = content_dir.resolve()
        cache.resolved = {real / relative: path for path, relative in found.yaml}
    return found, None


def _without_walk(
    cache: ContentCache, changed: set[Path], content_dir: Path, root: Path
) -> ContentFiles | None:
    """The content folder's files after an edit, from the last walk, when the edit only
    modified, created or deleted plain entry files in folders that hold entries: then a
    walk would find nothing new but those files. ``None`` when a walk is needed.

    Saving a new entry in a library of ten thousand looks at one file, not at every one.
    """
    if cache.files is None:
        return None
    real = content_dir.resolve()
    folders = {relative.rpartition("/")[0] for _, relative in cache.files.yaml}
    created: list[tuple[Path, str]] = []
    gone: list[Path] = []
    for path in changed:
        known = cache.resolved.get(path)
        if known is not None and path.is_file():
            continue  # modified
        if known is not None and not os.path.lexists(path):
            gone.append(path)
            continue
        if not path.is_relative_to(real):
            return None
        relative = path.relative_to(real).as_posix()
        if (
            known is None
            and relative.rpartition("/")[0] in folders
            and path.name.endswith(ENTRY_SUFFIXES)
            and not path.name.startswith(".")
            and not path.is_symlink()
            and path.is_file()
        ):
            created.append((content_dir / relative, relative))
            continue
        return None  # anything else (a folder, a link, another kind of file): walk
    if not created and not gone:
        return cache.files
    deleted = {cache.resolved.pop(path).relative_to(content_dir).as_posix() for path in gone}
    for opened, relative in created:
        cache.resolved[real / relative] = opened
    shown = shown_folder(content_dir, root)
    return cache.files.with_entry_files(created, deleted, shown_dir=shown)


def _read_one(
    job: tuple[Path, str, str], *, prepare: Callable[[Document], Any] | None
) -> tuple[Any, list[ContentError]]:
    path, shown, content_path = job
    try:
        raw = path.read_bytes()
    except OSError as failure:
        return None, [unreadable(shown, failure)]
    document, problems = parse_document(raw, path=shown, content_path=content_path)
    if document is not None and prepare is not None:
        return prepare(document), problems
    return document, problems


# --- bytes to text ---------------------------------------------------------------------


# --- nodes to data ---------------------------------------------------------------------
