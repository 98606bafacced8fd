"""Whoosh filters that look at each token's script before changing it.

The tokenizer sets `token.script`; a filter changes only the scripts it is meant for, so a
Devanagari vowel sign is never stripped as an accent and a Han word never meets a stemmer.
Each filter does one thing and is picklable (Whoosh pickles the schema, analyzers included,
into the index).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator

from whoosh.analysis import Filter, Token

from search.analysis import apostrophes, arabic, devanagari, turkish
from search.analysis.normalize import fold_accents
from search.analysis.scripts import ARABIC, CYRILLIC, DEVANAGARI, GREEK, LATIN
from search.analysis.stemming import script_of_stemmer, stemmer_for

_FOLDED = frozenset((LATIN, GREEK, CYRILLIC))
_NORMALIZERS = {ARABIC: arabic.normalize, DEVANAGARI: devanagari.normalize}


class ApostropheFilter(Filter):
    """Unify ’ and ' in Latin words, then apply a language's rule from `apostrophes.RULES`."""

    def __init__(self, rule: str = "possessive"):
        if rule not in apostrophes.RULES:
            raise ValueError(f"unknown apostrophe rule {rule!r}")
        self.rule = rule

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        strip = apostrophes.RULES[self.rule]
        for t in tokens:
            if t.script == LATIN and ("'" in t.text or "’" in t.text):
                t.text = strip(apostrophes.unify(t.text))
            yield t


class TurkishLowercaseFilter(Filter):
    """Lowercase Latin words the Turkish way (I → ı, İ → i); put before LowercaseFilter."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.script == LATIN and not t.text.islower():
                t.text = turkish.lower(t.text)
            yield t


class ScriptNormalizeFilter(Filter):
    """One spelling per word where a script has several: Arabic (hamza forms, harakat,
    tatweel, …) and Devanagari (nukta, candrabindu, …), in every family. A word left with no
    letters (only marks) is dropped."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            normalize = _NORMALIZERS.get(t.script)
            if normalize is not None:
                t.text = normalize(t.text)
                if not t.text:
                    continue
            yield t


class FoldFilter(Filter):
    """Strip accents from Latin, Greek and Cyrillic words (café → cafe), nothing else.

    With `keep_accented` (Vietnamese, where tone marks tell most syllables apart: ma, má,
    mà, mả, mã, mạ), an accented Latin word is indexed twice at its position, as written and
    folded, and a query word is searched as typed: typed with its marks it finds only that
    spelling, typed without them every spelling.
    """

    def __init__(self, keep_accented: bool = False):
        self.keep_accented = keep_accented

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        keep = getattr(self, "keep_accented", False)
        for t in tokens:
            if t.script in _FOLDED and not t.text.isascii():  # most words need no call
                if keep and t.script == LATIN:
                    if t.mode != "index":
                        yield t
                        continue
                    folded = fold_accents(t.text)
                    if folded != t.text:
                        yield t
                        t.text = folded
                else:
                    t.text = fold_accents(t.text)
            yield t


class ScriptStemFilter(Filter):
    """Stem the words of a language's script (`stemming.script_of_stemmer`) with its stemmer.

    Stems are cached (functools.lru_cache is thread-safe, unlike Whoosh's lfu_cache); the
    cache is rebuilt after unpickling. Skipped when Whoosh asks for `no_morph` (spelling).
    """

    is_morph = True

    def __init__(self, lang: str, cachesize: int = 50_000):
        self.lang = lang
        self.cachesize = cachesize
        stem = stemmer_for(lang)
        if stem is None:
            raise ValueError(f"no stemmer for {lang!r}")
        self._stem = functools.lru_cache(maxsize=cachesize)(_never_raising(stem))
        self._script = script_of_stemmer(lang)

    def __getstate__(self) -> dict:
        return {"lang": self.lang, "cachesize": self.cachesize}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["lang"], state["cachesize"])

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.lang == self.lang

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.lang!r})"

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        stem = self._stem
        script = self._script
        for t in tokens:
            if t.script == script:
                t.text = stem(t.text)
            yield t


def _never_raising(stem: Callable[[str], str]) -> Callable[[str], str]:
    """The stemmer, keeping the word as it is where the stemmer itself fails: Whoosh's
    Spanish snowball raises IndexError on "ague" (so on agüe, averigüe once folded), and
    one such word would otherwise abort a whole index build or a search."""

    def stem_or_keep(word: str) -> str:
        try:
            return stem(word)
        except Exception:
            return word

    return stem_or_keep
