"""Fuzzed requests against the real Flask app: any query string (invalid UTF-8, repeated
and unknown parameters, every parameter's hostile values), any JSON body, any document
id. Never a 5xx: a 200 or a 4xx whose body validates against /api/openapi.json, every
answer within a time limit; the HTML pages likewise. A search out of time says so in the
API and on the page."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from search.results import MAX_PER_PAGE
from tests.hostile import FUZZ, HOSTILE, ONE_MEGABYTE, TEN_THOUSAND_TERMS, any_char, queries
from web.app import MAX_BODY_BYTES, create_app
from web.openapi import SPEC
from web.payload import PARAMS

TIME_LIMIT = 2.0
SLACK = 8.0  # see tests/search/test_fuzz.py
SPEC_URI = "urn:sifter:openapi"
_REGISTRY = Registry().with_resource(SPEC_URI, Resource(contents=SPEC, specification=DRAFT202012))


@pytest.fixture(scope="module")
def client(rich_index):
    return create_app(rich_index, time_limit=TIME_LIMIT).test_client()


def described(response, path: str, method: str = "get") -> dict:
    """The body, checked against the schema the description gives for this status."""
    responses = SPEC["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, response.data[:300]
    assert response.mimetype == "application/json"
    schema = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    ref = {"$ref": SPEC_URI + schema["$ref"]}
    body = response.get_json()
    Draft202012Validator(ref, registry=_REGISTRY).validate(body)
    return body


def timed(call, *args, **kwargs):
    started = time.perf_counter()
    response = call(*args, **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_LIMIT + SLACK, f"{elapsed:.1f} s"
    assert response.status_code < 500, response.data[:300]
    return response


def encoded(text: str) -> str:
    """Percent-encoded as a browser would, lone surrogates as the bytes they would be
    (invalid UTF-8, which the server must survive too)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


names = st.one_of(
    st.sampled_from(PARAMS),
    st.sampled_from(["Q", "q[]", "", "page ", "unknown", "callback", "__proto__"]),
    st.text(any_char, max_size=6),
)
values = st.one_of(
    queries(),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["0", "1", "-1", "1.5", "1e3", "²", "２", "true", "FALSE", "maybe", ""]),
    st.sampled_from(["relevance", "date", "2020-01-01", "2020-02-30", "2020", "9999-99-99"]),
    st.just(str(MAX_PER_PAGE + 1)),
)
pairs = st.lists(st.tuples(names, values), max_size=8)


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{encoded(n)}={encoded(v)}" for n, v in pairs)


@FUZZ
@given(pairs=pairs)
@example(pairs=[("q", TEN_THOUSAND_TERMS)])
@example(pairs=[("q", ONE_MEGABYTE)])
@example(pairs=[("q", "\ud800velmora"), ("page", "²")])
@example(pairs=[("q", "velmora"), ("year", "²²²²")])
def test_get_search_never_fails(client, pairs):
    response = timed(client.get, "/api/search?" + query_string(pairs))
    body = described(response, "/api/search")
    if response.status_code == 400:
        assert body["error"]["message"]
        assert body["error"]["param"] in (*PARAMS, None)
    else:
        assert response.status_code == 200


@settings(FUZZ, max_examples=40)
@given(pairs=pairs)
@example(pairs=[("q", "(" * 3000 + "velmora")])
def test_search_page_never_fails(client, pairs):
    response = timed(client.get, "/?" + query_string(pairs))
    assert response.status_code in (200, 400)
    assert response.mimetype == "text/html"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(any_char, max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
bodies = st.one_of(
    st.dictionaries(st.sampled_from(PARAMS), json_values | queries(), max_size=5),
    st.dictionaries(st.text(any_char, max_size=8), json_values, max_size=3),
    json_values,
)


@settings(FUZZ, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies)
@example(body={"q": "\ud800velmora"})  # a lone surrogate in JSON: a 400 with a codec error
@example(body={"q": TEN_THOUSAND_TERMS})
@example(body={"q": "velmora", "page": 10**30, "per_page": True})
def test_post_search_never_fails(client, body):
    data = json.dumps(body)  # lone surrogates become \ud800 escapes, as a client sends
    response = timed(client.post, "/api/search", data=data, content_type="application/json")
    body = described(response, "/api/search", "post")
    assert response.status_code in (200, 400, 413)


def test_hostile_queries_over_http(client):
    for q in HOSTILE:
        if len(q.encode("utf-8", "surrogatepass")) < MAX_BODY_BYTES // 2:
            data = json.dumps({"q": q})
            post = timed(client.post, "/api/search", data=data, content_type="application/json")
            described(post, "/api/search", "post")
        get = timed(client.get, "/api/search?q=" + encoded(q))
        described(get, "/api/search")


def test_a_long_query_is_cut_with_a_note_not_refused(client):
    words = " ".join(["velmora"] * 100)
    body = described(timed(client.get, "/api/search?q=" + encoded(words)), "/api/search")
    assert body["total"] > 0 and body["notes"] == ["Only the first 64 words were searched."]
    assert body["parsed_query"] == " ".join(["velmora"] * 64)
    huge = described(timed(client.get, "/api/search?q=" + encoded(ONE_MEGABYTE)), "/api/search")
    assert huge["total"] > 0 and huge["notes"][0].startswith("The query was cut to its first")
    too_big = client.post(
        "/api/search", data=json.dumps({"q": ONE_MEGABYTE}), content_type="application/json"
    )
    assert described(too_big, "/api/search", "post")["error"]["code"] == "request_entity_too_large"


def test_a_lone_surrogate_is_searched_as_a_replacement_character(client):
    data = json.dumps({"q": "velmora\ud800"})
    body = described(
        client.post("/api/search", data=data, content_type="application/json"),
        "/api/search",
        "post",
    )
    assert body["query"] == "velmora\ufffd" and body["total"] > 0


@settings(FUZZ, max_examples=50)
@given(
    doc_id=st.one_of(
        st.text(any_char, min_size=1, max_size=30),
        st.sampled_from(
            ["en-0", "..", "../../etc/passwd", "%00", "a/b", "en-0/..", "\x00", "x" * 5000]
        ),
    )
)
def test_any_document_id_is_found_or_not_found(client, doc_id):
    path = encoded(doc_id)
    api = timed(client.get, "/api/documents/" + path)
    assert api.status_code in (200, 404)
    if api.status_code == 200 or api.get_json(silent=True) is not None:
        described(api, "/api/documents/{id}")
    page = timed(client.get, "/doc/" + path)
    assert page.status_code in (200, 404) and page.mimetype == "text/html"


def test_out_of_time_the_api_and_the_page_say_so(rich_index):
    client = create_app(rich_index, time_limit=0).test_client()
    body = described(client.get("/api/search?q=harbour%20festival"), "/api/search")
    assert body["partial"] is True and body["total"] == 0
    assert any("took longer than 0 s" in n for n in body["notes"])
    page = client.get("/?q=harbour%20festival")
    assert page.status_code == 200
    assert b"These results are incomplete" in page.data
    assert b"No pages match" not in page.data  # not "nothing found": it did not finish
    whole = create_app(rich_index).test_client().get("/api/search?q=harbour%20festival")
    assert described(whole, "/api/search")["partial"] is False
