"""Facet counts (source, language, year) and the filters they toggle, disjunctively.

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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from search.results import DateRange, Facet, FacetValue
from search.schema import FACET_FIELDS

TOP_VALUES = 20


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
        """A lookup table: code -> whether its value is one of `wanted`."""
        wanted = set(wanted)
        return np.array([value in wanted for value in self.values[name]], dtype=bool)


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
) -> Faceted:
    """Filter the matching documents and count every facet disjunctively."""
    docs = np.asarray(matched if isinstance(matched, np.ndarray) else sorted(matched))
    docs = docs.astype(np.int64, copy=False)
    if dates:
        in_range = np.array([day in dates for day in columns.values["date"]], dtype=bool)
        docs = docs[in_range[columns.codes["date"][docs]]] if len(in_range) else docs[:0]
    # Per selected facet, which documents its own filter lets through.
    passing = {
        name: columns.allowed(name, values)[columns.codes[name][docs]]
        for name, values in selected.items()
        if values
    }
    facets = []
    for name in FACET_FIELDS:
        base = docs
        others = [ok for other, ok in passing.items() if other != name]
        if others:
            base = docs[np.logical_and.reduce(others)]
        counts = np.bincount(columns.codes[name][base], minlength=len(columns.values[name]))
        values = {columns.values[name][code]: int(counts[code]) for code in np.flatnonzero(counts)}
        facets.append(_facet(name, values, tuple(selected.get(name, ())), top))
    hits = docs[np.logical_and.reduce(list(passing.values()))] if passing else docs
    return Faceted(hits, tuple(facets))


def _facet(name: str, counts: dict[str, int], selected: tuple[str, ...], top: int) -> Facet:
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
        values=tuple(FacetValue(v, counts[v], v in selected) for v in shown),
        others=len(counts) - len(shown),
    )
