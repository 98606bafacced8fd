"""HTML to blocks, with what the page's structure says about each block.

One block per block-level element (or run of text between `<br>`s; a table row of
cells without blocks inside is one block, its cells joined by spaces). Besides its text, a block
carries in `Block.tag` the structural facts the chrome classifier weighs, as space-separated
words: first the element ("p", "li", "h2", ...) or the chrome context it sits in ("nav",
"header", "footer", "aside", "menu"), then flags:

- `named`: an enclosing element's class or id names chrome (menu, sidebar, share, related,
  comment, breadcrumb, ...), as in trafilatura's and readability's pruning lists;
- `outside`: the block lies outside the page's main-content container, found as readability
  does: prose paragraphs vote for their parent (and half for their grandparent), and the
  element with the most votes, less its link text, wins, with its siblings that score close.

Nothing is dropped here: chrome blocks still say when and by whom a page was published
(metadata reads them), and the classifier decides with all the other evidence.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import regex
from selectolax.lexbor import LexborHTMLParser, LexborNode

from indexer.model import Block

MAX_BLOCK_CHARS = 20_000
PROSE_MIN_CHARS = 25  # a shorter block does not vote for a main container
MIN_MAIN_SCORE = 6.0  # below this, no container stands out and no block is `outside`
SIBLING_SHARE = 0.3  # a sibling of the main container scoring this share of it joins it
WRAPPER_SHARE = 0.5  # a named element holding this share of the page's text is a wrapper


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu",
    "nav", "ol", "option", "p", "pre", "section", "select", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "legend",
})
CONTEXT_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "iframe", "head", "object", "canvas",
    "-comment", "button", "input", "textarea", "math", "title",
})
CELL_TAGS = frozenset({"td", "th"})
# Elements whose text is a paragraph of their parent: they vote for the parent.
PARAGRAPH_TAGS = frozenset({
    "p", "li", "dd", "dt", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
    "figcaption", "address", "td", "th",
})
# Words of class and id values that name chrome (matched on whole words of the value).
CHROME_NAMES = _words("""
    nav navbar navigation menu menubar submenu topbar footer sidebar aside widget widgets
    comment comments reply replies share sharing social related recommend recommended breadcrumb
    breadcrumbs crumbs banner ad ads advert adverts advertisement advertising sponsor
    sponsored promo newsletter subscribe subscription signup login cookie cookies popup
    modal toolbar pagination pager copyright disclaimer trending popular outbrain taboola
    byline dateline caption credit credits tags tagcloud rss print email masthead
""")
COMMENT_NAMES = _words("comment comments reply replies respond discussion")
# fmt: on

_NAME_WORD = regex.compile(r"[a-z]+")
_CAMEL = regex.compile(r"(?<=[a-z])(?=[A-Z])")
_CLAUSE = regex.compile(r"[，、；。！？,;.!?]")
_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACES = regex.compile(r"[ \t\u00a0\u3000\u200b\ufeff]+")


def clean_line(text: str) -> str:
    """Collapse runs of spaces (incl. no-break and ideographic spaces) and drop controls."""
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class _Frame:
    """The block-level element text is being collected for, and what encloses it."""

    element: str
    context: str | None  # nav/header/footer/aside/menu when inside one
    named: tuple[int, ...]  # ids of the enclosing block elements whose class or id names chrome
    comments: tuple[int, ...]  # those of them that name comments (they hold prose that is not it)
    path: tuple[int, ...]  # ids of the enclosing block elements, outermost first


@dataclass
class _Raw:
    text: str
    frame: _Frame
    link_chars: int


MAX_DEPTH = 64  # block ancestors remembered; real layouts nest far less


@dataclass
class _Buffer:
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0


def html_blocks(html: str) -> tuple[list[Block], dict[str, str]]:
    """The page's blocks in reading order, and its <head> metadata."""
    tree = LexborHTMLParser(html)
    meta = html_meta(tree)
    root = tree.body or tree.root
    raws = _walk(root) if root is not None else []
    main, named = _layout(raws)
    return [_block(raw, main, named) for raw in raws], meta


