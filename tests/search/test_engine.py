"""Searching the bundled corpus through the engine, as the web and CLI do."""

from __future__ import annotations

import re

import pytest

from search.query import QueryError
from search.results import SearchRequest
from tests.conftest import SEED_000, SEED_003, SEED_004

TITLES = {
    "000": "Abduction of Japanese Citizens by North Korea",
    "003": "Japan holds secret talks with NK: report",
    "004": "North Korea Apologizes For Japanese Abductions",
}


def titles(results) -> set[str]:
    return {hit.title for hit in results.hits}


@pytest.mark.parametrize("word", ["abduction", "abductions", "abducted", "Abduction", "ABDUCTED"])
def test_inflections_find_all_three_pages(engine, word):
    results = engine.search(SearchRequest(q=word))
    assert results.total == 3
    assert titles(results) == set(TITLES.values())


def test_chrome_is_not_searchable(engine):
    for words in ("联系我们", "全国咨询热线", "Powered", "sitemap", "latest updates"):
        assert engine.search(SearchRequest(q=words)).total == 0, words


def test_source_filter_returns_only_seed_003(engine):
    results = engine.search(SearchRequest(q="abduction", source=("ins批量协议号",)))
    assert [hit.title for hit in results.hits] == [TITLES["003"]]
    source = next(f for f in results.facets if f.name == "source")
    assert [(v.value, v.count, v.selected) for v in source.values] == [("ins批量协议号", 1, True)]


def test_facet_counts_match_the_hits(engine):
    results = engine.search(SearchRequest(q="korea", per_page=100))
    for facet in results.facets:
        counted: dict[str, int] = {}
        for hit in results.hits:
            value = {
                "source": hit.source,
                "lang": hit.lang,
                "year": hit.date[:4] if hit.date else None,
            }[facet.name]
            if value:
                counted[value] = counted.get(value, 0) + 1
        assert {v.value: v.count for v in facet.values} == counted, facet.name
    years = next(f for f in results.facets if f.name == "year")
    assert [v.value for v in years.values] == ["2024", "2016"]


def test_year_and_lang_filters(engine):
    assert titles(engine.search(SearchRequest(q="korea", year=("2016",)))) == {TITLES["004"]}
    assert engine.search(SearchRequest(q="korea", lang=("en",))).total == 3
    assert engine.search(SearchRequest(q="korea", lang=("zh",))).total == 0


def test_snippets_mark_matches_and_escape_the_rest(engine):
    (hit,) = engine.search(SearchRequest(q="Yokota")).hits
    assert "<mark" in hit.snippet and "Yokota</mark>" in hit.snippet
    assert "<" not in hit.snippet.replace("<mark", "").replace("</mark>", "")


def test_stemmed_snippet_marks_the_inflected_word(engine):
    results = engine.search(SearchRequest(q="apologize"))
    assert titles(results) == {TITLES["004"]}
    marked = re.findall(r"<mark[^>]*>([^<]*)</mark>", results.hits[0].snippet)
    assert len(marked) >= 2 and all(m.lower().startswith("apologi") for m in marked)
    assert {"apologizes", "apologized"} & {m.lower() for m in marked}


def test_phrases_negation_or_and_fields(engine):
    assert titles(engine.search(SearchRequest(q='"secret talk"'))) == {TITLES["003"]}
    assert engine.search(SearchRequest(q='"talk secret"')).total == 0
    assert titles(engine.search(SearchRequest(q="abduction -twitter"))) == {
        TITLES["003"],
        TITLES["004"],
    }
    assert titles(engine.search(SearchRequest(q="twitter OR koizumi"))) == {
        TITLES["000"],
        TITLES["004"],
    }
    assert titles(engine.search(SearchRequest(q="title:abductions"))) == {
        TITLES["000"],
        TITLES["004"],
    }
    assert engine.search(SearchRequest(q="source:ins批量协议号 korea")).total == 1
    assert engine.search(SearchRequest(q="lang:EN korea")).total == 3


def test_title_matches_rank_first(engine):
    results = engine.search(SearchRequest(q="apologizes japanese"))
    assert results.hits[0].title == TITLES["004"]


def test_sort_by_date_newest_first_undated_last(engine):
    results = engine.search(SearchRequest(q="korea", sort="date"))
    assert [h.title for h in results.hits] == [TITLES["003"], TITLES["004"], TITLES["000"]]


def test_empty_query_lists_every_document(engine):
    results = engine.search(SearchRequest(q=""))
    assert results.total == 3 and results.parsed_query == ""


def test_paging(engine):
    first = engine.search(SearchRequest(q="korea", per_page=2))
    second = engine.search(SearchRequest(q="korea", per_page=2, page=2))
    assert first.total == second.total == 3 and first.pages == 2
    assert len(first.hits) == 2 and len(second.hits) == 1
    assert not titles(first) & titles(second)


@pytest.mark.parametrize("q", ["*", "!!!", "— …"])
def test_queries_with_nothing_to_search_are_refused_clearly(engine, q):
    with pytest.raises(QueryError, match="Nothing to search for"):
        engine.search(SearchRequest(q=q))


@pytest.mark.parametrize("q", ['"north korea', "(korea", "korea)", "korea OR", "foo:korea"])
def test_malformed_syntax_is_read_leniently(engine, q):
    results = engine.search(SearchRequest(q=q))
    assert results.parsed_query


def test_seed_files_exist():
    assert SEED_000.exists() and SEED_003.exists() and SEED_004.exists()
