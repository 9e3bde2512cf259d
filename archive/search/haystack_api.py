"""Haystack's SearchQuerySet answered by the archive's own search.

Haystack's stock Whoosh query would analyse a query with its English analyser and look it up in
our pre-tokenised fields, and find nothing in Chinese. Here `SearchQuery` reads the SearchQuerySet's
calls (text, filters, order, facets, highlight, window) and runs them the one way every search runs
(archive.search.results.rank: parse, rewrite, the configured engine), so that
`SearchQuerySet().auto_query(q)` lists the articles of `/api/search?q=…`, in the same order.

`HaystackEngine` is what HAYSTACK_CONNECTIONS names (archive.search.engines.config): Haystack's
engine, built from our writing backend (archive.search.engines.whoosh.backend) and this query. A call the
archive cannot answer faithfully raises UnsupportedSearchCall, which lists the calls it can.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from haystack.backends import BaseEngine, BaseSearchQuery, SearchNode
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.inputs import AutoQuery, BaseInput, Clean, Exact, Raw

from archive.dates import month_of
from archive.filters import FilterError, Filters
from archive.models import Article
from archive.search.documents import CONTENT_TYPE, document_id
from archive.search.engines.base import NEWEST, OLDEST, RELEVANCE
from archive.search.engines.whoosh.backend import ArchiveWhooshBackend
from archive.search.query import parse
from archive.search.results import article_hit, articles_with_paragraphs, rank

SUPPORTED = (
    "SearchQuerySet().auto_query(q) or .filter(content=q) (the archive's query syntax: words, "
    '"phrases", OR, -word, title:word); .exclude(content=word); .filter(language=...), '
    ".filter(source_pk=...), .filter(month='YYYY-MM' or 'unknown'), .filter(published_on=date), "
    ".filter(published_on__gte=date), .filter(published_on__lte=date); .order_by('-published_on' "
    "(newest), 'published_on' (oldest) or '-score' (relevance)); .facet('language'), .facet('source_pk'), "
    ".facet('month'); .highlight(); .models(Article); .load_all(); .count(); .facet_counts(); "
    "slicing and iteration; .values()/.values_list() of " + ", ".join(("language", "source_pk", "month", "article_pk"))
)
CONTENT_FIELDS = ("content", "text")  # Haystack's name for the document field, and ours
# A filter's field and lookup → the archive.filters.Filters parameter it sets.
FILTERS = {
    ("language", "content"): "language",
    ("language", "exact"): "language",
    ("source_pk", "content"): "source",
    ("source_pk", "exact"): "source",
    ("month", "content"): "month",
    ("month", "exact"): "month",
    ("published_on", "gte"): "date_from",
    ("published_on", "lte"): "date_to",
}
ORDERS = {"-published_on": NEWEST, "published_on": OLDEST, "-score": RELEVANCE}
FACETS = {"language": "language", "source_pk": "source", "month": "month"}  # facet → Ranked.facets key
RESULT_FIELDS = frozenset({"language", "source_pk", "month", "article_pk", ID, DJANGO_CT, DJANGO_ID, "score"})


class UnsupportedSearchCall(NotImplementedError):
    """A SearchQuerySet call the archive's search cannot answer; the message lists those it can."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not supported by the archive's search. Supported: {SUPPORTED}.")


@dataclass(frozen=True)
class Request:
    """A SearchQuerySet's calls as the archive's search takes them."""

    text: str  # in the archive's query syntax (archive.search.query)
    filters: Filters
    sort: str


