"""Scale: indexing throughput and query latency at ~100k real pages, against SQLite FTS5.

Build the corpus first, outside the repository (a few minutes; never commit it):

    ../shared/corpora/build_corpus.sh /work/data/scale scale
    .venv/bin/python bench/scale.py /work/data/scale [--limit N] [--work DIR]

One run reports:
- indexing, end to end (read → repair → language → chrome → metadata → write), with 1 and
  with 2 worker processes: docs/s, MB/s of raw pages, CPU seconds, where the time went
  (template pass, documents, commit, near-duplicate regrouping), peak memory of the whole
  process tree (RSS summed over processes, and PSS, which counts pages shared by forked
  workers once), index size against raw size; then `sifter index` again on the unchanged
  corpus (it must be at least 20× faster than the full build);
- queries: a full search request (top 10, three facet counts, snippets) per query class,
  the first one after opening the index (cold) and p50/p95/p99 over repeated rounds of the
  class's queries (warm); the same job done by SQLite FTS5 over the same extracted text:
  MATCH, top 10 by bm25 (or by date), the three facet counts with GROUP BY (each without
  its own filter, as Sifter's disjunctive facets), `snippet()` for the 10 hits; and the
  ratio Sifter/FTS5 of p50 and p95.

FTS5 gets the text Sifter extracted (title, cleaned body, language, source, year, date),
tokenised by `porter unicode61 remove_diacritics 2`; since unicode61 does not segment
Chinese or Japanese, a space is put between CJK characters and a CJK word is searched as
the phrase of its characters. Sifter's result cache is off while measuring (each query
runs as if new); `--cached` adds a row for repeated requests served from it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.read import list_files  # noqa: E402
from search.engine import Engine  # noqa: E402
from search.generations import live_dir  # noqa: E402
from search.results import SearchRequest  # noqa: E402

ROUNDS = 5  # warm rounds over each class's queries
SAMPLE_EVERY = 1.0  # seconds between memory samples of a build


@dataclass(frozen=True)
class Query:
    q: str
    fts: str  # the same query in FTS5's syntax
    lang: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    sort: str = "relevance"


# Fixed query classes for the `scale` corpus (LibreOffice help in 35 languages, GIMP,
# LilyPond, the Debian handbook). `check` prints how many pages each query finds.
CLASSES: dict[str, list[Query]] = {
    "rare term": [
        Query("fermata", '"fermata"'),
        Query("glissando", '"glissando"'),
        Query("hyphenation", '"hyphenation"'),
        Query("debconf", '"debconf"'),
        Query("autopilot", '"autopilot"'),
    ],
    "common term": [
        Query("libreoffice", '"libreoffice"'),
        Query("help", '"help"'),
        Query("html", '"html"'),
    ],
    "2-3 term AND": [
        Query("insert table", '"insert" "table"'),
        Query("page style format", '"page" "style" "format"'),
        Query("select cell", '"select" "cell"'),
        Query("image layer", '"image" "layer"'),
        Query("open file dialog", '"open" "file" "dialog"'),
    ],
    "phrase, common words": [
        Query('"click the"', '"click the"'),
        Query('"of the"', '"of the"'),
        Query('"in the"', '"in the"'),
        Query('"you can"', '"you can"'),
        Query('"to the"', '"to the"'),
    ],
    "Chinese word": [
        Query("表格", '"表 格"'),
        Query("文件", '"文 件"'),
        Query("单元格", '"单 元 格"'),
        Query("插入", '"插 入"'),
        Query("格式", '"格 式"'),
    ],
    "Japanese word": [
        Query("ファイル", '"フ ァ イ ル"'),
        Query("表示", '"表 示"'),
        Query("挿入", '"挿 入"'),
        Query("セル", '"セ ル"'),
        Query("書式", '"書 式"'),
    ],
    "prefix": [
        Query("form*", "form*"),
        Query("tab*", "tab*"),
        Query("insert*", "insert*"),
        Query("calc*", "calc*"),
        Query("doc*", "doc*"),
    ],
    "filtered lang+source": [
        Query("tabelle", '"tabelle"', lang=("de",)),
        Query("formula", '"formula"', lang=("en",)),
        Query("libreoffice", '"libreoffice"', lang=("fr",)),
        Query("image", '"image"', lang=("en",)),
        Query("menu", '"menu"', lang=("es",)),
    ],
    "sorted by date": [
        Query("libreoffice", '"libreoffice"', sort="date"),
        Query("image", '"image"', sort="date"),
        Query("debian", '"debian"', sort="date"),
        Query("file", '"file"', sort="date"),
        Query("help", '"help"', sort="date"),
    ],
}
# Filled in per corpus: the most common source of the language, so the source filter
# has something to keep (sources are folders or site names and differ between corpora).
SOURCE_FILTERED = "filtered lang+source"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="output folder of build_corpus.sh ... scale")
    parser.add_argument("--limit", type=int, default=0, help="index N pages, evenly spread")
    parser.add_argument("--work", type=Path, default=None, help="where indexes are built")
    parser.add_argument("--procs", default="1,2", help="worker counts to build with")
    parser.add_argument("--reuse", action="store_true", help="query existing indexes only")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="warm rounds per class")
    parser.add_argument("--cached", action="store_true", help="also time result-cache hits")
    parser.add_argument("--profile", default="", help="cProfile the warm runs of a class")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="sifter-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    root, raw_bytes, pages = _pages(args.corpus, args.limit, work / "pages")
    print(f"corpus: {pages} pages, {raw_bytes / 2**20:.0f} MB raw ({root})", file=sys.stderr)
    print(f"load average at start: {os.getloadavg()}", file=sys.stderr)
    procs = [int(p) for p in args.procs.split(",") if p]
    builds: dict[int, dict] = {}
    for n in procs:
        index = work / f"index-{n}"
        if args.reuse and live_dir(index) is not None:
            continue
        shutil.rmtree(index, ignore_errors=True)
        builds[n] = _timed_build(root, index, n, raw_bytes)
        print(f"built with {n} procs: {builds[n]}", file=sys.stderr)
    index = work / f"index-{max(procs)}"
    again = _timed_build(root, index, max(procs), raw_bytes) if builds else None
    if len(builds) > 1:
        _check_same_documents([work / f"index-{n}" for n in builds])

    engine = Engine(index)
    fts_path = work / "fts5.sqlite"
    if not (args.reuse and fts_path.exists()):
        _fts_build(engine, fts_path)
    classes = _with_sources(engine, CLASSES)
    rows = _run_queries(index, fts_path, classes, args.rounds, args.profile, args.cached)
    _print_indexing(builds, again, raw_bytes, index)
    _print_queries(rows, engine.count())
    (work / "scale.json").write_text(
        json.dumps({"builds": builds, "again": again, "queries": rows}, indent=1)
    )


# --- the corpus -----------------------------------------------------------------------------


def _pages(corpus: Path, limit: int, into: Path) -> tuple[Path, int, int]:
    """The root to index, its raw size and page count. With a limit, N pages evenly
    spread over the corpus are hard-linked (or symlinked) into a folder of their own."""
    files, _ = list_files(corpus)
    if limit and limit < len(files):
        step = len(files) / limit
        files = [files[int(i * step)] for i in range(limit)]
        for file in files:
            target = into / file.relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                try:
                    os.link(file.path, target)
                except OSError:
                    target.symlink_to(file.path)
        corpus = into
    return corpus, sum(file.path.stat().st_size for file in files), len(files)


# --- indexing -------------------------------------------------------------------------------


def _timed_build(root: Path, index: Path, procs: int, raw_bytes: int) -> dict:
    """`build` in a child process (so its memory is its own), the tree's memory sampled."""
    command = [sys.executable, __file__, "_build", str(root), str(index), str(procs)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    sampler = _MemorySampler(child.pid)
    sampler.start()
    out, _ = child.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    if child.returncode not in (0, 1):
        raise SystemExit(f"build failed with exit code {child.returncode}")
    report = json.loads(out)
    docs = report["indexed"]
    return {
        "procs": procs,
        "docs": docs,
        "unchanged": report["unchanged"],
        "seconds": round(seconds, 1),
        "cpu_seconds": report["cpu_seconds"],
        "docs_per_s": round(docs / seconds, 1),
        "mb_per_s": round(raw_bytes / 2**20 / seconds, 2) if docs else None,
        "peak_rss_mb": round(sampler.peak_rss / 2**20),
        "peak_pss_mb": round(sampler.peak_pss / 2**20),
        "phases": report.get("phases", {}),
        "failed": len(report["failed"]),
    }


def _build_main(root: str, index: str, procs: str) -> None:
    from dataclasses import asdict

    from indexer.write import build

    report = build([Path(root)], Path(index), procs=int(procs))
    usage = os.times()  # this process and its (finished) workers
    data = asdict(report)
    data["cpu_seconds"] = round(
        usage.user + usage.system + usage.children_user + usage.children_system, 1
    )
    print(json.dumps(data))


class _MemorySampler(threading.Thread):
    """Peak RSS and PSS of a process and all its descendants, sampled every second.

    Not more often: reading every process's smaps_rollup took ~10% of the CPU a 20k-page
    build used (py-spy), on a machine with two cores to share."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = 0
        self.peak_pss = 0
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(SAMPLE_EVERY):
            rss = pss = 0
            for pid in self._tree():
                rss += _status_kb(pid, "VmRSS") * 1024
                pss += _rollup_kb(pid, "Pss") * 1024
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)

    def _tree(self) -> list[int]:
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        tree, frontier = [self.pid], [self.pid]
        while frontier:
            frontier = [pid for pid, parent in parents.items() if parent in frontier]
            tree += frontier
        return tree


def _status_kb(pid: int, key: str) -> int:
    return _proc_kb(f"/proc/{pid}/status", key)


def _rollup_kb(pid: int, key: str) -> int:
    return _proc_kb(f"/proc/{pid}/smaps_rollup", key)


def _proc_kb(path: str, key: str) -> int:
    """A "Key:  N kB" line's N in a /proc file (0 when the process is gone)."""
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _check_same_documents(indexes: list[Path]) -> None:
    """The parallel build must hold the same documents as the serial one."""
    seen = []
    for index in indexes:
        searcher = Engine(index).searcher()
        seen.append(sorted(searcher.reader().column_reader("id")))
    same = all(ids == seen[0] for ids in seen)
    print(f"same documents in {len(indexes)} builds: {same}", file=sys.stderr)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --- SQLite FTS5 ----------------------------------------------------------------------------

_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])")


