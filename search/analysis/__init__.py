"""Script-aware analysis, shaped like Meilisearch's charabia.

scripts (runs of one script) → segment (chinese: Traditional folded to Simplified by
simplify, then jieba words, plus dictionary sub-words at index time; bigrams: Japanese and
Korean) → normalize (NFKC with offsets, accent folding) → tokenizer (Whoosh tokens) →
filters (apostrophes, folding, stemming by script) → analyzers (one per language family).

For snippets: sentences (sentence bounds near a position) and probes (where a term may
stand in raw text, without analysing it).
"""

from search.analysis.analyzers import FAMILIES, analyzer_for, family_for

__all__ = ["FAMILIES", "analyzer_for", "family_for"]
