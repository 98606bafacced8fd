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


def test_a_comment_section_longer_than_the_article_is_still_comments():
    # A blog post with a long thread (a real dev page: 1.1 KB of post, 4 KB of comments).
    thread = "".join(
        f"<h4>re: welcome #{n}</h4><p>Comment {n}: thanks for the translation, I read the "
        f"whole book twice and it helped me a great deal with my work.</p>"
        for n in range(12)
    )
    page = (
        f"<body><div id='main'><div class='post'><h2>Moving in</h2>{PARAGRAPHS}</div>"
        f"<div id='comments'>{thread}</div></div></body>"
    )
    found = {b.text: b.tag.split() for b in html_blocks(page)[0]}
    article = next(text for text in found if text.startswith("The harbour festival"))
    assert found[article] == ["p"]
    comment = next(text for text in found if text.startswith("Comment 3:"))
    assert {"named", "outside"} <= set(found[comment])


def test_comments_named_on_the_body_do_not_hide_the_article():
    page = f"<body class='single comments-open'><article>{PARAGRAPHS}</article></body>"
    found = {b.text: b.tag.split() for b in html_blocks(page)[0]}
    assert all(words == ["p"] for words in found.values())


def test_a_data_table_row_is_one_line_and_layout_cells_keep_their_blocks():
    table = (
        "<table><tr><th>Pos.</th><th>Driver</th><th>Points</th></tr>"
        "<tr><td>1</td><td><a href='/kb'>Kyle Busch</a></td><td>5040</td></tr></table>"
    )
    layout = (
        "<table><tr><td><p>First column paragraph.</p></td><td>Second<br>cell</td></tr></table>"
    )
    assert [b.text for b in html_blocks(table)[0]] == ["Pos. Driver Points", "1 Kyle Busch 5040"]
    assert [b.text for b in html_blocks(layout)[0]] == ["First column paragraph.", "Second", "cell"]
