"""Small single-purpose normalisers: compatibility forms (NFKC) and accent folding.

NFKC runs on the whole text before segmentation, so that half-width ｶﾞｲﾄﾞ is segmented as
ガイド and full-width ＡＢＣ as ABC. It can change the length of the text (ｶﾞ is two
characters, ガ one; ﬁ becomes fi), so it returns an `OffsetMap` that takes offsets in the
normalised text back to the original, which highlighting slices. Folding runs per token.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

import regex

# Characters NFKC may change (Quick_Check No or Maybe); everything else is already normal.
_MAYBE_CHANGED = regex.compile(r"[\p{NFKC_QC=N}\p{NFKC_QC=M}]")
_CLUSTER = regex.compile(r"\X")
# Characters that NFKC may compose with the character before them: a change at one of them
# reaches back to the start of its grapheme cluster.
_CLUSTER_TAIL = regex.compile(r"[\p{GCB=Extend}\p{GCB=SpacingMark}\p{GCB=V}\p{GCB=T}\p{GCB=ZWJ}]")


class OffsetMap:
    """Maps offsets in NFKC text to the original text.

    The text is cut into pieces: stretches where offsets correspond one to one, and grapheme
    clusters whose length NFKC changed. An offset inside a changed cluster maps to the
    cluster's edge, so a token never cuts an original character in half.
    """

    __slots__ = ("_norm_starts", "_orig_starts", "_changed")

    def __init__(self) -> None:
        self._norm_starts = [0]
        self._orig_starts = [0]
        self._changed = [False]

    def add(self, norm_start: int, orig_start: int, changed: bool) -> None:
        """Start a piece; a piece left empty by the one before is replaced."""
        if self._norm_starts[-1] == norm_start:
            self._orig_starts[-1] = orig_start
            self._changed[-1] = changed
        else:
            self._norm_starts.append(norm_start)
            self._orig_starts.append(orig_start)
            self._changed.append(changed)

    def close(self, norm_len: int, orig_len: int) -> None:
        """Add the sentinel piece at the end of both texts that `span` looks one past."""
        self._norm_starts.append(norm_len)
        self._orig_starts.append(orig_len)
        self._changed.append(False)

    def moves_offsets(self) -> bool:
        return len(self._norm_starts) > 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the token at [start, end) in the normalised text."""
        norm_starts = self._norm_starts
        k = bisect_right(norm_starts, start) - 1
        if not self._changed[k] and end <= norm_starts[k + 1]:  # the usual case: one piece
            shift = self._orig_starts[k] - norm_starts[k]
            return start + shift, end + shift
        return self._start(k, start), self._end(end)

    def _start(self, k: int, offset: int) -> int:
        if self._changed[k]:
            return self._orig_starts[k]
        return self._orig_starts[k] + offset - self._norm_starts[k]

    def _end(self, offset: int) -> int:
        k = bisect_right(self._norm_starts, offset - 1) - 1
        if self._changed[k]:
            return self._orig_starts[k + 1]
        return self._orig_starts[k] + offset - self._norm_starts[k]


def nfkc_with_offsets(text: str) -> tuple[str, OffsetMap | None]:
    """NFKC-normalise text; the map is None when offsets did not move (the usual case).

    Only the grapheme clusters that hold a character NFKC may change are normalised, one by
    one, so a Chinese page full of full-width punctuation costs one regex scan plus a few
    steps per such cluster, not a Python loop over every character.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text, None
    parts: list[str] = []
    offsets = OffsetMap()
    done = norm_len = 0
    for match in _MAYBE_CHANGED.finditer(text):
        start = _cluster_start(text, match.start(), done)
        if start < done:
            continue  # inside the cluster handled last
        end = _CLUSTER.match(text, start).end()
        cluster = unicodedata.normalize("NFKC", text[start:end])
        parts.append(text[done:start])
        parts.append(cluster)
        norm_len += start - done
        if len(cluster) != end - start:  # ＡＢＣ → ABC keeps offsets; ｶﾞ → ガ does not
            offsets.add(norm_len, start, changed=True)
            offsets.add(norm_len + len(cluster), end, changed=False)
        norm_len += len(cluster)
        done = end
    parts.append(text[done:])
    normalized = "".join(parts)
    if not offsets.moves_offsets():
        return normalized, None
    offsets.close(len(normalized), len(text))
    return normalized, offsets


def _cluster_start(text: str, offset: int, floor: int) -> int:
    """Step back from offset to the start of its grapheme cluster (not before floor)."""
    while offset > floor and _CLUSTER_TAIL.match(text, offset):
        offset -= 1
    return offset


# Folding table for Latin, Greek and Cyrillic letters: each precomposed letter maps to its
# base letter, and combining marks are deleted. Built once, applied with str.translate. Other
# scripts are never folded: a Devanagari vowel sign or a Thai tone mark is part of the word.
_FOLDED_SCRIPTS = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}]")
_COMBINING = regex.compile(r"\p{Mn}")
# й is a letter of its own in Russian, Ukrainian and Bulgarian, not an accented и, and the
# Russian stemmer's endings (-ый, -ий, -ой) need it.
_NOT_FOLDED = frozenset("йЙ")
# Letters that look accented but have no decomposition: Vietnamese (and Croatian) đ, Turkish
# dotless ı; and Greek final sigma, the same letter as σ.
_LETTERS = {ord("đ"): "d", ord("Đ"): "D", ord("ı"): "i", ord("ς"): "σ"}
# Decimal digits of other scripts (Arabic-Indic, Persian, Devanagari, Bengali, Thai, Lao,
# Khmer, Myanmar) start words of digits like ASCII ones do: ٢٠١٦ and २०१६ find 2016.
for _zero in (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x0ED0, 0x17E0, 0x1040):
    _LETTERS.update({_zero + d: str(d) for d in range(10)})
# Combining marks NFKC could not compose away (stress marks on Cyrillic vowels, ...).
_COMBINING_BLOCKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0xFE20, 0xFE2F))


def _folding_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x00C0, 0x2000):
        char = chr(code)
        if char in _NOT_FOLDED or not _FOLDED_SCRIPTS.match(char):
            continue
        decomposed = unicodedata.normalize("NFD", char)
        base = _COMBINING.sub("", decomposed)
        if base != decomposed and base:
            table[code] = unicodedata.normalize("NFC", base)
    for first, last in _COMBINING_BLOCKS:
        for code in range(first, last + 1):
            table[code] = None
    table.update(_LETTERS)
    return table


_FOLD = _folding_table()


def fold_accents(word: str) -> str:
    """café → cafe, Αθήνα → Αθηνα, ёлка → елка, đường → duong, ışık → isik, πόλης → πολησ;
    for Latin, Greek and Cyrillic words only."""
    if word.isascii():
        return word
    return word.translate(_FOLD)
