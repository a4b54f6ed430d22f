"""What the form's checks across entries compare, as small script files under ``form/``.

``kb check`` looks at every entry at once: an id another file has, an id a practice or a
study pack names that no entry has, an entry that reads almost the same as another. The
form asks the same questions of the one entry being written, so it needs a little of
every other entry, and loads only the files its questions lead to, the way search loads
its index (:mod:`generator.search`): with ``<script>`` tags, which work from a web server
and from a folder opened on disk.

Files (each calls ``kbFormData.add(key, data)``):

- ``rules.js``: what the form checks with (:func:`generator.form.describe.form_rules`:
  the schemas and ``kb check``'s wording), loaded with the first check;
- ``manifest.js``: how many files of each sort there are;
- ``ids/<n>.js``: ``{id: [kind, title]}`` for the entries and study packs whose id hashes
  to ``n``: whether an id is taken, which kind it names, its title to show;
- ``titles/<n>.js``: ``{title: [ids]}`` for the titles hashing to ``n`` (as many files as
  ``ids``): whether a title is taken;
- ``sketch/<n>.js``: ``{checksum: [entry numbers]}`` for the sketch values
  (:func:`generator.check.similar.sketch`) hashing to ``n``; ``0`` for a value so common that
  the near-duplicate check ignores it;
- ``clauses/<n>.js``: for :data:`CHUNK` entries in a row, ``[id, distinct_from, clauses]``,
  the clause checksums as fixed-width base-64 digits: what the check compares in full.
"""

from __future__ import annotations

import functools
import math
import zlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from generator.check.similar import COMMON, clauses, sketch
from generator.check.simplified import fold, joined_texts
from generator.emit import entry_file
from generator.form.describe import form_rules, script_json
from generator.index import SiteIndex
from generator.model import KINDS, Entry, Taxonomy
from generator.search.files import Emit, fixed_width
from generator.search.postings import ALPHABET
from generator.workers import map_in_workers

FORM_DIR = "form"
FORMAT = 1
IDS_PER_FILE = 400
"""Entries per ``ids`` file, on average: a lookup loads one file of a few kilobytes."""
SKETCH_PER_FILE = 300
"""Sketch values per ``sketch`` file, on average."""
CHUNK = 40
"""Entries per ``clauses`` file."""
CHECKSUM_DIGITS = 6
"""Base-64 digits of a 32-bit clause checksum."""


def bucket(text: str, count: int) -> int:
    """Which of ``count`` files a key goes to: its CRC-32 (as the browser computes it)."""
    return zlib.crc32(text.encode()) % count


def entry_clauses(entry: Entry) -> Any:
    """The entry's clause checksums, as ``kb check`` works them out from its file: the
    model's values hold the same text, up to the spaces around it, which end clauses, and
    are read in Simplified characters as the check reads them."""
    data = entry.model_dump(exclude_defaults=True)
    return clauses(data, type(entry), fold(data, joined_texts(data)))


