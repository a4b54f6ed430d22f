"""Tokens into encoded posting lists, in memory that stays bounded as the corpus grows.

A posting packs into one 64-bit integer, so sorting plain integers groups
postings by token and orders each token's entries: token code (37 bits:
character pairs use 36, other tokens set bit 36 over their vocabulary number),
entry number (20 bits), weight (6 bits).

Postings are not held all at once. As entries arrive they are split into
:data:`PARTITIONS` partitions by the hash of their token; beyond a memory
limit, partitions wait in temporary files. A partition holds every
posting of its tokens, so each one is sorted and encoded on its own. Bucket
counts are powers of two, so when there are at least as many buckets as
partitions every bucket's tokens lie in one partition (``hash % buckets``
determines ``hash % partitions``); with fewer buckets the index is small and
partitions are joined. The files are exactly what sorting every posting at
once would give.
"""

from __future__ import annotations

import shutil
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generator.search.tokens import CHAR_BITS, CHAR_MASK, DocTokens
from generator.tempdirs import SEARCH, make_temp_dir

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TARGET_BUCKET_BYTES = 12_000
"""Average size the posting files aim for: few requests, small downloads."""
MAX_BUCKETS = 8192

_OTHER = 1 << (2 * CHAR_BITS)
_DOC_BITS = 20
_WEIGHT_BITS = 6
_SHIFT = np.uint64(_DOC_BITS + _WEIGHT_BITS)
MAX_DOCS = 1 << _DOC_BITS

PARTITIONS = 64
"""Partitions of the postings by token hash; each is sorted and encoded on its own."""
_FLUSH_POSTINGS = 2_000_000
"""Postings gathered before they are split into partitions: bounds the working arrays."""
_MEMORY_LIMIT = 192 * 2**20
"""Bytes of partitioned postings kept in memory; beyond it they go to temporary files."""


# --- hashing ----------------------------------------------------------------------


def token_hash(token: str) -> int:
    """FNV-1a over code points; ``kb-search.js`` computes the same."""
    value = 2166136261
    for char in token:
        value = ((value ^ ord(char)) * 16777619) & 0xFFFFFFFF
    return value


def token_bucket(token: str, buckets: int) -> int:
    """The posting file that holds ``token``."""
    return token_hash(token) % buckets


def _pair_hashes(codes: np.ndarray) -> np.ndarray:
    """:func:`token_hash` of many character-pair codes at once."""
    # 32-bit arithmetic wraps exactly as FNV-1a's does, and is many times faster than
    # masking 64-bit products.
    value = np.full(len(codes), 2166136261, dtype=np.uint32)
    for char in (codes >> np.uint64(CHAR_BITS), codes & np.uint64(CHAR_MASK)):
        value ^= char.astype(np.uint32)
        value *= np.uint32(16777619)
    return value


def bucket_count(total_bytes: int) -> int:
    """Buckets for postings of this size: a power of two near the target file size."""
    count = 1
    while count * _TARGET_BUCKET_BYTES < total_bytes and count < MAX_BUCKETS:
        count *= 2
    return count


# --- temporary storage ------------------------------------------------------------


