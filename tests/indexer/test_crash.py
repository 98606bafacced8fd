"""`sifter index` killed with SIGKILL at each step of a run: the index being served keeps
answering every query correctly, the next run is not blocked by what the killed one left
(its lock, its half-written generation) and completes, and no document is lost or
duplicated. Two runs at once: the second refuses with a clear message.

The kill points are found by watching what the real command has open and writes (no
hooks in the code): the spool of the first pass (an unnamed file in the new generation,
seen through /proc), its workers' own spools while they finish pages, their Whoosh
segment files while they write them, and the tables of contents of the commits. The
last step before the switch is held with a FIFO where the new pointer is written."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.read import document_id
from indexer.write import LOCK_FILE
from search import generations
from tests.conftest import REPO

PAGES = 120
COLOURS = ("amber", "cobalt", "scarlet", "olive", "violet")
CHANGED = 60  # pages rewritten before the killed update (Whoosh buffers ~50 before writing)

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")


def marker(n: int) -> str:
    """A made-up word only page n holds (letters only: digits are a template's)."""
    return "zq" + "".join("bcdfghjklm"[int(d)] for d in f"{n:04d}")


def write_corpus(root: Path, extra: str = "", pages: range = range(PAGES)) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for n in pages:
        text = (
            f"The lighthouse keeper {marker(n)} wrote about the {COLOURS[n % 5]} harbour "
            "festival. Fishermen and cooks came from every village along the coast to sing, "
            f"trade and dance until morning. {extra}\n"
        ) * 3
        (root / f"p{n:04d}.txt").write_text(text, encoding="utf-8")


def start(corpus: Path, index: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "web.cli", "index", str(corpus), "--index", str(index)]
    env = {**os.environ, "SIFTER_PROCS": "2"}  # workers too: they must not outlive a kill
    return subprocess.Popen(
        [*command, *extra, "--no-progress"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


class Snapshot:
    """What a running `sifter index` and its worker processes have open and written, as
    the filesystem (and /proc) shows it."""

    def __init__(self, pid: int, index: Path, live: str, seen: set[str]) -> None:
        newest = generations.generations(index)[-1:]
        self.new = newest[0] if newest and newest[0].name != live else None
        self.current = generations.pointer(index)
        target = self.new or (index / live)  # what the run writes: a new generation or the live
        self.tocs = {p.name for p in target.glob("*.toc")}  # Whoosh's: one per commit
        self.roots_saved = bool(self.new and (self.new / "sifter-roots.json").exists())
        self.spool = self.spool_end = -1  # the run's spool: size and file position; -1: closed
        for fd, name in _open_files(pid, index):
            seen.add(name)  # `seen`: every file the run's own process has held
            if name.endswith("(deleted)"):  # unnamed: the spool of the first pass
                self.spool = _size(pid, fd)
                self.spool_end = _position(pid, fd)
        # Worker processes inherit the run's files; a segment worker has files of its own:
        # an unnamed spool of finished pages, then the files of the segment it writes.
        self.finishing = self.segments = False
        for child in _children(pid):
            names = {name for _, name in _open_files(child, index)} - seen
            if any(name.endswith("(deleted)") for name in names):
                segment = any(_whoosh_file(name) for name in names)
                self.segments |= segment
                self.finishing |= not segment


def _whoosh_file(name: str) -> bool:
    return Path(name).name.startswith("MAIN_") or name.endswith(".ctmp")


def _open_files(pid: int, under: Path) -> list[tuple[str, str]]:
    found = []
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []
    for fd in fds:
        try:
            name = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if name.startswith(str(under)):
            found.append((fd, name))
    return found


def _size(pid: int, fd: str) -> int:
    try:
        return os.stat(f"/proc/{pid}/fd/{fd}").st_size
    except OSError:
        return -1


def _position(pid: int, fd: str) -> int:
    try:
        return int(Path(f"/proc/{pid}/fdinfo/{fd}").read_text().split()[1])  # "pos: N"
    except (OSError, IndexError, ValueError):
        return -1


def _children(pid: int) -> list[int]:
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    children = []
    for thread in threads:
        try:
            children += Path(f"/proc/{pid}/task/{thread}/children").read_text().split()
        except OSError:
            continue
    return [int(child) for child in children]


def kill_when(
    process: subprocess.Popen, index: Path, point: Callable[[Snapshot, dict], bool]
) -> None:
    """SIGKILL the run the moment `point` holds (polled every ~1 ms); fail if it never did."""
    live = generations.pointer(index) or ""
    memory: dict = {}
    seen: set[str] = set()
    while process.poll() is None:
        snapshot = Snapshot(process.pid, index, live, seen)
        memory.setdefault("tocs", snapshot.tocs)  # the commits before the run
        if point(snapshot, memory):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    process.communicate(timeout=600)
    assert process.returncode == -signal.SIGKILL, f"the run ended before {point.__name__}"


def reading_pages(s: Snapshot, memory: dict) -> bool:
    """First pass: pages being spooled (appended: the file position is its end)."""
    return s.spool > 0 and s.spool_end == s.spool and not s.finishing


def finishing_pages(s: Snapshot, memory: dict) -> bool:
    """Second pass, first step: workers finish their shares of the spool, nothing written."""
    return s.finishing and not s.segments and s.tocs == memory["tocs"]


def writing_segments(s: Snapshot, memory: dict) -> bool:
    """Second pass, second step: workers write their Whoosh segments, nothing committed."""
    return s.segments and s.tocs == memory["tocs"]


def committed_not_switched(s: Snapshot, memory: dict) -> bool:
    """The new generation committed and its roots saved, the pointer not yet replaced:
    `pointer_held` makes the run wait there."""
    return s.roots_saved and s.tocs != memory["tocs"] and s.current != s.new.name


@contextlib.contextmanager
def pointer_held(index: Path) -> Iterator[None]:
    """A FIFO where the run writes the new pointer before its atomic rename: opening it
    blocks, so the run stops at the last step before the switch. Then, as a killed
    switch would, a half-written pointer file is left there."""
    tmp = index / (generations.POINTER + ".tmp")
    os.mkfifo(tmp)
    try:
        yield
    finally:
        tmp.unlink()
        tmp.write_text("gen-0")


class Watcher:
    """Queries the served index (the real Flask app on the live index) in a loop, from
    before the first run is killed to after the last run, and keeps every wrong answer."""

    def __init__(self, index: Path) -> None:
        from web.app import create_app

        self.client = create_app(index).test_client()
        self.changed_total: set[int] = set()
        self.wrong: list[str] = []
        self.answers = 0
        self._lock = threading.Lock()  # the loop and the test's own checks share the client
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def check(self) -> None:
        with self._lock:
            self._check()

    def _check(self) -> None:
        for q, expected in (("lighthouse", PAGES), ("cobalt", PAGES // 5)):
            self._expect(q, {expected})
        self._expect(marker(self.answers % PAGES), {1})
        # The changed pages are all old or all new, never a mixture.
        self._expect("tangerine", {0, CHANGED})
        self.answers += 1

    def _expect(self, q: str, allowed: set[int]) -> None:
        response = self.client.get("/api/search", query_string={"q": q})
        total = response.get_json().get("total") if response.status_code == 200 else None
        if total not in allowed:
            self.wrong.append(f"{q}: HTTP {response.status_code}, total {total}")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            time.sleep(0.02)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def lock_released(index: Path, within: float) -> bool:
    """The killed run's lock file is still there; is it free (or freed in time)?"""
    deadline = time.monotonic() + within
    with open(index / LOCK_FILE, "rb") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.01)
                continue
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return True


def stored_ids(index: Path) -> list[str]:
    ix = whoosh_index.open_dir(str(generations.live_dir(index)))
    with ix.searcher() as searcher:
        return [fields["id"] for fields in searcher.all_stored_fields()]


def test_killed_runs_lose_nothing_and_block_nothing(tmp_path: Path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus)
    code, out, err = finish(start(corpus, index))
    assert code == 0, out + err
    expected = sorted(document_id(corpus, f"p{n:04d}.txt", None) for n in range(PAGES))
    assert sorted(stored_ids(index)) == expected

    with Watcher(index) as watcher:
        for point in (reading_pages, finishing_pages, writing_segments):
            kill_when(start(corpus, index, "--rebuild"), index, point)
            assert lock_released(index, within=1.0)  # its workers do not hold it on
            watcher.check()
        with pointer_held(index):
            kill_when(start(corpus, index, "--rebuild"), index, committed_not_switched)
        assert lock_released(index, within=1.0)
        watcher.check()
        # At once: neither the lock nor the unfinished generation blocks the next run.
        code, out, err = finish(start(corpus, index, "--rebuild"))
        assert code == 0 and f"indexed {PAGES} documents" in out, out + err
        assert generations.generations(index)[-1].name == generations.pointer(index)
        watcher.check()

        # An update killed while it writes into the live generation, then run again.
        write_corpus(corpus, extra="Tangerine sails.", pages=range(CHANGED))
        kill_when(start(corpus, index), index, writing_segments)
        watcher.check()
        code, out, err = finish(start(corpus, index))
        assert code == 0, out + err
        assert f"indexed {CHANGED} documents, unchanged {PAGES - CHANGED}" in out
        watcher.check()

    assert watcher.answers > 20 and not watcher.wrong, watcher.wrong[:10]
    ids = stored_ids(index)
    assert len(ids) == len(set(ids)) and sorted(ids) == expected  # none lost, none twice
    response = watcher.client.get("/api/search", query_string={"q": "tangerine"})
    assert response.get_json()["total"] == CHANGED


def test_a_second_run_at_the_same_time_refuses_with_a_clear_message(tmp_path: Path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus)
    first = start(corpus, index)
    while first.poll() is None and not generations.generations(index):
        time.sleep(0.002)  # a generation is created under the lock
    second = start(corpus, index)
    code, out, err = finish(second)
    assert first.poll() is None, "the first run ended before the second one tried"
    assert code == 2 and out == ""
    assert f"sifter: {index} is being written by another `sifter index`" in err
    assert "try again when it has finished" in err
    code, out, err = finish(first)
    assert code == 0 and f"indexed {PAGES} documents" in out, out + err
    assert len(stored_ids(index)) == PAGES


def test_the_workers_of_a_killed_run_die_with_it_and_free_its_lock(tmp_path: Path):
    """The pool's workers inherit the lock's descriptor; left alone they would finish
    their queued pages (30 s here) and keep the next run out until then."""
    lock = tmp_path / LOCK_FILE
    script = f"""
import fcntl, time
from indexer.parallel import Workers
handle = open({str(lock)!r}, "a+b")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
with Workers(2) as workers:
    for naps, _ in enumerate(workers.map(time.sleep, [0, 0] + [30] * 8, chunk=1)):
        print("working", flush=True)  # the pool runs; the next naps are under way
"""
    run = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE)
    assert run.stdout.readline() == b"working\n"
    time.sleep(0.3)
    run.kill()
    run.wait()
    assert lock_released(tmp_path, within=1.0)


def test_only_generations_newer_than_the_live_one_are_discarded(tmp_path: Path):
    for number in (1, 2, 3, 4):
        (tmp_path / f"gen-{number:06d}").mkdir()
    (tmp_path / generations.POINTER).write_text("gen-000002\n")
    gone = generations.discard_unfinished(tmp_path)
    assert [g.name for g in gone] == ["gen-000003", "gen-000004"]
    assert [g.name for g in generations.generations(tmp_path)] == ["gen-000001", "gen-000002"]
    (tmp_path / generations.POINTER).write_text("not a generation\n")
    assert generations.discard_unfinished(tmp_path) == []  # unsure: keep everything
    (tmp_path / generations.POINTER).unlink()  # never switched: nothing is live
    generations.discard_unfinished(tmp_path)
    assert generations.generations(tmp_path) == []
