"""Matching and BM25F scoring of a compiled query over Whoosh's postings, as NumPy arrays.

Whoosh evaluates a query one posting at a time in Python: a word in 80,000 pages means
80,000 trips through its matchers, then its collectors, before facets can be counted.
Here each term's posting list is read block by block (Whoosh keeps 128 postings per
zlib-compressed block) straight into arrays of document numbers and weights, scored with
Whoosh's own BM25F formula for the whole list at once, and combined with set operations:
And intersects and adds scores, Or unites and adds, Not subtracts, and a Phrase keeps the
documents of its words whose positions follow each other (positions are decoded only for
the documents that have every word). The result is every matching document with the
score Whoosh would have given it, from which facets, filters and the page of hits are cut.

Query types this module does not know raise `Unsupported`; the engine then asks Whoosh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.deadline import NEVER, Deadline
from search.schema import ArrayPositions

_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_EMPTY_DOCS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


class Unsupported(Exception):
    """A query type (or weighting) this module does not evaluate."""


@dataclass(frozen=True)
class Matches:
    """Matching documents (global numbers, ascending, unique) and their scores."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)


EMPTY = Matches(_EMPTY_DOCS, _EMPTY_SCORES)


@dataclass(frozen=True)
class _Postings:
    docs: np.ndarray  # global document numbers, ascending
    weights: np.ndarray  # float64
    lengths: np.ndarray | None  # field length of each document (None: not scorable)
    positions: _PositionParts | None  # when asked for


