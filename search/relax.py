"""Relaxed matching: all of a query's words first, then fewer, rare words counting most.

People type questions ("How many points did the defense allow?", "黑豹队的防守丢了多少分？"):
the answer never holds every word of the question. So, as Elasticsearch's
`minimum_should_match` or Meilisearch's matching strategies do, a query's plain words are
matched in steps:

1. all: every content word must match; stop words (stopwords.py) are optional and only
   add to the score. A query of stop words only needs all of them.
2. relaxed, when step 1 finds fewer than ENOUGH pages (after filters): a page must match
   content terms whose weights add up to a share of the query's (RELAXED_SHARES), and at
   the last step any content term. A term's weight is its inverse document frequency in
   the field, so a page with most of the query's rare words passes where one with a single
   common word does not; within a step, pages are ranked by BM25 over every term matched.

Only plain words relax, term by term (a Chinese or Thai question is one "word" of many
terms): phrases, negated words, OR groups, `field:` words, prefixes and fuzzy words keep
their strict meaning in every step. Terms are weighed and counted per language family: a
page is in one family's fields, and each family's analyzer reads the query its own way.

Whoosh's `Or(..., minmatch=N)` is accepted but not implemented (TRAPS.md), hence
`MinimumMatch`: per index segment it reads the postings of each term, adds up weights and
scores per document, and keeps the documents that reach the minimum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.reading import IndexReader

from search.schema import TITLE_BOOST

ENOUGH = 3  # pages (after filters) below which a query is relaxed, as few as did-you-mean
# Shares of a family's content-term weight a page must match, step by step; the last step
# (0) takes any page with one content term.
RELAXED_SHARES = (0.5, 0.0)
TIER = 1000.0  # a stricter step's scores over a looser one's (BM25 scores stay far below)
# Of a term's score in its other field (title or body), the share added to its best one.
TIEBREAK = 0.1
_EPSILON = 1e-9


@dataclass(frozen=True)
class Term:
    """One term of a plain query word, as one family's analyzer reads it."""

    text: str
    stop: bool
    pieces: tuple[str, ...] = ()  # words that also spell it (a Thai compound)


@dataclass(frozen=True)
class PlainWord:
    """A plain query word in one family: the strict query for it there, and its terms."""

    query: wq.Query
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Family:
    """A family's title and body fields, and the query's plain words as read there."""

    title: str
    body: str
    words: tuple[PlainWord, ...]

    def terms(self) -> list[Term]:
        """Each distinct term once."""
        return list({t.text: t for w in reversed(self.words) for t in w.terms}.values())

    def strict_term_query(self, term: Term) -> wq.Query:
        """The term in the title or the body, scored as the strict query scores words."""
        return wq.Or([wq.Term(self.title, term.text), wq.Term(self.body, term.text)])

    def term_query(self, reader: IndexReader, term: Term) -> wq.Query:
        """The term in the title or the body, whichever scores better (a compound: also all
        its pieces), scored by BM25 with BM25's own IDF (see `idf_boost`) and without the
        title's boost: a word counts once, however often a page repeats it in its title
        (pages without a stated title have the start of their text as title)."""
        spellings: list[wq.Query] = []
        for name in (self.title, self.body):
            unboost = 1 / TITLE_BOOST if name == self.title else 1.0
            if reader.doc_frequency(name, term.text):
                boost = idf_boost(reader, name, term.text) * unboost
                spellings.append(wq.Term(name, term.text, boost=boost))
            if term.pieces and all(reader.doc_frequency(name, p) for p in term.pieces):
                pieces = [
                    wq.Term(name, p, boost=idf_boost(reader, name, p) * unboost)
                    for p in term.pieces
                ]
                spellings.append(wq.And(pieces))
        if not spellings:
            return wq.NullQuery
        if len(spellings) == 1:
            return spellings[0]
        # Whoosh's DisjunctionMax ignores its tiebreak: add the other fields' share by hand.
        ties = [q.with_boost(q.boost * TIEBREAK) for q in spellings]
        return wq.Or([wq.DisjunctionMax(spellings), *ties])


def idf(reader: IndexReader, fieldname: str, text: str) -> float:
    """BM25's inverse document frequency of a term in a field (as Lucene's, never negative;
    0 for a term the field does not have)."""
    df = reader.doc_frequency(fieldname, text)
    if not df:
        return 0.0
    n = reader.doc_count_all()
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def idf_of_unseen(reader: IndexReader) -> float:
    """BM25's inverse document frequency of a term no document has."""
    return math.log(1 + (reader.doc_count_all() + 0.5) / 0.5)


def idf_boost(reader: IndexReader, fieldname: str, text: str) -> float:
    """The boost that turns Whoosh's BM25F score of a term into BM25's.

    Whoosh's BM25F multiplies by log(N / (df + 1)) + 1, whose "+ 1" leaves a word that half
    the pages have (the, 的) at a third of the weight of a word only one page has; BM25's
    IDF puts it near zero, which is what lets a page with the query's rare words win.
    """
    df = reader.doc_frequency(fieldname, text)
    whoosh_idf = math.log(reader.doc_count_all() / (df + 1)) + 1
    return idf(reader, fieldname, text) / whoosh_idf if whoosh_idf > 0 else 1.0


def weight(reader: IndexReader, family: Family, term: Term) -> float:
    """A term's weight for the minimum to match: its IDF in the family's body (else title;
    a compound that only its pieces spell counts as its rarest piece)."""
    found = idf(reader, family.body, term.text) or idf(reader, family.title, term.text)
    if not found and term.pieces:
        found = min(idf(reader, family.body, piece) for piece in term.pieces)
    return found


