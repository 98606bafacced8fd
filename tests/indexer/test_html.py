"""HTML structure: chrome contexts, class/id names, the main-content container."""

from __future__ import annotations

from indexer.html import html_blocks

PARAGRAPHS = "".join(
    f"<p>The harbour festival, which began on {day}, drew fishermen, musicians and cooks "
    f"from every village along the coast, and the quay was crowded until late.</p>"
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday")
)
PAGE = f"""<html><head><title>Festival</title></head><body class="has-sidebar">
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div id="main"><article class="post-content"><h1>Harbour festival</h1>{PARAGRAPHS}
<div class="share-bar">Share on Facebook</div></article>
<div id="comments"><p>Great festival, we loved the music and the food, thank you all!</p>
<p>The boats were beautiful this year, and the weather was kind to everyone there.</p>
<p>Will it be held again next summer? We would like to come back with friends.</p></div>
</div>
<div class="sidebar"><p>Popular: Ten things to do in town this weekend with children</p></div>
<footer>© 2024 Harbour Gazette</footer></body></html>"""


def tags() -> dict[str, list[str]]:
    blocks, meta = html_blocks(PAGE)
    assert meta["title"] == "Festival"
    return {block.text: block.tag.split() for block in blocks}


def test_chrome_contexts_are_the_block_tag():
    found = tags()
    assert found["Home News"][0] == "nav"
    assert found["© 2024 Harbour Gazette"][0] == "footer"


def test_article_paragraphs_are_inside_the_main_container():
    found = tags()
    paragraphs = [text for text, words in found.items() if text.startswith("The harbour festival")]
    assert len(paragraphs) == 4
    assert all(found[text] == ["p"] for text in paragraphs)
    assert found["Harbour festival"] == ["h1"]


def test_class_and_id_names_mark_chrome_but_not_wrappers():
    found = tags()
    assert "named" in found["Share on Facebook"]
    assert "named" in found["Popular: Ten things to do in town this weekend with children"]
    assert "named" not in found["Harbour festival"]  # body's "has-sidebar" names nothing


def test_comments_cannot_outvote_the_article():
    found = tags()
    comment = "Great festival, we loved the music and the food, thank you all!"
    assert {"named", "outside"} <= set(found[comment])


def test_link_density_and_no_container_without_prose():
    blocks, _ = html_blocks("<ul><li><a href='/a'>One</a></li><li>Two <a href='/b'>b</a></li></ul>")
    assert [(b.text, b.tag, b.link_density) for b in blocks] == [
        ("One", "li", 1.0),
        ("Two b", "li", 0.25),
    ]


def test_deep_nesting_does_not_recurse():
    html = "<div>" * 5000 + "deep text" + "</div>" * 5000
    blocks, _ = html_blocks(html)
    assert [b.text for b in blocks] == ["deep text"]
