"""The search document of an article, built one way for every writer of the index.

The rebuild and the index queue build it from a saved Article (archive.search.indexing), the
importer from the page it has just parsed, in its worker processes: both call `index_fields` for
the tokens and `article_document` for the rest, so an imported article's document is the one a
rebuild would make. No Django here, so worker processes need no database.

`updated_at` goes into the document as a number (`version`), so that the index can say which
version of each article it holds and `check_index` can compare that with the database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from archive.dates import complete_date_number, month_of, published_sort
from archive.search.analysis import PARAGRAPH_BREAK, analyse

DOCUMENT_PREFIX = "archive.article."
CONTENT_TYPE = "archive.article"
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def index_fields(*, title: str, title_language: str, paragraphs: Iterable[tuple[str, str, bool]]) -> dict[str, str]:
    """The token fields of an article: its body (every paragraph but page furniture, in order)
    and its title, each normalised and segmented once. `paragraphs`: (text, language, is_boilerplate)."""
    body = analyse([(text, language) for text, language, furniture in paragraphs if not furniture])
    heading = analyse([(title, title_language)])
    # Body and title in one pinyin field (a title is its own run, so no phrase spans the two).
    pinyin = f" {PARAGRAPH_BREAK} ".join(part for part in (body.pinyin, heading.pinyin) if part)
    return {
        "text": body.words,
        "chars": body.chars,
        "grams": body.grams,
        "title_words": heading.words,
        "title_chars": heading.chars,
        "title_grams": heading.grams,
        "pinyin": pinyin,
    }


def document_id(article_pk: int) -> str:
    return f"{DOCUMENT_PREFIX}{article_pk}"


def version(updated_at: datetime.datetime) -> int:
    """An article's last change as the index stores it: microseconds since 1970 (UTC)."""
    if updated_at.tzinfo is None:  # USE_TZ=False databases hand back naive UTC
        updated_at = updated_at.replace(tzinfo=datetime.UTC)
    return (updated_at - _EPOCH) // _MICROSECOND


def article_document(
    *,
    pk: int,
    language: str,
    source_pk: int | None,
    pub_year: int | None,
    pub_month: int | None,
    pub_day: int | None,
    updated_at: datetime.datetime,
    fields: dict[str, str],
) -> dict:
    """The document the engines index for an article: Haystack's ids, the token fields, the
    filter and sort columns, and the version."""
    return {
        "id": document_id(pk),
        "django_ct": CONTENT_TYPE,
        "django_id": str(pk),
        **fields,
        "language": language,
        "month": month_of(pub_year, pub_month),
        "article_pk": pk,
        "source_pk": source_pk or 0,
        "published_sort": published_sort(pub_year, pub_month, pub_day),
        # What date ranges compare: only a complete date can fall inside one (archive.filters).
        "published_on": complete_date_number(pub_year, pub_month, pub_day),
        "updated_at": version(updated_at),
    }
