"""Bytes to text, and text to blocks.

Encodings are detected, never assumed: a BOM, then strict UTF-8 (cheap and nearly
never a false positive on legacy CJK bytes), then the charset the page or the
transport declares, then charset-normalizer. HTML becomes one block per block-level
element, remembering whether it sat in nav/header/footer/aside and how much of it
was link text: the features the chrome classifier needs.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer
from selectolax.lexbor import LexborHTMLParser, LexborNode

from indexer.model import Block, Page, RawRecord

MAX_TEXT_CHARS = 1_000_000  # analysis cap per document (DESIGN-NOTES: cost bounds)
_MAX_BLOCK_CHARS = 20_000

# WHATWG maps these labels to supersets; decoding with the narrow codec loses characters.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "tis-620": "cp874",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u200b\ufeff]+")

# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu",
    "nav", "ol", "option", "p", "pre", "section", "select", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul", "legend",
})
CONTEXT_TAGS = frozenset({"nav", "header", "footer", "aside"})
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "iframe", "head", "object", "canvas",
    "-comment", "button", "input", "textarea", "math", "title",
})
# fmt: on


class DecodeError(Exception):
    """The bytes are not text in any encoding we can recognise."""


def decode(raw: RawRecord) -> Page:
    if isinstance(raw.data, str):
        text, encoding = raw.data, "utf-8"
    else:
        declared = raw.charset or (_meta_charset(raw.data) if raw.kind == "html" else None)
        text, encoding = decode_bytes(raw.data, declared)
    truncated = len(text) > MAX_TEXT_CHARS
    text = text[:MAX_TEXT_CHARS]
    if raw.kind == "html":
        blocks, meta = html_blocks(text)
    else:
        blocks, meta = text_blocks(text), {}
    return Page(
        record=raw, blocks=tuple(blocks), encoding=encoding, html_meta=meta, truncated=truncated
    )


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Text and the encoding it was read as; DecodeError for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace")), encoding
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        encoding = _codec(declared)
        if encoding:
            try:
                return _checked(data.decode(encoding)), encoding
            except UnicodeDecodeError:
                pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise DecodeError("binary content: no text encoding fits")
    encoding = _codec(best.encoding) or best.encoding
    return _checked(data.decode(encoding, errors="replace")), encoding


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "ignore") if match else None


def _checked(text: str) -> str:
    sample = text[:100_000]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise DecodeError("binary content: too many control characters")
    return text


def clean_line(text: str) -> str:
    """Collapse runs of spaces (incl. no-break and ideographic spaces) and drop controls."""
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def text_blocks(text: str) -> list[Block]:
    text = unicodedata.normalize("NFC", text)
    return [Block(line[:_MAX_BLOCK_CHARS]) for line in map(clean_line, text.splitlines()) if line]


@dataclass
class _Buffer:
    """Text accumulated for the block being built, and how much of it was link text."""

    parts: list[str]
    link_chars: int = 0


def html_blocks(html: str) -> tuple[list[Block], dict[str, str]]:
    tree = LexborHTMLParser(html)
    meta = _html_meta(tree)
    blocks: list[Block] = []
    root = tree.body or tree.root
    if root is not None:
        _walk(root, blocks)
    return blocks, meta


def _walk(root: LexborNode, blocks: list[Block]) -> None:
    # Iterative, so deeply nested pages cannot hit Python's recursion limit.
    buffer = _Buffer([])
    stack: list[tuple[LexborNode | None, str, int]] = [(root, "div", 0)]
    while stack:
        node, context, in_link = stack.pop()
        if node is None:  # end of a block element: close what it held
            _flush(buffer, context, blocks)
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
            _flush(buffer, context, blocks)
            continue
        child_context, child_link = context, in_link or tag == "a"
        if tag in BLOCK_TAGS:
            _flush(buffer, context, blocks)
            if tag in CONTEXT_TAGS or context not in CONTEXT_TAGS:
                child_context = tag
            stack.append((None, child_context, 0))
        children = list(node.iter(include_text=True))
        stack.extend((child, child_context, child_link) for child in reversed(children))


def _flush(buffer: _Buffer, tag: str, blocks: list[Block]) -> None:
    text = clean_line(unicodedata.normalize("NFC", "".join(buffer.parts)))
    if text:
        density = min(1.0, buffer.link_chars / max(1, len(text.replace(" ", ""))))
        blocks.append(Block(text[:_MAX_BLOCK_CHARS], tag=tag, link_density=round(density, 3)))
    buffer.parts.clear()
    buffer.link_chars = 0


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


def _html_meta(tree: LexborHTMLParser) -> dict[str, str]:
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
