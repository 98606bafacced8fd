"""The second pass of an index run: worker processes finish the spooled pages and each
writes its own Whoosh segment.

Whoosh files postings in pure Python. With one writer fed by workers, a 100k-page build
used 64% of two cores: the writer (add_document, pooling, the segment's postings at
commit) was the bottleneck. So, as `whoosh.multiproc.MpWriter(multisegment=True)` does,
each worker process owns a SegmentWriter of the index being built, and the run's own
writer only lists their segments in the table of contents when all are done. Nothing
but a few ids and SimHashes crosses between processes.

Each worker takes one contiguous share of the spooled pages, cut by bytes so the shares
cost about the same; the segments, in order, hold the documents in corpus order, as a
serial run does. Two steps with a barrier between them: `finish` runs the rest of the
pipeline and keeps each document's fields in a spool of its own, returning ids and
SimHashes; the run groups near duplicates over the whole corpus; `write` files every
document with its final group (so a full build never writes a document twice). A run
with one process does the same in-process, into the run's own writer.
"""

from __future__ import annotations

import bisect
import gc
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path

from whoosh.index import Index
from whoosh.writing import SegmentWriter

from indexer.model import Document, Failure
from indexer.parallel import die_with_parent
from indexer.pipeline import finish
from indexer.spool import Spool, unpack
from search.schema import InliningCodec

NO_TEXT = "no text left"
PROGRESS_EVERY = 32  # documents between progress messages from a worker

# What `finish` returns per page: the document's (id, SimHash), or why there is none.
Finished = tuple[str, int | None] | Failure
FieldsOf = Callable[[Document], dict[str, object]]


class WorkerError(Exception):
    """A worker process failed; the message holds its traceback."""


class Share:
    """One contiguous share of the spooled pages, finished and then written."""

    def __init__(
        self,
        spool: Spool,
        start: int,
        stop: int,
        learned: dict[str, frozenset[int]],
        fields_of: FieldsOf,
        directory: Path | None,
    ) -> None:
        self.spool, self.start, self.stop = spool, start, stop
        self.learned, self.fields_of = learned, fields_of
        self.directory = directory
        self.out: Spool | None = None  # the finished documents' fields, made where used

    def finish(self, tick: Callable[[int], None]) -> list[Finished]:
        """Chrome removal (with the source's template lines), language and metadata for
        every page of the share; the fields kept for `write`."""
        self.out = Spool(self.directory)
        results: list[Finished] = []
        done = 0
        for entry in self.spool.read(self.start, self.stop):
            source, packed = pickle.loads(entry)
            doc = finish(unpack(packed), self.learned.get(source) or frozenset())
            if isinstance(doc, Failure):
                results.append(doc)
            elif not (doc.body or doc.title):
                results.append(Failure(doc.path, doc.record, NO_TEXT, skipped=True))
            else:
                fields = self.fields_of(doc)
                self.out.append(pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL))
                simhash = fields.get("simhash")
                results.append((doc.id, int(simhash, 16) if simhash else None))
            done += 1
            if done % PROGRESS_EVERY == 0:
                tick(PROGRESS_EVERY)
        tick(done % PROGRESS_EVERY)
        return results

    def write(self, writer: SegmentWriter, groups: dict[str, str]) -> int:
        """Every finished document into `writer`, with its near-duplicate group (`groups`
        holds those that are not their own group)."""
        written = 0
        assert self.out is not None, "finish() first"
        for entry in self.out:
            fields = pickle.loads(entry)
            fields["dup_group"] = groups.get(fields["id"], fields["id"])
            writer.add_document(**fields)
            written += 1
        self.out.close()
        return written


def cut(spool: Spool, shares: int) -> list[tuple[int, int]]:
    """(start, stop) of `shares` contiguous ranges of the spool of about equal bytes."""
    total = spool.size
    bounds = [0]
    for k in range(1, shares):
        bounds.append(max(bounds[-1], bisect.bisect_left(spool.offsets, total * k / shares)))
    bounds.append(spool.count)
    return list(zip(bounds, bounds[1:], strict=False))