class SearchQuery(BaseSearchQuery):
    """Haystack's query object, run through archive.search.results.rank."""

    def build_query(self) -> str:
        """The query text in the archive's syntax (what str(sqs.query) shows)."""
        return self.request().text

    def build_query_fragment(self, field, filter_type, value):
        raise UnsupportedSearchCall("Building a Haystack query string")

    def request(self) -> Request:
        text: list[str] = []
        params: dict[str, object] = {}
        self._read(self.query_filter, text=text, params=params)
        if not text:
            raise UnsupportedSearchCall("A search without text (no auto_query(q) or filter(content=q))")
        try:
            filters = Filters.parse(params)
        except FilterError as exc:
            raise ValueError(f"{_parameter_of(exc.name)}: {exc.message}") from None
        return Request(text=" ".join(text), filters=filters, sort=self._sort())

    def _read(self, node: SearchNode, *, text: list[str], params: dict[str, object]) -> None:
        if node.negated:
            text.append(_excluded(node))
            return
        if node.connector != SearchNode.AND and len(node.children) > 1:
            raise UnsupportedSearchCall(f"{node.connector} between filters (write OR inside the query text)")
        for child in node.children:
            if isinstance(child, SearchNode):
                self._read(child, text=text, params=params)
                continue
            expression, value = child
            field, lookup = node.split_expression(expression)
            if field in CONTENT_FIELDS and lookup in ("content", "contains", "exact"):
                text.append(_text_of(value, exact=lookup == "exact"))
            elif field == "published_on" and lookup in ("content", "exact"):
                _set(params, "date_from", value, expression)
                _set(params, "date_to", value, expression)
            elif (field, lookup) in FILTERS:
                _set(params, FILTERS[(field, lookup)], value, expression)
            else:
                raise UnsupportedSearchCall(f"filter({expression}=…)")

    def _sort(self) -> str:
        if not self.order_by:
            return RELEVANCE
        if len(self.order_by) > 1 or self.order_by[0] not in ORDERS:
            raise UnsupportedSearchCall(f"order_by({', '.join(map(repr, self.order_by))})")
        return ORDERS[self.order_by[0]]

    def _check_supported(self, *, fields=()) -> None:
        unsupported = {
            "boost()": self.boost,
            "date_facet()": self.date_facets,
            "query_facet()": self.query_facets,
            "narrow()": self.narrow_queries,
            "within()": self.within,
            "dwithin()": self.dwithin,
            "distance()": self.distance_point,
            "stats()": self.stats,
            "raw_search()": self._raw_query,
            "more_like_this()": self._more_like_this,
            "spelling_suggestion()": self.spelling_query,
        }
        for call, used in unsupported.items():
            if used:
                raise UnsupportedSearchCall(call)
        if self.models - {Article}:
            raise UnsupportedSearchCall(f"models({', '.join(model.__name__ for model in self.models)})")
        for name in self.facets:
            if name not in FACETS:
                raise UnsupportedSearchCall(f"facet({name!r})")
        for name in set(fields or ()) - RESULT_FIELDS:
            raise UnsupportedSearchCall(f"values({name!r})")

    # --- running ------------------------------------------------------------------------------

    def run(self, spelling_query=None, **kwargs) -> None:
        if spelling_query:
            raise UnsupportedSearchCall("spelling_suggestion()")
        self._check_supported(fields=kwargs.get("fields"))
        request = self.request()
        parsed = parse(request.text)
        if parsed.is_empty:  # punctuation only: nothing to find (as /api/search answers)
            self._results, self._hit_count, self._facet_counts = [], 0, {}
            self._spelling_suggestion = None
            return
        searched, ranked = rank(
            parsed, request.filters, start=self.start_offset, stop=self.end_offset, sort=request.sort
        )
        by_pk = articles_with_paragraphs(ranked.pks)
        results = []
        for pk in ranked.pks:
            article = by_pk.get(pk)
            if article is None:  # deleted a moment ago, its removal still queued
                continue
            result = self.result_class(
                Article._meta.app_label, Article._meta.model_name, pk, None, **_result_fields(article)
            )
            result._object = article
            if self.highlight:
                hit = article_hit(article=article, parsed=searched)
                result.highlighted = {"text": [str(paragraph.snippet) for paragraph in hit.paragraphs]}
            results.append(result)
        self._results, self._hit_count = results, ranked.count
        self._facet_counts = self.post_process_facets({"facets": {"fields": self._facet_fields(ranked.facets)}})
        self._spelling_suggestion = None

    def _facet_fields(self, facets: dict[str, Counter]) -> dict[str, list[tuple]]:
        counted = {name: facets.get(FACETS[name], Counter()).most_common() for name in self.facets}
        if "source_pk" in counted:  # the index's 0 is "no source", which is not a source to choose
            counted["source_pk"] = [(pk, n) for pk, n in counted["source_pk"] if pk]
        return counted

    def get_facet_counts(self) -> dict:
        """Facets without loading the whole result list (SearchQuerySet.facet_counts runs a fresh clone)."""
        if self._facet_counts is None:
            start, stop = self.start_offset, self.end_offset
            self.set_limits(0, 0)
            self.run()
            self._results, self._hit_count = None, None
            self.start_offset, self.end_offset = start, stop
        return self._facet_counts

    def run_mlt(self, **kwargs):
        raise UnsupportedSearchCall("more_like_this()")

    def run_raw(self, **kwargs):
        raise UnsupportedSearchCall("raw_search()")

    def get_stats(self):
        raise UnsupportedSearchCall("stats_results()")


class HaystackEngine(BaseEngine):
    """What HAYSTACK_CONNECTIONS names: our writing backend, and queries answered by our search."""

    backend = ArchiveWhooshBackend
    query = SearchQuery


def _text_of(value, *, exact: bool) -> str:
    if isinstance(value, Exact) or (exact and isinstance(value, str)):
        return _quoted(str(value))
    if isinstance(value, AutoQuery | Raw | Clean) or type(value) is str:
        return str(value)
    kind = value.input_type_name if isinstance(value, BaseInput) else type(value).__name__
    raise UnsupportedSearchCall(f"filter(content={kind}(…))")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


def _excluded(node: SearchNode) -> str:
    """exclude(content=word): the archive's -word (only a single word or an exact phrase)."""
    leaves = node.children
    if len(leaves) == 1 and isinstance(leaves[0], SearchNode) and not leaves[0].negated:
        leaves = leaves[0].children
    if len(leaves) == 1 and not isinstance(leaves[0], SearchNode):
        expression, value = leaves[0]
        field, lookup = node.split_expression(expression)
        if field in CONTENT_FIELDS and lookup in ("content", "contains", "exact"):
            text = str(value)
            if isinstance(value, Exact) or lookup == "exact":
                return "-" + _quoted(text)
            if text.strip() and len(text.split()) == 1 and '"' not in text:
                return "-" + text.strip()
    raise UnsupportedSearchCall("exclude() of anything but one word or phrase of content")


def _set(params: dict[str, object], name: str, value, expression: str) -> None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if name in params and params[name] != value:
        raise ValueError(f"{expression}: two different values for one filter ({params[name]!r}, {value!r})")
    params[name] = value


def _parameter_of(filter_name: str) -> str:
    """The SearchQuerySet filter a Filters parameter comes from, for messages."""
    if filter_name == "date_from":
        return "published_on__gte"
    if filter_name == "date_to":
        return "published_on__lte"
    return next(field for (field, _), name in FILTERS.items() if name == filter_name)


def _result_fields(article: Article) -> dict:
    return {
        "language": article.language,
        "source_pk": article.source_id,
        "month": month_of(article.pub_year, article.pub_month),
        "article_pk": article.pk,
        ID: document_id(article.pk),
        DJANGO_CT: CONTENT_TYPE,
        DJANGO_ID: str(article.pk),
    }
