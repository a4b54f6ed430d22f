"""Pages as the preview keeps them: what each page is planned from (its typed context and
its outline) and what it read, compared after every edit and sent to worker processes."""

from __future__ import annotations

import dataclasses
import pickle
import typing
from typing import Any

import pytest

from generator.check import load_project
from generator.incremental import Dependencies
from generator.index import build_index
from generator.page_context import FIELDS
from generator.reads import (
    ENTRY_SET,
    TAXONOMY,
    EntryContent,
    Lookup,
    Read,
    ReadValues,
    WholeTable,
)
from generator.render import Page, Renderer, plan_pages
from tests.conftest import REPO, site_name

INDEX = build_index(load_project(REPO / "content", root=REPO))
PAGES = plan_pages(INDEX)


def _other_value(name: str, value: Any) -> Any:
    """A value of the context field ``name`` that differs from ``value``: another page's,
    or (for what every page shares, the matrix's cells) a changed copy."""
    for page in PAGES:
        other = getattr(page.context, name)
        if other is not None and other != value:
            return other
    assert isinstance(value, dict), f"no second value of {name} to plan a page with"
    return {**value, ("no-theme", "no-org-type"): "elsewhere.md"}


def _stale(planned: Page, now: Page, *, narrowed: bool) -> bool:
    """Whether the preview renders ``now`` again, after rendering ``planned`` at its address."""
    values = ReadValues(INDEX)
    pages = Dependencies()
    pages.record(planned, frozenset(), values)
    previous = ReadValues(INDEX) if narrowed else None
    return pages.stale([now], values, previous) == [now]


@pytest.mark.parametrize("narrowed", [True, False], ids=["narrowed", "every-plan"])
@pytest.mark.parametrize("name", FIELDS)
def test_a_page_given_something_else_is_rendered_again(name: str, narrowed: bool) -> None:
    """A page whose context differs in any one field (its entry, pack, listing, kind, theme,
    organization type or the matrix's links) is rendered again; the same plan is not."""
    page = next(p for p in PAGES if getattr(p.context, name) is not None)
    changed = dataclasses.replace(
        page,
        context=dataclasses.replace(
            page.context, **{name: _other_value(name, getattr(page.context, name))}
        ),
    )
    assert not _stale(page, dataclasses.replace(page), narrowed=narrowed)
    assert _stale(page, changed, narrowed=narrowed)


def test_planned_pages_reach_worker_processes_as_planned() -> None:
    """Every page, its context and its outline survive the trip to a worker process
    (pages are pickled to the processes that render them) and compare equal there."""
    for page in PAGES:
        assert pickle.loads(pickle.dumps(page)) == page, page.src_uri


def test_what_pages_read_comes_back_from_worker_processes_as_read() -> None:
    """Every kind of read a page notes while it renders survives the trip back from the
    worker process that rendered it (results are pickled), so the preview tracks it."""
    renderer = Renderer(REPO / "theme" / "kb", INDEX, site_name=site_name(REPO / "mkdocs.yml"))
    reads = {read for page in PAGES for read in renderer.render(page).reads}
    assert {type(read) for read in reads} == set(typing.get_args(Read))
    assert pickle.loads(pickle.dumps(reads)) == reads


def test_reads_of_different_kinds_are_told_apart() -> None:
    """An entry named like one of the index's tables is tracked apart from that table, and
    the set of entries apart from the taxonomy: reads of one kind never stand for another."""
    reads = {
        EntryContent("related"),
        WholeTable("related"),
        Lookup("related", "related"),
        ENTRY_SET,
        TAXONOMY,
    }
    assert len(reads) == 5