def _spaced(text: str) -> str:
    """CJK characters as separate tokens (unicode61 would take a whole run as one)."""
    return _CJK.sub(r" \1 ", text)


def _fts_build(engine: Engine, path: Path) -> None:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, title TEXT, url TEXT, "
        "source TEXT, lang TEXT, year TEXT, date TEXT)"
    )
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    started = time.perf_counter()
    rows = 0
    for rowid, stored in enumerate(engine.searcher().all_stored_fields(), start=1):
        db.execute(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rowid,
                stored["id"],
                stored.get("title", ""),
                stored.get("url"),
                stored.get("source", "unknown"),
                stored.get("lang", "und"),
                stored.get("year"),
                stored.get("date"),
            ),
        )
        db.execute(
            "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
            (rowid, _spaced(stored.get("title", "")), _spaced(stored.get("body", ""))),
        )
        rows += 1
    db.commit()
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.commit()
    db.close()
    print(
        f"FTS5: {rows} rows in {time.perf_counter() - started:.0f} s, "
        f"{path.stat().st_size / 2**20:.0f} MB",
        file=sys.stderr,
    )


class _Fts:
    """The job a search request does, in SQL: total, top 10, facets, snippets."""

    FACETS = ("source", "lang", "year")

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)

    def search(self, query: Query) -> int:
        filters = {"source": query.source, "lang": query.lang, "year": ()}

        def where(skip: str | None = None) -> tuple[str, list]:
            clauses, params = ["fts MATCH ?"], [query.fts]
            for name, values in filters.items():
                if values and name != skip:
                    clauses.append(f"d.{name} IN ({','.join('?' * len(values))})")
                    params += values
            return " AND ".join(clauses), params

        clause, params = where()
        facets = {}
        for name in self.FACETS:
            own, own_params = where(name) if filters.get(name) else (clause, params)
            facets[name] = self.db.execute(
                f"SELECT d.{name}, count(*) FROM fts JOIN docs d ON d.rowid = fts.rowid "
                f"WHERE {own} GROUP BY d.{name}",
                own_params,
            ).fetchall()
        total = self.db.execute(
            f"SELECT count(*) FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE {clause}", params
        ).fetchone()[0]
        order = "d.date DESC" if query.sort == "date" else "fts.rank"
        top = self.db.execute(
            f"SELECT fts.rowid, d.id, d.title, d.url, d.source, d.lang, d.date FROM fts "
            f"JOIN docs d ON d.rowid = fts.rowid WHERE {clause} ORDER BY {order} LIMIT 10",
            params,
        ).fetchall()
        for row in top:
            self.db.execute(
                "SELECT snippet(fts, 1, '<mark>', '</mark>', '…', 40) FROM fts "
                "WHERE fts MATCH ? AND rowid = ?",
                (query.fts, row[0]),
            ).fetchone()
        return total


