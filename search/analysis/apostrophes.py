"""What an apostrophe inside a Latin word means, per language.

The tokenizer keeps "Japan’s", "l'état" and "İstanbul'da" whole; here they lose the part that
would stop them matching the bare word. English possessives would also go in the English
stemmer, but families without a stemmer (an English brand name in a Chinese page) need it too.
"""

from __future__ import annotations

from collections.abc import Callable

# Elided articles and prepositions, as in Lucene's French and Italian analyzers.
_FRENCH_ELISIONS = frozenset(
    {"l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"}
)
_ITALIAN_ELISIONS = frozenset(
    {
        "c",
        "l",
        "all",
        "dall",
        "dell",
        "nell",
        "sull",
        "coll",
        "pell",
        "gl",
        "agl",
        "dagl",
        "degl",
        "negl",
        "sugl",
        "un",
        "m",
        "t",
        "s",
        "v",
        "d",
    }
)


def unify(word: str) -> str:
    """One spelling of the apostrophe: ’ (U+2019, what word processors type) becomes '."""
    return word.replace("’", "'")


def strip_possessive(word: str) -> str:
    """japan's → japan, auto's → auto (Dutch plural); don't stays don't."""
    return word[:-2] if word.endswith("'s") else word


def strip_french_elision(word: str) -> str:
    """l'état → état, qu'il → il."""
    return _strip_elision(word, _FRENCH_ELISIONS)


def strip_italian_elision(word: str) -> str:
    """dell'anno → anno, l'uomo → uomo."""
    return _strip_elision(word, _ITALIAN_ELISIONS)


def strip_turkish_suffix(word: str) -> str:
    """istanbul'da → istanbul: Turkish puts the case suffix of a proper noun after '."""
    return word.partition("'")[0]


def _strip_elision(word: str, elisions: frozenset[str]) -> str:
    head, _, rest = word.partition("'")
    return rest if rest and head in elisions else word


RULES: dict[str, Callable[[str], str]] = {
    "possessive": strip_possessive,
    "french": strip_french_elision,
    "italian": strip_italian_elision,
    "turkish": strip_turkish_suffix,
}
