"""The one index schema, shared by the indexer (writes) and the engine (reads).

Body and title go into a field per language family (`body_en`, `body_zh`, ...), each
with its family's analyzer, as Solr's langid field mapping does: a query has a
script, not a language, so it is parsed against every family field with that
field's own analyzer (DESIGN-NOTES.md). Everything shown is stored once in plain
stored fields; the per-family fields are indexed only.
"""

from __future__ import annotations

import struct
from pathlib import Path

from whoosh.analysis import RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Positions

from search.analysis import FAMILIES, analyzer_for, family_for

# Bumped whenever analysis or fields change: an index built by another version is rebuilt
# by `sifter index` (tokens from two analyzers would never match each other).
# 5: positions stored as arrays of 32-bit integers (ArrayPositions).
# 6: `site` (host suffixes), `chrome_<family>` (the removed chrome, searchable with
#    in:chrome) and `template` (normalised chrome lines, for the template facet).
# 7: `origin` (offset, length and sha256 of a record's bytes in its file).
# 8: `template_hashes` (a column: the hashes of a page's template lines, for the facet);
#    lines with fewer than 3 letters are no longer template lines.
SCHEMA_VERSION = 8
VERSION_FILE = "sifter-schema-version"
TITLE_BOOST = 2.0
FACET_FIELDS = ("source", "lang", "year", "host")  # one value per document, from a column


def body_field(family: str) -> str:
    return f"body_{family}"


def title_field(family: str) -> str:
    return f"title_{family}"


def chrome_field(family: str) -> str:
    return f"chrome_{family}"


def text_fields_for(lang: str) -> tuple[str, str]:
    """(title field, body field) a document in `lang` is indexed into."""
    family = family_for(lang)
    return title_field(family), body_field(family)


class ArrayPositions(Positions):
    """Whoosh's Positions format, but each posting's positions stored as little-endian
    32-bit integers instead of a pickled list of deltas: search.postings decodes the
    positions of thousands of postings with one NumPy call (phrase queries), where the
    pickles took ~5 µs each. Blocks are zlib-compressed, which absorbs the zero bytes."""

    def encode(self, poslist: list[int]) -> bytes:
        return struct.pack(f"<{len(poslist)}I", *poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(struct.unpack(f"<{len(valuestring) // 4}I", valuestring))

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4


class AnalysedText(TEXT):
    """TEXT whose positions (with phrase=True) are `ArrayPositions`. (The name is kept:
    the schema is pickled into every index's table of contents.)"""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if type(self.format) is Positions:
            self.format = ArrayPositions(field_boost=self.format.field_boost)


class _InliningPostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        # Whoosh 2.7.4 calls `terminfo.set_inline`, which does not exist (it is
        # `set_inlined`), and compares with `<`: its inlining never runs.
        if not self.written() and len(self) <= self._inlinelimit:
            terminfo = self._terminfo
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


class InliningCodec(W3Codec):
    """Whoosh's codec, but a term found in a single document keeps its posting in its
    term info instead of a postings block of its own (as Whoosh means to and every
    reader, ours included, understands). Most terms of a multilingual corpus are such:
    writing a segment took ~25% less time, and the index is ~10% smaller."""

    def __init__(self) -> None:
        super().__init__(inlinelimit=1)

    def postings_writer(self, dbfile, byteids=False):
        return _InliningPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


def build_schema() -> Schema:
    schema = Schema(
        id=ID(stored=True, unique=True, sortable=True),
        file=ID(stored=True, sortable=True),  # absolute path of the file the record came from
        root=STORED(),
        path=STORED(),  # path relative to the corpus root
        record=STORED(),
        url=STORED(),
        host=ID(stored=True, sortable=True),
        site=KEYWORD(),  # every suffix of the host (search.sites), for site:
        source=ID(stored=True, sortable=True),
        lang=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),  # ISO date, the best known kind
        date_kind=STORED(),
        simhash=ID(stored=True, sortable=True),  # near-duplicate fingerprint, 16 hex digits
        dup_group=ID(stored=True, sortable=True),  # smallest id among its near duplicates
        dates=STORED(),
        title=STORED(),
        body=STORED(),
        chrome=STORED(),
        # One term per normalised chrome line (search.template_lines.normalise), one line each.
        template=TEXT(analyzer=RegexTokenizer(r"[^\n]+"), phrase=False),
        # The same lines' 64-bit hashes (search.template_lines.line_hash), little-endian, packed.
        template_hashes=COLUMN(VarBytesColumn()),
        script=STORED(),
        lang_confidence=STORED(),
        lang_mix=STORED(),
        repairs=STORED(),
        encoding=STORED(),
        fingerprint=ID(stored=True, sortable=True),  # size:mtime:content hash of its file
        external_id=STORED(),
        truncated=STORED(),
        origin=STORED(),  # {"offset", "length", "sha256"}: indexer.model.Origin
    )
    for family in FAMILIES:
        analyzer = analyzer_for(family)
        schema.add(
            title_field(family),
            AnalysedText(analyzer=analyzer, phrase=True, field_boost=TITLE_BOOST),
        )
        schema.add(body_field(family), AnalysedText(analyzer=analyzer, phrase=True))
        schema.add(chrome_field(family), AnalysedText(analyzer=analyzer, phrase=True))
    return schema


def index_version(index_dir: Path) -> int | None:
    """The schema version an index was built with, None for an index without one."""
    try:
        return int((index_dir / VERSION_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
