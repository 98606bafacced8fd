"""/api/openapi.json is a valid OpenAPI 3.1 description, and what the endpoints really
return (successes and errors alike) validates against its strict schemas."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from web.documents import DEFAULTS

SPEC_URI = "urn:sifter:openapi"


@pytest.fixture(scope="module")
def spec(rich_client) -> dict:
    response = rich_client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture(scope="module")
def check(spec):
    """check(response, path, method): the response's body validates against the schema
    the description gives for that path, method and status."""
    registry = Registry().with_resource(
        SPEC_URI, Resource(contents=spec, specification=DRAFT202012)
    )

    def validate(response, path: str, method: str = "get") -> None:
        described = spec["paths"][path][method]["responses"]
        assert str(response.status_code) in described, f"{response.status_code} not described"
        schema = described[str(response.status_code)]["content"]["application/json"]["schema"]
        pointer = schema["$ref"].lstrip("#") if "$ref" in schema else None
        wrapper = {"$ref": f"{SPEC_URI}#{pointer}"} if pointer else schema
        Draft202012Validator(wrapper, registry=registry).validate(response.get_json())

    return validate


def test_the_description_is_valid_openapi(spec):
    validate_spec(spec)
    assert spec["openapi"].startswith("3.1")


@pytest.mark.parametrize(
    "query",
    [
        "q=velmora",
        "q=velmora&lang=de&lang=fr&page=2&per_page=5",
        "q=velmora&collapse=false&sort=date",
        "q=velmorra",  # a suggestion
        "q=velmora&date_from=2020-01-01&year=2021",
        "q=title:velmora%20foo:bar",  # notes
        "q=%E6%B4%AA%E6%B0%B4",
        "sort=date",  # browsing everything
        "q=velmora&page=99",  # past the end
    ],
)
def test_search_responses_match(rich_client, check, query):
    response = rich_client.get("/api/search?" + query)
    assert response.status_code == 200
    check(response, "/api/search")


def test_post_search_matches(rich_client, check):
    response = rich_client.post("/api/search", json={"q": "velmora", "lang": ["de", "en"]})
    check(response, "/api/search", "post")


def test_document_stats_health_match(rich_client, check):
    hits = rich_client.get("/api/search?q=velmora&source=Wire%20Syndicate").get_json()["hits"]
    doc = rich_client.get(hits[0]["doc_url"].replace("/doc/", "/api/documents/"))
    check(doc, "/api/documents/{id}")
    assert doc.get_json()["near_duplicates"]
    check(rich_client.get("/api/stats"), "/api/stats")
    check(rich_client.get("/api/health"), "/api/health")


def test_seed_document_with_chrome_and_repairs_matches(client, check):
    for hit in client.get("/api/search?q=korea").get_json()["hits"]:
        check(client.get(f"/api/documents/{hit['id']}"), "/api/documents/{id}")


def test_errors_match(rich_client, check):
    check(rich_client.get("/api/search?q=velmora&per_page=101"), "/api/search")
    check(rich_client.get("/api/search?q=*"), "/api/search")
    check(rich_client.get("/api/documents/nope"), "/api/documents/{id}")
    check(rich_client.post("/api/search", data="q=x"), "/api/search", "post")
    check(rich_client.post("/api/search", json={"q": "x", "pge": 2}), "/api/search", "post")
    big = rich_client.post("/api/search", json={"q": "x" * 100_000})
    check(big, "/api/search", "post")


def test_document_schema_lists_every_field(spec):
    described = set(spec["components"]["schemas"]["Document"]["properties"])
    assert described == {*DEFAULTS, "near_duplicates", "doc_url"}


def test_cursor_pages_and_cursor_errors_match(rich_client, check):
    first = rich_client.get("/api/search?q=velmora&per_page=5")
    check(first, "/api/search")
    cursor = first.get_json()["next_cursor"]
    following = rich_client.get(f"/api/search?q=velmora&per_page=5&cursor={cursor}")
    check(following, "/api/search")
    assert following.get_json()["page"] == 2
    check(rich_client.get("/api/search?q=velmora&cursor=nonsense"), "/api/search")
    check(
        rich_client.post("/api/search", json={"q": "velmora", "cursor": cursor}),
        "/api/search",
        "post",
    )


def test_export_rows_and_errors_match(rich_client, spec, check):
    described = spec["paths"]["/api/export"]["get"]
    row_schema = {**spec["components"]["schemas"]["ExportRow"]}
    fields = ",".join(row_schema["properties"])
    response = rich_client.get(f"/api/export?q=velmora&fields={fields}")
    assert response.status_code == 200
    assert response.mimetype in described["responses"]["200"]["content"]
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 44
    for line in lines:
        Draft202012Validator(row_schema).validate(json.loads(line))
    csv_response = rich_client.get("/api/export?q=velmora&format=csv")
    assert csv_response.mimetype in described["responses"]["200"]["content"]
    check(rich_client.get("/api/export?q=velmora&fields=nope"), "/api/export")
    check(rich_client.get("/api/export?q=*"), "/api/export")
