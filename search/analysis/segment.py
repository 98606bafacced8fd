"""Script runs → words: each script's run goes to that script's segmenter.

Adding a segmenter (Thai, compound splitting) is adding a module and a branch here; the
tokenizer only sees `Word`s with offsets into the text it was given.
"""

from __future__ import annotations

from collections.abc import Iterator

from search.analysis import chinese, thai
from search.analysis.bigrams import bigrams, cluster_bigrams
from search.analysis.scripts import (
    HAN,
    HANGUL,
    JAPANESE,
    KANA,
    KHMER,
    LAO,
    MYANMAR,
    THAI,
    script_runs,
)
from search.analysis.simplify import simplify

_BIGRAMMED = frozenset((KANA, JAPANESE, HANGUL))
_CLUSTER_BIGRAMMED = frozenset((LAO, KHMER, MYANMAR))


# (script, text, start, end, increment). The increment is how many positions to advance
# before the word, as Lucene's position increment: 1 for the next word, 0 for an index-only
# sub-word that shares the position of the word it is part of. A plain tuple, not a
# NamedTuple: building one costs ~10% of English analysis.
Word = tuple[str, str, int, int, int]


def segment(text: str, han_bigrams: bool = False, mode: str = "") -> Iterator[Word]:
    """Yield every word of text, in order.

    Han runs are folded to Simplified and segmented by jieba, with the dictionary words
    inside long words added when `mode` is "index"; with `han_bigrams` (Japanese) they are
    instead joined with the Kana around them and bigrammed, unfolded. Thai runs are segmented
    by newmm, with the pieces of compound words added when `mode` is "index"; Lao, Khmer and
    Myanmar runs become bigrams of letter clusters.
    """
    subwords = mode == "index"
    for script, start, end in script_runs(text, japanese=han_bigrams):
        if script == HAN:
            for word, first, last in chinese.words(simplify(text[start:end])):
                yield script, word, start + first, start + last, 1
                if subwords:
                    at = start + first
                    for sub, begin, finish in chinese.subwords(word):
                        yield script, sub, at + begin, at + finish, 0
        elif script == THAI:
            for word, first, last in thai.words(text[start:end]):
                yield script, word, start + first, start + last, 1
                if subwords:
                    at = start + first
                    for piece, begin, finish in thai.pieces(word):
                        yield script, piece, at + begin, at + finish, 0
        elif script in _BIGRAMMED:
            for gram, first, last in bigrams(text[start:end]):
                yield script, gram, start + first, start + last, 1
        elif script in _CLUSTER_BIGRAMMED:
            for gram, first, last in cluster_bigrams(text[start:end]):
                yield script, gram, start + first, start + last, 1
        else:
            yield script, text[start:end], start, end, 1
