"""The OpenAPI 3.1 description served at `/api/openapi.json`.

The schemas are strict (every key required, no others allowed), and the tests validate
real responses against them, so the description cannot drift from what the API returns.
"""

from __future__ import annotations

from search.cursor import MAX_WINDOW
from search.results import MAX_PER_PAGE, SCOPES, SORTS
from web.export import DEFAULT_FIELDS, FIELDS, FORMATS

NULLABLE_STRING = {"type": ["string", "null"]}
STRINGS = {"type": "array", "items": {"type": "string"}}
# [0-9], not \d: in Python's regular expressions (and so in generated examples) \d is
# any Unicode digit, and the API takes ASCII digits only.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
NULLABLE_DATE = {"type": ["string", "null"], "pattern": DATE_PATTERN}
YEAR = {"type": "string", "pattern": r"^[0-9]{4}$"}
# An empty value is the parameter not given, as an HTML form sends an empty field.
EMPTY = {"type": "string", "maxLength": 0}


def _or_empty(schema: dict) -> dict:
    return {"anyOf": [schema, EMPTY]}


# A page number or page size: in a URL a string of digits, in a JSON body that or a number.
PAGE_TEXT = {"type": "string", "pattern": r"^0*[1-9][0-9]*$"}
PER_PAGE_TEXT = {"type": "string", "pattern": r"^0*([1-9][0-9]?|100)$"}
PAGE = {"oneOf": [{"type": "integer", "minimum": 1}, PAGE_TEXT]}
PER_PAGE = {"oneOf": [{"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, PER_PAGE_TEXT]}
DATE_KIND = {"enum": ["published", "updated", "crawled", None]}
SPANS = {
    "type": "array",
    "items": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
}


def _object(properties: dict, description: str | None = None) -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _optional(schema: dict, *names: str) -> dict:
    """An `_object` schema in which the keys `names` may be left out."""
    return {**schema, "required": [n for n in schema["required"] if n not in names]}


FACETS = ("source", "lang", "year", "host", "template")
FILTERS = (*FACETS, "date_from", "date_to")


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(_ref("Error"), "A parameter or the query cannot be used."),
    "503": _json(_ref("Error"), "No index has been built yet."),
}

YEAR_NUMBER = {"type": "integer", "minimum": 1000, "maximum": 9999}
BODY_PARAMS = {
    "q": {"type": "string"},
    **{
        name: {"oneOf": [{"type": "string"}, STRINGS]}
        for name in ("lang", "source", "host", "template")
    },
    "in": _or_empty({"enum": list(SCOPES)}),
    "year": {
        "anyOf": [
            YEAR,
            YEAR_NUMBER,
            EMPTY,
            {"type": "array", "items": {"anyOf": [YEAR, YEAR_NUMBER, EMPTY]}},
        ]
    },
    "date_from": _or_empty(DATE),
    "date_to": _or_empty(DATE),
    "sort": _or_empty({"enum": list(SORTS)}),
    "page": _or_empty(PAGE),
    "per_page": _or_empty(PER_PAGE),
    "collapse": {"type": "boolean"},
    "cursor": {"type": "string"},
}

SCHEMAS: dict[str, dict] = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {
                        "type": "string",
                        "examples": ["invalid_parameter", "invalid_query", "not_found"],
                    },
                    "message": {"type": "string", "description": "For people; may change."},
                    "param": {
                        "type": ["string", "null"],
                        "description": "The parameter at fault, if one is.",
                    },
                }
            )
        }
    ),
    "Hit": _object(
        {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "url": NULLABLE_STRING,
            "source": {"type": "string"},
            "lang": {"type": "string"},
            "date": NULLABLE_DATE,
            "date_kind": DATE_KIND,
            "score": {"type": "number"},
            "snippet": {
                "type": "string",
                "description": "HTML: the text escaped, matches in <mark>.",
            },
            "offsets": _object(
                {"snippet": SPANS, "body": SPANS},
                "Matches as [start, end) code-point offsets in the snippet's text and the body "
                "(with in=chrome: in the removed chrome lines joined by newlines).",
            ),
            "duplicates": _object(
                {
                    "group": {"type": "string"},
                    "count": {"type": "integer", "minimum": 0},
                    "sources": STRINGS,
                },
                "Other matching pages of this hit's near-duplicate group.",
            ),
            "doc_url": {"type": "string"},
        }
    ),
    "Facet": _object(
        {
            "values": {
                "type": "array",
                "items": _optional(
                    _object(
                        {
                            "value": {"type": "string"},
                            "count": {
                                "type": "integer",
                                "minimum": 0,
                                "description": "Pages; in the template facet, sources.",
                            },
                            "selected": {"type": "boolean"},
                            "toggle_url": {
                                "type": "string",
                                "description": "Query string that adds or removes this value.",
                            },
                            "pages": {
                                "type": "integer",
                                "minimum": 0,
                                "description": "Template facet only: pages carrying the line.",
                            },
                        }
                    ),
                    "pages",
                ),
            },
            "others": {"type": "integer", "minimum": 0, "description": "Values not listed."},
        }
    ),
    "SearchResults": _object(
        {
            "query": {"type": "string"},
            "parsed_query": {"type": "string", "description": "How the query was read."},
            "notes": STRINGS,
            "matching": {
                "enum": ["all", "relaxed"],
                "description": "Whether every word had to match, or most of the rare ones.",
            },
            "partial": {
                "type": "boolean",
                "description": (
                    "The search ran out of time and answers with what it had found; "
                    "`notes` say what was left out. Asking again may give more."
                ),
            },
            "filters": _object({name: STRINGS for name in FILTERS}),
            "in": {
                "enum": list(SCOPES),
                "description": "What the words were searched in: the page, or its chrome.",
            },
            "sort": {"enum": list(SORTS)},
            "collapse": {"type": "boolean"},
            "total": {"type": "integer", "minimum": 0, "description": "Matching pages."},
            "rows": {
                "type": "integer",
                "minimum": 0,
                "description": "Result rows: near duplicates count once when collapsed.",
            },
            "took_ms": {"type": "number"},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "pages": {"type": "integer", "minimum": 1},
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": _object(
                {name: _ref("Facet") for name in FACETS},
                "host: the pages' hosts (a value also selects its subdomains); template: "
                "normalised chrome lines carried by pages of two sources or more, counted by "
                "sources, most shared first.",
            ),
            "suggestion": NULLABLE_STRING,
            "suggestion_url": NULLABLE_STRING,
            "next_url": {
                **NULLABLE_STRING,
                "description": f"By page number up to result {MAX_WINDOW}, then by cursor.",
            },
            "prev_url": NULLABLE_STRING,
            "next_cursor": {
                **NULLABLE_STRING,
                "description": "Pass as `cursor` for the hits after this page; null on the "
                "last page. Valid until the index changes.",
            },
        }
    ),
    "ExportRow": {
        "type": "object",
        "description": "One hit of an export (one JSONL line or CSV row): the fields asked "
        "for, in that order.",
        "properties": {
            name: {"description": description} for name, (description, _) in FIELDS.items()
        },
        "additionalProperties": False,
    },
    "SearchBody": {
        "type": "object",
        "description": "The GET parameters as a JSON object, for queries too long for a URL.",
        # null stands for a parameter not given.
        "properties": {
            name: {"oneOf": [schema, {"type": "null"}]} for name, schema in BODY_PARAMS.items()
        },
        "additionalProperties": False,
    },
    "Document": _object(
        {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "url": NULLABLE_STRING,
            "host": NULLABLE_STRING,
            "source": {"type": "string"},
            "lang": {"type": "string"},
            "lang_confidence": {"type": ["number", "null"]},
            "script": NULLABLE_STRING,
            "lang_mix": {
                "type": "object",
                "additionalProperties": {"type": "number"},
                "description": "Share of the text per language.",
            },
            "date": NULLABLE_DATE,
            "date_kind": DATE_KIND,
            "year": NULLABLE_STRING,
            "dates": _object({kind: NULLABLE_DATE for kind in ("published", "updated", "crawled")}),
            "path": NULLABLE_STRING,
            "record": NULLABLE_STRING,
            "external_id": NULLABLE_STRING,
            "encoding": NULLABLE_STRING,
            "truncated": {"type": "boolean"},
            "simhash": NULLABLE_STRING,
            "dup_group": NULLABLE_STRING,
            "repairs": STRINGS,
            "chrome": {**STRINGS, "description": "Lines removed as page chrome."},
            "body": {"type": "string", "description": "The cleaned text."},
            "near_duplicates": {
                "type": "array",
                "items": _object(
                    {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "url": NULLABLE_STRING,
                        "source": {"type": "string"},
                        "lang": {"type": "string"},
                        "date": NULLABLE_DATE,
                        "doc_url": {"type": "string"},
                    }
                ),
            },
            "doc_url": {"type": "string"},
        }
    ),
    "RawRecord": _object(
        {
            "id": {"type": "string"},
            "path": {"type": "string", "description": "The file, relative to its corpus root."},
            "record": {
                "type": ["string", "null"],
                "description": "L<line> in JSONL, @<offset> in a WARC, null for a whole file.",
            },
            "format": {"enum": ["text", "html", "jsonl", "warc"]},
            "offset": {"type": "integer", "minimum": 0},
            "length": {"type": "integer", "minimum": 0},
            "offsets_in": {
                "enum": ["file", "decompressed file"],
                "description": "WARC offsets count the file's bytes (a .warc.gz record is its "
                "own gzip member); the others count the decompressed bytes of a .gz.",
            },
            "sha256": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "Of the bytes at raw_url: the page, the JSONL line or the WARC "
                "record's payload, as crawled.",
            },
            "warc_record_id": NULLABLE_STRING,
            "encoding": {
                **NULLABLE_STRING,
                "description": "What the bytes were decoded as (a JSONL line is UTF-8).",
            },
            "url": NULLABLE_STRING,
            "raw_url": {"type": "string", "description": "The bytes, as text/plain."},
            "download_url": {"type": "string", "description": "The bytes, as a download."},
            "doc_url": {"type": "string"},
            "text": {"type": "string", "description": "The bytes decoded with `encoding`."},
        },
        "A document's record as crawled, read back from its file and checked against the "
        "sha256 taken when it was indexed.",
    ),
    "Stats": _object(
        {
            "documents": {"type": "integer"},
            **{
                name: {"type": "array", "items": _ref("Count")}
                for name in ("languages", "sources", "years")
            },
            "undated": {"type": "integer"},
            "duplicates": _object(
                {"groups": {"type": "integer"}, "documents": {"type": "integer"}},
                "Near-duplicate groups of two or more pages, and the pages in them.",
            ),
            "index": _object(
                {
                    "path": {"type": "string"},
                    "bytes": {"type": "integer"},
                    "segments": {"type": "integer"},
                }
            ),
            "last_build": {"oneOf": [{"type": "null"}, _ref("Build")]},
        }
    ),
    "Count": _object({"value": {"type": "string"}, "count": {"type": "integer"}}),
    "Build": _object(
        {
            "finished_at": NULLABLE_STRING,
            "seconds": {"type": ["number", "null"]},
            **{
                name: {"type": "integer"}
                for name in ("indexed", "unchanged", "deleted", "skipped", "failed")
            },
            "failures": {
                "type": "array",
                "items": _object(
                    {
                        "reason": {"type": "string"},
                        "count": {"type": "integer"},
                        "examples": STRINGS,
                    }
                ),
            },
        },
        "The last `sifter index` run.",
    ),
    "Health": _object({"status": {"const": "ok"}, "documents": {"type": "integer", "minimum": 0}}),
}


