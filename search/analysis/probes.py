"""Where a term may stand in a raw text, found with a regular expression instead of analysis.

Snippets need the few places of a long page where the query's terms occur. Analysing a 1 MB
page takes a second or more (jieba, stemming); one regular expression per term takes
milliseconds. A term's characters come from the text's through NFKC, lowercasing, accent
folding and Traditional → Simplified folding, which (nearly always) map one character to
one, so each term character becomes the class of characters that fold to it (e → [eEéÉ…],
鲜 → [鲜鮮], ガ → ガ or ｶﾞ). Stemmers change only the end of a word, so words of stemmed
scripts are probed by their start. A probe finds candidates and never proves a match: the
snippet analyses the sentences around them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict

from search.analysis.normalize import fold_accents
from search.analysis.scripts import ARABIC, CYRILLIC, GREEK, LATIN, script_of
from search.analysis.simplify import table as simplify_table

_STEMMED = frozenset((LATIN, GREEK, CYRILLIC))
_HALF_WIDTH_KANA = range(0xFF66, 0xFF9E)
_HALF_WIDTH_VOICING = ("\uff9e", "\uff9f")  # ﾞ ﾟ: ｶﾞ is NFKC ガ


@functools.lru_cache(maxsize=4096)
def probe(term: str) -> re.Pattern | None:
    """A pattern that matches wherever `term` may have come from, or None when its spelling
    cannot be predicted from the term (Arabic stems are roots: كتب in المكتبات)."""
    script = script_of(term)
    if script == ARABIC:
        return None
    if script in _STEMMED:
        term = _stem_start(term)
    return re.compile("".join(_spellings_of(char) for char in term))


def _stem_start(stem: str) -> str:
    """The start of a stem that the words it came from begin with.

    The last letter may differ (porter2: happily → happili); German stems spell ß as ss
    (straße → strass), so a stem is cut before "ss".
    """
    cut = stem.find("ss")
    if cut >= 2:
        stem = stem[:cut]
    return stem if len(stem) <= 3 else stem[:-1]


def _spellings_of(char: str) -> str:
    spellings = _spellings().get(char)
    if not spellings:
        return re.escape(char)
    singles = [char, *sorted(s for s in spellings if len(s) == 1)]
    sequences = [re.escape(s) for s in sorted(spellings) if len(s) > 1]
    one = "[" + "".join(map(re.escape, singles)) + "]"
    return "(?:" + "|".join([one, *sequences]) + ")" if sequences else one


@functools.cache
def _spellings() -> dict[str, frozenset[str]]:
    """{folded character: the other characters (or sequences) that fold to it}; ~50 ms once."""
    simplified = simplify_table()
    spellings: dict[str, set[str]] = defaultdict(set)
    codes = [*range(0xD800), *range(0xE000, 0x10000), *(c for c in simplified if c > 0xFFFF)]
    for code in codes:
        char = chr(code)
        folded = _fold(char, simplified)
        if folded != char and len(folded) == 1:
            spellings[folded].add(char)
    for kana in map(chr, _HALF_WIDTH_KANA):
        for mark in _HALF_WIDTH_VOICING:
            folded = unicodedata.normalize("NFKC", kana + mark)
            if len(folded) == 1:
                spellings[folded].add(kana + mark)
    return {char: frozenset(forms) for char, forms in spellings.items()}


def _fold(text: str, simplified: dict[int, str]) -> str:
    """What analysis makes of a character, stemming and segmentation aside."""
    return fold_accents(unicodedata.normalize("NFKC", text).lower()).translate(simplified)
