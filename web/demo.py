"""A real demo corpus on demand: Debian's manuals in several languages, fetched as Debian
packages, indexed next to the bundled sample pages, so facets, paging and near duplicates
show on real data.

As /work/shared/corpora/build_corpus.sh does: `apt-get download` the packages (cached), unpack
each with `dpkg-deb -x`, keep its HTML pages. The pages are laid out as
`var/demo/corpus/<package>/<path>`, so each package is a source (a page without a URL is
credited to its top folder). Nothing here is committed: `var/` is ignored by git.

    python -m web.demo build [--dir var/demo]     # download, unpack, index; prints timings
    python -m web.demo serve [--dir var/demo]     # the same, then serve it (make demo)

A second run reuses the downloads and re-indexes nothing (the pages' content is unchanged).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from indexer.write import BuildReport, build

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpus"
DEMO_DIR = Path("var/demo")
# ~460 pages in 8 languages, ~10 MB of packages: the Debian FAQ (eight languages, Chinese,
# Japanese and Korean among them), aptitude's manual (three) and the Debian Reference
# (four; long pages). Several translations are partly English (TRAPS.md): they show up
# as near duplicates of the English pages.
PACKAGES = (
    "debian-faq",
    "debian-faq-de",
    "debian-faq-fr",
    "debian-faq-it",
    "debian-faq-ja",
    "debian-faq-ko",
    "debian-faq-ru",
    "debian-faq-zh-cn",
    "aptitude-doc-en",
    "aptitude-doc-fr",
    "aptitude-doc-ru",
    "debian-reference-en",
    "debian-reference-de",
    "debian-reference-ja",
    "debian-reference-zh-cn",
)
_PAGE = re.compile(r"\.x?html?$", re.IGNORECASE)
# Whole-book copies of the chapters (the same text again, one huge page) and search pages.
_SKIP = re.compile(r"/(_sources|_static)/|(^|/)(search|genindex)\.html$|-big-page|\.all\.")


class DemoError(Exception):
    """The demo corpus could not be fetched or unpacked; the message says why."""


@dataclass
class DemoBuild:
    corpus: Path
    index: Path
    pages: int = 0  # HTML pages laid out from the packages
    packages: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # download, unpack, index
    report: BuildReport | None = None


def download(packages: tuple[str, ...], debs: Path) -> list[Path]:
    """The packages' .deb files, fetched with apt-get into `debs` unless already there."""
    debs.mkdir(parents=True, exist_ok=True)
    missing = [p for p in packages if not _deb(debs, p)]
    if missing:
        if shutil.which("apt-get") is None:
            raise DemoError("the demo fetches Debian packages: apt-get is needed")
        done = subprocess.run(
            ["apt-get", "download", "-q", *missing], cwd=debs, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise DemoError(
                "apt-get download failed (run `apt-get update` as root first?):\n"
                + done.stderr.strip()
            )
    return [deb for p in packages if (deb := _deb(debs, p)) is not None]


def _deb(debs: Path, package: str) -> Path | None:
    found = sorted(debs.glob(f"{package}_*.deb"))
    return found[-1] if found else None


def unpack(deb: Path, corpus: Path) -> int:
    """The package's HTML pages into corpus/<package>/, their paths under the package's doc
    folder kept; returns how many."""
    package = deb.name.split("_", 1)[0]
    target = corpus / package
    shutil.rmtree(target, ignore_errors=True)
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(["dpkg-deb", "-x", str(deb), tmp], capture_output=True, text=True)
        if done.returncode != 0:
            raise DemoError(f"dpkg-deb could not unpack {deb.name}: {done.stderr.strip()}")
        for path in sorted(Path(tmp).rglob("*")):
            relative = path.relative_to(tmp).as_posix()
            if path.is_symlink() or not path.is_file() or not _PAGE.search(path.name):
                continue
            if _SKIP.search("/" + relative):
                continue
            short = re.sub(r"^usr/share/(doc/)?[^/]+/", "", relative)
            destination = target / short
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            count += 1
    return count


def build_demo(
    directory: Path = DEMO_DIR, packages: tuple[str, ...] = PACKAGES, progress: bool = False
) -> DemoBuild:
    """Fetch and unpack the packages into directory/corpus and index it with the bundled
    sample pages into directory/index. Downloads are kept in directory/debs."""
    directory = Path(directory)
    result = DemoBuild(corpus=directory / "corpus", index=directory / "index")
    started = time.monotonic()
    debs = download(packages, directory / "debs")
    result.seconds["download"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    for deb in debs:
        result.pages += unpack(deb, result.corpus)
        result.packages.append(deb.name.split("_", 1)[0])
    result.seconds["unpack"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    result.report = build([SAMPLES, result.corpus], result.index, progress=progress)
    result.seconds["index"] = round(time.monotonic() - started, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.demo", description=__doc__)
    parser.add_argument("action", choices=("build", "serve"))
    parser.add_argument("--dir", type=Path, default=DEMO_DIR, help="demo folder (var/demo)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:  # both actions build: a second run reuses everything and costs seconds
        demo = build_demo(args.dir, progress=sys.stderr.isatty())
    except DemoError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 2
    report = demo.report
    print(
        f"demo: {demo.pages} pages from {len(demo.packages)} packages; indexed "
        f"{report.indexed}, unchanged {report.unchanged}, failed {len(report.failed)} "
        f"-> {demo.index}; seconds: "
        + ", ".join(f"{step} {seconds}" for step, seconds in demo.seconds.items())
    )
    if args.action == "serve":
        from web.cli import main as sifter

        return sifter(
            ["serve", "--index", str(demo.index), "--host", args.host, "--port", str(args.port)]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
