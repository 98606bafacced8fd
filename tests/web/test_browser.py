"""The search page in a real headless Chromium (Debian's), served by waitress."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page(server_url):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.dialogs = dialogs
        yield page
        browser.close()


def test_search_filter_and_back(page: Page, server_url: str):
    page.goto(server_url + "/")
    page.fill("#q", "abduction")
    page.press("#q", "Enter")
    page.wait_for_selector(".hit")
    assert page.locator(".hit").count() == 3
    assert page.locator(".snippet mark").count() >= 3
    assert page.input_value("#q") == "abduction"

    page.click("a.facet-value[data-value='ins批量协议号']")
    page.wait_for_url("**source=*")
    assert page.locator(".hit").count() == 1
    assert page.inner_text(".hit h3") == "Japan holds secret talks with NK: report"
    assert page.locator("a.facet-value.selected").count() == 1

    page.go_back()
    page.wait_for_selector(".hit >> nth=2")
    assert page.locator(".hit").count() == 3


def test_document_page_shows_removed_chrome_on_demand(page: Page, server_url: str):
    page.goto(server_url + "/?q=secret")
    page.click(".hit h3 a")
    page.wait_for_selector("article.document")
    chrome = page.locator("details.chrome")
    assert not chrome.locator("li").first.is_visible()
    chrome.locator("summary").click()
    assert chrome.locator("li", has_text="联系我们").is_visible()
    assert not page.dialogs
