"""Fingerprint of the source documents, so the wording check needs no copy of them.

The five source documents live outside the repository. What is committed instead is
``tests/fixtures/source-fingerprint.json``, made by winnowing (Schleimer, Wilkerson and
Aiken, "Winnowing: local algorithms for document fingerprinting", SIGMOD 2003, the
algorithm of MOSS). Each document is normalised (Traditional converted to Simplified
with OpenCC, pinyin glosses such as ``(chuàng)`` removed, punctuation and whitespace
dropped); every K-gram (K = 20 consecutive characters) is hashed (BLAKE2b, 40 bits);
of every W = 5 consecutive K-gram hashes only the smallest is kept (the rightmost one
on ties). The file holds, per document, that set of hashes and the number of K-grams.

What the check can promise, for an entry's unquoted text against one document:

- a shared run of T = K + W - 1 = 24 or more characters is always found: its W
  K-grams are one window of the document, whose smallest hash is stored;
- a shared run of 20 to 23 characters is found only when one of its 1 to 4 K-grams
  happens to be stored: on pastes from the sources, about 1 in 3 of 20 characters,
  3 in 5 of 21, 4 in 5 of 22 and 9 in 10 of 23;
- a run of 19 characters or fewer is never found: it contains no whole K-gram.

A K-gram of the entry whose hash is stored marks K characters as copied; overlapping
or touching marks are merged, and the check reports the run from the entry's own text.

Why not keep every K-gram: the file must not let anyone rebuild the sources. With every
K-gram stored, one known stretch and a try of each possible next character against the
set gives the next character, and so the whole document, in seconds. Winnowing keeps
about 2 / (W + 1) = 1/3 of the K-grams, and consecutive stored K-grams are 1 to W = 5
characters apart, each gap about equally often. After a known K-gram the next one is
stored only about one time in five, so the chain breaks within a few characters; to
bridge a gap of g characters one has to try every string of g characters (with a few
thousand possible characters, some 10^17 hashes for a gap of five, and gaps of four or
five are about two in five), and that search also turns up wrong strings whose hash
happens to be stored (for a gap of five, some 10^8 of them). A chaining attack on the
committed file, from any true K-gram of a source, recovers at most 6 characters beyond
it. The hashes are unkeyed, not encryption: whoever already has a text can still test
whether it is in a source, which is what the check itself does.

At 40 bits, an entry K-gram matches a stored hash by chance with probability about
(stored hashes) / 2^40, some 5 * 10^-9 for the five documents: about one false report
per 200 million unquoted characters checked.

Regenerate after a source document changes (needs the documents and OpenCC, which is
in the ``test`` extra); ``--check`` compares with the committed file instead of writing:

    .venv/bin/python -m tests.fingerprint /path/to/seeds
    .venv/bin/python -m tests.fingerprint --check /path/to/seeds
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

K = 20
"""Characters per K-gram: the shortest shared run the check can find."""
W = 5
"""K-grams per winnowing window: of each W consecutive K-gram hashes, the least is stored."""
GUARANTEED_RUN = K + W - 1
"""Characters (punctuation and spaces ignored) of a shared run that is always found."""
LONGEST_ALLOWED_RUN = K - 1
"""Characters an unquoted run may share with a source; longer runs are copies."""
DIGEST_SIZE = 5
"""Bytes of BLAKE2b digest kept per K-gram (40 bits)."""
FINGERPRINT = Path(__file__).resolve().parent / "fixtures" / "source-fingerprint.json"

_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|‘[^’]*’|\"[^\"]*\"")
_NOT_TEXT = re.compile(r"[\s\W_]+")


def normalise(text: str) -> str:
    """Drop whitespace, punctuation and anything else that is not a word character."""
    return _NOT_TEXT.sub("", text)


def source_text(raw: str) -> str:
    """A source document as compared: glosses removed, Simplified, normalised."""
    import opencc  # only regeneration needs it

    return normalise(opencc.OpenCC("t2s").convert(_GLOSS.sub("", raw)))


def kgram_hashes(text: str, k: int = K, digest_size: int = DIGEST_SIZE) -> list[int]:
    """The hash of each K-gram (K consecutive characters) of ``text``, in order."""
    return [
        int.from_bytes(
            hashlib.blake2b(text[i : i + k].encode("utf-8"), digest_size=digest_size).digest(),
            "big",
        )
        for i in range(len(text) - k + 1)
    ]


def winnow(hashes: Sequence[int], w: int = W) -> list[int]:
    """Positions of the least hash of each window of ``w`` hashes, rightmost on ties.

    Each position is listed once, in order. A sequence shorter than ``w`` is one window.
    """
    w = min(w, len(hashes))
    chosen: list[int] = []
    for start in range(len(hashes) - w + 1) if w else ():
        window = hashes[start : start + w]
        least = min(window)
        at = start + max(i for i, h in enumerate(window) if h == least)
        if not chosen or chosen[-1] != at:
            chosen.append(at)
    return chosen


@dataclass(frozen=True)
class Fingerprint:
    """Per document, the winnowed set of its K-gram hashes, and how many K-grams it has."""

    documents: Mapping[str, frozenset[int]]
    kgrams: Mapping[str, int] = field(default_factory=dict)
    """K-grams in each document (its normalised length - K + 1), for the stored density."""
    k: int = K
    w: int = W
    digest_size: int = DIGEST_SIZE

    @classmethod
    def of_texts(
        cls,
        texts: Mapping[str, str],
        k: int = K,
        w: int = W,
        digest_size: int = DIGEST_SIZE,
    ) -> Fingerprint:
        """Fingerprint already normalised texts, by document name."""
        documents, kgrams = {}, {}
        for name, text in texts.items():
            hashes = kgram_hashes(text, k, digest_size)
            documents[name] = frozenset(hashes[i] for i in winnow(hashes, w))
            kgrams[name] = len(hashes)
        return cls(documents, kgrams, k, w, digest_size)

    @classmethod
    def of_folder(cls, folder: Path) -> Fingerprint:
        """Fingerprint every ``*.txt`` source document in ``folder``."""
        paths = sorted(folder.glob("*.txt"))
        if not paths:
            raise SystemExit(f"no *.txt source documents in {folder}")
        return cls.of_texts({p.name: source_text(p.read_text(encoding="utf-8")) for p in paths})

    @classmethod
    def load(cls, path: Path = FINGERPRINT) -> Fingerprint:
        data = json.loads(path.read_text(encoding="ascii"))
        size = data["digest_size"]
        documents, kgrams = {}, {}
        for name, doc in data["documents"].items():
            packed = base64.b64decode(doc["hashes"], validate=True)
            documents[name] = frozenset(
                int.from_bytes(packed[i : i + size], "big") for i in range(0, len(packed), size)
            )
            kgrams[name] = doc["kgrams"]
        return cls(documents, kgrams, data["k"], data["w"], size)

    def dumps(self) -> str:
        """The committed form: ASCII JSON, hashes sorted and packed as base64."""
        data = {
            "about": (
                "Winnowed BLAKE2b hashes of the k-character substrings of each source document, "
                "normalised (OpenCC t2s, pinyin glosses removed, only word characters kept): of "
                "every w consecutive k-gram hashes the least is kept. "
                "Regenerate: python -m tests.fingerprint <folder of source documents>"
            ),
            "k": self.k,
            "w": self.w,
            "digest_size": self.digest_size,
            "documents": {
                name: {
                    "kgrams": self.kgrams[name],
                    "stored": len(hashes),
                    "hashes": base64.b64encode(
                        b"".join(h.to_bytes(self.digest_size, "big") for h in sorted(hashes))
                    ).decode("ascii"),
                }
                for name, hashes in sorted(self.documents.items())
            },
        }
        return json.dumps(data, indent=2, ensure_ascii=True) + "\n"

    def density(self, document: str) -> float:
        """Stored hashes per K-gram of ``document``: about 2 / (W + 1)."""
        return len(self.documents[document]) / self.kgrams[document]

    def shared_hashes(self, text: str, document: str) -> int:
        """How many distinct K-gram hashes of ``text`` (normalised, quotes included) are stored."""
        hashes = set(kgram_hashes(normalise(text), self.k, self.digest_size))
        return len(hashes & self.documents[document])


@dataclass(frozen=True)
class Copy:
    """A run of the checked text found in one source document."""

    document: str
    start: int
    """Offset of the run in the checked text."""
    length: int
    """Characters in the run, punctuation and spaces not counted (K or more)."""
    text: str
    """The run as written in the checked text."""


def _unquoted(text: str) -> Iterable[tuple[int, str]]:
    position = 0
    for quote in _QUOTED.finditer(text):
        yield position, text[position : quote.start()]
        position = quote.end()
    yield position, text[position:]


def copied_runs(text: str, fingerprint: Fingerprint) -> list[Copy]:
    """Unquoted runs of ``text`` made of K-grams whose hashes a document has stored.

    Every reported run is at least K characters long; every unquoted run of K + W - 1
    characters shared with a document is reported (as part of a run).
    """
    k = fingerprint.k
    copies = []
    for offset, piece in _unquoted(text):
        kept = [i for i, ch in enumerate(piece) if not _NOT_TEXT.match(ch)]
        letters = "".join(piece[i] for i in kept)
        hashes = kgram_hashes(letters, k, fingerprint.digest_size)
        for name, known in sorted(fingerprint.documents.items()):
            runs: list[list[int]] = []  # [first letter, letter after the last]
            for j, h in enumerate(hashes):
                if h not in known:
                    continue
                if runs and j <= runs[-1][1]:
                    runs[-1][1] = j + k
                else:
                    runs.append([j, j + k])
            for first, end in runs:
                start, stop = kept[first] + offset, kept[end - 1] + offset + 1
                copies.append(Copy(name, start, end - first, text[start:stop]))
    return sorted(copies, key=lambda c: (c.start, c.document))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fingerprint",
        description=f"Write {FINGERPRINT.name} from a folder of source documents (*.txt).",
    )
    parser.add_argument("folder", type=Path, help="folder holding the source documents")
    parser.add_argument(
        "--check", action="store_true", help="only report whether the committed file is current"
    )
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"not a folder: {args.folder}")
    text = Fingerprint.of_folder(args.folder).dumps()
    if args.check:
        current = FINGERPRINT.is_file() and FINGERPRINT.read_text(encoding="ascii") == text
        print(f"{FINGERPRINT.name} is {'current' if current else 'out of date'}")
        return 0 if current else 1
    FINGERPRINT.write_text(text, encoding="ascii")
    print(f"wrote {FINGERPRINT} ({len(text.encode('ascii')):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
