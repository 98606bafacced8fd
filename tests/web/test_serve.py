"""`sifter serve` for real: waitress on a loopback port, a re-built index picked up
without a restart, long queries by POST, errors in the API's shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO, free_port, serving
from web.cli import serve_threads


def fetch(url: str, body: dict | None = None) -> tuple[int, dict, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.load(error)


def test_threads_follow_the_machine():
    assert serve_threads(1) == 4 and serve_threads(2) == 4 and serve_threads(4) == 8
    assert serve_threads(64) == 16


def test_a_rebuilt_index_is_searched_without_a_restart(tmp_path: Path):
    from indexer.write import build

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The river Velmora floods the lower town in spring.\n" * 3)
    build([corpus], index)
    with serving(index) as url:
        for _ in range(8):  # every worker thread opens (and keeps) its searcher
            assert fetch(url + "/api/search?q=zanzibar")[2]["total"] == 0
        (corpus / "b.txt").write_text("Spices from Zanzibar reached the Velmora markets.\n" * 3)
        build([corpus], index)
        for _ in range(8):  # whichever thread answers, it sees the new index
            assert fetch(url + "/api/search?q=zanzibar")[2]["total"] == 1
            assert fetch(url + "/api/health")[2]["documents"] == 2


def test_long_queries_go_by_post_and_errors_keep_the_shape(rich_server_url: str):
    words = " OR ".join(["velmora"] + [f"word{i}" for i in range(20)])
    status, headers, body = fetch(rich_server_url + "/api/search", {"q": words, "lang": ["de"]})
    assert status == 200 and body["total"] == 8
    assert headers["Server"] == "sifter"  # waitress, named by `ident`
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    # Issue 7 refines this: a query past 2,000 characters is cut with a note, not refused.
    status, _, body = fetch(rich_server_url + "/api/search", {"q": "velmora " * 1000})
    assert status == 200 and body["total"] > 0
    assert body["notes"][0].startswith("The query was cut to its first")
    status, _, body = fetch(rich_server_url + "/api/search", {"q": "* " * 5000})
    assert status == 400 and body["error"]["param"] == "q"
    status, _, body = fetch(rich_server_url + "/api/search?q=velmora&per_page=500")
    assert status == 400 and body["error"] == {
        "code": "invalid_parameter",
        "message": "per_page must be between 1 and 100",
        "param": "per_page",
    }


def test_sifter_serve_runs_waitress(seed_index: Path):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--index", str(seed_index)],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, headers, body = fetch(f"http://127.0.0.1:{port}/api/health")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert status == 200 and body == {"status": "ok", "documents": 3}
        assert headers["Server"] == "sifter"
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert f"{serve_threads()} threads" in stderr
