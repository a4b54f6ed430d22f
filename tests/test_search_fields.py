"""Readers find an entry by the text of every field they read on its page: each field the
search must hold, written out here as readers expect it, against what the model marks."""

from __future__ import annotations

import datetime

import pytest

from generator.model import KINDS
from generator.rules import Text
from generator.search.documents import search_document

SEARCHED = {
    "case": [
        "title",
        "summary",
        "keywords",
        "unit",
        "region",
        "period",
        "background",
        "actions.title",
        "actions.text",
        "results.summary",
        "results.figures.label",
        "results.figures.value",
        "lessons",
        "sources.title",
    ],
    "practice": [
        "title",
        "summary",
        "keywords",
        "steps.title",
        "steps.text",
        "fits",
        "cautions",
        "sources.title",
    ],
    "material": [
        "title",
        "summary",
        "keywords",
        "sections.title",
        "sections.text",
        "sections.points",
        "key_points",
        "sources.title",
    ],
    "pack": ["title", "summary", "occasion", "length", "introduction", "entries.note", "questions"],
}
"""Where a reader's words may come from, by kind: every text a page shows as the entry's own
(ids of other entries, the unit's note and a source's file name are not searched)."""


def _marked(path: str) -> str:
    """A text no other field holds, naming its field (甲 + the field's path in Chinese digits)."""
    digits = "零一二三四五六七八九"
    return "标记" + "".join(digits[ord(c) % 10] for c in path) + "号"


def _entry(kind: str) -> object:
    """An entry of ``kind`` with every field filled, each text field holding its own mark."""
    data: dict[str, object] = {
        "id": "marked",
        "kind": kind,
        "title": _marked("title"),
        "summary": _marked("summary"),
        "org_type": "rural",
        "themes": ["learning-content"],
        "keywords": [_marked("keywords")],
        "distinct_from": ["other"],
        "sources": [
            {
                "document": _marked("sources.document"),
                "title": _marked("sources.title"),
                "author": _marked("sources.author"),
                "published": datetime.date(2020, 1, 1),
            }
        ],
    }
    step = {"title": "", "text": ""}
    by_kind: dict[str, dict[str, object]] = {
        "case": {
            "unit": _marked("unit"),
            "unit_note": _marked("unit_note"),
            "region": _marked("region"),
            "period": _marked("period"),
            "background": _marked("background"),
            "actions": [
                {**step, "title": _marked("actions.title"), "text": _marked("actions.text")}
            ],
            "results": {
                "summary": _marked("results.summary"),
                "figures": [
                    {
                        "label": _marked("results.figures.label"),
                        "value": _marked("results.figures.value"),
                    }
                ],
            },
            "lessons": [_marked("lessons")],
        },
        "practice": {
            "steps": [{"title": _marked("steps.title"), "text": _marked("steps.text")}],
            "fits": _marked("fits"),
            "cases": ["other"],
            "cautions": [_marked("cautions")],
        },
        "material": {
            "sections": [
                {
                    "title": _marked("sections.title"),
                    "text": _marked("sections.text"),
                    "points": [_marked("sections.points")],
                }
            ],
            "key_points": [_marked("key_points")],
        },
        "pack": {
            "id": "marked",
            "kind": "pack",
            "title": _marked("title"),
            "summary": _marked("summary"),
            "occasion": _marked("occasion"),
            "length": _marked("length"),
            "introduction": _marked("introduction"),
            "entries": [{"entry": "other", "note": _marked("entries.note")}],
            "questions": [_marked("questions")],
        },
    }
    if kind == "pack":
        data = by_kind["pack"]
    else:
        data.update(by_kind[kind])
    return KINDS[kind].model.model_validate(data)


def unfound_fields() -> list[tuple[str, str]]:
    """The (kind, field) pairs of :data:`SEARCHED` whose text the search does not hold."""
    missing = []
    for kind, paths in SEARCHED.items():
        doc = search_document(_entry(kind), directory_urls=True)  # type: ignore[arg-type]
        held = "\n".join([doc.title, doc.summary, *doc.headings, doc.body])
        missing += [(kind, path) for path in paths if _marked(path) not in held]
    return missing


def test_every_field_readers_read_is_searched() -> None:
    """A phrase from any field an entry's page shows as its own finds the entry."""
    assert unfound_fields() == []


def test_a_field_dropped_from_the_search_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Taking the search mark off one field (a case's lessons) fails the test above for it."""
    lessons = KINDS["case"].model.model_fields["lessons"]
    monkeypatch.setattr(lessons, "annotation", list[Text])
    assert unfound_fields() == [("case", "lessons")]
