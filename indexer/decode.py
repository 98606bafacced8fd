"""Bytes to text, and text to blocks.

Encodings are detected, never assumed: a BOM, UTF-16 by its zero bytes, then strict
UTF-8 (cheap and nearly never a false positive on legacy CJK bytes), then the charset
the page or the transport declares, then UTF-8 with a few broken bytes, then
charset-normalizer. A text file becomes one block per line;
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
    utf16 = _utf16_without_bom(data)  # before UTF-8: ASCII in UTF-16 is valid UTF-8 too
    if utf16:
        return _checked(data.decode(utf16)), utf16
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
    encoding = _mostly_utf8(data) or _detected(data)
    return _checked(data.decode(encoding, errors="replace")), encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: text in Latin or CJK scripts puts zero bytes, or the same
    high byte, at every other position; no 8-bit encoding does that."""
    sample = data[:4096]
    if len(sample) < 32 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for encoding, high in (("utf-16-le", odd), ("utf-16-be", even)):
        if high.count(0) > 0.3 * len(high) or _repeats(high) > 0.5 * len(high):
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return encoding
    return None


def _repeats(high_bytes: bytes) -> int:
    """How many high bytes share the commonest value (one script's block, e.g. 0x4e-0x9f)."""
    return max((high_bytes.count(b) for b in set(high_bytes)), default=0)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken sequences (a truncated or spliced page) stays UTF-8, its
    bad bytes replaced, instead of being re-read whole as some 8-bit encoding."""
    non_ascii = sum(1 for byte in data[:200_000] if byte > 0x7F)
    if not non_ascii:
        return None
    replaced = data[:200_000].decode("utf-8", errors="replace").count("\ufffd")
    return "utf-8" if replaced <= 0.05 * non_ascii else None


# The common core of each CJK superset: text decoded with the wrong CJK encoding is full
# of rare characters from outside it (GBK bytes read as Korean give 췽 뵨 놜).
_CORE = {
    "gb18030": "gb2312",
    "cp949": "euc_kr",
    "big5": "big5",
    "big5hkscs": "big5",
    "cp932": "shift_jis",
    "euc_jis_2004": "euc_jp",
    "shift_jis_2004": "shift_jis",
}
# On a remaining tie, the web's default for Western pages (WHATWG) and then Chinese win.
_PREFERRED = ("cp1252", "gb18030")


def _detected(data: bytes) -> str:
    results = charset_normalizer.from_bytes(data[:200_000])
    best = results.best()
    if best is None:
        raise DecodeError("binary content: no text encoding fits")
    tied = [m for m in results if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    sample = data[:20_000]
    chosen = max(
        tied,
        key=lambda m: (
            _common_share(sample, m.encoding),
            m.encoding in _PREFERRED,
            -_PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else 0,
        ),
    )
    return _codec(chosen.encoding) or chosen.encoding


def _common_share(data: bytes, encoding: str) -> float:
    """Share of the non-ASCII characters that the encoding's common core also has."""
    core = _CORE.get(encoding)
    if core is None:
        return 1.0
    chars = [c for c in data.decode(encoding, errors="ignore") if ord(c) > 0x7F]
    if not chars:
        return 1.0
    return sum(1 for c in chars if _encodable(c, core)) / len(chars)


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


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
