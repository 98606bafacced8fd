"""Chrome on purpose: `in:chrome` (or `in=chrome`) searches the removed chrome instead of
the page, with snippets from it, and the template facet finds every page built on one
template shared across sites."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from indexer import templates
from search import facets
from search.engine import Engine
from search.query import QueryError
from search.results import SearchRequest
from tests.conftest import SEED_003

SPAM = "诚信经营 免费发布信息 客服QQ: 88886666"  # a network's template line
ARTICLES = [
    "The committee met on Tuesday to discuss the new budget for the city's public libraries.",
    "Volunteers planted two hundred oak trees along the river during the spring weekend.",
    "The museum will extend its opening hours in summer to welcome more visitors.",
    "A local bakery has started delivering fresh bread to elderly residents every morning.",
    "Heavy snow closed several mountain roads and delayed the regional trains for hours.",
    "The football club announced a new coach after a disappointing season in the league.",
]


def site_pages(host: str, own_line: str, spam: bool) -> list[dict]:
    """Four pages of one site: its own footer line and, for the network's sites, the spam
    line, around a different article each (so the lines are learned as its template)."""
    pages = []
    for n in range(4):
        article = ARTICLES[(n + len(host)) % len(ARTICLES)] + f" Report number {n} from {host}."
        lines = [SPAM] if spam else []
        lines += [article, own_line, f"— {n + 1} —"]  # a page number, on every site
        pages.append({"url": f"https://{host}/news/{n}.html", "text": "\n".join(lines)})
    return pages


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from indexer.write import build

    corpus = tmp_path_factory.mktemp("chrome-corpus")
    records = (
        site_pages("spam-one.example", "© 2023 Spam One. All rights reserved.", True)
        + site_pages("spam-two.example", "Contact the editors of Spam Two.", True)
        + site_pages("spam-three.example", "Spam Three · Imprint · Privacy", True)
        + site_pages("clean.example", "Clean News · About us · Imprint", False)
    )
    (corpus / "pages.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    (corpus / SEED_003.name).write_bytes(SEED_003.read_bytes())
    index_dir = tmp_path_factory.mktemp("chrome-index")
    report = build([corpus], index_dir)
    assert report.indexed == len(records) + 1 and not report.failed
    return Engine(index_dir)


def test_in_chrome_finds_the_seed_template_a_plain_query_does_not(engine):
    plain = engine.search(SearchRequest(q="联系我们"))
    assert plain.total == 0
    chrome = engine.search(SearchRequest(q="in:chrome 联系我们"))
    assert [hit.id.startswith(SEED_003.name) for hit in chrome.hits] == [True]
    assert chrome.parsed_query == "in:chrome 联系我们"
    assert "<mark>联系我们</mark>" in chrome.hits[0].snippet  # the snippet is made from the chrome


def test_the_seed_index_too(client):
    plain = client.get("/api/search", query_string={"q": "联系我们"}).get_json()
    chrome = client.get("/api/search", query_string={"q": "in:chrome 联系我们"}).get_json()
    assert plain["total"] == 0
    assert [h["id"].split("-")[0] for h in chrome["hits"]] == [SEED_003.name.split("-")[0]]
    assert chrome["in"] == "chrome"


def test_the_in_parameter_is_the_same_as_in_chrome(engine):
    by_param = engine.search(SearchRequest(q="联系我们", scope="chrome"))
    by_query = engine.search(SearchRequest(q="in:chrome 联系我们"))
    assert [h.id for h in by_param.hits] == [h.id for h in by_query.hits] != []
    assert by_param.parsed_query == "in:chrome 联系我们"
    # in:body in the query wins over the parameter
    assert engine.search(SearchRequest(q="in:body 联系我们", scope="chrome")).total == 0


def test_chrome_words_are_not_in_the_body_and_body_words_not_in_the_chrome(engine):
    assert engine.search(SearchRequest(q="免费发布信息")).total == 0
    assert engine.search(SearchRequest(q="in:chrome 免费发布信息")).total == 12
    assert engine.search(SearchRequest(q="in:chrome oak trees")).total == 0
    assert engine.search(SearchRequest(q="oak trees", collapse=False)).total > 0
    # a phrase of the chrome, and a word of one site's footer
    assert engine.search(SearchRequest(q='in:chrome "all rights reserved"')).total == 4
    assert engine.search(SearchRequest(q="in:chrome imprint", collapse=False)).total == 8


def test_the_template_facet_offers_lines_shared_by_several_sites(engine):
    results = engine.search(SearchRequest(q=""))
    template = {f.name: f for f in results.facets}["template"]
    shared = templates.normalise(SPAM)
    counts = {v.value: (v.count, v.pages) for v in template.values}
    assert counts[shared] == (3, 12)  # three sites, four pages each
    # "imprint" footers differ per site; one site's own lines are never offered
    assert all(count >= facets.MIN_SOURCES for count, _ in counts.values())
    assert templates.normalise("Clean News · About us · Imprint") not in counts
    # a line of digits and dashes, on every site, says nothing of a template
    assert templates.normalise("— 1 —") == "— 0 —" and "— 0 —" not in counts


def test_clicking_a_template_line_lists_every_page_that_carries_it(client_for):
    body = client_for.get("/api/search?q=").get_json()
    value = next(
        v for v in body["facets"]["template"]["values"] if v["value"] == templates.normalise(SPAM)
    )
    assert value["count"] == 3 and value["pages"] == 12
    clicked = client_for.get("/api/search" + value["toggle_url"] + "&collapse=false&per_page=50")
    clicked = clicked.get_json()
    assert clicked["total"] == 12
    assert {h["url"].split("/")[2] for h in clicked["hits"]} == {
        "spam-one.example",
        "spam-two.example",
        "spam-three.example",
    }
    assert parse_qs(value["toggle_url"][1:])["template"] == [templates.normalise(SPAM)]
    # the line as written on the page (not normalised) filters the same pages
    raw = client_for.get("/api/search", query_string={"template": SPAM, "per_page": 50})
    assert raw.get_json()["total"] == 12


def test_the_search_page_has_the_checkbox_and_the_template_facet(client_for):
    page = client_for.get("/?q=联系我们&in=chrome").get_data(as_text=True)
    assert 'name="in" value="chrome" checked' in page
    assert "<mark>联系我们</mark>" in page
    page = client_for.get("/?q=report").get_data(as_text=True)
    assert 'name="in" value="chrome">' in page  # unchecked
    assert 'data-facet="template"' in page and "3 sites" in page


@pytest.mark.parametrize(
    ("q", "params"),
    [("in:chrome", {}), ("in:nowhere report", {}), ("report", {"in": "everywhere"})],
)
def test_odd_scopes_are_a_note_or_a_400(client_for, q, params):
    response = client_for.get("/api/search", query_string={"q": q, **params})
    if params:
        assert response.status_code == 400
        assert response.get_json()["error"]["param"] == "in"
    else:
        assert response.status_code == 200


def test_in_chrome_alone_browses_and_an_empty_chrome_query_is_an_error(engine):
    assert engine.search(SearchRequest(q="in:chrome")).total == 17
    with pytest.raises(QueryError):
        engine.search(SearchRequest(q="in:chrome !!!"))


def test_the_facet_normalises_as_the_indexer_does():
    for line in ["Tel:  020-123 4567", "ÄÖÜ Straße 12", "  Mixed\tCASE  99 ", "联系我们"]:
        assert facets.templates_normalise(line) == templates.normalise(line)
        assert facets.line_hash(facets.templates_normalise(line)) == templates.line_hash(line)


@pytest.fixture(scope="module")
def client_for(engine: Engine):
    from web.app import create_app

    return create_app(engine.index_dir).test_client()


def test_responses_with_template_values_validate_against_the_openapi_description(client_for):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    spec = client_for.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:spec", Resource(spec, DRAFT202012))
    schema = {"$ref": "urn:spec#/components/schemas/SearchResults"}
    validator = Draft202012Validator(schema, registry=registry)
    for query in ("?q=", "?q=联系我们&in=chrome", "?template=" + templates.normalise(SPAM)):
        body = client_for.get("/api/search" + query).get_json()
        validator.validate(body)
    assert body["facets"]["template"]["values"][0]["pages"] == 12
