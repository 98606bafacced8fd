"""A query's whole hit set as JSONL or CSV, streamed: `/api/export` and `sifter export`.

Engine.walk orders the hits (a few arrays) and reads their stored fields a batch at a
time; this module turns each batch into lines as the client reads them, so an export of a
million hits holds one batch in memory, never the result set.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) get a leading apostrophe, as OWASP's "CSV Injection" page advises; the
csv module quotes the rest (RFC 4180).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from search.engine import Engine, Walk
from search.results import SearchRequest
from web.payload import BadParameter, request_from_params

FORMATS = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
CHUNK = 64 * 1024


def _origin(name: str) -> Callable[[dict], object]:
    return lambda stored: (stored.get("origin") or {}).get(name)


# name -> (description, value from (rank, score, stored fields)). The one list of fields
# an export may hold: the API's 400, the CLI's help, the OpenAPI enum and the README
# all come from here.
FIELDS: dict[str, tuple[str, Callable[[int, float, dict], object]]] = {
    "rank": ("position in the result order, from 1", lambda r, s, d: r),
    "id": ("document id", lambda r, s, d: d["id"]),
    "title": ("title", lambda r, s, d: d.get("title", "")),
    "url": ("the page's URL as crawled", lambda r, s, d: d.get("url")),
    "source": ("credited publisher", lambda r, s, d: d.get("source", "unknown")),
    "host": ("host of the URL", lambda r, s, d: d.get("host")),
    "lang": ("language code", lambda r, s, d: d.get("lang", "und")),
    "date": ("best known date, YYYY-MM-DD", lambda r, s, d: d.get("date")),
    "date_kind": ("published, updated or crawled", lambda r, s, d: d.get("date_kind")),
    "year": ("year of the date", lambda r, s, d: d.get("year")),
    "score": ("relevance score", lambda r, s, d: round(s, 4)),
    "doc_url": ("the document's page", lambda r, s, d: f"/doc/{d['id']}"),
    "path": ("file, relative to its corpus root", lambda r, s, d: d.get("path")),
    "record": ("record in the file: L<line> or @<offset>", lambda r, s, d: d.get("record")),
    "external_id": (
        "the container's id (JSONL id, WARC-Record-ID)",
        lambda r, s, d: d.get("external_id"),
    ),
    "encoding": ("encoding the bytes were decoded as", lambda r, s, d: d.get("encoding")),
    "dup_group": ("near-duplicate group", lambda r, s, d: d.get("dup_group")),
    "sha256": ("sha256 of the record's bytes as crawled", lambda r, s, d: _origin("sha256")(d)),
    "body": ("the cleaned text", lambda r, s, d: d.get("body", "")),
}
DEFAULT_FIELDS = ("id", "title", "url", "source", "lang", "date", "score")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Export:
    """An export ready to stream: `lines()` yields text as the hits are read."""

    walk: Walk
    format: str
    fields: tuple[str, ...]

    @property
    def media_type(self) -> str:
        return f"{FORMATS[self.format]}; charset=utf-8"

    @property
    def filename(self) -> str:
        return f"sifter-export.{self.format}"

    def lines(self) -> Iterator[str]:
        """The export's text in chunks of about CHUNK characters (a write per line
        would cost a system call each)."""
        lines = _csv_lines if self.format == "csv" else _jsonl_lines
        pending: list[str] = []
        size = 0
        for line in lines(self.walk, self.fields):
            pending.append(line)
            size += len(line)
            if size >= CHUNK:
                yield "".join(pending)
                pending, size = [], 0
        if pending:
            yield "".join(pending)


def parse_fields(text: str | None) -> tuple[str, ...]:
    """The fields a caller asked for ("id,title,url"); BadParameter names unknown ones."""
    if text is None or not text.strip():
        return DEFAULT_FIELDS
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in names if name not in FIELDS]
    if unknown:
        raise BadParameter(
            "fields",
            f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(FIELDS)}",
        )
    return names


def parse_format(text: str | None) -> str:
    value = (text or "jsonl").strip().lower() or "jsonl"
    if value not in FORMATS:
        raise BadParameter("format", f"format must be one of {', '.join(FORMATS)}, not {text!r}")
    return value


def export_request(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """The search an export walks: /api/search's parameters; near duplicates are kept
    unless `collapse=true` (an export wants every page); paging parameters are refused,
    since an export is the whole set."""
    for name in ("page", "per_page", "cursor"):
        if params.get(name):
            raise BadParameter(name, f"an export holds every hit: {name} does not apply")
    search = {k: v for k, v in params.items() if k not in ("format", "fields")}
    search.setdefault("collapse", ["false"])
    return replace(request_from_params(search), page=1)


def start_export(engine: Engine, params: Mapping[str, Sequence[str]], batch: int = 200) -> Export:
    """Check every parameter and run the query, so errors come before the first byte."""
    fmt = parse_format(_last(params, "format"))
    fields = parse_fields(_last(params, "fields"))
    request = export_request(params)
    return Export(engine.walk(request, batch=batch), fmt, fields)


def _last(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def _rows(walk: Walk, fields: tuple[str, ...]) -> Iterator[list[object]]:
    getters = [FIELDS[name][1] for name in fields]
    for batch in walk.batches:
        for rank, score, stored in batch:
            yield [get(rank, score, stored) for get in getters]


def _jsonl_lines(walk: Walk, fields: tuple[str, ...]) -> Iterator[str]:
    for row in _rows(walk, fields):
        line = json.dumps(dict(zip(fields, row, strict=True)), ensure_ascii=False)
        # U+2028/9 are valid in JSON but split lines for readers using str.splitlines.
        yield line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def csv_cell(value: object) -> object:
    """A value as a safe CSV cell: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe (OWASP); numbers stay numbers; None is empty."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_lines(walk: Walk, fields: tuple[str, ...]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(fields)
    yield flush()
    for row in _rows(walk, fields):
        writer.writerow([csv_cell(value) for value in row])
        yield flush()
