"""bench/load.py: the load generator counts every failure, and the full load (32
connections for 30 s against `sifter serve` over ~3,000 pages) ends with none.

The full run builds an index of 3,000 generated pages first (a few minutes on 2 cores),
so it is marked slow: `pytest -m slow tests/web/test_load.py` or `make load`.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bench import load
from tests.conftest import REPO, SHARED


def test_failures_are_counted_and_make_the_run_fail(server_url: str, capsys):
    requests = [load.Request("health", "/api/health"), load.Request("document", "/doc/nothing")]
    samples, wall = load.run(server_url, requests, connections=2, duration=1.0, seed=1)
    assert {s.status for s in samples} == {200, 404}
    failed = load.report(samples, wall, connections=2, documents=3)
    assert failed == sum(1 for s in samples if s.path == "/doc/nothing") > 0
    out = capsys.readouterr().out
    assert f"{failed} failed, 0 with a 5xx status" in out
    assert "FAILED 404 /doc/nothing" in out


def test_a_clean_run_reports_throughput_and_percentiles(server_url: str, capsys):
    requests = [
        load.Request("health", "/api/health"),
        load.Request("keyword", "/api/search?q=secret"),
        load.Request("post", "/api/search", '{"q": "secret", "lang": ["en"]}'),
    ]
    samples, wall = load.run(server_url, requests, connections=4, duration=1.0, seed=2)
    assert {s.kind for s in samples} == {"health", "keyword", "post"}
    assert load.report(samples, wall, connections=4, documents=3) == 0
    out = capsys.readouterr().out
    assert re.search(r"requests/s; 0 failed, 0 with a 5xx status, 0 partial", out)
    assert re.search(r"^all\s+\d+(\s+\d+\.\d){4}$", out, re.MULTILINE)


def test_generated_pages_are_real_text_in_many_languages():
    pages = load.generate_pages(SHARED / "dev-data", 420, seed=1)
    assert len(pages) == 420 and len({p.lang for p in pages}) >= 20
    assert len({p.text for p in pages}) == 420
    assert any("中" in p.text for p in pages if p.lang == "zh")


@pytest.mark.slow
def test_thirty_seconds_of_32_connections_without_an_error(tmp_path):
    command = [sys.executable, "bench/load.py", "--data", str(SHARED / "dev-data")]
    done = subprocess.run(
        [*command, "--work", str(tmp_path)], cwd=REPO, capture_output=True, text=True
    )
    print(done.stdout, done.stderr)
    assert done.returncode == 0
    assert re.search(r"over 32 connections .* 0 failed, 0 with a 5xx status", done.stdout)
