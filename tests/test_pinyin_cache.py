"""The pinyin titles sort by is pypinyin's, kept in the user's cache folder between runs, so
that a build whose titles use known characters does not load pypinyin's dictionaries."""

from __future__ import annotations

import json
from pathlib import Path

import pypinyin
import pytest

from generator import pinyin
from generator.pinyin import keep_readings, reading

CHARACTERS = "学习型党组织建设银行长“”A1〇、"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder, and a process that has read no readings yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(pinyin._Kept, "readings", None)
    monkeypatch.setattr(pinyin._Kept, "found_more", False)
    return tmp_path / "cache" / "learning-party-kb" / f"pinyin-{pypinyin.__version__}.json"


def _forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process: nothing read yet, and pypinyin refuses to be asked."""
    monkeypatch.setattr(pinyin._Kept, "readings", None)

    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("pypinyin was asked for a reading the file holds")

    monkeypatch.setattr(pypinyin, "lazy_pinyin", refuse)


def test_readings_are_pypinyins_and_the_next_run_reads_them_from_the_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each character reads as pypinyin reads it alone; a later run has them without pypinyin."""
    expected = [pypinyin.lazy_pinyin(char)[0] for char in CHARACTERS]
    assert [reading(char) for char in CHARACTERS] == expected
    keep_readings()
    assert json.loads(cache.read_text(encoding="utf-8")) == dict(
        zip(CHARACTERS, expected, strict=True)
    )
    _forget(monkeypatch)
    assert [reading(char) for char in CHARACTERS] == expected


@pytest.mark.parametrize(
    "damage",
    [b'{"\xe5\xad', b"[]", b'{"\xe5\xad\xa6": ""}', b'{"\xe5\xad\xa6": 5}', b'{"ab": "x"}'],
    ids=["cut", "list", "empty", "number", "two-characters"],
)
def test_a_damaged_file_is_passed_over_and_written_anew(cache: Path, damage: bytes) -> None:
    """A cut, mistyped or foreign file gives no reading; the readings found replace it."""
    cache.parent.mkdir(parents=True)
    cache.write_bytes(damage)
    assert reading("学") == "xue"
    keep_readings()
    assert json.loads(cache.read_text(encoding="utf-8")) == {"学": "xue"}


def test_a_cache_folder_that_cannot_be_made_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the cache folder is a file, readings are still found, and nothing fails."""
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(pinyin._Kept, "readings", None)
    monkeypatch.setattr(pinyin._Kept, "found_more", False)
    assert reading("党") == "dang"
    keep_readings()
    assert blocked.read_text(encoding="utf-8") == "not a folder"
