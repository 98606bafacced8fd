"""The Flask app: the search, document and stats pages and the JSON API over one Engine.

Routes only turn a request into engine calls and render the same data as HTML or JSON;
payload.py builds the data, templates lay it out. Served by waitress (`sifter serve`),
never by Flask's debug server.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search.engine import TIME_LIMIT, Engine, IndexMissing
from search.results import SearchRequest
from web import payload
from web.documents import document_payload
from web.errors import HEADLINES, ApiError, as_api_error
from web.export import start_export
from web.histogram import year_histogram
from web.languages import language_name
from web.openapi import SPEC
from web.raw import Provenance, RawUnavailable, decoded, http_charset, provenance, read_raw
from web.stats import index_stats

MAX_BODY_BYTES = 64 * 1024  # a POSTed search; queries are capped far below this anyway

SECURITY_HEADERS = {
    # No inline script or style at all: JavaScript comes from /static only.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(index_dir: str | Path, time_limit: float = TIME_LIMIT) -> Flask:
    """The app over the index in `index_dir`; a search answers with what it has found
    after `time_limit` seconds (flagged `partial`)."""
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # UTF-8, not \uXXXX escapes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    _template_helpers(app)
    engines: list[Engine] = []
    lock = threading.Lock()

    def engine() -> Engine:
        # Opened on first use, so the server can start before the first index is built;
        # each thread then keeps its own searcher and refreshes it (Engine.searcher).
        with lock:
            if not engines:
                engines.append(Engine(index_dir, time_limit=time_limit))
            return engines[0]

    def run_search(params: dict[str, list[str]]) -> tuple[SearchRequest, dict]:
        search_request = payload.request_from_params(params)
        results = payload.results_payload(engine().search(search_request))
        return payload.shown_request(search_request), results

    @app.get("/")
    def search_page():
        if not request.args:
            return render_template("search.html", results=None, query="", home=_home(engine))
        search_request, results = run_search(_args())
        return render_template(
            "search.html",
            results=results,
            query=search_request.q,
            view=_search_view(search_request, results),
        )

    @app.get("/doc/<doc_id>")
    def document_page(doc_id: str):
        doc = _document(engine(), doc_id)
        where = provenance(engine().document(doc_id) or {})
        return render_template("document.html", doc=doc, raw=where.payload() if where else None)

    @app.get("/doc/<doc_id>/raw")
    def raw_page(doc_id: str):
        stored, where = _raw_source(engine(), doc_id)
        data = _raw_bytes(stored, where)
        download = payload.request_flag(_args(), "download")
        charset = http_charset(where)
        # Text or a download, never HTML: crawled markup must not run as our page.
        if download or charset is None:
            content_type = "application/octet-stream"
        else:
            content_type = f"text/plain; charset={charset}"
        response = Response(data, content_type=content_type)
        filename = f"{where.id}{where.extension}"
        disposition = "attachment" if download else "inline"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response.headers["X-Sifter-Source"] = quote(where.path)  # headers are Latin-1
        response.headers["X-Sifter-Record"] = where.record or ""
        response.headers["X-Sifter-Offset"] = str(where.offset)
        response.headers["X-Sifter-Length"] = str(where.length)
        response.headers["X-Sifter-SHA256"] = where.sha256
        response.headers["X-Sifter-Encoding"] = where.encoding or ""
        if where.warc_record_id:
            response.headers["X-Sifter-WARC-Record-ID"] = where.warc_record_id
        return response

    @app.get("/api/documents/<doc_id>/raw")
    def api_raw(doc_id: str):
        stored, where = _raw_source(engine(), doc_id)
        data = _raw_bytes(stored, where)
        return jsonify({**where.payload(), "text": decoded(data, where)})

    @app.get("/stats")
    def stats_page():
        return render_template("stats.html", stats=index_stats(engine()))

    @app.get("/api/search")
    def api_search():
        return jsonify(run_search(_args())[1])

    @app.post("/api/search")
    def api_search_post():
        if not request.is_json:
            raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
        body = request.get_json(silent=True)
        if body is None:
            raise ApiError(400, "invalid_json", "The body is not valid JSON.", "body")
        return jsonify(run_search(payload.params_from_json(body))[1])

    @app.get("/api/export")
    def api_export():
        export = start_export(engine(), _args())  # every error before the first byte
        response = Response(export.lines(), content_type=export.media_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response.headers["X-Total-Count"] = str(export.walk.total)
        return response

    @app.get("/api/documents/<doc_id>")
    def api_document(doc_id: str):
        return jsonify(_document(engine(), doc_id))

    @app.get("/api/stats")
    def api_stats():
        return jsonify(index_stats(engine()))

    @app.get("/api/health")
    def health():
        return jsonify({"status": "ok", "documents": engine().count()})

    @app.get("/api/openapi.json")
    def openapi():
        return jsonify(SPEC)

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(Exception)
    def error(error: Exception):
        failure = as_api_error(error)
        if failure.status >= 500 and not isinstance(error, HTTPException):
            app.logger.exception("unhandled error on %s", request.full_path)
        # An HTTP error's own headers stay (a 405's Allow lists the methods that work).
        headers = [
            (name, value)
            for name, value in (error.get_headers() if isinstance(error, HTTPException) else [])
            if name.lower() != "content-type"
        ]
        if request.path.startswith("/api/"):
            return jsonify(failure.body()), failure.status, headers
        return (
            render_template(
                "error.html",
                status=failure.status,
                headline=HEADLINES.get(failure.status, f"Error {failure.status}"),
                failure=failure,
                query=request.args.get("q", ""),
                retry_url=_without(failure.param) if failure.status == 400 else None,
            ),
            failure.status,
            headers,
        )

    return app


def _template_helpers(app: Flask) -> None:
    """Formatting the templates need (layout stays in the templates, logic here)."""
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["value_label"] = lambda value, name: payload.value_label(name, value)
    app.jinja_env.filters["filesize"] = _filesize
    app.jinja_env.filters["percent"] = lambda share: f"{share * 100:.0f}%"
    app.jinja_env.tests["web_url"] = _is_web_url
    app.jinja_env.globals["FILTER_TITLES"] = payload.FILTER_TITLES


def _is_web_url(url: object) -> bool:
    """Only http(s) URLs a browser can follow become links: a crawled `javascript:` or
    `data:` URL, or one whose host a browser would refuse (`<`, spaces, a bad port), stays
    text rather than a link that goes nowhere."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())  # raises ValueError for a bracketed host that is no IP
        parts.port  # noqa: B018  # raises ValueError for a port that is not one
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return False
    if "[" in parts.netloc:  # a bracketed IPv6 address
        try:
            return ipaddress.ip_address(parts.hostname).version == 6
        except ValueError:
            return False
    return not _FORBIDDEN_HOST.search(parts.hostname)


