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
    GUARANTEED_RUN,
    LONGEST_ALLOWED_RUN,
    Fingerprint,
    copied_runs,
    kgram_hashes,
    main,
    normalise,
    source_text,
)

ENTRY_FILES = sorted((REPO / "content").glob("*/*.yml"))

# Thresholds for "the fingerprint is the real one", from the stored 20-character
# K-gram hashes each entry (quotes included) shares with the documents, measured when
# the fingerprint was made. Entries are in their own words, so only quoted names and
# slogans share any: 5 of 13 entries share 1 to 40 hashes with a document they cite
# (52 in all), covering 4 of the 5 documents (none with 001); no entry shares any with
# a document it does not cite.
MIN_CITED_TOTAL = 20
MIN_CITED_OVER_UNCITED = 3
MIN_CONFIRMED_DOCUMENTS = 3

# A made-up paragraph (about no real place) standing in for a source document.
MADE_UP = (
    "青石镇农机合作社党支部把每周四晚上定为读书夜，支部书记带头领读，合作社的十二名党员"
    "轮流讲一段农机维修的窍门。去年冬天，支部请来县农技站的两位师傅，在晒谷场上手把手教"
    "大家保养收割机，还把讲课内容整理成一本薄薄的小册子，发给每户社员。"
)
PASTED = "支部请来县农技站的两位师傅，在晒谷场上手把手教大家保养收割机"
PARAPHRASED = "合作社党支部邀请了县里农业技术站的师傅，到打谷场现场示范怎样维护收割机械。"

