"""What a search returns: plain data, rendered as HTML by the web pages and as JSON by
the API and the CLI."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from search.cursor import MAX_WINDOW, decode

SORTS = ("relevance", "date")
SCOPES = ("body", "chrome")  # what the words are searched in: the page, or its removed chrome
MAX_PER_PAGE = 100


class InvalidRequest(ValueError):
    """A request whose parameters do not go together; `param` names the one to change."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


def check_iso_date(name: str, value: str) -> None:
    """ValueError with a user-facing message unless `value` is a real YYYY-MM-DD date."""
    try:
        valid = len(value) == 10 and bool(datetime.date.fromisoformat(value))
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"{name} must be a date written YYYY-MM-DD, not {value!r}")


@dataclass(frozen=True)
class DateRange:
    """Inclusive ISO dates (YYYY-MM-DD) on the `date` field; either end may be open."""

    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        for name, value in (("date_from", self.start), ("date_to", self.end)):
            if value is not None:
                check_iso_date(name, value)
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"date_from ({self.start}) is after date_to ({self.end})")

    def __bool__(self) -> bool:
        return bool(self.start or self.end)

    def __contains__(self, date: str) -> bool:
        day = date[:10]  # compares as text: ISO dates sort as they read
        if not day:
            return False
        return (not self.start or day >= self.start) and (not self.end or day <= self.end)


@dataclass(frozen=True)
class SearchRequest:
    """A search as the user asked for it; filters are OR within a field, AND across fields
    and with the date range."""

    q: str = ""
    lang: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    host: tuple[str, ...] = ()  # a host and its subdomains (`example.org` ∋ `a.example.org`)
    template: tuple[str, ...] = ()  # normalised chrome lines (indexer.templates.normalise)
    scope: str = "body"  # `in`: "chrome" searches the removed chrome instead of the page
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    collapse: bool = True  # near-duplicate pages shown as one hit with "N similar pages"
    cursor: str | None = None  # the hits after a previous page's last (search.cursor)

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}")
        if self.scope not in SCOPES:
            raise ValueError(f"in must be one of {', '.join(SCOPES)}, not {self.scope!r}")
        if self.page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        for year in self.year:
            if not (len(year) == 4 and year.isascii() and year.isdigit()):
                raise ValueError(f"year must be four digits, not {year!r}")
        self.dates()  # validates date_from and date_to
        if self.cursor is not None:
            decode(self.cursor)  # a malformed token fails here; a stale one in the engine
            if self.page != 1:
                raise InvalidRequest("page", "page and cursor cannot be used together")
        elif self.page * self.per_page > MAX_WINDOW:
            raise InvalidRequest(
                "page", f"pages end at result {MAX_WINDOW:,}: follow next_cursor to page deeper"
            )

    def filters(self) -> dict[str, tuple[str, ...]]:
        return {
            "source": self.source,
            "lang": self.lang,
            "year": self.year,
            "host": self.host,
            "template": self.template,
        }

    def dates(self) -> DateRange:
        return DateRange(self.date_from, self.date_to)


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
    offsets: tuple[tuple[int, int], ...] = ()  # matches, code points in the snippet's text
    body_offsets: tuple[tuple[int, int], ...] = ()  # the same matches in the whole body
    group: str = ""  # near-duplicate group: the smallest id among the page's near duplicates
    similar: int = 0  # other matching pages in its group (folded into this hit when collapsed)
    similar_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int  # pages; for the template facet, sources (sites sharing the line)
    selected: bool
    pages: int | None = None  # the template facet: pages carrying the line


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
    suggestion: str | None = None  # a corrected query when this one finds (almost) nothing
    notes: tuple[str, ...] = ()  # what the reading of the query changed or cut short
    rows: int | None = None  # results after collapsing near duplicates; None: as total
    matching: str = "all"  # "all" words matched, or "relaxed": most of them (search/relax.py)
    scope: str = "body"  # what the words were searched in (`in:chrome` in the query counts)
    next_cursor: str | None = None  # the hits after this page (None: this is the last)
    offset: int | None = None  # result rows before this page; None: as its page number says
    partial: bool = False  # the time limit cut the search short; `notes` say what was left out

    @property
    def page(self) -> int:
        """The page number (a cursor's page counts in whole pages of `per_page`)."""
        if self.offset is None:
            return self.request.page
        return self.offset // self.request.per_page + 1

    @property
    def pages(self) -> int:
        rows = self.total if self.rows is None else self.rows
        return max(1, -(-rows // self.request.per_page))
