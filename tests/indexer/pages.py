"""Builds Page objects for tests the way decode does for text files."""

from __future__ import annotations

from pathlib import Path

from indexer import chrome, language
from indexer.model import Block, Page, RawRecord

CORPUS = Path(__file__).parents[2] / "corpus"


def text_page(
    text: str, url: str | None = None, relpath: str = "x.txt", crawled: str | None = None
) -> Page:
    """One Block per non-empty line (stripped, tag "line"), as decode makes for text files."""
    record = RawRecord(
        id="t", path=relpath, root="/corpus", relpath=relpath, record=None, data=text,
        kind="text", url=url, crawled=crawled,
    )  # fmt: skip
    blocks = tuple(Block(line.strip()) for line in text.splitlines() if line.strip())
    return Page(record=record, blocks=blocks, encoding="utf-8")


def seed_text(prefix: str) -> str:
    """The text of the bundled sample page whose file name starts with `prefix` ("003")."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def seed_page(prefix: str) -> Page:
    return text_page(seed_text(prefix), relpath=next(CORPUS.glob(f"{prefix}_*.txt")).name)


def cleaned(page: Page) -> Page:
    """language -> chrome -> language, the stages between repair and metadata."""
    return language.assign(chrome.remove(language.assign(page)))
