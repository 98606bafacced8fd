"""The plain data passed between pipeline stages.

read -> RawRecord; decode -> Page; repair, language, chrome: Page -> Page;
metadata: Page -> Document; write: Document -> index. Stages return new values
(`dataclasses.replace`) instead of mutating, so each can be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "html"]


@dataclass(frozen=True)
class Origin:
    """Where a record's bytes lie in its file, so they can be read back and verified.

    `offset`/`length` count bytes of the decompressed stream for a (.gz) text, HTML or
    JSONL file, and of the file itself for a WARC (each .warc.gz record is its own gzip
    member, which is how WARC indexes cite records). `sha256` is of the record's bytes as
    the pipeline read them: the whole page, the JSONL line, the WARC record's payload."""

    offset: int
    length: int
    sha256: str


@dataclass(frozen=True)
class RawRecord:
    """One crawled page as found in the corpus, before decoding."""

    id: str  # unique across the corpus, URL-safe, stable across re-indexing
    path: str  # the file it came from, as the user named it
    root: str  # absolute corpus root the file was found under
    relpath: str  # path relative to root, "/"-separated
    record: str | None  # "L12" (JSONL line), "@1234" (WARC offset), None (whole file)
    data: bytes | str  # str when the container had already decoded it (JSONL)
    kind: Kind
    url: str | None = None
    crawled: str | None = None  # ISO date the crawler recorded (JSONL timestamp, WARC-Date)
    source: str | None = None  # publisher named by the container (JSONL "source")
    external_id: str | None = None  # the container's own id (JSONL "id", WARC-Record-ID)
    charset: str | None = None  # charset declared by the transport (HTTP header)
    fingerprint: str = ""  # size and mtime of the file, to skip unchanged files
    origin: Origin | None = None  # where the bytes are in the file (None: built by hand)


@dataclass(frozen=True)
class Block:
    """A line of a text page or a block element of an HTML page."""

    text: str
    tag: str = "line"  # "line" for text files; the HTML element (or its nav/footer/... context)
    link_density: float = 0.0  # share of the block's characters inside <a>
    lang: str | None = None  # per-block language, None when the block is too short to tell
    chrome: bool = False
    chrome_score: float = 0.0  # > 0 leans chrome; kept for `sifter extract` and tuning


@dataclass(frozen=True)
class Page:
    """A decoded page on its way through repair, language and chrome removal."""

    record: RawRecord
    blocks: tuple[Block, ...]
    encoding: str  # what the bytes were decoded as ("utf-8", "gb18030", ...)
    html_meta: dict[str, str] = field(default_factory=dict)  # <title>, og:*, meta dates
    repairs: tuple[str, ...] = ()
    lang: str = "und"  # ISO 639-1, "und" when unknown
    lang_confidence: float = 0.0
    script: str | None = None  # "Hans" / "Hant" for Chinese
    lang_mix: dict[str, float] = field(default_factory=dict)  # share of content letters
    truncated: bool = False  # the text was cut to the analysis cap

    @property
    def content(self) -> list[Block]:
        return [b for b in self.blocks if not b.chrome]


@dataclass(frozen=True)
class Dates:
    """Dates kept apart by kind; `best` is what the date facet and sort use."""

    published: str | None = None
    updated: str | None = None
    crawled: str | None = None

    @property
    def best(self) -> tuple[str | None, str | None]:
        for kind in ("published", "updated", "crawled"):
            value = getattr(self, kind)
            if value:
                return value, kind
        return None, None


@dataclass(frozen=True)
class Document:
    """What the index stores for one page: the output of the pipeline."""

    id: str
    path: str
    root: str
    record: str | None
    url: str | None
    host: str | None  # from the URL
    source: str  # the credited publisher, else host, else folder, else "unknown"
    title: str
    body: str
    chrome: tuple[str, ...]  # removed lines, kept for auditing, never searched
    lang: str
    lang_confidence: float
    script: str | None
    lang_mix: dict[str, float]
    dates: Dates
    repairs: tuple[str, ...]
    encoding: str
    fingerprint: str
    external_id: str | None = None
    truncated: bool = False
    origin: Origin | None = None


@dataclass(frozen=True)
class Failure:
    """A file or record that was not indexed, and why: a failure (it should have been a
    document and could not be read), or `skipped` (it holds no page: an unsupported file
    type, a WARC request record, an empty page). Either way it is listed, never dropped."""

    path: str
    record: str | None
    reason: str
    skipped: bool = False
