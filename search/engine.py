"""The one entry point of the read side: `Engine(index_dir).search(SearchRequest) -> Results`.

A search runs the query twice: once unscored, for the numbers of every matching
document (facet counts and filters work on those, see facets.py), and once scored and
sorted among the filtered documents, for the page of hits only.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from whoosh import collectors
from whoosh import index as whoosh_index
from whoosh.searching import Searcher, TimeLimit

from search import cursor as cursors
from search import generations
from search.analysis import FAMILIES, family_for
from search.deadline import NEVER, Deadline, TimeUp
from search.facets import TOP_VALUES, FacetColumns, Faceted, TemplateLines, facet
from search.postings import (
    Evaluator,
    Matches,
    PostingsCache,
    Unsupported,
    count_groups,
    terms_of,
    top_documents,
)
from search.query import Compiled, QueryError, bounded, compile_query
from search.relax import ENOUGH
from search.results import Hit, Results, SearchRequest
from search.schema import (
    FACET_FIELDS,
    SCHEMA_VERSION,
    body_field,
    chrome_field,
    index_version,
    title_field,
)
from search.snippets import make_snippet
from search.suggest import FEW_HITS, suggest

RESULT_CACHE = 256  # searches kept per Engine (a page of results is a few KB)
POSTINGS_CACHE_MB = 256  # decoded posting lists kept per Engine (search.postings)
# Seconds of work a search may take before it answers with what it has, flagged partial
# (search.deadline); the page of hits found by then still gets its titles and snippets.
TIME_LIMIT = 5.0


class IndexMissing(Exception):
    """There is no index at the given directory yet."""


class Engine:
    """Keeps one Whoosh searcher per thread and refreshes it when the index changes
    (a new Searcher costs 25-70 ms; a refresh of an up-to-date one costs nothing)."""

    def __init__(
        self,
        index_dir: str | Path,
        facet_top: int = TOP_VALUES,
        result_cache: int = RESULT_CACHE,
        time_limit: float = TIME_LIMIT,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.facet_top = facet_top  # values shown per facet; the rest are counted as others
        self.time_limit = time_limit  # seconds per search (search.deadline)
        self._local = threading.local()
        self._switching = threading.Lock()
        self._results = _ResultCache(result_cache)
        self._postings = PostingsCache(POSTINGS_CACHE_MB * 2**20)
        self._template_lines: tuple | None = None  # (index version, TemplateLines)
        self._template_lock = threading.Lock()
        self._open()

    def _open(self) -> None:
        """Open the live generation (search.generations) the index folder points at."""
        name = generations.pointer(self.index_dir)
        live = generations.live_dir(self.index_dir)
        if live is None:
            raise IndexMissing(
                f"no index in {self.index_dir}: run `sifter index CORPUS "
                f"--index {self.index_dir}` first"
            )
        if index_version(live) != SCHEMA_VERSION:
            raise IndexMissing(
                f"the index in {self.index_dir} was built by another version of Sifter: "
                f"run `sifter index CORPUS --index {self.index_dir}` again"
            )
        self._index = whoosh_index.open_dir(str(live))
        self.live_dir = live  # the generation's folder: the Whoosh files are in there
        self._generation = name

    def _follow(self) -> None:
        """After a rebuild switched generations, open the new one (one small read per
        search; searchers already handed out keep reading the old generation)."""
        if generations.pointer(self.index_dir) != self._generation:
            with self._switching:
                if generations.pointer(self.index_dir) != self._generation:
                    self._open()

    def searcher(self) -> Searcher:
        self._follow()
        index = self._index
        current = getattr(self._local, "searcher", None)
        if current is None or self._local.index is not index:
            current = index.searcher()
        elif not current.up_to_date():
            current = current.refresh()
        self._local.searcher, self._local.index = current, index
        return current

    def families(self, searcher: Searcher) -> tuple[str, ...]:
        """The language families that have any text in the index: the fields worth querying."""
        indexed = set(searcher.reader().indexed_field_names())
        return tuple(f for f in FAMILIES if body_field(f) in indexed or title_field(f) in indexed)

    def columns(self, searcher: Searcher) -> FacetColumns:
        """The facet value codes of the searcher's reader, rebuilt when the index changes."""
        cached = getattr(self._local, "columns", None)
        if cached is None or cached[0] is not searcher:
            fields = (*FACET_FIELDS, "date", "dup_group")
            cached = (searcher, FacetColumns(searcher.reader(), fields))
            self._local.columns = cached
        return cached[1]

    def template_lines(self, searcher: Searcher) -> TemplateLines:
        """The chrome lines shared by several sources: read once per index version for
        every thread (they walk the whole template field), rebuilt when the index changes."""
        key = (self._generation, searcher.reader().generation())
        cached = self._template_lines
        if cached is None or cached[0] != key:
            with self._template_lock:
                cached = self._template_lines
                if cached is None or cached[0] != key:
                    sources = self.columns(searcher).codes["source"]
                    cached = (key, TemplateLines(searcher.reader(), sources))
                    self._template_lines = cached
        return cached[1]

    def search(self, request: SearchRequest) -> Results:
        """The results of a request; a repeated request on an unchanged index is answered
        from a small LRU cache (keyed by the request, the generation and Whoosh's commit)."""
        started = time.perf_counter()
        searcher = self.searcher()
        key = (self._generation, searcher.reader().generation(), request)
        cached = self._results.get(key)
        if cached is not None:
            return replace(cached, took_ms=round((time.perf_counter() - started) * 1000, 2))
        try:
            results = self._search(request)
        finally:
            self._local.deadline = NEVER  # other calls on this thread have no time limit
        if not results.partial:  # asked again, it may well finish
            self._results.put(key, results)
        return results

    def _search(self, request: SearchRequest) -> Results:
        started = time.perf_counter()
        searcher = self.searcher()
        # Reading the query is bounded by its caps (search.query), and its first use of a
        # language's segmenter loads a dictionary (jieba: seconds): the clock starts after.
        compiled = self._compile(searcher, request)
        # Read by the steps below (and the evaluator) through _deadline(): one per thread.
        self._local.deadline = deadline = Deadline.after(self.time_limit)
        skipped: list[str] = []  # steps left out for lack of time, as the user reads them
        try:
            compiled, faceted, found = self._matched(searcher, request, compiled, skipped)
        except TimeUp:
            return self._stopped(searcher, compiled, request, started)
        hits, rows, next_cursor, offset = self._hits(searcher, compiled, request, faceted.docs)
        plain = getattr(self._local, "unhighlighted", 0)
        if plain:
            skipped.append(f"highlighting the words in {plain} of the hits")
        if getattr(self._local, "collected_part", False):
            skipped.append("looking at every matching page")
        total = len(faceted.docs)
        suggestion = None
        if request.q.strip() and found < FEW_HITS:
            if deadline.expired():
                skipped.append("spelling suggestions")
            else:
                suggestion = suggest(
                    bounded(request.q)[0],
                    searcher.reader(),
                    self.families(searcher),
                    found,
                    lambda q: self._count(searcher, q, request),
                    deadline,
                )
        notes = compiled.notes
        if skipped:
            notes = (*notes, self._time_note("cut short: skipped " + ", ".join(skipped)))
        return Results(
            request=request,
            parsed_query=compiled.reading,
            total=total,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=hits,
            facets=faceted.facets,
            suggestion=suggestion,
            notes=notes,
            rows=rows,
            matching=compiled.matching,
            scope=compiled.scope,
            next_cursor=next_cursor,
            offset=offset,
            partial=bool(skipped),
        )

    def _compile(self, searcher: Searcher, request: SearchRequest) -> Compiled:
        return compile_query(request.q, searcher.reader(), self.families(searcher), request.scope)

    def _matched(
        self,
        searcher: Searcher,
        request: SearchRequest,
        compiled: Compiled | None = None,
        skipped: list[str] | None = None,
    ) -> tuple[Compiled, Faceted, int]:
        """The query as run (relaxed when it finds too little, relax.py), its filtered
        matches and facets, and how many documents had every word. With `skipped`, a
        looser step that runs out of time is left out and named there; TimeUp from the
        strict query itself is raised."""
        compiled = compiled or self._compile(searcher, request)
        faceted = self._facet(searcher, compiled, request)
        found = len(faceted.docs)  # with all words: what a spelling correction must beat
        while len(faceted.docs) < ENOUGH and (looser := compiled.relaxed()) is not None:
            try:
                compiled, faceted = looser, self._facet(searcher, looser, request)
            except TimeUp:
                if skipped is None:
                    raise
                skipped.append("matching fewer of the words")
                break
        return compiled, faceted, found

    def _stopped(
        self, searcher: Searcher, compiled: Compiled, request: SearchRequest, started: float
    ) -> Results:
        """The answer when matching itself ran out of time: no pages, facets that count
        none, and a note on what to try."""
        empty = facet(
            self.columns(searcher),
            np.zeros(0, dtype=np.int64),
            request.filters(),
            request.dates(),
            self.facet_top,
            self.template_lines(searcher),
            searcher.reader(),
        )
        note = self._time_note(
            "stopped before it had found the matching pages; fewer or rarer words are faster"
        )
        return Results(
            request=request,
            parsed_query=compiled.reading,
            total=0,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=(),
            facets=empty.facets,
            notes=(*compiled.notes, note),
            rows=0,
            matching=compiled.matching,
            scope=compiled.scope,
            partial=True,
        )

    def _time_note(self, what: str) -> str:
        return f"The search took longer than {self.time_limit:g} s and was {what}."

    def _deadline(self) -> Deadline:
        """The deadline of the search this thread is running (none outside a search)."""
        return getattr(self._local, "deadline", NEVER)

    def walk(self, request: SearchRequest, batch: int = 200) -> Walk:
        """Every hit of a request (its page, per_page and cursor ignored) in result order,
        for exports: the order is a few arrays, and the stored fields are read `batch`
        documents at a time as the caller iterates, so memory does not grow with the hits.
        Errors in the query are raised here, before anything is iterated."""
        searcher = self.searcher()
        compiled, faceted, _ = self._matched(searcher, request)
        ordered = self._order(searcher, compiled, request, faceted.docs)

        def batches() -> Iterator[list[tuple[int, float, dict]]]:
            for start in range(0, len(ordered), batch):
                docs = ordered.docs[start : start + batch].tolist()
                scores = ordered.scores[start : start + batch].tolist()
                yield [
                    (start + i + 1, score, searcher.stored_fields(docnum))
                    for i, (docnum, score) in enumerate(zip(docs, scores, strict=True))
                ]

        return Walk(len(ordered), compiled.reading, compiled.matching, batches())

    def _order(
        self, searcher: Searcher, compiled: Compiled, request: SearchRequest, docs: np.ndarray
    ) -> cursors.Order:
        """Every result row in order: the filtered matches with their scores, sorted as
        pages sort them (search.cursor)."""
        columns = self.columns(searcher)
        matches = self._matches(searcher, compiled.query)
        if matches is not None:
            keep = np.isin(matches.docs, docs, assume_unique=True)
            matched, scores = matches.docs[keep], matches.scores[keep]
        else:  # a query the evaluator does not know: Whoosh scores every match
            found = searcher.search(compiled.query, limit=None)
            pairs = sorted((docnum, score) for score, docnum in found.top_n)
            matched = np.array([d for d, _ in pairs], dtype=np.int64)
            scores = np.array([s for _, s in pairs], dtype=np.float64)
            keep = np.isin(matched, docs)
            matched, scores = matched[keep], scores[keep]
        groups = columns.codes["dup_group"] if request.collapse else None
        return cursors.order(matched, scores, columns.ranks("date"), _by_date(request), groups)

    def _index_state(self, searcher: Searcher) -> str:
        return f"{self._generation}:{searcher.reader().generation()}"

    def _cursor_after(
        self, searcher: Searcher, request: SearchRequest, docnum: int, score: float, rows: int
    ) -> str:
        """The cursor that continues after the hit `docnum` (the `rows`-th row)."""
        date = float(self.columns(searcher).ranks("date")[docnum])
        primary, secondary = (date, score) if _by_date(request) else (score, date)
        state = self._index_state(searcher)
        made = cursors.Cursor(
            state, _order_digest(request), float(primary), float(secondary), docnum, rows
        )
        return cursors.encode(made)

    def _facet(self, searcher: Searcher, compiled: Compiled, request: SearchRequest) -> Faceted:
        """Facets and filters over every matching document; TimeUp past the deadline."""
        matches = self._matches(searcher, compiled.query)
        matched = self._docs_for(searcher, compiled.query) if matches is None else matches.docs
        return facet(
            self.columns(searcher),
            matched,
            request.filters(),
            request.dates(),
            self.facet_top,
            self.template_lines(searcher),
            searcher.reader(),
        )

    def _matches(self, searcher: Searcher, query) -> Matches | None:
        """Every matching document with its score, as arrays (search.postings); None for
        a query the evaluator does not know (Whoosh's matchers then do the work). The last
        result is kept, since a search asks for it twice (facets, then hits)."""
        last = getattr(self._local, "matches", None)
        if last is not None and last[0] is searcher and last[1] == query:
            return last[2]
        evaluator = getattr(self._local, "evaluator", None)
        if evaluator is None or evaluator.searcher is not searcher:
            evaluator = self._local.evaluator = Evaluator(searcher, self._postings)
        try:
            matches, seen = evaluator.evaluate(query, self._deadline())
        except Unsupported:
            matches, seen = None, None
        self._local.matches = (searcher, query, matches, seen)
        return matches

    def _docs_for(self, searcher: Searcher, query) -> np.ndarray:
        """Whoosh's `docs_for_query`, looking at the deadline every few thousand documents
        (for queries the evaluator does not know)."""
        deadline = self._deadline()
        found = []
        for docnum in query.docs(searcher):
            found.append(docnum)
            if not len(found) % 4096:
                deadline.check()
        return np.array(sorted(found), dtype=np.int64)

    def _terms_seen(self, searcher: Searcher, query) -> dict | None:
        """Each term's documents from the evaluation of `query` (None: not evaluated)."""
        last = getattr(self._local, "matches", None)
        if last is not None and last[0] is searcher and last[1] == query:
            return last[3]
        return None

    def _count(self, searcher: Searcher, q: str, request: SearchRequest) -> int:
        """How many documents `q` finds with the request's filters (0 if it cannot run)."""
        try:
            compiled = compile_query(q, searcher.reader(), self.families(searcher), request.scope)
        except QueryError:
            return 0
        try:
            return len(self._facet(searcher, compiled, request).docs)
        except TimeUp:
            return 0

    def _hits(
        self, searcher: Searcher, compiled: Compiled, request: SearchRequest, docs: np.ndarray
    ) -> tuple[tuple[Hit, ...], int, str | None, int | None]:
        """The page of hits among the filtered documents, how many result rows there are
        (groups of near duplicates count once if collapsed), the cursor to the next page
        and, for a cursor page, how many rows came before it."""
        self._local.unhighlighted, self._local.collected_part = 0, False
        columns = self.columns(searcher)
        groups = columns.codes["dup_group"]
        rows = count_groups(groups, docs) if request.collapse else len(docs)
        offset = None
        if request.cursor is not None:
            page, offset = self._cursor_page(searcher, compiled, request, docs)
            end = offset + len(page)
        else:
            page, end = self._numbered_page(searcher, compiled, request, docs, rows)
        similar = _similar(columns, docs, [docnum for docnum, _ in page])
        seen = self._terms_seen(searcher, compiled.query)
        # Past the deadline, the remaining hits show their opening unhighlighted: finding
        # the matches in a long page is the one costly part of a hit.
        plain = replace(compiled, terms={})
        deadline, found = self._deadline(), []
        for docnum, score in page:
            late = deadline.expired() and any(compiled.terms.values())
            self._local.unhighlighted += late
            hit_query, hit_seen = (plain, None) if late else (compiled, seen)
            found.append(_hit(searcher, docnum, score, hit_query, similar[docnum], hit_seen))
        hits = tuple(found)
        next_cursor = None
        if page and end < rows:
            next_cursor = self._cursor_after(searcher, request, *page[-1], rows=end)
        return hits, rows, next_cursor, offset

    def _cursor_page(
        self, searcher: Searcher, compiled: Compiled, request: SearchRequest, docs: np.ndarray
    ) -> tuple[list[tuple[int, float]], int]:
        """The hits after the request's cursor, and how many rows came before them."""
        cursor = cursors.decode(request.cursor or "")
        if cursor.index_state != self._index_state(searcher):
            raise cursors.CursorError(
                "cursor is stale: the index changed since it was made; start again from page 1"
            )
        if cursor.request != _order_digest(request):
            raise cursors.CursorError(
                "cursor belongs to another query, filters or sort; start again from page 1"
            )
        ordered = self._order(searcher, compiled, request, docs)
        start = ordered.after(cursor)
        end = start + request.per_page
        docnums, scores = ordered.docs[start:end].tolist(), ordered.scores[start:end].tolist()
        return list(zip(docnums, scores, strict=True)), start

    def _numbered_page(
        self,
        searcher: Searcher,
        compiled: Compiled,
        request: SearchRequest,
        docs: np.ndarray,
        rows: int,
    ) -> tuple[list[tuple[int, float]], int]:
        """The hits of the request's page number, and the rows up to its end."""
        start, end = (request.page - 1) * request.per_page, request.page * request.per_page
        if start >= rows:
            return [], start
        columns = self.columns(searcher)
        groups = columns.codes["dup_group"]
        newest = columns.ranks("date")
        by_date = _by_date(request)
        filtered = any(request.filters().values()) or bool(request.dates())
        matches = self._matches(searcher, compiled.query)
        if matches is not None:
            allowed = docs if filtered else None
            collapse = groups if request.collapse else None
            page = top_documents(matches, allowed, newest, by_date, collapse, end)[start:end]
        else:
            page = self._collected(searcher, compiled, request, docs, end)[start:end]
        return page, start + len(page)

    def _collected(
        self, searcher: Searcher, compiled: Compiled, request: SearchRequest, docs, end: int
    ) -> list[tuple[int, float]]:
        """The top `end` (docnum, score) by Whoosh's matchers, for queries the evaluator
        does not know."""
        columns = self.columns(searcher)
        groups = columns.codes["dup_group"]
        newest = columns.ranks("date")
        if request.sort == "date" or not request.q.strip():
            key = lambda docnum, score: (newest[docnum], score)  # noqa: E731
        else:
            key = lambda docnum, score: (score, newest[docnum])  # noqa: E731
        top = collector = TopCollector(end, key, groups if request.collapse else None)
        if any(request.filters().values()) or request.dates():
            collector = collectors.FilterCollector(collector, allow=set(docs.tolist()))
        # Whoosh's time limit, with a timer thread rather than SIGALRM (TRAPS.md: worker
        # threads); when it fires, the hits collected so far are the answer.
        seconds = min(max(self._deadline().remaining(), 0.001), 3600.0)  # a Timer's range
        collector = collectors.TimeLimitCollector(collector, timelimit=seconds, use_alarm=False)
        try:
            searcher.search_with_collector(compiled.query, collector)
        except TimeLimit:
            self._local.collected_part = True
        # Slice: iterating all results would load and highlight every hit (TRAPS.md).
        return [(hit.docnum, hit.score) for hit in top.results()[:end]]

    def document(self, doc_id: str) -> dict | None:
        """Every stored field of one document, or None."""
        return self.searcher().document(id=doc_id)

    def count(self) -> int:
        return self.searcher().doc_count()


