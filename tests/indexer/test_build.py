"""`sifter index` over real folders: bad files are reported and the rest indexed; the index
mirrors its roots."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.write import build
from search.engine import Engine
from search.results import SearchRequest
from tests.conftest import CORPUS, REPO

ARTICLE = (
    "Researchers archived the harbour festival pages. The festival drew fishermen, "
    "musicians and cooks from every village along the coast.\n"
)


def search(index: Path, q: str) -> int:
    return Engine(index).search(SearchRequest(q=q)).total


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 64)
    os.mkfifo(corpus / "pipe.txt")  # root can read any file, but not a FIFO without a writer
    (corpus / "dangling.html").symlink_to(corpus / "nowhere.html")
    (corpus / "broken.txt.gz").write_bytes(gzip.compress(ARTICLE.encode())[:20])
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4 not a corpus file")
    return corpus


def test_bad_files_are_reported_and_the_rest_indexed(messy: Path, tmp_path: Path):
    report = build([messy], tmp_path / "index")
    assert report.indexed == 3
    failed = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failed) == {"binary.txt", "pipe.txt", "dangling.html", "broken.txt.gz"}
    assert "binary" in failed["binary.txt"]
    assert "gzip" in failed["broken.txt.gz"]
    assert search(tmp_path / "index", "abduction") == 3


def test_cli_summary_lists_each_failure_and_exit_code_says_so(messy: Path, tmp_path: Path):
    run = subprocess.run(
        [sys.executable, "-m", "web.cli", "index", str(messy), "--index", str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert run.returncode == 1
    assert "indexed 3 documents" in run.stdout and "failed 4" in run.stdout
    assert f"FAILED  {messy / 'binary.txt'}: binary content" in run.stdout


def test_reindex_skips_unchanged_replaces_changed_and_drops_deleted(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "b.txt").write_text(ARTICLE.replace("harbour", "mountain"), encoding="utf-8")
    index = tmp_path / "index"
    assert build([corpus], index).indexed == 2

    again = build([corpus], index)
    assert (again.indexed, again.unchanged, again.deleted) == (0, 2, 0)

    (corpus / "a.txt").write_text(ARTICLE.replace("harbour", "river"), encoding="utf-8")
    os.utime(corpus / "a.txt", ns=(1, 1))
    (corpus / "b.txt").unlink()
    third = build([corpus], index)
    assert (third.indexed, third.unchanged, third.deleted) == (1, 0, 1)
    assert search(index, "river") == 1
    assert search(index, "harbour") == 0 and search(index, "mountain") == 0
    assert Engine(index).count() == 1


def test_other_roots_are_left_alone(tmp_path: Path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    (one / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (two / "b.txt").write_text(ARTICLE.replace("harbour", "mountain"), encoding="utf-8")
    index = tmp_path / "index"
    build([one], index)
    build([two], index)
    assert search(index, "harbour") == 1 and search(index, "mountain") == 1


def test_jsonl_records_keep_url_date_source_and_report_bad_lines(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = [
        {
            "id": "r1",
            "text": ARTICLE,
            "url": "https://www.example.org/a",
            "timestamp": "2019-03-04T05:06:07Z",
        },
        "{not json",
        {"id": "r2", "url": "https://example.org/b"},
        {
            "html": f"<html><body><p>{ARTICLE.replace('harbour', 'lake')}</p></body></html>",
            "source": "Lake Gazette",
        },
    ]
    payload = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    (corpus / "crawl.jsonl.gz").write_bytes(gzip.compress(payload.encode()))
    report = build([corpus], tmp_path / "index")
    assert report.indexed == 2
    assert sorted((f.record, f.reason.split(":")[0]) for f in report.failed) == [
        ("L2", "malformed JSON"),
        ("L3", "no 'text' or 'html' string"),
    ]
    engine = Engine(tmp_path / "index")
    (hit,) = engine.search(SearchRequest(q="harbour")).hits
    assert (hit.url, hit.date, hit.date_kind) == (
        "https://www.example.org/a",
        "2019-03-04",
        "crawled",
    )
    assert hit.source == "example.org"
    (lake,) = engine.search(SearchRequest(q="lake")).hits
    assert lake.source == "Lake Gazette"


def test_warc_html_responses_are_indexed(tmp_path: Path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    html = (
        "<html><head><meta charset='gbk'><title>港口节</title></head><body>"
        "<p>渔民和厨师们从沿海的每个村庄赶来参加港口节，节日持续了整整三天。</p>"
        "</body></html>"
    ).encode("gbk")
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://news.example.cn/a", "response", payload=io.BytesIO(html), http_headers=headers
        )
    )
    text_headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://news.example.cn/x.png",
            "response",
            payload=io.BytesIO(b"\x89PNG"),
            http_headers=text_headers,
        )
    )
    (corpus / "crawl.warc.gz").write_bytes(buffer.getvalue())
    report = build([corpus], tmp_path / "index")
    assert report.indexed == 1 and not report.failed
    (hit,) = Engine(tmp_path / "index").search(SearchRequest(q="渔民")).hits
    assert hit.lang == "zh" and hit.url == "https://news.example.cn/a"
    assert hit.source == "news.example.cn"
