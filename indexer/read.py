"""Find corpus files and turn them into RawRecords, one per page.

Supports a directory tree of .txt/.html/.htm (optionally .gz), .jsonl(.gz) in the
mC4/CulturaX shape, and .warc(.gz) via warcio. Every problem becomes a Failure
with the path and the record, so one bad file never stops a run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.model import Failure, Kind, Origin, RawRecord
from search import generations

TEXT_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
CONTAINER_SUFFIXES = (".jsonl", ".warc")
MAX_FILE_BYTES = 256 * 1024 * 1024  # a single page beyond this is a broken crawl, not a page
SUPPORTED = (".txt", ".html", ".htm", ".jsonl", ".warc", "each also .gz")
_FOLDER_LINK = "link to a folder, not followed (index its target as a root instead)"
_INDEX_FOLDER = "a Sifter index folder, not read"

_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class CorpusFile:
    """A file found under a corpus root, with what is needed to read and track it."""

    path: Path
    root: Path
    relpath: str
    fingerprint: str


class ReadError(Exception):
    """A whole file could not be read; the message is shown to the user."""


def document_id(root: Path, relpath: str, record: str | None) -> str:
    """A URL-safe id stable across runs: readable tail of the path plus a hash for uniqueness."""
    key = f"{root.name}/{relpath}" + (f"#{record}" if record else "")
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    readable = _UNSAFE_ID_CHARS.sub("-", relpath + (f"-{record}" if record else "")).strip("-.")
    return f"{readable[-60:].lstrip('-.')}-{digest}"


def kind_of(path: Path) -> str | None:
    """'text', 'html', 'jsonl', 'warc', or None for files that are not corpus files."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix, kind in TEXT_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    for suffix in CONTAINER_SUFFIXES:
        if name.endswith(suffix):
            return suffix[1:]
    return None


def list_files(root: Path) -> tuple[list[CorpusFile], list[Failure]]:
    """Every corpus file under root (or root itself if it is a file), sorted, and every
    other entry as a Failure (an unsupported file type, a folder that cannot be listed, a
    link to a folder), so nothing under a root is passed over silently. Folder links are
    not followed: a symlink loop must not hang the run, nor a link index a tree twice."""
    root = root.absolute()
    failures: list[Failure] = []
    if root.is_file() or not root.exists():
        base = root.parent
        paths = [root]
    else:
        base = root
        paths = []

        def unlisted(error: OSError) -> None:
            reason = f"cannot list folder: {error.strerror or error}"
            failures.append(Failure(error.filename or str(root), None, reason))

        for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted, followlinks=False):
            dirnames.sort()
            for name in list(dirnames):
                folder = Path(dirpath) / name
                if folder.is_symlink():
                    failures.append(Failure(str(folder), None, _FOLDER_LINK, skipped=True))
                elif generations.is_index_folder(folder):  # e.g. `sifter index .` over var/
                    failures.append(Failure(str(folder), None, _INDEX_FOLDER, skipped=True))
                    dirnames.remove(name)
            paths.extend(Path(dirpath) / name for name in sorted(filenames))
    files = []
    for path in paths:
        try:
            info = path.stat()
        except OSError as error:
            failures.append(Failure(str(path), None, f"cannot read: {error.strerror or error}"))
            continue
        if kind_of(path) is None:
            failures.append(Failure(str(path), None, _unsupported(path), skipped=True))
            continue
        relpath = path.relative_to(base).as_posix()
        files.append(CorpusFile(path, base, relpath, f"{info.st_size}:{info.st_mtime_ns}"))
    return files, failures


def _unsupported(path: Path) -> str:
    suffixes = path.suffixes[-2:] if path.suffix.lower() == ".gz" else path.suffixes[-1:]
    suffix = "".join(suffixes) or "no extension"
    return f"not a corpus file type ({suffix}); indexed: {', '.join(SUPPORTED)}"


def read_file(file: CorpusFile) -> Iterator[RawRecord | Failure]:
    """Records of one file; a file-level problem yields a single Failure."""
    kind = kind_of(file.path)
    try:
        data = _read_bytes(file.path)
    except ReadError as error:
        yield Failure(str(file.path), None, str(error))
        return
    if kind in ("jsonl", "warc"):
        records = _jsonl_records(file, data) if kind == "jsonl" else _warc_records(file, data)
        empty = True
        for item in records:
            empty = False
            yield item
        if empty:
            yield Failure(str(file.path), None, f"no {kind.upper()} records", skipped=True)
    else:
        yield _record(file, None, data, kind, origin=_origin(0, data))  # type: ignore[arg-type]


