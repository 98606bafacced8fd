"""Near-duplicate pages: a SimHash per cleaned body, and groups of near-identical bodies.

Syndicated copies of one article (and the same page crawled twice) would otherwise
fill a result page. Written by hand rather than with a MinHash library: a 64-bit
SimHash fits one sortable index column, needs no per-document signature arrays, and
the whole algorithm is the thirty lines below.

Grouping: two bodies whose fingerprints differ in at most MAX_DISTANCE bits are near
duplicates. Splitting the 64 bits into MAX_DISTANCE + 1 bands guarantees that such a
pair agrees on at least one whole band (pigeonhole), so candidates come from band
buckets and the corpus is never compared pairwise.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import regex

BITS = 64
MAX_DISTANCE = 3
BANDS = MAX_DISTANCE + 1
BAND_BITS = BITS // BANDS
SHINGLE = 3  # words (or CJK characters) per shingle
MIN_FEATURES = 8  # shingles needed for a fingerprint to mean anything

# Words of alphabetic scripts; single characters of scripts written without spaces.
_FEATURES = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]"
    r"|[\p{L}\p{M}\p{N}]+"
)


def fingerprint(text: str) -> int | None:
    """A 64-bit SimHash of the text's shingles, or None when the text is too short to
    compare (a short page would look like a duplicate of every other short page)."""
    words = [w.lower() for w in _FEATURES.findall(text)]
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    if len(shingles) < MIN_FEATURES:
        return None
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little")
            for s in shingles
        ),
        dtype=np.uint64,
        count=len(shingles),
    )
    ones = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = ones.sum(axis=0, dtype=np.int64) * 2 > len(shingles)
    return int(np.packbits(votes, bitorder="little").view("<u8")[0])


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def groups(fingerprints: Iterable[tuple[str, int | None]]) -> dict[str, str]:
    """doc id -> group id (the smallest doc id of its group) for every document; a
    document without near duplicates is its own group."""
    grouper = Grouper()
    ids = []
    for doc_id, fp in fingerprints:
        grouper.add(doc_id, fp)
        ids.append(doc_id)
    return {doc_id: grouper.group(doc_id) for doc_id in ids}


class Grouper:
    """`groups` one document at a time, for an index run that must label each document as
    it writes it: `add` returns the document's group as far as the documents added so far
    tell (the smallest id among its near duplicates yet), so that only documents whose
    group changes afterwards (a smaller id, or a page joining two groups, came later) need
    writing again."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._first_with: dict[int, str] = {}
        self._buckets: dict[tuple[int, int], list[tuple[str, int]]] = defaultdict(list)

    def group(self, doc_id: str) -> str:
        """The document's group now: the smallest id among its near duplicates so far."""
        return self._root(doc_id)

    def _root(self, doc_id: str) -> str:
        parent = self._parent
        while parent[doc_id] != doc_id:
            parent[doc_id] = parent[parent[doc_id]]
            doc_id = parent[doc_id]
        return doc_id

    def _union(self, a: str, b: str) -> None:
        a, b = self._root(a), self._root(b)
        if a != b:
            self._parent[max(a, b)] = min(a, b)

    def add(self, doc_id: str, fp: int | None) -> str:
        self._parent.setdefault(doc_id, doc_id)
        if fp is None:
            return self._root(doc_id)
        if fp in self._first_with:
            self._union(doc_id, self._first_with[fp])
            return self._root(doc_id)
        self._first_with[fp] = doc_id
        mask = (1 << BAND_BITS) - 1
        for band in range(BANDS):
            bucket = self._buckets[band, fp >> (band * BAND_BITS) & mask]
            for other_id, other_fp in bucket:
                if distance(fp, other_fp) <= MAX_DISTANCE:
                    self._union(doc_id, other_id)
            bucket.append((doc_id, fp))
        return self._root(doc_id)
