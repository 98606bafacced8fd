"""Deep paging by cursor: following `next_cursor` visits every result row exactly once, in
the order numbered pages show them, with filters, with sort=date and with near duplicates
collapsed; a cursor that is malformed, stale or from another query is refused."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from search.cursor import MAX_WINDOW, CursorError
from search.engine import Engine
from search.results import SearchRequest
from tests.search.many_pages import SOURCES, expected, number_of, published, source_of


@pytest.fixture(scope="module")
def many(many_index) -> Engine:
    return Engine(many_index)


def follow(engine: Engine, request: SearchRequest) -> list:
    """Every hit reached by following next_cursor from the request's first page."""
    results = engine.search(request)
    hits = list(results.hits)
    pages = 1
    while results.next_cursor:
        results = engine.search(replace(request, cursor=results.next_cursor))
        pages += 1
        assert results.page == pages  # the page number a cursor page stands for
        hits.extend(results.hits)
        assert pages < 1000, "the cursor does not advance"
    return hits


def test_the_cursor_visits_every_hit_once_in_page_order(many):
    request = SearchRequest(q="quarry", per_page=100, collapse=False)
    hits = follow(many, request)
    ids = [hit.id for hit in hits]
    assert len(ids) == 3000 == len(set(ids))
    numbered = []
    for page in (1, 2, 3):
        numbered += [hit.id for hit in many.search(replace(request, page=page)).hits]
    assert ids[:300] == numbered  # a cursor continues exactly where numbers would
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert many.search(request).next_cursor is not None


def test_the_cursor_follows_filters_and_newest_first(many):
    years = ("2014", "2015", "2016")
    request = SearchRequest(
        q="basalt", source=SOURCES[:4], year=years, sort="date", per_page=37, collapse=False
    )
    hits = follow(many, request)
    ids = [hit.id for hit in hits]
    assert len(ids) == len(set(ids)) == many.search(request).total > 37
    assert all(hit.source in SOURCES[:4] and hit.date[:4] in years for hit in hits)
    dates = [hit.date for hit in hits]
    assert dates == sorted(dates, reverse=True)
    wanted = {
        n
        for n in expected(3000, "basalt")
        if source_of(n) in SOURCES[:4] and str(published(n).year) in years
    }
    assert sorted(number_of(hit.title) for hit in hits) == sorted(wanted)


def test_collapsed_rows_are_each_visited_once(many):
    request = SearchRequest(q="granite", per_page=25)  # collapse is on by default
    results = many.search(request)
    hits = follow(many, request)
    groups = [hit.group for hit in hits]
    assert len(groups) == len(set(groups)) == results.rows


def test_the_last_page_has_no_cursor(many):
    results = many.search(SearchRequest(q="granite", per_page=100, collapse=False, page=3))
    assert len(results.hits) == 100 and results.next_cursor is None


def test_numbered_pages_end_where_the_cursor_takes_over(many):
    with pytest.raises(ValueError, match="next_cursor"):
        SearchRequest(q="quarry", page=MAX_WINDOW // 100 + 1, per_page=100)
    SearchRequest(q="quarry", page=MAX_WINDOW // 100, per_page=100)  # still allowed
    with pytest.raises(ValueError, match="page and cursor"):
        token = many.search(SearchRequest(q="quarry")).next_cursor
        SearchRequest(q="quarry", page=2, cursor=token)


@pytest.mark.parametrize("token", ["", "not a cursor", "WzEsMl0", "eyJhIjogMX0", "%%%"])
def test_a_malformed_cursor_is_refused_with_a_message(token):
    with pytest.raises(CursorError, match="cursor is not valid"):
        SearchRequest(q="quarry", cursor=token)


def test_a_cursor_of_another_query_is_refused(many):
    token = many.search(SearchRequest(q="quarry")).next_cursor
    with pytest.raises(CursorError, match="another query"):
        many.search(SearchRequest(q="basalt", cursor=token))
    with pytest.raises(CursorError, match="another query"):
        many.search(SearchRequest(q="quarry", sort="date", cursor=token))


def test_a_cursor_is_stale_once_the_index_changes(tmp_path):
    from indexer.write import build
    from tests.web.corpus import write_corpus

    corpus = write_corpus(tmp_path)
    build([corpus], tmp_path / "index")
    engine = Engine(tmp_path / "index")
    token = engine.search(SearchRequest(q="velmora", per_page=5)).next_cursor
    assert token
    assert engine.search(SearchRequest(q="velmora", per_page=5, cursor=token)).hits
    shutil.copy(corpus, tmp_path / "more.jsonl")  # a new file: a new commit
    build([tmp_path], tmp_path / "index")
    with pytest.raises(CursorError, match="stale"):
        engine.search(SearchRequest(q="velmora", per_page=5, cursor=token))


def test_syndicated_copies_fold_into_one_row_across_cursor_pages(rich_index):
    engine = Engine(rich_index)
    request = SearchRequest(q="velmora", per_page=5)  # 44 pages, 2 of them copies
    results = engine.search(request)
    hits = follow(engine, request)
    assert results.total == 44 and results.rows == len(hits) == 42
    assert len({hit.group for hit in hits}) == 42
    assert sum(hit.similar for hit in hits) == 2


@pytest.mark.parametrize("q", ["quarr*", "quarrx~1"])
def test_the_cursor_agrees_with_pages_for_prefix_and_fuzzy_queries(many, q):
    request = SearchRequest(q=q, per_page=100, collapse=False)
    hits = follow(many, request)
    ids = [hit.id for hit in hits]
    assert len(ids) == len(set(ids)) == many.search(request).total > 2000
    numbered = [hit.id for page in (1, 2) for hit in many.search(replace(request, page=page)).hits]
    assert ids[:200] == numbered
