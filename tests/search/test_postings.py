"""The array evaluator finds exactly what Whoosh's matchers find, with Whoosh's scores."""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import collectors

from search.postings import Evaluator, Matches, PostingsCache, count_groups, top_documents
from search.query import compile_query
from tests.search.test_engine import mixed  # noqa: F401 - the fixture is used below

QUERIES = [
    "harbour",
    "harbour boats",
    "harbour OR hafen",
    "harbour -busy",
    "-harbour",
    "(harbour OR winter) -empty",
    '"the harbour was"',
    '"stone walls"',
    '"walls stone"',
    "title:notes",
    "lang:de",
    "source:Fixture harbour",
    "北方的河流",
    '"北方的河流"',
    "北方 河流",
    "堤防",
    "堤*",
    "zork*",
    "zorktt~",
    "hafen NOT winter",
    "",
]


def whoosh_matches(searcher, query) -> dict[int, float]:
    collector = collectors.TopCollector(limit=10**9, usequality=False)
    searcher.search_with_collector(query, collector)
    return {hit.docnum: hit.score for hit in collector.results()}


@pytest.mark.parametrize("q", QUERIES)
def test_same_documents_and_scores_as_whoosh(mixed, q):  # noqa: F811
    searcher = mixed.searcher()
    query = compile_query(q, searcher.reader(), mixed.families(searcher)).query
    expected = whoosh_matches(searcher, query)
    cache = PostingsCache(2**20)
    # Without a cache, then twice with one (filled, then read).
    for evaluator in (Evaluator(searcher), Evaluator(searcher, cache), Evaluator(searcher, cache)):
        found = evaluator.match(query)
        assert list(found.docs) == sorted(expected)
        for docnum, score in zip(found.docs.tolist(), found.scores.tolist(), strict=True):
            assert score == pytest.approx(expected[docnum], rel=1e-12)


def test_the_postings_cache_keeps_to_its_size():
    cache = PostingsCache(1000)
    for n in range(10):
        cache.put(n, str(n), 200)
    assert cache.size <= 1000 and cache.get(9) == "9" and cache.get(0) is None
    cache.put("huge", "x", 400)  # over a quarter of the cache: not kept
    assert cache.get("huge") is None


def brute_force_top(matches, allowed, newest, by_date, groups, limit):
    entries = []
    for docnum, score in zip(matches.docs.tolist(), matches.scores.tolist(), strict=True):
        if allowed is not None and docnum not in allowed:
            continue
        key = (newest[docnum], score) if by_date else (score, newest[docnum])
        entries.append((key, -docnum, score))
    entries.sort(reverse=True)
    if groups is not None:
        best = {}
        for entry in entries:
            best.setdefault(groups[-entry[1]], entry)
        entries = sorted(best.values(), reverse=True)
    return [(-negated, score) for _, negated, score in entries[:limit]]


@pytest.mark.parametrize("seed", range(12))
def test_the_page_of_hits_is_the_best_by_score_date_and_index_order(seed):
    rng = random.Random(seed)
    size = rng.choice([5, 40, 400])
    docs = np.array(sorted(rng.sample(range(1000), size)), dtype=np.int64)
    scores = np.array([rng.choice([1.0, 1.5, 2.0, rng.random()]) for _ in docs])  # many ties
    newest = np.array([rng.choice([-1, 3, 7, rng.randrange(50)]) for _ in range(1000)])
    groups = np.array([rng.randrange(size // 2 + 1) for _ in range(1000)], dtype=np.int64)
    allowed = docs[::2] if seed % 3 == 0 else None
    for by_date in (False, True):
        for grouped in (None, groups):
            for limit in (1, 10, 30):
                got = top_documents(Matches(docs, scores), allowed, newest, by_date, grouped, limit)
                allowed_set = None if allowed is None else set(allowed.tolist())
                want = brute_force_top(
                    Matches(docs, scores), allowed_set, newest, by_date, grouped, limit
                )
                assert got == want


def test_groups_are_counted_once():
    groups = np.array([0, 1, 1, 2, 0, 5], dtype=np.int64)
    assert count_groups(groups, np.array([0, 1, 2, 4], dtype=np.int64)) == 2
    assert count_groups(groups, np.zeros(0, dtype=np.int64)) == 0
