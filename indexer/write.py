"""Documents into the Whoosh index, and the index run that mirrors corpus roots.

`sifter index ROOT...` makes the index mirror those roots (DESIGN-NOTES.md): files
whose content changed are re-indexed, files gone from a root are deleted, documents from
other roots are left alone. The change-tracking data (file path and fingerprint: size,
mtime and a content hash) lives in two columns of the index, so it commits with Whoosh
and is read without touching the stored bodies.

A run streams, in two passes over the changed pages. In the first, a pool of worker
processes (`indexer.parallel`) decodes, repairs and finds the language of each page;
this process counts its lines for the template lines of its source and spools it to disk
(`indexer.spool`). In the second (`indexer.segments`), each worker takes a share of the
spool, removes chrome with what was learned, extracts metadata and writes a Whoosh
segment of its own; this process groups near duplicates between the two steps and
commits the segments together. A full build goes into a new generation that replaces
the live one atomically when complete (`search.generations`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pickle
import posixpath
import shutil
import struct
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import LockError, SegmentWriter

from indexer import duplicates, segments, templates
from indexer.model import Document, Failure, RawRecord
from indexer.parallel import Workers, default_procs
from indexer.pipeline import prepare, read_page
from indexer.read import CorpusFile, list_files, read_file
from indexer.segments import SegmentWorkers, Share
from indexer.spool import Spool, pack
from search import generations, sites, template_lines
from search.analysis import family_for
from search.schema import (
    SCHEMA_VERSION,
    VERSION_FILE,
    InliningCodec,
    build_schema,
    chrome_field,
    index_version,
    text_fields_for,
)

BUILD_REPORT = "sifter-build.json"  # beside the generations: the last run, for /stats
LOCK_FILE = generations.LOCK
ROOTS_FILE = "sifter-roots.json"  # in a generation: the corpus roots it mirrors
WRITER_MB = 256  # Whoosh's posting pools (all writers together) before they spill to disk
# Writers leave a segment as separate files: a searcher maps each one, where opening a
# compound segment file took ~0.4 s at 100k pages.


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
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step of the run
    regrouped: int = 0  # documents written again because their near-duplicate group changed

    def reject(self, failure: Failure) -> None:
        (self.skipped if failure.skipped else self.failed).append(failure)


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
        "dup_group": doc.id,  # until compared with the rest of the index (_update, regroup)
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
        "origin": asdict(doc.origin) if doc.origin else None,
        title_field: doc.title,
        body_field: doc.body,
        **searched_extras(doc.host, doc.chrome, doc.lang),
    }
    return {key: value for key, value in values.items() if value is not None}


def searched_extras(host: str | None, chrome: Iterable[str], lang: str) -> dict[str, object]:
    """The indexed-only fields made from the host and the removed chrome: `site` (host
    suffixes), `chrome_<family>` (in:chrome) and `template` (normalised lines, one a line)."""
    chrome = [line for line in chrome if line.strip()]
    extras = {}
    if host:
        extras["site"] = " ".join(sites.suffixes(host))
    if chrome:
        extras[chrome_field(family_for(lang))] = "\n".join(chrome)
        lines = (template_lines.normalise(line) for line in chrome)
        kept = dict.fromkeys(line for line in lines if template_lines.offered(line))
        if kept:
            extras["template"] = "\n".join(kept)
            hashes = [template_lines.line_hash(line) for line in kept]
            extras["template_hashes"] = struct.pack(f"<{len(hashes)}Q", *hashes)
    return extras


def open_or_create(index_dir: Path) -> whoosh_index.Index:
    """A new empty index of today's schema in index_dir (a generation folder)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    (index_dir / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n")
    return ix


