"""Fingerprint of the source documents, so the wording check needs no copy of them.

The five source documents live outside the repository. What is committed instead is
``tests/fixtures/source-fingerprint.json``: for each document, by file name, a sorted
set of short hashes of every window of K consecutive characters of its normalised text
(Traditional converted to Simplified with OpenCC, pinyin glosses such as ``(chuàng)``
removed, punctuation and whitespace dropped). The file holds no characters of the
documents, only hashes; an entry's run of 20 or more characters counts as copied when
every K-window inside it is in one document's set, and the check reports the run from
the entry's own text.

The hashes keep the sentences out of the repository as readable, searchable text; they
are not encryption. Every window is hashed, so anyone who knows one K-character stretch
of a document can try each possible next character against its set and so rebuild the
normalised document, a character at a time, in seconds.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

K = 10
"""Characters per window."""
DIGEST_SIZE = 5
"""Bytes of BLAKE2b digest kept per window (40 bits)."""
FINGERPRINT = Path(__file__).resolve().parent / "fixtures" / "source-fingerprint.json"
LONGEST_ALLOWED_RUN = 19
"""Characters (punctuation and spaces ignored) an unquoted run may share with a source."""

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


def window_hashes(text: str, k: int = K, digest_size: int = DIGEST_SIZE) -> list[int]:
    """The hash of each K-character window of ``text``, in order."""
    return [
        int.from_bytes(
            hashlib.blake2b(text[i : i + k].encode("utf-8"), digest_size=digest_size).digest(),
            "big",
        )
        for i in range(len(text) - k + 1)
    ]


@dataclass(frozen=True)
class Fingerprint:
    """Per document, the set of hashes of its K-character windows."""

    documents: Mapping[str, frozenset[int]]
    k: int = K
    digest_size: int = DIGEST_SIZE

    @classmethod
    def of_texts(
        cls, texts: Mapping[str, str], k: int = K, digest_size: int = DIGEST_SIZE
    ) -> Fingerprint:
        """Fingerprint already normalised texts, by document name."""
        return cls(
            {name: frozenset(window_hashes(text, k, digest_size)) for name, text in texts.items()},
            k,
            digest_size,
        )

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
        documents = {}
        for name, doc in data["documents"].items():
            packed = base64.b64decode(doc["hashes"], validate=True)
            documents[name] = frozenset(
                int.from_bytes(packed[i : i + size], "big") for i in range(0, len(packed), size)
            )
        return cls(documents, data["k"], size)

    def dumps(self) -> str:
        """The committed form: ASCII JSON, hashes sorted and packed as base64."""
        data = {
            "about": (
                "BLAKE2b hashes of every window of k characters of each source document, "
                "normalised (OpenCC t2s, pinyin glosses removed, only word characters kept). "
                "Regenerate: python -m tests.fingerprint <folder of source documents>"
            ),
            "k": self.k,
            "digest_size": self.digest_size,
            "documents": {
                name: {
                    "windows": len(hashes),
                    "hashes": base64.b64encode(
                        b"".join(h.to_bytes(self.digest_size, "big") for h in sorted(hashes))
                    ).decode("ascii"),
                }
                for name, hashes in sorted(self.documents.items())
            },
        }
        return json.dumps(data, indent=2, ensure_ascii=True) + "\n"

    def shared_windows(self, text: str, document: str) -> int:
        """How many distinct K-windows of ``text`` (normalised, quotes included) ``document`` has."""
        hashes = set(window_hashes(normalise(text), self.k, self.digest_size))
        return len(hashes & self.documents[document])


@dataclass(frozen=True)
class Copy:
    """A run of the checked text found in one source document."""

    document: str
    start: int
    """Offset of the run in the checked text."""
    length: int
    """Characters in the run, punctuation and spaces not counted."""
    text: str
    """The run as written in the checked text."""


def _unquoted(text: str) -> Iterable[tuple[int, str]]:
    position = 0
    for quote in _QUOTED.finditer(text):
        yield position, text[position : quote.start()]
        position = quote.end()
    yield position, text[position:]


def copied_runs(
    text: str, fingerprint: Fingerprint, min_length: int = LONGEST_ALLOWED_RUN + 1
) -> list[Copy]:
    """Unquoted runs of ``min_length`` or more characters whose every window is in one document."""
    k = fingerprint.k
    if min_length < k:
        raise ValueError(f"min_length {min_length} is shorter than the window ({k})")
    need = min_length - k + 1
    copies = []
    for offset, piece in _unquoted(text):
        kept = [i for i, ch in enumerate(piece) if not _NOT_TEXT.match(ch)]
        letters = "".join(piece[i] for i in kept)
        if len(letters) < min_length:
            continue
        hashes = window_hashes(letters, k, fingerprint.digest_size)
        for name, known in sorted(fingerprint.documents.items()):
            first = None
            for j, h in enumerate([*hashes, None]):
                if h is not None and h in known:
                    if first is None:
                        first = j
                    continue
                if first is not None and j - first >= need:
                    start, end = kept[first] + offset, kept[j - 1 + k - 1] + offset + 1
                    copies.append(Copy(name, start, j - first + k - 1, text[start:end]))
                first = None
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
