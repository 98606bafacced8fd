"""Snippets: the best passages of a stored text with the matched words in <mark>.

The text is re-analysed with the analyzer of the field that matched, so a stemmed
English word or a jieba-segmented Chinese word is marked exactly where it stands in
the original characters. Whoosh's HtmlFormatter escapes everything it does not mark.
"""

from __future__ import annotations

from html import escape

from whoosh.analysis import Analyzer
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

SNIPPET_CHARS = 240


def snippet(text: str, terms: set[str], analyzer: Analyzer) -> str:
    """HTML for the passages of `text` around `terms`, or its opening when none match."""
    if terms:
        fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        # A formatter per call: HtmlFormatter numbers terms in state it keeps across calls.
        formatter = HtmlFormatter(tagname="mark", between=" … ")
        marked = highlight(text, frozenset(terms), analyzer, fragmenter, formatter, top=2)
        if marked:
            return marked
    opening = text[:SNIPPET_CHARS]
    return escape(opening) + (" …" if len(text) > SNIPPET_CHARS else "")
