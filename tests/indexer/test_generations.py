"""Re-indexing: unchanged files are not read again, and a rebuild switches atomically."""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest

import indexer.segments
import indexer.write
from indexer.write import LOCK_FILE, IndexBusy, build
from search import generations
from search.engine import Engine
from search.results import SearchRequest
from search.schema import VERSION_FILE
from tests.indexer.test_build import ARTICLE


def write_corpus(root: Path, word: str, pages: int = 4) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for n in range(pages):
        text = ARTICLE.replace("harbour", f"{word} harbour") + f"Page number {n} of {pages}.\n"
        (root / f"page{n}.txt").write_text(text, encoding="utf-8")


def total(engine: Engine, q: str) -> int:
    return engine.search(SearchRequest(q=q)).total


def test_an_unchanged_corpus_is_not_read_again(tmp_path: Path, monkeypatch):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, "lighthouse")
    assert build([corpus], index).indexed == 4

    def no_pipeline(*args, **kwargs):
        raise AssertionError("an unchanged file went through the pipeline")

    for module, stage in (
        (indexer.write, "read_page"),
        (indexer.write, "prepare"),
        (indexer.segments, "finish"),  # the second pass
    ):
        monkeypatch.setattr(module, stage, no_pipeline)
    again = build([corpus], index, procs=1)
    assert (again.indexed, again.unchanged, again.deleted, again.failed) == (0, 4, 0, [])


def test_a_touched_file_with_the_same_content_is_unchanged(tmp_path: Path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, "lighthouse")
    build([corpus], index)
    os.utime(corpus / "page1.txt", ns=(10**18, 10**18))  # new mtime, same bytes
    (corpus / "page2.txt").write_text("A different page about a windmill.\n" * 3)
    os.utime(corpus / "page2.txt", ns=(10**18, 10**18))
    again = build([corpus], index)
    assert (again.indexed, again.unchanged) == (1, 3)
    assert total(Engine(index), "windmill") == 1


def test_a_rebuild_switches_generations_atomically(tmp_path: Path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, "lighthouse")
    build([corpus], index)
    first = generations.live_dir(index)
    engine = Engine(index)
    before = engine.searcher()  # a searcher handed out before the switch
    assert total(engine, "lighthouse") == 4

    write_corpus(corpus, "windmill")
    report = build([corpus], index, rebuild=True)
    assert report.indexed == 4 and report.unchanged == 0
    second = generations.live_dir(index)
    assert second != first and (index / generations.POINTER).read_text().strip() == second.name
    # The old searcher keeps answering from the old generation...
    assert len(before.search(_term(before, "lighthouse"), limit=None)) == 4
    # ...and a new search follows the pointer to the new one.
    assert total(engine, "windmill") == 4 and total(engine, "lighthouse") == 0

    build([corpus], index, rebuild=True)
    kept = [g.name for g in generations.generations(index)]
    assert kept == [second.name, generations.live_dir(index).name]  # the previous is kept


def _term(searcher, word: str):
    from search.query import compile_query

    families = ("en",)
    return compile_query(word, searcher.reader(), families).query


def test_searches_during_a_rebuild_never_fail_nor_see_a_partial_index(tmp_path: Path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, "lighthouse", pages=6)
    build([corpus], index)
    engine = Engine(index)
    write_corpus(corpus, "windmill", pages=6)
    seen: list[tuple[int, frozenset[str]]] = []
    errors: list[Exception] = []
    done = threading.Event()

    def search_while_building():
        while not done.is_set():
            try:
                results = engine.search(SearchRequest(q="lighthouse OR windmill"))
                words = {
                    w for h in results.hits for w in ("lighthouse", "windmill") if w in h.snippet
                }
                seen.append((results.total, frozenset(words)))
            except Exception as error:  # noqa: BLE001 - the test collects every failure
                errors.append(error)

    searcher = threading.Thread(target=search_while_building)
    searcher.start()
    try:
        build([corpus], index, rebuild=True, procs=1)
    finally:
        done.set()
        searcher.join()
    assert not errors
    # Each search saw the old index or the new one, complete, never a mixture.
    assert seen and set(seen) <= {(6, frozenset({"lighthouse"})), (6, frozenset({"windmill"}))}
    assert total(engine, "windmill") == 6


def test_a_schema_change_rebuilds_every_root_the_index_held(tmp_path: Path):
    one, two, index = tmp_path / "one", tmp_path / "two", tmp_path / "index"
    write_corpus(one, "lighthouse", pages=2)
    write_corpus(two, "windmill", pages=3)
    build([one], index)
    build([two], index)
    (generations.live_dir(index) / VERSION_FILE).write_text("1\n")  # built by another version
    report = build([one], index)
    assert report.indexed == 5  # both roots, not only the one named
    engine = Engine(index)
    assert total(engine, "lighthouse") == 2 and total(engine, "windmill") == 3


def test_a_second_run_on_the_same_index_is_refused(tmp_path: Path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, "lighthouse", pages=1)
    build([corpus], index)
    with open(index / LOCK_FILE, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(IndexBusy):
            build([corpus], index)


def test_an_index_from_before_generations_is_still_read_then_replaced(tmp_path: Path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, "lighthouse", pages=2)
    build([corpus], index)
    live = generations.live_dir(index)
    for path in live.iterdir():  # the old layout: Whoosh's files in the folder itself
        path.rename(index / path.name)
    live.rmdir()
    (index / generations.POINTER).unlink()
    assert generations.live_dir(index) == index
    assert total(Engine(index), "lighthouse") == 2
    report = build([corpus], index, rebuild=True)
    assert report.indexed == 2
    assert generations.live_dir(index) != index
    assert not list(index.glob("*.toc"))


def test_a_repeated_search_is_answered_again_after_the_index_changes(tmp_path: Path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, "lighthouse", pages=2)
    build([corpus], index)
    engine = Engine(index)
    first = replace(engine.search(SearchRequest(q="lighthouse")), took_ms=0)
    again = replace(engine.search(SearchRequest(q="lighthouse")), took_ms=0)
    assert again == first and first.total == 2
    (corpus / "extra.txt").write_text(ARTICLE.replace("harbour", "lighthouse harbour"))
    build([corpus], index)  # an incremental commit into the same generation
    assert engine.search(SearchRequest(q="lighthouse")).total == 3
