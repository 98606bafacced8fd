"""The JSON a search returns, built once for the API and `sifter search --json` alike.

As in Datasette, the URLs that add or remove a filter are computed here, so the HTML
page and the JSON API are the same data rendered twice. URLs are relative query
strings (`?q=...&lang=en`), valid against the page and the API endpoint alike, and
identical whichever front end asks.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlencode

from search.cursor import MAX_WINDOW
from search.query import bounded
from search.results import Facet, Hit, Results, SearchRequest
from web.languages import language_name

DEFAULTS = SearchRequest()


PARAMS = (
    "q",
    "lang",
    "source",
    "year",
    "host",
    "template",
    "in",
    "date_from",
    "date_to",
    "sort",
    "page",
    "per_page",
    "collapse",
    "cursor",
)
REPEATABLE = ("lang", "source", "year", "host", "template")


class BadParameter(ValueError):
    """A request parameter that cannot be used; `param` names it for the API's error."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


def request_from_params(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """A SearchRequest from URL-style parameters; BadParameter with a user-facing message.

    Each parameter is checked alone first, so the error can name the one at fault."""

    def one(name: str, default: str) -> str:
        values = params.get(name) or [default]
        return _valid_text(values[-1])

    def many(name: str) -> tuple[str, ...]:
        values = (_valid_text(v).strip() for v in params.get(name, ()))
        return tuple(dict.fromkeys(v for v in values if v))

    def optional(name: str) -> str | None:
        return one(name, "").strip() or None

    def number(name: str, default: int) -> int:
        text = one(name, str(default)).strip() or str(default)
        if not (text.isascii() and text.isdigit()):  # "²" is a digit int() refuses
            raise BadParameter(name, f"{name} must be a whole number, not {text!r}")
        return int(text)

    fields = {
        "q": one("q", "").strip(),
        "lang": many("lang"),
        "source": many("source"),
        "year": many("year"),
        "host": many("host"),
        "template": many("template"),
        "scope": one("in", "body").strip().lower() or "body",
        "date_from": optional("date_from"),
        "date_to": optional("date_to"),
        "sort": one("sort", "relevance").strip() or "relevance",
        "page": number("page", 1),
        "per_page": number("per_page", DEFAULTS.per_page),
        "collapse": request_flag(params, "collapse", DEFAULTS.collapse),
        "cursor": optional("cursor"),
    }
    for name, value in fields.items():
        try:
            SearchRequest(**{name: value})
        except ValueError as error:
            raise BadParameter("in" if name == "scope" else name, str(error)) from None
    try:
        return SearchRequest(**fields)
    except ValueError as error:  # date_from after date_to; page with per_page or cursor
        raise BadParameter(getattr(error, "param", "date_from"), str(error)) from None


def request_flag(params: Mapping[str, Sequence[str]], name: str, default: bool = False) -> bool:
    """A true/false parameter (also 1/0, yes/no); BadParameter for anything else."""
    text = (params.get(name) or [""])[-1].strip().lower()
    if not text:
        return default
    if text not in ("true", "false", "1", "0", "yes", "no"):
        raise BadParameter(name, f"{name} must be true or false, not {text!r}")
    return text in ("true", "1", "yes")


def _valid_text(value: str) -> str:
    """`value` with lone surrogates (a JSON body may hold "\\ud800") replaced by U+FFFD,
    so that it can be encoded as UTF-8 in the answer and the URLs built from it."""
    return _SURROGATE.sub("\ufffd", value)


_SURROGATE = re.compile("[\ud800-\udfff]")


# The JSON types a POST body's values may have (the OpenAPI description's SearchBody);
# other names take strings. null means the parameter is not given.
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "page": (int, str),
    "per_page": (int, str),
    "year": (int, str),
    "collapse": (bool,),
}
_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false"}


