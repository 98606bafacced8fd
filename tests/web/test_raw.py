"""The raw record: /doc/<id>/raw serves a document's bytes exactly as crawled (never as
HTML), /api/documents/<id>/raw says where they are (file, record, offset, length,
WARC-Record-ID, sha256) and what encoding they were read as, and a file changed since
indexing is reported as changed instead of being passed off as the record."""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.web.corpus import SENTENCES
from web.app import create_app

RARE = "𠀀𪚥是罕见的字，只在GB18030里有四字节编码。"  # outside GBK: four bytes in GB18030
ZH_TEXT = "\n".join(["洪水之后的河谷", *SENTENCES["zh"], RARE]) + "\n"
WARC_PAGES = [
    ("https://warc.example/a", "Basalt columns", "The basalt columns of the coast were mapped."),
    ("https://warc.example/b", "Granite quarry", "The old granite quarry became a lake."),
]
JSONL_LINES = [
    {"id": "j1", "url": "https://j.example/1", "text": "Heron nests line the marsh in spring."},
    {"id": "j2", "url": "https://j.example/2", "text": "Otters returned to the millpond at dusk."},
    {"id": "j3", "url": "https://j.example/3", "text": "Kingfishers dive from the willow branch."},
]


def write_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "gb.txt").write_bytes(ZH_TEXT.encode("gb18030"))
    lines = [json.dumps(obj, ensure_ascii=False).encode() for obj in JSONL_LINES]
    (root / "notes.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    with open(root / "crawl.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, title, text in WARC_PAGES:
            body = f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body.encode()), http_headers=headers
            )
            writer.write_record(record)
    with gzip.open(root / "packed.txt.gz", "wb") as handle:
        handle.write(b"Packed away: the lighthouse keeper's log of storms.\n")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("raw") / "corpus")


@pytest.fixture(scope="module")
def raw_client(corpus, tmp_path_factory):
    from indexer.write import build

    index_dir = tmp_path_factory.mktemp("raw-index")
    report = build([corpus], index_dir)
    assert report.indexed == 1 + 3 + 2 + 1 and not report.failed
    return create_app(index_dir).test_client()


def doc_id(client, query: str) -> str:
    hits = client.get("/api/search", query_string={"q": query}).get_json()["hits"]
    assert len(hits) == 1, hits
    return hits[0]["id"]


def test_a_gb18030_page_comes_back_byte_for_byte_with_its_encoding(raw_client, corpus):
    id_ = doc_id(raw_client, "罕见")
    original = (corpus / "gb.txt").read_bytes()
    response = raw_client.get(f"/doc/{id_}/raw")
    assert response.status_code == 200
    assert response.data == original
    assert response.headers["Content-Type"] == "text/plain; charset=gb18030"
    assert response.headers["X-Sifter-Encoding"] == "gb18030"
    assert response.headers["X-Sifter-SHA256"] == hashlib.sha256(original).hexdigest()
    info = raw_client.get(f"/api/documents/{id_}/raw").get_json()
    assert info["encoding"] == "gb18030" and info["text"] == ZH_TEXT
    assert (info["path"], info["record"], info["offset"], info["length"]) == (
        "gb.txt",
        None,
        0,
        len(original),
    )
    assert info["sha256"] == hashlib.sha256(original).hexdigest()


def test_raw_bytes_are_never_served_as_html(raw_client):
    id_ = doc_id(raw_client, "basalt")
    response = raw_client.get(f"/doc/{id_}/raw")
    assert response.data.startswith(b"<html>")  # crawled markup...
    assert response.mimetype == "text/plain"  # ...shown as text
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    download = raw_client.get(f"/doc/{id_}/raw?download=1")
    assert download.mimetype == "application/octet-stream"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{id_}.html"'
    assert download.data == response.data
    assert raw_client.get(f"/doc/{id_}/raw?download=maybe").status_code == 400


