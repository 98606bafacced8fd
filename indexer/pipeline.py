"""The pipeline, and nothing else: each stage is a function of the previous one's output.

`process` runs every stage. An index run splits it in two around what needs the whole
corpus (template lines learned per source): `read_page` and `prepare` depend on the page
alone, `finish` on the page and its source's template lines.
"""

from __future__ import annotations

import logging

from indexer import chrome, language, metadata
from indexer.decode import DecodeError, decode
from indexer.model import Document, Failure, Page, RawRecord
from indexer.repair import repair

log = logging.getLogger(__name__)


def process(raw: RawRecord, template_lines: frozenset[int] = frozenset()) -> Document | Failure:
    """One crawled record to one indexable document, or the reason it cannot be one.

    `template_lines` are the line hashes learned to repeat across the record's source
    (indexer.templates); without them each page is judged alone, as `sifter extract` does."""
    page = read_page(raw)
    if isinstance(page, Page):
        page = prepare(page)
    return finish(page, template_lines) if isinstance(page, Page) else page


def read_page(raw: RawRecord) -> Page | Failure:
    """Bytes to blocks of text."""
    try:
        return decode(raw)
    except DecodeError as error:
        return Failure(raw.path, raw.record, str(error))


def prepare(page: Page) -> Page | Failure:
    """The stages that need nothing but the page: repair and language."""
    try:
        return language.assign(repair(page))
    except Exception as error:  # a bug on one page must not end a run over millions
        return _internal(page, error)


def finish(page: Page, template_lines: frozenset[int] = frozenset()) -> Document | Failure:
    """Chrome removal (with the source's template lines), then the language of what is
    left and the metadata."""
    try:
        page = chrome.remove(page, template_lines)
        # The document's language is its content's, not its chrome's.
        page = language.assign(page, blocks_known=True)
        return metadata.extract(page)
    except Exception as error:
        return _internal(page, error)


def _internal(page: Page, error: Exception) -> Failure:
    raw = page.record
    log.exception("pipeline failed on %s %s", raw.path, raw.record or "")
    return Failure(raw.path, raw.record, f"internal error: {type(error).__name__}: {error}")
