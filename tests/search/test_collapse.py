"""Syndicated copies of one article collapse into one hit that names the other sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.write import build
from search.engine import Engine, IndexMissing
from search.generations import live_dir
from search.results import SearchRequest
from search.schema import VERSION_FILE
from tests.conftest import SEED_000, SEED_004

ARTICLE = SEED_004.read_text("utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    copies = {
        "wire": ARTICLE,
        "daily": "Reprinted with permission.\n" + ARTICLE.replace("Tuesday", "Wednesday"),
        "herald": ARTICLE + "\nShare this story with your friends.",
    }
    for site, text in copies.items():
        (root / site).mkdir(parents=True)
        (root / site / "koizumi.txt").write_text(text, encoding="utf-8")
    (root / "wire" / "other.txt").write_text(SEED_000.read_text("utf-8"), encoding="utf-8")
    return root


def test_copies_collapse_into_one_hit_with_their_sources(corpus: Path, tmp_path: Path):
    report = build([corpus], tmp_path / "index")
    assert report.regrouped == 0  # groups were known as the copies were written
    engine = Engine(tmp_path / "index")
    results = engine.search(SearchRequest(q="koizumi"))
    assert results.total == 3 and results.rows == 1
    (hit,) = results.hits
    assert hit.similar == 2
    assert set(hit.similar_sources) | {hit.source} == {"wire", "daily", "herald"}

    every = engine.search(SearchRequest(q="koizumi", collapse=False))
    assert len(every.hits) == 3 and every.rows == 3
    assert {h.group for h in every.hits} == {hit.group}
    assert all(h.similar == 2 for h in every.hits)


def test_an_unrelated_page_is_not_folded_in(corpus: Path, tmp_path: Path):
    build([corpus], tmp_path / "index")
    results = Engine(tmp_path / "index").search(SearchRequest(q="north korea"))
    assert results.total == 4 and results.rows == 2
    assert sorted(h.similar for h in results.hits) == [0, 2]


def test_groups_follow_the_corpus_when_a_copy_is_deleted(corpus: Path, tmp_path: Path):
    build([corpus], tmp_path / "index")
    (corpus / "herald" / "koizumi.txt").unlink()
    build([corpus], tmp_path / "index")
    (hit,) = Engine(tmp_path / "index").search(SearchRequest(q="koizumi")).hits
    assert hit.similar == 1


def test_match_offsets_point_at_the_matched_words(corpus: Path, tmp_path: Path):
    build([corpus], tmp_path / "index")
    engine = Engine(tmp_path / "index")
    hit = engine.search(SearchRequest(q="koizumi")).hits[0]
    body = engine.document(hit.id)["body"]
    assert hit.body_offsets and all(body[a:b] == "Koizumi" for a, b in hit.body_offsets)
    assert hit.offsets


def test_an_index_from_another_version_is_refused_then_rebuilt(corpus: Path, tmp_path: Path):
    index = tmp_path / "index"
    build([corpus], index)
    (live_dir(index) / VERSION_FILE).write_text("1\n")  # the live generation's version
    with pytest.raises(IndexMissing, match="another version"):
        Engine(index)
    report = build([corpus], index)
    assert report.indexed == 4 and report.unchanged == 0
    assert Engine(index).search(SearchRequest(q="koizumi")).total == 3