@dataclass(frozen=True)
class Walk:
    """Every hit of a request (Engine.walk): `batches` yields lists of (rank, score,
    stored fields), lazily."""

    total: int
    parsed_query: str
    matching: str
    batches: Iterator[list[tuple[int, float, dict]]]


def _by_date(request: SearchRequest) -> bool:
    return request.sort == "date" or not request.q.strip()  # browsing: no relevance


def _order_digest(request: SearchRequest) -> str:
    """What a cursor must agree on with the request that follows it."""
    return cursors.request_digest(
        bounded(request.q)[0],  # as searched: the answer's URLs carry no more of it
        request.scope,
        request.filters(),
        request.dates(),
        request.sort,
        request.collapse,
    )


class _ResultCache:
    """A thread-safe LRU map of search results (immutable, so they can be shared)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> Results | None:
        if not self.size:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key, results: Results) -> None:
        if not self.size:
            return
        with self._lock:
            self._entries[key] = results
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class TopCollector(collectors.TopCollector):
    """The top `limit` hits by `key(docnum, score)`, then index order; with `groups`
    (docnum -> near-duplicate group code), only the best hit of each group.

    Whoosh's TopCollector ranks by score alone, so equal scores (duplicates, same-length
    pages) come out in index order; and its `sortedby` collects and sorts every hit (5×
    slower than this heap of `limit` entries, for a common word over 4,000 pages).
    Block-quality skipping stays off: it skips documents that could only tie.
    """

    def __init__(
        self, limit: int, key: Callable[[int, float], tuple], groups: list[int] | None = None
    ) -> None:
        super().__init__(limit=limit, usequality=False)
        self.key = key
        self.groups = groups
        self.best: dict[int, tuple] = {}  # group code -> its best entry

    def _collect(self, global_docnum: int, score: float) -> int:
        self.total += 1
        entry = (self.key(global_docnum, score), -global_docnum, score)
        if self.groups is not None:
            group = self.groups[global_docnum]
            if group not in self.best or entry > self.best[group]:
                self.best[group] = entry
        elif len(self.items) < self.limit:
            heapq.heappush(self.items, entry)
        elif entry > self.items[0]:
            heapq.heapreplace(self.items, entry)
        return 0

    def results(self):
        entries = self.best.values() if self.groups is not None else self.items
        best_first = heapq.nlargest(self.limit, entries)
        return self._results([(score, -negated) for _, negated, score in best_first])


@dataclass(frozen=True)
class _Similar:
    group: str
    count: int
    sources: tuple[str, ...]


def _similar(columns: FacetColumns, docs: np.ndarray, shown: list[int]) -> dict[int, _Similar]:
    """For each shown hit, the other matching documents of its near-duplicate group."""
    groups, sources = columns.codes["dup_group"], columns.codes["source"]
    members = docs[np.isin(groups[docs], groups[shown])] if shown else docs[:0]
    member_groups = groups[members]
    result = {}
    for docnum in shown:
        group = groups[docnum]
        others = members[(member_groups == group) & (members != docnum)]
        names = dict.fromkeys(columns.values["source"][sources[d]] for d in others)
        result[docnum] = _Similar(columns.values["dup_group"][group], len(others), tuple(names))
    return result


def _hit(
    searcher: Searcher,
    docnum: int,
    score: float,
    compiled: Compiled,
    similar: _Similar,
    seen: dict | None = None,
) -> Hit:
    stored = searcher.stored_fields(docnum)
    family = family_for(stored.get("lang", "und"))
    if compiled.scope == "chrome":  # the snippet shows the chrome lines that matched
        name, text = chrome_field(family), "\n".join(stored.get("chrome") or ())
    else:
        name, text = body_field(family), stored.get("body", "")
    terms = compiled.terms.get(name, set())
    if seen is not None:  # only the terms the page has: a prefix stands for 64 of them
        terms = terms_of(seen, name, terms, docnum)
    snippet = make_snippet(text, terms, searcher.schema[name].analyzer)
    return Hit(
        id=stored["id"],
        title=stored.get("title", ""),
        url=stored.get("url"),
        source=stored.get("source", "unknown"),
        lang=stored.get("lang", "und"),
        date=stored.get("date"),
        date_kind=stored.get("date_kind"),
        score=round(float(score), 4),
        snippet=snippet.html,
        offsets=snippet.offsets,
        body_offsets=snippet.body_offsets,
        group=similar.group,
        similar=similar.count,
        similar_sources=similar.sources,
    )
