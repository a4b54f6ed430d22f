"""Bundled content is written in our own words: no long run of text copied from a source.

Facts, figures, names of practices and honours, and short slogans may carry over;
when they are longer they are quoted (“…” or 《…》), and quoted spans are not
counted. The source documents are not in the repository: entries are compared with
the committed fingerprint of them (see tests/fingerprint.py, which also says how to
regenerate it), so these tests read nothing outside the repository.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.fingerprint import (
    FINGERPRINT,
    LONGEST_ALLOWED_RUN,
    Fingerprint,
    copied_runs,
    main,
    normalise,
    source_text,
)

ENTRY_FILES = sorted((REPO / "content").glob("*/*.yml"))

# Thresholds for "the fingerprint is the real one", from the windows (10 characters)
# each entry shares with the documents, measured when the fingerprint was made:
# the best-matching cited document shares 16 to 284 windows with an entry; the
# best uncited one 0 to 19, and never more than an eighth of the best cited one;
# for each document, the entry closest to it shares 78 to 284 windows with it.
MIN_BEST_CITED = 8
MIN_CITED_OVER_UNCITED = 3
MIN_CLOSEST_ENTRY = 40

# A made-up paragraph (about no real place) standing in for a source document.
MADE_UP = (
    "青石镇农机合作社党支部把每周四晚上定为读书夜，支部书记带头领读，合作社的十二名党员"
    "轮流讲一段农机维修的窍门。去年冬天，支部请来县农技站的两位师傅，在晒谷场上手把手教"
    "大家保养收割机，还把讲课内容整理成一本薄薄的小册子，发给每户社员。"
)
PASTED = "支部请来县农技站的两位师傅，在晒谷场上手把手教大家保养收割机"
PARAPHRASED = "合作社党支部邀请了县里农业技术站的师傅，到打谷场现场示范怎样维护收割机械。"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _entry(path: Path) -> tuple[str, list[str]]:
    """An entry's text, all its strings in order, and the documents it cites."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return "\n".join(_strings(data)), [source["document"] for source in data["sources"]]


@pytest.fixture(scope="module")
def fingerprint() -> Fingerprint:
    return Fingerprint.load(FINGERPRINT)


@pytest.fixture(scope="module")
def made_up() -> Fingerprint:
    return Fingerprint.of_texts({"made-up.txt": normalise(MADE_UP)})


@pytest.mark.parametrize("path", ENTRY_FILES, ids=[p.stem for p in ENTRY_FILES])
def test_entry_is_in_our_own_words(path: Path, fingerprint: Fingerprint) -> None:
    """No unquoted run of 20 or more characters is lifted from a source document."""
    copies = copied_runs(_entry(path)[0], fingerprint)
    assert not copies, "\n".join(
        f"{path.name}: {c.length} characters as in {c.document}: {c.text}" for c in copies
    )


def test_the_check_catches_a_pasted_sentence(made_up: Fingerprint) -> None:
    """A pasted sentence is caught and reported as written in the entry; quoted, it passes."""
    entry = f"据介绍，{PASTED}。"
    assert [(c.document, c.start, c.text) for c in copied_runs(entry, made_up)] == [
        ("made-up.txt", 4, PASTED)
    ]
    assert copied_runs(f"材料中说：“{PASTED}”。", made_up) == []
    assert copied_runs(f"材料中说：《{PASTED}》。", made_up) == []


def test_a_paraphrase_passes(made_up: Fingerprint) -> None:
    """The same facts in other words pass, although short phrases carry over."""
    assert made_up.shared_windows(PARAPHRASED, "made-up.txt") == 0
    assert made_up.shared_windows("青石镇农机合作社党支部", "made-up.txt") > 0
    assert copied_runs(f"青石镇农机合作社党支部的做法：{PARAPHRASED}", made_up) == []


def test_twenty_characters_are_a_copy_and_nineteen_are_not(made_up: Fingerprint) -> None:
    """The limit counts characters without punctuation: 20 in a row are caught, 19 are not."""
    text = normalise(MADE_UP)
    for start in range(0, len(text) - LONGEST_ALLOWED_RUN, 7):
        copy = text[start : start + LONGEST_ALLOWED_RUN + 1]
        assert [c.length for c in copied_runs(f"甲{copy}乙", made_up)] == [len(copy)]
        assert copied_runs(f"甲{copy[:-1]}乙", made_up) == []


