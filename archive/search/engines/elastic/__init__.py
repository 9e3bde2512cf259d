"""Elasticsearch or OpenSearch as the search engine, finding exactly what the Whoosh engine finds.

All analysis happens in our Python code (archive.text) before any engine sees a text, and the
index holds the resulting tokens (engines.elastic.mapping: a whitespace analyzer and nothing else). So a query
becomes, term by term, the look-ups archive.search.engines.whoosh.execution makes over Whoosh's postings (a term,
a prefix, a phrase) combined as archive.search.engines.whoosh combines them, and the set of
matching articles is the same. Scores differ in detail (Lucene's BM25 has no (k1 + 1) factor and
normalises n-gram fields by their own length), which only orders articles within a ranking tier.
"""

from __future__ import annotations

import contextlib
import datetime
import math
from collections import Counter
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from archive.filters import Filters
from archive.search.analysis import INDEX_FORMAT, PARAGRAPH_BREAK
from archive.search.engines.base import CORRUPT, MISSING, NEWEST, OK, OLDEST, RELEVANCE, Ranked
from archive.search.engines.elastic.mapping import index_mapping
from archive.search.fields import GRAM_FIELDS, TEXT_FIELDS, real_word_fields, term_fields
from archive.search.query import Contiguous, ParsedQuery, Term, in_order_tokens
from archive.text.tokenise import char_grams, han_stretches, segment

DOCUMENT_PREFIX = "archive.article."
SORT = [{"_score": "desc"}, {"published_sort": "desc"}, {"article_pk": "asc"}]
# By date: complete dates (published_on; left out of a partial date's document) first, then the
# best match first for each date (engines.whoosh._ranked_ids).
DATE_SORTS = {
    NEWEST: [{"published_on": {"order": "desc", "missing": "_last"}}, *SORT],
    OLDEST: [{"published_on": {"order": "asc", "missing": "_last"}}, *SORT],
}
PAGE = 1000  # hits per request when every match is wanted
MAX_WINDOW = 10_000  # index.max_result_window: from + size beyond it needs search_after
FACET_SIZE = 10_000  # buckets per facet: more languages, sources or months than the archive has
BULK_CHUNK = 500  # documents per bulk request
BULK_BYTES = 16 * 1024 * 1024  # and at most this much JSON (clusters refuse bodies over 100 MB)
BULK_RETRIES = 3  # for documents refused with 429 (the cluster is busy), with backoff
DEFAULT_PORT = 9200
_SCHEMES = {  # SEARCH_URL scheme: (client library, HTTP scheme)
    "elasticsearch": ("elasticsearch", "http"),
    "elasticsearchs": ("elasticsearch", "https"),
    "opensearch": ("opensearch", "http"),
    "opensearchs": ("opensearch", "https"),
}

# Ranking tiers (docs/architecture.md, "Ranking"): real words, then title matches, then BM25. Whoosh sorts on the
# three keys; a cluster sorts on one float32 score, so the tiers are constant_score clauses whose
# boosts stack above BM25: each title match adds more than any BM25 sum can reach, and each
# real-word match more than all title matches together. Lucene's BM25 for one term is below its
# idf, ln(1 + (N - df + 0.5) / (df + 0.5)) < ln(1 + N) < MAX_IDF for a shard's at most 2^31
# documents, and a phrase scores below the sum of its terms' idf; a prefix query scores 1. So
# the BM25 of a query is below MAX_IDF per scoring token (score_bound), and the title tier is set
# just above that bound for each query rather than to one large constant: a float32 holds 24 bits,
# so BM25 keeps a resolution of about score * 6e-8, and the smaller the tiers the finer the order
# within one (复工复产: title tier 44, real-word tier 88, top score under 256, resolved to 2e-5).
# The margins stay exact below 2^24; 16 terms of 15 characters, the most a query holds, reach 3e6.
MAX_IDF = math.log(2**31)
_MAPPED = frozenset(index_mapping()["mappings"]["properties"])


class IndexWriteError(Exception):
    """The cluster refused some documents of a bulk request."""


def es_source(document: dict) -> dict:
    """A document as ArticleIndex prepares it for Whoosh, as the _source of the cluster's document:
    each text field a list of its paragraphs (the mapping's position gap separates them)."""
    source = {}
    for name, value in document.items():
        if name in TEXT_FIELDS or name in GRAM_FIELDS:
            source[name] = [part.strip() for part in value.split(PARAGRAPH_BREAK) if part.strip()]
        elif name == "published_on" and not value:
            continue  # no complete date: missing, so that sorting by date puts it last
        elif name in _MAPPED:
            source[name] = value
    return source


