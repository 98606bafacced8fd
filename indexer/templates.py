"""Template lines learned across a source: a line on many pages of one site is its chrome.

As C4 and CCNet do across a crawl: lines are normalised (lower case, digits -> 0, spaces
collapsed) and hashed, and a first streaming pass counts, per source (the URL's host, else
the file's folder), on how many distinct pages each line occurs. A line is template when it
occurs on at least MIN_PAGES pages and MIN_SHARE of the source's pages. Pages count once per
distinct body, so two syndicated copies of one article never make its sentences template,
and a source of one or two pages never has any. Only hashes are kept, never the text.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.metadata import host_of
from search.template_lines import line_hash
from search.template_lines import normalise as normalise  # re-exported for callers here

MIN_PAGES = 3
MIN_SHARE = 0.3  # of the source's distinct pages


def hashes(lines: Iterable[str]) -> list[int]:
    """The hashes of a page's non-blank lines, in order (what `Counts` counts)."""
    return [line_hash(line) for line in lines if line.strip()]


def source_key(url: str | None, root: str, relpath: str) -> str:
    """The URL's host, else the folder the file sits in under its root."""
    host = host_of(url)
    if host:
        return host
    return f"{root}/{posixpath.dirname(relpath)}"


@dataclass
class Counts:
    """Per source: distinct pages seen, and on how many of them each line hash occurs."""

    pages: Counter[str] = field(default_factory=Counter)
    lines: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    _bodies: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, source: str, lines: Iterable[str]) -> None:
        self.add_hashes(source, hashes(lines))

    def add_hashes(self, source: str, hashes: list[int]) -> None:
        """A page given by its line hashes (computed where the page was decoded)."""
        body = hash(tuple(hashes))
        if not hashes or body in self._bodies[source]:
            return  # an exact copy (a syndicated article, a re-crawl) is the same page
        self._bodies[source].add(body)
        self.pages[source] += 1
        self.lines[source].update(set(hashes))

    def learned(self) -> dict[str, frozenset[int]]:
        """source -> hashes of its template lines (sources without any are left out)."""
        result = {}
        for source, counts in self.lines.items():
            needed = max(MIN_PAGES, MIN_SHARE * self.pages[source])
            found = frozenset(h for h, n in counts.items() if n >= needed)
            if found:
                result[source] = found
        return result
