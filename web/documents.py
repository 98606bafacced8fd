"""One document as the API and the document page show it, with its near duplicates.

Stored fields that were None at index time are absent from Whoosh; here every key is
always present (null when unknown), so API clients and the OpenAPI schema can rely on it.
"""

from __future__ import annotations

from whoosh.query import Term

from search.engine import Engine

SIMILAR_LIMIT = 50  # near duplicates listed per document
HIDDEN = ("file", "root", "fingerprint")  # machine paths and change tracking: not for users
DEFAULTS: dict[str, object] = {
    "id": None,
    "title": "",
    "url": None,
    "host": None,
    "source": "unknown",
    "lang": "und",
    "lang_confidence": None,
    "script": None,
    "lang_mix": {},
    "date": None,
    "date_kind": None,
    "year": None,
    "dates": {"published": None, "updated": None, "crawled": None},
    "path": None,
    "record": None,
    "external_id": None,
    "encoding": None,
    "truncated": False,
    "simhash": None,
    "dup_group": None,
    "repairs": [],
    "chrome": [],
    "body": "",
}


def document_payload(engine: Engine, doc_id: str) -> dict | None:
    """Every shown field of the document, its near duplicates and its page; None if unknown."""
    stored = engine.document(doc_id)
    if stored is None:
        return None
    doc = {key: stored.get(key, default) for key, default in DEFAULTS.items()}
    doc["near_duplicates"] = near_duplicates(engine, doc["dup_group"], doc_id)
    doc["doc_url"] = f"/doc/{doc_id}"
    return doc


def near_duplicates(engine: Engine, group: str | None, doc_id: str) -> list[dict]:
    """The other documents of the near-duplicate group, newest first."""
    if not group:
        return []
    searcher = engine.searcher()
    results = searcher.search(
        Term("dup_group", group), limit=SIMILAR_LIMIT + 1, sortedby="date", reverse=True
    )
    others = [hit.fields() for hit in results if hit["id"] != doc_id]
    return [
        {
            "id": other["id"],
            "title": other.get("title", ""),
            "url": other.get("url"),
            "source": other.get("source", "unknown"),
            "lang": other.get("lang", "und"),
            "date": other.get("date"),
            "doc_url": f"/doc/{other['id']}",
        }
        for other in others[:SIMILAR_LIMIT]
    ]