def write_form_data(
    index: SiteIndex,
    *,
    emit: Emit,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Hand every file of the form's data to ``emit``."""
    entries = list(index.project.entries.values())
    found = map_in_workers(entry_clauses, entries, workers=workers, on_progress=on_progress)
    for path, data in form_files(index, found).items():
        emit(path, data)


class LiveFormData:
    """The form's data in a preview, kept current edit by edit: only the entries an edit
    changed are worked out again, and only files whose bytes changed are written."""

    def __init__(
        self, index: SiteIndex, *, emit: Emit, discard: Callable[[str], Any], workers: int = 1
    ) -> None:
        self._emit = emit
        self._discard = discard
        entries = list(index.project.entries.values())
        found = map_in_workers(entry_clauses, entries, workers=workers)
        digests = index.project.digests
        self._clauses = {e.id: (digests.get(e.id), c) for e, c in zip(entries, found, strict=True)}
        self._written: dict[str, bytes] = {}
        self._write(index, found)

    def update(self, index: SiteIndex) -> None:
        """Bring the files in line with ``index``, the site after an edit."""
        digests = index.project.digests
        found = []
        for entry in index.project.entries.values():
            known = self._clauses.get(entry.id)
            if known is None or known[0] != digests.get(entry.id):
                known = (digests.get(entry.id), entry_clauses(entry))
                self._clauses[entry.id] = known
            found.append(known[1])
        for gone in set(self._clauses) - set(index.project.entries):
            del self._clauses[gone]
        self._write(index, found)

    def _write(self, index: SiteIndex, found: list[Any]) -> None:
        files = form_files(index, found)
        for path, data in files.items():
            if self._written.get(path) != data:
                self._emit(path, data)
        for path in set(self._written) - set(files):
            self._discard(path)
        self._written = files


def form_files(index: SiteIndex, found: list[Any]) -> dict[str, bytes]:
    """Every file of the form's data, by path, from the entries' clause checksums ``found``
    (in the order of the project's entries)."""
    project = index.project
    records: list[tuple[str, str, str]] = [
        (e.id, e.kind, e.title) for e in project.entries.values()
    ]
    records += [(p.id, "pack", p.title) for p in project.packs.values()]
    entries = list(project.entries.values())
    id_files = max(1, math.ceil(len(records) / IDS_PER_FILE))
    owners: dict[int, list[int]] = defaultdict(list)
    for number, clause_set in enumerate(found):
        for value in sketch(clause_set):
            owners[value].append(number)
    sketch_files = max(1, math.ceil(len(owners) / SKETCH_PER_FILE))
    manifest = {
        "format": FORMAT,
        "entries": len(entries),
        "ids": id_files,
        "sketch": sketch_files,
        "chunk": CHUNK,
        "digits": CHECKSUM_DIGITS,
        "alphabet": ALPHABET,
        "kinds": list(KINDS),
        "prefix": _content_prefix(index),
    }
    files = {
        f"{FORM_DIR}/manifest.js": _script("manifest", manifest),
        f"{FORM_DIR}/rules.js": _rules_script(project.taxonomy.model_dump_json()),
    }
    kinds = list(KINDS)
    by_file: dict[int, dict[str, Any]] = defaultdict(dict)
    for entry_id, kind, title in records:
        by_file[bucket(entry_id, id_files)][entry_id] = [kinds.index(kind), title]
    for number in range(id_files):
        files[f"{FORM_DIR}/ids/{number}.js"] = _script(f"ids/{number}", by_file[number])
    by_title: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for entry_id, _, title in records:
        by_title[bucket(title, id_files)].setdefault(title, []).append(entry_id)
    for number in range(id_files):
        files[f"{FORM_DIR}/titles/{number}.js"] = _script(f"titles/{number}", by_title[number])
    sketches: dict[int, dict[str, Any]] = defaultdict(dict)
    for value, numbers in owners.items():
        key = fixed_width([value], CHECKSUM_DIGITS)
        sketches[value % sketch_files][key] = numbers if len(numbers) <= COMMON else 0
    for number in range(sketch_files):
        files[f"{FORM_DIR}/sketch/{number}.js"] = _script(f"sketch/{number}", sketches[number])
    for start in range(0, len(entries), CHUNK):
        rows = [
            [entry.id, list(entry.distinct_from), fixed_width(clause_set, CHECKSUM_DIGITS)]
            for entry, clause_set in zip(
                entries[start : start + CHUNK], found[start : start + CHUNK], strict=True
            )
        ]
        key = f"clauses/{start // CHUNK}"
        files[f"{FORM_DIR}/{key}.js"] = _script(key, rows)
    return files


def _content_prefix(index: SiteIndex) -> str:
    """The content folder as messages name files in it (``content/``), from an entry's file."""
    project = index.project
    for entry_id, path in project.files.items():
        return path.removesuffix(entry_file(project.entries[entry_id].kind, entry_id))
    return f"{project.content_dir.name}/"


@functools.lru_cache(maxsize=2)
def _rules_script(taxonomy: str) -> bytes:
    """``rules.js`` for the taxonomy ``taxonomy`` (as JSON): worked out again in a preview only
    when an edit changed the taxonomy."""
    return _script("rules", form_rules(Taxonomy.model_validate_json(taxonomy)))


def _script(key: str, data: Any) -> bytes:
    return f'kbFormData.add("{key}",{script_json(data)});\n'.encode()
