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
    # Disjunctive: the source facet is counted without its own filter, so the other
    # source stays on offer with what a click would add.
    assert [(v.value, v.count, v.selected) for v in source.values] == [
        ("unknown", 2, False),
        ("ins批量协议号", 1, True),
    ]
    lang = next(f for f in results.facets if f.name == "lang")
    assert [(v.value, v.count) for v in lang.values] == [("en", 1)]  # other facets: filtered


def test_facet_counts_match_the_hits(engine):
    results = engine.search(SearchRequest(q="korea", per_page=100))
    for facet in results.facets:
        if facet.name == "template":  # counts sources per chrome line: tests/search/test_facets
            continue
        counted: dict[str, int] = {}
        for hit in results.hits:
            value = {
                "source": hit.source,
                "lang": hit.lang,
                "year": hit.date[:4] if hit.date else None,
                "host": engine.document(hit.id).get("host"),
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


@pytest.mark.parametrize("q", ["*", "!!!", "— …", "-", "OR OR", '""', "“”", "~", "NOT", "( )"])
def test_queries_with_nothing_to_search_are_refused_clearly(engine, q):
    with pytest.raises(QueryError, match="Nothing to search for"):
        engine.search(SearchRequest(q=q))


@pytest.mark.parametrize(
    ("q", "reading", "total"),
    [
        ('"north korea', '"north korea"', 3),
        ("(korea", "korea", 3),
        ("korea)", "korea", 3),
        ("korea OR", "korea", 3),
        ("OR korea OR OR", "korea", 3),
        ("foo:korea", "korea", 3),
        ("korea *", "korea", 3),
        ("korea -", "korea", 3),
        ('korea ""', "korea", 3),
        ("yokota a*", "yokota a", 1),
        ('"secret talk" (', '"secret talk"', 1),
    ],
)
def test_malformed_syntax_is_read_leniently(engine, q, reading, total):
    results = engine.search(SearchRequest(q=q))
    assert (results.parsed_query, results.total) == (reading, total)


@pytest.mark.parametrize(
    ("q", "note"),
    [
        ("foo:korea", 'Unknown field "foo:"'),
        ("korea *", 'Ignored "*"'),
        ("yokota a*", "a prefix needs 3 letters"),
    ],
)
def test_lenient_readings_say_what_changed(engine, q, note):
    (said,) = engine.search(SearchRequest(q=q)).notes
    assert note in said


def test_prefix_matches_the_words_it_starts(engine):
    assert engine.search(SearchRequest(q="abd*")).total == 3
    assert engine.search(SearchRequest(q="yoko*")).total == 1
    assert engine.search(SearchRequest(q="Yoko*")).parsed_query == "Yoko*"
    assert engine.search(SearchRequest(q="zzyzx*")).total == 0
    assert engine.search(SearchRequest(q="korea -yoko*")).total == 2
    assert titles(engine.search(SearchRequest(q="title:abduc*"))) == {TITLES["000"], TITLES["004"]}


def test_prefix_of_a_whole_word_matches_the_word(engine):
    # The index holds stems (abduct); "abductions*" must still find "abductions".
    assert engine.search(SearchRequest(q="abductions*")).total == 3


def test_prefix_on_keyword_fields(engine):
    assert titles(engine.search(SearchRequest(q="source:ins* korea"))) == {TITLES["003"]}
    assert engine.search(SearchRequest(q="year:20* korea")).total == 2


def test_fuzzy_words_find_near_spellings(engine):
    results = engine.search(SearchRequest(q="koreaa~"))
    assert results.total == 3 and results.parsed_query == "koreaa~2"
    assert engine.search(SearchRequest(q="koreaa")).total == 0
    assert engine.search(SearchRequest(q="yokta~")).total == 1
    assert engine.search(SearchRequest(q="yokta~0")).total == 0
    (hit,) = engine.search(SearchRequest(q="yokotta~1")).hits
    assert "Yokota</mark>" in hit.snippet  # the expansion is highlighted


def test_relevance_ties_break_newest_first_in_the_seeds(engine):
    # An empty query scores every page the same: newest first, undated last.
    results = engine.search(SearchRequest(q=""))
    assert [h.title for h in results.hits] == [TITLES["003"], TITLES["004"], TITLES["000"]]


def test_seed_files_exist():
    assert SEED_000.exists() and SEED_003.exists() and SEED_004.exists()


# --- a small multilingual corpus written for these tests ---------------------------------

ZORK_WORDS = [f"zork{a}{b}" for a in "bcdfghkmpt" for b in "bcdfghkmpt"]  # 100 words


def page(doc_id: str, title: str, body: str, date: str, source: str = "Fixture") -> dict:
    html = f"<html><head><title>{title}</title></head><body><p>{body}</p></body></html>"
    return {"id": doc_id, "source": source, "date": date, "html": html}


MIXED = [
    # Same length, one "harbour" each in the body, no title match: equal scores.
    page("tie-2015", "Old town notes", "The harbour was quiet and the boats were resting "
         "along the grey stone walls of the old town.", "2015-03-01"),
    page("tie-2021", "Market day notes", "The harbour was busy and the boats were leaving "
         "along the long stone walls of the new town.", "2021-03-01"),
    page("tie-2018", "Fishing news notes", "The harbour was empty and the boats were waiting "
         "along the high stone walls of the east town.", "2018-03-01"),
    # German: "Hafen" in one title, in the other's body.
    page("de-title", "Der Hafen im Winter", "Im Winter liegen die Schiffe still und die "
         "Fischer reparieren ihre Netze, bis das Eis auf dem Fluss wieder schmilzt.",
         "2019-02-02", "Die Zeitung"),
    page("de-body", "Der Winter im Norden", "Im Winter liegen die Schiffe im Hafen still und "
         "die Fischer reparieren ihre Netze, bis das Eis auf dem Fluss schmilzt.",
         "2019-02-02", "Die Zeitung"),
    # Chinese: the phrase 北方的河流 in one page, its words apart in the other.
    page("zh-phrase", "北方的河流", "北方的河流每年春天都会泛滥，住在河岸边的"
         "农民已经学会了在季节后期播种。工程师们去年修建了新的堤坝，但是水位比预期"
         "的更高。", "2020-05-06", "新闻网"),
    page("zh-apart", "春天的农民", "每年春天，北方的农民都会去看河流的水位。"
         "工程师们说，新的堤坝可以保护村庄，但是的确需要更多的时间来修建。",
         "2020-06-07", "新闻网"),
    # Japanese.
    page("ja", "北の川", "北の川は毎年春に氾濫し、川岸に住む農家は季節の後半に植えることを"
         "学びました。技術者は昨年新しい堤防を建設しました。", "2018-01-02", "ニュース"),
    # More index terms starting "zork" than a prefix may expand to; zorktt is the most frequent.
    page("zork-all", "Zork glossary", "The glossary lists " + " ".join(ZORK_WORDS) + ".",
         "2017-01-01"),
    page("zork-1", "Zork letters one", "The letters mention zorktt twice: zorktt again, "
         "and nothing else of the kind at all.", "2017-01-02"),
    page("zork-2", "Zork letters two", "The second letter mentions zorktt only once, in "
         "passing, with a few words about the weather.", "2017-01-03"),
]  # fmt: skip


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory):
    import json

    from indexer.write import build
    from search.engine import Engine

    corpus = tmp_path_factory.mktemp("mixed-corpus")
    lines = [json.dumps(p, ensure_ascii=False) for p in MIXED]
    (corpus / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("mixed-index")
    report = build([corpus], index_dir)
    assert report.indexed == len(MIXED) and not report.failed
    return Engine(index_dir)


def ids(results) -> list[str]:
    return [hit.id.split("-id-")[1].rsplit("-", 1)[0] for hit in results.hits]


@pytest.mark.parametrize(
    ("lang", "pages"),
    [("de", 2), ("zh", 2), ("ja", 1)],
)
def test_the_fixture_pages_are_in_the_languages_intended(mixed, lang, pages):
    assert mixed.search(SearchRequest(q=f"lang:{lang}")).total == pages


def test_equal_scores_are_ordered_newest_first(mixed):
    results = mixed.search(SearchRequest(q="harbour"))
    assert ids(results) == ["tie-2021", "tie-2018", "tie-2015"]
    assert len({hit.score for hit in results.hits}) == 1


def test_sort_by_date_is_newest_first(mixed):
    results = mixed.search(SearchRequest(q="zorktt", sort="date"))
    assert ids(results) == ["zork-2", "zork-1", "zork-all"]
    assert mixed.search(SearchRequest(q="zorktt")).hits[0].id != results.hits[0].id


def test_title_matches_rank_first_in_other_languages(mixed):
    assert ids(mixed.search(SearchRequest(q="hafen"))) == ["de-title", "de-body"]
    assert ids(mixed.search(SearchRequest(q="北方的河流")))[0] == "zh-phrase"


@pytest.mark.parametrize(
    "q", ['"北方的河流"', "“北方的河流”", "「北方的河流」", 'title:"北方的河流"']
)
def test_chinese_phrases(mixed, q):
    assert ids(mixed.search(SearchRequest(q=q))) == ["zh-phrase"]


def test_chinese_words_without_quotes_are_anded(mixed):
    assert set(ids(mixed.search(SearchRequest(q="北方 河流")))) == {"zh-phrase", "zh-apart"}


def test_japanese_words_and_prefixes(mixed):
    assert ids(mixed.search(SearchRequest(q="堤防"))) == ["ja"]
    assert "ja" in ids(mixed.search(SearchRequest(q="堤*")))


def test_prefix_expansion_is_capped_to_the_most_frequent_terms(mixed):
    from search.query import MAX_EXPANSIONS

    results = mixed.search(SearchRequest(q="zork*"))
    # zorktt is among the most frequent, so the two pages with only it are found.
    assert set(ids(results)) == {"zork-all", "zork-1", "zork-2"}
    (note,) = results.notes
    assert f"searched the most frequent {MAX_EXPANSIONS}" in note
    assert "zork*" in note and "matches 10" in note  # 100 words and more
    assert results.parsed_query == "zork*"


def test_a_prefix_with_few_terms_is_not_capped(mixed):
    results = mixed.search(SearchRequest(q="zorkt*"))
    assert results.notes == () and results.total == 3
