"""Devanagari words → one spelling, a light form of Lucene's HindiNormalizer.

Hindi is written the same word several ways: with or without the nukta (ज़ / ज, क़ / क, the
precomposed letters being NFKC-decomposed before this), with candrabindu or anusvara for a
nasal vowel (हँस / हंस), with a nasal consonant and virama or anusvara before a consonant
(हिन्दी / हिंदी), and with zero-width joiners that only choose a glyph. Words keep their vowel
signs and length otherwise: long and short vowels tell words apart.
"""

from __future__ import annotations

import regex

_TABLE: dict[int, str | None] = {
    0x093C: None,  # nukta
    0x0901: "\u0902",  # candrabindu → anusvara
    0x200C: None,  # zero-width non-joiner
    0x200D: None,  # zero-width joiner
}
# A nasal consonant with virama before another consonant is written as anusvara just as well.
_NASAL_VIRAMA = regex.compile(r"[\u0919\u091E\u0923\u0928\u092E]\u094D(?=[\u0915-\u0939])")


def normalize(word: str) -> str:
    """हिन्दी → हिंदी, ज़िंदगी → जिंदगी, हँसना → हंसना."""
    word = word.translate(_TABLE)
    if "\u094d" in word:
        word = _NASAL_VIRAMA.sub("\u0902", word)
    return word
