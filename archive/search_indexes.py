"""One search document per article; its paragraphs' tokens are its fields.

Per article rather than per paragraph: the archive's results are articles, and
`count` counts articles, so one document each keeps the index 10–15 times
smaller and a count exact without grouping. The matching paragraphs of the
articles on a page are found afterwards by archive.search.matching, with the
same normalisation and tokens the index holds.

The document itself is built by archive.search.indexing.document_of, which the
importer and the index queue use too; this class gives Haystack its view of it.
"""

from __future__ import annotations

from haystack import indexes

from archive.models import Article
from archive.search.indexing import document_of, indexed_articles


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # The fields Haystack knows of; their values come from document() (see full_prepare).
    text = indexes.CharField(document=True)
    chars = indexes.CharField()
    grams = indexes.CharField()
    title_words = indexes.CharField()
    title_chars = indexes.CharField()
    title_grams = indexes.CharField()
    pinyin = indexes.CharField()
    language = indexes.CharField(model_attr="language")
    month = indexes.CharField()
    article_pk = indexes.IntegerField(model_attr="pk")
    source_pk = indexes.IntegerField()
    published_sort = indexes.IntegerField()
    published_on = indexes.IntegerField()
    updated_at = indexes.IntegerField()

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return indexed_articles()

    def document(self, article: Article) -> dict:
        """The index document of a saved article (archive.search.indexing.document_of)."""
        return document_of(article)

    def full_prepare(self, obj: Article, with_string_facet: bool = True) -> dict:
        self.prepared_data = self.document(obj)
        return self.prepared_data
