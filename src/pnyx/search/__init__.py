"""Search: Stack Exchange's query language over a full-text index kept in each site's database.

- `analysis`: text to index terms (folding, stemming, CJK bigrams), the same for both engines.
- `query`: the query language parsed once into a tree (`parse`).
- `engines`: the tree planned from per-term document counts and run on SQLite FTS5 or
  PostgreSQL's tsvector with bounded work.
- `index`: keeping the index in step (`update_posts`) and building it whole (`rebuild`).
- `selectors`: what the pages read (`search`, `similar_questions`, `related_questions`,
  `duplicate_candidates`).
"""
