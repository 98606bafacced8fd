"""The research controls in a real headless Chromium: the "in chrome" checkbox by the query
box, and a click on a template line that lists every page built on that template."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from indexer import templates
from tests.conftest import serving
from tests.search.test_chrome_search import SPAM
from tests.search.test_chrome_search import engine as chrome_engine  # noqa: F401
from tests.web.test_browser import SCREENSHOTS, browser, page  # noqa: F401


@pytest.fixture(scope="module")
def chrome_server_url(chrome_engine) -> Iterator[str]:  # noqa: F811
    with serving(chrome_engine.index_dir) as url:
        yield url


def test_the_in_chrome_checkbox_searches_the_removed_chrome(page: Page, server_url: str):  # noqa: F811
    page.goto(server_url + "/")
    page.fill("#q", "联系我们")
    page.keyboard.press("Enter")
    expect(page.locator("#total")).to_have_text("0")
    checkbox = page.get_by_role("checkbox", name="in chrome")
    expect(checkbox).not_to_be_checked()
    checkbox.check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".hit")).to_have_count(1)
    expect(page.locator(".hit mark").first).to_have_text("联系我们")
    assert parse_qs(urlsplit(page.url).query)["in"] == ["chrome"]
    page.reload()
    expect(page.get_by_role("checkbox", name="in chrome")).to_be_checked()
    page.get_by_role("checkbox", name="in chrome").uncheck()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#total")).to_have_text("0")


def test_a_template_line_lists_the_pages_built_on_it(page: Page, chrome_server_url: str):  # noqa: F811
    page.goto(chrome_server_url + "/?q=report&collapse=false")
    facet = page.locator("fieldset[data-facet=template]")
    line = templates.normalise(SPAM)
    expect(facet.locator(".facet-value", has_text=line)).to_contain_text("3 sites")
    facet.locator(f"input[value='{line}']").click()  # applied at once by the script
    expect(page.locator("#total")).to_have_text("12")
    assert parse_qs(urlsplit(page.url).query)["template"] == [line]
    expect(page.locator(".chip", has_text="Template line")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "template-facet-desktop.png"), full_page=True)
