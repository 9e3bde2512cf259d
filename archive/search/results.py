"""Search as the web page, the API and the command see it: articles with their matching paragraphs.

The configured engine (archive.search.engines.get_engine) ranks the matching articles
(docs/architecture.md, "Ranking"); this module adds what the database holds: the matching paragraphs,
highlighted, the facet labels and the query explanation, and shows near-duplicate reposts once
(archive.copies): a result stands for its group of copies, so `count` counts results (groups and
articles without copies) and `articles` the matching articles; facets count articles.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.safestring import SafeString

from archive import copies, timeline
from archive.dates import DATE_UNKNOWN
from archive.filters import Filters
from archive.models import Article, Language, Paragraph, Source
from archive.search import engines, recovery
from archive.search.engines.base import RELEVANCE, Ranked
from archive.search.highlight import highlight, snippet
from archive.search.matching import ParagraphMatch, ParagraphText, match_paragraph
from archive.search.query import ParsedQuery, parse
from archive.search.rewrite import explain, rewrite
from archive.timeline import DateCounts

PARAGRAPHS_SHOWN = 3
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100


@dataclass
class ParagraphHit:
    paragraph: Paragraph
    snippet: SafeString  # escaped scraped text with <mark> around the matches
    # The paragraph's aligned translation (the other side of a bilingual pair), and its
    # snippet, highlighted where the query (or an expansion) matches it too.
    aligned: Paragraph | None = None
    aligned_snippet: SafeString | None = None

    @property
    def position(self) -> int:
        return self.paragraph.position

    def to_json(self) -> dict:
        found = {"position": self.position, "snippet": str(self.snippet), "aligned": None}
        if self.aligned is not None:
            found["aligned"] = {
                "position": self.aligned.position,
                "language": self.aligned.language,
                "snippet": str(self.aligned_snippet),
            }
        return found


@dataclass
class ArticleHit:
    article: Article
    paragraphs: list[ParagraphHit]
    paragraphs_matched: int
    pinyin_words: list[str] = field(default_factory=list)  # Chinese matched by pinyin terms
    title: SafeString = field(default_factory=SafeString)  # the title, escaped, its matches in <mark>
    copies: int = 0  # other articles of its group of near-duplicate reposts


@dataclass
class SearchPage:
    query: str
    count: int  # results: a group of copies counts once
    took_ms: float
    results: list[ArticleHit]
    page: int
    per_page: int
    explain: dict = field(default_factory=dict)
    facets: dict = field(default_factory=dict)
    error: str = ""
    sort: str = RELEVANCE
    dates: DateCounts | None = None  # the matches' months and days (archive.timeline)
    articles: int = 0  # matching articles, each copy counted

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "count": self.count,
            "articles": self.articles,
            "took_ms": self.took_ms,
            "page": self.page,
            "num_pages": self.num_pages,
            "per_page": self.per_page,
            "sort": self.sort,
            "results": [
                {
                    "id": hit.article.pk,
                    "title": hit.article.title,
                    "title_highlighted": str(hit.title),
                    "url": hit.article.get_absolute_url(),
                    "source_file": hit.article.source_file,
                    "language": hit.article.language,
                    "published": hit.article.published_iso,
                    "source": hit.article.source.name if hit.article.source else "",
                    "paragraphs": [p.to_json() for p in hit.paragraphs],
                    "paragraphs_matched": hit.paragraphs_matched,
                    "copies": hit.copies,
                }
                for hit in self.results
            ],
            "facets": {
                name: [{"value": value, "label": str(label), "count": n} for value, label, n in values]
                for name, values in self.facets.items()
            },
            "explain": self.explain,
            "error": self.error,
        }


def _facet_lists(facets: dict[str, Counter]) -> dict[str, list[tuple]]:
    if not facets:
        return {"language": [], "source": [], "month": []}
    labels = dict(Language.choices)
    source_names = dict(Source.objects.filter(pk__in=list(facets["source"])).values_list("pk", "name"))
    return {
        "language": [(code, str(labels.get(code, code)), n) for code, n in facets["language"].most_common()],
        "source": [(pk, source_names.get(pk, ""), n) for pk, n in facets["source"].most_common() if pk in source_names],
        # Newest month first; "date unknown" (no year, or no month) last, selectable like a month.
        "month": sorted(
            ((month, month, n) for month, n in facets["month"].items() if month != DATE_UNKNOWN), reverse=True
        )
        + [(DATE_UNKNOWN, DATE_UNKNOWN, facets["month"][DATE_UNKNOWN])] * (DATE_UNKNOWN in facets["month"]),
    }


def article_hit(*, article: Article, parsed: ParsedQuery, shown: int = PARAGRAPHS_SHOWN) -> ArticleHit:
    """The article's matching paragraphs, best first, highlighted in the article's own script,
    each with its aligned translation when it has one (a pair is shown once, from its better side).
    The article comes from articles_with_paragraphs."""
    paragraphs = article.matchable_paragraphs
    partner = _aligned_partners(paragraphs)
    found = []
    for paragraph in paragraphs:
        if paragraph.is_boilerplate:
            continue
        match = _matched(paragraph, parsed)
        if match:
            found.append((paragraph, match))
    found.sort(key=lambda item: (-item[1].real_words, -item[1].terms_matched, item[0].position))
    matches = {paragraph.pk: match for paragraph, match in found}
    hits: list[ParagraphHit] = []
    in_pairs_shown: set[int] = set()
    for paragraph, match in found:
        if paragraph.pk in in_pairs_shown:
            continue
        if len(hits) == shown:
            break
        hit = ParagraphHit(paragraph=paragraph, snippet=_highlighted(paragraph, match))
        aligned = partner.get(paragraph.pk)
        if aligned is not None:
            # Matched above, unless it holds no match or is furniture (which the loop skips).
            aligned_match = matches.get(aligned.pk) or (_matched(aligned, parsed) if aligned.is_boilerplate else None)
            hit.aligned = aligned
            hit.aligned_snippet = _highlighted(aligned, aligned_match)
            in_pairs_shown.add(aligned.pk)
        hits.append(hit)
    pinyin_words = list(dict.fromkeys(word for _, match in found for word in match.pinyin_words))
    # "N more in this article" counts paragraphs not on the page, a pair once.
    paragraphs_matched = len(found) - len(matches.keys() & in_pairs_shown)
    title = match_paragraph(parsed, ParagraphText(article.title, language=article.title_language), is_title=True)
    return ArticleHit(
        article=article, paragraphs=hits, paragraphs_matched=paragraphs_matched, pinyin_words=pinyin_words,
        title=highlight(article.title, title.spans if title else []),
    )  # fmt: skip


def _matched(paragraph: Paragraph, parsed: ParsedQuery) -> ParagraphMatch | None:
    return match_paragraph(parsed, ParagraphText(paragraph.text, language=paragraph.language))


def _highlighted(paragraph: Paragraph, match: ParagraphMatch | None) -> SafeString:
    """The paragraph's snippet, its matches (if any) in <mark>."""
    return snippet(paragraph.text, match.spans if match else [])


