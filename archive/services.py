"""Writes made by curators: flags, metadata re-inference, reindexing (imports: archive.importing)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from archive.dating import neighbour_year
from archive.importing.writing import apply_page_metadata, sources_for
from archive.models import Article, Paragraph, Role
from archive.search import queue
from archive.text.boilerplate import FURNITURE
from archive.text.pipeline import parse_text, with_evidence

# Curation: the admin's writes. QuerySet.update and bulk_update send no signals, so
# every bulk write here queues its articles for reindexing itself.


def mark_curated(*, article_ids: Iterable[int]) -> None:
    """Record that a curator changed these articles: a re-import will not overwrite them silently."""
    Article.objects.filter(pk__in=set(article_ids)).update(curated_at=timezone.now())


def set_paragraphs_furniture(*, paragraph_ids: Iterable[int], furniture: bool, user=None) -> int:
    """Flag paragraphs as page furniture (hidden, unsearched) or as body text; returns how many changed.

    Furniture keeps a metadata line's role; body turns metadata/furniture into body
    and leaves a title a title. Each change gets a history row, so it can be reverted.
    """
    with transaction.atomic():
        changed: list[Paragraph] = []
        for paragraph in Paragraph.objects.filter(pk__in=set(paragraph_ids)).select_for_update():
            role = paragraph.role
            if furniture and role not in FURNITURE:
                role = Role.BOILERPLATE
            elif not furniture and role in FURNITURE:
                role = Role.BODY
            if paragraph.is_boilerplate != furniture or paragraph.role != role:
                paragraph.is_boilerplate, paragraph.role = furniture, role
                changed.append(paragraph)
        if changed:
            reason = "marked as page furniture" if furniture else "marked as body"
            bulk_update_with_history(
                changed, Paragraph, ["is_boilerplate", "role"], default_user=user, default_change_reason=reason
            )
            article_ids = {paragraph.article_id for paragraph in changed}
            mark_curated(article_ids=article_ids)
            queue.enqueue(article_ids=article_ids)
    return len(changed)


def reinfer_metadata(*, article_ids: Iterable[int]) -> int:
    """Re-read title, date, source, site, URL and language from each article's paragraphs as stored now.

    Uses the importer's own pipeline (archive.text.pipeline.parse_text) on the
    paragraphs' current text, so edits made in the admin are taken into account,
    with the same evidence for a missing year as an import: the article's URL and
    capture date, then its dated neighbours (archive.dating).
    It does not mark the article as curated: it derives, as an import would.
    Returns how many articles changed.
    """
    fields = ["title", "source_id", "original_url", "site", "pub_year", "pub_month", "pub_day", "pub_year_inferred"]
    fields += ["language"]
    changed = 0
    for article in Article.objects.filter(pk__in=set(article_ids)).prefetch_related("paragraphs"):
        texts = [paragraph.text for paragraph in article.paragraphs.all()]
        if not texts:
            continue
        page = with_evidence(parse_text("\n".join(texts)), url=article.original_url, captured_at=article.captured_at)
        with transaction.atomic():
            before = [getattr(article, name) for name in fields]
            source = sources_for([page]).get(page.source_name[:200])
            apply_page_metadata(article=article, page=page, source=source, fallback_title=article.title)
            if article.pub_year is None and (year := neighbour_year(article=article)):
                article.pub_year, article.pub_year_inferred = year, True
            if [getattr(article, name) for name in fields] != before:
                article._change_reason = "re-ran metadata inference"
                article.save()  # post_save queues it for reindexing
                changed += 1
    return changed


def reindex_articles(*, article_ids: Iterable[int]) -> None:
    """Queue articles for reindexing from the database as it is now."""
    with transaction.atomic():
        queue.enqueue(article_ids=article_ids)
