"""Which pages an edit touches: each page is compared by what it read while it rendered.

A page's bytes follow from its own plan (template, title, context: its entry, or
the entries of its listing) and from what its template and outline looked up in
the site index (see :mod:`generator.reads`). After an edit, a page whose plan and
every one of whose reads give the same values in the new index renders the same
bytes, and is left alone; any other page is rendered again, and what it reads
this time is recorded for the next edit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from generator.reads import Read, ReadValues
from generator.render import Page


@dataclass(frozen=True)
class PageRecord:
    """What one page was rendered from."""

    plan: str
    """Digest of the page's own plan: where it goes, its title, template and context."""
    reads: dict[Read, str]
    """Digest of the value behind each of its reads, when it was rendered."""


def plan_digest(page: Page, values: ReadValues) -> str:
    described = (
        page.src_uri,
        page.title,
        page.template,
        page.hide,
        tuple(sorted((k, values.describe(v)) for k, v in page.context.items())),
    )
    return hashlib.sha1(repr(described).encode()).hexdigest()


def record_page(page: Page, reads: frozenset[Read], values: ReadValues) -> PageRecord:
    """The record of ``page`` just rendered against the index behind ``values``."""
    return PageRecord(plan_digest(page, values), {read: values.digest(read) for read in reads})


def is_current(record: PageRecord | None, page: Page, values: ReadValues) -> bool:
    """Whether ``page`` would render exactly as it did when ``record`` was made."""
    return (
        record is not None
        and record.plan == plan_digest(page, values)
        and all(values.digest(read) == digest for read, digest in record.reads.items())
    )
