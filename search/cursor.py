"""Deep paging and whole-set walks in the order of a search's hits.

Numbered pages are cheap near the top and costly deep down (every earlier hit is ranked
again), so past `MAX_WINDOW` results a client follows a cursor instead, as Elasticsearch's
`search_after` does: an opaque token holding the last hit's sort key and document number,
valid for one state of the index and one request. The next page is then "the hits after
this key", whatever their page number.

The order is the one the engine's pages use (search.postings.top_documents): the primary
key descending (score, or the date's rank with sort=date), the secondary key descending,
then document number ascending; collapsed, each near-duplicate group is represented by
its first document in that order.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

import numpy as np

MAX_WINDOW = 10_000  # page * per_page beyond this needs the cursor


class CursorError(ValueError):
    """A cursor that is malformed, stale or from another request; the message says which."""


@dataclass(frozen=True)
class Cursor:
    index_state: str  # generation folder and Whoosh commit the order was computed on
    request: str  # digest of what defines the hit set and its order
    primary: float
    secondary: float
    docnum: int
    rows: int  # result rows up to and including the last hit (for the page number)


def encode(cursor: Cursor) -> str:
    data = [
        1,
        cursor.index_state,
        cursor.request,
        cursor.primary,
        cursor.secondary,
        cursor.docnum,
        cursor.rows,
    ]
    text = json.dumps(data, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode(token: str) -> Cursor:
    """The cursor in `token`; CursorError when it is not one this engine made."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        version, state, request, primary, secondary, docnum, rows = data
        numbers = (primary, secondary, docnum, rows)
        if (
            version != 1
            or not isinstance(state, str)
            or not isinstance(request, str)
            or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers)
            or not isinstance(docnum, int)
            or not isinstance(rows, int)
            or docnum < 0
            or rows < 1
        ):
            raise ValueError
    except (ValueError, TypeError, UnicodeError):
        raise CursorError(
            "cursor is not valid: pass the next_cursor of a previous response unchanged"
        ) from None
    return Cursor(state, request, float(primary), float(secondary), docnum, rows)


def request_digest(*parts: object) -> str:
    """A short digest of what defines a hit set and its order (query, filters, sort...)."""
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Order:
    """Hits in result order: parallel arrays of document numbers, scores and sort keys."""

    docs: np.ndarray
    scores: np.ndarray
    primary: np.ndarray
    secondary: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)

    def after(self, cursor: Cursor) -> int:
        """The position of the first hit after the cursor's key."""
        p, s, d = self.primary, self.secondary, self.docs
        before = (p > cursor.primary) | (
            (p == cursor.primary)
            & ((s > cursor.secondary) | ((s == cursor.secondary) & (d <= cursor.docnum)))
        )
        # Ordered, so the hits at or before the cursor are exactly a prefix.
        return int(np.count_nonzero(before))


def order(
    docs: np.ndarray,
    scores: np.ndarray,
    newest: np.ndarray,
    by_date: bool,
    groups: np.ndarray | None,
) -> Order:
    """Every hit in result order (only each group's first, with `groups`). A full sort:
    used for cursor pages and exports, where the hits after a point are wanted, not the
    best few."""
    dates = newest[docs].astype(np.float64)
    scores = scores.astype(np.float64)
    primary, secondary = (dates, scores) if by_date else (scores, dates)
    ranked = np.lexsort((docs, -secondary, -primary))
    if groups is not None and len(ranked):
        _, first = np.unique(groups[docs[ranked]], return_index=True)
        ranked = ranked[np.sort(first)]
    return Order(docs[ranked], scores[ranked], primary[ranked], secondary[ranked])
