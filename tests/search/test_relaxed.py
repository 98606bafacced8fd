"""Relaxed matching: all words first, then most of them, rare words counting most; stop words
never required unless the query has nothing else; explicit operators always strict."""

from __future__ import annotations

import json

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema

from search.relax import ENOUGH, MinimumMatch
from search.results import SearchRequest

PAGES = {
    "hamlet": "To be, or not to be, that is the question the prince asks in the play.",
    "hamlet2": "Hamlet wonders whether to be or not to be is the better choice for him.",
    "hamlet3": "Actors learn the line to be or not to be before any other line they say.",
    "be": "Bees will be busy in the garden when the weather is warm and dry.",
    "capital": "Paris is the capital of France and its largest city by far.",
    "capital2": "The capital of France hosts the national assembly and the senate.",
    "capital3": "Tourists visit France and its capital every summer in great numbers.",
    "rare": "The zeppelin hangar near the airfield housed a giant rigid airship for years.",
    "common": "The city council met in the city hall to discuss the city budget again.",
    "panthers": "The Panthers defense gave up just 308 points in the regular season.",
    "broncos": "The Broncos offense scored many points against the Panthers last season.",
    "league": "The league announced a new schedule for the coming season of games.",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    from indexer.write import build
    from search.engine import Engine

    corpus = tmp_path_factory.mktemp("relaxed-corpus")
    lines = [{"id": key, "text": text} for key, text in PAGES.items()]
    (corpus / "pages.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8"
    )
    index_dir = tmp_path_factory.mktemp("relaxed-index")
    report = build([corpus], index_dir)
    assert report.indexed == len(lines) and not report.failed
    return Engine(index_dir)


def found(engine, q: str, **options) -> tuple[list[str], str]:
    results = engine.search(SearchRequest(q=q, **options))
    return [engine.document(h.id)["external_id"] for h in results.hits], results.matching


def test_a_query_whose_words_all_match_enough_pages_is_not_relaxed(engine):
    pages, matching = found(engine, "capital France")
    assert sorted(pages) == ["capital", "capital2", "capital3"] and matching == "all"


def test_a_query_whose_words_match_too_few_pages_is_relaxed(engine):
    assert ENOUGH > 1
    pages, matching = found(engine, "zeppelin airship")
    assert pages == ["rare"] and matching == "relaxed"  # too few, but nothing more to find


def test_stop_words_do_not_block_a_match(engine):
    pages, matching = found(engine, "what is the capital of france")
    assert sorted(pages) == ["capital", "capital2", "capital3"] and matching == "all"


def test_a_query_of_stop_words_only_needs_all_of_them(engine):
    pages, matching = found(engine, "to be or not to be")
    assert sorted(pages) == ["hamlet", "hamlet2", "hamlet3"] and matching == "all"


def test_a_question_is_relaxed_when_all_words_find_too_few(engine):
    pages, matching = found(engine, "How many points did the Panthers defense allow?")
    assert matching == "relaxed"
    assert pages[0] == "panthers"


def test_rare_words_count_more_than_common_ones(engine):
    # "zeppelin hangar" are rare, "city" common: the page with most of the rare words wins,
    # and a page with only the common word does not match at all while rare words match.
    pages, matching = found(engine, "zeppelin hangar city")
    assert matching == "relaxed"
    assert pages[0] == "rare"
    assert "common" not in pages[:1]


def test_relaxed_matching_never_drops_a_phrase(engine):
    pages, _ = found(engine, '"gave up" Panthers points league')
    assert pages == ["panthers"]
    assert found(engine, '"points scored" Panthers season')[0] == []


def test_relaxed_matching_never_lets_a_negated_word_in(engine):
    pages, matching = found(engine, "Panthers points season schedule -Broncos")
    assert matching == "relaxed" and "broncos" not in pages and pages


def test_relaxed_matching_keeps_or_groups_and_fields_required(engine):
    pages, _ = found(engine, "(Broncos OR zeppelin) points season league")
    assert set(pages) <= {"broncos", "rare"} and "broncos" in pages
    pages, _ = found(engine, "title:Broncos points league schedule")
    assert pages == ["broncos"]


def test_too_few_is_counted_after_the_filters(engine):
    assert found(engine, "capital France", lang=("en",))[1] == "all"
    assert found(engine, "capital France", lang=("de",)) == ([], "relaxed")


# --- MinimumMatch on a bare Whoosh index -------------------------------------------------------


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory):
    schema = Schema(id=ID(stored=True), body=TEXT())
    ix = whoosh_index.create_in(str(tmp_path_factory.mktemp("minimum")), schema)
    with ix.writer() as writer:
        for doc_id in ("xy", "x", "y", "z", "xyz"):
            writer.add_document(id=doc_id, body=" ".join(c * 2 for c in doc_id))  # xy: xx yy
    with ix.searcher() as searcher:
        yield searcher


def minimum(searcher, weights: dict[str, float], least: float) -> list[str]:
    terms = [wq.Term("body", t * 2) for t in weights]
    query = MinimumMatch(terms, list(weights.values()), least)
    return sorted(searcher.stored_fields(d)["id"] for d in searcher.docs_for_query(query))


def test_minimum_match_keeps_documents_whose_weights_reach_the_minimum(searcher):
    assert minimum(searcher, {"x": 1.0, "y": 1.0, "z": 1.0}, 2.0) == ["xy", "xyz"]
    assert minimum(searcher, {"x": 2.0, "y": 1.0}, 2.0) == ["x", "xy", "xyz"]
    assert minimum(searcher, {"x": 1.0, "y": 1.0}, 0.5) == ["x", "xy", "xyz", "y"]


def test_minimum_match_scores_weightless_terms_without_counting_them(searcher):
    query = MinimumMatch([wq.Term("body", "xx"), wq.Term("body", "zz")], [1.0, 0.0], 1.0)
    results = searcher.search(query)
    assert {r["id"] for r in results} == {"x", "xy", "xyz"}
    assert results[0]["id"] == "xyz"  # z adds to the score of the pages x lets in
