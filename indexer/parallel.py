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

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 8  # items per task: amortises the inter-process round trip (~0.2 ms)
WINDOW_PER_PROC = 4  # chunks in flight per worker: enough to keep each busy


def default_procs() -> int:
    """Worker processes to use: $SIFTER_PROCS, else one per CPU this process may use."""
    configured = os.environ.get("SIFTER_PROCS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, len(os.sched_getaffinity(0)))


def ordered_map(
    func: Callable[[T], R],
    items: Iterable[T],
    procs: int = 1,
    chunk: int = CHUNK,
    window: int | None = None,
) -> Iterator[R]:
    """func(item) for each item, in input order; with procs > 1, in a pool of processes.

    `func` must be a module-level function (it is sent to the workers by name). At most
    `window` chunks of `chunk` items are read ahead of what the caller has consumed."""
    if procs <= 1:
        yield from map(func, items)
        return
    window = window or procs * WINDOW_PER_PROC
    source = iter(items)
    # fork: workers start with the modules (and loaded models) the parent already has.
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        pending: deque = deque()
        while True:
            while len(pending) < window:
                batch = list(islice(source, chunk))
                if not batch:
                    break
                pending.append(pool.apply_async(_run_chunk, (func, batch)))
            if not pending:
                return
            yield from pending.popleft().get()


def _run_chunk(func: Callable[[T], R], batch: list[T]) -> list[R]:
    return [func(item) for item in batch]