class _Spool:
    """Arrays appended under a name, kept in memory up to a limit and in files beyond it.

    The files live in a folder of their own, removed by :meth:`close` or, failing
    that, when the spool is garbage collected or the process ends.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: dict[str, list[np.ndarray]] = {}
        self._bytes = 0
        self._folder: Path | None = None
        self._cleanup: weakref.finalize[Any, Any] | None = None
        self._files: dict[str, Path] = {}

    def append(self, name: str, array: np.ndarray) -> None:
        self._held.setdefault(name, []).append(array)
        self._bytes += array.nbytes
        if self._bytes > self.limit:
            self._spill()

    def _spill(self) -> None:
        if self._folder is None:
            self._folder = make_temp_dir(SEARCH)
            self._cleanup = weakref.finalize(self, shutil.rmtree, self._folder, True)
        for name, arrays in self._held.items():
            path = self._files.setdefault(name, self._folder / name)
            with open(path, "ab") as file:
                for array in arrays:
                    array.tofile(file)
        self._held = {}
        self._bytes = 0

    def take(self, name: str, dtype: type[np.generic]) -> np.ndarray:
        """Everything appended under ``name``, in order; the spool forgets it."""
        parts = []
        path = self._files.pop(name, None)
        if path is not None:
            parts.append(np.fromfile(path, dtype=dtype))
            path.unlink()
        held = self._held.pop(name, [])
        self._bytes -= sum(array.nbytes for array in held)
        parts += held
        if not parts:
            return np.zeros(0, dtype=dtype)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def close(self) -> None:
        self._files = {}
        self._held = {}
        self._bytes = 0
        if self._cleanup is not None:
            self._cleanup()
        self._folder = self._cleanup = None


# --- packing ----------------------------------------------------------------------


@dataclass(frozen=True)
class PostingFiles:
    """The encoded postings, ready to be written one bucket file at a time."""

    buckets: int
    tokens: int
    postings: int


class PostingPacker:
    """Collects entries' tokens as packed postings and encodes them into bucket files.

    ``buckets`` fixes the number of files (the preview's overlay uses a few);
    without it, the count follows the encoded size (:func:`bucket_count`).
    ``partitions`` (a power of two) is how many parts the postings are sorted in.
    ``memory_limit`` is how many bytes of them may wait in memory (by default
    :data:`_MEMORY_LIMIT`); the rest wait in temporary files. With ``keep``, the sorted postings stay in a temporary file after encoding, so
    that :meth:`fold` can encode them again with some entries replaced, without
    tokenising anything.
    """

    def __init__(
        self,
        *,
        buckets: int | None = None,
        partitions: int = PARTITIONS,
        memory_limit: int | None = None,
        keep: bool = False,
    ) -> None:
        if partitions & (partitions - 1) or (buckets and buckets & (buckets - 1)):
            raise ValueError("bucket and partition counts must be powers of two")
        self.fixed_buckets = buckets
        self.partitions = partitions
        self.keep = keep
        self._kept: _Spool | None = None
        """The sorted postings of the last encoding, by partition (with ``keep``)."""
        self._kept_words: list[str] = []
        self._kept_hashes = np.zeros(0, dtype=np.uint32)
        self._folding: tuple[_Spool, np.ndarray, np.ndarray | None] | None = None
        self.vocabulary: dict[str, int] = {}
        """Words (every token that is not a character pair) by number, first seen first."""
        self._word_hashes: list[int] = []
        self._hash_array = np.zeros(0, dtype=np.uint32)
        """:attr:`_word_hashes` as an array, extended as words come (not copied whole each time)."""
        self._parts: list[np.ndarray] = []
        self._gathered = 0
        self.postings = 0
        self._spool = _Spool(_MEMORY_LIMIT if memory_limit is None else memory_limit)

    def add(self, number: int, tokens: DocTokens) -> None:
        """Add the tokens of entry ``number``; entries may come in any order, each once."""
        if not 0 <= number < MAX_DOCS:
            raise ValueError(f"the search index holds at most {MAX_DOCS - 1} entries")
        entry = np.uint64(number << _WEIGHT_BITS)
        self._parts.append((tokens.pairs << _SHIFT) | entry | tokens.pair_weights)
        count = len(tokens.pairs)
        if tokens.others:
            vocabulary = self.vocabulary
            ids = []
            for token in tokens.others:
                known = vocabulary.get(token)
                if known is None:
                    known = vocabulary[token] = len(vocabulary)
                    self._word_hashes.append(token_hash(token))
                ids.append(known)
            codes = np.array(ids, dtype=np.uint64) | np.uint64(_OTHER)
            weights = np.fromiter(tokens.others.values(), np.uint64, len(ids))
            self._parts.append((codes << _SHIFT) | entry | weights)
            count += len(ids)
        self._gathered += count
        if self._gathered >= _FLUSH_POSTINGS:
            self._partition()

    def _word_hash_array(self) -> np.ndarray:
        known = len(self._hash_array)
        if known < len(self._word_hashes):
            fresh = np.array(self._word_hashes[known:], dtype=np.uint32)
            self._hash_array = np.concatenate([self._hash_array, fresh])
        return self._hash_array

    def _hashes(self, codes: np.ndarray, word_hashes: np.ndarray) -> np.ndarray:
        """The token hash of each token code (pair codes, or words by number)."""
        words = codes >= np.uint64(_OTHER)
        hashes = _pair_hashes(codes)  # words' hashes replace these garbage values below
        hashes[words] = word_hashes[(codes[words] - np.uint64(_OTHER)).astype(np.int64)]
        return hashes

    def _partition(self) -> None:
        if not self._parts:
            return
        keys = np.concatenate(self._parts)
        self._parts = []
        self._gathered = 0
        self.postings += len(keys)
        word_hashes = self._word_hash_array()
        partition = (self._hashes(keys >> _SHIFT, word_hashes) % np.uint32(self.partitions)).astype(
            np.uint8
        )
        order = np.argsort(partition, kind="stable")  # a radix sort for one-byte keys
        bounds = np.searchsorted(partition[order], np.arange(self.partitions + 1))
        keys = keys[order]
        for number in range(self.partitions):
            if bounds[number] < bounds[number + 1]:
                self._spool.append(f"keys-{number}", keys[bounds[number] : bounds[number + 1]])

    def encode(self) -> tuple[PostingFiles, Iterator[tuple[int, bytes]]]:
        """Encode everything added: the counts, and each bucket's number and file body.

        Vocabulary numbers follow the order words were first met, which can vary;
        they are renumbered in text order first, so the files never depend on it.
        """
        self._partition()
        words = sorted(self.vocabulary)
        renumber = np.empty(len(words), dtype=np.uint64)
        renumber[[self.vocabulary[w] for w in words]] = np.arange(len(words), dtype=np.uint64)
        hashes = self._word_hash_array()
        sorted_hashes = np.empty_like(hashes)
        sorted_hashes[renumber.astype(np.int64)] = hashes
        self.vocabulary = {}
        self._word_hashes = []
        self._hash_array = np.zeros(0, dtype=np.uint32)
        folding, self._folding = self._folding, None
        kept = _Spool(0) if self.keep else None  # straight to disk: kept for a whole preview
        text_bytes = tokens = 0
        for number in range(self.partitions):
            keys = _recode_words(self._spool.take(f"keys-{number}", np.uint64), renumber)
            if folding is not None:
                base = _kept_part(folding, number)
                self.postings += len(base)
                keys = np.concatenate([keys, base])
                del base
            if not len(keys):
                continue
            keys.sort()
            if kept is not None:
                kept.append(f"base-{number}", keys)
            text, starts, codes = encode_sorted(keys)
            del keys
            self._spool.append(f"text-{number}", np.frombuffer(text, dtype=np.uint8))
            self._spool.append(f"starts-{number}", starts)
            self._spool.append(f"codes-{number}", codes)
            text_bytes += len(text)
            tokens += len(codes)
        if folding is not None:
            folding[0].close()
        if kept is not None:
            self._kept, self._kept_words, self._kept_hashes = kept, words, sorted_hashes
        buckets = self.fixed_buckets or bucket_count(text_bytes + 10 * tokens)
        summary = PostingFiles(buckets=buckets, tokens=tokens, postings=self.postings)
        return summary, self._bucket_files(buckets, words, sorted_hashes)

    def close(self) -> None:
        """Drop the kept postings (their temporary file goes)."""
        if self._kept is not None:
            self._kept.close()
            self._kept = None

    def fold(
        self, removed: Iterable[int], added: Iterable[tuple[int, DocTokens]]
    ) -> tuple[PostingFiles, Iterator[tuple[int, bytes]]]:
        """Encode the kept postings again, without those of ``removed`` entries, with ``added``.

        What :meth:`encode` gives for the same entries, whatever order they came in;
        the new postings are kept in turn.
        """
        if self._kept is None:
            raise RuntimeError("fold() needs a packer made with keep=True that has encoded")
        added = list(added)
        base_words = self._kept_words
        known = set(base_words)
        new_words = sorted({w for _, tokens in added for w in tokens.others} - known)
        remap: np.ndarray | None = None
        if new_words:
            merged = sorted(base_words + new_words)
            self.vocabulary = {word: i for i, word in enumerate(merged)}
            remap = np.array([self.vocabulary[w] for w in base_words], dtype=np.uint64)
            hashes = np.empty(len(merged), dtype=np.uint32)
            hashes[remap.astype(np.int64)] = self._kept_hashes
            for word in new_words:
                hashes[self.vocabulary[word]] = token_hash(word)
            self._word_hashes, self._hash_array = hashes.tolist(), hashes
        else:
            self.vocabulary = {word: i for i, word in enumerate(base_words)}
            self._word_hashes = self._kept_hashes.tolist()
            self._hash_array = self._kept_hashes.copy()
        gone = np.zeros(MAX_DOCS, dtype=bool)
        gone[np.fromiter(removed, dtype=np.int64)] = True
        self._folding = (self._kept, gone, remap)
        self._kept = None
        self.postings = 0
        for number, tokens in added:
            self.add(number, tokens)
        return self.encode()

    def _bucket_files(
        self, buckets: int, words: list[str], word_hashes: np.ndarray
    ) -> Iterator[tuple[int, bytes]]:
        groups = min(buckets, self.partitions)
        try:
            for group in range(groups):
                yield from self._group_files(group, groups, buckets, words, word_hashes)
        finally:
            self._spool.close()

    def _group_files(
        self, group: int, groups: int, buckets: int, words: list[str], word_hashes: np.ndarray
    ) -> Iterator[tuple[int, bytes]]:
        """The bucket files whose tokens lie in the partitions of ``group``."""
        texts: list[str] = []
        offsets: list[np.ndarray] = []
        code_parts: list[np.ndarray] = []
        written = 0
        for number in range(group, self.partitions, groups):
            text = self._spool.take(f"text-{number}", np.uint8).tobytes().decode("ascii")
            texts.append(text)
            offsets.append(self._spool.take(f"starts-{number}", np.int64) + written)
            code_parts.append(self._spool.take(f"codes-{number}", np.uint64))
            written += len(text)
        postings_text = "".join(texts)
        del texts
        codes = np.concatenate(code_parts)
        starts = np.concatenate(offsets)
        ends = np.empty_like(starts)
        ends[:-1] = starts[1:]
        if len(ends):
            ends[-1] = written
        if len(code_parts) > 1:
            # Laid end to end, each token still ends where the next begins; tokens of
            # several partitions are then put in code order, as one sort would have them.
            by_code = np.argsort(codes, kind="stable")
            codes, starts, ends = codes[by_code], starts[by_code], ends[by_code]
        token_texts = _token_texts(codes, words)
        token_buckets = (self._hashes(codes, word_hashes) % np.uint32(buckets)).astype(np.int64)
        order = np.argsort(token_buckets, kind="stable")
        bounds = np.searchsorted(token_buckets[order], np.arange(buckets + 1))
        starts_list, ends_list = starts.tolist(), ends.tolist()
        for bucket in range(group, buckets, groups):
            # Tokens are Chinese characters, digits and lower-case letters: nothing to escape.
            body = ",".join(
                f'"{token_texts[i]}":"{postings_text[starts_list[i] : ends_list[i]]}"'
                for i in order[bounds[bucket] : bounds[bucket + 1]].tolist()
            )
            yield bucket, ("{" + body + "}").encode()


def _recode_words(keys: np.ndarray, numbers: np.ndarray | None) -> np.ndarray:
    """``keys`` with each word's number replaced by ``numbers[number]``."""
    if numbers is None or not len(keys):
        return keys
    other = keys >= np.uint64(_OTHER << (_DOC_BITS + _WEIGHT_BITS))
    low = keys[other] & np.uint64((1 << (_DOC_BITS + _WEIGHT_BITS)) - 1)
    old_ids = ((keys[other] >> _SHIFT) - np.uint64(_OTHER)).astype(np.int64)
    keys[other] = ((numbers[old_ids] | np.uint64(_OTHER)) << _SHIFT) | low
    return keys


def _kept_part(folding: tuple[_Spool, np.ndarray, np.ndarray | None], number: int) -> np.ndarray:
    """A partition of kept postings, without the removed entries', words renumbered."""
    kept, removed, remap = folding
    keys = kept.take(f"base-{number}", np.uint64)
    docs = ((keys >> np.uint64(_WEIGHT_BITS)) & np.uint64(MAX_DOCS - 1)).astype(np.int64)
    return _recode_words(keys[~removed[docs]], remap)


def _token_texts(codes: np.ndarray, words: list[str]) -> list[str]:
    """The text of each token code, decoded in bulk."""
    is_pair = codes < np.uint64(_OTHER)
    pair_codes = codes[is_pair]
    points = np.empty((len(pair_codes), 2), dtype=np.uint32)
    points[:, 0] = pair_codes >> np.uint64(CHAR_BITS)
    points[:, 1] = pair_codes & np.uint64(CHAR_MASK)
    joined = points.tobytes().decode("utf-32-le")
    pair_texts = iter([joined[i : i + 2] for i in range(0, len(joined), 2)])
    return [
        next(pair_texts) if pair else words[code - _OTHER]
        for pair, code in zip(is_pair.tolist(), codes.tolist(), strict=True)
    ]


def encode_sorted(keys: np.ndarray) -> tuple[bytes, np.ndarray, np.ndarray]:
    """Encode sorted postings: their text, where each token's part starts, and its code.

    Within a token, each entry is stored as the gap from the previous one (minus
    one) in base-64 varint digits, followed by its weight digit.
    """
    codes = keys >> _SHIFT
    if not len(codes):
        return b"", np.zeros(0, np.int64), codes
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    token_codes = codes[starts]
    del codes
    numbers = ((keys >> np.uint64(_WEIGHT_BITS)) & np.uint64(MAX_DOCS - 1)).astype(np.int32)
    previous = np.empty_like(numbers)
    previous[1:] = numbers[:-1]
    previous[starts] = -1
    gaps = numbers - previous - 1
    del numbers, previous
    digits = np.ones(len(gaps), dtype=np.int32)
    for limit in (1 << 5, 1 << 10, 1 << 15):
        digits += gaps >= limit
    ends = np.cumsum(digits + 1, dtype=np.int64)
    begins = ends - (digits + 1)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    alphabet = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
    for place in range(4):
        present = digits > place
        value = (gaps[present] >> (5 * place)) & 31
        value |= np.where(digits[present] > place + 1, 32, 0).astype(value.dtype)
        out[begins[present] + place] = alphabet[value]
    out[begins + digits] = alphabet[(keys & np.uint64(63)).astype(np.uint8)]
    return out.tobytes(), begins[starts], token_codes
