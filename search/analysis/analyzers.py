"""One Whoosh analyzer per language family; the body and title go into `body_<family>`.

A family is a language with a Whoosh stemmer, or zh, ja, ko, or other. Every analyzer reads
the same way, and stop words are never removed (phrases such as "in the" must match):

    ScriptTokenizer | LowercaseFilter | ApostropheFilter | FoldFilter | ScriptStemFilter

Han text is folded to Simplified and segmented by jieba in every family but ja, which
bigrams it, unfolded, with the Kana around it; Kana and Hangul are always bigrammed. Accents
are folded before stemming, so that "cafe" typed without an accent meets "café" in the index.
"""

from __future__ import annotations

import functools

from whoosh.analysis import Analyzer, LowercaseFilter
from whoosh.lang import languages, two_letter_code

from search.analysis.filters import ApostropheFilter, FoldFilter, ScriptStemFilter
from search.analysis.stemming import stemmer_for
from search.analysis.tokenizer import ScriptTokenizer

# The languages with a Whoosh stemmer or stop list, then those that need their own segmentation.
FAMILIES: tuple[str, ...] = (*languages, "zh", "ja", "ko", "other")

# Codes that two_letter_code does not know: Norwegian Bokmål and Nynorsk, ISO 639-2/3 codes
# of the CJK languages, Cantonese.
_ALIASES = {
    "nb": "no",
    "nn": "no",
    "zho": "zh",
    "chi": "zh",
    "cmn": "zh",
    "yue": "zh",
    "jpn": "ja",
    "kor": "ko",
}
_APOSTROPHE_RULES = {"fr": "french", "it": "italian", "tr": "turkish"}


def family_for(lang: str) -> str:
    """The family of a language tag: "en-GB" → "en", "zh-Hant" → "zh", "und" or "xx" → "other"."""
    code = lang.strip().lower().replace("_", "-").partition("-")[0]
    code = _ALIASES.get(code, code)
    code = two_letter_code(code) or code
    return code if code in FAMILIES else "other"


@functools.cache
def analyzer_for(family: str) -> Analyzer:
    """The analyzer for a family's fields (shared: Whoosh analyzers keep no per-call state)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown language family {family!r}; see FAMILIES")
    analyzer = (
        ScriptTokenizer(han_bigrams=family == "ja")
        | LowercaseFilter()
        | ApostropheFilter(_APOSTROPHE_RULES.get(family, "possessive"))
        | FoldFilter()
    )
    if stemmer_for(family) is not None:
        analyzer = analyzer | ScriptStemFilter(family)
    return analyzer
