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
    assert set(body["facets"]) == {"source", "lang", "year", "host", "template"}
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
    ("query", "param"),
    [
        ("q=abduction&page=abc", "page"),
        ("q=abduction&page=0", "page"),
        ("q=abduction&page=-1", "page"),
        ("q=abduction&page=1.5", "page"),
        ("q=abduction&per_page=1000", "per_page"),
        ("q=abduction&per_page=101", "per_page"),
        ("q=abduction&per_page=0", "per_page"),
        ("q=abduction&sort=popularity", "sort"),
        ("q=abduction&year=20x6", "year"),
        ("q=abduction&date_from=2016-13-01", "date_from"),
        ("q=abduction&date_from=2016-1-1", "date_from"),
        ("q=abduction&date_to=soon", "date_to"),
        ("q=abduction&date_to=2016-02-30", "date_to"),
        ("q=abduction&date_from=2020-01-01&date_to=2019-01-01", "date_from"),
        ("q=abduction&collapse=maybe", "collapse"),
        ("q=OR%20OR", "q"),
        ("q=%22%22", "q"),
        ("q=*", "q"),
        ("q=%21%21%21", "q"),
        # A query of more than 64 words is now cut, with a note (tests/web/test_fuzz_api.py).
        ("q=abduction&page=%C2%B2", "page"),  # a digit to str.isdigit, not to int()
        ("q=abduction&year=%C2%B2%C2%B2%C2%B2%C2%B2", "year"),
    ],
)
def test_bad_requests_get_400_naming_the_parameter(client, query, param):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "param"}
    assert error["param"] == param and error["message"]
    assert error["code"] == ("invalid_query" if param == "q" else "invalid_parameter")
    page = client.get("/?" + query)
    assert page.status_code == 400
    assert b"That search cannot be run" in page.data


def test_new_keys_of_the_search_payload(client):
    body = client.get("/api/search?q=abduction").get_json()
    assert body["filters"] == {
        "source": [],
        "lang": [],
        "year": [],
        "host": [],
        "template": [],
        "date_from": [],
        "date_to": [],
    }
    assert body["in"] == "body"
    assert body["suggestion"] is None and body["suggestion_url"] is None
    assert body["notes"] == []
    assert all(facet["others"] == 0 for facet in body["facets"].values())


def test_date_range_filters_and_toggle_urls_keep_it(client):
    body = client.get("/api/search?q=korea&date_from=2016-07-27&date_to=2020-12-31").get_json()
    assert body["total"] == 1 and body["hits"][0]["date"] == "2016-07-27"
    assert body["filters"]["date_from"] == ["2016-07-27"]
    assert body["filters"]["date_to"] == ["2020-12-31"]
    assert [v["value"] for v in body["facets"]["year"]["values"]] == ["2016"]
    toggle = body["facets"]["year"]["values"][0]["toggle_url"]
    assert parse_qs(toggle[1:]) == {
        "q": ["korea"],
        "year": ["2016"],
        "date_from": ["2016-07-27"],
        "date_to": ["2020-12-31"],
    }
    assert client.get("/api/search" + toggle).get_json()["total"] == 1
    assert client.get("/api/search?q=korea&date_from=2016-07-28").get_json()["total"] == 1
    assert client.get("/api/search?q=korea&date_to=2016-07-27").get_json()["total"] == 1
    assert client.get("/api/search?q=korea&date_from=&date_to=").get_json()["total"] == 3


def test_did_you_mean_keeps_the_filters(client):
    body = client.get("/api/search?q=abductoin&source=ins批量协议号").get_json()
    assert body["total"] == 0 and body["suggestion"] == "abduction"
    assert parse_qs(body["suggestion_url"][1:]) == {"q": ["abduction"], "source": ["ins批量协议号"]}
    corrected = client.get("/api/search" + body["suggestion_url"]).get_json()
    assert corrected["total"] == 1 and corrected["suggestion"] is None


def test_notes_say_how_the_query_was_read(client):
    body = client.get("/api/search?q=foo:korea%20a*").get_json()
    assert body["parsed_query"] == "korea a" and len(body["notes"]) == 2


