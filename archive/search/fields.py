"""The fields of an article's search document, whatever engine holds it (archive.search.documents
builds the document; each engine maps these fields onto its own index)."""

from __future__ import annotations

# Token fields with positions: words (jieba and stems), pairs of units, pinyin syllables.
TEXT_FIELDS = ("text", "chars", "title_words", "title_chars", "pinyin")
GRAM_FIELDS = ("grams", "title_grams")  # 3- and 4-unit grams: frequencies only, never phrases
KEYWORD_FIELDS = ("language", "month")
# updated_at: the article's version (archive.search.documents.version), for check_index.
NUMERIC_FIELDS = ("article_pk", "source_pk", "published_sort", "published_on", "updated_at")


def term_fields(field: str) -> tuple[str, str, str]:
    """The words, chars and grams fields a query term of this field ("" or "title") looks in."""
    if field == "title":
        return "title_words", "title_chars", "title_grams"
    return "text", "chars", "grams"


def real_word_fields(field: str) -> tuple[str, ...]:
    """The word fields where a term of this field ("" or "title") counts as a real word."""
    return ("title_words",) if field == "title" else ("text", "title_words")
