"""Language identification on real sentences and word pairs: Sifter against plain langdetect.

    .venv/bin/python bench/langid.py [--data DIR] [--limit N]

Each line of `langid/<set>/<iso>.txt` is one item whose true language is the file name
(`zh` covers Simplified and Traditional). Accuracy per language and averaged over languages,
for `indexer.language.detect` and for langdetect (seeded, its zh-cn/zh-tw read as zh).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langdetect import DetectorFactory, LangDetectException  # noqa: E402
from langdetect import detect as langdetect_detect  # noqa: E402

from indexer import language  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "dev-data"
SETS = ("sentences", "word-pairs")
CJK = ("zh", "ja", "ko")

DetectorFactory.seed = 0


def sifter(text: str) -> str:
    return language.detect(text)[0]


def langdetect(text: str) -> str:
    try:
        lang = langdetect_detect(text)
    except LangDetectException:
        return "und"
    return "zh" if lang.startswith("zh") else lang


SYSTEMS: dict[str, Callable[[str], str]] = {"sifter": sifter, "langdetect": langdetect}


def load(data: Path, name: str, limit: int | None = None) -> dict[str, list[str]]:
    """language -> items of one set."""
    folder = data / "langid" / name
    return {
        path.stem: [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()][
            :limit
        ]
        for path in sorted(folder.glob("*.txt"))
    }


def accuracy(items: dict[str, list[str]], detect: Callable[[str], str]) -> dict[str, float]:
    return {
        lang: sum(detect(text) == lang for text in texts) / len(texts)
        for lang, texts in items.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the dev-data folder")
    parser.add_argument("--limit", type=int, help="items per language (default: all)")
    args = parser.parse_args(argv)
    language.detect("warm up the profiles")
    results: dict[tuple[str, str], dict[str, float]] = {}
    timing: dict[tuple[str, str], float] = {}
    for name in SETS:
        items = load(args.data, name, args.limit)
        for system, detect in SYSTEMS.items():
            started = time.perf_counter()
            results[name, system] = accuracy(items, detect)
            count = sum(map(len, items.values()))
            timing[name, system] = 1000 * (time.perf_counter() - started) / count
    columns = [(name, system) for name in SETS for system in SYSTEMS]
    langs = sorted(next(iter(results.values())))
    print(f"{'':9}" + "".join(f"{name[:10]:>12}" for name, _ in columns))
    print(f"{'lang':9}" + "".join(f"{system:>12}" for _, system in columns))
    for lang in langs:
        print(f"{lang:9}" + "".join(f"{100 * results[c][lang]:12.1f}" for c in columns))
    for label, subset in (("average", langs), ("CJK", [x for x in CJK if x in langs])):
        print(
            f"{label:9}"
            + "".join(
                f"{100 * statistics.fmean(results[c][x] for x in subset):12.1f}" for c in columns
            )
        )
    print(f"{'ms/item':9}" + "".join(f"{timing[c]:12.2f}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
