"""Shared fixtures: the real pipeline, a real Whoosh index in a temp dir, a real server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


def _shared() -> Path:
    """The read-only data beside the checkout (dev-data, seeds): `../shared`, or further up
    for a git worktree kept in a subfolder; never silently absent."""
    for folder in REPO.parents:
        if (folder / "shared" / "dev-data").is_dir():
            return folder / "shared"
    raise RuntimeError(f"no shared/dev-data beside {REPO} or above it")


SHARED = _shared()
SEED_000 = CORPUS / "000_1c7ac56f2435c2b8.txt"
SEED_003 = CORPUS / "003_dcda678e6ac86837.txt"
SEED_004 = CORPUS / "004_08b5d064b5d8f01e.txt"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus indexed through the real pipeline."""
    from indexer.write import build

    index_dir = tmp_path_factory.mktemp("seed-index")
    report = build([CORPUS], index_dir)
    assert report.indexed == 3 and not report.failed
    return index_dir


@pytest.fixture(scope="session")
def engine(seed_index: Path):
    from search.engine import Engine

    return Engine(seed_index)


@pytest.fixture(scope="session")
def client(seed_index: Path):
    from web.app import create_app

    return create_app(seed_index).test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(index_dir: Path) -> Iterator[str]:
    """The app over `index_dir` served by waitress, the production server `sifter serve`
    uses, on a free loopback port; yields its base URL."""
    from waitress.server import create_server

    from web.app import create_app
    from web.cli import waitress_options

    app = create_app(index_dir)
    server = create_server(app, host="127.0.0.1", port=free_port(), **waitress_options(4))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()


@pytest.fixture(scope="session")
def server_url(seed_index: Path) -> Iterator[str]:
    """The bundled corpus served by waitress."""
    with serving(seed_index) as url:
        yield url


@pytest.fixture(scope="session")
def rich_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/web/corpus.py's 44 pages (six languages, five sources, ten years, two
    syndicated copies) indexed through the real pipeline."""
    from indexer.write import build
    from tests.web.corpus import write_corpus

    corpus = write_corpus(tmp_path_factory.mktemp("rich-corpus"))
    index_dir = tmp_path_factory.mktemp("rich-index")
    report = build([corpus], index_dir)
    assert report.indexed == 44 and not report.failed
    return index_dir


@pytest.fixture(scope="session")
def rich_client(rich_index: Path):
    from web.app import create_app

    return create_app(rich_index).test_client()


@pytest.fixture(scope="session")
def rich_server_url(rich_index: Path) -> Iterator[str]:
    with serving(rich_index) as url:
        yield url


MANY_PAGES = 3000


@pytest.fixture(scope="session")
def many_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/search/many_pages.py's 3,000 generated pages indexed through the real
    pipeline (about a minute on two cores), for cursors and exports over many hits."""
    from indexer.write import build
    from tests.search.many_pages import write_pages

    corpus = write_pages(tmp_path_factory.mktemp("many-corpus"), MANY_PAGES)
    index_dir = tmp_path_factory.mktemp("many-index")
    report = build([corpus], index_dir)
    assert report.indexed == MANY_PAGES and not report.failed
    return index_dir
