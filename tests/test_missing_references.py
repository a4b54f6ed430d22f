"""References to entries that do not exist: every one reported, a close id suggested, and
the suggestions cheap however many references are missing and however many ids there are.

The speed itself is measured by ``python -m bench.missing_references``; these tests count
the ids difflib compares a missing id with, one by one, which made the time.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from generator.check import load_project
from generator.check.suggest import SUGGESTED_AT_MOST, CloseIds
from generator.errors import ContentErrors

_PACK = "content/packs/study-session.yml"


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The missing id of each comparison difflib makes with one id (get_close_matches sets
    the missing id as the second text once, then each id it compares as the first)."""
    made: list[str] = []
    set_seq1 = difflib.SequenceMatcher.set_seq1

    def counted(self: difflib.SequenceMatcher[str], a: str) -> None:
        if self.b is not None:  # None while the matcher is being made
            made.append(self.b)
        set_seq1(self, a)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", counted)
    yield made


def _pack_listing(project: Path, listed: list[str], *, pack_id: str = "study-session") -> None:
    """The sample's study pack, or a copy of it named ``pack_id``, listing ``listed``."""
    pack = yaml.safe_load((project / _PACK).read_text(encoding="utf-8"))
    pack["id"] = pack_id
    pack["entries"] = [{"entry": entry} for entry in listed]
    (project / _PACK).with_name(f"{pack_id}.yml").write_text(
        yaml.safe_dump(pack, allow_unicode=True), encoding="utf-8"
    )


def _problems(project: Path) -> list[str]:
    with pytest.raises(ContentErrors) as raised:
        load_project(project / "content", root=project)
    return [f"{p.key}: {p.message} {p.hint}" for p in raised.value.errors]


def test_a_pack_of_five_thousand_missing_references_is_checked_with_few_comparisons(
    write_project, comparisons: list[str]
) -> None:
    """A pack listing 5,000 entries that do not exist (each close to a real id) reports every
    one, suggests the real id for the first ones, and compares only those closely."""
    project = write_project({})
    missing = [f"river-community-{i:04d}" for i in range(5000)]
    _pack_listing(project, missing)
    problems = _problems(project)
    assert len([p for p in problems if "不存在编号为“river-community-" in p]) == 5000
    assert "是否想写“river-community”" in problems[0]
    assert len(comparisons) <= SUGGESTED_AT_MOST * 3  # the sample has three entries


def test_a_missing_id_listed_again_after_thousands_of_others_keeps_its_suggestion(
    write_project, comparisons: list[str]
) -> None:
    """The same mistyped id, listed before and after thousands of missing references (in two
    packs), gets the same suggestion both times, worked out once."""
    project = write_project({})
    others = [f"copied-entry-{i:04d}" for i in range(3000)]
    _pack_listing(project, ["river-comunity", *others])
    _pack_listing(project, ["river-comunity"], pack_id="z-second-session")
    mistyped = [p for p in _problems(project) if "“river-comunity”" in p]
    assert len(mistyped) == 2
    assert all("是否想写“river-community”" in p for p in mistyped)
    assert comparisons.count("river-comunity") <= 3


def _site_ids(count: int) -> list[str]:
    """``count`` ids like a large site's: a few words of pinyin and English joined by hyphens."""
    words = ["wangcun", "shequ", "zhongxin", "xuexi", "dangzhibu", "jiguan", "ganbu", "guangdian"]
    words += ["kuangqu", "fenceng", "peixun", "community", "study", "branch", "school"]
    words += ["office", "network", "team", "archive", "session", "central", "group"]
    ids = ("-".join(parts) for size in (2, 3, 4) for parts in itertools.permutations(words, size))
    return list(itertools.islice(ids, count))


@pytest.mark.parametrize(
    "mistyped",
    ["wangcun-shequ-xuex", "wangcun-shequ-xuexl", "wangcunshequ-xuexi", "wangcun_shequ_xuexi"],
)
def test_a_mistyped_id_among_ten_thousand_is_found_by_comparing_a_few(
    mistyped: str, comparisons: list[str]
) -> None:
    """Among 10,000 ids, a missing, deleted, wrong or run-together character still finds the
    id meant, as comparing with every id would, after close comparisons with only a few."""
    ids = _site_ids(10_000)
    assert "wangcun-shequ-xuexi" in ids and len(set(ids)) == 10_000
    found = CloseIds(ids)(mistyped)
    assert found[0] == "wangcun-shequ-xuexi"
    assert len(comparisons) <= 64
    comparisons.clear()
    assert found[0] == difflib.get_close_matches(mistyped, ids, n=3, cutoff=0.5)[0]
    assert len(comparisons) > 1000  # what every lookup cost before
