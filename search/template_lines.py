"""Template lines: how a chrome line is normalised and hashed, and which lines are offered.

One place for these rules: the indexer learns a source's template lines by these hashes
(indexer.templates) and writes each page's lines into the `template` field and the
`template_hashes` column (indexer.write); the template facet reads them back
(search.facets). Normalising as C4 and CCNet do: lower case, digits -> 0, spaces collapsed.
"""

from __future__ import annotations

import hashlib
import re

MIN_LETTERS = 3  # lines with fewer letters ("-", "00", "[0]") are not indexed as template lines
MAX_CHARS = 300  # longer chrome lines are text that slipped, not a template's line

_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")


def normalise(line: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("0", line.lower())).strip()


def line_hash(line: str) -> int:
    """A stable 64-bit hash of the normalised line (Python's hash() changes per process)."""
    digest = hashlib.blake2b(normalise(line).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def offered(normalised: str) -> bool:
    """A chrome line worth indexing as a template line: some letters, not a whole text."""
    letters = sum(ch.isalpha() for ch in normalised)
    return len(normalised) <= MAX_CHARS and letters >= MIN_LETTERS
