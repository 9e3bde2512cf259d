"""Articles as JSON, written once: for /api/articles, the JSON Lines export and its re-import
(archive.importing.records reads this shape back). archive.api_schemas types the same shape."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from archive import citation
from archive.models import Article, Paragraph


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def permalink(request: HttpRequest | None, article: Article) -> str:
    path = article.get_absolute_url()
    return request.build_absolute_uri(path) if request is not None else path


def provenance_json(article: Article) -> dict[str, Any]:
    source = article.source
    return {
        "source": {"id": source.pk, "name": source.name, "domain": source.domain, "base_url": source.base_url}
        if source
        else None,
        "original_url": article.original_url,
        "site": article.site,
        "captured_at": _iso(article.captured_at),
        "published": article.published_iso,
        "published_parts": {
            "year": article.pub_year,
            "month": article.pub_month,
            "day": article.pub_day,
            "year_inferred": article.pub_year_inferred,
        },
        "source_file": article.source_file,
        "content_hash": {"algorithm": "sha256", "value": article.content_hash},
        "imported_at": _iso(article.imported_at),
        "updated_at": _iso(article.updated_at),
    }


def article_summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.get_absolute_url(),
        "api_url": reverse("archive:api_article", args=[article.pk]),
        "language": article.language,
        "published": article.published_iso,
        "source": article.source.name if article.source else "",
        "source_file": article.source_file,
        "provenance": provenance_json(article),
    }


def paragraphs_json(paragraphs: Iterable[Paragraph]) -> list[dict[str, Any]]:
    paragraphs = list(paragraphs)
    positions = {paragraph.pk: paragraph.position for paragraph in paragraphs}
    return [
        {
            "position": paragraph.position,
            "text": paragraph.text,
            "language": paragraph.language,
            "role": paragraph.role,
            "is_boilerplate": paragraph.is_boilerplate,
            "translation": positions.get(paragraph.translation_id) if paragraph.translation_id else None,
        }
        for paragraph in paragraphs
    ]


def citation_links(article: Article) -> dict[str, str]:
    return {
        "text_url": reverse("archive:cite_txt", args=[article.pk]),
        "bibtex": reverse("archive:cite_bib", args=[article.pk]),
        "csl_json": reverse("archive:cite_json", args=[article.pk]),
    }


def article_json(article: Article, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """An article with its provenance, citation and paragraphs (paragraphs prefetched in position order)."""
    data = article_summary(article)
    data["citation"] = {
        "text": citation.citation_text(article, accessed=timezone.localdate(), url=permalink(request, article)),
        **citation_links(article),
    }
    data["paragraphs"] = paragraphs_json(article.paragraphs.all())
    return data