def article_pk(document_id: str) -> int:
    """The article pk of a document id, "archive.article.<pk>"."""
    if not document_id.startswith(DOCUMENT_PREFIX):
        raise ValueError(f"not an article's document id: {document_id!r}")
    return int(document_id.removeprefix(DOCUMENT_PREFIX))


# --- queries ----------------------------------------------------------------------------------


def _any(clauses: list[dict]) -> dict:
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _all(clauses: list[dict]) -> dict:
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


def _term(field: str, value: str) -> dict:
    return {"term": {field: {"value": value}}}


def _phrase(field: str, tokens: Iterable[str]) -> dict:
    return {"match_phrase": {field: {"query": " ".join(tokens)}}}


def _contiguous_clause(unit_texts: tuple[str, ...], *, chars_field: str, grams_field: str) -> dict:
    """Units occurring in a row (engines.whoosh.execution._contiguous_hits)."""
    if len(unit_texts) == 1:  # every occurrence of a character begins a pair or is a run's last token
        return {"prefix": {chars_field: {"value": unit_texts[0]}}}
    if len(unit_texts) <= 4:
        return _term(chars_field if len(unit_texts) == 2 else grams_field, "".join(unit_texts))
    windows = dict.fromkeys("".join(unit_texts[i : i + 4]) for i in range(len(unit_texts) - 3))
    return {
        "bool": {
            "filter": [_term(grams_field, gram) for gram in windows],
            "must": [_phrase(chars_field, char_grams(unit_texts)[:-1])],
        }
    }


def term_clause(term: Term, *, field: str | None = None) -> dict:
    """Every part of the term in the body's fields or, with field="title", the title's
    (engines.whoosh.execution.term_hits): each Chinese run contiguous, each stretch of words as a phrase."""
    words_field, chars_field, grams_field = term_fields(term.field if field is None else field)
    clauses = []
    for part in term.parts():
        if isinstance(part, Contiguous):
            forms = [_contiguous_clause(form, chars_field=chars_field, grams_field=grams_field) for form in part.forms]
            clauses.append(_any(forms))
        elif len(part) == 1:
            clauses.append(_term(words_field, part[0]))
        else:
            clauses.append(_phrase(words_field, part))
    if term.in_order:
        clauses.append(_any([_phrase(chars_field, tokens) for tokens in in_order_tokens(term)]))
    return _all(clauses)


def matching_clause(term: Term) -> dict:
    """What a query term finds (engines.whoosh.execution.matching_hits): a plain term in the body or the title,
    title:term in the title, a pinyin term as a phrase of syllables."""
    if term.field == "pinyin":
        return _phrase("pinyin", (run.text for run in term.runs))
    if term.field:
        return term_clause(term)
    return _any([term_clause(term), term_clause(term, field="title")])


def _groups(parsed: ParsedQuery) -> list[dict]:
    """One clause per group, each alternative's stretch of groups ORed with its terms
    (engines.whoosh._with_alternatives)."""
    groups = [_any([matching_clause(term) for term in group]) for group in parsed.groups]
    combined, cursor = [], 0
    for first, last, alts in parsed.alternative_clusters():
        combined.extend(groups[cursor:first])
        extra = [matching_clause(term) for alt in alts for term in alt.terms]
        combined.append(_any([_all(groups[first : last + 1]), *extra]))
        cursor = last + 1
    combined.extend(groups[cursor:])
    return combined


def _filters(filters: Filters) -> list[dict]:
    clauses: list[dict] = []
    if filters.language:
        clauses.append({"term": {"language": filters.language}})
    if filters.source:
        clauses.append({"term": {"source_pk": filters.source}})
    if filters.month:
        clauses.append({"term": {"month": filters.month}})
    low, high = filters.date_range
    if low or high:  # published_on is 0 unless the date is complete (archive.filters)
        clauses.append({"range": {"published_on": {"gte": max(low, 1), **({"lte": high} if high else {})}}})
    return clauses


