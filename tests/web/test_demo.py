"""The demo corpus (web/demo.py): fetched from the Debian archive, so slow and networked:
`pytest -m slow tests/web/test_demo.py`. Runs the build step of `make demo` (not the
server) into a fresh folder, as on a fresh machine."""

from __future__ import annotations

import shutil

import pytest

from search.engine import Engine
from search.results import SearchRequest
from web.demo import PACKAGES, build_demo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("apt-get") and shutil.which("dpkg-deb")), reason="needs Debian's apt"
    ),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return build_demo(tmp_path_factory.mktemp("demo"))


def test_the_demo_holds_hundreds_of_real_pages_in_several_languages(demo):
    assert demo.packages == list(PACKAGES)
    assert demo.pages >= 400
    assert not demo.report.failed
    assert demo.report.indexed >= 400  # the Debian pages and the bundled samples
    engine = Engine(demo.index)
    everything = engine.search(SearchRequest(q=""))
    facets = {f.name: f for f in everything.facets}
    langs = {v.value: v.count for v in facets["lang"].values}
    assert {"en", "de", "fr", "ru", "zh", "ja", "ko"} <= set(langs)
    assert all(langs[code] >= 10 for code in ("en", "fr", "ru", "zh", "ja"))
    sources = {v.value for v in facets["source"].values}
    assert {"debian-faq-zh-cn", "aptitude-doc-fr", "debian-reference-ja"} <= sources
    # near duplicates (partly translated pages) fold, and a common word pages on
    assert everything.rows < everything.total
    assert engine.search(SearchRequest(q="package")).pages >= 5
    # the bundled samples sit next to the demo pages
    assert engine.search(SearchRequest(q="in:chrome 联系我们")).total == 1


def test_a_second_run_reuses_the_downloads_and_reindexes_nothing(demo):
    again = build_demo(demo.corpus.parent)
    assert again.report.indexed == 0 and again.report.unchanged == demo.report.indexed
    assert again.pages == demo.pages
