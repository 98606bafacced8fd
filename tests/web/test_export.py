"""Exports: /api/export and `sifter export` stream every hit of a query exactly once, as
JSONL or CSV, in the order of the result pages, with constant memory; CSV is quoted and
safe to open in a spreadsheet. And /api/search's cursor over HTTP."""

from __future__ import annotations

import csv
import gc
import html
import io
import json
import tracemalloc

import pytest

from search.engine import Engine
from tests.search.many_pages import SOURCES, expected, number_of, source_of
from web.app import create_app
from web.cli import main
from web.export import FIELDS, start_export

COUNT = 3000


@pytest.fixture(scope="module")
def many_client(many_index):
    return create_app(many_index).test_client()


def jsonl(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_streamed
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_jsonl_export_holds_every_hit_once_in_page_order(many_client):
    response = many_client.get("/api/export?q=quarry&fields=rank,id,title,score")
    assert response.headers["Content-Type"].startswith("application/x-ndjson")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Total-Count"] == str(COUNT)
    rows = jsonl(response)
    assert len(rows) == COUNT == len({row["id"] for row in rows})
    assert {number_of(row["title"]) for row in rows} == expected(COUNT, "quarry")
    assert [row["rank"] for row in rows] == list(range(1, COUNT + 1))
    assert list(rows[0]) == ["rank", "id", "title", "score"]  # the fields asked, in order
    page = many_client.get("/api/search?q=quarry&per_page=100&collapse=false").get_json()
    assert [row["id"] for row in rows[:100]] == [hit["id"] for hit in page["hits"]]


def test_csv_export_with_filters_holds_every_matching_hit_once(many_client):
    response = many_client.get(
        f"/api/export?q=basalt&source={SOURCES[0]}&source={SOURCES[4]}&format=csv"
        "&fields=id,title,source,date,sha256&sort=date"
    )
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    wanted = {n for n in expected(COUNT, "basalt") if source_of(n) in (SOURCES[0], SOURCES[4])}
    assert len(rows) == len(wanted) == len({row["id"] for row in rows})
    assert {number_of(row["title"]) for row in rows} == wanted
    assert [row["date"] for row in rows] == sorted((row["date"] for row in rows), reverse=True)
    assert all(len(row["sha256"]) == 64 for row in rows)


def test_export_memory_does_not_grow_with_the_hits(many_index):
    """The peak while streaming 3,000 hits is that of 750: a batch, never the set."""
    engine = Engine(many_index)

    def measure(q: str) -> tuple[int, int]:
        params = {"q": [q], "format": ["csv"], "fields": ["id,title,body,sha256"]}
        for _ in start_export(engine, params).lines():  # warm caches
            pass
        gc.collect()
        tracemalloc.start()
        try:
            written = sum(len(chunk) for chunk in start_export(engine, params).lines())
            return written, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small_bytes, small_peak = measure("basalt")  # 750 hits
    big_bytes, big_peak = measure("quarry")  # 3,000 hits
    assert big_bytes - small_bytes > 500_000  # four times the text...
    # ...and the peak grows by far less than that text (it would if rows accumulated).
    assert big_peak - small_peak < (big_bytes - small_bytes) / 4, (small_peak, big_peak)


@pytest.fixture(scope="module")
def tricky_client(tmp_path_factory):
    """Pages whose titles a spreadsheet would run as formulas, and text that needs quoting."""
    from indexer.write import build

    folder = tmp_path_factory.mktemp("tricky")
    titles = [
        '=HYPERLINK("http://evil.example","click")',
        "+1 trick question",
        "-2+3 arithmetic",
        "@SUM(A1:A2) total",
        'Quotes "inside", commas, and more',
    ]
    texts = [
        "Cloves from zanzibar sold well at the harbour market this spring.",
        "A zanzibar trader explained how cinnamon bark is dried in the sun.",
        "The museum shows old maps of zanzibar and the routes of the dhows.",
        "Prices of zanzibar pepper rose after the long rains damaged the crop.",
        "Fishermen near zanzibar repaired their nets before the monsoon season.",
    ]
    lines = [
        json.dumps(
            {
                "id": f"t{i}",
                "url": f"https://tricky{i}.example/{i}",
                "html": f"<html><head><title>{html.escape(title)}</title></head><body>"
                f"<p>{text}</p><p>{texts[i - 1]}\n</p></body></html>",
            }
        )
        for i, (title, text) in enumerate(zip(titles, texts, strict=True))
    ]
    (folder / "tricky.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("tricky-index")
    build([folder / "tricky.jsonl"], index_dir)
    return create_app(index_dir).test_client(), titles


def test_csv_cells_that_look_like_formulas_are_defused(tricky_client):
    client, titles = tricky_client
    rows = csv_rows(client.get("/api/export?q=zanzibar&format=csv&fields=title,body"))
    by_title = {row["title"]: row for row in rows}
    assert len(rows) == len(titles)
    for title in titles:
        safe = "'" + title if title[0] in "=+-@" else title
        assert safe in by_title, (safe, list(by_title))
    quoted = by_title[titles[-1]]
    assert "\n" in quoted["body"]  # a newline inside a cell survives the round trip
    assert '"Quotes ""inside"", commas, and more"' in client.get(
        "/api/export?q=zanzibar&format=csv&fields=title"
    ).get_data(as_text=True)
    assert quoted["body"].count("zanzibar") == 2
    # The same titles unchanged in JSONL: only CSV is read by spreadsheets.
    exported = jsonl(client.get("/api/export?q=zanzibar&fields=title"))
    assert {row["title"] for row in exported} == set(titles)


@pytest.mark.parametrize(
    ("query", "param", "words"),
    [
        ("q=quarry&fields=id,bogus", "fields", "'bogus'"),
        ("q=quarry&format=xml", "format", "jsonl, csv"),
        ("q=quarry&page=2", "page", "every hit"),
        ("q=quarry&cursor=abc", "cursor", "every hit"),
        ("q=quarry&year=20x1", "year", "four digits"),
        ("q=*", "q", ""),
    ],
)
def test_bad_export_parameters_are_400_with_a_message(many_client, query, param, words):
    response = many_client.get("/api/export?" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["param"] == param and words in error["message"]


def test_every_field_can_be_exported(many_client):
    rows = jsonl(many_client.get("/api/export?q=granite&fields=" + ",".join(FIELDS)))
    assert len(rows) == 300 and set(rows[0]) == set(FIELDS)
    assert rows[0]["doc_url"] == f"/doc/{rows[0]['id']}" and rows[0]["body"]


def test_cli_export_writes_the_same_rows(many_index, many_client, capsys):
    status = main(
        ["export", "granite", "--format", "csv", "--fields", "id,title", "--index", str(many_index)]
    )
    out, err = capsys.readouterr()
    assert status == 0 and "300" in err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    api = csv_rows(many_client.get("/api/export?q=granite&format=csv&fields=id,title"))
    assert rows == api and len(rows) == 300
    assert main(["export", "granite", "--fields", "nope", "--index", str(many_index)]) == 2
    assert "unknown field 'nope'" in capsys.readouterr().err


# --- the cursor over HTTP ------------------------------------------------------------------


def test_next_url_follows_the_cursor_through_every_hit(many_client):
    first = "/api/search?q=granite&per_page=100&sort=date&collapse=false"
    url, ids, cursors = first, [], 0
    while url:
        body = many_client.get(url).get_json()
        ids += [hit["id"] for hit in body["hits"]]
        if body["next_cursor"]:
            cursors += 1
            url = f"{first}&cursor={body['next_cursor']}"
        else:
            url = None
    assert len(ids) == len(set(ids)) == 300 and cursors == 2


def test_bad_cursors_are_400_naming_the_cursor(many_client):
    token = many_client.get("/api/search?q=granite").get_json()["next_cursor"]
    for query, words in [
        ("q=granite&cursor=garbage", "not valid"),
        (f"q=quarry&cursor={token}", "another query"),
        (f"q=granite&page=2&cursor={token}", "page and cursor"),
        ("q=granite&page=1001", "next_cursor"),
    ]:
        response = many_client.get("/api/search?" + query)
        assert response.status_code == 400, query
        error = response.get_json()["error"]
        assert words in error["message"] and error["param"] in ("cursor", "page"), error


def test_numbered_page_links_stop_where_the_cursor_takes_over():
    from search.results import SearchRequest
    from web.payload import page_links

    links = page_links(SearchRequest(q="quarry", per_page=10), pages=5000)
    assert [link["number"] for link in links if link["number"]][-1] == 1000
    links = page_links(SearchRequest(q="quarry", per_page=100), pages=5000)
    assert [link["number"] for link in links if link["number"]][-1] == 100
