"""The user's three sample pages through the whole pipeline: every expectation of the issue."""

from __future__ import annotations

import pytest

from indexer.model import Document
from indexer.pipeline import process
from indexer.read import list_files, read_file
from tests.conftest import CORPUS, SEED_000, SEED_003, SEED_004


def extract(path) -> Document:
    files, failures = list_files(path)
    assert not failures
    (record,) = list(read_file(files[0]))
    doc = process(record)
    assert isinstance(doc, Document), doc
    return doc


@pytest.fixture(scope="module")
def seeds() -> dict[str, Document]:
    return {
        name: extract(path)
        for name, path in (("000", SEED_000), ("003", SEED_003), ("004", SEED_004))
    }


def test_titles(seeds):
    assert seeds["000"].title == "Abduction of Japanese Citizens by North Korea"
    assert seeds["003"].title == "Japan holds secret talks with NK: report"
    assert seeds["004"].title == "North Korea Apologizes For Japanese Abductions"


def test_dates_are_updated_dates_found_in_chrome(seeds):
    assert seeds["003"].dates.best == ("2024-06-14", "updated")
    assert seeds["004"].dates.best == ("2016-07-27", "updated")
    assert seeds["000"].dates.best == (None, None)


def test_sources(seeds):
    assert seeds["003"].source == "ins批量协议号"
    assert seeds["000"].source == "unknown"
    assert seeds["004"].source == "unknown"


def test_languages_come_from_content_not_chrome(seeds):
    assert [seeds[n].lang for n in ("000", "003", "004")] == ["en", "en", "en"]
    assert seeds["003"].lang_mix.get("en", 0) > 0.9


def test_seed_000_punctuation_restored(seeds):
    body = seeds["000"].body
    for phrase in (
        "“Group of Seven Individuals”",
        "“Twitter”",
        "“one-click donation”",
        "Let’s",
        "don’t",
        "Yokota’s",
        "Megumi’s",
    ):
        assert phrase in body, phrase
    for damaged in ("gTwitterh", "donft", "Letfs", "Yokotafs", "Megumifs", "gGroup"):
        assert damaged not in body, damaged
    assert seeds["000"].repairs


def test_undamaged_seeds_are_not_repaired(seeds):
    assert seeds["004"].body.count("’") == 0  # its apostrophes stay ASCII
    assert "Pyongyang's demand" in seeds["004"].body


def lines_of(path) -> list[str]:
    return [" ".join(line.split()) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_seed_003_chinese_template_removed_english_article_kept(seeds):
    doc = seeds["003"]
    body_lines = doc.body.split("\n")
    article = [
        line
        for line in lines_of(SEED_003)
        if not any("\u4e00" <= c <= "\u9fff" for c in line) and not line.startswith("Copyright")
    ]
    template = [line for line in lines_of(SEED_003) if line not in article]
    assert len(article) >= 15 and len(template) == 10
    for line in article:
        assert line in body_lines, f"article line lost: {line}"
    for line in template:
        assert line not in body_lines, f"chrome line kept: {line}"
        assert line in [" ".join(c.split()) for c in doc.chrome]
    assert "联系我们" not in doc.body and "Powered by" not in doc.body


def test_seed_004_chrome_lines_leave_the_body(seeds):
    doc = seeds["004"]
    body_lines = doc.body.split("\n")
    chrome = [
        "Get the latest updates as we post them — right on your browser",
        ". Last Updated: 07/27/2016",
    ]
    for line in chrome:
        assert line not in body_lines
        assert line in doc.chrome
    for line in lines_of(SEED_004):
        if line not in chrome:
            assert line in body_lines, f"article line lost: {line}"


def test_seed_000_keeps_every_line(seeds):
    assert seeds["000"].chrome == ()


def test_ids_are_url_safe_unique_and_stable():
    ids = [extract(p).id for p in (SEED_000, SEED_003, SEED_004)]
    assert len(set(ids)) == 3
    assert all(i.replace("-", "").replace("_", "").replace(".", "").isalnum() for i in ids)
    assert ids == [extract(p).id for p in (SEED_000, SEED_003, SEED_004)]
    files, _ = list_files(CORPUS)
    assert [next(read_file(f)).id for f in files] == ids