def test_unknown_document_is_404_json(client):
    response = client.get("/api/documents/nope")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": {"code": "not_found", "message": "No document with id 'nope'.", "param": "id"}
    }


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
    query = ["abduction", "--source", "ins批量协议号", "--date-from", "2016-01-01"]
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
    api = client.get("/api/search?q=abduction&source=ins批量协议号&date_from=2016-01-01").get_json()
    cli.pop("took_ms"), api.pop("took_ms")
    assert len(cli["hits"]) == 1 and cli["filters"]["date_from"] == ["2016-01-01"]
    assert cli["hits"] == api["hits"]
    assert cli == api


def test_cli_text_output_offers_the_suggestion_and_notes(seed_index):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(
        [sys.executable, "-m", "web.cli", "search", "foo:abductoin", "--index", str(seed_index)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=True,
    ).stdout
    assert "Did you mean: foo:abduction" in out  # the rest of the query as typed
    assert 'note: Unknown field "foo:" ignored' in out


def test_cli_refuses_a_bad_date(seed_index):
    run = subprocess.run(
        [sys.executable, "-m", "web.cli", "search", "korea", "--date-to", "2016-02-30"]
        + ["--index", str(seed_index)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert run.returncode == 2 and "date_to must be a date written YYYY-MM-DD" in run.stderr


def test_hits_carry_match_offsets_and_duplicates(client):
    body = client.get("/api/search?q=yokota").get_json()
    (hit,) = body["hits"]
    assert body["collapse"] is True and body["rows"] == 1
    assert hit["duplicates"] == {"group": hit["id"], "count": 0, "sources": []}
    doc = client.get(f"/api/documents/{hit['id']}").get_json()
    marked = {doc["body"][a:b] for a, b in hit["offsets"]["body"]}
    assert marked == {"Yokota", "Yokota’s"}  # the possessive is one word, marked whole
    assert client.get("/api/search?q=yokota&collapse=false").get_json()["collapse"] is False
    assert client.get("/api/search?q=yokota&collapse=maybe").status_code == 400


def test_post_takes_the_same_parameters_as_get(rich_client):
    get = rich_client.get("/api/search?q=velmora&lang=de&lang=fr&per_page=5&page=2").get_json()
    post = rich_client.post(
        "/api/search", json={"q": "velmora", "lang": ["de", "fr"], "per_page": 5, "page": "2"}
    ).get_json()
    get.pop("took_ms"), post.pop("took_ms")
    assert post == get and post["total"] == 15 and len(post["hits"]) == 5


@pytest.mark.parametrize(
    ("body", "status", "code", "param"),
    [
        ('{"q": "velmora", "page": "x"}', 400, "invalid_parameter", "page"),
        ('{"q": "velmora", "per_page": 101}', 400, "invalid_parameter", "per_page"),
        ('{"q": "velmora", "collapse": "sometimes"}', 400, "invalid_parameter", "collapse"),
        ('{"q": "velmora", "page": 1.5}', 400, "invalid_parameter", "page"),
        ('{"q": "velmora", "lang": {"de": 1}}', 400, "invalid_parameter", "lang"),
        ('{"query": "velmora"}', 400, "invalid_parameter", "query"),
        ('["velmora"]', 400, "invalid_parameter", "body"),
        ('{"q": "velmora"', 400, "invalid_json", "body"),
    ],
)
def test_post_errors_name_the_parameter(rich_client, body, status, code, param):
    response = rich_client.post("/api/search", data=body, content_type="application/json")
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["param"] == param


def test_post_needs_json(rich_client):
    response = rich_client.post("/api/search", data={"q": "velmora"})
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_unknown_api_path_and_method_are_json(rich_client):
    missing = rich_client.get("/api/nothing")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = rich_client.delete("/api/search")
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "query",
    [
        "page=%00",
        "page=%EF%BC%91",  # a full-width digit one
        "page=99999999999999999999999",
        "per_page=%E2%85%A0",  # a Roman numeral one
        "year=%D9%A2%D9%A0%D9%A1%D9%A6",  # 2016 in Arabic-Indic digits
        "date_from=%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%96-01-01",
        "date_to=2016-02-29T00:00",
        "sort=",
        "collapse=",
        "lang=%00&source=%FF",
        "q=%F0%9F%98%80",
        "q=title:",
        "q=(((((",
        "q=" + "%22" * 50,
        "q=-velmora",
        "q=velmora&q=",
    ],
)
def test_odd_input_is_never_a_500(rich_client, query):
    for path in ("/api/search?", "/?"):
        response = rich_client.get(path + query)
        assert response.status_code in (200, 400), (path, query, response.data[:300])
        if path.startswith("/api") and response.status_code == 400:
            assert response.get_json()["error"]["message"]


def test_document_has_every_key_and_its_near_duplicates(rich_client):
    hit = rich_client.get("/api/search?q=velmora&source=Wire%20Syndicate&lang=de").get_json()
    copy = hit["hits"][0]
    doc = rich_client.get(f"/api/documents/{copy['id']}").get_json()
    assert doc["source"] == "Wire Syndicate" and doc["lang"] == "de"
    assert doc["record"] and doc["external_id"] == "de-1-copy" and doc["host"]
    assert doc["dates"]["crawled"] == doc["date"] and doc["date_kind"] == "crawled"
    (original,) = doc["near_duplicates"]
    assert original["source"] != "Wire Syndicate" and original["doc_url"].startswith("/doc/")
    back = rich_client.get(f"/api/documents/{original['id']}").get_json()
    assert [d["id"] for d in back["near_duplicates"]] == [copy["id"]]
    assert "file" not in doc and "root" not in doc and "fingerprint" not in doc


def test_stats_count_languages_sources_years_and_duplicates(rich_client):
    stats = rich_client.get("/api/stats").get_json()
    assert stats["documents"] == 44
    assert {row["value"]: row["count"] for row in stats["languages"]} == {
        "de": 8,
        "en": 8,
        "es": 7,
        "fr": 7,
        "ja": 7,
        "zh": 7,
    }
    assert stats["sources"][-1] == {"value": "Wire Syndicate", "count": 2}
    assert [row["value"] for row in stats["years"]] == [str(y) for y in range(2015, 2025)]
    assert stats["duplicates"] == {"groups": 2, "documents": 4}
    assert stats["index"]["bytes"] > 10_000
    build = stats["last_build"]
    assert build["indexed"] == 44 and build["failed"] == 0 and build["finished_at"]


def test_stats_group_failures_by_reason(tmp_path):
    from indexer.write import build
    from web.app import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("A page about the river Velmora and its floods.\n" * 5)
    (corpus / "bad.jsonl").write_text(
        '{"text": "fine page text here for the index"}\nnot json\n{]\n'
    )
    build([corpus], tmp_path / "index")
    stats = create_app(tmp_path / "index").test_client().get("/api/stats").get_json()
    failures = stats["last_build"]["failures"]
    assert stats["last_build"]["failed"] == sum(f["count"] for f in failures) >= 2
    assert all(f["reason"] and f["examples"] for f in failures)
    page = create_app(tmp_path / "index").test_client().get("/stats").get_data(as_text=True)
    assert "Why files failed" in page and "bad.jsonl" in page


def test_health_without_an_index_is_503_json(tmp_path):
    from web.app import create_app

    client = create_app(tmp_path / "nothing-yet").test_client()
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "index_missing"
    assert client.get("/").status_code == 200  # the landing page still works
    assert client.get("/?q=x").status_code == 503


def test_the_answer_says_whether_matching_was_relaxed(client):
    strict = client.get("/api/search?q=abduction").get_json()
    assert strict["matching"] == "all" and strict["total"] == 3
    question = client.get("/api/search?q=who+apologized+for+the+kidnapping+of+citizens").get_json()
    assert question["matching"] == "relaxed" and question["total"] >= 1
