"""Pages half-way through the pipeline, kept on disk between an index run's two passes.

Chrome removal needs the template lines learned from every page of a source, so a run
reads its pages twice. The first pass decodes, repairs and identifies the language of
each page (what does not depend on other pages) and, besides counting its lines, writes
the page here; the second pass reads it back instead of decoding the page again. The
spool is an unnamed temporary file, written and read in order, so memory stays bounded.

Pages are stored as plain tuples: unpickling a frozen dataclass costs ~30 µs, and a page
has dozens of blocks.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import struct
import tempfile
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from indexer.model import Block, Page, RawRecord

_LENGTH = struct.Struct("<Q")
_RECORD_FIELDS = [f.name for f in dataclasses.fields(RawRecord)]
_BLOCK_FIELDS = [f.name for f in dataclasses.fields(Block)]
_PAGE_FIELDS = [f.name for f in dataclasses.fields(Page) if f.name not in ("record", "blocks")]


def pack(page: Page) -> bytes:
    """The page as bytes, without its record's raw data (decoding is done)."""
    record = dataclasses.replace(page.record, data=b"")
    return pickle.dumps(
        (
            tuple(getattr(record, name) for name in _RECORD_FIELDS),
            [tuple(getattr(block, name) for name in _BLOCK_FIELDS) for block in page.blocks],
            tuple(getattr(page, name) for name in _PAGE_FIELDS),
        ),
        protocol=pickle.HIGHEST_PROTOCOL,
    )


def unpack(data: bytes) -> Page:
    record, blocks, rest = pickle.loads(data)
    return Page(
        RawRecord(*record),
        tuple(Block(*block) for block in blocks),
        **dict(zip(_PAGE_FIELDS, rest, strict=True)),
    )


class Spool:
    """An append-then-read sequence of byte strings in a temporary file.

    Entries are read back with `os.pread`, which leaves the file position alone, so
    processes forked after the writing (which share the file and its position) can each
    read a range of their own."""

    def __init__(self, directory: Path | None = None) -> None:
        self._file: BinaryIO = tempfile.TemporaryFile(dir=directory, prefix="sifter-spool-")  # noqa: SIM115 - closed by close()
        self.count = 0
        self.offsets = array("Q")  # where each entry starts: 8 bytes per page
        self._end = 0

    def append(self, data: bytes) -> None:
        self.offsets.append(self._end)
        self._file.write(_LENGTH.pack(len(data)))
        self._file.write(data)
        self._end += _LENGTH.size + len(data)
        self.count += 1

    @property
    def size(self) -> int:
        return self._end

    def flush(self) -> None:
        """Write out what is buffered (before forking processes that read the spool)."""
        self._file.flush()

    def __iter__(self) -> Iterator[bytes]:
        return self.read(0, self.count)

    def read(self, start: int, stop: int) -> Iterator[bytes]:
        """Entries start to stop - 1."""
        self._file.flush()
        fd = self._file.fileno()
        offset = self.offsets[start] if start < self.count else self._end
        for _ in range(start, min(stop, self.count)):
            (length,) = _LENGTH.unpack(os.pread(fd, _LENGTH.size, offset))
            yield os.pread(fd, length, offset + _LENGTH.size)
            offset += _LENGTH.size + length

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
