"""Documents processed by a pool of worker processes, results taken in order by one writer.

Whoosh has one writer per index, and the pipeline and text analysis (pure Python) cost
far more than filing postings. So workers run `func` over items (records in, documents
and their analysed fields out) and the calling process consumes the results in input
order, exactly as a serial loop would, and writes them.

Memory stays bounded whatever the corpus size: the input is pulled lazily, and at most
`window` chunks are in flight (sent and not yet consumed), so a writer slower than its
workers makes them wait instead of piling results up (`Pool.imap` would read the whole
input ahead and keep every finished result).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 8  # items per task: amortises the inter-process round trip (~0.2 ms)
WINDOW_PER_PROC = 4  # chunks in flight per worker: enough to keep each busy
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def default_procs() -> int:
    """Worker processes to use: $SIFTER_PROCS, else one per CPU this process may use."""
    configured = os.environ.get("SIFTER_PROCS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, len(os.sched_getaffinity(0)))


class Workers:
    """A pool of `procs` worker processes for one index run (none when procs is 1),
    started when first needed and shared by the run's passes.

    Workers are forked: they start with the modules (and state) the parent has, sharing
    its memory until either side writes to it. The parent's objects are frozen out of the
    garbage collector at the fork, so the workers' collections do not touch (and copy)
    pages they never use, such as the run's file list."""

    def __init__(self, procs: int = 1) -> None:
        self.procs = procs
        self._pool = None

    def __enter__(self) -> Workers:
        return self

    def _start(self) -> None:
        gc.collect()
        gc.freeze()
        try:
            self._pool = multiprocessing.get_context("fork").Pool(
                self.procs, initializer=die_with_parent, initargs=(os.getpid(),)
            )
        finally:
            gc.unfreeze()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (a later `map` starts new ones)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def map(
        self,
        func: Callable[[T], R],
        items: Iterable[T],
        chunk: int = CHUNK,
        window: int | None = None,
    ) -> Iterator[R]:
        """func(item) for each item, in input order, by the workers (here when there are
        none). `func` must be a module-level function (it is sent to the workers by name).
        At most `window` chunks of `chunk` items are read ahead of what was consumed."""
        if self.procs <= 1:
            yield from map(func, items)
            return
        if self._pool is None:
            self._start()
        window = window or self.procs * WINDOW_PER_PROC
        source = iter(items)
        pending: deque = deque()
        while True:
            while len(pending) < window:
                batch = list(islice(source, chunk))
                if not batch:
                    break
                pending.append(self._pool.apply_async(_run_chunk, (func, batch)))
            if not pending:
                return
            yield from pending.popleft().get()


def ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    procs: int = 1,
    chunk: int = CHUNK,
    window: int | None = None,
) -> Iterator[R]:
    """`Workers(procs).map(...)` with a pool of its own."""
    with Workers(procs) as workers:
        yield from workers.map(func, items, chunk, window)


def die_with_parent(parent: int) -> None:
    """In a worker: be killed when the run's process dies. A killed `sifter index` would
    otherwise leave its workers finishing their queued chunks for seconds, holding the
    index's lock (they inherit its descriptor), so the next run would be refused."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers end when their queue closes
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _run_chunk(func: Callable[[T], R], batch: list[T]) -> list[R]:
    return [func(item) for item in batch]
