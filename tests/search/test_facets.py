"""Facets: disjunctive counts checked against brute force over a generated corpus."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import templates
from search.engine import Engine
from search.generations import live_dir
from search.results import DateRange, SearchRequest

SENTENCES = {
    "en": [
        "The old harbour of Zanzibar was busy with boats from every coast of the ocean.",
        "Farmers near Zanzibar brought their spices to the market early in the morning.",
        "The weather changed quickly and the fishermen of Zanzibar stayed at home.",
        "Historians say that the town of Zanzibar grew rich on trade across the sea.",
    ],
    "de": [
        "Der alte Hafen von Sansibar war voller Boote von jeder Küste des Ozeans.",
        "Die Bauern bei Sansibar brachten ihre Gewürze früh am Morgen auf den Markt.",
        "Das Wetter änderte sich schnell und die Fischer von Sansibar blieben zu Hause.",
        "Historiker sagen, dass die Stadt Sansibar durch den Handel über das Meer reich wurde.",
    ],
    "fr": [
        "Le vieux port de Zanzibar était plein de bateaux venus de toutes les côtes.",
        "Les paysans près de Zanzibar apportaient leurs épices au marché tôt le matin.",
        "Le temps a changé très vite et les pêcheurs de Zanzibar sont restés chez eux.",
        "Les historiens disent que la ville de Zanzibar est devenue riche grâce au commerce.",
    ],
    "es": [
        "El viejo puerto de Zanzíbar estaba lleno de barcos de todas las costas del océano.",
        "Los campesinos cerca de Zanzíbar llevaban sus especias al mercado muy temprano.",
        "El tiempo cambió muy rápido y los pescadores de Zanzíbar se quedaron en casa.",
        "Los historiadores dicen que la ciudad de Zanzíbar se hizo rica con el comercio.",
    ],
}
LANGS = list(SENTENCES)
SOURCES = ["Alpha News", "Beta Post", "Gamma Daily", "Delta Times", "Epsilon", "Zeta", "新闻网"]
PAGES = 44
HARBOUR = "harbour OR hafen OR port OR puerto"  # the first sentence of each language


def record(i: int) -> dict:
    """Page i: language, source and year cycle with different periods, so that the corpus
    holds most combinations; every ninth page has no date."""
    lang = LANGS[i % len(LANGS)]
    sentences = SENTENCES[lang]
    body = " ".join(sentences[(i + k) % len(sentences)] for k in range(i % 3 + 2))
    page = {"id": f"p{i}", "source": SOURCES[i % len(SOURCES)], "text": f"Page {i}\n{body}"}
    if i % 9 != 4:
        page["date"] = f"{2012 + (i * 7) % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}"
    return page


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from indexer.write import build

    corpus = tmp_path_factory.mktemp("facet-corpus")
    lines = (json.dumps(record(i), ensure_ascii=False) for i in range(PAGES))
    (corpus / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("facet-index")
    report = build([corpus], index_dir)
    assert report.indexed == PAGES and not report.failed
    return index_dir


@pytest.fixture(scope="module")
def engine(index_dir: Path) -> Engine:
    return Engine(index_dir)


@pytest.fixture(scope="module")
def stored(index_dir: Path) -> dict[str, dict]:
    """What the index holds per page, read directly: the brute-force side of the checks."""
    with whoosh_index.open_dir(str(live_dir(index_dir))).searcher() as searcher:
        return {doc["id"]: doc for doc in searcher.all_stored_fields()}


def value(doc: dict, facet: str) -> str | None:
    return doc.get(facet)


def template_lines(doc: dict) -> set[str]:
    """The page's chrome lines as the template facet holds them (normalised)."""
    return {templates.normalise(line) for line in doc.get("chrome") or ()} - {""}


def test_the_corpus_has_many_values_per_facet(stored):
    assert len({value(d, "lang") for d in stored.values()}) == len(LANGS)
    assert len({value(d, "source") for d in stored.values()}) == len(SOURCES)
    assert len({value(d, "year") for d in stored.values()} - {None}) == 11
    assert any(value(d, "year") is None for d in stored.values())


