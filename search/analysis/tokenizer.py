"""The Whoosh tokenizer: NFKC → script runs → words, as Whoosh tokens.

Follows the protocol of `whoosh.analysis.RegexTokenizer`: one Token object reused for every
word, `positions`/`chars`/`keeporiginal`/`start_pos`/`start_char` honoured, and with
`tokenize=False` the whole value is one token. Positions count words (a jieba word or a
bigram is one position, and a Chinese sub-word shares its word's), so phrase queries work;
character offsets point into the text as given, before NFKC, because highlighting slices it.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

from search.analysis.normalize import nfkc_with_offsets
from search.analysis.scripts import script_of
from search.analysis.segment import segment
from search.analysis.simplify import simplify


class ScriptTokenizer(Tokenizer):
    """Script-aware tokenizer; `han_bigrams` selects Japanese handling of Han characters.

    Each token carries `script` (see `scripts.py`) for the filters after it. `mode` ("index"
    or "query", passed by Whoosh) reaches the segmenters: at index time long Chinese words
    are followed by their dictionary sub-words, at the same position.
    """

    def __init__(self, han_bigrams: bool = False):
        self.han_bigrams = han_bigrams

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.han_bigrams == self.han_bigrams

    def __repr__(self) -> str:
        return f"{type(self).__name__}(han_bigrams={self.han_bigrams})"

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        assert isinstance(value, str), f"{value!r} is not a str"
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield _whole(t, value, start_pos, start_char, fold_han=not self.han_bigrams)
            return

        text, offsets = nfkc_with_offsets(value)
        if not (chars or keeporiginal):
            offsets = None  # indexing asks for positions only: skip the offset mapping
        pos = start_pos - 1
        for script, word, start, end, increment in segment(text, self.han_bigrams, mode):
            pos += increment
            t.text = word
            t.script = script
            t.boost = 1.0
            t.stopped = False
            if offsets is not None:
                start, end = offsets.span(start, end)
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


def _whole(t: Token, value: str, start_pos: int, start_char: int, fold_han: bool) -> Token:
    """The whole value as one token (Whoosh asks for this for prefix and range queries)."""
    text, _ = nfkc_with_offsets(value)
    if fold_han:
        text = simplify(text)
    t.text = t.original = text
    t.script = script_of(text)
    t.boost = 1.0
    t.stopped = False
    if t.positions:
        t.pos = start_pos
    if t.chars:
        t.startchar = start_char
        t.endchar = start_char + len(value)
    return t
