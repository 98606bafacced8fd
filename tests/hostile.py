"""Hypothesis strategies for what people (and scripts) type into a search box and its
parameters: the corpus's own words mixed with operators, fields known and unknown,
unbalanced quotes and parentheses, wildcards, control characters and text from every
Unicode plane (lone surrogates, private use, astral, combining marks, RTL controls).

Shared by tests/search/test_fuzz.py (the engine) and tests/web/test_fuzz_api.py (HTTP).
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

from search.cursor import MAX_WINDOW
from search.results import MAX_PER_PAGE, SORTS
from tests.web.corpus import SENTENCES, SOURCES

# Reproducible in CI: the same examples on every run, nothing stored between runs, and
# our own time bound instead of Hypothesis's per-example deadline (the machine is shared).
FUZZ = settings(derandomize=True, database=None, deadline=None, print_blob=True)

# Words the rich test corpus has, so that fuzzed queries find pages and reach the
# matching, relaxation, highlighting and paging code, not only the parser.
CORPUS_WORDS = sorted(
    {w.strip(".,;:!?'’") for s in SENTENCES["en"] + SENTENCES["de"] for w in s.split()}
    | {s[i : i + 2] for lang in ("zh", "ja") for s in SENTENCES[lang] for i in (0, 2, 4)}
)
OPERATORS = [
    "OR", "AND", "NOT", "-", "--", "(", ")", "((", "))", "（", "）", '"', "“", "”", "「", "」",
    "『", "』", "*", "**", "?", "~", "~1", "~2", "~9", "~99", ":", "::", "title:", "source:",
    "lang:", "year:", "site:", "in:", "in:chrome", "in:body", "TITLE:", "foo:", "body:",
    "http://", "https://example.org/a?b=c", "\\", "/", "&", "|", "+", "^2", "[", "]", "{", "}",
]  # fmt: skip
SPECIAL = [
    "\x00", "\x01", "\x1b[31m", "\x7f", "\t", "\n", "\r\n", "\u0085", "\u2028", "\u2029",
    "\ufeff", "\u200b", "\u200d", "\u202e", "\u2066", "\u0301\u0301\u0301", "e\u0301",
    "\ud800", "\udfff", "\ue000", "\U000f0000", "\U0010ffff", "\U0001f600", "\U0001f1fa\U0001f1f8",
    "\U00020000", "𠀀𪛖", "ﷺ", "שלום", "مرحبا", "ภาษาไทย", "Ⅻ", "²", "٣", "①", "ＡＢＣ", "ｶﾀｶﾅ",
    "İ", "ß", "ﬃ", "\uffff", "\ufffd",
]  # fmt: skip

any_char = st.characters(exclude_categories=())  # every plane, surrogates included
piece = st.one_of(
    st.sampled_from(CORPUS_WORDS),
    st.sampled_from(OPERATORS),
    st.sampled_from(SPECIAL),
    st.text(any_char, min_size=1, max_size=6),
    st.builds(lambda w, op: w + op, st.sampled_from(CORPUS_WORDS), st.sampled_from(OPERATORS)),
    st.builds(lambda op, w: op + w, st.sampled_from(OPERATORS), st.sampled_from(CORPUS_WORDS)),
)
separator = st.sampled_from([" ", " ", " ", "", "  ", "\t", "\n", "\u3000", "\xa0"])


@st.composite
def queries(draw) -> str:
    """A query: pieces joined by spaces (or by nothing, or odd spaces), or raw text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(any_char, max_size=40))
    parts = draw(st.lists(st.tuples(piece, separator), max_size=14))
    return "".join(p + s for p, s in parts)


LANGS = ["en", "de", "fr", "es", "zh", "ja", "und", "xx", "EN", ""]
YEARS = [str(y) for y in range(2014, 2026)]
dates = st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10)


@st.composite
def search_kwargs(draw) -> dict:
    """Valid SearchRequest arguments other than `q`, filters that exist mixed with
    ones that do not."""
    low, high = draw(st.one_of(st.none(), dates)), draw(st.one_of(st.none(), dates))
    if low and high and low > high:
        low, high = high, low
    text = st.text(any_char, min_size=1, max_size=12)
    per_page = draw(st.integers(1, MAX_PER_PAGE))
    last = MAX_WINDOW // per_page  # deeper pages go by cursor
    return {
        "lang": tuple(draw(st.lists(st.one_of(st.sampled_from(LANGS), text), max_size=3))),
        "source": tuple(draw(st.lists(st.one_of(st.sampled_from(SOURCES), text), max_size=3))),
        "year": tuple(draw(st.lists(st.sampled_from(YEARS), max_size=3))),
        "date_from": low,
        "date_to": high,
        "sort": draw(st.sampled_from(SORTS)),
        "page": draw(st.one_of(st.integers(1, 3), st.integers(1, last))),
        "per_page": per_page,
        "collapse": draw(st.booleans()),
    }


# Queries that once broke or stalled a search, and the sizes the issue names. Each is a
# Hypothesis @example of the fuzz tests, so it runs every time.
TEN_THOUSAND_TERMS = " ".join(CORPUS_WORDS[i % len(CORPUS_WORDS)] for i in range(10_000))
ONE_MEGABYTE = ("velmora river " * 80_000)[: 2**20]
HOSTILE = [
    TEN_THOUSAND_TERMS,
    ONE_MEGABYTE,
    "x" * 2**20,  # one word, no space to cut at
    "-" * 1000 + "velmora",  # RecursionError: one parser frame per minus
    "(" * 5000 + "velmora" + ")" * 5000,
    "a:" * 1000 + "velmora",  # RecursionError: one parser frame per field prefix
    "NOT " * 500 + "velmora",
    "ภาษาไทย" * 200,  # one 1,400-letter word: did-you-mean ran for minutes
    " ".join(f"riv{c}*" for c in "abcdefghijklmnopqrstuvwxyz"),  # 26 prefixes
    " ".join(f"velmor{c}~" for c in "abcdefghijklmnopqrstuvwxyz"),  # 26 fuzzy words
    " OR ".join(["velmora"] * 3000),
    '"' + " ".join(["the"] * 600),  # an unclosed phrase of stop words
    "".join(chr(plane * 0x10000 + 0x41) for plane in range(17)),
    "\ud800velmora\udfff",
    "*",
    "?",
    "~",
    '"',
    "((",
    "))",
    "foo:bar",
]
