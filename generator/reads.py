"""What a page reads from the site index, recorded while it renders.

Templates and outlines see the index through a :class:`IndexView`. Every lookup
they make in one of the index's tables (related entries, citations, a theme's
entries, a matrix cell, the whole of a table when they count or loop over it)
is noted as a :data:`Read` of which entries it held; every entry they are handed
notes a read of that entry's content when they look at one of its fields. So a
page counting a theme's entries depends on which entries they are, and a page
listing their summaries on those entries' content too. Each kind of read is a small
value of its own type (:class:`Lookup`, :class:`WholeTable`, :class:`EntryContent`,
:class:`EntrySet`, :class:`TaxonomyRead`). The preview later compares, for each page,
the value of every read in the new index with the old one: a page whose reads all
give the same values renders the same bytes and is left alone. Nobody keeps a
list of "what this template shows"; the page says what it looked at.

The tables are found by looking at :class:`~generator.index.SiteIndex` itself:
a table added to the index is recorded without anyone remembering to.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import hashlib
import operator
import typing
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, assert_never

from generator.index import SiteIndex
from generator.model import Entry, Question, Taxon


# Reads are kept by the thousand, compared after every edit and sent back from worker
# processes: slots keep them small, each pickles as a plain constructor call (with slots, a
# dataclass otherwise pickles field by field, several times slower), and each is its own
# type, so reads of different kinds never compare equal (an entry whose id is a table's
# name is still told apart from the table).
@dataclasses.dataclass(frozen=True, slots=True)
class Lookup:
    """One key of one of the index's tables: a theme's entries, an entry's related entries."""

    table: str
    key: Hashable

    def __reduce__(self) -> tuple[type[Lookup], tuple[str, Hashable]]:
        return Lookup, (self.table, self.key)


@dataclasses.dataclass(frozen=True, slots=True)
class WholeTable:
    """All of one of the index's tables, as a page looping over it or counting it reads it."""

    table: str

    def __reduce__(self) -> tuple[type[WholeTable], tuple[str]]:
        return WholeTable, (self.table,)


@dataclasses.dataclass(frozen=True, slots=True)
class EntryContent:
    """One entry's content, read when a page looks at any of the entry's fields."""

    id: str

    def __reduce__(self) -> tuple[type[EntryContent], tuple[str]]:
        return EntryContent, (self.id,)


@dataclasses.dataclass(frozen=True, slots=True)
class EntrySet:
    """Which entries there are, read by a page looping over all of them."""

    def __reduce__(self) -> str:
        return "ENTRY_SET"  # the one instance, by its name in this module


@dataclasses.dataclass(frozen=True, slots=True)
class TaxonomyRead:
    """The themes and organization types, their names and their order."""

    def __reduce__(self) -> str:
        return "TAXONOMY"  # the one instance, by its name in this module


Read = Lookup | WholeTable | EntryContent | EntrySet | TaxonomyRead
"""Something a page read from the site index while it rendered."""
TAXONOMY = TaxonomyRead()
ENTRY_SET = EntrySet()


@dataclasses.dataclass(frozen=True)
class Suspects:
    """What an edit can have changed (see :meth:`ReadValues.suspects`)."""

    moved: set[str]
    """Ids of the entries it added, removed or rewrote."""
    keys: dict[str, set[Any]]
    """For each table of entry lists, the keys whose list holds one of them, before or after."""
    before: dict[str, Mapping[Any, Any]]
    """The tables of the index before the edit."""


def same_entries(new: list[Any], old: list[Any]) -> bool:
    """Whether two lists of entries hold the same entries (by id) in the same order.

    Entries the edit left alone are the same objects in both, compared without looking
    at them; only the others are looked at.
    """
    if len(new) != len(old):
        return False
    if all(map(operator.is_, new, old)):
        return True
    return all(a is b or a.id == b.id for a, b in zip(new, old, strict=True))


_MISSING = object()


def index_tables() -> list[str]:
    """The index's lookup tables: its fields holding mappings."""
    hints = typing.get_type_hints(SiteIndex)  # the annotations are strings until resolved
    return [
        f.name
        for f in dataclasses.fields(SiteIndex)
        if typing.get_origin(hints[f.name]) in (dict, collections.abc.Mapping)
    ]


