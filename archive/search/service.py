"""Search as the web page, the API and the command see it: articles with their matching paragraphs.

Ranking (DESIGN.md §4): an article holding the query's Chinese as real words
(jieba's cut) ranks above one holding the same characters across word
boundaries, whatever the lengths; then title matches; then BM25; then recency.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.safestring import SafeString

from archive.models import Article, Language, Paragraph, Source
from archive.search import indexer
from archive.search.highlight import original_spans, snippet
from archive.search.matching import ParagraphText, match_paragraph
from archive.search.query import ParsedQuery, parse, title_query, to_whoosh, word_query

PARAGRAPHS_SHOWN = 3
MAX_PER_PAGE = 100


@dataclass
class ParagraphHit:
    paragraph: Paragraph
    snippet: SafeString  # escaped scraped text with <mark> around the matches

    @property
    def position(self) -> int:
        return self.paragraph.position


@dataclass
class ArticleHit:
    article: Article
    paragraphs: list[ParagraphHit]
    paragraphs_matched: int
    score: float = 0.0


@dataclass
class SearchPage:
    query: str
    count: int
    took_ms: float
    results: list[ArticleHit]
    page: int
    per_page: int
    explain: dict = field(default_factory=dict)
    facets: dict = field(default_factory=dict)
    error: str = ""

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "count": self.count,
            "took_ms": self.took_ms,
            "page": self.page,
            "num_pages": self.num_pages,
            "results": [
                {
                    "id": hit.article.pk,
                    "title": hit.article.title,
                    "url": hit.article.get_absolute_url(),
                    "source_file": hit.article.source_file,
                    "language": hit.article.language,
                    "published": hit.article.published_iso,
                    "source": hit.article.source.name if hit.article.source else "",
                    "paragraphs": [{"position": p.position, "snippet": str(p.snippet)} for p in hit.paragraphs],
                    "paragraphs_matched": hit.paragraphs_matched,
                }
                for hit in self.results
            ],
            "explain": self.explain,
            "error": self.error,
        }


@dataclass(frozen=True)
class SearchFilters:
    language: str = ""
    source_pk: int = 0
    month: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @classmethod
    def from_mapping(cls, values: dict | None) -> SearchFilters:
        values = values or {}
        try:
            source_pk = int(values.get("source") or 0)
        except (TypeError, ValueError):
            source_pk = 0
        return cls(
            language=str(values.get("language") or ""),
            source_pk=source_pk,
            month=str(values.get("month") or ""),
            date_from=values.get("date_from") or None,
            date_to=values.get("date_to") or None,
        )


def _date_sort(day: datetime.date | None) -> int:
    return day.year * 10000 + day.month * 100 + day.day if day else 0


@dataclass
class _Match:
    docnum: int
    article_pk: int
    score: float
    real_words: int
    title_hits: int
    published_sort: int

    def sort_key(self) -> tuple:
        return (-self.real_words, -self.title_hits, -self.score, -self.published_sort, self.article_pk)


def _ranked_matches(parsed: ParsedQuery, filters: SearchFilters) -> tuple[list[_Match], dict[str, Counter]]:
    with indexer.backend().searcher() as searcher:
        results = searcher.search(to_whoosh(parsed), limit=None, terms=False)
        scored = list(results.top_n)  # (score, docnum) for every match
        if not scored:
            return [], {}
        reader = searcher.reader()
        columns = {
            name: reader.column_reader(name)
            for name in ("article_pk", "source_pk", "published_sort", "language", "month")
        }
        matched = {docnum for _, docnum in scored}
        real_words: Counter = Counter()
        title_hits: Counter = Counter()
        for term in parsed.positive_terms:
            words = word_query(term)
            if words is not None:
                real_words.update(matched.intersection(searcher.docs_for_query(words)))
            title_hits.update(matched.intersection(searcher.docs_for_query(title_query(term))))
        matches, facets = [], {"language": Counter(), "source": Counter(), "month": Counter()}
        low, high = _date_sort(filters.date_from), _date_sort(filters.date_to)
        for score, docnum in scored:
            language = columns["language"][docnum]
            source_pk = columns["source_pk"][docnum]
            month = columns["month"][docnum]
            published = columns["published_sort"][docnum]
            if (
                (filters.language and language != filters.language)
                or (filters.source_pk and source_pk != filters.source_pk)
                or (filters.month and month != filters.month)
                or (low and published < low)
                or (high and (published == 0 or published > high))
            ):
                continue
            facets["language"][language] += 1
            facets["source"][source_pk] += 1
            facets["month"][month] += 1
            matches.append(
                _Match(
                    docnum=docnum,
                    article_pk=columns["article_pk"][docnum],
                    score=score,
                    real_words=real_words[docnum],
                    title_hits=title_hits[docnum],
                    published_sort=published,
                )
            )
    matches.sort(key=_Match.sort_key)
    return matches, facets


def _facet_lists(facets: dict[str, Counter]) -> dict[str, list[tuple]]:
    if not facets:
        return {"language": [], "source": [], "month": []}
    labels = dict(Language.choices)
    source_names = dict(Source.objects.filter(pk__in=list(facets["source"])).values_list("pk", "name"))
    return {
        "language": [(code, str(labels.get(code, code)), n) for code, n in facets["language"].most_common()],
        "source": [(pk, source_names.get(pk, ""), n) for pk, n in facets["source"].most_common() if pk in source_names],
        "month": sorted(
            ((month, month, n) for month, n in facets["month"].items() if month != "unknown"), reverse=True
        ),
    }


def article_hit(*, article: Article, parsed: ParsedQuery, shown: int = PARAGRAPHS_SHOWN) -> ArticleHit:
    """The article's matching paragraphs, best first, highlighted in the article's own script."""
    found = []
    for paragraph in article.paragraphs.all():
        if paragraph.is_boilerplate:
            continue
        text = ParagraphText(paragraph.text)
        match = match_paragraph(parsed, text)
        if match:
            found.append((paragraph, text, match))
    found.sort(key=lambda item: (-item[2].real_words, -item[2].terms_matched, item[0].position))
    hits = [
        ParagraphHit(paragraph=paragraph, snippet=snippet(paragraph.text, original_spans(text.offsets, match.spans)))
        for paragraph, text, match in found[:shown]
    ]
    return ArticleHit(article=article, paragraphs=hits, paragraphs_matched=len(found))


def search_articles(*, query: str, page: int = 1, per_page: int = 10, filters: dict | None = None) -> SearchPage:
    started = time.perf_counter()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    parsed = parse(query)
    explain = parsed.explain()
    if parsed.is_empty:
        return SearchPage(
            query=query, count=0, took_ms=0.0, results=[], page=page, per_page=per_page, explain=explain,
            facets=_facet_lists({}), error=parsed.notice,
        )  # fmt: skip
    matches, facets = _ranked_matches(parsed, SearchFilters.from_mapping(filters))
    on_page = matches[(page - 1) * per_page : page * per_page]
    paragraphs = Prefetch("paragraphs", queryset=Paragraph.objects.order_by("position"))
    articles = Article.objects.select_related("source").prefetch_related(paragraphs)
    by_pk = articles.in_bulk([match.article_pk for match in on_page])
    results = []
    for match in on_page:
        article = by_pk.get(match.article_pk)
        if article is not None:  # an article deleted a moment ago, its removal still queued
            hit = article_hit(article=article, parsed=parsed)
            hit.score = match.score
            results.append(hit)
    return SearchPage(
        query=query,
        count=len(matches),
        took_ms=round((time.perf_counter() - started) * 1000, 1),
        results=results,
        page=page,
        per_page=per_page,
        explain=explain,
        facets=_facet_lists(facets),
        error=parsed.notice,
    )
