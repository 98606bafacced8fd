"""The JSON API and the HTML pages of the real Flask app over a real index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import parse_qs

import pytest

from tests.conftest import REPO


def test_search_api_shape_and_utf8(client):
    response = client.get("/api/search?q=abduction")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["total"] == 3 and len(body["hits"]) == 3
    assert set(body["hits"][0]) >= {
        "id",
        "title",
        "url",
        "source",
        "lang",
        "date",
        "score",
        "snippet",
    }
    assert set(body["facets"]) == {"source", "lang", "year"}
    assert "ins批量协议号".encode() in response.data  # UTF-8, not \u escapes


def test_toggle_urls_add_and_remove_filters(client):
    body = client.get("/api/search?q=abduction").get_json()
    value = next(v for v in body["facets"]["source"]["values"] if v["value"] == "ins批量协议号")
    assert value["selected"] is False
    filtered = client.get("/api/search" + value["toggle_url"]).get_json()
    assert filtered["total"] == 1 and filtered["filters"]["source"] == ["ins批量协议号"]
    # Disjunctive facets: the other source stays on offer, with what a click would add.
    values = filtered["facets"]["source"]["values"]
    assert [(v["value"], v["count"], v["selected"]) for v in values] == [
        ("unknown", 2, False),
        ("ins批量协议号", 1, True),
    ]
    assert parse_qs(values[1]["toggle_url"][1:]) == {"q": ["abduction"]}
    both = client.get("/api/search" + values[0]["toggle_url"]).get_json()
    assert both["total"] == 3 and both["filters"]["source"] == ["ins批量协议号", "unknown"]


@pytest.mark.parametrize(
    "query",
    [
        "q=abduction&page=abc",
        "q=abduction&page=0",
        "q=abduction&per_page=1000",
        "q=abduction&sort=popularity",
        "q=abduction&year=20x6",
        "q=*",
        "q=%21%21%21",
        "q=" + "a%20" * 100,
    ],
)
def test_bad_requests_get_400_with_a_message(client, query):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    assert response.get_json()["error"]
    page = client.get("/?" + query)
    assert page.status_code == 400
    assert b"That search cannot be run" in page.data


def test_unknown_document_is_404_json(client):
    response = client.get("/api/documents/nope")
    assert response.status_code == 404 and "nope" in response.get_json()["error"]


def test_document_api_and_page(client):
    hit = client.get("/api/search?q=secret").get_json()["hits"][0]
    doc = client.get(f"/api/documents/{hit['id']}").get_json()
    assert doc["title"] == "Japan holds secret talks with NK: report"
    assert "联系我们" in doc["chrome"] and "联系我们" not in doc["body"]
    page = client.get(hit["doc_url"]).get_data(as_text=True)
    assert "Removed page chrome" in page and "联系我们" in page


def test_health(client):
    assert client.get("/api/health").get_json() == {"status": "ok", "documents": 3}


def test_search_page_renders_hits_facets_and_keeps_the_query(client):
    page = client.get("/?q=abduction&source=ins批量协议号").get_data(as_text=True)
    assert 'value="abduction"' in page
    assert "Japan holds secret talks with NK: report" in page
    assert "North Korea Apologizes" not in page
    assert "<mark" in page and 'lang="en"' in page


def test_cli_json_is_the_api_body(client, seed_index):
    query = ["abduction", "--source", "ins批量协议号"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(
        [sys.executable, "-m", "web.cli", "search", *query, "--json", "--index", str(seed_index)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=True,
    ).stdout
    cli = json.loads(out)
    api = client.get("/api/search?q=abduction&source=ins批量协议号").get_json()
    cli.pop("took_ms"), api.pop("took_ms")
    assert cli["hits"] == api["hits"]
    assert cli == api
