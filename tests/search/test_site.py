"""`site:` and the host facet: a host with its subdomains, never a look-alike; the source
stays the credited publisher."""

from __future__ import annotations

import json

import pytest

from search import sites
from search.engine import Engine
from search.results import SearchRequest

ARTICLE = (
    "The lighthouse keeper {n} wrote in his log that the storm of {year} broke every window "
    "of the tower, and that the supply boat could not land for eleven days."
)
PAGES = [  # (url, credited publisher or None)
    ("https://example.org/log/1", "Harbour Gazette"),
    ("https://www.example.org/log/2", "Harbour Gazette"),
    ("http://a.b.example.org:8080/log/3?x=1", None),
    ("https://example.org.evil.com/log/4", None),
    ("https://notexample.org/log/5", None),
    ("https://other.net/log/6", "Harbour Gazette"),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from indexer.write import build

    corpus = tmp_path_factory.mktemp("site-corpus")
    records = []
    for n, (url, source) in enumerate(PAGES):
        record = {"id": f"log{n}", "url": url, "text": ARTICLE.format(n=n, year=1900 + n)}
        if source:
            record["source"] = source
        records.append(json.dumps(record))
    (corpus / "logs.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("site-index")
    report = build([corpus], index_dir)
    assert report.indexed == len(PAGES) and not report.failed
    return Engine(index_dir)


def urls(engine: Engine, request: SearchRequest) -> set[str]:
    results = engine.search(request)
    assert results.total == len(results.hits)
    return {hit.url for hit in results.hits}


def found(engine: Engine, q: str) -> set[str]:
    return urls(engine, SearchRequest(q=q, collapse=False, per_page=100))


EXAMPLE_ORG = {PAGES[0][0], PAGES[1][0], PAGES[2][0]}


def test_site_matches_the_host_and_its_subdomains_not_look_alikes(engine):
    assert found(engine, "site:example.org lighthouse") == EXAMPLE_ORG
    assert found(engine, "site:example.org") == EXAMPLE_ORG  # alone: the site's pages


def test_site_as_typed_in_other_shapes(engine):
    assert found(engine, "lighthouse site:WWW.Example.ORG.") == EXAMPLE_ORG
    assert found(engine, "site:https://example.org/some/path storm") == EXAMPLE_ORG
    assert found(engine, "site:b.example.org") == {PAGES[2][0]}
    assert found(engine, "site:a.b.example.org") == {PAGES[2][0]}
    assert found(engine, "site:evil.com") == {PAGES[3][0]}
    assert found(engine, "site:org") == {url for url, _ in PAGES[:3]} | {PAGES[4][0]}
    assert found(engine, "site:xample.org") == set()  # a label is never cut
    assert found(engine, "site:example") == set()


def test_site_combines_with_the_rest_of_the_language(engine):
    assert found(engine, "lighthouse -site:example.org") == {url for url, _ in PAGES[3:]}
    assert found(engine, "site:(other.net OR notexample.org)") == {PAGES[4][0], PAGES[5][0]}
    assert found(engine, "site:example.org 1902") == {PAGES[2][0]}


def test_source_stays_the_credited_publisher(engine):
    results = engine.search(SearchRequest(q="site:example.org", collapse=False))
    by_url = {hit.url: hit.source for hit in results.hits}
    assert by_url == {
        PAGES[0][0]: "Harbour Gazette",
        PAGES[1][0]: "Harbour Gazette",
        PAGES[2][0]: "a.b.example.org",
    }
    assert found(engine, "source:example.org") == set()


def test_the_host_facet_counts_hosts_and_filters_with_subdomains(engine):
    results = engine.search(SearchRequest(q="lighthouse", collapse=False))
    host = {f.name: f for f in results.facets}["host"]
    assert {v.value: v.count for v in host.values} == {
        "example.org": 2,  # www. folded into the host, as indexer.metadata does
        "a.b.example.org": 1,
        "example.org.evil.com": 1,
        "notexample.org": 1,
        "other.net": 1,
    }
    assert urls(engine, SearchRequest(q="lighthouse", host=("example.org",))) == EXAMPLE_ORG
    assert urls(engine, SearchRequest(q="", host=("other.net", "evil.com"))) == {
        PAGES[3][0],
        PAGES[5][0],
    }
    source = {f.name: f for f in results.facets}["source"]
    assert {v.value: v.count for v in source.values}["Harbour Gazette"] == 3


def test_site_in_the_api_and_the_host_parameter(engine, tmp_path):
    from web.app import create_app

    client = create_app(engine.index_dir).test_client()
    body = client.get("/api/search?q=site:example.org&collapse=false").get_json()
    assert body["total"] == 3 and body["parsed_query"] == "site:example.org"
    body = client.get("/api/search?q=lighthouse&host=www.example.org").get_json()
    assert body["total"] == 3 and body["filters"]["host"] == ["www.example.org"]
    values = {v["value"]: v for v in body["facets"]["host"]["values"]}
    assert (
        values["example.org"]["toggle_url"] == "?q=lighthouse&host=www.example.org&host=example.org"
    )
    page = client.get("/?q=lighthouse")
    assert page.status_code == 200
    assert 'name="host" value="example.org.evil.com"' in page.get_data(as_text=True)


@pytest.mark.parametrize("q", ["site:", "site:...", "site:)", "site:(", 'site:""', "site:*"])
def test_empty_or_odd_site_values_never_fail_the_server(engine, q):
    from web.app import create_app

    client = create_app(engine.index_dir).test_client()
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code in (200, 400), q
    if response.status_code == 400:
        assert response.get_json()["error"]["param"] == "q"


def test_suffixes_are_cut_at_dots_only():
    assert sites.suffixes("a.b.example.org") == [
        "a.b.example.org",
        "b.example.org",
        "example.org",
        "org",
    ]
    assert sites.suffixes("www.Example.org.") == ["example.org", "org"]
    assert "example.org" not in sites.suffixes("example.org.evil.com")
    assert "example.org" not in sites.suffixes("notexample.org")
    assert sites.suffixes(None) == []


def test_the_host_facet_is_left_out_of_the_page_when_no_page_has_a_host(client):
    page = client.get("/?q=korea").get_data(as_text=True)  # the samples have no URLs
    assert 'data-facet="source"' in page and 'data-facet="host"' not in page