def score_bound(clause: dict) -> float:
    """More than the BM25 score the clause can give a document (see MAX_IDF); filters score nothing."""
    ((kind, body),) = clause.items()
    if kind == "bool":
        return sum(score_bound(inner) for key in ("must", "should") for inner in body.get(key, []))
    if kind == "term":
        return MAX_IDF
    if kind == "match_phrase":
        (spec,) = body.values()
        return MAX_IDF * len(spec["query"].split())
    if kind == "prefix":  # constant score 1 (Lucene's default rewrite)
        return 1.0
    raise ValueError(f"no score bound for a {kind!r} clause")


def _tiers(parsed: ParsedQuery, *, bm25_bound: float) -> list[dict]:
    """The ranking clauses (engines.whoosh._ranked_ids): a real-word match and a title match per term."""
    title_boost = math.ceil(bm25_bound) + 1
    real_word_boost = title_boost * (len(parsed.ranked_terms) + 1)
    clauses = []
    for term in parsed.ranked_terms:
        contiguous = [part for part in term.parts() if isinstance(part, Contiguous)]
        if contiguous:  # engine.real_word_hits: each run's jieba words (any form, body or title), positions unchecked
            real_words = _all([_real_words(part, real_word_fields(term.field)) for part in contiguous])
            clauses.append({"constant_score": {"filter": real_words, "boost": real_word_boost}})
        clauses.append({"constant_score": {"filter": term_clause(term, field="title"), "boost": title_boost}})
    return clauses


def _real_words(part: Contiguous, fields: tuple[str, ...]) -> dict:
    """Documents holding the run's jieba words, all in one of the fields, in one of its forms."""
    words = [[word for han in han_stretches(form) for word in segment(han)] for form in part.forms]
    return _any([_all([_term(field, word) for word in form_words]) for field in fields for form_words in words])


def build_query(parsed: ParsedQuery, filters: Filters) -> dict:
    """The `query` of a search: what matches as the Whoosh engine decides it, scored by tier, then BM25."""
    groups = _groups(parsed)
    bm25_bound = sum(score_bound(group) for group in groups)
    query: dict = {"must": groups, "should": _tiers(parsed, bm25_bound=bm25_bound)}
    if parsed.excluded:
        query["must_not"] = [matching_clause(term) for term in parsed.excluded]
    if filtering := _filters(filters):
        query["filter"] = filtering
    return {"bool": query}


def facet_aggregations() -> dict:
    """The `aggs` of a search: the facet counts over every match."""
    return {
        "language": {"terms": {"field": "language", "size": FACET_SIZE}},
        "source": {"terms": {"field": "source_pk", "size": FACET_SIZE}},
        "month": {"terms": {"field": "month", "size": FACET_SIZE}},
        # yyyymmdd of complete dates (a partial date's document has no published_on).
        "day": {"terms": {"field": "published_on", "size": FACET_SIZE}},
    }


def parse_facets(aggregations: dict) -> dict[str, Counter]:
    """The facets as the Whoosh engine gives them: language and month codes, source pks and days as ints."""
    facets = {}
    for name in ("language", "source", "month", "day"):
        buckets = aggregations[name]["buckets"]
        convert = int if name in ("source", "day") else str
        facets[name] = Counter({convert(bucket["key"]): bucket["doc_count"] for bucket in buckets})
    return facets


# --- the cluster --------------------------------------------------------------------------------


