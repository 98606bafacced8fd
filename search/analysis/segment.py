"""Script runs → words: each script's run goes to that script's segmenter.

Adding a segmenter (Thai, compound splitting) is adding a module and a branch here; the
tokenizer only sees (script, word, start, end) with offsets into the text it was given.
"""

from __future__ import annotations

from collections.abc import Iterator

from search.analysis import chinese
from search.analysis.bigrams import bigrams
from search.analysis.scripts import HAN, HANGUL, JAPANESE, KANA, script_runs

_BIGRAMMED = frozenset((KANA, JAPANESE, HANGUL))


def segment(
    text: str, han_bigrams: bool = False, mode: str = ""
) -> Iterator[tuple[str, str, int, int]]:
    """Yield (script, word, start, end) for every word of text, in order.

    Han runs are segmented by jieba, or, with `han_bigrams` (Japanese), joined with the Kana
    around them and bigrammed. `mode` ("index" or "query") reaches the segmenters, so that
    index-only variants can be added without changing query analysis.
    """
    for script, start, end in script_runs(text, japanese=han_bigrams):
        if script == HAN:
            for word, first, last in chinese.words(text[start:end], mode):
                yield script, word, start + first, start + last
        elif script in _BIGRAMMED:
            for gram, first, last in bigrams(text[start:end]):
                yield script, gram, start + first, start + last
        else:
            yield script, text[start:end], start, end
