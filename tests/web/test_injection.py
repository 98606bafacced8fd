"""Crawled markup is shown as text and never runs: pages whose title, body, URL, source and
even file name carry `<script>`, event-handler attributes, `javascript:` URLs and template
syntax are indexed by the real pipeline, served by waitress and opened in headless Chromium.

Every page is checked twice: once with the Content-Security-Policy bypassed, so escaping
alone must keep the payloads inert (each payload that ran would set `window.__xss` or open
a dialog), and once with it enforced, where a blocked inline script would show up as a
console error. Both runs also inspect the DOM: no script but sifter.js, no `on*` attribute,
no injected element, and every link and resource URL is a valid http(s) URL.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from indexer.write import build
from tests.conftest import serving
from tests.web.test_browser import ARGS, CHROMIUM
from web.app import SECURITY_HEADERS

WORD = "zanzibarquux"  # in every hostile page, and nowhere else
TXT_TITLE = (
    "<script>window.__xss='txt-title';alert(1)</script> \"><img src=x onerror=alert(2)> "
    f"{{{{7*7}}}} {WORD} hostile title"
)
TXT = "\n".join(
    [
        TXT_TITLE,
        f"The {WORD} body has <script>window.__xss='txt-body'</script> and "
        '"><img src=x onerror="window.__xss=\'img\'"> inline.',
        "Template syntax {{7*7}} and {% for x in range(3) %}loop{% endfor %} and "
        f"{{{{ config }}}} stay text in {WORD}.",
        "A closing </textarea><svg onload=\"window.__xss='svg'\"> and '\"><svg/onload=alert(3)> "
        "and </title><script>alert(4)</script> too.",
    ]
)
HTML_TITLE = (
    f'<script>alert(5)</script> "><img src=x onerror=alert(6)> {{{{7*7}}}} {WORD} html title'
)
HTML_SOURCE = '<svg onload=alert(7)> Evil"Source'
HTML = f"""<!doctype html><html><head>
<title>{escape(HTML_TITLE, quote=False)}</title>
<meta property="og:site_name" content="{escape(HTML_SOURCE)}">
<script>window.__xss='html-script'</script>
</head><body><nav>Home | About</nav>
<article><h1>&lt;script&gt;alert(5)&lt;/script&gt; {WORD} html title</h1>
<p>This {WORD} page has an escaped &lt;script&gt;window.__xss='html-body'&lt;/script&gt;
tag, {{{{7*7}}}} as text, a <a href="javascript:alert(8)">javascript link</a> and
<img src=x onerror="window.__xss='real-img'"> an image.</p>
<p>Second paragraph of {WORD} content with {{% if true %}}jinja{{% endif %}}
and &lt;/textarea&gt; closers.</p>
</article></body></html>
"""
# JSONL records: (url, source); of their URLs only the last, attribute-breaking one is a link.
RECORDS = [
    ("javascript:alert(9)", "<script>window.__xss='source'</script>"),
    ("JaVaScRiPt:window.__xss='mixed-case'", '"><img src=x onerror=alert(12)>'),
    (" data:text/html,<script>alert(13)</script>", "{{7*7}}"),
    ("vbscript:msgbox(14)", "' onmouseover='alert(15)"),
    ("java\tscript:alert(17)", "</textarea><svg onload=alert(18)>"),
    ("\x01javascript:alert(20)", "{% raw %}x{% endraw %}"),
    ("http://[zz]/x", "bracketed host"),  # hosts a browser refuses: text, not a dead link
    ("https://port.example:99999/", "bad port"),
    (f'https://evil.example/{WORD}"><script>alert(16)</script>', "evil.example"),
]
LINKED_URL = RECORDS[-1][0]
# A syndicated story: two copies of one long text from two hostile sources (near duplicates).
SYNDICATED = ["<script>window.__xss='syndicator'</script>", '"><svg onload=alert(23)> Copy']
STORY = " ".join(
    f"Sentence {n} of the {WORD} syndicated story about the harbour, the council and the "
    f"river <i>{n}</i> that flooded the lower town after days of rain."
    for n in range(12)
)
# A spam network: two hosts whose pages share a hostile template line (a template facet value).
TEMPLATE_LINE = "<script>window.__xss='template'</script> Follow \"us\" on {{ social }} today"
SPAM_HOSTS = ['x"><svg onload=alert(32)>.example', "spam-b.example"]
SPAM_TOPICS = ["harbour", "bridge", "market"]
# Every hostile page is indexed.
PAGES = 3 + len(RECORDS) + len(SYNDICATED) + len(SPAM_HOSTS) * len(SPAM_TOPICS)
BAD_FILE = '"><svg onload=alert(19)>.jsonl'  # one good line, one malformed: a reported failure
HOSTILE_QUERY = '<script>window.__xss=1</script>"><img src=x onerror=alert(21)> {{7*7}}'

# Run in the page: everything a payload that escaped the text would leave behind.
INSPECT = """() => {
  const found = [];
  for (const s of document.scripts) {
    if (new URL(s.src || 'x:', location.href).pathname !== '/static/sifter.js') {
      found.push('script ' + s.outerHTML.slice(0, 80));
    }
  }
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
    for (const name of ['href', 'src', 'action', 'formaction', 'xlink:href', 'data']) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      if (!URL.canParse(value, location.href)) {
        found.push(el.tagName + ' invalid ' + name + '=' + value);
        continue;
      }
      const protocol = new URL(value, location.href).protocol;
      if (protocol !== 'http:' && protocol !== 'https:') {
        found.push(el.tagName + ' ' + name + '=' + value);
      }
    }
  }
  for (const el of document.querySelectorAll(
      'img, iframe, frame, object, embed, base, textarea, meta[http-equiv], svg, style')) {
    if (el.tagName === 'svg' && el.closest('figure.histogram')) continue;
    found.push('element ' + el.tagName);
  }
  if (window.__xss !== undefined) found.push('window.__xss=' + window.__xss);
  return found;
}"""


def write_hostile_corpus(folder: Path) -> Path:
    (folder / "evil.txt").write_text(TXT, encoding="utf-8")
    (folder / "evil.html").write_text(HTML, encoding="utf-8")
    lines = [
        {
            "id": f"j{n}",
            "url": url,
            "source": source,
            "text": f"{WORD} record {n} {{{{7*7}}}}\nRecord {n} of the {WORD} file, <b>bold</b>.",
        }
        for n, (url, source) in enumerate(RECORDS)
    ]
    lines += [
        {"id": f"s{n}", "source": source, "text": f"{source} {WORD} syndicated\n{STORY}"}
        for n, source in enumerate(SYNDICATED)
    ]
    lines += [
        {
            "id": f"spam-{h}-{topic}",
            "url": f"https://{host}/{topic}",
            "source": f"Spam {h}",
            "text": f"{WORD} spam about the {topic} {h}\n{TEMPLATE_LINE}\n"
            + " ".join(f"The {topic} story {h} sentence {n} about town life." for n in range(8)),
        }
        for h, host in enumerate(SPAM_HOSTS)
        for topic in SPAM_TOPICS
    ]
    (folder / "evil.jsonl").write_text(
        "\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8"
    )
    (folder / BAD_FILE).write_text(
        json.dumps({"text": f"{WORD} page in a file with a hostile name"})
        + "\nnot json <script>alert(22)</script>\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    corpus = write_hostile_corpus(tmp_path_factory.mktemp("hostile-corpus"))
    index = tmp_path_factory.mktemp("hostile-index")
    report = build([corpus], index)
    assert report.indexed == PAGES and len(report.failed) == 1
    with serving(index) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["csp-bypassed", "csp-enforced"])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A page on which any dialog, console error or uncaught exception fails the test."""
    context = browser.new_context(bypass_csp=request.param == "csp-bypassed")
    context.set_default_timeout(5000)
    page = context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))

    def console(message: ConsoleMessage) -> None:
        # The browser logs an error status of the page itself (`visit` checks that status),
        # and of the /favicon.ico it asks for on a plain-text page (the raw record).
        where = message.location.get("url", "")
        if message.type == "error" and where != page.url and not where.endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    yield page
    context.close()
    assert not problems


