"""Snippets: the sentences of a body that hold the query's terms, with the terms in <mark>.

- Matches: the text is re-analysed in index mode with the analyzer of the body field that
  matched, and a token is marked when its text is one of the query's terms for that field,
  at exactly its characters, so an inflected word, a Traditional spelling or a word inside a
  longer Chinese word (农业 in 中国农业发展银行) is marked where it stands. Tokens that
  overlap or touch (the bigrams 東京 and 京都, a word and its sub-word) become one mark.
- Fragments: whole sentences (`analysis.sentences`); one longer than the room left is cut
  around its matches, at a space where there is one. At most 3 fragments and 240 characters
  in all, chosen best first (most terms not shown yet, then most terms, then most matches,
  then earliest; a sentence repeated word for word only once) and shown in document order,
  " … " wherever text is left out. Room left over goes to the sentences after a fragment,
  then to those before it (up to a third of the room). With no match: the opening.
- Cost: only sentences around candidate places are analysed. Candidates come from one
  regular expression per term over the raw text (`analysis.probes`, ~8 ms per term on
  1 MB), so a long page costs little more than a short one.
- Output: HTML with everything but the marks escaped, the plain text, and the marks' offsets
  in code points, in that text and in the body.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh.analysis import Analyzer

from search.analysis import sentences
from search.analysis.probes import probe

SNIPPET_CHARS = 240
MAX_FRAGMENTS = 3
MIN_FRAGMENT_CHARS = 60  # with less room left, no further fragment is added
SENTENCE_REACH = 240  # how far from a match its sentence's ends are looked for
MAX_HITS_PER_TERM = 64  # candidate places per term, in document order
MAX_WINDOWS = 8  # candidate sentences analysed, those with the most distinct terms first
FALLBACK_CHARS = 4_000  # analysed from the start for a term that has no probe
ELLIPSIS = "…"

Span = tuple[int, int]
_SPACES = re.compile(r"\s+")
_VISIBLE = re.compile(r"\S")


@dataclass(frozen=True)
class Snippet:
    html: str  # matches in <mark>, everything else escaped
    text: str  # the same snippet as plain text
    offsets: tuple[Span, ...]  # the marks, as code point offsets into `text`
    body_offsets: tuple[Span, ...]  # the same marks, as offsets into the body


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: str


@dataclass(frozen=True)
class _Fragment:
    start: int
    end: int
    matches: tuple[_Match, ...] = ()

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(m.term for m in self.matches)

    def __len__(self) -> int:
        return self.end - self.start


def snippet(text: str, terms: set[str], analyzer: Analyzer) -> str:
    """The HTML of `make_snippet`, for callers that still expect a string."""
    return make_snippet(text, terms, analyzer).html


def make_snippet(text: str, terms: set[str], analyzer: Analyzer) -> Snippet:
    """The snippet of a body for a query's terms, as analysed for the body's field."""
    terms = frozenset(terms)
    fragments = _choose(text, _matched_sentences(text, terms, analyzer))
    if not fragments:
        fragments = _opening(text)
    fragments = _fill(text, fragments)
    return _render(text, _merge_fragments(text, fragments), terms, analyzer)


# --- Where the terms are -------------------------------------------------------------------


def _matched_sentences(text: str, terms: frozenset[str], analyzer: Analyzer) -> list[_Fragment]:
    """The sentences that hold a match, each with its matches."""
    windows = _candidate_windows(text, terms)
    matches = {m for window in windows for m in _matches(text, window, terms, analyzer)}
    found: list[_Fragment] = []
    for match in sorted(matches, key=lambda m: (m.start, m.end)):
        if found and match.end <= found[-1].end and match.start >= found[-1].start:
            last = found[-1]
            found[-1] = _Fragment(last.start, last.end, (*last.matches, match))
        else:
            start, end = sentences.around(text, match.start, match.end, SENTENCE_REACH)
            found.append(_Fragment(min(start, match.start), max(end, match.end), (match,)))
    return found


def _candidate_windows(text: str, terms: frozenset[str]) -> list[Span]:
    """Sentences around the places where the terms' probes match, best few first."""
    found: dict[Span, set[str]] = {}
    unpredictable = False
    for term in sorted(terms):
        pattern = probe(term)
        if pattern is None:
            unpredictable = True
            continue
        for hit in itertools.islice(pattern.finditer(text), MAX_HITS_PER_TERM):
            window = sentences.around(text, hit.start(), hit.end(), SENTENCE_REACH)
            found.setdefault(window, set()).add(term)
    windows = sorted(found, key=lambda w: (-len(found[w]), w[0]))[:MAX_WINDOWS]
    if unpredictable:  # an Arabic root: read the opening
        windows.append((0, min(len(text), FALLBACK_CHARS)))
    return windows


def _matches(
    text: str, window: Span, terms: frozenset[str], analyzer: Analyzer
) -> Iterable[_Match]:
    start, end = window
    for token in analyzer(text[start:end], chars=True, mode="index", start_char=start):
        if token.text in terms:
            yield _Match(token.startchar, token.endchar, token.text)


# --- Which sentences to show ---------------------------------------------------------------


