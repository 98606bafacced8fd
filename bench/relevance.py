"""Known-item search on a real multilingual corpus: Sifter against SQLite FTS5 and plain Whoosh.

Build the corpus first (a few minutes, downloads Debian packages; never commit it):

    ../shared/corpora/build_corpus.sh /tmp/sifter-eval eval
    .venv/bin/python bench/relevance.py /tmp/sifter-eval [--limit-per-lang N]

Every HTML page with a title is a known item. Two query sets: the page's title, and a
sentence taken from the middle of the page. The relevant document is that page. All
three systems search the same extracted text (Sifter's title and cleaned body), so the
comparison is about analysis and ranking, not extraction. Prints MRR@10 and recall@10
per language and query set.
"""

from __future__ import annotations

import argparse
import csv
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import index as whoosh_index  # noqa: E402
from whoosh.analysis import StandardAnalyzer  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.qparser import MultifieldParser  # noqa: E402

from indexer.read import document_id  # noqa: E402
from indexer.write import build  # noqa: E402
from search.engine import Engine  # noqa: E402
from search.query import QueryError  # noqa: E402
from search.results import SearchRequest  # noqa: E402

K = 10
MIN_PAGES = 50  # languages with fewer pages are shown but not judged


@dataclass(frozen=True)
class Item:
    doc_id: str
    lang: str
    title: str
    body: str
    sentence: str | None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="output folder of build_corpus.sh ... eval")
    parser.add_argument("--limit-per-lang", type=int, default=0, help="pages per language")
    parser.add_argument("--work", type=Path, default=None, help="where to build the indexes")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="sifter-relevance-"))
    roots = _pages(args.corpus, args.limit_per_lang, work / "pages")
    started = time.perf_counter()
    report = build(roots, work / "sifter")
    print(
        f"Sifter indexed {report.indexed} pages in {time.perf_counter() - started:.0f} s "
        f"({len(report.failed)} failed)",
        file=sys.stderr,
    )
    engine = Engine(work / "sifter")
    items = _items(engine, args.corpus, roots)
    print(f"{len(items)} known items with a title", file=sys.stderr)

    systems = {
        "sifter": lambda q: _sifter(engine, q),
        "fts5": _fts5(items),
        "whoosh": _whoosh(items, work / "whoosh"),
    }
    table: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for item in items:
        queries = {"title": item.title, "sentence": item.sentence}
        for kind, query in queries.items():
            if not query:
                continue
            for name, run in systems.items():
                ranked = run(query)
                rank = ranked.index(item.doc_id) + 1 if item.doc_id in ranked else 0
                table[item.lang, kind, name].append(rank)
    _print(table)


def _manifest(corpus: Path) -> dict[str, dict[str, str]]:
    with open(corpus / "manifest.tsv", encoding="utf-8") as handle:
        return {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}


def _pages(corpus: Path, limit: int, into: Path) -> list[Path]:
    """One root per language folder holding that language's HTML pages (symlinks), so the
    man pages and gold files of the corpus are left out."""
    manifest = _manifest(corpus)
    taken: dict[str, int] = defaultdict(int)
    roots = set()
    for row in manifest.values():
        if row["kind"] != "html" or not row["title"]:
            continue
        if limit and taken[row["lang"]] >= limit:
            continue
        taken[row["lang"]] += 1
        target = into / row["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(corpus / row["path"])
        roots.add(into / row["path"].split("/")[0])
    return sorted(roots)


def _items(engine: Engine, corpus: Path, roots: list[Path]) -> list[Item]:
    manifest = _manifest(corpus)
    items = []
    for root in roots:
        for page in sorted(root.rglob("*.html")):
            relpath = page.relative_to(root).as_posix()
            row = manifest[f"{root.name}/{relpath}"]
            doc_id = document_id(root, relpath, None)
            stored = engine.document(doc_id)
            if stored is None:
                continue
            items.append(
                Item(
                    doc_id,
                    row["lang"],
                    row["title"],
                    stored.get("body", ""),
                    _middle_sentence(stored.get("body", "")),
                )
            )
    return items


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


def _middle_sentence(body: str) -> str | None:
    sentences = [s.strip() for s in _SENTENCE_END.split(body) if 30 <= len(s.strip()) <= 200]
    return sentences[len(sentences) // 2] if sentences else None


def _sifter(engine: Engine, query: str) -> list[str]:
    try:
        results = engine.search(SearchRequest(q=query, per_page=K))
    except QueryError:
        return []
    return [hit.id for hit in results.hits]


_FTS_TOKEN = re.compile(r"\w+")


def _fts5(items: list[Item]):
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE pages USING fts5(doc_id UNINDEXED, title, body, tokenize='unicode61')"
    )
    db.executemany(
        "INSERT INTO pages VALUES (?, ?, ?)", [(i.doc_id, i.title, i.body) for i in items]
    )

    def run(query: str) -> list[str]:
        tokens = _FTS_TOKEN.findall(query)
        if not tokens:
            return []
        match = " ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        rows = db.execute(
            "SELECT doc_id FROM pages WHERE pages MATCH ? ORDER BY bm25(pages) LIMIT ?", (match, K)
        )
        return [r[0] for r in rows]

    return run


def _whoosh(items: list[Item], directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    schema = Schema(
        doc_id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StandardAnalyzer(), field_boost=2.0),
        body=TEXT(analyzer=StandardAnalyzer()),
    )
    ix = whoosh_index.create_in(str(directory), schema)
    with ix.writer(limitmb=256) as writer:
        for item in items:
            writer.add_document(doc_id=item.doc_id, title=item.title, body=item.body)
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], schema)

    def run(query: str) -> list[str]:
        try:
            parsed = parser.parse(query)
        except Exception:  # the baseline's own parser failing is a miss for the baseline
            return []
        return [hit["doc_id"] for hit in searcher.search(parsed, limit=K)]

    return run


def _print(table: dict[tuple[str, str, str], list[float]]) -> None:
    systems = ("sifter", "fts5", "whoosh")
    langs = sorted({lang for lang, _, _ in table})
    for kind in ("title", "sentence"):
        print(f"\nQuery = {kind}: MRR@{K} / recall@{K}")
        print(
            f"{'lang':8} {'pages':>5}  " + "  ".join(f"{s:>13}" for s in systems) + "   sifter-best"
        )
        for lang in langs:
            ranks = {s: table.get((lang, kind, s), []) for s in systems}
            n = len(ranks["sifter"])
            if not n:
                continue
            cells, mrr = [], {}
            for s in systems:
                mrr[s] = sum(1 / r for r in ranks[s] if r) / n
                recall = sum(1 for r in ranks[s] if r) / n
                cells.append(f"{mrr[s]:.3f} / {recall:.2f}")
            margin = mrr["sifter"] - max(mrr["fts5"], mrr["whoosh"])
            judged = "" if n >= MIN_PAGES else "  (few pages)"
            print(
                f"{lang:8} {n:5}  "
                + "  ".join(f"{c:>13}" for c in cells)
                + f"   {margin:+.3f}{judged}"
            )


if __name__ == "__main__":
    main()