# The WHATWG URL standard's forbidden domain code points, which make a browser reject a host.
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20\x7f#%/:<>?@\[\\\]^|]")


def _filesize(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def _args() -> dict[str, list[str]]:
    return {name: request.args.getlist(name) for name in request.args}


def _without(param: str | None) -> str | None:
    """This page's URL without the parameter at fault, to search again without it."""
    if not param or param == "q" or param not in request.args:
        return None
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != param]
    return request.path + "?" + urlencode(kept)


def _document(engine: Engine, doc_id: str) -> dict:
    doc = document_payload(engine, doc_id)
    if doc is None:
        raise ApiError(404, "not_found", f"No document with id {_shortened(doc_id)}.", "id")
    return doc


def _shortened(text: str, limit: int = 100) -> str:
    """A user's value quoted in a message, cut so a 20 KB id is not echoed back whole."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def _raw_source(engine: Engine, doc_id: str) -> tuple[dict, Provenance]:
    stored = engine.document(doc_id)
    if stored is None:
        _document(engine, doc_id)  # the 404, worded as for the document itself
    where = provenance(stored or {})
    if stored is None or where is None:
        raise ApiError(
            409,
            "raw_unavailable",
            "This document was indexed without its offsets; run `sifter index --rebuild`.",
            "id",
        )
    return stored, where


def _raw_bytes(stored: dict, where: Provenance) -> bytes:
    try:
        return read_raw(stored, where)
    except RawUnavailable as error:
        raise ApiError(409, "raw_unavailable", str(error), "id") from None


def _home(engine: Callable[[], Engine]) -> dict | None:
    """Index size for the landing page; None while there is no index (the page still works)."""
    try:
        return {"documents": engine().count()}
    except IndexMissing:
        return None


FACET_PARAMS = ("lang", "source", "year", "host", "template")


def _search_view(search_request: SearchRequest, results: dict) -> dict:
    """What the search page shows besides the payload: chips and the URLs of its controls."""
    return {
        "chips": payload.chips(search_request),
        "clear_url": payload.clear_url(search_request),
        "sort_urls": {
            sort: payload.variant_url(search_request, sort=sort) for sort in ("relevance", "date")
        },
        "collapse_url": payload.variant_url(search_request, collapse=not search_request.collapse),
        "export_urls": {f: payload.export_url(search_request, f) for f in ("csv", "jsonl")},
        "page_links": payload.page_links(search_request, results["pages"], current=results["page"]),
        "histogram": year_histogram(results["facets"]["year"]),
        "year_others": results["facets"]["year"]["others"],
        "first_rank": (results["page"] - 1) * search_request.per_page + 1,
        "keep_for_query": _state(search_request, "q", "in"),
        "keep_for_facets": _state(search_request, *FACET_PARAMS),
        "keep_for_dates": _state(search_request, "date_from", "date_to"),
    }


def _state(search_request: SearchRequest, *edited: str) -> list[tuple[str, str]]:
    """The request's settings as (name, value) pairs for a form to carry along in hidden
    fields, without the ones the form edits itself (and without the page: back to 1)."""
    query = payload.query_string(replace(search_request, page=1, cursor=None))
    return [(name, value) for name, value in parse_qsl(query[1:]) if name not in edited]