def params_from_json(body: object) -> dict[str, list[str]]:
    """URL-style parameters from a POST body: a JSON object of the same names, whose
    values have the types of JSON_TYPES or (for the repeatable filters) are lists of them."""
    if not isinstance(body, dict):
        raise BadParameter("body", "the request body must be a JSON object")
    params: dict[str, list[str]] = {}
    for name, value in body.items():
        if name not in PARAMS:
            known = ", ".join(PARAMS)
            raise BadParameter(_valid_text(name), f"unknown parameter {name!r}; known: {known}")
        if value is None:
            continue
        values = value if isinstance(value, list) and name in REPEATABLE else [value]
        params[name] = [_text(name, v) for v in values]
    return params


def _text(name: str, value: object) -> str:
    allowed = JSON_TYPES.get(name, (str,))
    if isinstance(value, float) and value.is_integer() and int in allowed:
        value = int(value)  # 2.0 is a whole number to JSON (and JSON Schema)
    # bool is an int to Python, not to JSON: true is no page number.
    if isinstance(value, allowed) and isinstance(value, bool) == (bool in allowed):
        return str(value).lower() if isinstance(value, bool) else str(value)
    wanted = " or ".join(_TYPE_NAMES[t] for t in allowed)
    raise BadParameter(name, f"{name} must be {wanted}, not {reprlib.repr(value)}")


def query_string(request: SearchRequest) -> str:
    """The request as a URL query string, leaving out defaults so URLs stay short."""
    pairs: list[tuple[str, str | int]] = []
    if request.q:
        pairs.append(("q", request.q))
    if request.scope != DEFAULTS.scope:
        pairs.append(("in", request.scope))
    for name, values in filters(request).items():
        pairs.extend((name, v) for v in values)
    if request.sort != DEFAULTS.sort:
        pairs.append(("sort", request.sort))
    if request.per_page != DEFAULTS.per_page:
        pairs.append(("per_page", request.per_page))
    if request.collapse != DEFAULTS.collapse:
        pairs.append(("collapse", str(request.collapse).lower()))
    if request.page != 1:
        pairs.append(("page", request.page))
    if request.cursor:
        pairs.append(("cursor", request.cursor))
    return "?" + urlencode(pairs)


def filters(request: SearchRequest) -> dict[str, list[str]]:
    """Every filter as its URL parameter's values: the facets, then the date range (a list
    of zero or one date, so that forms can echo every filter the same way)."""
    return {
        **{name: list(values) for name, values in request.filters().items()},
        "date_from": [request.date_from] if request.date_from else [],
        "date_to": [request.date_to] if request.date_to else [],
    }


def toggled(request: SearchRequest, name: str, value: str) -> SearchRequest:
    """The request with `value` added to or removed from filter `name`, back on page 1."""
    current = request.filters()[name]
    values = tuple(v for v in current if v != value) if value in current else (*current, value)
    return replace(request, page=1, cursor=None, **{name: values})


def hit_payload(hit: Hit) -> dict:
    return {
        "id": hit.id,
        "title": hit.title,
        "url": hit.url,
        "source": hit.source,
        "lang": hit.lang,
        "date": hit.date,
        "date_kind": hit.date_kind,
        "score": hit.score,
        "snippet": hit.snippet,
        "offsets": {
            "snippet": [list(o) for o in hit.offsets],
            "body": [list(o) for o in hit.body_offsets],
        },
        "duplicates": {
            "group": hit.group,
            "count": hit.similar,
            "sources": list(hit.similar_sources),
        },
        "doc_url": f"/doc/{hit.id}",
    }


def facet_payload(facet: Facet, request: SearchRequest) -> dict:
    return {
        "values": [
            {
                "value": v.value,
                "count": v.count,
                "selected": v.selected,
                "toggle_url": query_string(toggled(request, facet.name, v.value)),
                **({} if v.pages is None else {"pages": v.pages}),
            }
            for v in facet.values
        ],
        "others": facet.others,
    }


def shown_request(request: SearchRequest) -> SearchRequest:
    """The request as the answer echoes it and its URLs repeat it: with the query only as
    long as it was searched (a 1 MB query would be copied into every facet's URL)."""
    return replace(request, q=bounded(request.q)[0])