def brute_force(stored: dict[str, dict], matched: set[str], request: SearchRequest):
    """The hits and each facet's counts by filtering every page in Python."""
    selected = request.filters()
    dates = request.dates()

    def passes(doc: dict, skip: str | None = None) -> bool:
        if dates and (not doc.get("date") or doc["date"] not in dates):
            return False
        return all(
            not values
            or (
                bool(template_lines(doc) & set(values))
                if facet == "template"
                else value(doc, facet) in values
            )
            for facet, values in selected.items()
            if facet != skip
        )

    docs = [stored[i] for i in matched]
    hits = {d["id"] for d in docs if passes(d)}
    counts = {}
    for facet, values in selected.items():
        if facet == "template":  # sources per line, lines of two sources or more
            sources: dict[str, set[str]] = {}
            for d in docs:
                if passes(d, skip=facet):
                    for line in template_lines(d):
                        sources.setdefault(line, set()).add(d["source"])
            shared = {
                line: len(s)
                for line, s in sources.items()
                if len(s) >= 2 and sum(ch.isalpha() for ch in line) >= 3
            }
            counts[facet] = {**{v: 0 for v in values}, **shared}
            continue
        counted = Counter(value(d, facet) for d in docs if passes(d, skip=facet))
        counted.pop(None, None)
        counts[facet] = {**{v: 0 for v in values}, **counted}
    return hits, counts


def selections(stored: dict[str, dict], facet: str) -> list[tuple[str, ...]]:
    if facet == "template":
        counted = Counter(line for d in stored.values() for line in template_lines(d))
    else:
        counted = Counter(value(d, facet) for d in stored.values())
    common = [v for v, _ in counted.most_common() if v]
    return [(), (common[0],), (common[1], common[-1])]


@pytest.mark.parametrize("q", ["", HARBOUR])
def test_disjunctive_counts_match_brute_force_for_every_filter_combination(engine, stored, q):
    everything = engine.search(SearchRequest(q=q, per_page=100, collapse=False))
    matched = {hit.id for hit in everything.hits}
    assert everything.total == len(matched) > 10
    ranges = [DateRange(), DateRange("2014-01-01", "2018-12-31"), DateRange(None, "2015-06-30")]
    combinations = itertools.product(
        selections(stored, "source"),
        selections(stored, "lang"),
        selections(stored, "year"),
        selections(stored, "template"),
        ranges,
    )
    for source, lang, year, template, dates in combinations:
        request = SearchRequest(
            q=q, source=source, lang=lang, year=year, template=template,
            date_from=dates.start, date_to=dates.end, per_page=100, collapse=False,
        )  # fmt: skip
        results = engine.search(request)
        hits, counts = brute_force(stored, matched, request)
        assert {hit.id for hit in results.hits} == hits, request
        assert results.total == len(hits), request
        for facet in results.facets:
            shown = {v.value: v.count for v in facet.values}
            assert shown == counts[facet.name], (facet.name, request)
            assert facet.others == 0
            assert {v.value for v in facet.values if v.selected} == set(
                request.filters()[facet.name]
            )
            if facet.name == "template":  # many lines a page: counts are sources, not pages
                continue
            if request.filters()[facet.name]:  # a facet's selected counts add up to the hits
                assert sum(v.count for v in facet.values if v.selected) == results.total


def test_a_click_returns_what_the_count_said(engine):
    request = SearchRequest(q=HARBOUR, lang=("de",), year=("2014",))
    results = engine.search(request)
    for facet in results.facets:
        selected = request.filters()[facet.name]
        for v in facet.values:
            if not v.selected:
                clicked = engine.search(replace(request, **{facet.name: (*selected, v.value)}))
                # OR within a facet: a click adds its count to the hits, or replaces them
                # when nothing was selected there yet.
                before = results.total if selected else 0
                added = v.pages if facet.name == "template" else v.count  # it counts sources
                assert clicked.total == before + added, (facet.name, v.value)


def test_facet_values_by_count_years_newest_first(engine):
    results = engine.search(SearchRequest(q=""))
    source, lang, year, *_ = results.facets
    counts = [v.count for v in source.values]
    assert counts == sorted(counts, reverse=True)
    assert [v.value for v in year.values] == sorted((v.value for v in year.values), reverse=True)


