"""The extraction benchmark's code on a few real dev pages: a floor, to catch regressions."""

from __future__ import annotations

import pytest

from bench import extraction
from tests.conftest import SHARED

PAGES = 3
FLOOR = {"zh": 0.75, "en": 0.8}  # the whole dev sets score 0.91 and 0.95


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sifter_extracts_articles_from_real_pages(lang):
    cases = extraction.load(SHARED / "dev-data", lang, PAGES)
    assert len(cases) == PAGES
    (row,) = extraction.evaluate(cases, {"sifter": extraction.sifter})
    (full,) = extraction.evaluate(cases, {"full text": extraction.full_text})
    assert row.mean("f1") >= FLOOR[lang]
    assert row.mean("precision") > full.mean("precision")


def test_shingle_scores():
    same = extraction.score("one two three four five", "one two three four five", "en")
    assert (same.precision, same.recall, same.f1) == (1.0, 1.0, 1.0)
    half = extraction.score("one two three four five", "one two three four", "en")
    assert half.recall == 1.0 and half.precision == 0.5
    assert extraction.score("", "gold text here now", "en").f1 == 0.0
    assert extraction.tokens("我们在北京。", "zh") == ["我们", "在", "北京"]
