"""The pages in a real headless Chromium (Debian's), served by waitress, as a person uses
them: type, click facets and chips, go back, page through, open a document.

One browser for the whole module; each test gets a fresh page whose console errors and
uncaught exceptions fail the test (a CSP violation shows up there too). Screenshots of
the main states go to var/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run these tests, never skip them
        pytest.skip(message)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _open_page(browser: Browser, viewport: dict, javascript: bool = True) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(5000)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    context.close()
    assert not problems


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _open_page(browser, DESKTOP)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _open_page(browser, PHONE)


@pytest.fixture
def no_js(browser: Browser) -> Iterator[Page]:
    yield from _open_page(browser, DESKTOP, javascript=False)


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def total(page: Page) -> int:
    return int(page.inner_text("#total"))


def test_type_a_query_and_see_highlighted_snippets(page: Page, server_url: str):
    page.goto(server_url + "/")
    page.keyboard.press("/")  # the shortcut focuses the box
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("abduction")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=abduction")
    expect(page.locator(".hit")).to_have_count(3)
    assert page.locator(".snippet mark").count() >= 3
    assert page.locator(".snippet").first.get_attribute("lang") == "en"
    assert page.input_value("#q") == "abduction"
    shoot(page, "search-seed-desktop")


def test_document_page_shows_removed_chrome_on_demand(page: Page, server_url: str):
    page.goto(server_url + "/?q=secret")
    page.click(".hit h3 a")
    page.wait_for_selector("article.document")
    chrome = page.locator("details.chrome")
    expect(chrome.locator("li").first).to_be_hidden()
    chrome.locator("summary").click()
    expect(chrome.locator("li", has_text="联系我们")).to_be_visible()
    shoot(page, "document-desktop")


def test_facets_multi_select_chips_and_back(page: Page, rich_server_url: str):
    page.goto(rich_server_url + "/?q=velmora")
    assert total(page) == 44
    page.get_by_role("checkbox", name="German (de)").check()
    page.wait_for_url(re.compile(r"lang=de"))
    assert params(page)["lang"] == ["de"] and total(page) == 8
    expect(page.get_by_role("checkbox", name="German (de)")).to_be_checked()

    page.get_by_role("checkbox", name="French (fr)").check()  # a second value, same facet
    page.wait_for_url(re.compile(r"lang=fr"))
    assert params(page)["lang"] == ["de", "fr"] and total(page) == 15
    assert {h.inner_text() for h in page.locator(".hit .lang").all()} == {"de", "fr"}
    shoot(page, "facets-desktop")

    page.get_by_role("link", name="Remove filter Language: German (de)").click()
    page.wait_for_url(lambda url: "lang=de" not in url)
    assert params(page)["lang"] == ["fr"] and total(page) == 7

    page.go_back()
    page.wait_for_url(re.compile(r"lang=de&lang=fr"))
    assert total(page) == 15
    page.go_back()
    page.wait_for_url(lambda url: "lang=fr" not in url)
    assert total(page) == 8
    page.get_by_role("link", name="Remove filter Language: German (de)").click()
    page.wait_for_url(lambda url: "lang=" not in url)
    assert total(page) == 44


def test_page_through_results(page: Page, rich_server_url: str):
    page.goto(rich_server_url + "/?q=velmora")
    assert page.locator(".hits").get_attribute("start") == "1"
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".hits").get_attribute("start") == "11"
    expect(page.locator(".hit")).to_have_count(10)
    page.get_by_role("link", name="Page 5", exact=True).click()
    page.wait_for_url(re.compile(r"page=5"))
    expect(page.locator(".hit")).to_have_count(2)  # 42 rows: two syndicated copies folded
    expect(page.get_by_role("link", name="Next →")).to_have_count(0)
    page.get_by_role("link", name="← Previous").click()
    page.wait_for_url(re.compile(r"page=4"))
    expect(page.locator(".pager [aria-current=page]")).to_have_text("4")


def test_histogram_bar_filters_by_year(page: Page, rich_server_url: str):
    page.goto(rich_server_url + "/?q=velmora")
    bars = page.locator("svg a.bar")
    expect(bars).to_have_count(10)
    page.locator("svg a.bar[data-year='2015']").click()
    page.wait_for_url(re.compile(r"year=2015"))
    assert total(page) == 6
    expect(page.locator("svg a.bar.selected")).to_have_attribute("data-year", "2015")
    expect(page.get_by_role("checkbox", name="2015")).to_be_checked()
    shoot(page, "histogram-year-desktop")


def test_date_range_form(page: Page, rich_server_url: str):
    page.goto(rich_server_url + "/?q=velmora&sort=date")
    page.fill("#date_from", "2020-01-01")
    page.fill("#date_to", "2021-12-31")
    page.get_by_role("button", name="Apply dates").click()
    page.wait_for_url(re.compile(r"date_to=2021-12-31"))
    assert params(page)["sort"] == ["date"]  # the form keeps the rest of the state
    assert total(page) == 8
    assert all("2020" <= d.inner_text() < "2022" for d in page.locator(".hit time").all())
    page.get_by_role("link", name="Clear all").click()
    page.wait_for_url(lambda url: "date_" not in url)
    assert total(page) == 44


def test_similar_pages_lead_to_the_near_duplicates(page: Page, rich_server_url: str):
    page.goto(rich_server_url + "/?q=velmora&lang=en")
    page.locator(".similar a").first.click()
    page.wait_for_url(re.compile(r"/doc/.*#similar"))
    expect(page.locator("#similar li")).to_have_count(1)
    expect(page.locator("#similar li")).to_contain_text("Wire Syndicate")
    page.go_back()
    page.get_by_role("link", name="Show every page").click()
    page.wait_for_url(re.compile(r"collapse=false"))
    expect(page.locator(".hit")).to_have_count(8)  # the syndicated copy shown too


def test_keyboard_toggles_a_facet(page: Page, rich_server_url: str):
    page.goto(rich_server_url + "/?q=velmora")
    page.get_by_role("checkbox", name="Harbour Times").focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"source=Harbour"))
    assert total(page) == 10


def test_filters_work_without_javascript(no_js: Page, rich_server_url: str):
    no_js.goto(rich_server_url + "/?q=velmora")
    no_js.get_by_role("checkbox", name="Japanese (ja)").check()
    no_js.get_by_role("checkbox", name="Chinese (zh)").check()
    no_js.get_by_role("button", name="Apply filters").click()
    no_js.wait_for_url(re.compile(r"lang=zh"))
    assert params(no_js)["lang"] == ["ja", "zh"] and total(no_js) == 14


def test_phone_width_fits_and_folds_the_filters(phone: Page, rich_server_url: str):
    phone.goto(rich_server_url + "/?q=%E6%B4%AA%E6%B0%B4")  # 洪水, Chinese pages
    expect(phone.locator(".snippet[lang=zh] mark").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    filters = phone.locator("details.filters")
    expect(filters).not_to_have_attribute("open", "")
    shoot(phone, "search-cjk-phone")
    filters.locator("summary").click()
    expect(phone.get_by_role("checkbox", name="Chinese (zh)")).to_be_visible()
    shoot(phone, "filters-open-phone")
    phone.locator(".hit h3 a").first.click()
    phone.wait_for_selector("article.document")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(phone, "document-phone")


def test_stats_and_empty_states(page: Page, rich_server_url: str):
    page.goto(rich_server_url + "/stats")
    expect(page.locator(".lead strong")).to_have_text("44")
    expect(page.locator("table.counts", has_text="Languages").locator("tbody tr")).to_have_count(6)
    shoot(page, "stats-desktop")
    page.goto(rich_server_url + "/?q=velmorra")
    expect(page.locator(".empty-state")).to_be_visible()
    page.locator(".suggestion a").click()
    page.wait_for_url(re.compile(r"q=velmora"))
    assert total(page) == 44
    page.goto(rich_server_url + "/")
    shoot(page, "landing-desktop")