def test_a_warc_record_is_found_by_its_offset_and_record_id(raw_client, corpus):
    path = corpus / "crawl.warc.gz"
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        records = []
        for record in iterator:
            payload = record.content_stream().read()
            records.append(
                (record.rec_headers.get_header("WARC-Record-ID"), payload)
                + (iterator.get_record_offset(), iterator.get_record_length())
            )
    record_id, payload, offset, length = records[1]
    assert offset > 0  # the second record: not the start of the file
    id_ = doc_id(raw_client, "granite")
    info = raw_client.get(f"/api/documents/{id_}/raw").get_json()
    assert info["warc_record_id"] == record_id
    assert (info["record"], info["offset"], info["length"]) == (f"@{offset}", offset, length)
    assert info["format"] == "warc" and info["offsets_in"] == "file"
    assert raw_client.get(f"/doc/{id_}/raw").data == payload
    # The offset is a citation anyone can check: a gzip member that holds this record.
    member = gzip.decompress(path.read_bytes()[offset : offset + length])
    assert member.startswith(b"WARC/1.") and record_id.encode() in member


def test_a_jsonl_record_is_its_line(raw_client, corpus):
    data = (corpus / "notes.jsonl").read_bytes()
    second = data.split(b"\n")[1]
    id_ = doc_id(raw_client, "otters")
    info = raw_client.get(f"/api/documents/{id_}/raw").get_json()
    assert (info["record"], info["offset"], info["length"]) == (
        "L2",
        data.index(second),
        len(second),
    )
    assert raw_client.get(f"/doc/{id_}/raw").data == second
    assert json.loads(info["text"]) == JSONL_LINES[1]


def test_a_gzipped_page_is_given_decompressed(raw_client):
    id_ = doc_id(raw_client, "lighthouse")
    response = raw_client.get(f"/doc/{id_}/raw")
    assert response.data == b"Packed away: the lighthouse keeper's log of storms.\n"


def test_the_document_page_links_to_the_raw_record(raw_client):
    id_ = doc_id(raw_client, "granite")
    page = raw_client.get(f"/doc/{id_}").get_data(as_text=True)
    assert f'href="/doc/{id_}/raw"' in page and f'href="/doc/{id_}/raw?download=1"' in page
    info = raw_client.get(f"/api/documents/{id_}/raw").get_json()
    assert info["sha256"] in page and html.escape(info["warc_record_id"]) in page


def test_an_unknown_id_is_404(raw_client):
    for url in ("/doc/nope/raw", "/api/documents/nope/raw"):
        assert raw_client.get(url).status_code == 404


def test_a_changed_or_missing_file_is_reported_not_served(tmp_path):
    from indexer.write import build

    corpus = write_corpus(tmp_path / "corpus")
    build([corpus], tmp_path / "index")
    client = create_app(tmp_path / "index").test_client()
    jsonl_id, gb_id = doc_id(client, "otters"), doc_id(client, "罕见")
    assert client.get(f"/doc/{jsonl_id}/raw").status_code == 200

    # The same length, other bytes: only the hash can tell.
    data = (corpus / "notes.jsonl").read_bytes()
    (corpus / "notes.jsonl").write_bytes(data.replace(b"Otters", b"Beaver"))
    for url in (f"/doc/{jsonl_id}/raw", f"/api/documents/{jsonl_id}/raw"):
        response = client.get(url)
        assert response.status_code == 409
        assert "changed since it was indexed" in response.get_data(as_text=True)
    error = client.get(f"/api/documents/{jsonl_id}/raw").get_json()["error"]
    assert error["code"] == "raw_unavailable" and "notes.jsonl" in error["message"]

    (corpus / "gb.txt").unlink()
    response = client.get(f"/api/documents/{gb_id}/raw")
    assert response.status_code == 409
    assert "no longer in the corpus" in response.get_json()["error"]["message"]


def test_raw_responses_match_the_openapi_description(raw_client):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    spec = raw_client.get("/api/openapi.json").get_json()
    registry = Registry().with_resource("urn:spec", Resource(spec, specification=DRAFT202012))
    described = spec["paths"]["/api/documents/{id}/raw"]["get"]["responses"]

    def check(response) -> None:
        schema = described[str(response.status_code)]["content"]["application/json"]["schema"]
        wrapper = {"$ref": "urn:spec#" + schema["$ref"].lstrip("#")}
        Draft202012Validator(wrapper, registry=registry).validate(response.get_json())

    for query in ("罕见", "otters", "granite", "lighthouse"):
        check(raw_client.get(f"/api/documents/{doc_id(raw_client, query)}/raw"))
    check(raw_client.get("/api/documents/nope/raw"))