def _aligned_partners(paragraphs: list[Paragraph]) -> dict[int, Paragraph]:
    """Each paired paragraph's translation; pairs link one way (English → Chinese), so both ways here."""
    by_pk = {paragraph.pk: paragraph for paragraph in paragraphs}
    partner: dict[int, Paragraph] = {}
    for paragraph in paragraphs:
        translation = by_pk.get(paragraph.translation_id)
        if translation is not None:
            partner[paragraph.pk] = translation
            partner[translation.pk] = paragraph
    return partner


def search_articles(
    *,
    query: str,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    filters: Filters | None = None,
    sort: str = RELEVANCE,
    expand: bool = False,
    pinyin: bool = False,
    drop: list[str] | tuple[str, ...] = (),
    group_copies: bool = True,
) -> SearchPage:
    """Search: parse, rewrite (archive.search.rewrite), rank (the engine), then the matching
    paragraphs of the page's articles, highlighted. `expand` adds translations (except those in
    `drop`), `pinyin` reads latin words as pinyin; `sort` is relevance, newest or oldest;
    `group_copies` shows a group of near-duplicate reposts once (else every copy is a result).

    Toned pinyin (fùgōng, fu4gong1) is always read as pinyin; plain words that
    read as pinyin (fugong) are when `pinyin` is set or nothing else matched.
    """
    started = time.perf_counter()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    parsed = parse(query)
    options = {"expand": expand, "pinyin": pinyin, "drop": drop}
    if parsed.is_empty:
        return SearchPage(
            query=query, count=0, took_ms=0.0, results=[], page=page, per_page=per_page,
            explain=explain(rewrite(parsed, **options).query), facets=_facet_lists({}), error=parsed.notice, sort=sort,
        )  # fmt: skip
    start, stop = (page - 1) * per_page, page * per_page
    groups = copies.group_table() if group_copies else None
    grouped = bool(groups)  # then every match is ranked, to show each group once
    window = {"start": 0, "stop": None, "sort": sort} if grouped else {"start": start, "stop": stop, "sort": sort}
    try:
        searched, ranked = rank(parsed, filters or Filters(), **window, **options)
    except recovery.IndexUnavailable as exc:
        return SearchPage(
            query=query, count=0, took_ms=round((time.perf_counter() - started) * 1000, 1), results=[], page=page,
            per_page=per_page, explain=explain(rewrite(parsed, **options).query), facets=_facet_lists({}),
            error=str(exc), sort=sort,
        )  # fmt: skip
    if grouped:
        collapsed = copies.collapse(pks=ranked.pks, table=groups)
        count, shown = len(collapsed), collapsed.shown(start, stop)
    else:
        count, shown = ranked.count, [copies.Shown(pk, 0) for pk in ranked.pks]
    by_pk = articles_with_paragraphs([each.pk for each in shown])
    # An article deleted a moment ago may still be in the index, its removal queued.
    results = [
        dataclasses.replace(article_hit(article=by_pk[each.pk], parsed=searched), copies=each.copies)
        for each in shown
        if each.pk in by_pk
    ]
    return SearchPage(
        query=query,
        count=count,
        articles=ranked.count,
        took_ms=round((time.perf_counter() - started) * 1000, 1),
        results=results,
        page=page,
        per_page=per_page,
        explain=explain(searched, pinyin_matched=(word for hit in results for word in hit.pinyin_words)),
        facets=_facet_lists(ranked.facets),
        error=parsed.notice,
        sort=sort,
        dates=_date_counts(ranked),
    )


