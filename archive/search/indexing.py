"""Applying the database to the search index: some articles, or all of them in a rebuild. Writers
hold the writer lock (archive.search.queue); the engine is archive.search.engines.get_engine()."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from archive.models import Article
from archive.search.engines import get_engine
from archive.search_indexes import ArticleIndex

log = logging.getLogger("archive.search")

_INDEX = ArticleIndex()


def identifier(article_id: int) -> str:
    return f"archive.article.{article_id}"


def sync_articles(*, article_ids: Iterable[int]) -> None:
    """Make the index hold exactly what the database holds for these articles."""
    wanted = set(article_ids)
    articles = list(_INDEX.index_queryset().filter(pk__in=wanted))
    present = {article.pk for article in articles}
    get_engine().apply(
        documents=[_INDEX.document(article) for article in articles],
        removed_ids=[identifier(article_id) for article_id in wanted - present],
    )


def all_documents(*, batch_size: int = 500, skip: set[int] | frozenset[int] = frozenset()) -> Iterator[dict]:
    """The document of every article in the database (but those in `skip`), in pk order."""
    queryset = _INDEX.index_queryset()
    last_pk = 0
    while True:
        pks = list(Article.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            return
        last_pk = pks[-1]
        wanted = [pk for pk in pks if pk not in skip]
        if wanted:
            for article in queryset.filter(pk__in=wanted):
                yield _INDEX.document(article)


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
