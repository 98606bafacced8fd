"""Han runs → words, with jieba in accurate mode, and the dictionary words inside long words.

Accurate mode, not search mode: search mode's overlapping sub-words would also be produced at
query time and turn "中华人民共和国" into an AND of six words (see TRAPS.md). Instead the
segmenter asks for `subwords` of each word at index time only and puts them at the position
of their word, so that 农业 finds 农业发展银行 and 简单 finds 安装简单 while a phrase of two
whole words still sees one position per word.
"""

from __future__ import annotations

from collections.abc import Iterator

from search.analysis.jieba_setup import tokenizer

# Longest sub-word looked up. Search mode stops at 3; longer dictionary words (人民共和国 in
# 中华人民共和国, 5 characters) are single query terms too. Few dictionary words exceed 8.
MAX_SUBWORD = 8


def words(run: str) -> Iterator[tuple[str, int, int]]:
    """Yield (word, start, end) for each jieba word of a run of (Simplified) Han characters."""
    return tokenizer().tokenize(run)


def subwords(word: str) -> Iterator[tuple[str, int, int]]:
    """Yield (sub-word, start, end) for the dictionary words of two or more characters inside
    a word of three or more, shortest first: 中华人民共和国 → 中华, 华人, 人民, 共和, ...,
    共和国, ..., 人民共和国.

    Dictionary words only (jieba's FREQ, which also lists prefixes at frequency 0), not all
    n-grams: 国农 or 业发 inside 中国农业发展银行 would only add noise terms to the index.
    """
    length = len(word)
    if length < 3:
        return
    freq = tokenizer().FREQ
    for size in range(2, min(length - 1, MAX_SUBWORD) + 1):
        for start in range(length - size + 1):
            sub = word[start : start + size]
            if freq.get(sub):
                yield sub, start, start + size