def _query(name: str, schema: dict, description: str, repeatable: bool = False) -> dict:
    if repeatable:
        schema = {"type": "array", "items": schema}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
        **({"style": "form", "explode": True} if repeatable else {}),
    }


SEARCH_PARAMETERS = [
    _query(
        "q",
        {"type": "string"},
        'Words, "phrases", "proximity"~N, -not, OR, prefix*, word~, title:/source:/lang:/'
        "year:/site: fields, in:chrome. A query with no word in it (only symbols or "
        "operators) is refused with 400 invalid_query; a long one is cut (see notes).",
    ),
    _query("lang", {"type": "string"}, "Language code; repeat for any of several.", True),
    _query("source", {"type": "string"}, "Source name; repeat for any of several.", True),
    _query("year", _or_empty(YEAR), "Year; repeatable.", True),
    _query(
        "host",
        {"type": "string"},
        "Host, with its subdomains (example.org: www.example.org too); repeatable.",
        True,
    ),
    _query(
        "template",
        {"type": "string"},
        "A normalised chrome line (a template facet value): pages that carry it; repeatable.",
        True,
    ),
    _query(
        "in",
        _or_empty({"enum": list(SCOPES), "default": "body"}),
        "chrome: search the removed page chrome instead of the text (as in:chrome).",
    ),
    _query("date_from", _or_empty(DATE), "First date, inclusive."),
    _query("date_to", _or_empty(DATE), "Last date, inclusive."),
    _query("sort", _or_empty({"enum": list(SORTS), "default": "relevance"}), "Order of the hits."),
    _query(
        "page",
        _or_empty({**PAGE_TEXT, "default": "1"}),
        f"Page number; page × per_page at most {MAX_WINDOW:,} (deeper: follow next_cursor).",
    ),
    _query(
        "per_page",
        _or_empty({**PER_PAGE_TEXT, "default": "10"}),
        f"Hits per page, at most {MAX_PER_PAGE}.",
    ),
    _query(
        "collapse",
        _or_empty({"type": "boolean", "default": True}),
        "Show near duplicates as one hit (false: every page).",
    ),
    _query(
        "cursor",
        {"type": "string"},
        f"A previous page's next_cursor: the hits after it (pages by number end at result "
        f"{MAX_WINDOW}). Not with page; stale once the index changes (400).",
    ),
]
_NOT_EXPORTED = ("page", "per_page", "cursor", "collapse")
EXPORT_PARAMETERS = [
    *(p for p in SEARCH_PARAMETERS if p["name"] not in _NOT_EXPORTED),
    _query(
        "collapse",
        {"type": "boolean", "default": False},
        "One row per near-duplicate group (default: every page).",
    ),
    _query("format", {"enum": list(FORMATS), "default": "jsonl"}, "JSON Lines or CSV."),
    _query(
        "fields",
        _or_empty(
            {"type": "string", "pattern": rf"^({'|'.join(FIELDS)})(,({'|'.join(FIELDS)}))*$"}
        ),
        f"Comma-separated, from: {', '.join(FIELDS)}. Default: {','.join(DEFAULT_FIELDS)}.",
    ),
]