class IndexView:
    """The site index as templates see it, noting each read in :attr:`reads`."""

    def __init__(self, index: SiteIndex) -> None:
        self._index = index
        self.reads: set[Read] = set()
        for table in index_tables():
            recording = _RecordingTable(
                getattr(index, table),
                self.reads,
                key_read=functools.partial(Lookup, table),
                whole_read=WholeTable(table),
            )
            setattr(self, table, recording)
        self.project = _ProjectView(index, self.reads)

    @property
    def themes(self) -> list[Taxon]:
        self.reads.add(TAXONOMY)
        return self._index.themes

    @property
    def org_types(self) -> list[Taxon]:
        self.reads.add(TAXONOMY)
        return self._index.org_types

    def theme(self, theme_id: str) -> Taxon:
        self.reads.add(TAXONOMY)
        return self._index.theme(theme_id)

    def org_type(self, org_type_id: str) -> Taxon:
        self.reads.add(TAXONOMY)
        return self._index.org_type(org_type_id)

    def lookup(self, entry_ids: list[str]) -> list[Entry]:
        """The entries with these ids, in the given order."""
        return [self.project.entries[entry_id] for entry_id in entry_ids]


class _ProjectView:
    def __init__(self, index: SiteIndex, reads: set[Read]) -> None:
        self._project = index.project
        # Looking an entry up is reading its content (its page shows it).
        self.entries = _RecordingTable(
            index.project.entries, reads, key_read=EntryContent, whole_read=ENTRY_SET
        )

    @property
    def taxonomy(self) -> Any:
        return self._project.taxonomy


class _EntryView:
    """An entry handed to a template: reading any of its fields notes its content as read."""

    __slots__ = ("_entry", "_read", "_reads")

    def __init__(self, entry: Entry, reads: set[Read]) -> None:
        self._entry = entry
        self._read = EntryContent(entry.id)
        self._reads = reads

    def __getattr__(self, name: str) -> Any:
        self._reads.add(self._read)
        return getattr(self._entry, name)


class _ViewedList(Sequence[Any]):
    """A list of entries whose items are wrapped in :class:`_EntryView` only when taken:
    a page that counts a theme's thousands of entries does not wrap them all."""

    __slots__ = ("_items", "_reads")

    def __init__(self, items: list[Any], reads: set[Read]) -> None:
        self._items = items
        self._reads = reads

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return _ViewedList(self._items[index], self._reads)
        return _viewed(self._items[index], self._reads)

    def __iter__(self) -> Iterator[Any]:
        reads = self._reads
        return (_viewed(item, reads) for item in self._items)


def _viewed(value: Any, reads: set[Read]) -> Any:
    """``value`` with the entries in it (directly or in a list) wrapped in :class:`_EntryView`."""
    if isinstance(value, Entry):
        return _EntryView(value, reads)
    if isinstance(value, list):
        return _ViewedList(value, reads)
    return value


class _RecordingTable(Mapping[Any, Any]):
    """A read-only mapping that notes each key asked for, or the whole table when iterated;
    the entries it hands out note their own reads."""

    def __init__(
        self,
        table: Mapping[Any, Any],
        reads: set[Read],
        *,
        key_read: Callable[[Any], Read],
        whole_read: Read,
    ) -> None:
        """``key_read`` makes the read of one key; ``whole_read`` is the read of them all."""
        self._table = table
        self._reads = reads
        self._key_read = key_read
        self._whole_read = whole_read

    def __getitem__(self, key: Any) -> Any:
        self._reads.add(self._key_read(key))
        return _viewed(self._table[key], self._reads)

    def get(self, key: Any, default: Any = None) -> Any:
        self._reads.add(self._key_read(key))
        return _viewed(self._table.get(key, default), self._reads)

    def items(self) -> Any:
        self._reads.add(self._whole_read)
        return [(k, _viewed(v, self._reads)) for k, v in self._table.items()]

    def values(self) -> Any:
        self._reads.add(self._whole_read)
        return [_viewed(v, self._reads) for v in self._table.values()]

    def __contains__(self, key: object) -> bool:
        self._reads.add(self._key_read(key))
        return key in self._table

    def __iter__(self) -> Iterator[Any]:
        self._reads.add(self._whole_read)
        return iter(self._table)

    def __len__(self) -> int:
        self._reads.add(self._whole_read)
        return len(self._table)


