"""Sentence bounds around a position, for cutting snippets.

A sentence ends at 。！？ (with any closing quote or bracket after them), at . ! ? followed
by a space, or at a line break. Sentences are found near a position, never for a whole
text, so that a snippet of a 1 MB page reads a few hundred characters around each match.
"""

from __future__ import annotations

import re

# Closing quotes and brackets that belong to the sentence their full stop ends.
_CLOSERS = "\"'”’」』）)】》〉\\]"
_END = re.compile(
    rf"[。！？｡]+[{_CLOSERS}]*"  # CJK full stops end a sentence wherever they stand
    rf"|[.!?]+[{_CLOSERS}]*(?=\s|\Z)"  # Latin ones only before a space: not 3.14, not e.g.x
    r"|\n"
)
_SPACE = re.compile(r"\s")
# How far from a sentence's edge to look for a space to cut at, when it has to be cut.
_SNAP = 24


def around(text: str, start: int, end: int, reach: int) -> tuple[int, int]:
    """The bounds of the sentence holding text[start:end], without the spaces around it.

    Looks at most `reach` characters before `start` and after `end`; a longer sentence is cut
    there, at a space when there is one nearby (a run of Chinese without full stops has none).
    """
    low = max(0, start - reach)
    first = low
    # endpos one past start, so that "\Z" cannot pass for the space a "." needs before start.
    for match in _END.finditer(text, low, min(len(text), start + 1)):
        if match.end() <= start:
            first = match.end()
    if first == low and low > 0:
        first = _after_space(text, low, min(start, low + _SNAP))
    high = min(len(text), end + reach)
    match = _END.search(text, end, high)
    if match:
        last = match.end()
    else:
        last = high if high == len(text) else _before_space(text, high, max(end, high - _SNAP))
    return _strip(text, first, last)


def after(text: str, position: int, reach: int) -> tuple[int, int] | None:
    """The bounds of the sentence that starts at or after `position`, or None at the end."""
    while position < len(text) and text[position].isspace():
        position += 1
    if position == len(text):
        return None
    return around(text, position, position, reach)


def before(text: str, position: int, reach: int) -> tuple[int, int] | None:
    """The bounds of the sentence that ends before `position`, or None at the start."""
    while position > 0 and text[position - 1].isspace():
        position -= 1
    if position == 0:
        return None
    return around(text, position - 1, position - 1, reach)


def _after_space(text: str, low: int, high: int) -> int:
    match = _SPACE.search(text, low, high)
    return match.end() if match else low


def _before_space(text: str, high: int, low: int) -> int:
    cut = max(text.rfind(" ", low, high), text.rfind("\n", low, high))
    return cut if cut > low else high


def _strip(text: str, first: int, last: int) -> tuple[int, int]:
    while first < last and text[first].isspace():
        first += 1
    while last > first and text[last - 1].isspace():
        last -= 1
    return first, last