def _choose(text: str, candidates: list[_Fragment]) -> list[_Fragment]:
    """Up to MAX_FRAGMENTS fragments within SNIPPET_CHARS, best first; a sentence repeated
    word for word (page templates) is shown once."""
    chosen: list[_Fragment] = []
    shown_terms: set[str] = set()
    shown_texts: set[str] = set()
    room = SNIPPET_CHARS
    pool = list(candidates)
    while pool and len(chosen) < MAX_FRAGMENTS and (not chosen or room >= MIN_FRAGMENT_CHARS):
        best = min(
            pool,
            key=lambda f: (-len(f.terms - shown_terms), -len(f.terms), -len(f.matches), f.start),
        )
        pool.remove(best)
        if text[best.start : best.end] in shown_texts:
            continue
        shown_texts.add(text[best.start : best.end])
        fragment = _trim(text, best, room)
        chosen.append(fragment)
        shown_terms |= fragment.terms
        room -= len(fragment)
    return chosen


def _trim(text: str, fragment: _Fragment, room: int) -> _Fragment:
    """The fragment cut to `room` characters around its first match, at spaces if near."""
    if len(fragment) <= room:
        return fragment
    first = fragment.matches[0] if fragment.matches else _Match(fragment.start, fragment.start, "")
    start = max(fragment.start, first.start - room // 3)
    end = min(fragment.end, start + room)
    start = max(fragment.start, end - room)
    if start > fragment.start:
        space = text.find(" ", start, min(first.start, start + room // 6))
        start = space + 1 if space >= 0 else start
    if end < fragment.end:
        space = text.rfind(" ", max(first.end, end - room // 6), end)
        end = space if space > start else end
    for match in fragment.matches:  # never cut a match in two
        if match.start < end < match.end:
            end = match.start
    kept = tuple(m for m in fragment.matches if start <= m.start and m.end <= end)
    return _Fragment(start, end, kept)


def _opening(text: str) -> list[_Fragment]:
    bounds = sentences.after(text, 0, SENTENCE_REACH)
    if bounds is None:
        return []
    return [_trim(text, _Fragment(*bounds), SNIPPET_CHARS)]


def _fill(text: str, fragments: list[_Fragment]) -> list[_Fragment]:
    """Extend fragments with the whole sentences after them while there is room, then with
    those before them up to a third of the snippet (more would bury the match at its end)."""
    room = SNIPPET_CHARS - sum(len(f) for f in fragments)
    filled = []
    for fragment in fragments:
        start, end = fragment.start, fragment.end
        while (bounds := sentences.after(text, end, SENTENCE_REACH)) and bounds[1] - end <= room:
            room -= bounds[1] - end
            end = bounds[1]
        before = min(room, SNIPPET_CHARS // 3)
        while (bounds := sentences.before(text, start, SENTENCE_REACH)) and (
            fragment.start - bounds[0] <= before
        ):
            room -= start - bounds[0]
            start = bounds[0]
        filled.append(_Fragment(start, end, fragment.matches))
    return filled


def _merge_fragments(text: str, fragments: list[_Fragment]) -> list[_Fragment]:
    """In document order, fragments with nothing but spaces between them joined into one."""
    merged: list[_Fragment] = []
    for fragment in sorted(fragments, key=lambda f: f.start):
        if merged and not _omits(text, merged[-1].end, fragment.start):
            last = merged[-1]
            merged[-1] = _Fragment(last.start, max(last.end, fragment.end))
        else:
            merged.append(fragment)
    return merged


# --- HTML and offsets ----------------------------------------------------------------------


def _render(
    text: str, fragments: list[_Fragment], terms: frozenset[str], analyzer: Analyzer
) -> Snippet:
    """Each fragment re-analysed for its marks (so every shown match is marked), then joined.

    Runs of spaces and line breaks show as one space; offsets count what is shown.
    """
    plain: list[str] = []
    marked: list[str] = []
    offsets: list[Span] = []
    body_offsets: list[Span] = []
    length = 0

    def add(piece: str, mark: bool = False) -> Span:
        nonlocal length
        piece = _SPACES.sub(" ", piece)
        plain.append(piece)
        marked.append(f"<mark>{html.escape(piece)}</mark>" if mark else html.escape(piece))
        length += len(piece)
        return length - len(piece), length

    for i, fragment in enumerate(fragments):
        if i:
            add(f" {ELLIPSIS} ")
        elif _omits(text, 0, fragment.start):
            add(f"{ELLIPSIS} ")
        cursor = fragment.start
        for start, end in _marks(text, fragment, terms, analyzer):
            add(text[cursor:start])
            offsets.append(add(text[start:end], mark=True))
            body_offsets.append((start, end))
            cursor = end
        add(text[cursor : fragment.end])
    if fragments and _omits(text, fragments[-1].end, len(text)):
        add(f" {ELLIPSIS}")
    return Snippet("".join(marked), "".join(plain), tuple(offsets), tuple(body_offsets))


def _omits(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], left out of the snippet, has anything but spaces."""
    return start < end and _VISIBLE.search(text, start, end) is not None


def _marks(text: str, fragment: _Fragment, terms: frozenset[str], analyzer: Analyzer) -> list[Span]:
    """The fragment's matches as spans, overlapping or touching ones merged into one."""
    if not terms:
        return []
    window = (fragment.start, fragment.end)
    spans = sorted((m.start, m.end) for m in _matches(text, window, terms, analyzer))
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
