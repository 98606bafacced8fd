"""Did you mean: corrections for queries that find (almost) nothing, on the seed pages."""

from __future__ import annotations

import pytest

from search.query import tokenize
from search.results import SearchRequest
from search.suggest import FEW_HITS, correctable_words


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [
        ("abductoin", "abduction"),  # a transposition; the index only holds the stem abduct
        ("Abductoin", "Abduction"),
        ("ABDUCTOIN", "ABDUCTION"),
        ("koreaa", "korea"),
        ("japnese", "japanese"),
        ("yokotta", "yokota"),
        ("secrte talks", "secret talks"),
        ("abductoin korea", "abduction korea"),  # only the word with few hits changes
        ("title:abductoin OR twitter", "title:abduction OR twitter"),  # the rest stays as typed
    ],
)
def test_misspelled_words_are_corrected(engine, q, suggestion):
    results = engine.search(SearchRequest(q=q))
    assert results.total < FEW_HITS
    assert results.suggestion == suggestion
    assert engine.search(SearchRequest(q=suggestion)).total > results.total


@pytest.mark.parametrize("q", ["korea", "abduction", "north korea japan"])
def test_no_suggestion_for_a_query_with_enough_hits(engine, q):
    results = engine.search(SearchRequest(q=q))
    assert results.total >= FEW_HITS and results.suggestion is None


@pytest.mark.parametrize(
    "q",
    [
        "qqqqqq",  # nothing near
        "yokota",  # one hit, and no nearer word finds more
        '"abductoin"',  # phrases are left as typed
        "abd*",
        "abductoin~0",
        "source:abductoin",  # keyword values are not words
    ],
)
def test_no_suggestion_when_nothing_better_is_near(engine, q):
    assert engine.search(SearchRequest(q=q)).suggestion is None


def test_the_suggestion_must_find_more_with_the_same_filters(engine):
    assert engine.search(SearchRequest(q="abductoin", source=("ins批量协议号",))).suggestion == (
        "abduction"
    )
    assert engine.search(SearchRequest(q="abductoin", year=("1999",))).suggestion is None


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ("north korea", ["north", "korea"]),
        ("-japan korea NOT talks", ["korea"]),
        ("source:x lang:(en de) title:japan (korea OR talks)", ["japan", "korea", "talks"]),
        ('"north korea" abd* koreaa~ mp3 東京', []),
        ("-(japan korea) talks", ["talks"]),
    ],
)
def test_which_words_may_be_corrected(q, words):
    assert [t.text for t in correctable_words(tokenize(q))] == words
