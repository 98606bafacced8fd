"""The Flask app: the search page, the document page and the JSON API over one Engine."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search.engine import Engine, IndexMissing
from search.query import QueryError
from web.payload import request_from_params, results_payload


def create_app(index_dir: str | Path) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # UTF-8, not \uXXXX escapes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    state: dict[str, Engine] = {}

    def engine() -> Engine:
        # Opened on first use, so the server can start before the first index is built.
        if "engine" not in state:
            state["engine"] = Engine(index_dir)
        return state["engine"]

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    def search_payload() -> dict:
        params = {name: request.args.getlist(name) for name in request.args}
        return results_payload(engine().search(request_from_params(params)))

    @app.get("/")
    def search_page():
        if not request.args:
            return render_template("search.html", results=None, query="")
        return render_template(
            "search.html", results=search_payload(), query=request.args.get("q", "")
        )

    @app.get("/api/search")
    def api_search():
        return jsonify(search_payload())

    @app.get("/doc/<doc_id>")
    def document_page(doc_id: str):
        return render_template("document.html", doc=_document(engine(), doc_id))

    @app.get("/api/documents/<doc_id>")
    def api_document(doc_id: str):
        return jsonify(_document(engine(), doc_id))

    @app.get("/api/health")
    def health():
        return jsonify({"status": "ok", "documents": engine().count()})

    @app.errorhandler(QueryError)
    @app.errorhandler(ValueError)
    def bad_request(error: Exception):
        return _error(400, str(error), wants_json())

    @app.errorhandler(IndexMissing)
    def no_index(error: IndexMissing):
        return _error(503, str(error), wants_json())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _error(error.code or 500, error.description or error.name, wants_json())

    @app.errorhandler(Exception)
    def internal_error(error: Exception):
        app.logger.exception("unhandled error on %s", request.full_path)
        return _error(500, "Internal error; it has been logged.", wants_json())

    return app


def _document(engine: Engine, doc_id: str) -> dict:
    doc = engine.document(doc_id)
    if doc is None:
        abort(404, description=f"No document with id {doc_id!r}.")
    return {key: value for key, value in doc.items() if key not in ("file", "root", "fingerprint")}


def _error(status: int, message: str, as_json: bool):
    if as_json:
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, message=message), status