def test_a_copy_from_a_traditional_source_is_caught() -> None:
    """Sources in Traditional characters with pinyin glosses are compared in Simplified."""
    traditional = "青石鎮(zhèn)農(nóng)機合作社黨支部把每週四晚上定為讀書夜，支部書記帶頭領讀。"
    fingerprint = Fingerprint.of_texts({"traditional.txt": source_text(traditional)})
    copies = copied_runs("青石镇农机合作社党支部把每周四晚上定为读书夜，", fingerprint)
    assert [c.text for c in copies] == ["青石镇农机合作社党支部把每周四晚上定为读书夜"]


def test_regenerating_needs_a_folder_and_reads_only_its_text_files(tmp_path: Path) -> None:
    """The command has no default folder; it fingerprints the *.txt documents in the one given."""
    with pytest.raises(SystemExit):
        main([])
    (tmp_path / "made-up.txt").write_text(MADE_UP, encoding="utf-8")
    (tmp_path / "README.md").write_text("not a source document", encoding="utf-8")
    assert Fingerprint.of_folder(tmp_path) == Fingerprint.of_texts(
        {"made-up.txt": normalise(MADE_UP)}
    )
    before = FINGERPRINT.read_bytes()
    assert main(["--check", str(tmp_path)]) == 1
    assert FINGERPRINT.read_bytes() == before


def test_the_fixture_paragraphs_are_not_from_the_sources(fingerprint: Fingerprint) -> None:
    """The made-up text in this file shares no window at all with any real source."""
    for text in [MADE_UP, PASTED, PARAPHRASED]:
        assert all(fingerprint.shared_windows(text, name) == 0 for name in fingerprint.documents)


def _citation_problems(fingerprint: Fingerprint) -> list[str]:
    """Ways in which ``fingerprint`` does not look like the documents the entries cite."""
    problems = []
    closest = dict.fromkeys(fingerprint.documents, 0)
    for path in ENTRY_FILES:
        text, cited = _entry(path)
        shares = {
            name: fingerprint.shared_windows(text, name) if name in fingerprint.documents else 0
            for name in {*cited, *fingerprint.documents}
        }
        for name in fingerprint.documents:
            closest[name] = max(closest[name], shares[name])
        best_cited = max(shares[name] for name in cited)
        best_uncited = max([shares[name] for name in shares if name not in cited], default=0)
        if best_cited < MIN_BEST_CITED:
            problems.append(f"{path.name} shares only {best_cited} windows with what it cites")
        if best_cited < MIN_CITED_OVER_UNCITED * best_uncited:
            problems.append(
                f"{path.name} shares {best_uncited} windows with a document it does not cite, "
                f"{best_cited} with the ones it cites"
            )
    problems += [
        f"no entry shares more than {count} windows with {name}"
        for name, count in closest.items()
        if count < MIN_CLOSEST_ENTRY
    ]
    return problems


def test_fingerprint_names_the_documents_entries_cite(fingerprint: Fingerprint) -> None:
    """The fingerprint covers exactly the source documents that entries cite."""
    cited = {name for path in ENTRY_FILES for name in _entry(path)[1]}
    assert set(fingerprint.documents) == cited


def test_fingerprint_matches_the_cited_documents(fingerprint: Fingerprint) -> None:
    """Each entry shares far more windows with the documents it cites than with others."""
    assert _citation_problems(fingerprint) == []


def test_a_fake_fingerprint_would_not_match(fingerprint: Fingerprint) -> None:
    """The check above fails for an empty fingerprint, a random one, or one with names swapped."""
    names = sorted(fingerprint.documents)
    rng = random.Random(0)
    bits = 8 * fingerprint.digest_size
    fakes = [
        Fingerprint(dict.fromkeys(names, frozenset())),
        Fingerprint({}),
        Fingerprint(
            {n: frozenset(rng.getrandbits(bits) for _ in fingerprint.documents[n]) for n in names}
        ),
        Fingerprint(
            {n: fingerprint.documents[m] for n, m in zip(names, names[1:] + names[:1], strict=True)}
        ),
    ]
    for fake in fakes:
        assert _citation_problems(fake)


def test_fingerprint_file_reveals_no_text() -> None:
    """The committed file is plain ASCII JSON of hashes, in the form the module writes."""
    raw = FINGERPRINT.read_text(encoding="utf-8")
    assert raw.isascii()
    loaded = Fingerprint.load(FINGERPRINT)
    assert loaded.dumps() == raw
    assert all(len(hashes) > 500 for hashes in loaded.documents.values())
