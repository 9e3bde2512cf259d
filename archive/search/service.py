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

import numpy as np
from django.db.models import Prefetch
from django.utils.safestring import SafeString

from archive.models import Article, Language, Paragraph, Source
from archive.search import crosslang, indexer, recovery
from archive.search.engine import exclude, intersect, matching_hits, real_word_hits, term_hits, union
from archive.search.highlight import original_spans, snippet
from archive.search.matching import ParagraphText, match_paragraph
from archive.search.query import Alternative, ParsedQuery, parse

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
    pinyin_words: list[str] = field(default_factory=list)  # Chinese matched by pinyin terms


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


def _ranked_matches(parsed: ParsedQuery, filters: SearchFilters) -> tuple[np.ndarray, dict[str, Counter]]:
    """Article pks of every match, best first, and the facet counts of the matches."""
    snapshot = indexer.snapshot()
    groups = _with_alternatives(
        snapshot, [union([matching_hits(snapshot, term) for term in group]) for group in parsed.groups], parsed
    )
    if not all(map(len, groups)):
        return np.zeros(0, dtype=np.int64), {}
    hits = intersect(groups)
    if parsed.excluded and len(hits):
        hits = exclude(hits, union([matching_hits(snapshot, term) for term in parsed.excluded]))
    columns = snapshot.columns
    ids = hits.ids
    keep = np.ones(len(ids), dtype=bool)
    if filters.language:
        keep &= columns["language"][ids] == filters.language
    if filters.source_pk:
        keep &= columns["source_pk"][ids] == filters.source_pk
    if filters.month:
        keep &= columns["month"][ids] == filters.month
    published = columns["published_sort"][ids]
    if filters.date_from:
        keep &= published >= _date_sort(filters.date_from)
    if filters.date_to:
        keep &= (published > 0) & (published <= _date_sort(filters.date_to))
    ids, scores, published = ids[keep], hits.scores[keep], published[keep]
    real_words = np.zeros(len(ids), dtype=np.int32)
    title_hits = np.zeros(len(ids), dtype=np.int32)
    for term in parsed.positive_terms:
        real_words += np.isin(ids, real_word_hits(snapshot, term))
        title_hits += np.isin(ids, term_hits(snapshot, term, field="title").ids)
    # Real words, then title matches, then BM25, then recency (np.lexsort: last key first).
    order = np.lexsort((-published, -scores, -title_hits, -real_words))
    facets = {}
    for name, column in (("language", "language"), ("source", "source_pk"), ("month", "month")):
        values, counts = np.unique(columns[column][ids], return_counts=True)
        facets[name] = Counter(
            {value.item() if hasattr(value, "item") else value: int(n) for value, n in zip(values, counts, strict=True)}
        )
    return columns["article_pk"][ids[order]], facets


def _with_alternatives(snapshot, groups: list, parsed: ParsedQuery) -> list:
    """Each stretch of groups an alternative covers becomes (all those groups) OR (its terms)."""
    if not parsed.alternatives:
        return groups
    clusters: list[tuple[int, int, list[Alternative]]] = []
    for alt in sorted(parsed.alternatives, key=lambda a: (a.first, a.last)):
        if clusters and alt.first <= clusters[-1][1]:
            first, last, alts = clusters[-1]
            clusters[-1] = (first, max(last, alt.last), [*alts, alt])
        else:
            clusters.append((alt.first, alt.last, [alt]))
    combined, cursor = [], 0
    for first, last, alts in clusters:
        combined.extend(groups[cursor:first])
        extra = [matching_hits(snapshot, term) for alt in alts for term in alt.terms]
        combined.append(union([intersect(groups[first : last + 1]), *extra]))
        cursor = last + 1
    combined.extend(groups[cursor:])
    return combined


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
    pinyin_words = list(dict.fromkeys(word for _, _, match in found for word in match.pinyin_words))
    return ArticleHit(article=article, paragraphs=hits, paragraphs_matched=len(found), pinyin_words=pinyin_words)


def search_articles(
    *,
    query: str,
    page: int = 1,
    per_page: int = 10,
    filters: dict | None = None,
    expand: bool = False,
    pinyin: bool = False,
    drop: list[str] | tuple[str, ...] = (),
) -> SearchPage:
    """Search; `expand` adds glossary translations (except those in `drop`), `pinyin` reads latin words as pinyin.

    Toned pinyin (fùgōng, fu4gong1) is always read as pinyin; plain words that
    read as pinyin (fugong) are when `pinyin` is set or nothing else matched.
    """
    started = time.perf_counter()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    parsed = parse(query)
    expansions = []
    if expand:
        expansions = crosslang.expansion_alternatives(parsed, crosslang.glossary_entries(), drop=set(drop))
    readings, plain_candidates = crosslang.pinyin_alternatives(parsed, plain=pinyin)
    parsed.alternatives = [*expansions, *readings]
    explain = parsed.explain()
    if parsed.is_empty:
        return SearchPage(
            query=query, count=0, took_ms=0.0, results=[], page=page, per_page=per_page, explain=explain,
            facets=_facet_lists({}), error=parsed.notice,
        )  # fmt: skip
    search_filters = SearchFilters.from_mapping(filters)
    try:
        matches, facets = recovery.with_recovery(lambda: _ranked_matches(parsed, search_filters))
        if not len(matches) and plain_candidates and not pinyin:
            # Nothing found as English: read the plain latin words as pinyin too.
            readings, _ = crosslang.pinyin_alternatives(parsed, plain=True)
            parsed.alternatives = [*expansions, *readings]
            matches, facets = recovery.with_recovery(lambda: _ranked_matches(parsed, search_filters))
    except recovery.IndexUnavailable as exc:
        return SearchPage(
            query=query, count=0, took_ms=round((time.perf_counter() - started) * 1000, 1), results=[], page=page,
            per_page=per_page, explain=explain, facets=_facet_lists({}), error=str(exc),
        )  # fmt: skip
    on_page = [int(pk) for pk in matches[(page - 1) * per_page : page * per_page]]
    paragraphs = Prefetch("paragraphs", queryset=Paragraph.objects.order_by("position"))
    articles = Article.objects.select_related("source").prefetch_related(paragraphs)
    by_pk = articles.in_bulk(on_page)
    # An article deleted a moment ago may still be in the index, its removal queued.
    results = [article_hit(article=by_pk[pk], parsed=parsed) for pk in on_page if pk in by_pk]
    explain["pinyin"] = crosslang.explain_pinyin(parsed.alternatives)
    explain["pinyin_matched"] = list(dict.fromkeys(word for hit in results for word in hit.pinyin_words))[:5]
    explain["expansions"] = crosslang.explain_expansions(parsed, parsed.alternatives)
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