def visit(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status
    page.wait_for_load_state("load")
    assert page.evaluate(INSPECT) == []


def hits(base: str, **params: object) -> list[dict]:
    query = urlencode({"q": WORD, "collapse": "false", "per_page": 50, **params}, doseq=True)
    with urllib.request.urlopen(f"{base}/api/search?{query}") as response:
        return json.load(response)["hits"]


def test_search_page_shows_hostile_titles_as_text(page: Page, hostile_url: str):
    visit(page, f"{hostile_url}/?q={WORD}&collapse=false&per_page=50")
    titles = page.locator("li.hit h3 a").all_text_contents()
    assert len(titles) == PAGES
    assert TXT_TITLE in titles and HTML_TITLE in titles
    snippets = " ".join(page.locator("li.hit p.snippet").all_text_contents())
    assert "{{7*7}}" in snippets and "<script>" in snippets
    assert page.locator("li.hit p.snippet mark").count() >= PAGES  # marks stay


def test_near_duplicates_from_hostile_sources(page: Page, hostile_url: str):
    visit(page, f"{hostile_url}/?q=%22{WORD}+syndicated%22")  # a phrase: strict
    assert page.locator("li.hit").count() == 1
    similar = " ".join(page.locator("p.similar").text_content().split())
    shown = page.locator("li.hit span.source").text_content()
    other = next(source for source in SYNDICATED if source != shown)
    assert similar == f"1 similar page from {other}"
    page.locator("p.similar a").click()
    page.wait_for_load_state("load")
    assert page.evaluate(INSPECT) == []
    listed = page.locator("section.near-duplicates li a").all_text_contents()
    assert listed == [f"{other} {WORD} syndicated"]


def test_hostile_sources_in_facets_chips_and_toggle(page: Page, hostile_url: str):
    sources = [source for _, source in RECORDS[:-1]] + [HTML_SOURCE]
    query = urlencode({"q": WORD, "source": sources}, doseq=True)
    visit(page, f"{hostile_url}/?{query}")
    labels = page.locator("fieldset[data-facet=source] .label").all_text_contents()
    assert set(sources) <= set(labels)
    chips = page.locator("a.chip").all_text_contents()
    assert {f"Source: {s} ×" for s in sources} <= {" ".join(c.split()) for c in chips}
    assert page.locator("#total").text_content() == str(len(sources))
    # A checkbox applies through the URL the server computed: the value survives intact.
    page.locator("fieldset[data-facet=source] input[value='{{7*7}}']").click()
    page.wait_for_url(lambda url: "%7B%7B7" not in url)
    left = parse_qs(urlsplit(page.url).query)["source"]
    assert sorted(left) == sorted(s for s in sources if s != "{{7*7}}")
    assert page.evaluate(INSPECT) == []


def test_hostile_template_line_and_host_in_facets(page: Page, hostile_url: str):
    visit(page, f"{hostile_url}/?q={WORD}&collapse=false&per_page=50")
    template = page.locator("fieldset[data-facet=template] .label").all_text_contents()
    assert template == [TEMPLATE_LINE.lower()]
    hosts = page.locator("fieldset[data-facet=host] .label").all_text_contents()
    assert SPAM_HOSTS[0] in hosts
    page.locator("fieldset[data-facet=template] input").click()  # applies through its URL
    page.wait_for_url(lambda url: "template=" in url)
    assert page.locator("#total").text_content() == str(len(SPAM_HOSTS) * len(SPAM_TOPICS))
    assert page.evaluate(INSPECT) == []
    page.locator(f"fieldset[data-facet=host] input[value='{SPAM_HOSTS[0]}']").click()
    page.wait_for_url(lambda url: "host=" in url)
    assert page.locator("#total").text_content() == str(len(SPAM_TOPICS))
    assert page.evaluate(INSPECT) == []
    page.locator("li.hit h3 a").first.click()
    page.wait_for_load_state("load")
    assert page.evaluate(INSPECT) == []
    assert page.locator("details.chrome li").all_text_contents() == [TEMPLATE_LINE]


def test_document_pages_are_inert_and_only_http_urls_are_links(page: Page, hostile_url: str):
    found = hits(hostile_url)
    assert len(found) == PAGES
    linked = {LINKED_URL} | {f"https://{SPAM_HOSTS[1]}/{topic}" for topic in SPAM_TOPICS}
    for hit in found:
        visit(page, hostile_url + hit["doc_url"])
        assert page.locator("h1").text_content() == hit["title"]
        url = page.locator("dd.url")
        if hit["url"] in linked:
            assert url.locator("a").get_attribute("href") == hit["url"]
        elif hit["url"] is not None:
            assert url.locator("a").count() == 0
            assert url.text_content() == hit["url"]
    txt = next(h for h in found if h["title"] == TXT_TITLE)
    visit(page, hostile_url + txt["doc_url"])
    body = page.locator("section.body").text_content()
    assert "{{7*7}}" in body and "{% for x in range(3) %}loop{% endfor %}" in body
    assert "</textarea><svg onload=" in body and "49" not in body
    bad_file = next(h for h in found if "hostile name" in h["title"])
    visit(page, hostile_url + bad_file["doc_url"])
    assert BAD_FILE in page.locator("dl.docmeta").text_content()


def test_raw_records_are_served_as_text_never_as_a_page(page: Page, hostile_url: str):
    """The bytes as crawled (/doc/<id>/raw): the hostile HTML shows as its source text,
    with a sandboxing policy of its own; a hostile file name stays out of the headers."""
    found = {hit["title"]: hit for hit in hits(hostile_url)}
    html_doc, bad_file = found[HTML_TITLE], next(h for t, h in found.items() if "hostile name" in t)
    response = page.goto(hostile_url + html_doc["doc_url"] + "/raw")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>window.__xss='html-script'</script>" in page.locator("body").inner_text()
    assert page.evaluate("window.__xss") is None
    response = page.request.get(hostile_url + bad_file["doc_url"] + "/raw?download=true")
    assert response.status == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert all("<" not in value for value in response.headers.values())
    visit(page, hostile_url + html_doc["doc_url"])  # its links to the raw record are valid
    assert page.locator("dd.raw a").count() == 3


def test_stats_page_shows_hostile_sources_and_file_names_as_text(page: Page, hostile_url: str):
    visit(page, f"{hostile_url}/stats")
    sources = page.locator("table.counts").nth(2).locator("tbody a").all_text_contents()
    assert {source for _, source in RECORDS} | {HTML_SOURCE} <= set(sources)
    assert BAD_FILE in page.locator("table.failures").text_content()
    # Each source links back to a search for exactly that source.
    link = page.locator("table.counts a", has_text="{{7*7}}").get_attribute("href")
    assert parse_qs(urlsplit(link).query) == {"source": ["{{7*7}}"]}


def test_reflected_query_parameters_and_ids_stay_text(page: Page, hostile_url: str):
    visit(page, f"{hostile_url}/?{urlencode({'q': HOSTILE_QUERY})}")
    assert page.locator("#q").input_value() == HOSTILE_QUERY
    assert page.title().startswith(HOSTILE_QUERY)
    visit(page, f"{hostile_url}/?{urlencode({'q': WORD, 'page': HOSTILE_QUERY})}", status=400)
    assert HOSTILE_QUERY in page.locator("p.message").text_content()
    visit(page, f"{hostile_url}/doc/{quote(HOSTILE_QUERY, safe='')}", status=404)
    assert page.locator("h1").text_content() == "Nothing here"


def test_every_response_carries_the_security_headers(hostile_url: str):
    doc_url = hits(hostile_url)[0]["doc_url"]
    paths = {
        "/": 200,
        f"/?q={WORD}": 200,
        doc_url: 200,
        "/stats": 200,
        "/static/sifter.js": 200,
        "/api/search?q=" + WORD: 200,
        "/api" + doc_url.replace("/doc/", "/documents/"): 200,
        "/api/stats": 200,
        "/api/health": 200,
        "/api/openapi.json": 200,
        "/?q=%21%21%21": 400,
        "/api/search?page=x": 400,
        "/doc/missing": 404,
        "/api/documents/missing": 404,
        "/nowhere": 404,
        "/static/missing.js": 404,
    }
    for path, status in paths.items():
        try:
            response = urllib.request.urlopen(hostile_url + path)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            assert response.status == status, path
            for name, value in SECURITY_HEADERS.items():
                assert response.headers[name] == value, (path, name)
            if response.headers["Content-Type"].startswith("text/html"):
                assert "charset=utf-8" in response.headers["Content-Type"]
