"""Script-aware analysis, shaped like Meilisearch's charabia.

scripts (runs of one script) → segment (chinese: jieba, bigrams: Japanese and Korean) →
normalize (NFKC with offsets, accent folding) → tokenizer (Whoosh tokens) → filters
(apostrophes, folding, stemming by script) → analyzers (one per language family).
"""

from search.analysis.analyzers import FAMILIES, analyzer_for, family_for

__all__ = ["FAMILIES", "analyzer_for", "family_for"]
