"""Which pages an edit touches: each page is compared by what it read while it rendered.

A page's bytes follow from its own plan (template, title, context: its entry, or
the entries of its listing) and from what its template and outline looked up in
the site index (see :mod:`generator.reads`). After an edit, a page whose plan and
every one of whose reads give the same values in the new index renders the same
bytes, and is left alone; any other page is rendered again, and what it reads
this time is recorded for the next edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.reads import Read, ReadValues
from generator.render import Page


@dataclass(frozen=True)
class PageRecord:
    """What one page was rendered from."""

    plan: Any
    """The page's own plan described: where it goes, its title, template and context."""
    reads: dict[Read, Any]
    """The value behind each of its reads, described, when it was rendered."""


def describe_plan(page: Page, values: ReadValues) -> Any:
    """The page's plan as a plain, comparable value (entries by content digest)."""
    return (
        page.src_uri,
        page.title,
        page.template,
        page.hide,
        tuple(sorted((k, values.describe(v)) for k, v in page.context.items())),
    )


def record_page(page: Page, reads: frozenset[Read], values: ReadValues) -> PageRecord:
    """The record of ``page`` just rendered against the index behind ``values``."""
    return PageRecord(describe_plan(page, values), {read: values.value(read) for read in reads})


def is_current(record: PageRecord | None, page: Page, values: ReadValues) -> bool:
    """Whether ``page`` would render exactly as it did when ``record`` was made."""
    return (
        record is not None
        and record.plan == describe_plan(page, values)
        and all(values.value(read) == value for read, value in record.reads.items())
    )
