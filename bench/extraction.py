"""Main-content extraction on real pages: Sifter against trafilatura and the whole page text.

    .venv/bin/python bench/extraction.py [--data DIR] [--limit N] [--verbose]

Scored as the ScrapingHub article-extraction benchmark does: precision and recall of 4-token
shingles (counted with repeats) of the extracted text against the gold text, per page, then
averaged over pages. Chinese is tokenised with jieba (a `\\w+` tokenizer would see a whole Han
run as one token), after removing the line breaks the gold files wrap Han text with.
trafilatura gets the text Sifter decoded, so both are judged on extraction, not decoding.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.decode import decode, decode_bytes  # noqa: E402
from indexer.model import Document, RawRecord  # noqa: E402
from indexer.pipeline import process  # noqa: E402
from search.analysis.jieba_setup import tokenizer  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "dev-data"
SHINGLE = 4

_WORD = regex.compile(r"\w+")
_HAN_GAP = regex.compile(r"(?<=\p{Han}|\p{P})\s+(?=\p{Han}|\p{P})")


@dataclass(frozen=True)
class Case:
    """One labelled page: its bytes and the text a person marked as the article."""

    name: str
    lang: str
    html: bytes
    gold: str
    url: str | None = None


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def load(data: Path, lang: str, limit: int | None = None) -> list[Case]:
    """The labelled pages of one set: chrome-zh (`.html` + `.txt`) or chrome-en (`.json`)."""
    folder = data / f"chrome-{lang}"
    cases = []
    if lang == "zh":
        for path in sorted(folder.glob("*.html"))[:limit]:
            gold = path.with_suffix(".txt").read_text(encoding="utf-8")
            cases.append(Case(path.stem, lang, path.read_bytes(), gold))
    else:
        for path in sorted(folder.glob("*.json"))[:limit]:
            meta = json.loads(path.read_text(encoding="utf-8"))
            html = gzip.decompress(path.with_name(path.stem + ".html.gz").read_bytes())
            cases.append(Case(path.stem, lang, html, meta["articleBody"], meta.get("url")))
    return cases


def tokens(text: str, lang: str) -> list[str]:
    """Lower-cased words: jieba's for Chinese, `\\w+` runs otherwise."""
    if lang == "zh":
        text = _HAN_GAP.sub("", text)
        return [t.lower() for t in tokenizer().lcut(text) if _WORD.fullmatch(t)]
    return [t.lower() for t in _WORD.findall(text)]


def shingles(words: list[str]) -> Counter[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def score(extracted: str, gold: str, lang: str) -> Score:
    predicted, true = shingles(tokens(extracted, lang)), shingles(tokens(gold, lang))
    hits = sum((predicted & true).values())
    precision = hits / sum(predicted.values()) if predicted else 0.0
    recall = hits / sum(true.values()) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Score(precision, recall, f1)


# --- the extractors ----------------------------------------------------------------------


def _record(case: Case) -> RawRecord:
    return RawRecord(
        id=case.name, path=f"{case.name}.html", root="/bench", relpath=f"{case.name}.html",
        record=None, data=case.html, kind="html", url=case.url,
    )  # fmt: skip


def sifter(case: Case) -> str:
    """The real pipeline (read's record -> decode -> repair -> language -> chrome): the body."""
    doc = process(_record(case))
    return doc.body if isinstance(doc, Document) else ""


def full_text(case: Case) -> str:
    """Every text block of the page, as decode finds it: what no extraction at all gives."""
    return "\n".join(block.text for block in decode(_record(case)).blocks)


def trafilatura(case: Case) -> str:
    import trafilatura as tf

    text, _ = decode_bytes(case.html)
    return tf.extract(text, url=case.url) or ""


EXTRACTORS: dict[str, Callable[[Case], str]] = {
    "sifter": sifter,
    "trafilatura": trafilatura,
    "full text": full_text,
}


# --- the run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    lang: str
    system: str
    scores: list[Score]
    seconds: float

    def mean(self, name: str) -> float:
        return statistics.fmean(getattr(s, name) for s in self.scores) if self.scores else 0.0


def evaluate(
    cases: list[Case], systems: dict[str, Callable[[Case], str]], verbose: bool = False
) -> list[Row]:
    rows = []
    for name, extract in systems.items():
        started = time.perf_counter()
        outputs = [extract(case) for case in cases]
        seconds = time.perf_counter() - started
        pairs = zip(outputs, cases, strict=True)
        scores = [score(out, case.gold, case.lang) for out, case in pairs]
        if verbose:
            for case, s in zip(cases, scores, strict=True):
                print(f"  {name:12} {case.lang} {case.name[:16]:16} P {s.precision:.3f} "
                      f"R {s.recall:.3f} F1 {s.f1:.3f}")  # fmt: skip
        rows.append(Row(cases[0].lang if cases else "", name, scores, seconds))
    return rows


def table(rows: list[Row]) -> str:
    lines = [
        f"{'set':5} {'system':12} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>6} "
        f"{'ms/page':>8}"
    ]
    for row in rows:
        ms = 1000 * row.seconds / max(1, len(row.scores))
        lines.append(
            f"{row.lang:5} {row.system:12} {len(row.scores):5} {row.mean('precision'):9.3f} "
            f"{row.mean('recall'):7.3f} {row.mean('f1'):6.3f} {ms:8.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the dev-data folder")
    parser.add_argument("--limit", type=int, help="pages per set (default: all)")
    parser.add_argument("--lang", choices=["zh", "en"], action="append", help="default: both")
    parser.add_argument("--system", choices=list(EXTRACTORS), action="append")
    parser.add_argument("--verbose", action="store_true", help="one line per page")
    args = parser.parse_args(argv)
    systems = {name: EXTRACTORS[name] for name in args.system or EXTRACTORS}
    tokenizer()  # load jieba before any timing
    rows = []
    for lang in args.lang or ["zh", "en"]:
        rows += evaluate(load(args.data, lang, args.limit), systems, args.verbose)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
