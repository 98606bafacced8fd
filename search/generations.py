"""Index generations: a full rebuild is written beside the live index and switched to at once.

An index folder holds generations `gen-000001`, `gen-000002`, ... (each a whole Whoosh
index with its schema version) and a pointer file `CURRENT` naming the live one. A
rebuild writes the next generation, then replaces the pointer with `os.replace`, which
is atomic: a reader sees the old generation or the new one, never a half-built index.
The generation before the live one stays on disk, so a searcher opened on it keeps
answering; older ones are deleted by the next switch. A run killed before its switch
leaves a newer, unfinished generation, which the next run deletes (`discard_unfinished`).

Incremental updates (`sifter index` on a corpus that changed a little) commit into the
live generation: Whoosh's own commit is atomic too (the table of contents is written
last), and searchers refresh to it.

An index written before generations existed (Whoosh's files directly in the folder) is
still read, as the live index, until the next rebuild replaces it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from whoosh import index as whoosh_index

POINTER = "CURRENT"
PREFIX = "gen-"
LOCK = "sifter-index.lock"  # held by the `sifter index` writing the folder
_NAME = re.compile(r"gen-(\d{6,})")


def live_dir(index_dir: Path) -> Path | None:
    """The folder of the live index, or None when there is none yet."""
    name = pointer(index_dir)
    if name is not None:
        live = index_dir / name
        return live if whoosh_index.exists_in(str(live)) else None
    if whoosh_index.exists_in(str(index_dir)):  # a folder from before generations
        return index_dir
    return None


def is_index_folder(folder: Path) -> bool:
    """Whether `folder` is a Sifter index (it has been or is being built): a corpus walk
    must not read it as pages. Two stats, cheap enough for every folder of a corpus."""
    return (folder / POINTER).exists() or (folder / LOCK).exists()


def pointer(index_dir: Path) -> str | None:
    """The live generation's name as the pointer says it, None without a pointer."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name if _NAME.fullmatch(name) else None


def generations(index_dir: Path) -> list[Path]:
    """Every generation folder, oldest first (complete or not)."""
    if not index_dir.is_dir():
        return []
    found = [p for p in index_dir.iterdir() if p.is_dir() and _NAME.fullmatch(p.name)]
    return sorted(found, key=lambda p: int(p.name[len(PREFIX) :]))


def next_generation(index_dir: Path) -> Path:
    """A new, empty folder for the next generation (after every existing one)."""
    existing = generations(index_dir)
    number = int(existing[-1].name[len(PREFIX) :]) + 1 if existing else 1
    folder = index_dir / f"{PREFIX}{number:06d}"
    folder.mkdir(parents=True)
    return folder


def discard_unfinished(index_dir: Path) -> list[Path]:
    """Delete generations newer than the live one: a run killed before its switch left
    them half-written, and no reader ever opens them. Only under the build lock (a
    running build's generation is newer too). Returns what was deleted."""
    live = pointer(index_dir)
    if live is None and (index_dir / POINTER).exists():
        return []  # a pointer we cannot read: better keep everything
    number = int(live[len(PREFIX) :]) if live else 0
    stale = [g for g in generations(index_dir) if int(g.name[len(PREFIX) :]) > number]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def switch(index_dir: Path, generation: Path) -> None:
    """Make `generation` the live index, atomically; keep the one it replaces (searchers
    opened on it may still be reading) and delete the older ones and unfinished ones."""
    previous = pointer(index_dir)
    tmp = index_dir / f"{POINTER}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(generation.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / POINTER)
    _fsync_dir(index_dir)
    for folder in generations(index_dir):
        if folder.name not in (generation.name, previous):
            shutil.rmtree(folder, ignore_errors=True)
    if previous is None:
        _remove_unversioned_index(index_dir)


def _remove_unversioned_index(index_dir: Path) -> None:
    """Whoosh's files of an index from before generations, now replaced."""
    for path in index_dir.iterdir():
        if path.is_file() and (path.name.startswith(("_MAIN_", "MAIN_"))):
            path.unlink(missing_ok=True)
    (index_dir / "sifter-schema-version").unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
