"""`sifter index` over the worst corpus we can write: it finishes, every file, JSONL line
and WARC record is either indexed or listed in the rejects file (path, record, reason),
the two add up to exactly what the corpus holds, the exit code says that something was
rejected, and the legacy encodings read back to their words."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search import generations
from search.engine import Engine
from search.results import SearchRequest
from tests.conftest import CORPUS, REPO

ZH = "渔民和厨师们从沿海的每个村庄赶来参加港口节，节日持续了整整三天。人们在码头上唱歌跳舞。"
ZH_HANT = "漁民和廚師們從沿海的每個村莊趕來參加港口節，節日持續了整整三天。人們在碼頭上唱歌跳舞。"
JA = "漁師と料理人が海沿いの村から港祭りにやって来た。祭りはまる三日間続いた。"
KO = "어부들과 요리사들이 해안을 따라 모든 마을에서 항구 축제에 왔다."
RU = "Рыбаки и повара из каждой деревни на побережье приехали на праздник гавани."
FR = "Café déjà vu — « naïve » résumé de la façade, à l’œil."
EN = "The harbour festival drew fishermen and cooks from every village along the coast."
HUGE_BYTES = 50 * 2**20

# file name -> (what it is encoded as, the phrase it must read back to, a word to search)
LEGACY = {
    "gb18030.txt": ("gb18030", ZH, "港口节"),
    "big5.txt": ("big5", ZH_HANT, "碼頭"),
    "shift_jis.txt": ("shift_jis", JA, "港祭り"),
    "utf16-bom.txt": ("utf-16", KO, "항구"),
    "utf16-no-bom.txt": ("utf-16-le", RU, "рыбаки"),
}


def run_index(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "web.cli", "index", *map(str, args), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )


def write_warc(path: Path) -> tuple[list[int], list[int]]:
    """A gzipped WARC as a crawler writes it (warcinfo, request and response records, an
    image), its last HTML response cut in half. Returns the offsets of every record that
    starts in the file and those of the complete HTML responses."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    offsets, html = [], []

    def add(record, is_html: bool = False) -> None:
        offsets.append(buffer.tell())
        if is_html:
            html.append(buffer.tell())
        writer.write_record(record)

    add(writer.create_warcinfo_record(path.name, {"software": "hostile-test"}))
    pages = [
        ("https://news.example.cn/a", "text/html; charset=gbk", f"<p>{ZH}</p>".encode("gbk")),
        ("https://news.example.cn/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(300)),
        ("https://news.example.cn/b", "text/html", f"<p>{EN} Warc page.</p>".encode()),
        ("https://news.example.cn/c", "text/html", f"<p>{EN} Cut short. {'x' * 4000}</p>".encode()),
    ]
    for url, content_type, body in pages:
        request = io.BytesIO(f"GET {url} HTTP/1.1\r\n\r\n".encode())
        add(writer.create_warc_record(url, "request", payload=request))
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], "HTTP/1.1")
        response = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers
        )
        add(response, is_html="html" in content_type and not url.endswith("/c"))
    data = buffer.getvalue()
    last = offsets[-1]
    path.write_bytes(data[: last + (len(data) - last) // 2])
    return offsets, html


def hostile_corpus(root: Path) -> tuple[set[tuple[str, str | None]], set[tuple[str, str | None]]]:
    """Writes the corpus; returns every unit it holds (a file, a JSONL line, a WARC
    record, as (path, record)) and those that hold a readable page."""
    root.mkdir()
    units: set[tuple[str, str | None]] = set()
    pages: set[tuple[str, str | None]] = set()

    def file(name: str, data: bytes, page: bool) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        units.add((str(path), None))
        if page:
            pages.add((str(path), None))
        return path

    for name, (encoding, phrase, _) in LEGACY.items():
        file(f"legacy/{name}", ((phrase + "\n") * 3).encode(encoding), page=True)
    broken = f"{FR}\n{ZH}\n".encode() + b"\xff\xfe\xc3 broken \x80\n" + EN.encode()
    file("invalid-utf8.txt", broken, page=True)  # UTF-8 with a few bad bytes
    file("binary.txt", bytes(range(256)) * 64, page=False)
    file("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 16, page=False)
    file("notes.pdf", b"%PDF-1.4 not a corpus file", page=False)
    file("empty.txt", b"", page=False)
    file("truncated.txt.gz", gzip.compress((EN * 50).encode())[:40], page=False)
    file("truncated.jsonl.gz", gzip.compress(json.dumps({"text": EN}).encode() * 50)[:60], False)
    filler = b"<p>" + b"Endless filler paragraph of a runaway page. " * 40 + b"</p>\n"
    head = b"<html><head><title>Colossal page</title></head><body><p>Zeppelin hangar opening.</p>"
    file("huge.html", head + filler * (HUGE_BYTES // len(filler)) + b"</body></html>", True)
    deep = "<div>" * 20_000 + "<p>Deep lantern text at the bottom.</p>" + "</div>" * 20_000
    file("deep.html", deep.encode(), page=True)
    scripts = "<script>var zebracode = 'never shown';</script><style>.q{color:red}</style>" * 2000
    file("scripts.html", (scripts + "<p>Visible text about the quince orchard.</p>").encode(), True)

    lines = [
        json.dumps({"id": "a1", "text": EN, "url": "https://example.org/a"}).encode(),
        json.dumps({"html": f"<p>{ZH}</p>", "source": "Harbour News"}, ensure_ascii=False).encode(),
        b"{not json",
        b"",  # a blank line is no record
        b"[1, 2, 3]",
        json.dumps({"id": "a2", "url": "https://example.org/no-text"}).encode(),
        json.dumps({"text": 42}).encode(),
        b'{"text": "bad \xff\xfe bytes"}',
        json.dumps({"id": "a1", "text": f"{EN} Same id again."}).encode(),
    ]
    jsonl = file("crawl.jsonl", b"\n".join(lines) + b"\n", page=False)
    units.discard((str(jsonl), None))  # a container's units are its lines
    for number, line in enumerate(lines, start=1):
        if line:
            units.add((str(jsonl), f"L{number}"))
    for number in (1, 2, 9):
        pages.add((str(jsonl), f"L{number}"))

    warc = root / "crawl.warc.gz"
    offsets, html = write_warc(warc)
    units |= {(str(warc), f"@{offset}") for offset in offsets}
    pages |= {(str(warc), f"@{offset}") for offset in html}

    (root / "loop").symlink_to(root)  # a folder link back to the root
    (root / "ring-a.txt").symlink_to(root / "ring-b.txt")  # two links pointing at each other
    (root / "ring-b.txt").symlink_to(root / "ring-a.txt")
    (root / "dangling.html").symlink_to(root / "nowhere.html")
    os.mkfifo(root / "pipe.txt")  # unreadable even by root: a FIFO with no writer
    units |= {(str(root / n), None) for n in ("loop", "ring-a.txt", "ring-b.txt", "pipe.txt")}
    units.add((str(root / "dangling.html"), None))
    secret = file("secret.txt", f"{EN} Locked away.\n".encode(), page=os.geteuid() == 0)
    secret.chmod(0)  # as root this does not stop reading (TRAPS.md): then it is a page
    return units, pages


def indexed_units(index: Path) -> list[tuple[str, str | None]]:
    ix = whoosh_index.open_dir(str(generations.live_dir(index)))
    with ix.searcher() as searcher:
        return [(f["file"], f.get("record")) for f in searcher.all_stored_fields()]


def stored(index: Path, path: Path) -> dict:
    ix = whoosh_index.open_dir(str(generations.live_dir(index)))
    with ix.searcher() as searcher:
        (fields,) = [f for f in searcher.all_stored_fields() if f["file"] == str(path)]
        return fields


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("hostile")
    corpus, index, rejects = base / "corpus", base / "index", base / "rejects.jsonl"
    units, pages = hostile_corpus(corpus)
    run = run_index(corpus, "--index", index, "--rejects", rejects)
    return corpus, index, rejects, units, pages, run


def test_every_file_line_and_record_is_indexed_or_listed_and_the_counts_add_up(hostile):
    corpus, index, rejects, units, pages, run = hostile
    assert run.returncode == 1, run.stderr  # something was rejected
    listed = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    rejected = [(r["path"], r["record"]) for r in listed]
    indexed = indexed_units(index)
    assert len(set(indexed)) == len(indexed) and len(set(rejected)) == len(rejected)
    assert not set(indexed) & set(rejected)
    assert set(indexed) | set(rejected) == units
    assert len(indexed) + len(rejected) == len(units)
    assert set(indexed) == pages  # each page indexed, nothing else
    assert all(r["reason"] and r["status"] in ("failed", "skipped") for r in listed)
    failed = sum(r["status"] == "failed" for r in listed)
    assert f"indexed {len(indexed)} documents" in run.stdout
    assert f"skipped {len(listed) - failed}, failed {failed} " in run.stdout
    assert f"rejected {len(rejected)} files or records, listed in {rejects}" in run.stdout


def test_each_kind_of_damage_is_rejected_with_its_reason(hostile):
    corpus, _, rejects, *_ = hostile
    listed = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    reasons = {
        (Path(r["path"]).relative_to(corpus).as_posix(), r["record"]): (r["status"], r["reason"])
        for r in listed
    }
    expected = {
        ("binary.txt", None): ("failed", "binary content"),
        ("photo.jpg", None): ("skipped", "not a corpus file type (.jpg)"),
        ("notes.pdf", None): ("skipped", "not a corpus file type (.pdf)"),
        ("empty.txt", None): ("skipped", "no text left"),
        ("truncated.txt.gz", None): ("failed", "broken gzip"),
        ("truncated.jsonl.gz", None): ("failed", "broken gzip"),
        ("crawl.jsonl", "L3"): ("failed", "malformed JSON"),
        ("crawl.jsonl", "L5"): ("failed", "line is not a JSON object"),
        ("crawl.jsonl", "L6"): ("failed", "no 'text' or 'html' string"),
        ("crawl.jsonl", "L7"): ("failed", "no 'text' or 'html' string"),
        ("crawl.jsonl", "L8"): ("failed", "malformed JSON"),
        ("loop", None): ("skipped", "link to a folder, not followed"),
        ("ring-a.txt", None): ("failed", "cannot read: Too many levels of symbolic links"),
        ("ring-b.txt", None): ("failed", "cannot read: Too many levels of symbolic links"),
        ("dangling.html", None): ("failed", "cannot read: No such file or directory"),
        ("pipe.txt", None): ("failed", "not a regular file"),
    }
    if os.geteuid() != 0:
        expected[("secret.txt", None)] = ("failed", "cannot read: Permission denied")
    for unit, (status, reason) in expected.items():
        assert unit in reasons, f"{unit} is not listed"
        assert reasons[unit][0] == status and reasons[unit][1].startswith(reason), unit
    warc = {record: why for (name, record), why in reasons.items() if name == "crawl.warc.gz"}
    kinds = sorted(reason.split(":")[0] for _, reason in warc.values())
    assert kinds == [
        "WARC request record",
        "WARC request record",
        "WARC request record",
        "WARC request record",
        "WARC response of type image/png",
        "WARC warcinfo record",
        "truncated WARC record",
    ]


def test_legacy_encodings_read_back_and_are_searchable(hostile):
    corpus, index, *_ = hostile
    engine = Engine(index)
    for name, (_, phrase, word) in LEGACY.items():
        fields = stored(index, corpus / "legacy" / name)
        assert phrase in fields["body"], f"{name} read as {fields['encoding']}"
        hits = engine.search(SearchRequest(q=word, per_page=100)).hits
        assert fields["id"] in {hit.id for hit in hits}, f"{word!r} does not find {name}"
    broken = stored(index, corpus / "invalid-utf8.txt")
    assert broken["encoding"] == "utf-8"
    assert FR in broken["body"] and ZH in broken["body"]
    assert EN in broken["body"] + "".join(broken["chrome"])  # read; judged chrome here


def test_hostile_html_is_indexed_for_its_text_only(hostile):
    corpus, index, *_ = hostile
    engine = Engine(index)
    huge = stored(index, corpus / "huge.html")
    assert huge["truncated"] and len(huge["body"]) <= 1_000_000
    assert [h.id for h in engine.search(SearchRequest(q="zeppelin hangar")).hits] == [huge["id"]]
    deep = stored(index, corpus / "deep.html")
    assert "Deep lantern text at the bottom." in deep["body"]
    scripts = stored(index, corpus / "scripts.html")
    assert scripts["body"] == "Visible text about the quince orchard."
    assert engine.search(SearchRequest(q="zebracode")).total == 0


def test_a_clean_corpus_exits_zero_with_an_empty_rejects_file(tmp_path: Path):
    run = run_index(CORPUS, "--index", tmp_path / "index")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "indexed 3 documents" in run.stdout and "rejected 0 files or records" in run.stdout
    assert (tmp_path / "index" / "sifter-rejects.jsonl").read_text() == ""


def test_an_index_inside_the_corpus_is_not_read_as_pages(tmp_path: Path, capsys):
    from web.cli import main

    corpus = tmp_path / "corpus"
    (corpus / "pages").mkdir(parents=True)
    (corpus / "pages" / "a.txt").write_text(f"{EN}\n", encoding="utf-8")
    index = corpus / "var" / "index"  # `sifter index .` with the default index folder
    assert main(["index", str(corpus), "--index", str(index), "--no-progress"]) == 1
    assert main(["index", str(corpus), "--index", str(index), "--no-progress"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-3].startswith("indexed 0 documents, unchanged 1, deleted 0, skipped 1, failed 0")
    assert out[-1] == f"  skipped {index}: a Sifter index folder, not read"
    listed = (index / "sifter-rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["path"] for line in listed] == [str(index)]
