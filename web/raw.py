"""A document's record as crawled: its original bytes, read back from the corpus file at
the offset the indexer recorded (indexer.model.Origin), and checked against the sha256
taken then, so a user can cite the page and verify it.

The file comes from the index's stored fields, never from the request: an id only looks
a document up, so it cannot name a file outside the corpus. The bytes are served as text
or as a download, never as HTML (web.app adds nosniff and a sandbox), since a crawled
page must not run as one of ours.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from indexer.read import MAX_FILE_BYTES, kind_of


class RawUnavailable(Exception):
    """The record cannot be given as it was indexed (file changed or gone); for people."""


@dataclass(frozen=True)
class Provenance:
    """Where a document's bytes are: enough to cite it and to find it again."""

    id: str
    path: str  # relative to its corpus root
    record: str | None  # "L12" (JSONL line), "@1234" (WARC record offset), None (whole file)
    kind: str  # text, html, jsonl or warc: the file's format
    offset: int
    length: int
    sha256: str
    warc_record_id: str | None
    encoding: str | None  # what the indexer decoded the bytes as
    url: str | None

    @property
    def extension(self) -> str:
        return {"text": ".txt", "jsonl": ".jsonl"}.get(self.kind, ".html")

    def payload(self) -> dict:
        return {
            "id": self.id,
            "path": self.path,
            "record": self.record,
            "format": self.kind,
            "offset": self.offset,
            "length": self.length,
            "offsets_in": "file" if self.kind == "warc" else "decompressed file",
            "sha256": self.sha256,
            "warc_record_id": self.warc_record_id,
            "encoding": self.encoding,
            "url": self.url,
            "raw_url": f"/doc/{self.id}/raw",
            "download_url": f"/doc/{self.id}/raw?download=1",
            "doc_url": f"/doc/{self.id}",
        }


def provenance(stored: dict) -> Provenance | None:
    """The document's provenance from its stored fields; None for one indexed before
    offsets were kept."""
    origin = stored.get("origin")
    if not origin:
        return None
    kind = kind_of(Path(stored["file"])) or "text"
    return Provenance(
        id=stored["id"],
        path=stored.get("path") or os.path.basename(stored["file"]),
        record=stored.get("record"),
        kind=kind,
        offset=int(origin["offset"]),
        length=int(origin["length"]),
        sha256=origin["sha256"],
        warc_record_id=stored.get("external_id") if kind == "warc" else None,
        encoding=stored.get("encoding"),
        url=stored.get("url"),
    )


def read_raw(stored: dict, where: Provenance) -> bytes:
    """The record's bytes as crawled; RawUnavailable when the file is gone or changed."""
    path = Path(stored["file"])
    root = stored.get("root")
    if root and not path.resolve().is_relative_to(Path(root).resolve()):
        # Only a tampered index could say so; never read outside the corpus.
        raise RawUnavailable(f"{where.path} is not inside its corpus folder")
    try:
        if where.kind == "warc":
            data = _warc_payload(path, where)
        else:
            data = _slice(path, where.offset, where.length)
    except FileNotFoundError:
        raise RawUnavailable(
            f"{where.path} is no longer in the corpus; run `sifter index` to update the index"
        ) from None
    except (OSError, EOFError, ValueError) as error:
        raise RawUnavailable(f"{where.path} can no longer be read: {error}") from None
    if hashlib.sha256(data).hexdigest() != where.sha256:
        raise RawUnavailable(
            f"{where.path} changed since it was indexed: the bytes at "
            f"{where.record or 'the start'} no longer have the sha256 recorded then; "
            "run `sifter index` to index the file as it is now"
        )
    return data


def _slice(path: Path, offset: int, length: int) -> bytes:
    """`length` bytes at `offset` of the file, read through gzip for a .gz file (whose
    offsets count decompressed bytes)."""
    if length > MAX_FILE_BYTES:
        raise ValueError("record larger than any page the indexer reads")
    if not path.is_file():
        raise FileNotFoundError(path)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(length)


def _warc_payload(path: Path, where: Provenance) -> bytes:
    """The HTTP payload of the WARC record at the offset (a .warc.gz record is a gzip
    member of its own, so the offset is in the file itself)."""
    from warcio.archiveiterator import ArchiveIterator

    if not path.is_file():
        raise FileNotFoundError(path)
    with open(path, "rb") as handle:
        handle.seek(where.offset)
        chunk = handle.read(where.length)
    for record in ArchiveIterator(io.BytesIO(chunk)):
        found = record.rec_headers.get_header("WARC-Record-ID")
        if where.warc_record_id and found != where.warc_record_id:
            raise ValueError(f"another WARC record ({found}) is at offset {where.offset}")
        return record.content_stream().read()
    raise ValueError(f"no WARC record at offset {where.offset}")


def decoded(data: bytes, where: Provenance) -> str:
    """The bytes as text in the encoding the indexer detected (a JSONL line is UTF-8 JSON)."""
    encoding = "utf-8" if where.kind == "jsonl" else (where.encoding or "utf-8")
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def http_charset(where: Provenance) -> str | None:
    """The WHATWG name a browser knows for the detected encoding ("cp1252" is
    "windows-1252"), None when there is none."""
    encoding = "utf-8" if where.kind == "jsonl" else where.encoding
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    name = name.replace("_", "-")
    if name.startswith("cp125"):
        return "windows-" + name[2:]
    if name.startswith("iso8859-"):
        return "iso-8859-" + name[len("iso8859-") :]
    return name
