"""Documents into the Whoosh index, and the index run that mirrors corpus roots.

`sifter index ROOT...` makes the index mirror those roots (DESIGN-NOTES.md): files
whose size or mtime changed are re-indexed, files gone from a root are deleted,
documents from other roots are left alone. The change-tracking data (file path and
fingerprint) lives in the index's own stored fields, so it commits with Whoosh.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import LockError

from indexer import duplicates, templates
from indexer.decode import DecodeError, decode
from indexer.model import Document, Failure, RawRecord
from indexer.pipeline import process
from indexer.read import CorpusFile, list_files, read_file
from search.schema import (
    SCHEMA_VERSION,
    VERSION_FILE,
    build_schema,
    index_version,
    text_fields_for,
)

BUILD_REPORT = "sifter-build.json"


class IndexBusy(Exception):
    """Another `sifter index` holds the index's write lock."""


@dataclass
class BuildReport:
    """What an index run did; printed by the CLI and kept next to the index for /stats."""

    indexed: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: list[Failure] = field(default_factory=list)  # nothing to index (empty page)
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    finished_at: str = ""


def fields_of(doc: Document) -> dict[str, object]:
    """The Whoosh fields for one document; None values are left out (Whoosh rejects them)."""
    date, date_kind = doc.dates.best
    title_field, body_field = text_fields_for(doc.lang)
    values: dict[str, object] = {
        "id": doc.id,
        "file": doc.path,
        "root": doc.root,
        "path": os.path.relpath(doc.path, doc.root),
        "record": doc.record,
        "url": doc.url,
        "host": doc.host,
        "source": doc.source,
        "lang": doc.lang,
        "year": date[:4] if date else None,
        "date": date,
        "date_kind": date_kind,
        "simhash": f"{simhash:016x}" if (simhash := duplicates.fingerprint(doc.body)) else None,
        "dup_group": doc.id,  # until regroup() has compared it with the rest of the index
        "dates": asdict(doc.dates),
        "title": doc.title,
        "body": doc.body,
        "chrome": list(doc.chrome),
        "script": doc.script,
        "lang_confidence": doc.lang_confidence,
        "lang_mix": doc.lang_mix,
        "repairs": list(doc.repairs),
        "encoding": doc.encoding,
        "fingerprint": doc.fingerprint,
        "external_id": doc.external_id,
        "truncated": doc.truncated,
        title_field: doc.title,
        body_field: doc.body,
    }
    return {key: value for key, value in values.items() if value is not None}


def open_or_create(index_dir: Path) -> whoosh_index.Index:
    """The index in index_dir; a new empty one when there is none or when it was built by
    another schema version (its tokens would not match today's queries)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(str(index_dir)) and index_version(index_dir) == SCHEMA_VERSION:
        return whoosh_index.open_dir(str(index_dir))
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    (index_dir / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n")
    return ix


def build(roots: Iterable[Path], index_dir: Path, progress: bool = False) -> BuildReport:
    """Index the roots into index_dir, in one commit, and report what happened."""
    started = time.monotonic()
    report = BuildReport()
    ix = open_or_create(index_dir)
    try:
        writer = ix.writer(limitmb=256)
    except LockError as error:
        raise IndexBusy(f"{index_dir} is being written by another `sifter index`") from error
    try:
        known = _known_files(ix)
        for root in roots:
            if not root.exists():
                # Never read a missing root as "every file was deleted": it may be unmounted.
                report.failed.append(Failure(str(root), None, "no such file or directory"))
                continue
            files, failures = list_files(root)
            report.failed.extend(failures)
            changed = []
            for file in files:
                fingerprint, count = known.get(str(file.path), (None, 0))
                if fingerprint == file.fingerprint:
                    report.unchanged += count
                    continue
                changed.append(file)
                if fingerprint is not None:  # its records are replaced wholesale
                    writer.delete_by_term("file", str(file.path))
            learned = _template_lines(files) if changed else {}
            for doc in _documents(changed, report, progress, learned):
                writer.add_document(**fields_of(doc))
                report.indexed += 1
            listed = {str(file.path) for file in files}
            for path in known:
                if _under(path, root.absolute()) and path not in listed:
                    report.deleted += writer.delete_by_term("file", path)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    regroup(ix)
    report.seconds = round(time.monotonic() - started, 3)
    report.finished_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    _save_report(index_dir, report)
    return report


def _template_lines(files: list[CorpusFile]) -> dict[str, frozenset[int]]:
    """First pass, decode only: the lines repeated across each source's pages (templates)."""
    counts = templates.Counts()
    for file in files:
        for item in read_file(file):
            if isinstance(item, Failure):
                continue
            try:
                page = decode(item)
            except DecodeError:
                continue
            counts.add(_source(item), (block.text for block in page.blocks))
    return counts.learned()


