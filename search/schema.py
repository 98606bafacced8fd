"""The one index schema, shared by the indexer (writes) and the engine (reads).

Body and title go into a field per language family (`body_en`, `body_zh`, ...), each
with its family's analyzer, as Solr's langid field mapping does: a query has a
script, not a language, so it is parsed against every family field with that
field's own analyzer (DESIGN-NOTES.md). Everything shown is stored once in plain
stored fields; the per-family fields are indexed only.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.fields import ID, STORED, TEXT, Schema

from search.analysis import FAMILIES, analyzer_for, family_for

# Bumped whenever analysis or fields change: an index built by another version is rebuilt
# by `sifter index` (tokens from two analyzers would never match each other).
SCHEMA_VERSION = 4
VERSION_FILE = "sifter-schema-version"
TITLE_BOOST = 2.0
FACET_FIELDS = ("source", "lang", "year")


def body_field(family: str) -> str:
    return f"body_{family}"


def title_field(family: str) -> str:
    return f"title_{family}"


def text_fields_for(lang: str) -> tuple[str, str]:
    """(title field, body field) a document in `lang` is indexed into."""
    family = family_for(lang)
    return title_field(family), body_field(family)


class Analysed:
    """A text field's postings computed ahead of the writer, in an indexing worker:
    (term bytes, frequency, weight, encoded positions) per distinct term, exactly what the
    field's own `index()` would make of the text."""

    __slots__ = ("items",)

    def __init__(self, items: list[tuple[bytes, int, float, bytes]]) -> None:
        self.items = items

    def __getstate__(self) -> list:
        return self.items

    def __setstate__(self, items: list) -> None:
        self.items = items


class AnalysedText(TEXT):
    """TEXT that also accepts an `Analysed` value, so the one index writer only files
    postings while worker processes do the (pure Python) analysis."""

    def index(self, value, **kwargs):
        if isinstance(value, Analysed):
            return iter(value.items)
        return super().index(value, **kwargs)


def analyse(schema: Schema, field_name: str, text: str) -> Analysed:
    """The postings of `text` in a text field, for `AnalysedText.index`."""
    return Analysed(list(schema[field_name].index(text)))


def build_schema() -> Schema:
    schema = Schema(
        id=ID(stored=True, unique=True, sortable=True),
        file=ID(stored=True, sortable=True),  # absolute path of the file the record came from
        root=STORED(),
        path=STORED(),  # path relative to the corpus root
        record=STORED(),
        url=STORED(),
        host=ID(stored=True, sortable=True),
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
        script=STORED(),
        lang_confidence=STORED(),
        lang_mix=STORED(),
        repairs=STORED(),
        encoding=STORED(),
        fingerprint=ID(stored=True, sortable=True),  # size:mtime:content hash of its file
        external_id=STORED(),
        truncated=STORED(),
    )
    for family in FAMILIES:
        analyzer = analyzer_for(family)
        schema.add(
            title_field(family),
            AnalysedText(analyzer=analyzer, phrase=True, field_boost=TITLE_BOOST),
        )
        schema.add(body_field(family), AnalysedText(analyzer=analyzer, phrase=True))
    return schema


def index_version(index_dir: Path) -> int | None:
    """The schema version an index was built with, None for an index without one."""
    try:
        return int((index_dir / VERSION_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