class ReadValues:
    """The value behind each read in one index, described plainly, worked out once per read."""

    def __init__(self, index: SiteIndex) -> None:
        self.index = index
        self.entry_digests = index.project.digests
        self._known: dict[Read, Any] = {}
        self._taxonomy = hashlib.sha1(index.project.taxonomy.model_dump_json().encode()).hexdigest()
        self._tables = {table: getattr(index, table) for table in index_tables()}

    def value(self, read: Read) -> Any:
        """A plain, comparable value: equal values mean the page would read the same."""
        value = self._known.get(read, _MISSING)
        if value is _MISSING:
            value = self._known[read] = self._value(read)
        return value

    def changed(
        self, known: Mapping[Read, Any], narrowed: Suspects | None = None
    ) -> Iterator[Read]:
        """The reads among ``known`` (read: value in an earlier index) whose value differs
        here. A preview asks this of every read of every page after each edit, so each
        value is worked out afresh, without keeping it.

        With what :meth:`suspects` found against the index ``known`` was valued in, only
        the reads the edit can have changed are valued again.
        """
        value = self._value
        if narrowed is None:
            for read, before in known.items():
                if value(read) != before:
                    yield read
            return
        moved, suspects, tables = narrowed.moved, narrowed.keys, self._tables
        for read, before in known.items():
            if isinstance(read, EntryContent):
                if read.id not in moved:
                    continue
            elif isinstance(read, Lookup) and read.table in suspects:
                table, key = read.table, read.key
                if key not in suspects[table]:
                    continue
                new = tables[table].get(key)
                old = narrowed.before[table].get(key)
                if type(new) is list and type(old) is list:
                    if not same_entries(new, old):
                        yield read
                    continue
            if value(read) != before:
                yield read

    def suspects(self, previous: ReadValues) -> Suspects | None:
        """The entries an edit changed (added, removed or rewritten) and, for each table
        holding lists of entries, the keys whose list holds one of them, before or after.

        Only those keys can read differently: every such table groups or ranks entries by
        what each entry says itself (its themes, organization type, region, citations), so a
        list none of the changed entries is or was in stays as it was; ``tests/
        test_incremental.py`` checks this against valuing every read. Entries are found by
        identity (an edited entry is a new object), which touches no entry's memory: the
        work is a few milliseconds at ten thousand entries. ``None`` when the taxonomy
        changed, which can change anything.
        """
        if previous._taxonomy != self._taxonomy:
            return None
        assert previous is not self
        before, after = previous.entry_digests, self.entry_digests
        moved = {i for i, digest in after.items() if before.get(i) != digest}
        moved |= before.keys() - after.keys()
        objects = {
            id(entry)
            for values in (previous, self)
            for i in moved
            if (entry := values.index.project.entries.get(i)) is not None
        }
        suspects: dict[str, set[Any]] = {}
        for table in self._tables:
            keys: set[Any] = set()
            for values in (previous, self):
                for key, listed in values._tables[table].items():
                    if type(listed) is not list:
                        break  # not a table of entry lists: every read of it is valued
                    if listed and not isinstance(listed[0], Entry):
                        break
                    if not objects.isdisjoint(map(id, listed)):
                        keys.add(key)
                else:
                    continue
                break
            else:
                suspects[table] = keys
        return Suspects(moved, suspects, previous._tables)

    def _value(self, read: Read) -> Any:
        match read:
            case EntryContent(entry_id):
                return self.entry_digests.get(entry_id, "missing")
            case Lookup(table, key):
                value = self._tables[table].get(key, _MISSING)
                if type(value) is list and value and isinstance(value[0], Entry):
                    return tuple([entry.id for entry in value])  # most reads: a few entries' ids
                if value is _MISSING:
                    return "missing"  # most other reads: entries no practice cites, no pack lists
                return self.describe(value, content=False)
            case WholeTable(table):
                mapping = self._tables[table]
                return sorted(
                    (repr(k), self.describe(v, content=False)) for k, v in mapping.items()
                )
            case EntrySet():
                return sorted(self.entry_digests)
            case TaxonomyRead():
                return self._taxonomy
            case _:
                assert_never(read)

    def describe(self, value: Any, *, content: bool = True) -> Any:
        """A plain, comparable stand-in for a value: entries by their id and, with
        ``content``, their content digest (index reads leave content to the entries' own
        reads; a page's plan shows its entries, so it includes their content)."""
        if value is None:  # most fields of a page's context
            return None
        if value is _MISSING:
            return "missing"
        if type(value) is list or type(value) is tuple:
            if value and isinstance(value[0], Entry):  # lists of entries: nearly every value
                ids = tuple([e.id for e in value])
                if content:
                    return ids, tuple(map(self.entry_digests.__getitem__, ids))
                return ids
            return tuple(self.describe(v, content=content) for v in value)
        if isinstance(value, Entry):
            return ("entry", value.id, self.entry_digests[value.id] if content else "")
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        if isinstance(value, (Taxon, Question)):  # plain content: its fields say it all
            return (type(value).__name__.lower(), value.model_dump_json())
        if isinstance(value, Mapping):
            return tuple(
                sorted((repr(k), self.describe(v, content=content)) for k, v in value.items())
            )
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = _field_names(type(value))
            return (
                type(value).__name__,
                tuple(self.describe(getattr(value, name), content=content) for name in names),
            )
        raise TypeError(f"no digest for index value {type(value).__name__}")


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, looked up once per class (plans describe thousands)."""
    return tuple(f.name for f in dataclasses.fields(cls))