# --- queries --------------------------------------------------------------------------------


def _with_sources(engine: Engine, classes: dict[str, list[Query]]) -> dict[str, list[Query]]:
    """The filtered class with each query's most common source in its language added."""
    filtered = []
    for query in classes[SOURCE_FILTERED]:
        results = engine.search(SearchRequest(q=query.q, lang=query.lang))
        source = next((f.values[0].value for f in results.facets if f.name == "source"), None)
        filtered.append(
            Query(query.q, query.fts, query.lang, (source,) if source else (), query.sort)
        )
    return {**classes, SOURCE_FILTERED: filtered}


@dataclass
class _Timings:
    cold: float = 0.0
    warm: list[float] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)


def _request(query: Query) -> SearchRequest:
    return SearchRequest(q=query.q, lang=query.lang, source=query.source, sort=query.sort)


def _run_queries(
    index: Path,
    fts_path: Path,
    classes: dict[str, list[Query]],
    rounds: int,
    profile: str,
    cached: bool,
) -> list[dict]:
    rows = []
    for name, queries in classes.items():
        gc.collect()
        # Cold: a new Engine (new searcher, no column arrays read yet) for the first query.
        engine = Engine(index, result_cache=0)
        runner = _profiled if profile == name else _time
        sifter = _measure(lambda q, e=engine: e.search(_request(q)).total, queries, rounds, runner)
        sql = _Fts(fts_path)
        fts = _measure(sql.search, queries, rounds, _time)
        row = {
            "class": name,
            "queries": [q.q for q in queries],
            "sifter_hits": sifter.hits,
            "fts_hits": fts.hits,
            "sifter_cold": sifter.cold,
            "fts_cold": fts.cold,
            **{f"sifter_{k}": v for k, v in _percentiles(sifter.warm).items()},
            **{f"fts_{k}": v for k, v in _percentiles(fts.warm).items()},
        }
        if cached:
            warm = Engine(index)
            hits = _measure(lambda q, e=warm: e.search(_request(q)).total, queries, rounds, _time)
            row["sifter_cached_p50"] = _percentiles(hits.warm)["p50"]
        rows.append(row)
        print(f"{name}: {row}", file=sys.stderr)
    if profile:
        _print_profile()
    return rows


