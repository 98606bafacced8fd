"""The one entry point of the read side: `Engine(index_dir).search(SearchRequest) -> Results`."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.searching import Searcher

from search.analysis import FAMILIES, family_for
from search.query import Compiled, compile_query
from search.results import Facet, FacetValue, Hit, Results, SearchRequest
from search.schema import FACET_FIELDS, body_field, title_field
from search.snippets import snippet

FACET_LIMIT = 20


class IndexMissing(Exception):
    """There is no index at the given directory yet."""


class Engine:
    """Keeps one Whoosh searcher per thread and refreshes it when the index changes
    (a new Searcher costs 25-70 ms; a refresh of an up-to-date one costs nothing)."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        if not whoosh_index.exists_in(str(self.index_dir)):
            raise IndexMissing(
                f"no index in {self.index_dir}: run `sifter index CORPUS "
                f"--index {self.index_dir}` first"
            )
        self._index = whoosh_index.open_dir(str(self.index_dir))
        self._local = threading.local()

    def searcher(self) -> Searcher:
        current = getattr(self._local, "searcher", None)
        if current is None:
            current = self._index.searcher()
        elif not current.up_to_date():
            current = current.refresh()
        self._local.searcher = current
        return current

    def families(self, searcher: Searcher) -> tuple[str, ...]:
        """The language families that have any text in the index: the fields worth querying."""
        indexed = set(searcher.reader().indexed_field_names())
        return tuple(f for f in FAMILIES if body_field(f) in indexed or title_field(f) in indexed)

    def search(self, request: SearchRequest) -> Results:
        started = time.perf_counter()
        searcher = self.searcher()
        compiled = compile_query(request.q, searcher.reader(), self.families(searcher))
        limit = request.page * request.per_page
        sortedby = _sort(request, not request.q.strip())
        results = searcher.search(
            compiled.query,
            filter=_filter(request),
            limit=limit,
            sortedby=sortedby,
            groupedby={
                name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACET_FIELDS
            },
        )
        start = (request.page - 1) * request.per_page
        # Slice: iterating all results would load and highlight every hit (TRAPS.md).
        hits = tuple(_hit(hit, compiled, _score(hit, sortedby)) for hit in results[start:limit])
        facets = tuple(
            _facet(name, results.groups(name), request.filters()[name]) for name in FACET_FIELDS
        )
        return Results(
            request=request,
            parsed_query=compiled.reading,
            total=len(results),
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=hits,
            facets=facets,
            notes=compiled.notes,
        )

    def document(self, doc_id: str) -> dict | None:
        """Every stored field of one document, or None."""
        return self.searcher().document(id=doc_id)

    def count(self) -> int:
        return self.searcher().doc_count()


def _filter(request: SearchRequest) -> wq.Query | None:
    clauses = [
        wq.Or([wq.Term(name, v) for v in values])
        for name, values in request.filters().items()
        if values
    ]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)


def _sort(request: SearchRequest, browsing: bool) -> list[sorting.FacetType]:
    newest_first = sorting.FieldFacet("date", reverse=True)
    if request.sort == "date" or browsing:  # with no query, relevance means nothing
        return [newest_first, sorting.ScoreFacet()]
    return [sorting.ScoreFacet(), newest_first]


def _score(hit, sortedby: list[sorting.FacetType]) -> float:
    """The relevance score; with `sortedby`, Whoosh's hit.score is the sort key, in which
    ScoreFacet holds the negated score."""
    position = next(i for i, f in enumerate(sortedby) if isinstance(f, sorting.ScoreFacet))
    return round(-float(hit.score[position]), 4)


def _hit(hit, compiled: Compiled, score: float) -> Hit:
    stored = hit.fields()
    family = family_for(stored.get("lang", "und"))
    body_terms = compiled.terms.get(body_field(family), set())
    analyzer = hit.searcher.schema[body_field(family)].analyzer
    return Hit(
        id=stored["id"],
        title=stored.get("title", ""),
        url=stored.get("url"),
        source=stored.get("source", "unknown"),
        lang=stored.get("lang", "und"),
        date=stored.get("date"),
        date_kind=stored.get("date_kind"),
        score=score,
        snippet=snippet(stored.get("body", ""), body_terms, analyzer),
    )


def _facet(name: str, counts: dict, selected: tuple[str, ...]) -> Facet:
    values = {str(k): int(v) for k, v in counts.items() if k not in (None, "", b"")}
    for value in selected:  # a selected value stays visible (and removable) at count 0
        values.setdefault(value, 0)
    if name == "year":
        order = sorted(values, reverse=True)
    else:
        order = sorted(values, key=lambda v: (-values[v], v))
    shown = [v for v in order if v in selected] + [v for v in order if v not in selected]
    shown = shown[: max(FACET_LIMIT, len(selected))]
    shown.sort(key=order.index)
    return Facet(
        name=name,
        values=tuple(FacetValue(v, values[v], v in selected) for v in shown),
        others=len(values) - len(shown),
    )
