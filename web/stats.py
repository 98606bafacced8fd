"""What the index holds and how it was built, for `/stats` and `GET /api/stats`.

Counted from the engine's per-reader facet columns (no query runs), plus the report
`sifter index` leaves next to the index (indexer/write.py's BuildReport).
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from pathlib import Path

from indexer.write import BUILD_REPORT
from search.engine import Engine
from search.generations import live_dir

EXAMPLES = 3  # failed files named per reason


def index_stats(engine: Engine) -> dict:
    searcher = engine.searcher()
    reader = searcher.reader()
    columns = engine.columns(searcher)
    live = list(reader.all_doc_ids())  # deleted documents stay in columns until a merge

    def counts(name: str) -> list[dict]:
        values, codes = columns.values[name], columns.codes[name]
        tally = Counter(values[codes[d]] or "" for d in live)
        return [
            {"value": value, "count": n}
            for value, n in sorted(tally.items(), key=lambda item: (-item[1], item[0]))
            if value
        ]

    groups = Counter(columns.codes["dup_group"][d] for d in live)
    return {
        "documents": len(live),
        "languages": counts("lang"),
        "sources": counts("source"),
        "years": sorted(counts("year"), key=lambda item: item["value"]),
        "undated": sum(1 for d in live if not columns.values["year"][columns.codes["year"][d]]),
        "duplicates": {
            "groups": sum(1 for n in groups.values() if n > 1),
            "documents": sum(n for n in groups.values() if n > 1),
        },
        "index": {
            "path": str(engine.index_dir),
            "bytes": _size(live_dir(engine.index_dir) or engine.index_dir),
            "segments": len(list(reader.leaf_readers())),
        },
        "last_build": last_build(engine.index_dir),
    }


def last_build(index_dir: Path) -> dict | None:
    """The last `sifter index` run: when, how long, what it did, and the failures grouped
    by reason (a few files named for each); None when no report is there."""
    try:
        report = json.loads((index_dir / BUILD_REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    failed = report.get("failed") or []
    reasons: dict[str, list[dict]] = {}
    for failure in failed:
        reasons.setdefault(failure.get("reason", "unknown"), []).append(failure)
    return {
        "finished_at": report.get("finished_at") or None,
        "seconds": report.get("seconds"),
        "indexed": report.get("indexed", 0),
        "unchanged": report.get("unchanged", 0),
        "deleted": report.get("deleted", 0),
        "skipped": len(report.get("skipped") or []),
        "failed": len(failed),
        "failures": [
            {
                "reason": reason,
                "count": len(items),
                "examples": [_where(item) for item in items[:EXAMPLES]],
            }
            for reason, items in sorted(reasons.items(), key=lambda item: -len(item[1]))
        ],
    }


def _where(failure: dict) -> str:
    path, record = failure.get("path", "?"), failure.get("record")
    return f"{path} {record}" if record else path


def _size(index_dir: Path) -> int:
    total = 0
    for path in index_dir.iterdir():
        with contextlib.suppress(FileNotFoundError):  # a segment merged away meanwhile
            total += path.stat().st_size if path.is_file() else 0
    return total
