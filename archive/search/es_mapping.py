"""The Elasticsearch/OpenSearch index mapping for our pre-tokenised fields (no backend uses it yet).

All analysis happens in archive.search.analysis before any engine, so the text fields hold tokens
separated by spaces: the engine must split on whitespace and do nothing else (no lower-casing,
stemming or CJK handling of its own). Field lists come from backend.py, so the two cannot drift.
"""

from __future__ import annotations

from archive.search.backend import GRAM_FIELDS, KEYWORD_FIELDS, NUMERIC_FIELDS, TEXT_FIELDS

ANALYZER = "pretokenised"


def index_mapping() -> dict:
    """The body of `PUT /<index>`: settings (the analyzer) and mappings (every field)."""
    properties: dict[str, dict] = {
        # Haystack's identifiers: "archive.article.<pk>", the model, the pk.
        "id": {"type": "keyword"},
        "django_ct": {"type": "keyword"},
        "django_id": {"type": "keyword"},
    }
    for name in TEXT_FIELDS:  # phrases need positions
        properties[name] = {"type": "text", "analyzer": ANALYZER, "index_options": "positions"}
    for name in GRAM_FIELDS:  # frequencies only, never phrases
        properties[name] = {"type": "text", "analyzer": ANALYZER, "index_options": "freqs"}
    for name in KEYWORD_FIELDS:
        properties[name] = {"type": "keyword"}
    for name in NUMERIC_FIELDS:
        properties[name] = {"type": "long"}
    return {
        "settings": {
            "analysis": {"analyzer": {ANALYZER: {"type": "custom", "tokenizer": "whitespace", "filter": []}}},
        },
        "mappings": {"dynamic": "strict", "properties": properties},
    }
