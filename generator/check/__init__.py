"""Stage 2: turn the content folder's files into typed content, collecting every problem.

Each file is checked on its own where it is read (:mod:`~generator.check.files`: its
kind, the model's rules worded by :mod:`~generator.check.messages`); then the files are
checked against each other: the taxonomy and what names it
(:mod:`~generator.check.taxonomy`), one id per file (:mod:`~generator.check.identity`),
references between files (:mod:`~generator.check.references`) and entries that read
almost the same (:mod:`~generator.check.duplicates`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from generator.check.duplicates import similar_entries
from generator.check.files import FileCheck, check_file, stem
from generator.check.identity import misplaced_errors, unique_contents
from generator.check.messages import check_field
from generator.check.references import check_distinct_refs, check_pack_refs, check_practice_refs
from generator.check.suggest import CloseIds
from generator.check.taxonomy import check_taxonomy, check_taxonomy_refs, load_taxonomy
from generator.errors import ContentError, ContentErrors
from generator.load import ContentCache, Document, read_documents
from generator.model import ENTRY_KINDS, BestPractice, Entry, Project, StudyPack, Taxonomy

__all__ = ["CheckCache", "FileCheck", "check_field", "check_file", "load_project", "load_taxonomy"]


@dataclass
class CheckCache:
    """What earlier checks worked out, reused for files that did not change: the preview
    keeps one between edits, so saving one file checks one file again."""

    files: ContentCache = field(default_factory=ContentCache)
    """Each file as read and checked on its own, by file."""
    taxonomy_refs: dict[tuple[str, str], list[ContentError]] = field(default_factory=dict)
    """Each file's organization type and themes checked, by (its digest, the taxonomy's)."""


def load_project(
    content_dir: Path,
    *,
    root: Path,
    workers: int = 1,
    find_duplicates: bool = True,
    cache: CheckCache | None = None,
    changed: set[Path] | None = None,
) -> Project:
    """Read and check everything under ``content_dir``; raise :class:`ContentErrors` if any.

    ``find_duplicates`` also looks for entries that read almost the same (a warning
    for editors, so ``kb check`` and the preview do it; a build can skip it).
    ``cache`` carries work over from an earlier call, for files that did not change.
    """
    checked, errors = read_documents(
        content_dir,
        root=root,
        workers=workers,
        cache=cache.files if cache else None,
        cache_key=("checked", find_duplicates),
        changed=changed,
        prepare=functools.partial(check_file, find_duplicates=find_duplicates),
    )
    taxonomy_doc = next((c for c in checked if isinstance(c, Document)), None)
    files = [c for c in checked if isinstance(c, FileCheck)]
    return check_files(
        files,
        errors,
        taxonomy_doc,
        content_dir=content_dir,
        root=root,
        find_duplicates=find_duplicates,
        cache=cache,
    )


def check_files(
    files: list[FileCheck],
    errors: list[ContentError],
    taxonomy_doc: Document | None,
    *,
    content_dir: Path,
    root: Path,
    find_duplicates: bool = True,
    cache: CheckCache | None = None,
) -> Project:
    """Check files, each already checked on its own, against each other and the taxonomy;
    raise one :class:`ContentErrors` listing every problem."""
    errors = list(errors)
    taxonomy = check_taxonomy(taxonomy_doc, errors, content_dir=content_dir, root=root)
    # Ids of entries that exist but failed their checks: references to them are not
    # reported again as "does not exist", which would send editors to the wrong file.
    invalid_ids = {stem(error.path) for error in errors if error.severity == "error"}
    candidates: list[FileCheck] = []
    by_path = {f.document.content_path: f for f in files}
    refs = _TaxonomyRefs(taxonomy, taxonomy_doc, cache) if taxonomy is not None else None
    for checked in files:
        if checked.misplaced:
            errors.extend(misplaced_errors(checked, files, by_path))
        else:
            errors.extend(checked.problems)
        if checked.content is None:
            if isinstance(checked.written.id, str):
                invalid_ids.add(checked.written.id)
            invalid_ids.add(checked.stem)
        else:
            candidates.append(checked)
        if refs is not None:
            errors.extend(refs.of(checked))
    if refs is not None and cache is not None:
        cache.taxonomy_refs = refs.found  # only the files there are now

    unique = unique_contents(candidates, files, errors, invalid_ids)
    contents = {i: f.content for i, f in unique.items() if f.content is not None}
    entries: dict[str, Entry] = {i: c for i, c in contents.items() if not isinstance(c, StudyPack)}
    packs = {i: c for i, c in sorted(contents.items()) if isinstance(c, StudyPack)}
    _check_references(entries, packs, unique, invalid_ids, errors)
    warnings = similar_entries(entries, unique) if find_duplicates else []
    problems = [*errors, *warnings]
    if any(p.severity == "error" for p in problems):
        raise ContentErrors(problems)
    assert taxonomy is not None  # a missing taxonomy is reported as an error above
    order = {kind: i for i, kind in enumerate(ENTRY_KINDS)}
    ordered = sorted(entries.values(), key=lambda e: (order[e.kind], e.id))
    return Project(
        taxonomy=taxonomy,
        entries={e.id: e for e in ordered},
        files={e.id: unique[e.id].document.path for e in ordered},
        digests={e.id: unique[e.id].document.digest for e in ordered},
        content_dir=content_dir,
        warnings=[p for p in problems if p.severity == "warning"],
        packs=packs,
    )


def _check_references(
    entries: dict[str, Entry],
    packs: dict[str, StudyPack],
    files: dict[str, FileCheck],
    invalid_ids: set[str],
    errors: list[ContentError],
) -> None:
    # What a reference may name, each worked out once for all the references of the check.
    any_entry = CloseIds(entries)
    citable = CloseIds(i for i, e in entries.items() if e.kind != "practice")
    for entry_id, entry in entries.items():
        document = files[entry_id].document
        if isinstance(entry, BestPractice):
            check_practice_refs(entry, document, entries, invalid_ids, errors, citable)
        check_distinct_refs(entry, document, entries, invalid_ids, errors, any_entry)
    for pack_id, pack in packs.items():
        check_pack_refs(pack, files[pack_id].document, entries, invalid_ids, errors, any_entry)


class _TaxonomyRefs:
    """:func:`check_taxonomy_refs` of each file, worked out once per file and taxonomy: a
    preview checks the whole project after each edit, and most files did not change."""

    def __init__(
        self, taxonomy: Taxonomy, document: Document | None, cache: CheckCache | None
    ) -> None:
        self.taxonomy = taxonomy
        self.digest = document.digest if document else ""
        self.known = ({t.id for t in taxonomy.org_types}, {t.id for t in taxonomy.themes})
        self.earlier = cache.taxonomy_refs if cache else {}
        self.found: dict[tuple[str, str], list[ContentError]] = {}

    def of(self, checked: FileCheck) -> list[ContentError]:
        key = (checked.document.digest, self.digest)
        found = self.earlier.get(key)
        if found is None:
            found = []
            check_taxonomy_refs(checked, self.taxonomy, found, self.known)
        self.found[key] = found
        return found