SPEC: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "Sifter",
        "version": "1",
        "description": (
            "Keyword search over noisy crawled web pages in many languages, with facets by "
            "source, language, year, host and shared template line. Filters are OR within a "
            "parameter and AND across parameters. URLs in responses are query strings "
            "relative to the endpoint."
        ),
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/search": {
            "get": {
                "operationId": "search",
                "summary": "Search",
                "parameters": SEARCH_PARAMETERS,
                "responses": {"200": _json(_ref("SearchResults"), "A page of results."), **ERRORS},
            },
            "post": {
                "operationId": "searchPost",
                "summary": "Search with the parameters in a JSON body (long queries)",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("SearchBody")}},
                },
                "responses": {
                    "200": _json(_ref("SearchResults"), "A page of results."),
                    "413": _json(_ref("Error"), "The body is too large."),
                    "415": _json(_ref("Error"), "The body is not JSON."),
                    **ERRORS,
                },
            },
        },
        "/api/export": {
            "get": {
                "operationId": "export",
                "summary": "Every hit of a query, streamed as JSON Lines or CSV",
                "description": (
                    "The same query and filters as /api/search; every hit in result order, "
                    "streamed as it is read. CSV cells starting with = + - @ are prefixed "
                    "with an apostrophe against formula injection. X-Total-Count gives the "
                    "number of rows."
                ),
                "parameters": EXPORT_PARAMETERS,
                "responses": {
                    "200": {
                        "description": "One hit per line (a header row first in CSV).",
                        "content": {
                            "application/x-ndjson": {"schema": _ref("ExportRow")},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    **ERRORS,
                },
            }
        },
        "/api/documents/{id}": {
            "get": {
                "operationId": "document",
                "summary": "One document: text, metadata, removed chrome, near duplicates",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": _json(_ref("Document"), "The document."),
                    "404": _json(_ref("Error"), "No document has this id."),
                    "503": ERRORS["503"],
                },
            }
        },
        "/api/documents/{id}/raw": {
            "get": {
                "operationId": "rawRecord",
                "summary": "Where a document's bytes are, and the bytes decoded",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": _json(_ref("RawRecord"), "The record as crawled."),
                    "404": _json(_ref("Error"), "No document has this id."),
                    "409": _json(
                        _ref("Error"),
                        "The file changed or went away since it was indexed (raw_unavailable).",
                    ),
                    "503": ERRORS["503"],
                },
            }
        },
        "/api/stats": {
            "get": {
                "operationId": "stats",
                "summary": "What the index holds and how it was built",
                "responses": {
                    "200": _json(_ref("Stats"), "Index statistics."),
                    "503": ERRORS["503"],
                },
            }
        },
        "/api/health": {
            "get": {
                "operationId": "health",
                "summary": "Liveness, and the number of documents",
                "responses": {"200": _json(_ref("Health"), "Up."), "503": ERRORS["503"]},
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    },
    "components": {"schemas": SCHEMAS},
}