class Evaluator:
    """Evaluates queries against one searcher (one point-in-time view of the index).

    Field lengths and deletion masks are read once per searcher and kept."""

    def __init__(self, searcher: Searcher, cache: PostingsCache | None = None) -> None:
        weighting = searcher.weighting
        if type(weighting) is not BM25F:
            raise Unsupported(f"weighting {type(weighting).__name__}")
        self.searcher = searcher
        self.cache = cache
        self.reader = searcher.reader()
        self.schema = self.reader.schema
        self.B, self.K1, self._field_B = weighting.B, weighting.K1, weighting._field_B
        self.leaves = list(self.reader.leaf_readers())
        self.doc_count = self.reader.doc_count_all()
        self._seen: dict[tuple[str, str], np.ndarray] = {}
        self.deadline = NEVER  # of the evaluation running (search.deadline)
        self._lengths: dict[tuple[int, str], np.ndarray | None] = {}
        self._live: list[np.ndarray | None] = []
        for segment, _ in self.leaves:
            if segment.has_deletions():
                live = np.ones(segment.doc_count_all(), dtype=bool)
                live[np.fromiter(segment._perdoc.deleted_docs(), dtype=np.int64)] = False
                self._live.append(live)
            else:
                self._live.append(None)

    # --- the query tree -------------------------------------------------------------------

    def evaluate(
        self, query: wq.Query, deadline: Deadline = NEVER
    ) -> tuple[Matches, dict[tuple[str, str], np.ndarray]]:
        """The query's matches, and each term's documents (which terms a hit has).
        Raises TimeUp when the deadline has passed before a term's postings must be read
        from disk (those in the cache cost next to nothing)."""
        self._seen: dict[tuple[str, str], np.ndarray] = {}
        self.deadline = deadline
        try:
            return self.match(query), self._seen
        finally:
            self._seen = {}
            self.deadline = NEVER

    def match(self, query: wq.Query) -> Matches:
        kind = type(query)
        if kind is wq.Term:
            found = self.term(query.fieldname, query.text)
        elif kind is wq.And:
            found = self._and(query.subqueries)
        elif kind is wq.Or:
            found = self._or(query.subqueries)
        elif kind is wq.Phrase:
            found = self.phrase(query.fieldname, list(query.words), query.slop)
        elif kind is wq.AndMaybe:
            found = self._and_maybe(query.a, query.b)
        elif kind is wq.AndNot:
            found = self._and([query.a, wq.Not(query.b)])
        elif kind is wq.DisjunctionMax:
            found = self._or(query.subqueries, best=True)
        elif kind.__name__ == "MinimumMatch" and hasattr(query, "minimum"):
            found = self._minimum(query.subqueries, query.weights, query.minimum)
        elif kind is wq.Every and query.fieldname in (None, "", "*"):
            docs = self.all_docs()
            found = Matches(docs, np.ones(len(docs)))
        elif kind is wq.Not:
            docs = self.all_docs()
            excluded = self.match(query.query).docs
            docs = docs[~np.isin(docs, excluded, assume_unique=True)]
            found = Matches(docs, np.ones(len(docs)))  # Whoosh's InverseMatcher weighs 1
        elif query is wq.NullQuery:
            found = EMPTY
        else:
            raise Unsupported(kind.__name__)
        boost = getattr(query, "boost", 1.0)
        return found if boost == 1.0 else Matches(found.docs, found.scores * boost)

    def _and(self, parts: list[wq.Query]) -> Matches:
        """Documents of every part, scores added; a Not part subtracts its documents and,
        as Whoosh's InverseMatcher does, adds 1 to the score of those left."""
        positive = [q for q in parts if type(q) is not wq.Not]
        negative = [q.query for q in parts if type(q) is wq.Not]
        if not positive:
            positive, negative = [parts[0]], negative[1:]
        result = self.match(positive[0])
        for part in positive[1:]:
            if not len(result):
                return EMPTY
            other = self.match(part)
            docs, mine, theirs = np.intersect1d(
                result.docs, other.docs, assume_unique=True, return_indices=True
            )
            result = Matches(docs, result.scores[mine] + other.scores[theirs])
        for part in negative:
            if not len(result):
                break
            excluded = self.match(part).docs
            keep = ~np.isin(result.docs, excluded, assume_unique=True)
            result = Matches(result.docs[keep], result.scores[keep] + 1.0)
        return result

    def _or(self, parts: list[wq.Query], best: bool = False) -> Matches:
        """Documents of any part; scores added up (or the best part's, for DisjunctionMax)."""
        found = [m for m in (self.match(q) for q in parts) if len(m)]
        if not found:
            return EMPTY
        if len(found) == 1:
            return found[0]
        # Scores add up in the subqueries' order, over one dense array of the index.
        total = np.zeros(self.doc_count, dtype=np.float64)
        hit = np.zeros(self.doc_count, dtype=bool)
        for m in found:
            if best:
                np.maximum.at(total, m.docs, m.scores)
            else:
                total[m.docs] += m.scores
            hit[m.docs] = True
        docs = np.flatnonzero(hit)
        return Matches(docs, total[docs])

    def _and_maybe(self, required: wq.Query, optional: wq.Query) -> Matches:
        """The required part's documents; the optional part adds where it matches too."""
        result = self.match(required)
        extra = self.match(optional)
        if not len(result) or not len(extra):
            return result
        _, mine, theirs = np.intersect1d(
            result.docs, extra.docs, assume_unique=True, return_indices=True
        )
        scores = result.scores.copy()
        scores[mine] += extra.scores[theirs]
        return Matches(result.docs, scores)

    def _minimum(self, parts: list[wq.Query], weights: tuple[float, ...], minimum: float):
        """search.relax.MinimumMatch: documents whose matching parts' weights reach the
        minimum, scored by every matching part (weight-0 parts only add to the score)."""
        weight = np.zeros(self.doc_count, dtype=np.float64)
        total = np.zeros(self.doc_count, dtype=np.float64)
        for part, part_weight in zip(parts, weights, strict=True):
            m = self.match(part)
            if part_weight > 0:
                weight[m.docs] += part_weight
            total[m.docs] += m.scores
        docs = np.flatnonzero(weight >= minimum)
        return Matches(docs, total[docs])

    # --- leaves ---------------------------------------------------------------------------

    def term(self, fieldname: str, text: str) -> Matches:
        postings = self.postings(fieldname, text)
        if postings is None:
            return EMPTY
        return Matches(postings.docs, self._score(fieldname, text, postings))

    def phrase(self, fieldname: str, words: list[str], slop: int = 1) -> Matches:
        """Documents where the words follow each other (at most `slop` apart, in order),
        scored as Whoosh scores a phrase: the sum of its words' scores."""
        words = [w for w in words if w is not None]
        if not words:
            return EMPTY
        if len(words) == 1:
            return self.term(fieldname, words[0])
        field = self.schema[fieldname] if fieldname in self.schema.names() else None
        if field is None or not field.format or not field.format.supports("positions"):
            raise Unsupported(f"phrase on {fieldname} without positions")
        lists = []
        for word in words:
            postings = self.postings(fieldname, word, values=True)
            if postings is None:
                return EMPTY
            lists.append(postings)
        common = lists[0].docs
        for postings in lists[1:]:
            common = np.intersect1d(common, postings.docs, assume_unique=True)
            if not len(common):
                return EMPTY
        rows = [np.searchsorted(p.docs, common) for p in lists]
        # (candidate << 32 | position) keys of each word, ascending; a word continues the
        # phrase where its key is a previous word's key plus 1..slop.
        ends = lists[0].positions.keys(common)
        for postings in lists[1:]:
            keys = postings.positions.keys(common)
            if slop == 1 and len(ends) < len(keys):  # look the fewer up among the more
                ends = ends + 1
                ends = ends[_contains(keys, ends)]
            else:
                ends = keys[_follows(keys, ends, slop)]
            if not len(ends):
                return EMPTY
        keep = np.zeros(len(common), dtype=bool)
        keep[ends >> 32] = True
        docs = common[keep]
        scores = np.zeros(len(docs), dtype=np.float64)
        for word, postings, row in zip(words, lists, rows, strict=True):
            scored = self._score(fieldname, word, postings)
            scores = scores + scored[row[keep]]
        return Matches(docs, scores)

    def all_docs(self) -> np.ndarray:
        parts = []
        for (segment, offset), live in zip(self.leaves, self._live, strict=True):
            ids = np.arange(segment.doc_count_all(), dtype=np.int64)
            parts.append((ids if live is None else ids[live]) + offset)
        return np.concatenate(parts) if parts else _EMPTY_DOCS

    def postings(self, fieldname: str, text: str, values: bool = False) -> _Postings | None:
        """The term's postings over every segment, deleted documents left out; with
        `values`, the positions of each posting too (as `_Positions`)."""
        if fieldname not in self.schema:
            return None
        field = self.schema[fieldname]
        try:
            tbytes = field.to_bytes(text)
        except ValueError:
            return None
        docs, weights, lengths, positions = [], [], [], []
        leaves = zip(self.leaves, self._live, strict=True)
        for index, ((segment, offset), live) in enumerate(leaves):
            found = self._segment_term(segment, fieldname, tbytes, field.format, values)
            if found is None:
                continue
            ids, w = found.ids, found.weights
            if values and found.positions is not None:
                positions.append((ids + offset, found.positions))  # deleted ones too
            if live is not None:
                keep = live[ids]
                ids, w = ids[keep], w[keep]
            docs.append(ids + offset)
            weights.append(w)
            if field.scorable:
                lengths.append(self._field_lengths(index, fieldname)[ids])
        if not docs:
            return None
        found = np.concatenate(docs)
        self._seen[fieldname, text] = found
        return _Postings(
            found,
            np.concatenate(weights),
            np.concatenate(lengths) if field.scorable else None,
            _PositionParts(positions) if values else None,
        )

    def _segment_term(self, segment, fieldname: str, tbytes: bytes, format_, values: bool):
        """A term's postings in one segment, decoded once and kept in the cache."""
        key = (segment.segment().segment_id(), fieldname, tbytes)
        found = self.cache.get(key) if self.cache is not None else None
        if found is None or (values and found.positions is None):
            self.deadline.check()
            found = _read_term(segment, fieldname, tbytes, format_, values)
            if found is not None and self.cache is not None:
                self.cache.put(key, found, found.nbytes)
        return found

    def _score(self, fieldname: str, text: str, postings: _Postings) -> np.ndarray:
        """Whoosh's BM25F for each posting (the same arithmetic, in the same order)."""
        if postings.lengths is None:  # not scorable: Whoosh scores by weight
            return postings.weights
        idf = self.searcher.idf(fieldname, text)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        B = self._field_B.get(fieldname, self.B)
        K1 = self.K1
        tf = postings.weights
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * postings.lengths / avgfl)))

    def _field_lengths(self, index: int, fieldname: str) -> np.ndarray:
        key = (index, fieldname)
        if key not in self._lengths:
            segment = self.leaves[index][0]
            count = segment.doc_count_all()
            bytes_ = np.zeros(count, dtype=np.uint8)
            reader = segment._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if reader is not None:
                stored = min(reader._count, count)
                raw = reader._dbfile.get(reader._basepos, stored)
                bytes_[:stored] = np.frombuffer(raw, dtype=np.uint8)
            self._lengths[key] = _LENGTHS[bytes_]
        return self._lengths[key]


