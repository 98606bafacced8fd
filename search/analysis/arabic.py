"""Arabic-script words → one spelling, as Lucene's ArabicNormalizationFilter (after Larkey).

Writers vary where meaning does not: hamza on or under alef (أ إ آ ٱ → ا), alef maksura for
final yeh (ى → ي), Persian and Urdu letter forms (ی ے → ي, ک → ك), the tatweel that stretches
a word (ـ) and the short-vowel diacritics (harakat, shadda, sukun, superscript alef) that
most text leaves out. (Eastern Arabic digits start words of digits, which folding makes
ASCII: see normalize.py.) Every mapping is one character to one or to none. Unlike Lucene,
teh marbuta (ة) is kept: the ISRI stemmer reads it as the feminine ending it strips
(مكتبة → كتب), while after ة → ه it strips ه as a pronoun and keeps the wrong root (كبه).
"""

from __future__ import annotations

_TABLE: dict[int, str | None] = {
    **dict.fromkeys(map(ord, "أإآٱ"), "ا"),
    ord("ى"): "ي",
    ord("ی"): "ي",  # Farsi yeh
    ord("ے"): "ي",  # Urdu yeh barree
    ord("ک"): "ك",  # keheh
    ord("ـ"): None,  # tatweel
    **dict.fromkeys(range(0x064B, 0x0653), None),  # fathatan … sukun, maddah above
    0x0670: None,  # superscript alef
}


def normalize(word: str) -> str:
    """الْكِتَابُ → الكتاب, إسلام → اسلام, مكتبـــة → مكتبة; "" for marks only."""
    return word.translate(_TABLE)