def test_top_values_and_others(index_dir, stored):
    engine = Engine(index_dir, facet_top=3)
    counted = Counter(value(d, "source") for d in stored.values())
    by_count = sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))  # ties by name
    source = engine.search(SearchRequest(q="")).facets[0]
    assert [(v.value, v.count) for v in source.values] == by_count[:3]
    assert source.others == len(SOURCES) - 3
    # A selected value is always shown, even when it is not among the top ones.
    rare = by_count[-1][0]
    source = engine.search(SearchRequest(q="", source=(rare,))).facets[0]
    assert rare in [v.value for v in source.values if v.selected]
    assert len(source.values) == 3 and source.others == len(SOURCES) - 3


def test_selected_values_without_hits_stay_visible(engine):
    results = engine.search(SearchRequest(q="hafen", lang=("fr",), source=("Nowhere",)))
    assert results.total == 0
    lang, source = results.facets[1], results.facets[0]
    assert ("fr", 0, True) in [(v.value, v.count, v.selected) for v in lang.values]
    assert ("Nowhere", 0, True) in [(v.value, v.count, v.selected) for v in source.values]
    assert ("de", 0, False) not in [(v.value, v.count, v.selected) for v in lang.values]


def test_date_range_is_inclusive_at_both_ends(engine, stored):
    dated = sorted(d["date"] for d in stored.values() if d.get("date"))
    first, last = dated[3], dated[-4]
    results = engine.search(
        SearchRequest(q="", date_from=first, date_to=last, per_page=100, collapse=False)
    )
    assert sorted(hit.date for hit in results.hits) == [d for d in dated if first <= d <= last]
    one_day = engine.search(
        SearchRequest(q="", date_from=first, date_to=first, per_page=100, collapse=False)
    )
    assert {hit.date for hit in one_day.hits} == {first}
    open_end = engine.search(SearchRequest(q="", date_from=last, per_page=100, collapse=False))
    assert sorted(hit.date for hit in open_end.hits) == [d for d in dated if d >= last]


def test_date_range_leaves_out_undated_pages_and_narrows_the_year_facet(engine):
    results = engine.search(SearchRequest(q="", date_from="2015-01-01", date_to="2016-12-31"))
    year = results.facets[2]
    assert {v.value for v in year.values} == {"2015", "2016"}
    assert sum(v.count for v in year.values) == results.total


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        ("2016-13-01", None, "date_from must be a date written YYYY-MM-DD"),
        ("2016-7-1", None, "date_from must be"),
        ("20160701", None, "date_from must be"),
        ("yesterday", None, "date_from must be"),
        (None, "2016-02-30", "date_to must be"),
        ("2017-01-01", "2016-01-01", "date_from (2017-01-01) is after date_to (2016-01-01)"),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(date_from, date_to, message):
    with pytest.raises(ValueError) as error:
        SearchRequest(date_from=date_from, date_to=date_to)
    assert message in str(error.value)


def test_an_index_of_several_segments_some_without_dates(tmp_path):
    from indexer.write import build

    undated, dated = tmp_path / "undated", tmp_path / "dated"
    undated.mkdir(), dated.mkdir()
    (undated / "a.txt").write_text(SENTENCES["en"][0] + " " + SENTENCES["en"][1], "utf-8")
    records = [record(i) for i in range(8) if "date" in record(i)]
    lines = (json.dumps(r, ensure_ascii=False) for r in records)
    (dated / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build([undated], tmp_path / "index")
    build([dated], tmp_path / "index")  # a second segment, after one with no date at all

    engine = Engine(tmp_path / "index")
    results = engine.search(SearchRequest(q="", year=(records[0]["date"][:4],)))
    assert [hit.date for hit in results.hits] == [records[0]["date"]]
    year = results.facets[2]
    assert sum(v.count for v in year.values) == len(records)
    in_range = engine.search(SearchRequest(q="", date_from="2000-01-01"))
    assert in_range.total == len(records)
