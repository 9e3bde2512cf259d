"""Read-side queries for the web pages (HackSoft style: keyword-only, no writes).

Writes live in archive.services; search lives in archive.search.results.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Substr

from archive.dates import DATE_UNKNOWN, month_of
from archive.filters import Filters
from archive.models import Article, Language, Paragraph, Role
from archive.search import results
from archive.text.normalise import to_simplified, to_traditional

CHUNK = 500  # articles fetched per query when streaming an export
LEAD_CHARS = 400  # how much of the first body paragraph the list fetches

SCRIPTS = ("original", "simplified", "traditional")
CHINESE = (Language.SIMPLIFIED, Language.TRADITIONAL)


def list_articles(*, filters: Filters | None = None) -> QuerySet[Article]:
    """Articles newest first; undated and partly dated ones last, each with `lead` (its first body paragraph).

    The filters follow archive.filters: a date range keeps only fully dated articles inside it.
    """
    lead = (
        Paragraph.objects.filter(article=OuterRef("pk"), role=Role.BODY, is_boilerplate=False)
        .order_by("position")
        .annotate(start=Substr("text", 1, LEAD_CHARS))
        .values("start")[:1]
    )
    lead_language = (
        Paragraph.objects.filter(article=OuterRef("pk"), role=Role.BODY, is_boilerplate=False)
        .order_by("position")
        .values("language")[:1]
    )
    articles = Article.objects.select_related("source").annotate(
        lead=Subquery(lead),
        lead_language=Subquery(lead_language),
    )
    articles = (filters or Filters()).apply(articles)
    return articles.order_by(
        F("published_on").desc(nulls_last=True),
        F("pub_year").desc(nulls_last=True),
        F("pub_month").desc(nulls_last=True),
        F("pub_day").desc(nulls_last=True),
        "-imported_at",
        "-id",
    )


def with_paragraphs(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("position")))


def iter_articles(*, filters: Filters, q: str = "", chunk: int = CHUNK) -> Iterator[Article]:
    """Every article of a list or search, with paragraphs, in constant memory.

    Without `q`: newest id first, read with QuerySet.iterator in chunks. With `q`:
    best match first, fetched `chunk` ids at a time.
    """
    if q:
        ids = results.matching_article_ids(query=q, filters=filters)
        for start in range(0, len(ids), chunk):
            batch = ids[start : start + chunk]
            by_id = with_paragraphs(Article.objects.select_related("source")).in_bulk(batch)
            yield from (by_id[pk] for pk in batch if pk in by_id)
        return
    articles = filters.apply(Article.objects.select_related("source"))
    yield from with_paragraphs(articles.order_by("-id")).iterator(chunk_size=chunk)


def month_choices() -> list[tuple[str, int]]:
    """(month, number of articles) for every month present, newest first, then "date unknown"."""
    counts: dict[str, int] = {}
    for year, month, n in Article.objects.values_list("pub_year", "pub_month").annotate(n=Count("id")):
        key = month_of(year, month)
        counts[key] = counts.get(key, 0) + n
    unknown = counts.pop(DATE_UNKNOWN, 0)
    return sorted(counts.items(), reverse=True) + ([(DATE_UNKNOWN, unknown)] if unknown else [])


def language_choices() -> list[tuple[str, str, int]]:
    """(code, label, number of articles) for every language present, in the order of Language."""
    counts = dict(Article.objects.values_list("language").annotate(n=Count("id")).values_list("language", "n"))
    return [(code, label, counts[code]) for code, label in Language.choices if counts.get(code)]


def get_article(*, article_id: int) -> Article:
    """The article with its source; raises Article.DoesNotExist."""
    return Article.objects.select_related("source").get(pk=article_id)


# --- The article page: paragraphs as shown, in a chosen script -------------------------------


@dataclass(frozen=True)
class ShownParagraph:
    """A paragraph as the page shows it: the text possibly converted to another script."""

    position: int
    text: str
    lang: str  # BCP 47 tag of the text as shown
    role: str
    is_boilerplate: bool
    converted: bool  # True when the script switch changed the stored text


@dataclass(frozen=True)
class Block:
    """One row of the article page: a single paragraph, an English | Chinese pair, or a run of page furniture."""

    kind: str  # "single", "pair" or "furniture"
    paragraphs: tuple[ShownParagraph, ...]


def _is_chinese(language: str) -> bool:
    return language in CHINESE


def show_text(*, text: str, language: str, script: str) -> tuple[str, str]:
    """(text, lang) of a text in `language` shown in `script`; stored text is never changed."""
    if _is_chinese(language):
        if script == "simplified":
            return to_simplified(text), Language.SIMPLIFIED
        if script == "traditional":
            return to_traditional(text), Language.TRADITIONAL
    return text, language


def shown_paragraph(*, paragraph: Paragraph, script: str) -> ShownParagraph:
    text, lang = show_text(text=paragraph.text, language=paragraph.language, script=script)
    return ShownParagraph(
        position=paragraph.position,
        text=text,
        lang=lang,
        role=paragraph.role,
        is_boilerplate=paragraph.is_boilerplate,
        converted=text != paragraph.text,
    )


def article_blocks(*, paragraphs: list[Paragraph], script: str = "original") -> list[Block]:
    """Paragraphs in file order, grouped for display.

    Consecutive page furniture becomes one collapsible block (so permalinks keep
    their order); a paragraph with a translation becomes an English | Chinese
    pair, English first, and its partner is not repeated on its own.
    """
    by_pk = {paragraph.pk: paragraph for paragraph in paragraphs}
    partner_of: dict[int, Paragraph] = {}
    for paragraph in paragraphs:
        if paragraph.translation_id and paragraph.translation_id in by_pk and not paragraph.is_boilerplate:
            other = by_pk[paragraph.translation_id]
            partner_of[paragraph.pk] = other
            partner_of[other.pk] = paragraph
    blocks: list[Block] = []
    furniture: list[ShownParagraph] = []
    placed: set[int] = set()

    def flush() -> None:
        if furniture:
            blocks.append(Block(kind="furniture", paragraphs=tuple(furniture)))
            furniture.clear()

    for paragraph in paragraphs:
        if paragraph.pk in placed:
            continue
        if paragraph.is_boilerplate:
            furniture.append(shown_paragraph(paragraph=paragraph, script=script))
            continue
        flush()
        partner = partner_of.get(paragraph.pk)
        if partner is not None:
            pair = sorted((paragraph, partner), key=lambda p: (p.language != Language.ENGLISH, p.position))
            blocks.append(
                Block(kind="pair", paragraphs=tuple(shown_paragraph(paragraph=p, script=script) for p in pair))
            )
            placed.add(partner.pk)
        else:
            blocks.append(Block(kind="single", paragraphs=(shown_paragraph(paragraph=paragraph, script=script),)))
    flush()
    return blocks
