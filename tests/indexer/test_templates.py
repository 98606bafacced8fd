"""Template lines learned across a source's pages, and their removal at index time."""

from __future__ import annotations

from pathlib import Path

from indexer import chrome, language
from indexer.templates import Counts, line_hash, normalise, source_key
from indexer.write import build
from search.engine import Engine
from search.results import SearchRequest
from tests.indexer.pages import text_page

MENU = ["Home | Products | About", "Call us: 010-1234 5678", "© 2024 Harbour Supplies"]


PLACES = ["Dover", "Calais", "Bergen", "Lisbon", "Genoa", "Hamburg", "Cork", "Brest"] * 3


def article(n: int) -> list[str]:
    place = PLACES[n]
    return [f"In {place} the harbour festival drew boats and many visitors from the coast."]


def test_normalised_lines_ignore_case_digits_and_spaces():
    assert normalise("  Call  us: 010-1234\t5678 ") == "call us: 000-0000 0000"
    assert line_hash("© 2023 Example") == line_hash("© 2024  example")


def test_lines_on_many_pages_of_a_source_are_template():
    counts = Counts()
    for n in range(5):
        counts.add("harbour.example", MENU + article(n))
    learned = counts.learned()["harbour.example"]
    assert {line_hash(line) for line in MENU} <= learned
    assert not any(line_hash(line) in learned for n in range(5) for line in article(n))


def test_syndicated_copies_do_not_make_an_article_template():
    counts = Counts()
    story = ["Fishermen sold their catch on the quay before the festival opened at noon."]
    for _ in range(4):  # the same article re-posted: one distinct page
        counts.add("news.example", story)
    counts.add("news.example", ["Another story entirely, about boats on the river."])
    assert "news.example" not in counts.learned()


def test_two_pages_never_teach_a_template():
    counts = Counts()
    counts.add("tiny.example", MENU + article(1))
    counts.add("tiny.example", MENU + article(2))
    assert counts.learned() == {}


def test_a_line_must_be_on_a_share_of_the_source():
    counts = Counts()
    for n in range(20):
        counts.add("big.example", article(n) + (["Weekly specials"] if n < 3 else []))
    assert "big.example" not in counts.learned()  # 3 of 20 pages is no template


def test_sources_are_hosts_else_folders():
    assert source_key("https://www.Harbour.example/a", "/c", "x/a.html") == "harbour.example"
    assert source_key(None, "/c", "site/a.html") == source_key(None, "/c", "site/b.html")
    assert source_key(None, "/c", "one/a.html") != source_key(None, "/c", "two/a.html")


def test_chrome_remove_takes_the_learned_lines():
    lines = [*article(1), "Our harbour, our boats.", *article(2)]
    page = language.assign(text_page("\n".join(lines)))
    assert chrome.remove(page).blocks[1].chrome is False  # alone, the page cannot tell
    cleaned = chrome.remove(page, frozenset({line_hash(lines[1])}))
    assert [b.chrome for b in cleaned.blocks] == [False, True, False]


def test_index_learns_templates_across_a_folder(tmp_path: Path):
    site = tmp_path / "corpus" / "harbour"
    site.mkdir(parents=True)
    promo = "Subscribe to the Harbour Gazette for weekly news about boats and fishing"
    for n in range(4):
        text = "\n".join([promo, *article(n), f"In {PLACES[n]}, the quay was crowded all day."])
        (site / f"{n}.txt").write_text(text, encoding="utf-8")
    report = build([tmp_path / "corpus"], tmp_path / "index")
    assert report.indexed == 4
    engine = Engine(tmp_path / "index")
    assert engine.search(SearchRequest(q="gazette")).total == 0
    assert engine.search(SearchRequest(q="quay")).total == 4
