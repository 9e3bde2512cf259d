"""Applying the database to the search index: some articles, or all of them in a rebuild. Writers
hold the writer lock (archive.search.queue); the engine is archive.search.engines.get_engine().
`document_of` is the one way a saved article becomes its index document (Haystack's ArticleIndex,
in archive.search_indexes, and the importer call it too)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from archive.models import Article
from archive.search.documents import article_document, index_fields
from archive.search.engines import get_engine

log = logging.getLogger("archive.search")


def indexed_articles() -> QuerySet[Article]:
    """The articles the index holds, with what their documents are made of."""
    return Article.objects.prefetch_related("paragraphs").order_by("pk")


def document_of(article: Article, *, fields: dict[str, str] | None = None) -> dict:
    """The index document of a saved article: the rebuild's and the queue's, and the importer's,
    whose workers have made the token `fields` already (from the page the article was written from)."""
    if fields is None:
        paragraphs = [(p.text, p.language, p.is_boilerplate) for p in article.paragraphs.all()]
        fields = index_fields(title=article.title, title_language=article.title_language, paragraphs=paragraphs)
    return article_document(
        pk=article.pk,
        language=article.language,
        source_pk=article.source_id,
        pub_year=article.pub_year,
        pub_month=article.pub_month,
        pub_day=article.pub_day,
        updated_at=article.updated_at,
        fields=fields,
    )


def identifier(article_id: int) -> str:
    return f"archive.article.{article_id}"


def sync_articles(*, article_ids: Iterable[int]) -> None:
    """Make the index hold exactly what the database holds for these articles."""
    wanted = set(article_ids)
    articles = list(indexed_articles().filter(pk__in=wanted))
    present = {article.pk for article in articles}
    get_engine().apply(
        documents=[document_of(article) for article in articles],
        removed_ids=[identifier(article_id) for article_id in wanted - present],
    )


def all_documents(*, batch_size: int = 500, skip: set[int] | frozenset[int] = frozenset()) -> Iterator[dict]:
    """The document of every article in the database (but those in `skip`), in pk order."""
    queryset = indexed_articles()
    last_pk = 0
    while True:
        pks = list(Article.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        last_pk = pks[-1]
        wanted = [pk for pk in pks if pk not in skip]
        if wanted:
            for article in queryset.filter(pk__in=wanted):
                yield document_of(article)


def rebuild() -> int:
    """Rebuild the whole index from the database; the caller holds the writer lock."""
    count = 0

    def counted() -> Iterator[dict]:
        nonlocal count
        for document in all_documents():
            count += 1
            yield document

    get_engine().build_fresh(documents=counted())
    log.info("search index rebuilt from the database: %d articles", count)
    return count
