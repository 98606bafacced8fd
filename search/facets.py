"""Facet counts (source, language, year) and the filters they toggle, disjunctively.

Within a facet the selected values are ORed, and facets are ANDed with each other and
with the date range. Each facet's counts are taken with every filter except its own
(disjunctive faceting, as Algolia does and Elasticsearch users build with
`post_filter`): the other values of a facet stay visible with the number of pages a
click would add, and a facet's selected counts add up to the hits.

Not Whoosh's `groupedby`, which collects and sorts every hit (TRAPS.md). Instead the
matching document numbers are collected once, unscored, and each filter combination is
counted from per-document value codes read once per index reader from the sortable
columns: counting is then C-speed `map`/`Counter`/set work on small integers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress

from whoosh.reading import IndexReader

from search.results import DateRange, Facet, FacetValue
from search.schema import FACET_FIELDS

TOP_VALUES = 20


class FacetColumns:
    """Each facet field's value per document as a small integer code, read once per index
    reader (a few ms per thousand documents) and shared by every search on that reader."""

    def __init__(self, reader: IndexReader, fields: Sequence[str] = (*FACET_FIELDS, "date")):
        self.values: dict[str, list[str]] = {}  # field -> code -> value
        self.codes: dict[str, list[int]] = {}  # field -> docnum -> code
        self._ranks: dict[str, list[int]] = {}
        for name in fields:
            index: dict[str, int] = {}
            codes: list[int] = []
            # Segment by segment: a MultiReader's column skips the segments that have no
            # value in the field at all, which would shift every later document.
            for segment, _ in reader.leaf_readers():
                codes.extend(index.setdefault(v, len(index)) for v in segment.column_reader(name))
            self.codes[name] = codes
            self.values[name] = list(index)

    def ranks(self, name: str) -> list[int]:
        """Per document, the rank of its value in text order; -1 where it has none."""
        if name not in self._ranks:
            order = sorted(v for v in self.values[name] if v)
            rank = {v: i for i, v in enumerate(order)}
            by_code = [rank.get(v, -1) for v in self.values[name]]
            self._ranks[name] = [by_code[c] for c in self.codes[name]]
        return self._ranks[name]

    def codes_of(self, name: str, wanted: Iterable[str]) -> set[int]:
        wanted = set(wanted)
        return {code for code, value in enumerate(self.values[name]) if value in wanted}


@dataclass(frozen=True)
class Faceted:
    docs: set[int]  # the documents that pass every filter: the hits
    facets: tuple[Facet, ...]


def facet(
    columns: FacetColumns,
    matched: Iterable[int],
    selected: Mapping[str, Sequence[str]],
    dates: DateRange | None = None,
    top: int = TOP_VALUES,
) -> Faceted:
    """Filter the matching documents and count every facet disjunctively."""
    docs = list(matched)
    if dates:
        in_range = {c for c, day in enumerate(columns.values["date"]) if day in dates}
        docs = _where(columns.codes["date"], in_range, docs)
    # Per selected facet, the documents its own filter lets through.
    passing = {
        name: set(_where(columns.codes[name], columns.codes_of(name, values), docs))
        for name, values in selected.items()
        if values
    }
    facets = []
    for name in FACET_FIELDS:
        by_others = [ok for other, ok in passing.items() if other != name]
        base = set.intersection(*by_others) if by_others else docs
        counts = Counter(map(columns.codes[name].__getitem__, base))
        values = {columns.values[name][code]: n for code, n in counts.items()}
        facets.append(_facet(name, values, tuple(selected.get(name, ())), top))
    hits = set.intersection(*passing.values()) if passing else set(docs)
    return Faceted(hits, tuple(facets))


def _where(codes: list[int], wanted: set[int], docs: list[int]) -> list[int]:
    """The docs whose code is wanted, without a Python-level loop."""
    return list(compress(docs, map(wanted.__contains__, map(codes.__getitem__, docs))))


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
