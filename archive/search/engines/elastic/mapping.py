"""The Elasticsearch/OpenSearch index mapping for our pre-tokenised fields (archive.search.engines.elastic
creates every index with it).

All analysis happens in archive.search.analysis before any engine, so the text fields hold tokens
separated by spaces: the engine must split on whitespace and do nothing else (no lower-casing,
stemming or CJK handling of its own). Field lists come from backend.py, so the two cannot drift.
BM25's parameters are the Whoosh engine's (archive.search.engines.whoosh.execution), so both rank alike.

Paragraphs arrive as separate array elements (elastic.es_source): Lucene's whitespace tokenizer
takes our PARAGRAPH_BREAK (U+2029) for a space, so the position gap that keeps a phrase inside one
paragraph must come from `position_increment_gap`, the same BREAK_GAP the Whoosh tokenizer skips.
"""

from __future__ import annotations

from archive.search.analysis import BREAK_GAP, INDEX_FORMAT
from archive.search.engines.whoosh.execution import K1, B
from archive.search.fields import GRAM_FIELDS, KEYWORD_FIELDS, NUMERIC_FIELDS, TEXT_FIELDS

ANALYZER = "pretokenised"
SIMILARITY = "archive_bm25"


def index_mapping() -> dict:
    """The body of `PUT /<index>`: settings (the analyzer, the BM25 similarity) and mappings (every field)."""
    properties: dict[str, dict] = {
        # Haystack's identifiers: "archive.article.<pk>", the model, the pk.
        "id": {"type": "keyword"},
        "django_ct": {"type": "keyword"},
        "django_id": {"type": "keyword"},
    }
    text = {"type": "text", "analyzer": ANALYZER, "similarity": SIMILARITY}
    for name in TEXT_FIELDS:  # phrases need positions, and never cross a paragraph
        properties[name] = {**text, "index_options": "positions", "position_increment_gap": BREAK_GAP}
    for name in GRAM_FIELDS:  # frequencies only, never phrases
        properties[name] = {**text, "index_options": "freqs"}
    for name in KEYWORD_FIELDS:
        properties[name] = {"type": "keyword"}
    for name in NUMERIC_FIELDS:
        properties[name] = {"type": "long"}
    return {
        "settings": {
            "analysis": {"analyzer": {ANALYZER: {"type": "custom", "tokenizer": "whitespace", "filter": []}}},
            "similarity": {SIMILARITY: {"type": "BM25", "k1": K1, "b": B}},
        },
        "mappings": {"dynamic": "strict", "_meta": {"format": INDEX_FORMAT}, "properties": properties},
    }
