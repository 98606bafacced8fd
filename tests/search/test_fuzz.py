"""Whatever is typed, the engine answers within its time limit, or refuses with a
QueryError that says why; and the answer keeps its promises: the filters hold, the page
has the hits it should, snippets are escaped. A search that runs out of time answers
with what it has, flagged partial. Examples come from tests/hostile.py."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from search.engine import Engine
from search.query import QueryError
from search.results import Results, SearchRequest
from tests.hostile import FUZZ, HOSTILE, queries, search_kwargs

TIME_LIMIT = 2.0  # the engine's, in seconds
# What a search may take past its limit: the work that is never cut short (reading the
# query, facets, the titles of one page of hits) on a machine shared by other jobs.
SLACK = 8.0


@pytest.fixture(scope="module")
def engine(rich_index) -> Engine:
    return Engine(rich_index, time_limit=TIME_LIMIT)


def search(engine: Engine, request: SearchRequest) -> Results | None:
    """The results, checked against what every answer promises; None for a QueryError."""
    started = time.perf_counter()
    try:
        results = engine.search(request)
    except QueryError as error:
        assert str(error).strip()
        results = None
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_LIMIT + SLACK, f"{elapsed:.1f} s for {request.q[:80]!r}"
    if results is not None:
        check(results)
    return results


def check(results: Results) -> None:
    request = results.request
    assert isinstance(results.parsed_query, str)
    assert all(isinstance(n, str) and n for n in results.notes)
    assert {f.name for f in results.facets} >= {"source", "lang", "year"}
    rows = results.total if results.rows is None else results.rows
    assert 0 <= rows <= results.total and results.pages >= 1
    start = (request.page - 1) * request.per_page
    if not results.partial:
        assert len(results.hits) == max(0, min(request.per_page, rows - start))
    assert len(results.hits) <= request.per_page
    assert len({h.id for h in results.hits}) == len(results.hits)
    for hit in results.hits:
        assert not request.lang or hit.lang in request.lang
        assert not request.source or hit.source in request.source
        assert not request.year or (hit.date or "")[:4] in request.year
        if request.date_from or request.date_to:
            assert hit.date and hit.date[:10] in request.dates()
        # Everything but the marks is escaped: no other tag can reach the page.
        assert "<" not in re.sub(r"</?mark>", "", hit.snippet)
    if results.partial:
        assert any("took longer than" in n for n in results.notes)


@FUZZ
@given(q=queries())
@example(q="")
@example(q="velmora")
def test_any_query_is_answered_in_time(engine, q):
    search(engine, SearchRequest(q=q))


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q[:24]) + f"…{len(q)}")
def test_hostile_queries_are_answered_in_time(engine, q):
    results = search(engine, SearchRequest(q=q))
    if len(q) > 2_000 and results is not None:
        assert any("cut to its first" in n for n in results.notes)


@settings(FUZZ, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(q=queries(), kwargs=search_kwargs())
def test_any_query_with_any_filters_paging_and_sort(engine, q, kwargs):
    search(engine, SearchRequest(q=q, **kwargs))


@FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "sort": st.text(max_size=10),
            "page": st.integers(-(10**6), 10**6),
            "per_page": st.integers(-5, 1000),
            "year": st.lists(st.text(max_size=6), max_size=2).map(tuple),
            "date_from": st.text(max_size=12),
            "date_to": st.text(max_size=12),
        },
    )
)
def test_a_request_is_valid_or_refused_with_a_message(kwargs):
    try:
        request = SearchRequest(**kwargs)
    except ValueError as error:
        assert str(error).strip()
        return
    assert request.sort in ("relevance", "date") and 1 <= request.per_page <= 100
    assert request.page >= 1 and all(len(y) == 4 and y.isascii() for y in request.year)


def test_out_of_time_a_search_answers_with_what_it_has(rich_index):
    engine = Engine(rich_index, time_limit=TIME_LIMIT)
    full = engine.search(SearchRequest(q="velmora river", per_page=5))
    assert not full.partial and full.total >= 5 and "<mark>" in full.hits[0].snippet

    # Out of time at once: the postings read for the first search are in memory, so
    # the pages are found, but the matches are not highlighted and the notes say so.
    engine.time_limit = 0
    late = engine.search(SearchRequest(q="velmora river", per_page=5, sort="date"))
    by_date = Engine(rich_index).search(SearchRequest(q="velmora river", per_page=5, sort="date"))
    assert late.partial and late.total == full.total
    assert [h.id for h in late.hits] == [h.id for h in by_date.hits]
    assert not any("<mark>" in h.snippet for h in late.hits)
    assert any("skipped highlighting the words in 5 of the hits" in n for n in late.notes)

    # Words whose postings were never read: matching stops, and says what to try.
    stopped = engine.search(SearchRequest(q="harbour festival"))
    assert stopped.partial and stopped.total == 0 and stopped.hits == ()
    assert {f.name for f in stopped.facets} >= {"source", "lang", "year"}
    assert any("fewer or rarer words" in n for n in stopped.notes)

    # A partial answer is not cached: with time again, the same search is whole.
    engine.time_limit = TIME_LIMIT
    again = engine.search(SearchRequest(q="harbour festival"))
    assert not again.partial and again.total > 0
    assert not any("took longer" in n for n in again.notes)


def test_browsing_out_of_time_is_not_partial(rich_index):
    """An empty query reads no postings and highlights nothing: nothing is left out."""
    results = Engine(rich_index, time_limit=0).search(SearchRequest())
    assert not results.partial and results.total == 44 and len(results.hits) == 10