def _source(raw: RawRecord) -> str:
    return templates.source_key(raw.url, raw.root, raw.relpath)


def _documents(
    files: list[CorpusFile],
    report: BuildReport,
    progress: bool,
    learned: dict[str, frozenset[int]],
) -> Iterator[Document]:
    from tqdm import tqdm

    for file in tqdm(files, desc="indexing", unit="file", disable=not progress):
        for item in read_file(file):
            if isinstance(item, Failure):
                result: Document | Failure = item
            else:
                result = process(item, learned.get(_source(item), frozenset()))
            if isinstance(result, Failure):
                report.failed.append(result)
            elif not (result.body or result.title):
                report.skipped.append(Failure(result.path, result.record, "no text left"))
            else:
                yield result


def regroup(ix: whoosh_index.Index) -> int:
    """Recompute near-duplicate groups over the whole index; re-add the documents whose
    group changed. A separate commit after the build's: a crash in between leaves groups
    merely stale, and the next run mends them. Returns how many documents changed group."""
    writer = ix.writer(limitmb=256)  # the lock first, so docnums cannot shift under us
    try:
        reader = writer.reader()
        docnums, ids, simhashes, current = [], [], [], []
        for segment, offset in reader.leaf_readers():
            # Per segment: a MultiReader's column skips segments without the field.
            columns = [segment.column_reader(name) for name in ("id", "simhash", "dup_group")]
            for docnum, (doc_id, simhash, group) in enumerate(zip(*columns, strict=True)):
                if not segment.is_deleted(docnum):
                    docnums.append(offset + docnum)
                    ids.append(doc_id)
                    simhashes.append(int(simhash, 16) if simhash else None)
                    current.append(group)
        wanted = duplicates.groups(zip(ids, simhashes, strict=True))
        moved = [
            (docnum, wanted[doc_id])
            for docnum, doc_id, group in zip(docnums, ids, current, strict=True)
            if wanted[doc_id] != group
        ]
        for docnum, group in moved:
            fields = _indexable(reader.stored_fields(docnum), dup_group=group)
            writer.delete_document(docnum)
            writer.add_document(**fields)
    except BaseException:
        writer.cancel()
        raise
    if moved:
        writer.commit()
    else:
        writer.cancel()
    return len(moved)


def _indexable(stored: dict, **changes: object) -> dict:
    """Fields to re-add a document from its stored fields (the per-language text fields are
    not stored; they are the stored title and body)."""
    fields = {**stored, **changes}
    title_field, body_field = text_fields_for(fields.get("lang", "und"))
    fields[title_field] = fields.get("title", "")
    fields[body_field] = fields.get("body", "")
    return fields


def _known_files(ix: whoosh_index.Index) -> dict[str, tuple[str, int]]:
    """file path -> (fingerprint, number of documents) for what the index holds now."""
    known: dict[str, tuple[str, int]] = {}
    with ix.searcher() as searcher:
        for stored in searcher.reader().all_stored_fields():
            path = stored["file"]
            _, count = known.get(path, ("", 0))
            known[path] = (stored.get("fingerprint", ""), count + 1)
    return known


def _under(path: str, root: Path) -> bool:
    root_text = str(root)
    return path == root_text or path.startswith(root_text.rstrip(os.sep) + os.sep)


def _save_report(index_dir: Path, report: BuildReport) -> None:
    data = asdict(report)
    tmp = index_dir / (BUILD_REPORT + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(index_dir / BUILD_REPORT)