def build(
    roots: Iterable[Path],
    index_dir: Path,
    progress: bool = False,
    procs: int | None = None,
    rebuild: bool = False,
) -> BuildReport:
    """Make the index in index_dir mirror the roots, and report what happened.

    Incremental when the live index has today's schema: only files whose content changed
    are read again, in one commit. A full build (`rebuild`, no index yet, or one of another
    schema version) writes a new generation beside the live one, re-indexes the roots the
    live one held as well, and switches to it atomically when it is complete (searches
    keep being served from the old generation meanwhile). `procs` worker processes run the
    pipeline (default: $SIFTER_PROCS or one per CPU)."""
    started = time.monotonic()
    index_dir = Path(index_dir)
    procs = procs or default_procs()
    roots = [Path(root) for root in roots]
    report = BuildReport()
    index_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(index_dir), Workers(procs) as workers:
        generations.discard_unfinished(index_dir)  # left by a run that was killed
        live = generations.live_dir(index_dir)
        full = rebuild or live is None or index_version(live) != SCHEMA_VERSION
        if full:
            target = generations.next_generation(index_dir)
            old_roots = _indexed_roots(live) if live is not None else []
            roots += [root for root in old_roots if root not in roots]
            ix, known = open_or_create(target), {}
        else:
            target, ix = live, whoosh_index.open_dir(str(live))
            known = _known_files(ix)
        try:
            writer = ix.writer(limitmb=WRITER_MB, compound=False, codec=InliningCodec())
        except LockError as error:  # an older Sifter, without the folder lock, is writing
            raise IndexBusy(f"{index_dir} is being written by another `sifter index`") from error
        try:
            with _phase(report, "documents"):
                new_segments = _update(ix, writer, roots, known, report, workers, progress)
            with _phase(report, "commit"):
                segments.commit(writer, new_segments)
            with _phase(report, "regroup"):
                report.regrouped = regroup(ix)
            _save_roots(target, roots)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            if full:
                shutil.rmtree(target, ignore_errors=True)
            raise
        if full:
            generations.switch(index_dir, target)
    report.seconds = round(time.monotonic() - started, 3)
    report.finished_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    _save_report(index_dir, report)
    return report


