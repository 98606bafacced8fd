"""Near-duplicate detection: syndicated copies group together, different pages never do."""

from __future__ import annotations

import random

from indexer.duplicates import MAX_DISTANCE, distance, fingerprint, groups
from tests.conftest import SEED_000, SEED_003, SEED_004, SHARED

ARTICLE = SEED_004.read_text("utf-8")


def syndicated(text: str) -> str:
    """The same article as another site republishes it: a word changed, a line added."""
    return "Reprinted with permission.\n" + text.replace("Tuesday", "Wednesday")


def test_a_republished_copy_is_within_the_distance():
    assert distance(fingerprint(ARTICLE), fingerprint(syndicated(ARTICLE))) <= MAX_DISTANCE


def test_different_articles_on_the_same_topic_are_far_apart():
    seeds = [fingerprint(p.read_text("utf-8")) for p in (SEED_000, SEED_003, SEED_004)]
    assert min(distance(a, b) for i, a in enumerate(seeds) for b in seeds[i + 1 :]) > 10


def test_short_texts_get_no_fingerprint():
    assert fingerprint("Contact us") is None
    assert fingerprint("") is None


def test_groups_use_the_smallest_id_and_ignore_order():
    pages = {
        "b-copy": syndicated(ARTICLE),
        "a-original": ARTICLE,
        "c-exact": ARTICLE,
        "d-other": SEED_000.read_text("utf-8"),
        "e-short": "Home",
    }
    items = [(doc_id, fingerprint(text)) for doc_id, text in pages.items()]
    expected = {
        "a-original": "a-original",
        "b-copy": "a-original",
        "c-exact": "a-original",
        "d-other": "d-other",
        "e-short": "e-short",
    }
    assert groups(items) == expected
    random.Random(1).shuffle(items)
    assert groups(items) == expected


def test_chinese_pages_are_fingerprinted_by_characters():
    pages = sorted((SHARED / "dev-data" / "chrome-zh").glob("*.txt"))[:2]
    text, other = (p.read_text("utf-8") for p in pages)
    edited = text.replace("，", "。", 2) + "\n（转载请注明出处）"
    assert distance(fingerprint(text), fingerprint(edited)) <= MAX_DISTANCE
    assert distance(fingerprint(text), fingerprint(other)) > 10
