"""Markup in crawled pages is shown as text, never run."""

from __future__ import annotations

import pytest

from indexer.write import build
from web.app import create_app

HOSTILE = """<script>alert(1)</script> Hostile page title
The body mentions payload words and "><img src=x onerror=alert(2)> and {{7*7}} inline.
Another paragraph with payload text, long enough to be content rather than chrome here.
"""


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("hostile-corpus")
    (corpus / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    index = tmp_path_factory.mktemp("hostile-index")
    build([corpus], index)
    return create_app(index).test_client()


def test_search_page_escapes_title_and_snippet(hostile_client):
    page = hostile_client.get("/?q=payload").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_document_page_escapes_body(hostile_client):
    doc_url = hostile_client.get("/api/search?q=payload").get_json()["hits"][0]["doc_url"]
    page = hostile_client.get(doc_url).get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert "{{7*7}}" in page  # template syntax in a page is text, not evaluated