class Cluster:
    """The few calls the engine makes, the same whether the client is Elasticsearch's or OpenSearch's.

    Both clients take the same keyword arguments for these calls and have the same bulk helpers;
    they differ in how they are built, their exception classes and their response objects.
    """

    def __init__(self, *, client, helpers, not_found: type[Exception]) -> None:
        self.client = client
        self.helpers = helpers
        self.not_found = not_found

    @classmethod
    def from_url(cls, url: str) -> Cluster:
        """A client for `elasticsearch[s]://[user:password@]host[:port]` or `opensearch[s]://…`;
        the client libraries are imported only here, so Whoosh sites need neither."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
            raise ValueError(f"not a cluster URL: {parts.scheme}://{parts.hostname or ''}")
        library, http = _SCHEMES[parts.scheme.lower()]
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        node = f"{http}://{host}:{parts.port or DEFAULT_PORT}"
        auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
        if library == "elasticsearch":
            from elasticsearch import Elasticsearch, NotFoundError, helpers

            return cls(client=Elasticsearch(node, basic_auth=auth), helpers=helpers, not_found=NotFoundError)
        from opensearchpy import NotFoundError, OpenSearch, helpers

        return cls(client=OpenSearch(hosts=[node], http_auth=auth), helpers=helpers, not_found=NotFoundError)

    def search(self, *, index: str, body: dict) -> dict:
        response = self.client.search(index=index, body=body)
        return getattr(response, "body", response)  # Elasticsearch's ObjectApiResponse holds the dict

    def count(self, *, index: str) -> int:
        return self.client.count(index=index)["count"]

    def bulk(self, *, actions: Iterable[dict]) -> list[dict]:
        """Send the actions in chunks; the items that failed, as {op_type: item}."""
        results = self.helpers.streaming_bulk(
            self.client,
            actions,
            chunk_size=BULK_CHUNK,
            max_chunk_bytes=BULK_BYTES,
            max_retries=BULK_RETRIES,
            raise_on_error=False,
            yield_ok=False,
        )
        return [item for ok, item in results if not ok]

    def create_index(self, *, name: str, body: dict) -> None:
        self.client.indices.create(index=name, body=body)

    def delete_indices(self, *, names: list[str]) -> None:
        for name in names:
            with contextlib.suppress(self.not_found):  # already gone is what we wanted
                self.client.indices.delete(index=name)

    def refresh(self, *, index: str) -> None:
        self.client.indices.refresh(index=index)

    def alias_targets(self, *, alias: str) -> list[str]:
        """The concrete indices behind the alias; none when there is no such alias."""
        try:
            response = self.client.indices.get_alias(name=alias)
        except self.not_found:
            return []
        return sorted(getattr(response, "body", response))

    def update_aliases(self, *, actions: list[dict]) -> None:
        """All the actions at once: searches see the alias before or after, never between."""
        self.client.indices.update_aliases(body={"actions": actions})

    def index_format(self, *, index: str) -> int | None:
        """The analysis format (mapping _meta) of the index, or of the first index behind an alias."""
        response = self.client.indices.get_mapping(index=index)
        mappings = sorted(getattr(response, "body", response).items())
        return mappings[0][1]["mappings"].get("_meta", {}).get("format") if mappings else None


def _index_action(index: str, document: dict) -> dict:
    return {"_op_type": "index", "_index": index, "_id": document["id"], "_source": es_source(document)}


def _raise_for_failures(failures: list[dict]) -> None:
    """Raise for any refused action but deleting what is not there (removing an absent article is fine)."""
    refused = []
    for failure in failures:
        ((op_type, item),) = failure.items()
        if op_type == "delete" and item.get("status") == 404:
            continue
        error = item.get("error") or {}
        reason = f"{error.get('type', 'status ' + str(item.get('status')))}: {error.get('reason', '')}"
        refused.append(f"{op_type} {item.get('_id')}: {reason}")
    if refused:
        shown = "; ".join(refused[:5]) + (f"; and {len(refused) - 5} more" if len(refused) > 5 else "")
        raise IndexWriteError(f"the cluster refused {len(refused)} document(s): {shown}")


class ElasticEngine:
    """The archive's index on a cluster: a concrete index per build behind the alias `index`,
    which every search and write names, so a rebuild swaps in atomically."""

    def __init__(self, *, url: str, index: str, client: Cluster | None = None) -> None:
        self.url = url
        self.index = index
        self.cluster = client or Cluster.from_url(url)

    @property
    def location(self) -> str:
        """Where the index is, for messages (no credentials)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/{self.index}"

    def _new_index_name(self) -> str:
        return f"{self.index}-{datetime.datetime.now(datetime.UTC):%Y%m%d-%H%M%S-%f}"

    # --- writing: callers hold archive.search.queue.writer_lock ---------------------------------

    def ensure_index(self) -> None:
        """Create an empty index behind the alias if there is none (a write to a missing alias
        would make the cluster create an index with a guessed mapping)."""
        if not self.cluster.alias_targets(alias=self.index):
            self.cluster.create_index(
                name=self._new_index_name(), body={**index_mapping(), "aliases": {self.index: {}}}
            )

    def apply(self, *, documents: Iterable[dict], removed_ids: Iterable[str]) -> None:
        """Add or replace documents and remove others, visible to the next search on return."""
        self.ensure_index()
        removals = ({"_op_type": "delete", "_index": self.index, "_id": identifier} for identifier in removed_ids)
        additions = (_index_action(self.index, document) for document in documents)
        # Removals first: an id both removed and added ends up added, as in the Whoosh backend.
        _raise_for_failures(self.cluster.bulk(actions=[*removals, *additions]))
        self.cluster.refresh(index=self.index)

    def build_fresh(self, *, documents: Iterable[dict]) -> None:
        """Load a new concrete index, then move the alias to it in one step and drop the old ones.

        Searches use the old index until the swap; a failure before it deletes the new index and
        leaves the alias as it was.
        """
        name = self._new_index_name()
        self.cluster.create_index(name=name, body=index_mapping())
        try:
            _raise_for_failures(self.cluster.bulk(actions=(_index_action(name, document) for document in documents)))
            self.cluster.refresh(index=name)
            old = self.cluster.alias_targets(alias=self.index)
            self.cluster.update_aliases(
                actions=[
                    *({"remove": {"index": previous, "alias": self.index}} for previous in old),
                    {"add": {"index": name, "alias": self.index}},
                ]
            )
        except BaseException:
            self.cluster.delete_indices(names=[name])
            raise
        self.cluster.delete_indices(names=old)

    # --- reading ------------------------------------------------------------------------------

    def state(self) -> str:
        """OK when the alias exists and its index has today's format; MISSING or CORRUPT (written by
        another version of our analysis) otherwise: archive.search.recovery then builds it anew."""
        if not self.cluster.alias_targets(alias=self.index):
            return MISSING
        return OK if self.cluster.index_format(index=self.index) == INDEX_FORMAT else CORRUPT

    def document_count(self) -> int:
        """Documents behind the alias; 0 when there is no alias."""
        if not self.cluster.alias_targets(alias=self.index):
            return 0
        return self.cluster.count(index=self.index)

    def indexed_versions(self) -> dict[int, int]:
        """{article pk: version} of every document behind the alias (none without an alias), read
        PAGE at a time in pk order after the last hit's sort value."""
        if not self.cluster.alias_targets(alias=self.index):
            return {}
        versions: dict[int, int] = {}
        body: dict = {"query": {"match_all": {}}, "sort": [{"article_pk": "asc"}], "size": PAGE,
                      "_source": ["article_pk", "updated_at"]}  # fmt: skip
        while True:
            hits = self.cluster.search(index=self.index, body=body)["hits"]["hits"]
            for hit in hits:
                versions[hit["_source"]["article_pk"]] = hit["_source"].get("updated_at", 0)
            if len(hits) < PAGE:
                return versions
            body["search_after"] = hits[-1]["sort"]

    def ranked(
        self, parsed: ParsedQuery, filters: Filters, *, start: int = 0, stop: int | None = None, sort: str = RELEVANCE
    ) -> Ranked:
        """Article pks from start to stop of the ranked matches (stop=None: all), the count and the facets."""
        query = build_query(parsed, filters)
        order = DATE_SORTS.get(sort, SORT)
        if stop is not None and stop <= MAX_WINDOW:
            response = self._search(query, order, size=max(0, stop - start), offset=start, first=True)
            hits = response["hits"]["hits"]
        else:
            response, hits = self._every_hit(query, order, stop=stop)
            hits = hits[start:stop]
        return Ranked(
            pks=[article_pk(hit["_id"]) for hit in hits],
            count=response["hits"]["total"]["value"],
            facets=parse_facets(response["aggregations"]),
        )

    def _every_hit(self, query: dict, order: list[dict], *, stop: int | None) -> tuple[dict, list[dict]]:
        """The first response (count and facets) and the hits up to `stop`, PAGE at a time after
        the last hit's sort values (from + size cannot pass MAX_WINDOW)."""
        first = self._search(query, order, size=PAGE, first=True)
        hits = list(first["hits"]["hits"])
        page = hits
        while len(page) == PAGE and (stop is None or len(hits) < stop):
            page = self._search(query, order, size=PAGE, after=page[-1]["sort"])["hits"]["hits"]
            hits.extend(page)
        return first, hits

    def _search(
        self,
        query: dict,
        order: list[dict],
        *,
        size: int,
        offset: int = 0,
        after: list | None = None,
        first: bool = False,
    ) -> dict:
        """One search request; the `first` of a query also counts every match and its facets."""
        body: dict = {"query": query, "sort": order, "size": size, "_source": False, "track_total_hits": first}
        if offset:
            body["from"] = offset
        if after is not None:
            body["search_after"] = after
        if first:
            body["aggs"] = facet_aggregations()
        return self.cluster.search(index=self.index, body=body)
