"""Which pages an edit touches, from what each page read while it rendered.

A page's bytes follow from its own plan (template, title, context: its entry, or
the entries of its listing) and from what its template and outline looked up in
the site index (see :mod:`generator.reads`). :class:`Dependencies` keeps, for
every read, its value when last rendered and the pages that made it. After an
edit, only reads whose value in the new index differs, and pages whose plan
differs, send pages to be rendered again; what those pages read this time is
recorded for the next edit. The work grows with the number of different reads
and pages, never with pages times reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.model import Entry
from generator.page_context import FIELDS
from generator.reads import Read, ReadValues
from generator.render import Page

_BESIDE_ENTRY = tuple(name for name in FIELDS if name != "entry")
"""The context's fields an entry's page leaves empty: it is given its entry alone."""


def describe_plan(page: Page, values: ReadValues) -> Any:
    """The page's plan as a plain, comparable value (entries by content digest)."""
    context, entry = page.context, page.context.entry
    if entry is not None and all(getattr(context, name) is None for name in _BESIDE_ENTRY):
        given: Any = (entry.id, values.entry_digests[entry.id])  # an entry's page: most of them
    else:
        given = values.describe(context)
    return (page.src_uri, page.title, page.template, page.hide, page.outline, given)


class Dependencies:
    """What every page of a site was rendered from."""

    def __init__(self) -> None:
        self.plans: dict[str, Any] = {}
        """Each page's plan, described, when it was rendered."""
        self.reads: dict[str, frozenset[Read]] = {}
        """What each page read."""
        self.values: dict[Read, Any] = {}
        """Each read's value when the pages that made it were rendered (all pages reading
        something are rendered again when it changes, so they agree on its value)."""
        self.readers: dict[Read, set[str]] = {}
        self.pages: dict[str, Page] = {}
        """Each page as planned when it was rendered."""

    def record(self, page: Page, reads: frozenset[Read], values: ReadValues) -> None:
        """``page`` was just rendered against the index behind ``values``, reading ``reads``."""
        src_uri = page.src_uri
        self.forget(src_uri)
        self.plans[src_uri] = describe_plan(page, values)
        self.pages[src_uri] = page
        self.reads[src_uri] = reads
        known, readers = self.values, self.readers
        for read in reads:
            known[read] = values.value(read)
            pages = readers.get(read)
            if pages is None:
                readers[read] = {src_uri}
            else:
                pages.add(src_uri)

    def forget(self, src_uri: str) -> None:
        """Drop what is known of a page (it is gone, or about to be recorded again)."""
        self.plans.pop(src_uri, None)
        self.pages.pop(src_uri, None)
        for read in self.reads.pop(src_uri, ()):
            readers = self.readers.get(read)
            if readers is not None:
                readers.discard(src_uri)
                if not readers:
                    del self.readers[read]
                    del self.values[read]

    def stale(
        self, pages: Iterable[Page], values: ReadValues, previous: ReadValues | None = None
    ) -> list[Page]:
        """The ``pages`` that would not render as they did: new ones, and those whose plan
        or any of whose reads changed.

        ``previous`` (the values of the index the pages were last rendered from) narrows
        the work to what the edit can have changed: reads as :meth:`ReadValues.changed`
        says, and entry pages of the entries it changed (such a page's plan is its entry).
        """
        narrowed = values.suspects(previous) if previous is not None else None
        touched: set[str] = set()
        for read in values.changed(self.values, narrowed):
            touched |= self.readers[read]
        moved = narrowed.moved if narrowed is not None else set()
        plans = self.plans
        stale = []
        for page in pages:
            src_uri = page.src_uri
            if src_uri in touched or src_uri not in plans:
                stale.append(page)
                continue
            if narrowed is not None and _same_plan(page, self.pages[src_uri], moved):
                continue
            if plans[src_uri] != describe_plan(page, values):
                stale.append(page)
        return stale


def _same_plan(page: Page, before: Page, moved: set[str]) -> bool:
    """Whether ``page`` is planned as ``before`` was, from the same entries, none of which
    the edit changed: then its description needs no working out (a page listing thousands
    of entries costs as much to describe as to render)."""
    if (page.title, page.template, page.hide, page.outline) != (
        before.title,
        before.template,
        before.hide,
        before.outline,
    ):
        return False
    context, planned = page.context, before.context
    for name in FIELDS:
        value, old = getattr(context, name), getattr(planned, name)
        if value is old:  # the same object, or neither given
            continue
        if isinstance(value, Entry) and isinstance(old, Entry):
            if value.id != old.id or value.id in moved:
                return False
        elif value != old:
            return False
    return True
