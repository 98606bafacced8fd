"""Did you mean: a corrected query for one that finds (almost) nothing.

Per plain word of the query that itself has fewer than FEW_HITS documents, the nearest
word (1 edit for 3-5 letters, 2 from 6, as fuzzy queries) that would find more, then
the most frequent. The result is offered only when the corrected query as a whole
finds more than the query did.

Not Whoosh's `corrector`/`searcher.suggest` alone: the per-language fields hold stems,
so "abductoin" is three edits from the indexed `abduct` and never meets it there. Two
sources of candidates are merged instead:
- terms of the unstemmed fields (vi, zh, ja, ko, other) within the edit distance of the
  word as typed (lowercased and folded): a stemmed field's terms are stems, not words;
- every word one edit (Damerau: transpositions count as one) from the word as typed,
  kept when one of the fields' analyzers turns it into an indexed term, so the user is
  offered "abduction", a word, rather than the stem `abduct`.
A candidate's frequency is the number of documents its analysed form has, summed over
the text fields, which is what searching for it would find. Spellings that share a stem
tie on it ("governent" and "government" both find `govern`), so ties go to the spelling
that is more common in the family's language (wordfreq's small lists, a few MB).
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterable, Iterator

import wordfreq
from whoosh.analysis import Analyzer
from whoosh.reading import IndexReader
from whoosh.support.levenshtein import damerau_levenshtein

from search.deadline import NEVER, Deadline
from search.query import (
    DIRECTIVES,
    KEYWORD_FIELDS,
    Token,
    fuzzy_edits,
    has_cjk,
    terms_within,
    tokenize,
)
from search.schema import body_field, title_field

FEW_HITS = 3  # below this many hits, a query (and a word) is worth correcting
# Longer words are not corrected: a word's one-edit variants grow with its length times
# its alphabet, and each is analysed (a 1,400-letter Thai word took minutes); a typo in
# a word this long is rare.
MAX_WORD_CHARS = 32
_WORDFREQ_CODES = {"no": "nb"}  # family -> wordfreq's code where they differ
# wordfreq segments these with MeCab or jieba, optional packages it imports on first use
# (MeCab is not installed); corrections are spelled in alphabetic scripts anyway.
_NOT_IN_WORDFREQ = frozenset({"ja", "ko", "zh"})
_OPERATORS = ("AND", "OR", "NOT")


def suggest(
    text: str,
    reader: IndexReader,
    families: Iterable[str],
    total: int,
    count: Callable[[str], int],
    deadline: Deadline = NEVER,
) -> str | None:
    """The corrected query, or None. `total` is what `text` finds and `count(q)` what
    another query finds, both with the same filters. Words are corrected until the
    deadline passes; those left are kept as typed."""
    speller = _Speller(reader, families)
    corrections = {}
    corrected_words: dict[str, str | None] = {}  # a word repeated is corrected once
    for token in correctable_words(tokenize(text)):
        if token.text not in corrected_words:
            if deadline.expired():
                break
            corrected_words[token.text] = speller.correct(token.text)
        better = corrected_words[token.text]
        if better is not None:
            corrections[token] = better
    if not corrections:
        return None
    corrected = text
    for token in sorted(corrections, key=lambda t: t.start, reverse=True):
        corrected = corrected[: token.start] + corrections[token] + corrected[token.end :]
    return corrected if count(corrected) > total else None


def correctable_words(tokens: list[Token]) -> Iterator[Token]:
    """The plain words searched in text: not operators, negated words, keyword-field
    values (`source:x`, `lang:(a b)`), prefixes, fuzzy words, numbers or CJK words."""
    depth = 0  # parentheses open; those opened right after a keyword field are skipped
    skipped_from: int | None = None
    previous: Token | None = None
    for token in tokens:
        after_keyword = (
            previous is not None
            and previous.kind == "field"
            and previous.text[:-1].lower() in (*KEYWORD_FIELDS, *DIRECTIVES)
        )
        negated = previous is not None and (
            previous.kind == "minus" or (previous.kind == "word" and previous.text == "NOT")
        )
        if token.kind == "open":
            depth += 1
            if (after_keyword or negated) and skipped_from is None:
                skipped_from = depth
        elif token.kind == "close" and depth:
            if skipped_from == depth:
                skipped_from = None
            depth -= 1
        elif (
            token.kind == "word"
            and skipped_from is None
            and not after_keyword
            and not negated
            and token.text not in _OPERATORS
            and token.text.isalpha()
            and len(token.text) <= MAX_WORD_CHARS
            and not has_cjk(token.text)  # edit distance means little for ideographs
        ):
            yield token
        previous = token


class _Speller:
    def __init__(self, reader: IndexReader, families: Iterable[str]) -> None:
        self.reader = reader
        indexed = set(reader.indexed_field_names())
        # One analyzer per family, with the family's fields present in the index.
        self.fields: list[tuple[Analyzer, list[str]]] = []
        self.languages: list[str] = []  # the families' languages that wordfreq knows
        known = _wordfreq_languages()
        for family in families:
            names = [n for n in (body_field(family), title_field(family)) if n in indexed]
            if names:
                self.fields.append((reader.schema[names[0]].analyzer, names))
                code = _WORDFREQ_CODES.get(family, family)
                if code in known and code not in _NOT_IN_WORDFREQ:
                    self.languages.append(code)

    def correct(self, word: str) -> str | None:
        """The best correction of one word, or None when it has hits or nothing is near."""
        own = self.frequency(word)
        edits = fuzzy_edits(word)
        if own >= FEW_HITS or not edits:
            return None
        typed = word.lower()
        candidates: dict[str, int] = {}
        for analyzer, names in self.fields:
            # Only fields that keep words whole: a stemmed field's near terms are stems
            # ("autofilt" for "autopilot"), not words to offer; the one-edit spellings
            # below reach those fields. (Walking 46 fields' terms also took seconds.)
            if analyzer.has_morph():
                continue
            plain = _single(analyzer, word, no_morph=True)
            for name in names if plain else ():
                for term in terms_within(self.reader, name, plain, edits):
                    candidates[term] = damerau_levenshtein(plain, term)
        for candidate in _one_edit_away(typed):
            candidates.setdefault(candidate, 1)
        ranked = []
        for candidate, distance in candidates.items():
            if 0 < distance <= edits and (found := self.frequency(candidate)) > own:
                ranked.append((distance, -found, -self.commonness(candidate), candidate))
        return _same_case(min(ranked)[-1], word) if ranked else None

    def commonness(self, word: str) -> float:
        """How common the word is in the most fitting language (Zipf scale, 0 if unknown)."""
        return max(
            (wordfreq.zipf_frequency(word, code, "small") for code in self.languages), default=0.0
        )

    def frequency(self, word: str) -> int:
        """Documents that have the word, per text field, summed: what searching finds."""
        total = 0
        for analyzer, names in self.fields:
            term = _single(analyzer, word)
            if term:
                total += sum(self.reader.doc_frequency(name, term) for name in names)
        return total


@functools.cache
def _wordfreq_languages() -> frozenset[str]:
    return frozenset(wordfreq.available_languages("small"))


def _single(analyzer: Analyzer, word: str, **options: object) -> str | None:
    tokens = [t.text for t in analyzer(word, mode="query", **options)]
    return tokens[0] if len(tokens) == 1 else None


def _one_edit_away(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion from `word`
    (Norvig's edits1), over a-z and the word's own letters."""
    letters = set(string.ascii_lowercase) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return deletes | transposes | replaces | inserts


def _same_case(candidate: str, typed: str) -> str:
    if typed.isupper():
        return candidate.upper()
    if typed[:1].isupper():
        return candidate[:1].upper() + candidate[1:]
    return candidate