def strict(family: Family) -> wq.Query | None:
    """Step 1 in one family: every plain word; stop words optional unless all are stop words.

    A word that is all content (or every word, when all are stop words) is searched as the
    strict query has it (a phrase of bigrams in Japanese); a word of content and stop terms
    (a Chinese question) as its content terms, with its stop terms optional.
    """
    if not family.words:
        return None
    if all(t.stop for w in family.words for t in w.terms):
        return _all([w.query for w in family.words])
    required: list[wq.Query] = []
    optional: list[wq.Query] = []
    for word in family.words:
        stops = [t for t in word.terms if t.stop]
        if not stops:
            required.append(word.query)
        elif len(stops) == len(word.terms):
            optional.append(word.query)
        else:
            required.extend(family.strict_term_query(t) for t in word.terms if not t.stop)
            optional.extend(family.strict_term_query(t) for t in stops)
    query = _all(required)
    return wq.AndMaybe(query, _any(optional)) if optional else query


def relaxed(reader: IndexReader, family: Family, share: float) -> wq.Query | None:
    """A relaxed step in one family: content terms worth `share` of the query's content
    weight, or any one content term when `share` is 0. None when no term is in the index.

    A term the family's pages never have counts as the rarest there is: otherwise, in a
    family without the query's one rare word ("C.2. Mappetræet" outside Danish), the
    common words alone would make up the share and match every page that has them."""
    weighed = [(t, weight(reader, family, t)) for t in family.terms()]
    present = [(t, w) for t, w in weighed if w > 0]
    if not present:
        return None
    absent = idf_of_unseen(reader)
    content = [(t, w or absent) for t, w in weighed if not t.stop]
    counted = content or [(t, w or absent) for t, w in weighed]  # stop words only: they count
    counts = {t.text for t, _ in counted}
    if share > 0:
        minimum = share * sum(w for _, w in counted)
    else:
        found = [w for t, w in present if t.text in counts]
        if not found:
            return None
        minimum = min(found)
    queries = [family.term_query(reader, t) for t, _ in present]
    weights = [w if t.text in counts else 0.0 for t, w in present]
    return MinimumMatch(queries, weights, max(minimum - _EPSILON, _EPSILON))


def tiered(stricter: wq.Query, looser: wq.Query) -> wq.Query:
    """The looser step, with the pages the stricter one finds ranked first (in their own
    order), as Meilisearch ranks pages with more of the query's words first: a step is
    taken because the stricter one found too few, not because its pages are worse."""
    return wq.Or([stricter.with_boost(stricter.boost * TIER), looser])


def _all(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _any(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def combine(required: Sequence[wq.Query], per_family: Sequence[wq.Query]) -> wq.Query | None:
    """The required (explicit) parts of the query AND any family's plain-word clause."""
    if not per_family:
        return None
    plain = per_family[0] if len(per_family) == 1 else wq.Or(list(per_family))
    parts = [*required, plain]
    if len(parts) == 1:
        return plain
    return wq.And(parts)


class MinimumMatch(wq.CompoundQuery):
    """Documents whose matching subqueries' weights add up to `minimum` or more, scored by
    the sum of those subqueries' scores (a subquery of weight 0 only adds to the score)."""

    JOINT = " | "

    def __init__(
        self, subqueries: Sequence[wq.Query], weights: Sequence[float], minimum: float
    ) -> None:
        super().__init__(list(subqueries))
        self.weights = tuple(weights)
        self.minimum = minimum

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and other.subqueries == self.subqueries
            and other.weights == self.weights
            and other.minimum == self.minimum
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self.subqueries), self.weights, self.minimum))

    def __unicode__(self) -> str:
        return f"({self.JOINT.join(str(q) for q in self.subqueries)})>={self.minimum:.3g}"

    __str__ = __unicode__

    def normalize(self) -> MinimumMatch:
        return self

    def apply(self, fn) -> MinimumMatch:
        return type(self)([fn(q) for q in self.subqueries], self.weights, self.minimum)

    def estimate_size(self, ixreader: IndexReader) -> int:
        return min(sum(q.estimate_size(ixreader) for q in self.subqueries), ixreader.doc_count())

    def estimate_min_size(self, ixreader: IndexReader) -> int:
        return 0

    def matcher(self, searcher, context=None):
        scored = context is None or context.weighting is not None
        weights: dict[int, float] = {}
        scores: dict[int, float] = {}
        deferred = []  # weight-0 subqueries: scored only on the documents that pass
        for query, term_weight in zip(self.subqueries, self.weights, strict=True):
            if term_weight <= 0:
                deferred.append(query)
                continue
            m = query.matcher(searcher, context)
            if not scored:
                for docnum in m.all_ids():
                    weights[docnum] = weights.get(docnum, 0.0) + term_weight
                continue
            while m.is_active():
                docnum = m.id()
                weights[docnum] = weights.get(docnum, 0.0) + term_weight
                scores[docnum] = scores.get(docnum, 0.0) + m.score()
                m.next()
        ids = sorted(d for d, w in weights.items() if w >= self.minimum)
        if not ids:
            return NullMatcher()
        if not scored:
            return ListMatcher(ids)
        for query in deferred:
            m = query.matcher(searcher, context)
            for docnum in ids:
                if not m.is_active():
                    break
                if m.id() < docnum:
                    m.skip_to(docnum)
                if m.is_active() and m.id() == docnum:
                    scores[docnum] += m.score()
        return ListMatcher(ids, weights=[scores[d] for d in ids])
