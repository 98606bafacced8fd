"""One jieba tokenizer per process, its cache kept out of the system temp dir.

jieba builds a 9 MB prefix-dictionary cache on first use and by default writes it
to /tmp and logs to stderr (see TRAPS.md); every module that segments Chinese
goes through `tokenizer()` so both happen once, in one place.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import jieba


def cache_dir() -> Path:
    """Where Sifter keeps caches: $SIFTER_CACHE_DIR, else $XDG_CACHE_HOME/sifter."""
    explicit = os.environ.get("SIFTER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sifter"


@functools.cache
def tokenizer() -> jieba.Tokenizer:
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    jieba.setLogLevel(logging.WARNING)
    dt = jieba.dt
    dt.cache_file = str(directory / "jieba.cache")
    dt.initialize()
    return dt