def results_payload(results: Results) -> dict:
    request = shown_request(results.request)
    page = results.page
    return {
        "query": request.q,
        "parsed_query": results.parsed_query,
        "notes": list(results.notes),
        "matching": results.matching,
        "partial": results.partial,
        "filters": filters(request),
        "in": results.scope,
        "sort": request.sort,
        "collapse": request.collapse,
        "total": results.total,
        "rows": results.total if results.rows is None else results.rows,
        "took_ms": results.took_ms,
        "page": page,
        "per_page": request.per_page,
        "pages": results.pages,
        "hits": [hit_payload(h) for h in results.hits],
        "facets": {f.name: facet_payload(f, request) for f in results.facets},
        "suggestion": results.suggestion,
        "suggestion_url": query_string(replace(request, q=results.suggestion, page=1, cursor=None))
        if results.suggestion
        else None,
        "next_url": _next_url(results),
        "prev_url": query_string(replace(request, page=request.page - 1))
        if request.page > 1 and request.cursor is None
        else None,
        "next_cursor": results.next_cursor,
    }


def _next_url(results: Results) -> str | None:
    """The next page by number while numbers reach it, else by cursor (search.cursor)."""
    request = shown_request(results.request)
    if results.next_cursor is None:
        return None
    if request.cursor is None and (request.page + 1) * request.per_page <= MAX_WINDOW:
        return query_string(replace(request, page=request.page + 1))
    return query_string(replace(request, page=1, cursor=results.next_cursor))


FILTER_TITLES = {
    "source": "Source",
    "lang": "Language",
    "year": "Year",
    "host": "Site",
    "template": "Template line",
    "date_from": "From",
    "date_to": "To",
}


def value_label(name: str, value: str) -> str:
    """How a filter value reads to people: language codes by name, the rest as they are."""
    return f"{language_name(value)} ({value})" if name == "lang" else value


def chips(request: SearchRequest) -> list[dict]:
    """Each active filter with the URL that removes it (the rest of the request kept)."""
    found = []
    for name, values in request.filters().items():
        for value in values:
            found.append(_chip(name, value, toggled(request, name, value)))
    for name in ("date_from", "date_to"):
        if value := getattr(request, name):
            found.append(_chip(name, value, replace(request, page=1, cursor=None, **{name: None})))
    return found


def _chip(name: str, value: str, without: SearchRequest) -> dict:
    return {
        "param": name,
        "value": value,
        "label": f"{FILTER_TITLES[name]}: {value_label(name, value)}",
        "remove_url": query_string(without),
    }


def clear_url(request: SearchRequest) -> str:
    """The query alone, every filter removed."""
    return query_string(
        replace(
            request,
            page=1,
            cursor=None,
            lang=(),
            source=(),
            year=(),
            host=(),
            template=(),
            date_from=None,
            date_to=None,
        )
    )


def variant_url(request: SearchRequest, **changes: object) -> str:
    """The request with other settings (sort, collapse), back on page 1."""
    return query_string(replace(request, page=1, cursor=None, **changes))


def export_url(request: SearchRequest, format_: str) -> str:
    """The whole hit set of the request, every filter kept (web.export takes no paging)."""
    query = query_string(replace(request, page=1, cursor=None, per_page=DEFAULTS.per_page))
    return f"/api/export{query}{'&' if len(query) > 1 else ''}format={format_}"


def page_links(
    request: SearchRequest, pages: int, around: int = 2, current: int | None = None
) -> list[dict]:
    """Numbered page links: the first, the last numbered one (pages end at MAX_WINDOW
    results; the cursor goes on) and `around` either side of the `current` page (a
    cursor page's number); `None` numbers stand for the gaps between them."""
    current = current or request.page
    pages = min(pages, max(1, MAX_WINDOW // request.per_page))
    wanted = {1, pages, *range(current - around, current + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= pages)
    links: list[dict] = []
    for number in numbers:
        if links and number - links[-1]["number"] > 1:
            links.append({"number": None, "url": None, "current": False})
        links.append(
            {
                "number": number,
                "url": query_string(replace(request, page=number, cursor=None)),
                "current": number == current,
            }
        )
    return links