@dataclass(frozen=True)
class _Positions:
    """Positions of a list of postings: posting i has flat[starts[i] : starts[i] + counts[i]]."""

    counts: np.ndarray  # int64
    starts: np.ndarray  # int64
    flat: np.ndarray  # uint32

    @classmethod
    def from_values(cls, values: list[bytes], arrays: bool, decode) -> _Positions:
        if arrays:  # schema.ArrayPositions: 32-bit positions, read all at once
            counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 4
            flat = np.frombuffer(b"".join(values), dtype="<u4")
        else:  # Whoosh's Positions: a pickle per posting
            lists = [decode(v) for v in values]
            counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            flat = np.fromiter(chain.from_iterable(lists), dtype=np.uint32, count=counts.sum())
        return cls(counts, np.cumsum(counts) - counts, flat)

    def rows(self, rows: np.ndarray) -> _Positions:
        """The positions of the given postings, in their order."""
        counts = self.counts[rows]
        total = int(counts.sum())
        starts = np.cumsum(counts) - counts
        index = np.repeat(self.starts[rows] - starts, counts) + np.arange(total)
        return _Positions(counts, starts, self.flat[index])

    def keys(self, rows: np.ndarray) -> np.ndarray:
        """(i << 32 | position) for every position of the i-th of the given postings,
        ascending."""
        chosen = self.rows(rows)
        owners = np.repeat(np.arange(len(rows), dtype=np.int64), chosen.counts)
        return (owners << 32) | chosen.flat.astype(np.int64)


