"""The pipeline, and nothing else: each stage is a function of the previous one's output."""

from __future__ import annotations

import logging

from indexer import chrome, language, metadata
from indexer.decode import DecodeError, decode
from indexer.model import Document, Failure, RawRecord
from indexer.repair import repair

log = logging.getLogger(__name__)


def process(raw: RawRecord, template_lines: frozenset[int] = frozenset()) -> Document | Failure:
    """One crawled record to one indexable document, or the reason it cannot be one.

    `template_lines` are the line hashes learned to repeat across the record's source
    (indexer.templates); without them each page is judged alone, as `sifter extract` does."""
    try:
        page = decode(raw)
    except DecodeError as error:
        return Failure(raw.path, raw.record, str(error))
    try:
        page = repair(page)
        page = language.assign(page)
        page = chrome.remove(page, template_lines)
        page = language.assign(page)  # the document's language is its content's, not its chrome's
        return metadata.extract(page)
    except Exception as error:  # a bug on one page must not end a run over millions
        log.exception("pipeline failed on %s %s", raw.path, raw.record or "")
        return Failure(raw.path, raw.record, f"internal error: {type(error).__name__}: {error}")
