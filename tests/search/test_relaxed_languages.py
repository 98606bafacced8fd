"""Relaxed matching over an index of several languages: a word that only one language's
pages have must not be dropped in the others, and pages that match more of the query
rank before pages that match less."""

from __future__ import annotations

import json

import pytest

from search.query import compile_query
from search.results import SearchRequest

TITLES = {  # (title, body): the known items of the Debian manuals, in brief
    "da-tree": (
        "C.2. Mappetræet",
        "Det følgende er en liste over vigtige overvejelser om mapper og partitioner. "
        "Bemærk at diskforbruget varierer meget med systemets opsætning og brug.",
    ),
    **{
        f"{lang}-ch2-{n}": (
            f"Chapter 2. {topic}",
            f"Chapter 2 describes the {topic.lower()} for installing the system, step 2 of "
            f"the guide, with the hardware and the 2 disks the installer needs first.",
        )
        for lang in ("en",)
        for n, topic in enumerate(
            ("System Requirements", "Supported Hardware", "Installation Media", "Peripherals")
        )
    },
    "de-ch2": (
        "Kapitel 2. Systemanforderungen",
        "Dieses Kapitel 2 enthält Informationen über die Hardware, die Sie benötigen, "
        "um mit dem Debian-Installer zu arbeiten, und über die 2 Festplatten.",
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    from indexer.write import build
    from search.engine import Engine

    corpus = tmp_path_factory.mktemp("languages-corpus")
    pages = "".join(
        json.dumps({"id": key, "html": f"<title>{title}</title><h1>{title}</h1><p>{body}</p>"})
        + "\n"
        for key, (title, body) in TITLES.items()
    )
    (corpus / "pages.jsonl").write_text(pages, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("languages-index")
    report = build([corpus], index_dir)
    assert report.indexed == len(TITLES) and not report.failed
    return Engine(index_dir)


def test_a_rare_word_of_one_language_is_not_dropped_in_the_others(engine):
    # "chapter" and "2" are in the English pages, "mappetræet" only in the Danish one. In
    # the English fields the common words alone used to make up half the query's weight.
    searcher = engine.searcher()
    compiled = compile_query("chapter 2 mappetræet", searcher.reader(), engine.families(searcher))
    assert not set(compiled.query.docs(searcher))  # no page has every word
    half = compiled.relaxed()  # pages with words worth half of the query's weight
    found = {searcher.stored_fields(n)["external_id"] for n in half.query.docs(searcher)}
    assert found == {"da-tree"}


def test_pages_matching_more_of_the_query_rank_first_when_relaxed(engine):
    # Only the Danish page has both words; the last relaxed step lets in every page with
    # "2", many of them with "2" in a title, and they must still come after it.
    results = engine.search(SearchRequest(q="2 Mappetræet"))
    ids = [engine.document(hit.id)["external_id"] for hit in results.hits]
    assert results.matching == "relaxed" and len(ids) == len(TITLES)
    assert ids[0] == "da-tree"