# A longer made-up document: 1,500 characters drawn at random from 300, so no K-gram repeats.
SYNTHETIC = "".join(random.Random(2003).choices([chr(0x4E00 + i) for i in range(300)], k=1500))


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
    """An entry's text, all its strings in order, and the documents it cites (a study pack
    cites none: its entries do)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return "\n".join(_strings(data)), [source["document"] for source in data.get("sources", [])]


@pytest.fixture(scope="module")
def fingerprint() -> Fingerprint:
    return Fingerprint.load(FINGERPRINT)


@pytest.fixture(scope="module")
def made_up() -> Fingerprint:
    return Fingerprint.of_texts({"made-up.txt": normalise(MADE_UP)})


@pytest.fixture(scope="module")
def synthetic() -> Fingerprint:
    return Fingerprint.of_texts({"synthetic.txt": SYNTHETIC})


@pytest.mark.parametrize("path", ENTRY_FILES, ids=[p.stem for p in ENTRY_FILES])
def test_entry_is_in_our_own_words(path: Path, fingerprint: Fingerprint) -> None:
    """No unquoted run of 24+ characters (and usually none of 20 to 23) is from a source."""
    copies = copied_runs(_entry(path)[0], fingerprint)
    assert not copies, "\n".join(
        f"{path.name}: {c.length} characters as in {c.document}: {c.text}" for c in copies
    )


def _is_part_of(copy_text: str, run: str, fingerprint: Fingerprint) -> bool:
    """``copy_text`` is ``run`` less at most W - 1 characters at either end, and K or more."""
    copied, whole = normalise(copy_text), normalise(run)
    at = whole.find(copied)
    w = fingerprint.w
    return len(copied) >= fingerprint.k and 0 <= at < w and len(whole) - at - len(copied) < w


def test_the_check_catches_a_pasted_sentence(made_up: Fingerprint) -> None:
    """A pasted sentence is caught and reported as written in the entry; quoted, it passes."""
    entry = f"据介绍，{PASTED}。"
    copies = copied_runs(entry, made_up)
    assert [c.document for c in copies] == ["made-up.txt"]
    assert entry[copies[0].start :].startswith(copies[0].text)
    assert _is_part_of(copies[0].text, PASTED, made_up)
    assert copied_runs(f"材料中说：“{PASTED}”。", made_up) == []
    assert copied_runs(f"材料中说：《{PASTED}》。", made_up) == []


def test_a_paraphrase_passes(made_up: Fingerprint) -> None:
    """The same facts in other words pass, and so do carried-over phrases under 20 characters."""
    assert made_up.shared_hashes(PARAPHRASED, "made-up.txt") == 0
    phrase = normalise(MADE_UP)[:LONGEST_ALLOWED_RUN]
    assert copied_runs(f"{phrase}的做法：{PARAPHRASED}", made_up) == []


def test_runs_of_t_characters_are_always_caught_and_19_never(synthetic: Fingerprint) -> None:
    """At 300 random offsets, a run of K + W - 1 characters is caught, and 19 are not."""
    rng = random.Random(1)
    for _ in range(300):
        start = rng.randrange(len(SYNTHETIC) - GUARANTEED_RUN + 1)
        run = SYNTHETIC[start : start + GUARANTEED_RUN]
        copies = copied_runs(f"甲，{run}。戊", synthetic)
        assert len(copies) == 1 and _is_part_of(copies[0].text, run, synthetic)
        assert copied_runs(f"甲，{run[:LONGEST_ALLOWED_RUN]}。戊", synthetic) == []
        assert copied_runs(f"甲，{run[-LONGEST_ALLOWED_RUN:]}。戊", synthetic) == []


def test_shorter_runs_from_20_characters_are_caught_more_often_the_longer(
    synthetic: Fingerprint,
) -> None:
    """Runs of 20 to K + W - 2 characters are caught only sometimes, more often the longer."""
    rng = random.Random(2)
    rates = []
    for length in range(LONGEST_ALLOWED_RUN + 1, GUARANTEED_RUN):
        starts = [rng.randrange(len(SYNTHETIC) - length + 1) for _ in range(300)]
        caught = [bool(copied_runs(SYNTHETIC[s : s + length], synthetic)) for s in starts]
        rates.append(sum(caught) / len(caught))
    assert 0 < rates[0] < 0.5 and rates == sorted(rates) and rates[-1] < 1


def _chain(start: str, fingerprint: Fingerprint, document: str, alphabet: str) -> str:
    """Extend ``start`` one character at a time while exactly one next K-gram is stored."""
    k, known, text = fingerprint.k, fingerprint.documents[document], start
    while True:
        stored = [
            c
            for c in alphabet
            if kgram_hashes(text[1 - k :] + c, k, fingerprint.digest_size)[0] in known
        ]
        if len(stored) != 1:
            return text
        text += stored[0]


def test_the_fingerprint_cannot_be_chained_back_into_the_text(synthetic: Fingerprint) -> None:
    """Knowing a K-gram and trying every next character recovers under 10% of a document."""
    alphabet = "".join(sorted(set(SYNTHETIC)))
    k = synthetic.k
    rng = random.Random(3)
    for start in [0, *(rng.randrange(len(SYNTHETIC) - k) for _ in range(30))]:
        rebuilt = _chain(SYNTHETIC[start : start + k], synthetic, "synthetic.txt", alphabet)
        assert SYNTHETIC[start:].startswith(rebuilt)
        assert len(rebuilt) < 0.1 * len(SYNTHETIC)
    every_kgram = Fingerprint.of_texts({"synthetic.txt": SYNTHETIC}, w=1)
    assert _chain(SYNTHETIC[:k], every_kgram, "synthetic.txt", alphabet) == SYNTHETIC


def test_the_committed_fingerprint_keeps_about_2_in_w_plus_1_kgrams(
    fingerprint: Fingerprint,
) -> None:
    """Each document stores about 2 / (W + 1) of its K-gram hashes, so chains break as above."""
    w = fingerprint.w
    for name in fingerprint.documents:
        assert 1 / (w + 1) < fingerprint.density(name) < 2 / (w + 1) + 0.03


def test_a_copy_from_a_traditional_source_is_caught() -> None:
    """Sources in Traditional characters with pinyin glosses are compared in Simplified."""
    traditional = "青石鎮(zhèn)農(nóng)機合作社黨支部把每週四晚上定為讀書夜，支部書記帶頭領讀。"
    fingerprint = Fingerprint.of_texts({"traditional.txt": source_text(traditional)})
    simplified = "青石镇农机合作社党支部把每周四晚上定为读书夜，支部书记带头领读"
    copies = copied_runs(f"{simplified}。", fingerprint)
    assert [c.document for c in copies] == ["traditional.txt"]
    assert _is_part_of(copies[0].text, simplified, fingerprint)


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
    """The made-up text in this file shares no stored hash at all with any real source."""
    for text in [MADE_UP, PASTED, PARAPHRASED, SYNTHETIC]:
        assert all(fingerprint.shared_hashes(text, name) == 0 for name in fingerprint.documents)


def _citation_problems(fingerprint: Fingerprint) -> list[str]:
    """Ways in which ``fingerprint`` does not look like the documents the entries cite."""
    problems = []
    cited_total = 0
    confirmed = set()
    for path in ENTRY_FILES:
        text, cited = _entry(path)
        if not cited:
            continue  # a study pack cites no document; the entries it lists do
        shares = {
            name: fingerprint.shared_hashes(text, name) if name in fingerprint.documents else 0
            for name in {*cited, *fingerprint.documents}
        }
        cited_total += sum(shares[name] for name in cited)
        confirmed |= {name for name in cited if shares[name]}
        best_cited = max(shares[name] for name in cited)
        best_uncited = max([shares[name] for name in shares if name not in cited], default=0)
        if best_cited < MIN_CITED_OVER_UNCITED * best_uncited:
            problems.append(
                f"{path.name} shares {best_uncited} hashes with a document it does not cite, "
                f"{best_cited} with the ones it cites"
            )
    if cited_total < MIN_CITED_TOTAL:
        problems.append(f"entries share only {cited_total} hashes with what they cite")
    if len(confirmed) < MIN_CONFIRMED_DOCUMENTS:
        problems.append(f"entries share hashes with only {len(confirmed)} documents they cite")
    return problems


def test_fingerprint_names_the_documents_entries_cite(fingerprint: Fingerprint) -> None:
    """The fingerprint covers exactly the source documents that entries cite."""
    cited = {name for path in ENTRY_FILES for name in _entry(path)[1]}
    assert set(fingerprint.documents) == cited


def test_fingerprint_matches_the_cited_documents(fingerprint: Fingerprint) -> None:
    """Entries share hashes with the documents they cite, and far fewer with others."""
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
        Fingerprint({n: fingerprint.documents[n] for n in names}, k=fingerprint.k - 1),
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
    assert all(len(hashes) > 200 for hashes in loaded.documents.values())
