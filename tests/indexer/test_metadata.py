"""Titles, dates by kind, hosts and credited sources, on the seeds and small fixtures."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from indexer.metadata import dates_of, extract, host_of, parse_date
from indexer.model import Dates, Document, Page
from tests.indexer.pages import cleaned, seed_page, text_page

ARTICLE = (
    "The city council voted on Tuesday to approve a budget that raises spending on schools "
    "and roads, after months of debate over how to pay for it."
)


def doc(text: str, **kwargs) -> Document:
    return extract(cleaned(text_page(text, **kwargs)))


def with_meta(page: Page, **meta: str) -> Page:
    """html_meta as decode fills it; keyword "og__site_name" stands for "og:site_name"."""
    extra = {key.replace("__", ":"): value for key, value in meta.items()}
    return dataclasses.replace(page, html_meta={**page.html_meta, **extra})


@pytest.fixture(scope="module")
def seeds() -> dict[str, Document]:
    return {prefix: extract(cleaned(seed_page(prefix))) for prefix in ("000", "003", "004")}


# --- the seeds ---------------------------------------------------------------------------


def test_seed_titles(seeds):
    assert seeds["000"].title == "Abduction of Japanese Citizens by North Korea"
    assert seeds["003"].title == "Japan holds secret talks with NK: report"
    assert seeds["004"].title == "North Korea Apologizes For Japanese Abductions"


def test_seed_dates_are_updated_dates_found_in_chrome(seeds):
    assert seeds["003"].dates == Dates(updated="2024-06-14")
    assert seeds["004"].dates == Dates(updated="2016-07-27")
    assert seeds["000"].dates == Dates()  # "NewYork Times, December 23th 2002" is prose


def test_seed_sources_and_hosts(seeds):
    assert seeds["003"].source == "ins批量协议号"
    assert seeds["000"].source == "unknown"
    assert seeds["004"].source == "unknown"
    assert {d.host for d in seeds.values()} == {None}


def test_seed_body_and_chrome(seeds):
    d = seeds["003"]
    assert d.body.startswith("Japan holds secret talks with NK: report\nBy Lee Min-hyung\n")
    assert "联系我们" not in d.body and "联系我们" in d.chrome
    assert d.chrome[-1].startswith("Copyright © 2024 Powered by")
    assert seeds["000"].chrome == ()


def test_document_fields_come_from_page_and_record():
    page = cleaned(text_page(ARTICLE, url="https://example.com/a", relpath="site/a.txt"))
    record = dataclasses.replace(
        page.record, record="L3", fingerprint="12:34", external_id="abc", path="/c/site/a.txt"
    )
    page = dataclasses.replace(page, record=record, repairs=("quotes",), truncated=True)
    d = extract(page)
    assert (d.id, d.path, d.root, d.record, d.url) == (
        "t", "/c/site/a.txt", "/corpus", "L3", "https://example.com/a",
    )  # fmt: skip
    assert (d.encoding, d.fingerprint, d.external_id, d.truncated, d.repairs) == (
        "utf-8", "12:34", "abc", True, ("quotes",),
    )  # fmt: skip
    assert (d.lang, d.script, d.lang_mix) == ("en", "Latn", {"en": 1.0})
    assert d.lang_confidence == page.lang_confidence


# --- titles ------------------------------------------------------------------------------


def test_stated_title_wins_and_loses_a_known_site_suffix():
    page = with_meta(
        cleaned(text_page(f"Budget passes\n{ARTICLE}")),
        og__site_name="Daily Example",
        title="Council Budget - Daily Example",
    )
    assert extract(page).title == "Council Budget"


def test_og_title_before_title_and_unknown_suffixes_stay():
    page = cleaned(text_page(ARTICLE))
    page = with_meta(page, title="x | y", og__title="Spider-Man - Homecoming")
    assert extract(page).title == "Spider-Man - Homecoming"


def test_host_names_the_site_in_a_title_suffix():
    page = cleaned(text_page(ARTICLE, url="https://www.nytimes.com/2020/x.html"))
    page = with_meta(page, title="Budget Passes | NYTimes.com")
    assert extract(page).title == "Budget Passes"


def test_headline_is_short_and_has_no_sentence_end():
    assert doc(f"Dear Readers:\n{ARTICLE}").title.startswith("Dear Readers: The city council")
    assert doc(f"{ARTICLE}\nLater headline").title == "Later headline"
    assert doc("学校建设\n" + "今年将在城区新建十二所小学。" * 3).title == "学校建设"


def test_title_falls_back_to_the_start_of_the_body():
    title = doc(f"{ARTICLE} {ARTICLE}").title
    assert ARTICLE.startswith(title.rstrip("…")) and len(title) <= 81


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("07/27/2016", "2016-07-27"),  # month first, as written in the US
        ("27/07/2016", "2016-07-27"),  # day first when it cannot be a month
        ("14.06.2024", "2024-06-14"),
        ("2024-06-14 05:32:53", "2024-06-14"),
        ("2024年6月14日", "2024-06-14"),
        ("2024 年 06 月 14 日 10:00", "2024-06-14"),
        ("June 14, 2024", "2024-06-14"),
        ("Fri, 14 Jun 2024 05:32:53 EST", "2024-06-14"),
        ("July 2016", "2016-07-01"),
        ("1985-01-01", None),  # before the web we index
        ("2999-01-01", None),  # in the future
        ("13/13/2016", None),
        ("next Tuesday", None),
        ("", None),
    ],
)
def test_parse_date(value, iso):
    assert parse_date(value) == iso


def test_future_is_relative_to_today():
    assert parse_date("2024-06-14", today=dt.date(2024, 6, 13)) is None


def test_dates_are_kept_apart_by_kind():
    d = doc(
        f"发布时间：2023-05-01  更新时间：2024-01-02\n{ARTICLE}", crawled="2024-03-01T10:00:00Z"
    )
    assert d.dates == Dates(published="2023-05-01", updated="2024-01-02", crawled="2024-03-01")
    assert d.dates.best == ("2023-05-01", "published")


def test_best_date_precedence():
    updated = doc(f"Last updated: March 2, 2021\n{ARTICLE}", crawled="2024-03-01")
    assert updated.dates.best == ("2021-03-02", "updated")
    crawled = doc(ARTICLE, crawled="2024-03-01")
    assert crawled.dates.best == ("2024-03-01", "crawled")
    assert doc(ARTICLE).dates.best == (None, None)


@pytest.mark.parametrize(
    ("line", "kind", "iso"),
    [
        ("Posted on July 4, 2016 by admin", "published", "2016-07-04"),
        ("Published: 2019-11-18", "published", "2019-11-18"),
        ("日期：2020年1月2日", "published", "2020-01-02"),
        ("发表于 2018-3-5", "published", "2018-03-05"),
        ("最后更新：2022/12/31", "updated", "2022-12-31"),
        ("Updated: 27.07.2016", "updated", "2016-07-27"),
        ("By Jane Roe | Updated: March 5, 2019", "updated", "2019-03-05"),
    ],
)
def test_labelled_dates(line, kind, iso):
    assert getattr(doc(f"{line}\n{ARTICLE}").dates, kind) == iso


def test_unlabelled_and_prose_dates_are_not_page_dates():
    prose = (
        "The report was updated 3 times in 2016, and the date of the vote, March 5, 2019, "
        "was published in the city's gazette."
    )
    assert doc(f"NewYork Times, December 23th 2002\n{prose}").dates == Dates()
    assert doc("出生日期：1988年1月1日\n" + "他在学校工作了很多年。" * 3).dates == Dates()


def test_structured_dates_from_html_meta():
    page = with_meta(
        cleaned(text_page(ARTICLE)),
        article__published_time="2019-11-18T10:00:00+00:00",
        article__modified_time="2019-11-19T08:00:00Z",
    )
    assert dates_of(page) == Dates(published="2019-11-18", updated="2019-11-19")


# --- host and source ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Example.COM/a?b=c", "example.com"),
        ("http://news.example.co.uk:8080/x", "news.example.co.uk"),
        ("https://www2.example.com/", "www2.example.com"),
        (None, None),
        ("", None),
        ("not a url", None),
    ],
)
def test_host_of(url, host):
    assert host_of(url) == host


def test_attribution_is_the_credited_publisher_without_trailing_fields():
    d = doc(f"来源：新华网  作者：张三\n{ARTICLE}", url="https://www.example.com/a")
    assert (d.source, d.host) == ("新华网", "example.com")
    assert doc(f"Source: Reuters | 12 May 2020\n{ARTICLE}").source == "Reuters"
    assert doc(f"来源:人民日报 更新时间:2024-06-14\n{ARTICLE}").source == "人民日报"


def test_source_labels_inside_sentences_credit_nobody():
    line = "The tool is open source: anyone may read the code and change it as they like."
    assert doc(f"{line}\n{ARTICLE}").source == "unknown"
    assert doc(f"By Jane Roe | Source: Reuters\n{ARTICLE}").source == "Reuters"


def test_uncredited_attribution_falls_through():
    assert doc(f"来源：本站\n{ARTICLE}", url="https://example.com/").source == "example.com"


def test_site_name_and_container_source_before_host():
    page = cleaned(text_page(ARTICLE, url="https://example.com/x"))
    assert extract(with_meta(page, og__site_name="Daily Example")).source == "Daily Example"
    record = dataclasses.replace(page.record, source="Example Wire")
    assert extract(dataclasses.replace(page, record=record)).source == "Example Wire"


def test_host_is_the_source_when_nothing_is_credited():
    assert doc(ARTICLE, url="https://www.example.com/a").source == "example.com"


@pytest.mark.parametrize("cms", ["WordPress", "Discuz! X3.4", "DedeCMS V5.7", "帝国CMS", "Joomla!"])
def test_powered_by_a_cms_names_no_site(cms):
    assert doc(f"{ARTICLE}\nPowered by {cms}", relpath="blogs/p.txt").source == "blogs"


def test_powered_by_a_site_name():
    assert doc(f"{ARTICLE}\nCopyright 2024 Powered by Acme News").source == "Acme News"
    assert (
        doc(f"{ARTICLE}\nPowered by Acme News", url="http://acme.example/").source == "acme.example"
    )


def test_folder_fallback_and_unknown():
    assert doc(ARTICLE, relpath="example-site/2020/page.txt").source == "example-site"
    assert doc(ARTICLE, relpath="page.txt").source == "unknown"
