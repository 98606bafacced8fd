"""Facet counts (source, language, year, host, template line) and the filters they toggle,
disjunctively.

Within a facet the selected values are ORed, and facets are ANDed with each other and
with the date range. Each facet's counts are taken with every filter except its own
(disjunctive faceting, as Algolia does and Elasticsearch users build with
`post_filter`): the other values of a facet stay visible with the number of pages a
click would add, and a facet's selected counts add up to the hits.

Not Whoosh's `groupedby`, which collects and sorts every hit (TRAPS.md). Instead the
matching document numbers come as one NumPy array (search.postings), and each facet
field's value per document is a small integer code read once per index reader from its
column: a filter is a lookup table indexed by those codes, and a facet's counts are one
`bincount`, whatever the number of hits.

The host filter takes a host with its subdomains (`example.org` lets `www.example.org` and
`a.b.example.org` through, never `example.org.evil.com`), as `site:` does. The template
facet is different in kind: a page carries many chrome lines, and a line counts by the
number of sources (credited publishers) whose matching pages carry it, so the lines one
site repeats on every page stay out and a template shared across sites (a spam network's)
stands out; only lines of MIN_SOURCES sources or more are offered (TemplateLines).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from whoosh.reading import IndexReader

from search import sites
from search.results import DateRange, Facet, FacetValue
from search.schema import FACET_FIELDS
from search.template_lines import line_hash
from search.template_lines import normalise as templates_normalise

TOP_VALUES = 20
MIN_SOURCES = 2  # a template line is offered when pages of this many sources carry it
TEMPLATE = "template"  # the indexed field and the facet of normalised chrome lines
HASHES = "template_hashes"  # the column of each page's template line hashes


class FacetColumns:
    """Each facet field's value per document as a small integer code, read once per index
    reader (a few ms per 100,000 documents) and shared by every search on that reader."""

    def __init__(self, reader: IndexReader, fields: Sequence[str] = (*FACET_FIELDS, "date")):
        self.values: dict[str, list[str]] = {}  # field -> code -> value
        self.codes: dict[str, np.ndarray] = {}  # field -> docnum -> code
        self._ranks: dict[str, np.ndarray] = {}
        for name in fields:
            index: dict[bytes, int] = {}
            parts = []
            # Segment by segment: a MultiReader's column skips the segments that have no
            # value in the field at all, which would shift every later document.
            for segment, _ in reader.leaf_readers():
                raw = _raw_values(segment, name)
                codes = np.fromiter(
                    (index.setdefault(v, len(index)) for v in raw), dtype=np.int32, count=len(raw)
                )
                parts.append(codes)
            self.codes[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
            self.values[name] = [v.decode("utf-8") for v in index]

    def ranks(self, name: str) -> np.ndarray:
        """Per document, the rank of its value in text order; -1 where it has none."""
        if name not in self._ranks:
            order = sorted(v for v in self.values[name] if v)
            rank = {v: i for i, v in enumerate(order)}
            by_code = np.array([rank.get(v, -1) for v in self.values[name]], dtype=np.int64)
            self._ranks[name] = by_code[self.codes[name]] if len(by_code) else by_code
        return self._ranks[name]

    def allowed(self, name: str, wanted: Iterable[str]) -> np.ndarray:
        """A lookup table: code -> whether its value is one of `wanted` (for the host: one of
        them or a subdomain of one)."""
        wanted = set(wanted)
        if name == "host":
            wanted = {sites.normalise(w) for w in wanted}
            return np.array(
                [
                    bool(value) and not wanted.isdisjoint(sites.suffixes(value))
                    for value in self.values[name]
                ],
                dtype=bool,
            )
        return np.array([value in wanted for value in self.values[name]], dtype=bool)


class TemplateLines:
    """The chrome lines that pages of at least MIN_SOURCES sources carry, as (document, line)
    pairs, read once per index version from the `template_hashes` column (each page's
    normalised chrome lines as 64-bit hashes, indexer.write): one column read and a few
    array operations, where walking the `template` field's terms took seconds for a few
    hundred pages. A search then counts each line's sources among its hits the same way,
    and only the lines it shows are turned back into text (from a page that carries one)."""

    def __init__(self, reader: IndexReader, sources: np.ndarray) -> None:
        self.sources = sources  # docnum -> source code (FacetColumns.codes["source"])
        self._texts: dict[int, str] = {}  # line code -> its normalised text, when shown
        values = [v for segment, _ in reader.leaf_readers() for v in _raw_values(segment, HASHES)]
        lengths = np.fromiter((len(v) // 8 for v in values), dtype=np.int64, count=len(values))
        hashes = np.frombuffer(b"".join(values), dtype="<u8")
        docs = np.repeat(np.arange(len(values), dtype=np.int64), lengths)
        # Lines of two sources or more: unique (line, source) pairs, counted per line.
        self.hashes, codes = np.unique(hashes, return_inverse=True)
        codes = codes.astype(np.int64).reshape(-1)
        width = int(sources.max()) + 1 if len(sources) else 1
        pairs = np.unique(codes * width + sources[docs]) if len(docs) else codes
        shared = np.bincount(pairs // width, minlength=len(self.hashes)) >= MIN_SOURCES
        keep = shared[codes] if len(codes) else codes.astype(bool)
        self.pair_docs, self.pair_lines = docs[keep], codes[keep]
        self._width = width

    @staticmethod
    def docs_with(reader: IndexReader, wanted: Iterable[str]) -> np.ndarray:
        """The documents that carry any of the lines (normalised as the index holds them),
        ascending; any line at all, not only those offered as shared."""
        found = [
            np.fromiter(reader.postings(TEMPLATE, line).all_ids(), dtype=np.int64)
            for line in {templates_normalise(w) for w in wanted}
            if line and reader.doc_frequency(TEMPLATE, line)
        ]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def count(
        self, reader: IndexReader, docs: np.ndarray, top: int
    ) -> tuple[dict[str, int], dict[str, int], int]:
        """The `top` shared lines most carried among `docs`: (sources, pages) per line text,
        and how many more lines were left out."""
        if not len(self.pair_docs) or not len(docs):
            return {}, {}, 0
        among = np.zeros(len(self.sources), dtype=bool)
        among[docs] = True
        keep = among[self.pair_docs]
        lines, docnums = self.pair_lines[keep], self.pair_docs[keep]
        pages = np.bincount(lines, minlength=len(self.hashes))
        pairs = np.unique(lines * self._width + self.sources[docnums])
        sources = np.bincount(pairs // self._width, minlength=len(self.hashes))
        shown = np.flatnonzero(sources >= MIN_SOURCES)
        order = np.lexsort((-pages[shown], -sources[shown]))  # most sources, then pages
        best = shown[order[:top]]
        texts = {code: self._text(reader, code, docnums[lines == code][0]) for code in best}
        return (
            {texts[code]: int(sources[code]) for code in best},
            {texts[code]: int(pages[code]) for code in best},
            len(shown) - len(best),
        )

    def _text(self, reader: IndexReader, code: int, docnum: int) -> str:
        """A line's normalised text, found among the stored chrome of a page carrying it."""
        if code not in self._texts:
            wanted = int(self.hashes[code])
            chrome = reader.stored_fields(int(docnum)).get("chrome") or ()
            lines = (templates_normalise(line) for line in chrome)
            self._texts[code] = next((n for n in lines if line_hash(n) == wanted), "")
        return self._texts[code]


