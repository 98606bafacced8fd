"""Proximity: `"a b"~N` finds the words in order with at most N other words between each
two, in English, in Chinese (jieba words) and in Japanese (character bigrams); and the
NumPy matcher (search.postings) agrees with Whoosh's own phrase matcher, which serves
the queries the NumPy one does not know."""

from __future__ import annotations

import json

import pytest

from search.engine import Engine
from search.postings import Evaluator
from search.query import MAX_SLOP, QueryError, compile_query, read
from search.results import SearchRequest

PAGES = {
    "en-fox": "The quick brown fox jumps over the lazy dog. "
    "Nobody in the village had ever seen an animal move so fast across the meadow. "
    "The farmers talked about it for weeks at the market.",
    "en-far": "Quick thinking saved the day when the old bridge began to shake. "
    "The engineers closed it at once, and the ferry took the cars across the river. "
    "Weeks later a fox was seen sleeping under the new bridge.",
    "zh-policy": "经济发展需要长期稳定的政策支持。"
    "这座城市的居民每天早上都去公园散步。"
    "学校的老师们认为孩子们应该多读书。",
    "zh-other": "政策研究中心今年发布了新的报告。"
    "专家们认为农村的经济还有很大的潜力。"
    "许多年轻人选择回到家乡创业。",
    "ja-study": "東京の大学で日本語を勉強する。"
    "毎朝、駅の近くの喫茶店でコーヒーを飲みながら新聞を読みます。"
    "週末には友達と一緒に山へ行くのが好きです。",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from indexer.write import build

    corpus = tmp_path_factory.mktemp("proximity-corpus")
    lines = [
        json.dumps({"id": key, "text": text}, ensure_ascii=False) for key, text in PAGES.items()
    ]
    (corpus / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("proximity-index")
    report = build([corpus], index_dir)
    assert report.indexed == len(PAGES) and not report.failed
    return Engine(index_dir)


def found(engine: Engine, q: str) -> set[str]:
    """The pages (by their JSONL id) a query finds, checking on the way that Whoosh's own
    matchers find exactly the same documents as the NumPy evaluator."""
    searcher = engine.searcher()
    compiled = compile_query(q, searcher.reader(), engine.families(searcher))
    evaluated, _ = Evaluator(searcher).evaluate(compiled.query)
    by_whoosh = sorted(searcher.docs_for_query(compiled.query))
    assert evaluated.docs.tolist() == by_whoosh, q
    results = engine.search(SearchRequest(q=q, per_page=100, collapse=False))
    assert results.total == len(by_whoosh)
    return {_external(engine, hit.id) for hit in results.hits}


def _external(engine: Engine, doc_id: str) -> str:
    return engine.document(doc_id)["external_id"]


def test_the_fixture_pages_are_read_in_their_languages(engine):
    langs = {_external(engine, d["id"]): d["lang"] for d in engine.searcher().all_stored_fields()}
    assert langs == {
        "en-fox": "en",
        "en-far": "en",
        "zh-policy": "zh",
        "zh-other": "zh",
        "ja-study": "ja",
    }


def test_english_within_the_slop_and_a_near_miss_beyond_it(engine):
    assert found(engine, '"quick fox"') == set()  # brown stands between them
    assert found(engine, '"quick fox"~1') == {"en-fox"}
    # quick … dog: brown fox jumps over the lazy, six words between
    assert found(engine, '"quick dog"~6') == {"en-fox"}
    assert found(engine, '"quick dog"~5') == set()
    # en-far has both words, 30 words apart: only a wide window reaches it
    assert found(engine, '"quick fox"~40') == {"en-fox", "en-far"}


def test_the_words_must_come_in_the_order_written(engine):
    assert found(engine, '"fox quick"~3') == set()
    assert found(engine, '"brown quick"~50') == set()


def test_stemmed_words_match_inside_the_window(engine):
    assert found(engine, '"fox jumping"~0') == {"en-fox"}  # jumping → jump
    assert found(engine, '"foxes lazy"~3') == {"en-fox"}


def test_chinese_words_from_jieba(engine):
    # 经济 发展 需要 长期 稳定 的 政策: five words between 经济 and 政策
    assert found(engine, '"经济 政策"~5') == {"zh-policy"}
    assert found(engine, '"经济 政策"~4') == set()
    assert found(engine, '"长期 政策"~2') == {"zh-policy"}
    # zh-other has both words, in the other order and sentences apart
    assert found(engine, '"政策 经济"~5') == set()
    assert found(engine, "经济 政策") == {"zh-policy", "zh-other"}


def test_japanese_bigrams(engine):
    # 東京 京の の大 大学 学で で日 日本 本語 語を を勉 勉強: nine bigrams between
    assert found(engine, '"東京 勉強"~9') == {"ja-study"}
    assert found(engine, '"東京 勉強"~8') == set()


def test_proximity_in_other_quotes_and_with_fields(engine):
    assert found(engine, "“quick fox”~1") == {"en-fox"}
    assert found(engine, "「经济 政策」~5") == {"zh-policy"}
    assert found(engine, '-"quick dog"~6 fox') == {"en-far"}


def test_the_reading_shows_the_window_and_caps_it():
    reading = read('"quick fox"~5 and')
    assert reading.node.nodes[0].slop == 5 and reading.node.nodes[0].phrase
    huge = read('"quick fox"~999')
    assert huge.node.slop == MAX_SLOP
    assert any("~999" in note for note in huge.notes)


def test_parsed_query_says_how_it_was_read(engine):
    results = engine.search(SearchRequest(q='"quick   fox"~2 dog'))
    assert results.parsed_query == '"quick   fox"~2 dog'
    assert results.total == 1


@pytest.mark.parametrize(
    ("q", "reading", "pages"),
    [
        ('"quick fox"~', '"quick fox"', 0),  # a bare ~ is a symbol: dropped, with a note
        ('"quick brown~2', '"quick brown~2"', 0),  # unclosed: "~2" is a word of the phrase
        ('"fox"~7', '"fox"~7', 2),  # one word: the window changes nothing
        ('"quick dog"~06', '"quick dog"~6', 1),
    ],
)
def test_odd_tildes_are_read_leniently(engine, q, reading, pages):
    results = engine.search(SearchRequest(q=q))
    assert (results.parsed_query, results.total) == (reading, pages)


def test_an_empty_phrase_with_a_window_is_a_clear_error(engine):
    with pytest.raises(QueryError, match="Nothing to search"):
        engine.search(SearchRequest(q='""~4'))
