"""Runs written without spaces and without a segmenter here → overlapping bigrams.

Japanese and Korean runs become character bigrams, as Lucene's CJKBigramFilter; Lao, Khmer
and Myanmar runs become bigrams of grapheme clusters (a consonant with its vowel signs and
tone marks), so that a bigram never starts with a mark. Bigrams need no dictionary and find
any substring of two or more units with a phrase query of consecutive bigrams; a run of one
unit is kept as a unigram so it is findable.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

_CLUSTER = regex.compile(r"\X")


def bigrams(run: str) -> Iterator[tuple[str, int, int]]:
    """Yield (bigram, start, end): 東京都 → 東京 (0, 2), 京都 (1, 3); 都 → 都 (0, 1)."""
    if len(run) == 1:
        yield run, 0, 1
        return
    for start in range(len(run) - 1):
        yield run[start : start + 2], start, start + 2


def cluster_bigrams(run: str) -> Iterator[tuple[str, int, int]]:
    """Yield (bigram, start, end) over grapheme clusters: ສະບາຍ → ສະບາ (0, 4), ບາຍ (2, 5)."""
    bounds = [m.start() for m in _CLUSTER.finditer(run)] + [len(run)]
    if len(bounds) == 2:
        yield run, 0, len(run)
        return
    for i in range(len(bounds) - 2):
        yield run[bounds[i] : bounds[i + 2]], bounds[i], bounds[i + 2]