def _raw_values(segment, name: str) -> list[bytes]:
    """The column's value (bytes, b"" for none) of every document of one segment."""
    count = segment.doc_count_all()
    if not segment.has_column(name):
        return [b""] * count
    column = segment.column_reader(name, translate=False)
    lengths, offsets = getattr(column, "_lengths", None), getattr(column, "_offsets", None)
    if lengths is None or offsets is None or len(lengths) != count:
        return list(column)  # not a VarBytes column: Whoosh's own (slower) iteration
    # A VarBytes column is its values back to back, then their lengths: one read.
    data = column._dbfile.get(column._basepos, offsets[-1] + lengths[-1] if count else 0)
    return [data[o : o + n] for o, n in zip(offsets, lengths, strict=True)]


@dataclass(frozen=True)
class Faceted:
    docs: np.ndarray  # the documents that pass every filter (the hits), ascending
    facets: tuple[Facet, ...]


def facet(
    columns: FacetColumns,
    matched: Iterable[int] | np.ndarray,
    selected: Mapping[str, Sequence[str]],
    dates: DateRange | None = None,
    top: int = TOP_VALUES,
    lines: TemplateLines | None = None,
    reader: IndexReader | None = None,
) -> Faceted:
    """Filter the matching documents and count every facet disjunctively (the template
    facet too when `lines` is given; a template filter needs the `reader`)."""
    docs = np.asarray(matched if isinstance(matched, np.ndarray) else sorted(matched))
    docs = docs.astype(np.int64, copy=False)
    if dates:
        in_range = np.array([day in dates for day in columns.values["date"]], dtype=bool)
        docs = docs[in_range[columns.codes["date"][docs]]] if len(in_range) else docs[:0]
    # Per selected facet, which documents its own filter lets through.
    passing = {}
    for name, values in selected.items():
        if not values:
            continue
        if name == TEMPLATE:
            carrying = TemplateLines.docs_with(reader, values) if reader else docs[:0]
            passing[name] = np.isin(docs, carrying, assume_unique=True)
        else:
            passing[name] = columns.allowed(name, values)[columns.codes[name][docs]]

    def base_for(name: str) -> np.ndarray:
        others = [ok for other, ok in passing.items() if other != name]
        return docs[np.logical_and.reduce(others)] if others else docs

    facets = []
    for name in FACET_FIELDS:
        base = base_for(name)
        counts = np.bincount(columns.codes[name][base], minlength=len(columns.values[name]))
        values = {columns.values[name][code]: int(counts[code]) for code in np.flatnonzero(counts)}
        facets.append(_facet(name, values, tuple(selected.get(name, ())), top))
    if lines is not None:
        sources, pages, left_out = lines.count(reader, base_for(TEMPLATE), top)
        chosen = tuple(templates_normalise(v) for v in selected.get(TEMPLATE, ()))
        found = _facet(TEMPLATE, sources, chosen, top, pages)
        facets.append(replace(found, others=found.others + left_out))
    hits = docs[np.logical_and.reduce(list(passing.values()))] if passing else docs
    return Faceted(hits, tuple(facets))


def _facet(
    name: str,
    counts: dict[str, int],
    selected: tuple[str, ...],
    top: int,
    pages: dict[str, int] | None = None,
) -> Facet:
    counts = {value: n for value, n in counts.items() if value}  # "" is "no value"
    for value in selected:  # a selected value stays visible (and removable) at count 0
        counts.setdefault(value, 0)
    by_count = sorted(counts, key=lambda v: (v not in selected, -counts[v], v))
    shown = by_count[: max(top, len(selected))]
    if name == "year":
        shown.sort(reverse=True)  # newest first, as a timeline reads
    else:
        shown.sort(key=lambda v: (-counts[v], v))
    return Facet(
        name=name,
        values=tuple(
            FacetValue(v, counts[v], v in selected, None if pages is None else pages.get(v, 0))
            for v in shown
        ),
        others=len(counts) - len(shown),
    )
