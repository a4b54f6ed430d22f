"""Bundled content is written in our own words: no long run of text copied from a source.

Facts, figures, names of practices and honours, and short slogans may carry over;
when they are longer they are quoted (“…” or 《…》), and quoted spans are not
counted. Seeds in Traditional Chinese with pinyin glosses are normalised first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import opencc
import pytest
import yaml

from tests.conftest import REPO

SEEDS = REPO.parent / "shared" / "seeds"
LONGEST_ALLOWED_RUN = 19
"""Characters (punctuation and spaces ignored) an unquoted run may share with a source."""

_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|‘[^’]*’|\"[^\"]*\"")
_NOT_TEXT = re.compile(r"[\s\W_]+")


def _normalise(text: str) -> str:
    return _NOT_TEXT.sub("", text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.fail(f"source documents not found at {SEEDS}")
    to_simplified = opencc.OpenCC("t2s")
    return {
        path.name: _normalise(
            to_simplified.convert(_GLOSS.sub("", path.read_text(encoding="utf-8")))
        )
        for path in sorted(SEEDS.glob("*.txt"))
    }


def _copied_runs(text: str, seeds: dict[str, str], length: int) -> list[str]:
    grams = {seed[i : i + length] for seed in seeds.values() for i in range(len(seed) - length + 1)}
    runs = []
    for piece in _QUOTED.split(text):
        piece = _normalise(piece)
        i = 0
        while i <= len(piece) - length:
            if piece[i : i + length] in grams:
                end = i + length
                while end < len(piece) and any(piece[i : end + 1] in s for s in seeds.values()):
                    end += 1
                runs.append(piece[i:end])
                i = end
            else:
                i += 1
    return runs


ENTRY_FILES = sorted((REPO / "content").glob("*/*.yml"))


@pytest.mark.parametrize("path", ENTRY_FILES, ids=[p.stem for p in ENTRY_FILES])
def test_entry_is_in_our_own_words(path: Path, seed_texts: dict[str, str]) -> None:
    """No unquoted run of 20 or more characters is lifted from a source document."""
    text = "\n".join(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert _copied_runs(text, seed_texts, LONGEST_ALLOWED_RUN + 1) == []


def test_the_check_catches_a_copied_sentence(seed_texts: dict[str, str]) -> None:
    """A sentence pasted from a seed (here converted from Traditional) is caught; quoted, it passes."""
    pasted = "社区坚持每月两次中心组学习，各成员根据本部门，根据自身所从事的具体工作和兴趣进行询问、切磋。"
    assert _copied_runs(pasted, seed_texts, LONGEST_ALLOWED_RUN + 1)
    assert _copied_runs(f"原文写道：“{pasted}”", seed_texts, LONGEST_ALLOWED_RUN + 1) == []