def _walk(root: LexborNode) -> list[_Raw]:
    # Iterative, so deeply nested pages cannot hit Python's recursion limit.
    raws: list[_Raw] = []
    buffer = _Buffer()
    ids = iter(range(1, 1 << 62))
    stack: list[tuple[LexborNode | None, _Frame, bool]] = [
        (root, _Frame("div", None, (), (), (0,)), False)
    ]
    while stack:
        node, frame, in_link = stack.pop()
        if node is None:  # end of a block element: close what it held
            _flush(buffer, frame, raws)
            continue
        tag = node.tag
        if tag == "-text":
            text = node.text_content or ""
            buffer.parts.append(text)
            if in_link:
                buffer.link_chars += len(text.strip())
            continue
        if tag in SKIP_TAGS:
            continue
        if tag == "br":
            _flush(buffer, frame, raws)
            continue
        cell = tag in CELL_TAGS and not _has_blocks(node)
        if cell:  # a row of plain cells reads as one line ("1 Kyle Busch 5040 5")
            buffer.parts.append(" ")
        child = frame
        if tag in BLOCK_TAGS and not cell:
            _flush(buffer, frame, raws)
            context = tag if tag in CONTEXT_TAGS and frame.context is None else frame.context
            node_id = next(ids)
            names = _class_words(node)
            named = _deeper(frame.named, node_id) if names & CHROME_NAMES else frame.named
            comments = _deeper(frame.comments, node_id) if names & COMMENT_NAMES else frame.comments
            child = _Frame(tag, context, named, comments, _deeper(frame.path, node_id))
            stack.append((None, child, False))
        children = list(node.iter(include_text=True))
        stack.extend((kid, child, in_link or tag == "a") for kid in reversed(children))
    return raws


def _has_blocks(node: LexborNode) -> bool:
    """Whether a table cell holds blocks or line breaks (a layout cell, not a data cell)."""
    kids = node.traverse()
    next(kids, None)  # the cell itself
    return any(kid.tag in BLOCK_TAGS or kid.tag == "br" for kid in kids)


def _deeper(path: tuple[int, ...], node_id: int) -> tuple[int, ...]:
    """The ancestry one level down, cut at MAX_DEPTH: every block copies its ancestry, so
    an uncut path makes a page of 20,000 nested <div>s quadratic (seconds per page)."""
    return path if len(path) >= MAX_DEPTH else (*path, node_id)


def _flush(buffer: _Buffer, frame: _Frame, raws: list[_Raw]) -> None:
    text = clean_line(unicodedata.normalize("NFC", "".join(buffer.parts)))
    if text:
        raws.append(_Raw(text[:MAX_BLOCK_CHARS], frame, buffer.link_chars))
    buffer.parts.clear()
    buffer.link_chars = 0


def _class_words(node: LexborNode) -> set[str]:
    """The words of the element's class and id ("main-nav shareBar" -> main, nav, share, bar)."""
    attributes = node.attributes
    value = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    if not value.strip():
        return set()
    return set(_NAME_WORD.findall(_CAMEL.sub(" ", value).lower()))


def _link_density(raw: _Raw) -> float:
    return min(1.0, raw.link_chars / max(1, len(raw.text.replace(" ", ""))))