@contextlib.contextmanager
def _phase(report: BuildReport, name: str) -> Iterator[None]:
    """Time a step of the run into report.phases (nested steps count in their parent too)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        report.phases[name] = round(time.perf_counter() - started, 2)


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One `sifter index` per index folder at a time (generations are chosen under it)."""
    with open(index_dir / LOCK_FILE, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise IndexBusy(f"{index_dir} is being written by another `sifter index`") from error
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _update(
    ix: whoosh_index.Index,
    writer: SegmentWriter,
    roots: list[Path],
    known: dict[str, tuple[str, int]],
    report: BuildReport,
    workers: Workers,
    progress: bool,
) -> list:
    """Delete what changed or went away, then index what changed, learning template lines
    first from the folders (sources) the changes touch. Returns the new segments, written
    but not yet committed."""
    changed: list[CorpusFile] = []
    learn: list[CorpusFile] = []
    removed: set[str] = set()  # files gone from their root
    for root in roots:
        if not root.exists():
            # Never read a missing root as "every file was deleted": it may be unmounted.
            report.failed.append(Failure(str(root), None, "no such file or directory"))
            continue
        files, failures = list_files(root)
        for failure in failures:
            report.reject(failure)
        touched: set[str] = set()
        root_changed = []
        for file in files:
            path = str(file.path)
            fingerprint, count = known.get(path, (None, 0))
            current = _current_fingerprint(file, fingerprint)
            if current is None:
                report.unchanged += count
                continue
            root_changed.append(replace(file, fingerprint=current))
            touched.add(_folder(file))
            if fingerprint is not None:  # its records are replaced wholesale
                writer.delete_by_term("file", path)
        changed += root_changed
        # Template lines are learned per source; the source of a page without a URL is its
        # folder, so the unchanged pages of a touched folder are read (never the whole root).
        fresh = {str(file.path) for file in root_changed}
        learn += root_changed
        learn += [f for f in files if _folder(f) in touched and str(f.path) not in fresh]
        listed = {str(file.path) for file in files}
        for path in known:
            if _under(path, root.absolute()) and path not in listed:
                report.deleted += writer.delete_by_term("file", path)
                removed.add(path)
    if not changed:
        return []
    fresh = {str(file.path) for file in changed}
    with Spool(_spool_dir(writer)) as spool:
        counts = templates.Counts()
        with _phase(report, "prepare"):
            _prepare(changed, spool, counts, report, workers, progress)
        with _phase(report, "templates"):
            _count_lines([f for f in learn if str(f.path) not in fresh], counts, workers)
        learned = counts.learned()
        del counts
        workers.close()  # its memory is the segment workers' now
        return _finish_and_write(
            ix, writer, spool, learned, report, workers.procs, progress, gone=fresh | removed
        )


def _finish_and_write(
    ix: whoosh_index.Index,
    writer: SegmentWriter,
    spool: Spool,
    learned: dict[str, frozenset[int]],
    report: BuildReport,
    procs: int,
    progress: bool,
    gone: set[str],
) -> list:
    """Second pass (`indexer.segments`): the spooled pages finished, grouped as near
    duplicates with what the index keeps, and written as new segments."""
    from tqdm import tqdm

    limitmb = max(32, WRITER_MB // procs)
    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(
            tqdm(total=spool.count, desc="indexing", unit="page", disable=not progress)
        )
        with _phase(report, "finish"):
            if procs > 1:
                pool = stack.enter_context(
                    SegmentWorkers(
                        ix, spool, learned, fields_of, procs, limitmb, _spool_dir(writer)
                    )
                )
                results = pool.finish(bar.update)
            else:
                share = Share(spool, 0, spool.count, learned, fields_of, _spool_dir(writer))
                results = share.finish(bar.update)
        grouper = _grouper(writer.reader(), gone)
        ids = []
        for item in results:
            if isinstance(item, Failure):
                report.reject(item)
            else:
                grouper.add(*item)
                ids.append(item[0])
        del results
        groups = {doc_id: group for doc_id in ids if (group := grouper.group(doc_id)) != doc_id}
        del grouper, ids
        with _phase(report, "write"):
            if procs > 1:
                new_segments, written = pool.write(groups)
            else:
                segment, written = segments.write_segment(ix, share, groups, limitmb)
                new_segments = [segment] if segment is not None else []
        report.indexed += written
        return new_segments


def _current_fingerprint(file: CorpusFile, known: str | None) -> str | None:
    """The file's fingerprint (size:mtime:content hash), or None when it is unchanged:
    same size and mtime as indexed, or else the same content (a touched or copied file)."""
    stat_part = file.fingerprint
    if known is not None and known.rpartition(":")[0] == stat_part:
        return None
    digest = _content_hash(file.path)
    if known is not None and digest and known.rpartition(":")[2] == digest:
        return None
    return f"{stat_part}:{digest}"


def _content_hash(path: Path) -> str:
    """blake2b of the file's bytes; "" when it cannot be read (read_file reports why)."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        if not path.is_file():
            return ""
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _folder(file: CorpusFile) -> tuple[str, str]:
    return str(file.root), posixpath.dirname(file.relpath)


def _records(files: list[CorpusFile]) -> Iterator[tuple[RawRecord | Failure, bool]]:
    """Every record of the files, read lazily; True with the last item of each file."""
    for file in files:
        previous = None
        for item in read_file(file):
            if previous is not None:
                yield previous, False
            previous = item
        if previous is not None:
            yield previous, True


def _prepare(
    files: list[CorpusFile],
    spool: Spool,
    counts: templates.Counts,
    report: BuildReport,
    workers: Workers,
    progress: bool,
) -> None:
    """First pass: every record decoded, repaired and its language found (by `procs`
    workers), its lines counted for the templates, and the page spooled for the second."""
    from tqdm import tqdm

    with tqdm(total=len(files), desc="reading", unit="file", disable=not progress) as bar:
        for result, source, lines, last in workers.map(_prepared, _records(files)):
            bar.update(last)
            if lines is not None:
                counts.add_hashes(source, lines)
            if isinstance(result, Failure):
                report.reject(result)
            else:
                spool.append(pickle.dumps((source, result), protocol=pickle.HIGHEST_PROTOCOL))


def _prepared(
    task: tuple[RawRecord | Failure, bool],
) -> tuple[bytes | Failure, str, list[int] | None, bool]:
    """In a worker: (the prepared page packed, or why not; its source; the hashes of its
    lines as decoded; whether it is its file's last record)."""
    item, last = task
    if isinstance(item, Failure):
        return item, "", None, last
    page = read_page(item)
    if isinstance(page, Failure):
        return page, "", None, last
    source = _source(item)
    lines = templates.hashes(block.text for block in page.blocks)
    prepared = prepare(page)
    return (prepared if isinstance(prepared, Failure) else pack(prepared)), source, lines, last


def _count_lines(files: list[CorpusFile], counts: templates.Counts, workers: Workers) -> None:
    """The lines of pages that are not re-indexed but share a source with some that are."""
    raws = (item for item, _ in _records(files) if not isinstance(item, Failure))
    for found in workers.map(_page_lines, raws):
        if found is not None:
            counts.add_hashes(*found)


def _page_lines(raw: RawRecord) -> tuple[str, list[int]] | None:
    """In a worker: the record's source and the hashes of its lines."""
    page = read_page(raw)
    if isinstance(page, Failure):
        return None
    return _source(raw), templates.hashes(block.text for block in page.blocks)


def _source(raw: RawRecord) -> str:
    return templates.source_key(raw.url, raw.root, raw.relpath)


def _spool_dir(writer: SegmentWriter) -> Path | None:
    """Beside the index being written (the system's temp folder may be small)."""
    folder = getattr(writer.storage, "folder", None)
    return Path(folder) if folder else None


def _grouper(reader, gone: set[str]) -> duplicates.Grouper:
    """A Grouper that knows the documents the index keeps (not those of `gone` files)."""
    grouper = duplicates.Grouper()
    if not reader.doc_count_all():
        return grouper
    for segment, _ in reader.leaf_readers():
        # Per segment: a MultiReader's column skips segments without the field.
        columns = [segment.column_reader(name) for name in ("id", "simhash", "file")]
        for docnum, (doc_id, simhash, path) in enumerate(zip(*columns, strict=True)):
            if not segment.is_deleted(docnum) and path not in gone:
                grouper.add(doc_id, int(simhash, 16) if simhash else None)
    return grouper


def regroup(ix: whoosh_index.Index) -> int:
    """Recompute near-duplicate groups over the whole index; re-add the documents whose
    group changed. A separate commit after the build's: a crash in between leaves groups
    merely stale, and the next run mends them. Returns how many documents changed group."""
    # The lock first, so docnums cannot shift under us.
    writer = ix.writer(limitmb=WRITER_MB, compound=False, codec=InliningCodec())
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
    fields.update(
        searched_extras(fields.get("host"), fields.get("chrome") or (), fields.get("lang", "und"))
    )
    return fields


def _known_files(ix: whoosh_index.Index) -> dict[str, tuple[str, int]]:
    """file path -> (fingerprint, number of documents) for what the index holds now, read
    from two columns (not the stored fields, which hold every body)."""
    known: dict[str, tuple[str, int]] = {}
    with ix.searcher() as searcher:
        for segment, _ in searcher.reader().leaf_readers():
            files, prints = segment.column_reader("file"), segment.column_reader("fingerprint")
            for docnum in segment.all_doc_ids():
                path = files[docnum]
                known[path] = (prints[docnum], known.get(path, ("", 0))[1] + 1)
    return known


def _indexed_roots(live: Path) -> list[Path]:
    """The roots the index in `live` was built from (to re-index them on a rebuild)."""
    try:
        return [Path(p) for p in json.loads((live / ROOTS_FILE).read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        return []


def _save_roots(generation: Path, roots: list[Path]) -> None:
    known = [str(p) for p in _indexed_roots(generation)]
    given = [str(root.absolute()) for root in roots if root.exists()]
    tmp = generation / (ROOTS_FILE + ".tmp")
    tmp.write_text(json.dumps(list(dict.fromkeys(known + given))), encoding="utf-8")
    tmp.replace(generation / ROOTS_FILE)


def _under(path: str, root: Path) -> bool:
    root_text = str(root)
    return path == root_text or path.startswith(root_text.rstrip(os.sep) + os.sep)


def _save_report(index_dir: Path, report: BuildReport) -> None:
    data = asdict(report)
    tmp = index_dir / (BUILD_REPORT + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(index_dir / BUILD_REPORT)
