"""A stemmer that fails on a word must not fail the page, the build or the search."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.write import build
from search.analysis import FAMILIES, analyzer_for
from search.engine import Engine
from search.results import SearchRequest

# Whoosh's Spanish snowball stemmer raises IndexError on these (after accent folding).
TROUBLE = "ague agüe averigüe apacigüe"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_analyzer_reads_words_its_stemmer_chokes_on(family):
    assert len(list(analyzer_for(family)(TROUBLE))) == 4


def test_a_spanish_page_with_such_words_is_indexed_and_found(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (
        "Cuando llegue el invierno, averigüe si el puerto sigue abierto. Los pescadores del "
        "pueblo dicen que el agüe de la costa trae fiebre a quien duerme junto al agua. "
        "El alcalde pidió a los vecinos que no salgan de noche durante la tormenta."
    )
    (corpus / "puerto.txt").write_text(text, encoding="utf-8")
    report = build([corpus], tmp_path / "index")
    assert report.indexed == 1 and not report.failed
    assert Engine(tmp_path / "index").search(SearchRequest(q="averigüe puerto")).total == 1
