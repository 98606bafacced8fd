"""One Whoosh analyzer per language family; the body and title go into `body_<family>`.

A family is a language with a Whoosh stemmer or stop list, Greek or Hindi (stemmed by
snowballstemmer), Vietnamese (accents kept beside the folded form), or zh, ja, ko, or other.
Every analyzer reads the same way, and stop words are never removed (phrases such as "in the"
must match; see stopwords.py for what queries do with them):

    ScriptTokenizer | LowercaseFilter | ApostropheFilter | ScriptNormalizeFilter
        | FoldFilter | ScriptStemFilter

Han text is folded to Simplified and segmented by jieba in every family but ja, which
bigrams it, unfolded, with the Kana around it; Kana and Hangul are always bigrammed; Thai is
segmented by newmm and Lao, Khmer and Myanmar bigrammed in every family. Arabic and
Devanagari words are normalised in every family. Accents are folded before stemming, so that
"cafe" typed without an accent meets "café" in the index. Turkish is the exception: it is
lowercased the Turkish way (I → ı) and stemmed before folding, since its suffixes are told
apart by ı and ş; folding then maps ı to i, so Istanbul, istanbul and İstanbul meet.
"""

from __future__ import annotations

import functools

from whoosh.analysis import Analyzer, LowercaseFilter
from whoosh.lang import languages, two_letter_code

from search.analysis.filters import (
    ApostropheFilter,
    FoldFilter,
    ScriptNormalizeFilter,
    ScriptStemFilter,
    TurkishLowercaseFilter,
)
from search.analysis.scripts import ARABIC, CYRILLIC, DEVANAGARI, GREEK, HAN, LATIN
from search.analysis.stemming import stemmer_for
from search.analysis.tokenizer import ScriptTokenizer

# The languages with a Whoosh stemmer or stop list, those with a snowballstemmer stemmer,
# then those that need their own segmentation.
FAMILIES: tuple[str, ...] = (*languages, "el", "hi", "vi", "zh", "ja", "ko", "other")
# The script a family's own words are in, where it is not Latin.
_FAMILY_SCRIPTS = {"ar": ARABIC, "el": GREEK, "hi": DEVANAGARI, "ru": CYRILLIC, "zh": HAN}

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
    analyzer = ScriptTokenizer(han_bigrams=family == "ja")
    if family == "tr":
        analyzer = analyzer | TurkishLowercaseFilter()
    analyzer = (
        analyzer
        | LowercaseFilter()
        | ApostropheFilter(_APOSTROPHE_RULES.get(family, "possessive"))
        | ScriptNormalizeFilter()
    )
    stems = stemmer_for(family) is not None
    if family == "tr":
        return analyzer | ScriptStemFilter(family) | FoldFilter()
    analyzer = analyzer | FoldFilter(keep_accented=family == "vi")
    return analyzer | ScriptStemFilter(family) if stems else analyzer


def script_of_family(family: str) -> str | None:
    """The script of a family's language (None for zh's neighbours ja, ko and for other)."""
    if family in ("ja", "ko", "other"):
        return None
    return _FAMILY_SCRIPTS.get(family, LATIN)
