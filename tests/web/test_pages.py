"""The HTML pages as served, without a browser: the state is in the URL and in plain
forms and links (so everything works without JavaScript), and pages are locked down."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from web.app import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(unescape(url).split("?", 1)[1])


def test_facets_are_checkboxes_in_a_form_that_keeps_the_rest(rich_client):
    page = rich_client.get("/?q=velmora&lang=de&sort=date&date_from=2016-01-01").get_data(
        as_text=True
    )
    form = page[page.index('<form class="facets"') : page.index("</form>", page.index("facets"))]
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert hidden == {"q": "velmora", "date_from": "2016-01-01", "sort": "date"}
    checked = re.findall(r'name="(\w+)" value="([^"]*)"\s+data-toggle-url="[^"]*" checked', form)
    assert checked == [("lang", "de")]
    assert 'name="source" value="River Post"' in form and "Apply filters" in form


def test_chips_remove_one_filter_and_clear_all_keeps_the_query(rich_client):
    page = rich_client.get("/?q=velmora&lang=de&lang=fr&year=2019").get_data(as_text=True)
    chips = dict(
        re.findall(r'class="chip" href="([^"]+)"[^>]*aria-label="Remove filter ([^"]+)"', page)
    )
    assert set(chips.values()) == {"Language: German (de)", "Language: French (fr)", "Year: 2019"}
    without_de = next(url for url, label in chips.items() if "German" in label)
    assert query_of(without_de) == {"q": ["velmora"], "lang": ["fr"], "year": ["2019"]}
    clear = re.search(r'class="clear" href="([^"]+)"', page).group(1)
    assert query_of(clear) == {"q": ["velmora"]}


def test_histogram_bars_link_to_the_year_filter(rich_client):
    page = rich_client.get("/?q=velmora").get_data(as_text=True)
    bars = re.findall(r'<a class="bar[^"]*" href="([^"]+)" data-year="(\d+)"', page)
    assert [year for _, year in bars] == [str(y) for y in range(2015, 2025)]
    assert all(query_of(url) == {"q": ["velmora"], "year": [year]} for url, year in bars)
    assert "<svg" in page and 'role="group"' in page


def test_sort_collapse_and_pages_are_links(rich_client):
    page = rich_client.get("/?q=velmora&page=3").get_data(as_text=True)
    assert re.search(r'href="\?q=velmora&amp;sort=date">Newest', page)
    assert 'href="?q=velmora&amp;collapse=false">Show every page' in page
    numbers = re.findall(r'aria-label="Page (\d+)(, current)?"', page)
    assert [n for n, _ in numbers] == ["1", "2", "3", "4", "5"] and ("3", ", current") in numbers
    assert 'rel="prev" href="?q=velmora&amp;page=2"' in page
    assert 'rel="next" href="?q=velmora&amp;page=4"' in page


def test_hits_show_language_date_snippet_and_similar_pages(rich_client):
    page = rich_client.get("/?q=velmora&lang=en&per_page=20").get_data(as_text=True)
    assert page.count('class="hit"') == 7  # eight English pages, a syndicated copy folded
    assert 'class="snippet" lang="en"' in page and "<mark>Velmora</mark>" in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', page)
    assert re.search(r'#similar">1 similar page</a>\s*<span class="from">from Wire Syndicate', page)
    assert re.search(r"1 near-duplicate page\s+folded into their best match", page)


def test_suggestion_notes_and_empty_state(rich_client):
    page = rich_client.get("/?q=velmorra").get_data(as_text=True)
    assert 'Did you mean <a href="?q=velmora">velmora</a>' in page
    assert 'class="empty-state"' in page
    notes = rich_client.get("/?q=foo:velmora").get_data(as_text=True)
    assert "Unknown field" in notes and 'class="notes"' in notes


def test_landing_page_offers_browsing(rich_client):
    page = rich_client.get("/").get_data(as_text=True)
    assert "44 pages indexed" in page and 'href="/?sort=date"' in page


def test_friendly_400_page_offers_a_way_out(rich_client):
    response = rich_client.get("/?q=velmora&lang=de&page=abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "page must be a whole number" in page
    assert 'href="/?q=velmora&amp;lang=de">Search again without' in page
    assert 'value="velmora"' in page  # the query stays in the box


@pytest.fixture(scope="module")
def odd_urls_client(tmp_path_factory):
    from indexer.write import build

    corpus = tmp_path_factory.mktemp("odd-urls")
    text = "A page about the river Velmora, its bridges and its floods in spring. " * 3
    records = [
        {"id": "js", "url": "javascript:alert(1)", "text": "Script link page\n" + text},
        {"id": "tab", "url": "java\tscript:alert(2)", "text": "Tab link page\n" + text + "x"},
        {"id": "web", "url": "https://example.org/a?b=1&c=2", "text": "Web page\n" + text + "y"},
    ]
    (corpus / "odd.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    index = tmp_path_factory.mktemp("odd-urls-index")
    build([corpus], index)
    return create_app(index).test_client()


def test_only_http_urls_become_links(odd_urls_client):
    hits = odd_urls_client.get("/api/search?q=velmora&collapse=false").get_json()["hits"]
    pages = {h["url"]: odd_urls_client.get(h["doc_url"]).get_data(as_text=True) for h in hits}
    assert len(pages) == 3
    for url, page in pages.items():
        if url.startswith("https:"):
            assert 'href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer' in page
        else:
            assert 'href="java' not in page and "alert(" in page  # shown as text only


def test_security_headers_everywhere(rich_client):
    for path in ("/", "/?q=velmora", "/stats", "/api/search?q=velmora", "/api/stats",
                 "/static/sifter.js", "/?page=x", "/api/documents/nope", "/nowhere"):  # fmt: skip
        headers = rich_client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    assert "charset=utf-8" in rich_client.get("/").headers["Content-Type"]


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_inline_script_style_or_unescaped_output(template):
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", source)
    assert not re.search(r"\son[a-z]+=", source)  # no inline event handlers
    assert "style=" not in source and "<style" not in source
    assert re.findall(r"\|\s*safe\b", source) == (
        ["|safe"] if template == "search.html" else []
    )  # only the engine's snippet HTML, escaped except <mark>


def test_the_search_page_links_to_an_export_of_every_hit(rich_client):
    page = rich_client.get("/?q=velmora&lang=de&lang=fr&page=2&sort=date").get_data(as_text=True)
    links = dict(re.findall(r'<a href="(/api/export\?[^"]+)" download>(\w+)</a>', page))
    assert set(links.values()) == {"CSV", "JSONL"}
    wanted = rich_client.get("/api/search?q=velmora&lang=de&lang=fr").get_json()["total"]
    assert wanted > 1
    for url, label in links.items():
        assert query_of(url)["lang"] == ["de", "fr"] and "page" not in query_of(url)
        response = rich_client.get(unescape(url))
        assert response.status_code == 200, response.get_data(as_text=True)
        lines = response.get_data(as_text=True).splitlines()
        assert len(lines) == wanted + (label == "CSV")  # CSV has a header row
