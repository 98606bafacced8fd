"""Japanese and Korean runs → overlapping character bigrams, as Lucene's CJKBigramFilter.

Bigrams need no dictionary and find any substring of two or more characters with a phrase
query of consecutive bigrams; a run of one character is kept as a unigram so it is findable.
"""

from __future__ import annotations

from collections.abc import Iterator


def bigrams(run: str) -> Iterator[tuple[str, int, int]]:
    """Yield (bigram, start, end): 東京都 → 東京 (0, 2), 京都 (1, 3); 都 → 都 (0, 1)."""
    if len(run) == 1:
        yield run, 0, 1
        return
    for start in range(len(run) - 1):
        yield run[start : start + 2], start, start + 2
