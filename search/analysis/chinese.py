"""Han runs → words, with jieba in accurate mode.

Accurate mode, not search mode: search mode's overlapping sub-words would also be produced at
query time and turn "中华人民共和国" into an AND of six words (see TRAPS.md). Index-only
sub-words for long words belong in `words` under `mode == "index"`, at the position of the
word they come from, so that phrase queries still see one position per word.
"""

from __future__ import annotations

from collections.abc import Iterator

from search.analysis.jieba_setup import tokenizer


def words(run: str, mode: str = "") -> Iterator[tuple[str, int, int]]:
    """Yield (word, start, end) for each jieba word of a run of Han characters."""
    return tokenizer().tokenize(run)