class SegmentWorkers:
    """`procs` forked processes, each finishing one share and writing its own segment of
    `ix`. Forked after the template lines were learned, so they have them for free."""

    def __init__(
        self,
        ix: Index,
        spool: Spool,
        learned: dict[str, frozenset[int]],
        fields_of: FieldsOf,
        procs: int,
        limitmb: int,
        directory: Path | None,
    ) -> None:
        spool.flush()
        context = multiprocessing.get_context("fork")
        self._pipes: list[Connection] = []
        self._procs = []
        # The run's objects are frozen out of the collector at the fork, so collections in
        # the workers do not touch (and copy) memory they never use.
        gc.freeze()
        try:
            self._start(context, ix, spool, learned, fields_of, procs, limitmb, directory)
        finally:
            gc.unfreeze()

    def _start(self, context, ix, spool, learned, fields_of, procs, limitmb, directory) -> None:
        for start, stop in cut(spool, procs):
            ours, theirs = context.Pipe()
            share = Share(spool, start, stop, learned, fields_of, directory)
            proc = context.Process(
                target=_serve, args=(theirs, ix, share, limitmb, os.getpid()), daemon=True
            )
            proc.start()
            theirs.close()
            self._pipes.append(ours)
            self._procs.append(proc)

    def finish(self, tick: Callable[[int], None]) -> list[Finished]:
        """Every share finished; the results in corpus order."""
        for pipe in self._pipes:
            pipe.send(("finish", None))
        return [item for part in self._gather("finished", tick) for item in part]

    def write(self, groups: dict[str, str]) -> tuple[list, int]:
        """Every share written; (the new segments in order, documents written)."""
        for pipe in self._pipes:
            pipe.send(("write", groups))
        done = self._gather("written", lambda n: None)
        return [segment for segment, _ in done if segment is not None], sum(n for _, n in done)

    def _gather(self, kind: str, tick: Callable[[int], None]) -> list:
        answers: dict[Connection, object] = {}
        while len(answers) < len(self._pipes):
            for pipe in wait([p for p in self._pipes if p not in answers]):
                try:
                    what, value = pipe.recv()
                except EOFError:
                    raise WorkerError("a segment worker died") from None
                if what == "progress":
                    tick(value)
                elif what == "error":
                    raise WorkerError(value)
                else:
                    answers[pipe] = value
        return [answers[pipe] for pipe in self._pipes]

    def close(self) -> None:
        for pipe in self._pipes:
            pipe.close()
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()

    def __enter__(self) -> SegmentWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(pipe: Connection, ix: Index, share: Share, limitmb: int, parent: int) -> None:
    """In a worker: finish the share when told, then write it into a new segment."""
    die_with_parent(parent)
    try:
        pipe.recv()
        results = share.finish(lambda n: pipe.send(("progress", n)))
        pipe.send(("finished", results))
        del results
        _, groups = pipe.recv()
        pipe.send(("written", write_segment(ix, share, groups, limitmb)))
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def write_segment(
    ix: Index, share: Share, groups: dict[str, str], limitmb: int
) -> tuple[object | None, int]:
    """The share's documents as a new segment of `ix`, not yet listed in its table of
    contents (`commit` does that): (the segment or None when empty, documents written)."""
    writer = SegmentWriter(ix, _lk=False, limitmb=limitmb, compound=False, codec=InliningCodec())
    try:
        written = share.write(writer, groups)
    except BaseException:
        writer._close_segment()
        raise
    if not written:
        writer._close_segment()
        return None, 0
    return writer._finalize_segment(), written


def commit(writer: SegmentWriter, segments: list) -> None:
    """Commit `writer` with the workers' segments after its own (as MpWriter's
    multisegment commit does): one new table of contents lists them all."""
    final = writer._merge_segments(None, None, None)
    final += segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()


def finished_ids(results: list[Finished]) -> Iterator[tuple[str, int | None]]:
    return (item for item in results if not isinstance(item, Failure))