def _read_bytes(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as error:
        raise ReadError("gone before it could be read (deleted or moved meanwhile)") from error
    except OSError as error:
        raise ReadError(f"cannot read: {error.strerror or error}") from error
    if not stat.S_ISREG(mode):  # reading a FIFO would wait for a writer forever
        raise ReadError("not a regular file (a FIFO, device or socket)")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ReadError(f"cannot read: {error.strerror or error}") from error
    if path.name.lower().endswith(".gz") and not path.name.lower().endswith(".warc.gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise ReadError(f"broken gzip: {error}") from error
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(f"larger than {MAX_FILE_BYTES // 2**20} MB")
    return data


def _origin(offset: int, data: bytes, length: int | None = None) -> Origin:
    return Origin(offset, len(data) if length is None else length, hashlib.sha256(data).hexdigest())


def _record(
    file: CorpusFile, record: str | None, data: bytes | str, kind: Kind, **fields: object
) -> RawRecord:
    id_key = fields.pop("id_key", None) or record
    return RawRecord(
        id=document_id(file.root, file.relpath, id_key),
        path=str(file.path),
        root=str(file.root),
        relpath=file.relpath,
        record=record,
        data=data,
        kind=kind,
        fingerprint=file.fingerprint,
        **fields,
    )


def _jsonl_records(file: CorpusFile, data: bytes) -> Iterator[RawRecord | Failure]:
    seen_ids: set[str] = set()
    end = 0
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        offset, end = end, end + len(line)
        line = line.rstrip(b"\r\n")  # one line ending: keepends splits at each
        if not line.strip():
            continue
        record = f"L{number}"
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            yield Failure(str(file.path), record, f"malformed JSON: {error}")
            continue
        if not isinstance(obj, dict):
            yield Failure(str(file.path), record, "line is not a JSON object")
            continue
        html, text = obj.get("html"), obj.get("text")
        content, kind = (html, "html") if isinstance(html, str) else (text, "text")
        if not isinstance(content, str):
            yield Failure(str(file.path), record, "no 'text' or 'html' string")
            continue
        own_id = _str_or_none(obj.get("id"))
        # The container's id keeps the document id stable when lines move; a repeated
        # id within one file falls back to the line number so no record is lost.
        unique = own_id is not None and own_id not in seen_ids
        if unique:
            seen_ids.add(own_id)
        yield _record(
            file,
            record,
            content,
            kind,
            id_key=f"id:{own_id}" if unique else None,
            url=_str_or_none(obj.get("url")),
            crawled=_str_or_none(obj.get("timestamp") or obj.get("date")),
            source=_str_or_none(obj.get("source")),
            external_id=own_id,
            origin=_origin(offset, line),
        )


def _warc_records(file: CorpusFile, data: bytes) -> Iterator[RawRecord | Failure]:
    """HTML responses as records; every other record (warcinfo, request, metadata, an
    image) is listed as skipped, and a truncated record or unparsable tail as failed.
    Records are named by their byte offset in the (possibly compressed) file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    path = str(file.path)
    iterator = ArchiveIterator(io.BytesIO(data))
    end = 0  # where the last complete record ended
    try:
        for warc in iterator:
            try:
                body, error = warc.content_stream().read(), None
            except Exception as exc:  # warcio raises bare zlib/IO errors on truncation
                body, error = b"", exc
            # Only after reading the body: get_record_offset() consumes the record.
            offset = iterator.get_record_offset()
            end = offset + iterator.get_record_length()
            record = f"@{offset}"
            missing = getattr(warc.raw_stream, "limit", 0)  # bytes its length promised
            if error is not None or missing or warc.rec_type is None:
                why = error or (f"{missing} bytes missing" if missing else "incomplete header")
                yield Failure(path, record, f"truncated WARC record: {why}")
                continue
            content_type = _warc_content_type(warc)
            if warc.rec_type not in ("response", "resource"):
                reason = f"WARC {warc.rec_type} record: not a page"
                yield Failure(path, record, reason, skipped=True)
                continue
            if "html" not in content_type.lower():
                reason = f"WARC {warc.rec_type} of type {content_type or 'unknown'}: not HTML"
                yield Failure(path, record, reason, skipped=True)
                continue
            yield _record(
                file,
                record,
                body,
                "html",
                url=warc.rec_headers.get_header("WARC-Target-URI"),
                crawled=warc.rec_headers.get_header("WARC-Date"),
                external_id=warc.rec_headers.get_header("WARC-Record-ID"),
                charset=_charset_of(content_type),
                origin=_origin(offset, body, iterator.get_record_length()),
            )
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as error:
        yield Failure(path, f"@{end}", f"unreadable WARC data: {error}")
        return
    if data[end:].strip():  # warcio ends quietly on a gzip member cut short
        yield Failure(path, f"@{end}", f"truncated WARC record: {len(data) - end} bytes unread")


def _warc_content_type(warc) -> str:
    """The page's type: the HTTP header of a response, the WARC header of a resource."""
    headers = warc.http_headers if warc.http_headers else warc.rec_headers
    return headers.get_header("Content-Type", "") or ""


def _charset_of(content_type: str) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)