def date_counts(
    *,
    query: str,
    filters: Filters | None = None,
    expand: bool = False,
    pinyin: bool = False,
    drop: list[str] | tuple[str, ...] = (),
) -> DateCounts:
    """How many articles the search (as search_articles reads it) finds in each month and on each
    day, from the engine's facets: no article is loaded."""
    parsed = parse(query)
    if parsed.is_empty:
        return DateCounts(total=0, months={}, days={})
    _, ranked = rank(parsed, filters or Filters(), start=0, stop=0, expand=expand, pinyin=pinyin, drop=drop)
    return _date_counts(ranked)


def search_timeline(
    *,
    terms: tuple[str, ...],
    filters: Filters,
    unit: str = "",
    first: DateCounts | None = None,
    **options,
) -> timeline.Timeline:
    """The timeline of each term's search with these filters and options (expand, pinyin, drop);
    `first` is the first term's counts when its search already ran. Per week when `unit` says
    so, or when the filters bound a short period (archive.timeline.choose_unit)."""
    period = timeline.filter_period(month=filters.month, date_from=filters.date_from, date_to=filters.date_to)
    counts = [first] if first is not None else []
    counts += [date_counts(query=term, filters=filters, **options) for term in terms[len(counts) :]]
    return timeline.build(
        series=list(zip(terms, counts, strict=True)), unit=timeline.choose_unit(unit, period), period=period
    )


def _date_counts(ranked: Ranked) -> DateCounts:
    facets = ranked.facets or {}
    return DateCounts(total=ranked.count, months=facets.get("month", Counter()), days=facets.get("day", Counter()))


def rank(
    parsed: ParsedQuery,
    filters: Filters,
    *,
    start: int = 0,
    stop: int | None = None,
    sort: str = RELEVANCE,
    expand: bool = False,
    pinyin: bool = False,
    drop: list[str] | tuple[str, ...] = (),
) -> tuple[ParsedQuery, Ranked]:
    """Rewrite a parsed query and rank its matches from `start` to `stop`: the query as searched
    (with its alternatives, for highlighting) and the engine's answer. When nothing matched and
    plain latin words could be pinyin, they are read as pinyin too (archive.search.rewrite)."""
    options = {"expand": expand, "drop": drop}
    rewritten = rewrite(parsed, pinyin=pinyin, **options)
    ranked = _ranked(rewritten.query, filters, start=start, stop=stop, sort=sort)
    if not ranked.count and rewritten.could_be_pinyin:
        rewritten = rewrite(parsed, pinyin=True, **options)
        ranked = _ranked(rewritten.query, filters, start=start, stop=stop, sort=sort)
    return rewritten.query, ranked


def articles_with_paragraphs(pks: list[int]) -> dict[int, Article]:
    """{pk: article} with its source and, in order as `matchable_paragraphs`, what article_hit
    reads: the searched paragraphs (not furniture) and any aligned with another (a furniture
    paragraph can be a searched one's translation). Most lines of a scraped page are furniture."""
    matchable = Paragraph.objects.filter(
        Q(is_boilerplate=False) | Q(translation__isnull=False) | Q(translated_from__isnull=False)
    )
    paragraphs = Prefetch("paragraphs", queryset=matchable.order_by("position"), to_attr="matchable_paragraphs")
    return Article.objects.select_related("source").prefetch_related(paragraphs).in_bulk(pks)


def _ranked(
    parsed: ParsedQuery, filters: Filters, *, start: int = 0, stop: int | None = None, sort: str = RELEVANCE
) -> Ranked:
    engine = engines.get_engine
    return recovery.with_recovery(lambda: engine().ranked(parsed, filters, start=start, stop=stop, sort=sort))


def matching_article_ids(*, query: str, filters: Filters | None = None) -> list[int]:
    """Every article matching a search (no expansion), best first: what exports list."""
    parsed = parse(query)
    if parsed.is_empty:
        return []
    return _ranked(parsed, filters or Filters()).pks
