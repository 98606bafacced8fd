"""A generated corpus of a few thousand small text pages, for what only shows with many
hits: deep paging by cursor and whole-set exports.

Each page is a folder's (source's) numbered text file: a title, four short lines of words drawn
from a made-up vocabulary (so pages are not near duplicates of each other) and a
"Published:" date. Every page has the word `quarry`; every fourth page `basalt`; every
page whose number ends in 7 also `granite`. A fixed seed makes the corpus the same on
every run.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

SOURCES = tuple(f"site{n}" for n in range(8))
SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "vas", "pel", "dor", "ghi", "nu", "sat", "wem")


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def page_text(number: int, rng: random.Random, words: list[str]) -> str:
    marks = ["quarry"]
    if number % 4 == 0:
        marks.append("basalt")
    if number % 10 == 7:
        marks.append("granite")
    lines = [" ".join(rng.sample(words, 4)) for _ in range(4)]
    lines[1] += " " + " ".join(marks)
    day = published(number)
    title = f"Report {number} " + " ".join(rng.sample(words, 3))
    return "\n".join([title, *lines, f"Published: {day.isoformat()}"]) + "\n"


def source_of(number: int) -> str:
    return SOURCES[number % len(SOURCES)]


def published(number: int) -> datetime.date:
    return datetime.date(2012, 1, 1) + datetime.timedelta(days=(number * 37) % 3650)


def number_of(title: str) -> int:
    """The page number in a title ("Report 17 ...")."""
    return int(title.split()[1])


def write_pages(folder: Path, count: int) -> Path:
    """`count` pages under folder/corpus, spread over the SOURCES folders; returns the root."""
    rng = random.Random(11)
    words = vocabulary(rng)
    root = folder / "corpus"
    for source in SOURCES:
        (root / source).mkdir(parents=True, exist_ok=True)
    for number in range(count):
        source = source_of(number)
        path = root / source / f"page{number:05d}.txt"
        path.write_text(page_text(number, rng, words), encoding="utf-8")
    return root


def expected(count: int, word: str) -> set[int]:
    """The page numbers that carry one of the marked words."""
    if word == "quarry":
        return set(range(count))
    if word == "basalt":
        return {n for n in range(count) if n % 4 == 0}
    return {n for n in range(count) if n % 10 == 7}
