"""Traditional → Simplified Chinese, one character at a time, before jieba sees a Han run.

Folding first lets Traditional text segment with jieba's (Simplified) dictionary: 東京都 is
東 / 京都 to jieba, 东京都 one word. The table is zhconv's (MediaWiki's) single-character
table, used with str.translate rather than zhconv.convert or OpenCC, because it is

- context-free: a query folds exactly as the same characters fold inside a page, whereas a
  phrase-level converter can read a query's characters differently at the edge of a phrase;
- length-preserving: every entry maps one character to one, so offsets into the text that
  was folded stay valid for highlighting;
- fast enough: ~30 MB/s here, against ~5 MB/s for zhconv.convert and ~75 MB/s for OpenCC's
  C++ t2s (a new binary dependency), next to jieba's ~0.5 MB/s.

Phrase entries (乾隆 keeps its 乾) are ignored: both sides fold 乾 to 干, so they still meet.
"""

from __future__ import annotations

import functools

import zhconv.zhconv


@functools.cache
def table() -> dict[int, str]:
    """{code point: Simplified character} for every Traditional or variant character.

    Loaded on first use (zhconv parses all its locale tables, ~0.4 s).
    """
    return {
        ord(source): target
        for source, target in zhconv.zhconv.getdict("zh-hans").items()
        if len(source) == 1 and len(target) == 1 and source != target
    }


def simplify(run: str) -> str:
    """朝鮮 → 朝鲜, 東京都 → 东京都; Simplified text is returned unchanged, same length."""
    return run.translate(table())
