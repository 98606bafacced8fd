"""The read side: schema, analysis, queries, facets, snippets. Imports neither indexer nor web."""
