"""Geometry of the hits-per-year histogram, drawn as inline SVG by the search page.

Bars come from the year facet (its counts and toggle URLs), so a bar filters exactly as
the facet's checkbox does. Years between the first and the last are filled in at zero,
so the chart reads as a timeline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SLOT = 40  # SVG units per year
BARS_HEIGHT = 80
LABEL_HEIGHT = 18
TOP = 14  # room for the counts above the bars
MAX_FILLED_SPAN = 60  # years; a wider span shows only the years that have pages


@dataclass(frozen=True)
class Bar:
    year: str
    count: int
    selected: bool
    url: str | None  # None for a filled-in empty year: nothing to filter
    x: float
    y: float
    width: float
    height: float
    label: bool  # whether the year is written under the bar


@dataclass(frozen=True)
class Histogram:
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: int
    any_selected: bool


def year_histogram(year_facet: dict, max_labels: int = 12) -> Histogram | None:
    """The histogram of a year facet payload; None when fewer than two years have pages."""
    values = {v["value"]: v for v in year_facet["values"] if v["value"].isdigit()}
    if len(values) < 2:
        return None
    first, last = int(min(values)), int(max(values))
    if last - first <= MAX_FILLED_SPAN:
        years = [str(y) for y in range(first, last + 1)]
    else:
        years = sorted(values)
    peak = max(v["count"] for v in values.values()) or 1
    every = math.ceil(len(years) / max_labels)
    bars = []
    for i, year in enumerate(years):
        value = values.get(year, {"count": 0, "selected": False, "toggle_url": None})
        height = round(value["count"] / peak * BARS_HEIGHT, 1)
        if value["count"]:
            height = max(height, 2.0)  # a single page stays visible next to thousands
        bars.append(
            Bar(
                year=year,
                count=value["count"],
                selected=value["selected"],
                url=value["toggle_url"] if value["count"] or value["selected"] else None,
                x=i * SLOT + SLOT * 0.1,
                y=TOP + BARS_HEIGHT - height,
                width=SLOT * 0.8,
                height=height,
                label=i % every == 0 or i == len(years) - 1 or value["selected"],
            )
        )
    return Histogram(
        bars=tuple(bars),
        width=len(years) * SLOT,
        height=TOP + BARS_HEIGHT + LABEL_HEIGHT,
        baseline=TOP + BARS_HEIGHT,
        any_selected=any(b.selected for b in bars),
    )
