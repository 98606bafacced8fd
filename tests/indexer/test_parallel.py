"""Indexing with worker processes: the same index as a serial run, with bounded memory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.parallel import ordered_map
from indexer.write import build
from search.generations import live_dir
from tests.conftest import CORPUS
from tests.indexer.test_templates import MENU, article


def square(n: int) -> int:
    return n * n


def fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def test_results_come_in_input_order():
    assert list(ordered_map(square, range(50), procs=2, chunk=3)) == [n * n for n in range(50)]
    assert list(ordered_map(square, range(5), procs=1)) == [0, 1, 4, 9, 16]


def test_the_input_is_read_lazily_so_memory_stays_bounded():
    pulled = []

    def numbers():
        for n in range(10_000):
            pulled.append(n)
            yield n

    results = ordered_map(square, numbers(), procs=2, chunk=4, window=3)
    assert next(results) == 0
    # Only the chunks in flight were read: the window (3 chunks of 4) and the next one.
    assert len(pulled) <= 4 * 4
    taken = [next(results) for _ in range(100)]
    assert taken[-1] == 100 * 100
    assert len(pulled) <= 101 + 4 * 4
    results.close()


def test_a_worker_error_reaches_the_caller():
    with pytest.raises(ValueError, match="three"):
        list(ordered_map(fail_on_three, range(10), procs=2, chunk=2))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds, a JSONL file with several sources, and a folder whose menu is a template."""
    root = tmp_path_factory.mktemp("parallel-corpus")
    shutil.copytree(CORPUS, root / "seeds")
    lines = [
        {
            "id": f"r{n}",
            "text": "\n".join(MENU + article(n)),
            "url": f"https://h{n % 3}.example/{n}",
        }
        for n in range(12)
    ]
    (root / "crawl.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    site = root / "site"
    site.mkdir()
    for n in range(6):
        (site / f"page{n}.txt").write_text("\n".join(MENU + article(n)), encoding="utf-8")
    return root


def stored(index: Path) -> list[dict]:
    with whoosh_index.open_dir(str(live_dir(index))).searcher() as searcher:
        return [searcher.stored_fields(d) for d in range(searcher.doc_count_all())]


def test_a_parallel_build_holds_the_same_documents_as_a_serial_one(corpus: Path, tmp_path: Path):
    serial = build([corpus], tmp_path / "serial", procs=1)
    parallel = build([corpus], tmp_path / "parallel", procs=2)
    assert serial.indexed == parallel.indexed == 3 + 12 + 6
    assert (serial.failed, serial.skipped) == (parallel.failed, parallel.skipped)
    one, two = stored(tmp_path / "serial"), stored(tmp_path / "parallel")
    assert one == two  # every stored field, in the same document order
    assert not any(line in doc["body"] for doc in two for line in MENU)  # templates learned


def test_a_spooled_page_comes_back_as_it_was_without_its_raw_bytes(tmp_path: Path):
    from dataclasses import replace

    from indexer.pipeline import prepare, read_page
    from indexer.read import list_files, read_file
    from indexer.spool import Spool, pack, unpack

    (file,), _ = list_files(CORPUS / "003_dcda678e6ac86837.txt")
    (raw,) = read_file(file)
    page = prepare(read_page(raw))
    with Spool(tmp_path) as spool:
        spool.append(pack(page))
        spool.append(b"")
        back, empty = list(spool)
    assert unpack(back) == replace(page, record=replace(page.record, data=b""))
    assert empty == b"" and not list(tmp_path.iterdir())  # the spool has no name on disk
