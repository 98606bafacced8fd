"""What a search returns: plain data, rendered as HTML by the web pages and as JSON by
the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

SORTS = ("relevance", "date")
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class SearchRequest:
    """A search as the user asked for it; filters are OR within a field, AND across fields."""

    q: str = ""
    lang: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        if self.page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        for year in self.year:
            if not (len(year) == 4 and year.isdigit()):
                raise ValueError(f"year must be four digits, not {year!r}")

    def filters(self) -> dict[str, tuple[str, ...]]:
        return {"source": self.source, "lang": self.lang, "year": self.year}


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    url: str | None
    source: str
    lang: str
    date: str | None
    date_kind: str | None
    score: float
    snippet: str  # HTML: matches in <mark>, everything else escaped


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    values: tuple[FacetValue, ...]
    others: int = 0  # values left out of `values` to keep the list short


@dataclass(frozen=True)
class Results:
    request: SearchRequest
    parsed_query: str
    total: int
    took_ms: float
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()  # what the reading of the query changed or cut short

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))
