"""Bytes to text, and text to blocks.

Encodings are detected, never assumed: a BOM, then strict UTF-8 (cheap and nearly
never a false positive on legacy CJK bytes), then the charset the page or the
transport declares, then charset-normalizer. A text file becomes one block per line;
HTML becomes one block per block-level element, with what its structure says (`html`).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

from indexer.html import clean_line, html_blocks
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


def text_blocks(text: str) -> list[Block]:
    text = unicodedata.normalize("NFC", text)
    return [Block(line[:_MAX_BLOCK_CHARS]) for line in map(clean_line, text.splitlines()) if line]
