"""Turkish lowercasing: dotted and dotless i are two letters (I → ı, İ → i).

Python's str.lower maps I to i and İ to i followed by a combining dot; Turkish text needs
I → ı so that the Turkish stemmer reads ISTANBUL'DA's suffixes as Turkish. Used only in the
Turkish family; folding then maps ı to i everywhere, so a query typed on a keyboard without
Turkish letters (Istanbul, istanbul) still meets İstanbul.
"""

from __future__ import annotations

_UPPER_I = str.maketrans({"I": "ı", "İ": "i"})


def lower(word: str) -> str:
    """İSTANBUL → istanbul, ILIK → ılık, Ankara → ankara."""
    return word.translate(_UPPER_I).lower()
