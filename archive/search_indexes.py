"""One search document per article; its paragraphs' tokens are its fields.

Per article rather than per paragraph: the archive's results are articles, and
`count` counts articles, so one document each keeps the index 10–15 times
smaller and a count exact without grouping. The matching paragraphs of the
articles on a page are found afterwards by archive.search.matching, with the
same normalisation and tokens the index holds.
"""

from __future__ import annotations

from haystack import indexes

from archive.filters import complete_date_number, month_of
from archive.models import Article
from archive.search.analysis import PARAGRAPH_BREAK, FieldTexts, analyse
from archive.search.backend import GRAM_FIELDS, KEYWORD_FIELDS, NUMERIC_FIELDS, TEXT_FIELDS
from archive.search.ranked import published_sort

DOCUMENT_FIELDS = {"id", "django_ct", "django_id", *TEXT_FIELDS, *GRAM_FIELDS, *KEYWORD_FIELDS, *NUMERIC_FIELDS}


def searchable_paragraphs(article: Article) -> list[tuple[str, str]]:
    """(text, language) of the paragraphs a search looks at: everything but page furniture, in order."""
    return [(p.text, p.language) for p in article.paragraphs.all() if not p.is_boilerplate]


def _body(article: Article) -> FieldTexts:
    # Haystack prepares field by field; analyse the body once per article.
    if not hasattr(article, "_search_body"):
        article._search_body = analyse(searchable_paragraphs(article))
    return article._search_body


def _title(article: Article) -> FieldTexts:
    if not hasattr(article, "_search_title"):
        article._search_title = analyse([(article.title, article.title_language)])
    return article._search_title


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
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

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return Article.objects.prefetch_related("paragraphs").order_by("pk")

    def prepare_text(self, article: Article) -> str:
        return _body(article).words

    def prepare_chars(self, article: Article) -> str:
        return _body(article).chars

    def prepare_grams(self, article: Article) -> str:
        return _body(article).grams

    def prepare_title_words(self, article: Article) -> str:
        return _title(article).words

    def prepare_title_chars(self, article: Article) -> str:
        return _title(article).chars

    def prepare_title_grams(self, article: Article) -> str:
        return _title(article).grams

    def prepare_pinyin(self, article: Article) -> str:
        # Body and title in one field (a title is its own run, so no phrase spans the two).
        parts = [text for text in (_body(article).pinyin, _title(article).pinyin) if text]
        return f" {PARAGRAPH_BREAK} ".join(parts)

    def prepare_month(self, article: Article) -> str:
        return month_of(article.pub_year, article.pub_month)

    def prepare_source_pk(self, article: Article) -> int:
        return article.source_id or 0

    def prepare_published_sort(self, article: Article) -> int:
        return published_sort(article.pub_year, article.pub_month, article.pub_day)

    def prepare_published_on(self, article: Article) -> int:
        # What date ranges compare: only a complete date can fall inside one (archive.filters).
        return complete_date_number(article.pub_year, article.pub_month, article.pub_day)

    def document(self, article: Article) -> dict:
        """The Whoosh document for an article: Haystack's ids plus our fields."""
        prepared = self.full_prepare(article)
        return {key: value for key, value in prepared.items() if key in DOCUMENT_FIELDS and value is not None}
