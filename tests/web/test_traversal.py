"""Document ids cannot reach files: traversal, encoded slashes, absolute paths, NUL bytes,
invalid UTF-8 and very long ids, sent as raw request lines to the real server (waitress,
which does not normalise paths the way a browser or an HTTP library would), get a 404 or
400 in the usual shape and never a file from outside the index, nor a 500.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from tests.conftest import CORPUS, REPO
from web.app import SECURITY_HEADERS

HOSTILE_IDS = [
    "../../etc/passwd",
    "../../../../../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "..%252f..%252fetc%252fpasswd",
    "..\\..\\etc\\passwd",
    "..%5c..%5cetc%5cpasswd",
    "%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "etc/passwd%00",
    "%00",
    "a%00b",
    "..",
    ".",
    "%2e%2e",
    "%ff%fe",
    "%ed%a0%80",
    "~root",
    "%7e/.ssh/id_rsa",
    "file:%2f%2f%2fetc%2fpasswd",
    "CURRENT",  # names of files in the index folder
    "sifter-build.json",
    "gen-000001",
    "gen-000001%2f_MAIN_1.toc",
    "x" * 20_000,
]
# What no answer may contain: /etc/passwd, the app's source, the raw corpus file.
SECRETS = ["root:x:0:0", "def create_app", "secret talks"]
STATIC_PATHS = [
    "/static/../web/app.py",
    "/static/..%2fapp.py",
    "/static/%2e%2e/app.py",
    "/static/%2e%2e%2fapp.py",
    "/static/..%5capp.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/%00",
]


def fetch(base: str, path: str, redirects: int = 3) -> tuple[int, dict, bytes]:
    """GET `path` exactly as written (no normalising, no re-quoting), following a few
    same-server redirects (werkzeug merges `//` with a 308)."""
    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        status, headers, body = response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
    if status in (301, 302, 307, 308) and redirects:
        location = urlsplit(headers["Location"])
        assert location.netloc in ("", host.netloc), headers["Location"]
        return fetch(
            base, location.path + (f"?{location.query}" if location.query else ""), redirects - 1
        )
    return status, headers, body


@pytest.fixture(scope="module")
def seed_id(client) -> str:
    return client.get("/api/search?q=secret").get_json()["hits"][0]["id"]


def _routes(seed_id: str, hostile: str) -> list[str]:
    return [
        f"/doc/{hostile}",
        f"/api/documents/{hostile}",
        f"/doc/{hostile}/raw",
        f"/api/documents/{hostile}/raw",
        f"/doc/{seed_id}/{hostile}",
        f"/doc/{seed_id}%2f{hostile}",
    ]


def assert_refused(status: int, headers: dict, body: bytes, path: str) -> None:
    assert status in (400, 404), (path[:120], status)
    for secret in SECRETS:
        assert secret.encode() not in body, (path[:120], secret)
    assert len(body) < 20_000, path[:120]  # the id is not echoed whole
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (path[:120], name)
    if "/api/" in path:
        error = json.loads(body)["error"]
        assert error["code"] in ("not_found", "bad_request") and error["message"]


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=lambda h: h[:40])
def test_hostile_document_ids_are_refused(server_url: str, seed_id: str, hostile: str):
    for path in _routes(seed_id, hostile):
        assert_refused(*fetch(server_url, path), path)


@pytest.mark.parametrize("path", STATIC_PATHS)
def test_static_files_stay_inside_the_static_folder(server_url: str, path: str):
    assert_refused(*fetch(server_url, path), path)


def test_real_documents_still_open(server_url: str, seed_id: str):
    """The refusals above are not a server that refuses everything."""
    status, _, body = fetch(server_url, f"/api/documents/{seed_id}")
    assert status == 200 and json.loads(body)["id"] == seed_id
    status, _, body = fetch(server_url, f"/doc/{seed_id}")
    assert status == 200 and b"secret talks" in body
    status, _, body = fetch(server_url, "/static/sifter.js")
    assert status == 200 and body == (REPO / "web" / "static" / "sifter.js").read_bytes()
    assert any(CORPUS.iterdir())