def _layout(raws: list[_Raw]) -> tuple[set[int], set[int]]:
    """Ids of the main-content container (with its close-scoring siblings; empty if none)
    and of the elements whose class or id names chrome and that hold chrome.

    A named element holding half the page's text, or the main container, is a wrapper
    ("has-sidebar" on <body>) and names nothing. Then readability's vote: each prose block
    outside named elements gives 1 + its clause marks (up to 3) + a point per 100 characters
    (up to 3) to its container, half to the one above; link text discounts a container's
    total. Comments do not vote, so their many short paragraphs cannot outvote an article.
    """
    letters: dict[int, int] = defaultdict(int)
    links: dict[int, int] = defaultdict(int)
    parent: dict[int, int] = {}
    for raw in raws:
        path = raw.frame.path
        for outer, inner in zip(path, path[1:], strict=False):
            parent[inner] = outer
        for node in path:
            letters[node] += len(raw.text)
            links[node] += raw.link_chars
    total = sum(len(raw.text) for raw in raws)
    small = {n for raw in raws for n in raw.frame.named if letters[n] < WRAPPER_SHARE * total}
    comments = {n for raw in raws for n in raw.frame.comments}
    # A comment section can hold most of a page's text; it names comments unless the
    # article lies inside it (<body class="comments-open">): then only smaller ones do.
    score = _votes(raws, comments, letters, links)
    if not score or max(score.values()) < MIN_MAIN_SCORE:
        score = _votes(raws, comments & small, letters, links)
    top = max(score, key=lambda node: score[node], default=None)
    if top is None or score[top] < MIN_MAIN_SCORE:
        return set(), small
    main = {top} | {
        node
        for node, s in score.items()
        if parent.get(node) == parent.get(top) and s >= SIBLING_SHARE * score[top]
    }
    return main, (small | comments) - _wrappers(raws, main)


def _votes(
    raws: list[_Raw], comments: set[int], letters: dict[int, int], links: dict[int, int]
) -> dict[int, float]:
    """Each container's readability score; blocks inside `comments` do not vote."""
    votes: dict[int, float] = defaultdict(float)
    for raw in raws:
        path = raw.frame.path
        if (
            len(raw.text) < PROSE_MIN_CHARS
            or raw.frame.context
            or comments.intersection(raw.frame.comments)
            or _link_density(raw) >= 0.5
        ):
            continue
        vote = 1 + min(3, len(_CLAUSE.findall(raw.text))) + min(3, len(raw.text) / 100)
        own = path[:-1] if raw.frame.element in PARAGRAPH_TAGS and len(path) > 1 else path
        votes[own[-1]] += vote
        if len(own) > 1:
            votes[own[-2]] += vote / 2
    return {
        node: v * (1 - min(1.0, links[node] / max(1, letters[node]))) for node, v in votes.items()
    }


def _wrappers(raws: list[_Raw], main: set[int]) -> set[int]:
    """The main container and the elements around it."""
    wrappers: set[int] = set()
    for raw in raws:
        path = raw.frame.path
        for depth, node in enumerate(path):
            if node in main:
                wrappers.update(path[: depth + 1])
                break
    return wrappers


def _block(raw: _Raw, main: set[int], named: set[int]) -> Block:
    frame = raw.frame
    words = [frame.context or frame.element]
    if named.intersection(frame.named):
        words.append("named")
    if main and not main.intersection(frame.path):
        words.append("outside")
    return Block(raw.text, tag=" ".join(words), link_density=round(_link_density(raw), 3))


_META_KEYS = {
    "og:title",
    "og:site_name",
    "og:url",
    "article:published_time",
    "article:modified_time",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
    "last-modified",
    "author",
}


def html_meta(tree: LexborHTMLParser) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        meta["title"] = clean_line(title.text())
    for node in tree.css("meta"):
        key = (node.attributes.get("property") or node.attributes.get("name") or "").lower()
        value = node.attributes.get("content")
        if key in _META_KEYS and value and key not in meta:
            meta[key] = clean_line(value)
    html = tree.css_first("html")
    if html is not None and html.attributes.get("lang"):
        meta["lang"] = html.attributes["lang"] or ""
    canonical = tree.css_first("link[rel=canonical]")
    if canonical is not None and canonical.attributes.get("href"):
        meta["canonical"] = canonical.attributes["href"] or ""
    return meta
