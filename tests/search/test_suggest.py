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
    assert strict_total(engine, q) < FEW_HITS
    assert results.suggestion == suggestion
    # Relaxed matching (search/relax.py) may find pages with some of the words for both
    # queries; the correction finds more pages with all of them.
    assert strict_total(engine, suggestion) > strict_total(engine, q)


def strict_total(engine, q: str) -> int:
    """Pages with every word of q: the count a correction is judged by."""
    from search.query import compile_query

    searcher = engine.searcher()
    compiled = compile_query(q, searcher.reader(), engine.families(searcher))
    return len(list(searcher.docs_for_query(compiled.query)))


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


def test_an_index_with_japanese_korean_and_chinese_pages_still_suggests(tmp_path):
    # wordfreq needs MeCab for Japanese and Korean: those languages must not be asked.
    from indexer.write import build
    from search.engine import Engine

    pages = {
        "ja.txt": "漁師と料理人が海沿いの村から港祭りにやって来た。祭りはまる三日間続いた。",
        "ko.txt": "어부들과 요리사들이 해안을 따라 모든 마을에서 항구 축제에 왔다.",
        "zh.txt": "渔民和厨师们从沿海的每个村庄赶来参加港口节，节日持续了整整三天。",
        "en.txt": "The harbour festival drew fishermen and cooks from every village.",
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    build([tmp_path], tmp_path / "index")
    results = Engine(tmp_path / "index").search(SearchRequest(q="festivall"))
    assert results.suggestion == "festival"


def test_a_stem_is_never_offered_as_a_word(tmp_path):
    # "autopilot" is two edits from `autofilt`, the English stem of "AutoFilter": the
    # suggestion must be a word a user can type, never an index term of a stemmed field.
    from indexer.write import build
    from search.engine import Engine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(4):
        (corpus / f"filter{n}.txt").write_text(
            f"Section {n}: the AutoFilter command shows only the rows of a table that "
            "match the filters you choose, and the AutoFilters stay with the sheet.",
            encoding="utf-8",
        )
    (corpus / "pilot.txt").write_text(
        "The autopilot keeps the aircraft level while the crew checks the engines.",
        encoding="utf-8",
    )
    build([corpus], tmp_path / "index")
    results = Engine(tmp_path / "index").search(SearchRequest(q="autopilot"))
    assert results.total == 1
    assert results.suggestion is None  # no word within two edits finds more