@dataclass(frozen=True)
class _PositionParts:
    """A term's positions segment by segment: (global ids of the segment's postings,
    deleted documents included, and their positions)."""

    parts: list[tuple[np.ndarray, _Positions]]

    def keys(self, candidates: np.ndarray) -> np.ndarray:
        """(i << 32 | position) for every position of the term in candidates[i] (each
        candidate must have the term), ascending."""
        found = []
        for ids, positions in self.parts:
            low = int(np.searchsorted(candidates, ids[0]))
            high = int(np.searchsorted(candidates, ids[-1], side="right"))
            if high > low:
                rows = np.searchsorted(ids, candidates[low:high])
                found.append(positions.keys(rows) + (low << 32))
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class _SegmentTerm:
    ids: np.ndarray  # int64, segment-local document numbers
    weights: np.ndarray  # float64
    positions: _Positions | None

    @property
    def nbytes(self) -> int:
        size = self.ids.nbytes + self.weights.nbytes + 200
        if self.positions is not None:
            p = self.positions
            size += p.counts.nbytes + p.starts.nbytes + p.flat.nbytes
        return size


class PostingsCache:
    """Decoded postings per (segment, field, term), least recently used dropped first
    beyond `max_bytes`, shared by an Engine's threads. Segments never change once written
    (deletions are applied when a term is used), so entries stay valid until a merge
    retires their segment; they then age out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found[0] if found is not None else None

    def put(self, key, value, nbytes: int) -> None:
        if nbytes > self.max_bytes // 4:
            return  # one huge term would flush everything else
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (value, nbytes)
            self.size += nbytes
            while self.size > self.max_bytes and self._entries:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.size -= dropped


def _read_term(
    segment, fieldname: str, tbytes: bytes, format_, values: bool
) -> _SegmentTerm | None:
    """A term's postings in one segment, None if it is absent. Positions are read when
    asked for, and always for ArrayPositions (they cost nothing more to keep)."""
    terms = segment._terms
    try:
        info = terms.term_info(fieldname, tbytes)
    except (TermNotFound, KeyError):
        return None
    arrays = isinstance(format_, ArrayPositions)
    keep_values = arrays or (values and format_.supports("positions"))
    if info.is_inlined():
        ids, weights, vals = info.inlined_postings()
        id_array, weight_array, value_list = (
            np.asarray(ids, dtype=np.int64),
            np.asarray(weights, dtype=np.float64),
            list(vals),
        )
    else:
        # Block by block with Whoosh's own reader, but each block decoded as a whole.
        matcher = W3LeafMatcher(terms._postfile, *info.extent(), format_)
        id_parts, weight_parts, value_list = [], [], []
        while not matcher._atend:
            matcher._read_data()
            deltas, weights, vals = matcher._data
            count = matcher._blocklength
            id_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
            if weights is None:
                weight_parts.append(np.ones(count))
            elif isinstance(weights, float):
                weight_parts.append(np.full(count, weights))
            else:
                weight_parts.append(np.asarray(weights, dtype=np.float64))
            if keep_values:
                value_list.extend(vals)
            matcher._next_block()
        id_array, weight_array = np.concatenate(id_parts), np.concatenate(weight_parts)
    positions = None
    if keep_values:
        positions = _Positions.from_values(value_list, arrays, format_.decode_positions)
    return _SegmentTerm(id_array, weight_array, positions)


def _contains(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """Which needles are in the haystack (both ascending)."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=bool)
    at = np.searchsorted(haystack, needles)
    at[at == len(haystack)] = 0
    return haystack[at] == needles


