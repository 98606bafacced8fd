"""Load: the production server (`sifter serve`, waitress) under concurrent mixed traffic.

    .venv/bin/python bench/load.py          # or `make load`: 32 connections for 30 s

One run writes the bundled corpus plus a few thousand pages generated from real text
(dev-data: XQuAD-R paragraphs in 11 languages, lingua's sentences in 20), indexes them
with `sifter index`, starts `sifter serve` on a free port of 127.0.0.1, and keeps
`--connections` persistent HTTP/1.1 connections busy for `--duration` seconds with a
fixed mix of requests: keywords, two words, phrases, prefixes, fuzzy words, Chinese and
Japanese, facet filters, newest-first, pages 2-5, the HTML search page and the API alike,
a POSTed search, document pages and the stats page. It prints throughput, latency
percentiles per kind of request and every failure, and exits 1 when any request failed
(connection error, time out, any status but 200), 2 when it could not run. `--url` aims
it at a running server.

Python threads rather than wrk (not in Debian's default set, and CI-free runs need no
apt): the client's own cost is small next to a search's, and each thread times only its
own request, from sending it to the last byte of the answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from search.generations import live_dir  # noqa: E402

# ../shared/dev-data beside the checkout, or further up for a git worktree in a subfolder.
DATA = next(
    (f / "shared" / "dev-data" for f in REPO.parents if (f / "shared" / "dev-data").is_dir()),
    REPO.parent / "shared" / "dev-data",
)
SOURCES = ("Daily Ledger", "Wire Service", "City Courier", "Open Encyclopedia", "Forum Digest")
FIRST_YEAR, YEARS = 2012, 13
REQUEST_TIMEOUT = 30.0  # seconds; a request slower than this counts as failed
WORD = re.compile(r"[^\W\d_]{4,}")
HAN = re.compile(r"[\u4e00-\u9fff]{2,4}")
KANA_HAN = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]{2,4}")
PARTIAL = re.compile(rb'"partial":\s*true')  # the API's flag on a search cut at its time limit

# The mix: kind of request → weight. Every request in it must answer 200.
MIX = {
    "keyword": 20,
    "two words": 10,
    "phrase": 8,
    "prefix": 6,
    "fuzzy": 3,
    "chinese": 6,
    "japanese": 3,
    "filtered": 10,
    "newest": 4,
    "paging": 8,
    "document": 12,
    "document api": 5,
    "stats": 2,
    "health": 3,
    "post": 3,
}


# --- the corpus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    lang: str
    text: str  # first line is the title
    source: str
    year: int


def generate_pages(data: Path, count: int, seed: int) -> list[Page]:
    """`count` pages of real text in 21 languages: a few consecutive XQuAD-R paragraphs
    with a headline and two more sentences of the same language, or 6-12 sentences of
    lingua's test data where XQuAD-R lacks the language. Overlapping windows of one
    article make near duplicates, as syndicated copies do in a crawl."""
    rng = random.Random(seed)
    sentences: dict[str, list[str]] = defaultdict(list)
    for path in sorted((data / "langid" / "sentences").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        sentences[path.stem] += [s for s in lines if s.strip()]
    articles: dict[str, list[list[str]]] = {}
    for path in sorted((data / "xquad-r").glob("*.json")):
        squad = json.loads(path.read_text(encoding="utf-8"))["data"]
        articles[path.stem] = [[p["context"] for p in a["paragraphs"]] for a in squad]
        sentences[path.stem] += [s for a in squad for p in a["paragraphs"] for s in p["sentences"]]
    langs = sorted(set(sentences) | set(articles))
    pages = []
    for n in range(count):
        lang = langs[n % len(langs)]
        extra = rng.sample(sentences[lang], 2)
        if lang in articles:
            paragraphs = rng.choice(articles[lang])
            start = rng.randrange(len(paragraphs))
            body = paragraphs[start : start + rng.randint(1, 3)] + extra
            title = re.split(r"(?<=[.!?。！？])\s*", body[0], maxsplit=1)[0][:90]
        else:
            body = rng.sample(sentences[lang], min(len(sentences[lang]), rng.randint(6, 12)))
            title = body.pop(0)
        year = FIRST_YEAR + rng.randrange(YEARS)
        pages.append(Page(lang, "\n".join([title, *body]), rng.choice(SOURCES), year))
    return pages


def write_corpus(pages: list[Page], folder: Path) -> None:
    """One JSONL file per language, in the mC4 shape the indexer reads."""
    by_lang: dict[str, list[str]] = defaultdict(list)
    for n, page in enumerate(pages):
        record = {
            "id": f"gen-{n}",
            "url": f"https://{page.source.lower().replace(' ', '-')}.example/{page.lang}/{n}",
            "timestamp": f"{page.year}-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00Z",
            "source": page.source,
            "text": page.text,
        }
        by_lang[page.lang].append(json.dumps(record, ensure_ascii=False))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for lang, lines in by_lang.items():
        (folder / f"{lang}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def index(roots: list[Path], index_dir: Path) -> None:
    """`sifter index`, as a user runs it; anything rejected stops the run."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "web.cli", "index", *map(str, roots), "--index"]
    done = subprocess.run([*command, str(index_dir)], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"sifter index exited {done.returncode}:\n{done.stdout}{done.stderr}")
    print(f"{done.stdout.strip()} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


@contextmanager
def serving(index_dir: Path) -> Iterator[tuple[str, int]]:
    """`sifter serve` (waitress, its default threads) on a free loopback port: its base
    URL and process id."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "web.cli", "serve", "--index", str(index_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryFile(mode="w+") as log:
        server = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server, log)
            yield base, server.pid
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.seek(0)
            tail = log.read()[-3000:]
            if "Traceback" in tail or "ERROR" in tail:
                print(f"server log:\n{tail}", file=sys.stderr)


def _wait_until_up(base: str, server: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise SystemExit(f"sifter serve did not start:\n{log.read()}") from None
            time.sleep(0.2)


# --- the requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str  # a key of MIX
    path: str
    body: str | None = None  # JSON, sent by POST


def workload(base: str, pages: list[Page], seed: int, size: int = 4000) -> list[Request]:
    """`size` requests in MIX's proportions, drawn from the pages' own words
    (so most find something), half of the searches as the HTML page, half as the API."""
    rng = random.Random(seed)
    latin = [p for p in pages if WORD.search(p.text) and p.lang not in ("zh", "ja", "ko", "th")]
    chinese = [p for p in pages if p.lang == "zh"]
    japanese = [p for p in pages if p.lang == "ja"]
    doc_frequency = Counter(w for p in latin for w in {w.lower() for w in WORD.findall(p.text)})
    common = [w for w, df in doc_frequency.items() if 40 <= df <= 400] or ["the"]

    def word(page: Page | None = None) -> str:
        return rng.choice(WORD.findall((page or rng.choice(latin)).text))

    def search(params: dict) -> str:
        endpoint = rng.choice(("/", "/api/search"))
        return f"{endpoint}?{urlencode(params, doseq=True)}"

    def one(kind: str) -> Request:
        if kind == "post":
            page = rng.choice(latin)
            body = {"q": f"{word(page)} {word(page)}", "lang": [page.lang], "per_page": 20}
            return Request(kind, "/api/search", json.dumps(body, ensure_ascii=False))
        return Request(kind, path(kind))

    def path(kind: str) -> str:
        page = rng.choice(latin)
        if kind == "keyword":
            return search({"q": word(page)})
        if kind == "two words":
            return search({"q": f"{word(page)} {word(page)}"})
        if kind == "phrase":
            words = page.text.split()
            i = rng.randrange(max(1, len(words) - 2))
            return search({"q": '"' + " ".join(words[i : i + rng.randint(2, 3)]) + '"'})
        if kind == "prefix":
            return search({"q": word(page)[:4] + "*"})
        if kind == "fuzzy":
            return search({"q": word(page) + "~"})
        if kind == "chinese":
            return search({"q": rng.choice(HAN.findall(rng.choice(chinese).text))})
        if kind == "japanese":
            return search({"q": rng.choice(KANA_HAN.findall(rng.choice(japanese).text))})
        if kind == "filtered":
            facet = rng.choice(("lang", "source", "year"))
            value = {"lang": page.lang, "source": page.source, "year": str(page.year)}[facet]
            return search({"q": word(page), facet: value})
        if kind == "newest":
            return search({"q": rng.choice(common), "sort": "date", "lang": page.lang})
        if kind == "paging":
            return search({"q": rng.choice(common), "page": rng.randint(2, 5)})
        if kind in ("document", "document api"):
            prefix = "/doc/" if kind == "document" else "/api/documents/"
            return prefix + rng.choice(ids)
        return {"stats": "/stats", "health": "/api/health"}[kind]

    ids = document_ids(base, [rng.choice(common) for _ in range(20)])
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=size)
    return [one(kind) for kind in kinds]


def document_ids(base: str, words: list[str]) -> list[str]:
    """Ids of real documents, found by searching (the load then opens their pages)."""
    found: set[str] = set()
    for word in words:
        query = urlencode({"q": word, "per_page": 100})
        with urllib.request.urlopen(f"{base}/api/search?{query}", timeout=60) as response:
            found.update(hit["id"] for hit in json.load(response)["hits"])
    if not found:
        raise SystemExit("no document found to open")
    return sorted(found)


# --- the load ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    kind: str
    path: str
    status: int  # 0: no answer
    seconds: float
    error: str | None = None
    partial: bool = False  # a search answered at its time limit with what it had


def run(
    base: str, requests: list[Request], connections: int, duration: float, seed: int
) -> tuple[list[Sample], float]:
    """Each of `connections` threads keeps one keep-alive connection and sends requests
    drawn from `requests` back to back until `duration` is over; every answer is read to
    its end. Returns the samples and the wall time the load took."""
    host = urlsplit(base)
    samples: list[Sample] = []
    lock = threading.Lock()
    start = threading.Barrier(connections + 1)
    deadline = [0.0]

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        mine: list[Sample] = []
        connection: http.client.HTTPConnection | None = None
        start.wait()
        while time.monotonic() < deadline[0]:
            request = rng.choice(requests)
            began = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        host.hostname, host.port, timeout=REQUEST_TIMEOUT
                    )
                if request.body is None:
                    connection.request("GET", request.path)
                else:
                    headers = {"Content-Type": "application/json"}
                    body = request.body.encode("utf-8")
                    connection.request("POST", request.path, body, headers)
                response = connection.getresponse()
                partial = bool(PARTIAL.search(response.read()))
                status, error = response.status, None
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as failure:
                status, error, partial = 0, f"{type(failure).__name__}: {failure}", False
                if connection is not None:
                    connection.close()
                connection = None
            seconds = time.perf_counter() - began
            mine.append(Sample(request.kind, request.path, status, seconds, error, partial))
        if connection is not None:
            connection.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + duration
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    return values[min(len(values) - 1, max(0, round(share * len(values)) - 1))]


def report(samples: list[Sample], wall: float, connections: int, documents: int) -> int:
    """Prints the figures; returns the number of failed requests."""
    failed = [s for s in samples if s.status != 200]
    server_errors = sum(1 for s in samples if s.status >= 500)
    print(
        f"{len(samples)} requests over {connections} connections in {wall:.1f} s against "
        f"{documents} documents: {len(samples) / wall:.1f} requests/s; "
        f"{len(failed)} failed, {server_errors} with a 5xx status, "
        f"{sum(s.partial for s in samples)} partial (at the search time limit)"
    )
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'kind':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    by_kind: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample.seconds * 1000)
    rows = [(kind, by_kind[kind]) for kind in MIX if kind in by_kind]
    rows.append(("all", [s.seconds * 1000 for s in samples]))
    for kind, values in rows:
        values.sort()
        figures = [percentile(values, p) for p in (0.50, 0.95, 0.99)] + [values[-1]]
        print(f"{kind:<14}{len(values):>9}" + "".join(f"{f:>9.1f}" for f in figures))
    for sample in failed[:20]:
        print(f"FAILED {sample.status} {sample.path[:100]} {sample.error or ''}")
    return len(failed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--pages", type=int, default=3000, help="generated pages to add")
    parser.add_argument("--data", type=Path, default=DATA, help="the dev-data folder")
    parser.add_argument("--work", type=Path, help="keep corpus and index here (reused)")
    parser.add_argument("--url", help="load a running server instead (its index unchanged)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not (args.data / "xquad-r").is_dir():
        print(f"no dev-data at {args.data}; pass --data", file=sys.stderr)
        return 2
    pages = generate_pages(args.data, args.pages, args.seed)
    if args.url:
        return load(args.url.rstrip("/"), pages, args)
    work = args.work or Path(tempfile.mkdtemp(prefix="sifter-load-"))
    index_dir, made = work / "index", work / "generated.json"
    recipe = json.dumps({"pages": args.pages, "seed": args.seed, "data": str(args.data)})
    if live_dir(index_dir) is None or not made.exists() or made.read_text() != recipe:
        shutil.rmtree(index_dir, ignore_errors=True)
        write_corpus(pages, work / "generated")
        index([REPO / "corpus", work / "generated"], index_dir)
        made.write_text(recipe)
    with serving(index_dir) as (base, pid):
        return load(base, pages, args, pid)


def load(base: str, pages: list[Page], args: argparse.Namespace, pid: int | None = None) -> int:
    try:
        requests = workload(base, pages, args.seed)
        with urllib.request.urlopen(base + "/api/health", timeout=10) as response:
            documents = json.load(response)["documents"]
    except OSError as error:  # the server is not there, or fails before the load starts
        print(f"could not prepare the load against {base}: {error}", file=sys.stderr)
        return 2
    cpu, own = cpu_seconds(pid), cpu_seconds(os.getpid())
    samples, wall = run(base, requests, args.connections, args.duration, args.seed)
    failed = report(samples, wall, args.connections, documents)
    if pid is not None:
        used = cpu_seconds(pid) - cpu
        print(
            f"server CPU: {used:.1f} s in {wall:.1f} s ({used / wall:.0%} of one core of "
            f"{os.cpu_count()}), {used * 1000 / max(1, len(samples)):.1f} ms per request; "
            f"load generator CPU: {cpu_seconds(os.getpid()) - own:.1f} s"
        )
    return 1 if failed else 0


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (Linux /proc), so that throughput on a shared
    machine can be read against what the server itself got."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    sys.exit(main())