def _measure(
    search: Callable[[Query], int],
    queries: list[Query],
    rounds: int,
    runner: Callable[[Callable[[], object]], float],
) -> _Timings:
    """The first query's time (cold), then each query's hits, then `rounds` rounds."""
    timings = _Timings()
    timings.cold = _time(lambda: search(queries[0]))
    timings.hits = [search(query) for query in queries]
    for _ in range(rounds):
        for query in queries:
            timings.warm.append(runner(lambda q=query: search(q)))
    return timings


def _time(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return round((time.perf_counter() - started) * 1000, 2)


_PROFILER = None


def _profiled(run: Callable[[], object]) -> float:
    global _PROFILER
    import cProfile

    _PROFILER = _PROFILER or cProfile.Profile()
    _PROFILER.enable()
    try:
        return _time(run)
    finally:
        _PROFILER.disable()


def _print_profile() -> None:
    import pstats

    if _PROFILER is not None:
        pstats.Stats(_PROFILER, stream=sys.stderr).sort_stats("cumulative").print_stats(40)


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    return {"p50": round(statistics.median(ordered), 1), "p95": at(0.95), "p99": at(0.99)}


# --- the report -----------------------------------------------------------------------------


def _print_indexing(builds: dict[int, dict], again: dict | None, raw: int, index: Path) -> None:
    if builds:
        print("\nIndexing (end to end)")
        print(
            f"{'procs':>5} {'docs':>7} {'s':>7} {'docs/s':>7} {'MB/s':>6} {'CPU s':>7} "
            f"{'RSS MB':>7} {'PSS MB':>7}  phases (s)"
        )
        for n, b in sorted(builds.items()):
            phases = " ".join(f"{k} {v:.0f}" for k, v in b["phases"].items())
            print(
                f"{n:>5} {b['docs']:>7} {b['seconds']:>7.0f} {b['docs_per_s']:>7.1f} "
                f"{b['mb_per_s']:>6.2f} {b['cpu_seconds']:>7.0f} {b['peak_rss_mb']:>7} "
                f"{b['peak_pss_mb']:>7}  {phases}"
            )
        if len(builds) > 1:
            one, two = builds[min(builds)], builds[max(builds)]
            print(f"speed-up {max(builds)} procs / 1: {two['docs_per_s'] / one['docs_per_s']:.2f}×")
    if again and builds:
        full = builds[max(builds)]["seconds"]
        print(
            f"unchanged re-run: {again['seconds']:.1f} s, {again['unchanged']} unchanged, "
            f"{again['docs']} indexed ({full / max(again['seconds'], 0.01):.0f}× faster)"
        )
    size = _size(live_dir(index))
    print(f"index size {size / 2**20:.0f} MB = {size / raw:.2f}× the raw pages")


def _print_queries(rows: list[dict], documents: int) -> None:
    print(f"\nQueries on {documents} documents: ms, Sifter vs SQLite FTS5 (warm unless cold)")
    print(
        f"{'class':22} {'hits':>7} {'cold':>6} {'p50':>6} {'p95':>6} {'p99':>6} | "
        f"{'fts hits':>8} {'cold':>6} {'p50':>6} {'p95':>6} {'p99':>6} | {'p50×':>5} {'p95×':>5}"
    )
    for r in rows:
        print(
            f"{r['class']:22} {max(r['sifter_hits']):>7} {r['sifter_cold']:>6.0f} "
            f"{r['sifter_p50']:>6.1f} {r['sifter_p95']:>6.1f} {r['sifter_p99']:>6.1f} | "
            f"{max(r['fts_hits']):>8} {r['fts_cold']:>6.0f} {r['fts_p50']:>6.1f} "
            f"{r['fts_p95']:>6.1f} {r['fts_p99']:>6.1f} | "
            f"{r['sifter_p50'] / max(r['fts_p50'], 0.01):>5.2f} "
            f"{r['sifter_p95'] / max(r['fts_p95'], 0.01):>5.2f}"
            + (f"  cached p50 {r['sifter_cached_p50']:.2f}" if "sifter_cached_p50" in r else "")
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "_build":
        _build_main(*sys.argv[2:])
    else:
        main()