def _follows(keys: np.ndarray, previous: np.ndarray, slop: int) -> np.ndarray:
    """Which keys are 1..slop after one of the previous keys (both ascending)."""
    found = np.zeros(len(keys), dtype=bool)
    if not len(previous):
        return found
    for distance in range(1, slop + 1):
        wanted = keys - distance
        at = np.searchsorted(previous, wanted)
        at[at == len(previous)] = 0
        found |= previous[at] == wanted
    return found


def top_documents(
    matches: Matches,
    allowed: np.ndarray | None,
    newest: np.ndarray,
    by_date: bool,
    groups: np.ndarray | None,
    limit: int,
) -> list[tuple[int, float]]:
    """The best `limit` (docnum, score) pairs: by score then date (or date then score),
    then index order; with `groups` (docnum -> near-duplicate group code) only the best
    document of each group. `allowed` (ascending docnums) is what the filters let through.

    Only documents whose first key reaches the limit-th best are sorted: for a group, its
    best document is among those whenever any of its documents is."""
    docs, scores = matches.docs, matches.scores
    if allowed is not None:
        keep = np.isin(docs, allowed, assume_unique=True)
        docs, scores = docs[keep], scores[keep]
    if not len(docs) or limit <= 0:
        return []
    dates = newest[docs]
    primary, secondary = (dates, scores) if by_date else (scores, dates)
    wanted = limit
    while True:
        if len(docs) > 4 * wanted:
            threshold = np.partition(primary, len(docs) - wanted)[len(docs) - wanted]
            candidates = np.flatnonzero(primary >= threshold)
        else:
            candidates = np.arange(len(docs))
        order = candidates[
            np.lexsort((docs[candidates], -secondary[candidates], -primary[candidates]))
        ]
        if groups is not None:
            _, first = np.unique(groups[docs[order]], return_index=True)
            if len(first) < limit and len(candidates) < len(docs):
                wanted *= 4
                continue
            order = order[np.sort(first)]
        return [(int(docs[i]), float(scores[i])) for i in order[:limit]]


def count_groups(groups: np.ndarray, docs: np.ndarray) -> int:
    """How many distinct groups the documents belong to."""
    return int(np.count_nonzero(np.bincount(groups[docs]))) if len(docs) else 0


def terms_of(seen: dict[tuple[str, str], np.ndarray], fieldname: str, terms, docnum: int) -> set:
    """Those of `terms` (of one field) whose postings hold the document; a term the
    evaluation never read is kept."""
    found = set()
    for term in terms:
        docs = seen.get((fieldname, term))
        if docs is None:
            found.add(term)
            continue
        at = int(np.searchsorted(docs, docnum))
        if at < len(docs) and docs[at] == docnum:
            found.add(term)
    return found
