"""The stemming function for a language, from whoosh.lang, with Whoosh's Arabic stemmer fixed,
and from the Snowball project's own Python stemmers for Greek, Hindi and Turkish.

`whoosh.lang.stemmer_for_language` gives the snowball stemmers (English is porter2: running →
run, unlike `whoosh.lang.porter`) and the ISRI Arabic stemmer. Whoosh 2.7.4's ISRI stemmer
raises re.error on every word under Python 3.7+ (it passes r"\\u0627" as an re.sub
replacement, a "bad escape"), and keeps its work in instance attributes, so it is repaired
here and guarded by a lock. Whoosh has no Greek, Hindi or Turkish stemmer; `snowballstemmer`
has, and runs PyStemmer's C build of the same algorithms when it is installed (~4 µs a word
against ~200 µs in pure Python for Turkish and Greek). Both keep state in the stemmer object,
so they get a lock as well.
Each stemmer applies to the words of its language's script only (`script_of_stemmer`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from whoosh.lang import has_stemmer, stemmer_for_language
from whoosh.lang.isri import ISRIStemmer

from search.analysis.scripts import ARABIC, CYRILLIC, DEVANAGARI, GREEK, LATIN

# Languages whose stemmer comes from snowballstemmer, not Whoosh.
_SNOWBALL = {"el": "greek", "hi": "hindi", "tr": "turkish"}
_SCRIPTS = {"ar": ARABIC, "el": GREEK, "hi": DEVANAGARI, "ru": CYRILLIC}


class _RepairedISRIStemmer(ISRIStemmer):
    def norm(self, num: int) -> str:
        if num in (1, 3):  # strip short vowels (diacritics)
            self.stm = self.re_short_vowels.sub("", self.stm)
        if num in (2, 3):  # initial hamza → bare alif
            self.stm = self.re_intial_hamza.sub("\u0627", self.stm)
        return self.stm


class ArabicStemmer:
    """ISRI root-based stemmer, safe to share between threads."""

    def __init__(self) -> None:
        self._isri = _RepairedISRIStemmer()
        self._lock = threading.Lock()

    def stem(self, word: str) -> str:
        with self._lock:
            return self._isri.stem(word)


class SnowballStemmer:
    """A stemmer from the snowballstemmer package, safe to share between threads."""

    def __init__(self, algorithm: str) -> None:
        import snowballstemmer

        self._stemmer = snowballstemmer.stemmer(algorithm)
        self._lock = threading.Lock()

    def stem(self, word: str) -> str:
        with self._lock:
            return self._stemmer.stemWord(word)


def script_of_stemmer(lang: str) -> str:
    """The script whose words a language's stemmer is for (Latin unless named here)."""
    return _SCRIPTS.get(lang, LATIN)


def stemmer_for(lang: str) -> Callable[[str], str] | None:
    """The stem function for a two-letter language code, or None if there is none."""
    if lang == "ar":
        return ArabicStemmer().stem
    if lang in _SNOWBALL:
        return SnowballStemmer(_SNOWBALL[lang]).stem
    if has_stemmer(lang):
        return stemmer_for_language(lang)
    return None
