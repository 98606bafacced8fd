"""Thai runs → words, with PyThaiNLP's newmm: dictionary maximal matching within Thai
Character Cluster bounds, so a word the dictionary lacks is still cut between clusters.

Thai puts no spaces between words (only between phrases), so a run of Thai letters is a
phrase or a sentence. newmm is pure Python, ~1.4 MB/s here (ICU's word break iterator is
faster but cuts transliterated names into nonsense: แอ / ลด้ว / ยกา for "NFL, with the").
The dictionary (~60k words) is loaded on first use (~0.5 s). Text and queries go through the
same segmenter, so a word matches however the text around it was spaced.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

# Runs longer than this are cut in chunks at likely word bounds by newmm's safe mode, which
# keeps the cost of a long unspaced paragraph linear.
_SAFE_MODE_CHARS = 2_000


@functools.cache
def _segment():
    from pythainlp.tokenize.newmm import segment

    return segment


def words(run: str) -> Iterator[tuple[str, int, int]]:
    """Yield (word, start, end) for each word of a run of Thai letters and digits."""
    at = 0
    for word in _segment()(run, safe_mode=len(run) > _SAFE_MODE_CHARS):
        end = at + len(word)
        if not word.isspace():
            yield word, at, end
        at = end


@functools.cache
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


MAX_PIECES_WORD = 24  # longer words (rare) are not split into pieces
MIN_PIECE = 3  # characters (marks included): shorter pieces are mostly syllables, not words


@functools.lru_cache(maxsize=65_536)
def pieces(word: str) -> tuple[tuple[str, int, int], ...]:
    """The fewest dictionary words of MIN_PIECE or more characters that spell `word` exactly,
    when there are two or more: ภาษาไทย → ภาษา (0, 4), ไทย (4, 7); () for a word that is not
    made of other words (คะแนน, whose pieces คะ and แนน would only be noise).

    newmm keeps a dictionary compound whole (ภาษาไทย) but cuts the same letters typed with a
    space into two words (ภาษา ไทย); indexing the pieces beside the compound, and searching a
    compound as "itself or its pieces", lets either spelling find the other.
    """
    n = len(word)
    if n < 2 * MIN_PIECE or n > MAX_PIECES_WORD:
        return ()
    known = _dictionary()
    # best[i]: fewest pieces spelling word[:i], and where the last piece starts.
    best: list[tuple[int, int] | None] = [None] * (n + 1)
    best[0] = (0, 0)
    for end in range(MIN_PIECE, n + 1):
        for start in range(0, end - MIN_PIECE + 1):
            if best[start] is None or (start == 0 and end == n):
                continue
            if word[start:end] in known:
                count = best[start][0] + 1
                if best[end] is None or count < best[end][0]:
                    best[end] = (count, start)
    if best[n] is None:
        return ()
    found = []
    end = n
    while end:
        start = best[end][1]
        found.append((word[start:end], start, end))
        end = start
    return tuple(reversed(found))
