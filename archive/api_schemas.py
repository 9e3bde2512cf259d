"""The API's typed query parameters and responses (django-ninja schemas, i.e. pydantic models).

/api/schema is generated from these classes and the operations in archive.api, so a parameter or
a field exists in the schema exactly when it exists here. The filters come from archive.filters
(FilterParams); each parameter is read by the same parser as the web pages, so the API accepts
what they accept, and a bad value is a 400 whose message names the parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

from archive.models import Language, Role
from archive.search.engines.base import RELEVANCE, SORTS
from archive.search.results import DEFAULT_PER_PAGE, MAX_PER_PAGE
from archive.timeline import MAX_TERMS, SHORT_SPAN_DAYS, parse_unit

LanguageCode = Literal[tuple(Language.values)]
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_DROPS = 32
TRUE = ("1", "true", "on", "yes")


# --- Parameters -------------------------------------------------------------------------------


def _count(name: str, *, default: int, maximum: int) -> BeforeValidator:
    """A count from 1 to `maximum`, written in ASCII digits; empty is the default."""

    def parse(value: Any) -> int:
        text = str(value).strip()
        if not text:
            return default
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= maximum:
            raise ValueError(f"{name} must be an integer from 1 to {maximum}")
        return int(text)

    return BeforeValidator(parse)


def _page(value: Any) -> int:
    """Lenient, as the search page: a page number that cannot be read is the first page."""
    text = str(value).strip()
    return max(1, int(text)) if text.isascii() and text.lstrip("-").isdigit() else 1


def _sort(value: Any) -> str:
    if not value:
        return RELEVANCE
    if value not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    return value


def _no_nul(strip: bool) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value)
        if "\x00" in text:
            raise ValueError("q must not contain NUL characters")
        return text.strip() if strip else text

    return parse


def is_on(value: Any) -> bool:
    """A switch such as expand=1 (true, on and yes too; anything else is off)."""
    return str(value).strip().lower() in TRUE


QUERY_DESCRIPTION = (
    'The search: words (all of them must occur), "exact phrases", OR between alternatives, -word to exclude, '
    "title:word. Any script: simplified and traditional Chinese find each other."
)


class RewriteParams(Schema):
    expand: Annotated[bool, BeforeValidator(is_on)] = Field(
        False,
        description="1: also search the glossary's and CC-CEDICT's translations of the query's words "
        "(English finds Chinese and back); `explain.expansions` lists them.",
        examples=[True],
    )
    pinyin: Annotated[bool, BeforeValidator(is_on)] = Field(
        False,
        description="1: read latin words as pinyin too (fugong finds 复工). Toned pinyin (fùgōng) is always "
        "read as pinyin, and plain words are when nothing else matched.",
        examples=[True],
    )
    # As on the search page, drops beyond the first MAX_DROPS are ignored.
    drop: Annotated[list[str], AfterValidator(lambda drops: drops[:MAX_DROPS])] = Field(
        [],
        description="With expand=1: a glossary entry (its Chinese, as `explain.expansions[].entry`) not to "
        "expand; repeat for several.",
        examples=[["口罩"]],
    )


class SearchParams(RewriteParams):
    q: Annotated[str, BeforeValidator(_no_nul(strip=False))] = Field(
        "", description=QUERY_DESCRIPTION, examples=["口罩"]
    )
    page: Annotated[int, BeforeValidator(_page)] = Field(
        1, ge=1, description="Page number, from 1 (a page that cannot be read is the first).", examples=[2]
    )
    per_page: Annotated[int, _count("per_page", default=DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)] = Field(
        DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Articles per page.", examples=[20]
    )
    sort: Annotated[Literal[tuple(SORTS)], BeforeValidator(_sort)] = Field(
        RELEVANCE,
        description="relevance (best match first), newest or oldest (by publication date; undated last).",
        examples=["newest"],
    )
    group_copies: Annotated[bool, BeforeValidator(is_on)] = Field(
        True,
        description="1 (the default): a group of near-duplicate reposts is one result, with its `copies`; "
        "0: every matching article is a result of its own.",
        examples=[False],
    )


class TimelineParams(Schema):
    timeline: Annotated[str, BeforeValidator(parse_unit)] = Field(
        "",
        description="month or week: add the matches per month or per ISO week (`timeline` in the JSON), "
        "the matches without such a date in a bucket of their own.",
        examples=["month"],
    )


class CompareParams(TimelineParams):
    q: Annotated[str, BeforeValidator(_no_nul(strip=True))] = Field(
        description="The search whose timeline to export (as /api/search).", examples=["复工复产"]
    )
    compare: list[str] = Field(
        [],
        description=f"Terms to compare with the search, at most {MAX_TERMS - 1}: repeat the parameter, "
        "or separate terms with commas. Without timeline=, per week when the filters bound at most "
        f"{SHORT_SPAN_DAYS} days.",
        examples=[["封控"]],
    )


class ListParams(Schema):
    q: Annotated[str, BeforeValidator(_no_nul(strip=True))] = Field(
        "", description="Only articles matching this search (as /api/search), newest first.", examples=["复工复产"]
    )
    cursor: str = Field("", description="The opaque token of a previous page's `next`.")
    limit: Annotated[int, _count("limit", default=DEFAULT_LIMIT, maximum=MAX_LIMIT)] = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Articles per page.", examples=[20]
    )


class ExportParams(Schema):
    q: Annotated[str, BeforeValidator(_no_nul(strip=True))] = Field(
        "", description="Only articles matching this search (as /api/search), best first.", examples=["复工复产"]
    )


class SearchExportParams(Schema):
    q: Annotated[str, BeforeValidator(_no_nul(strip=True))] = Field(
        description="The search to export (as /api/search).", examples=["口罩"]
    )


# --- Responses --------------------------------------------------------------------------------


class Error(Schema):
    error: str = Field(description="What was wrong, naming the parameter.")


class SourceOut(Schema):
    id: int
    name: str = Field(description='The outlet the page names ("深圳新闻网").')
    domain: str
    base_url: str


class PublishedParts(Schema):
    year: int | None
    month: int | None
    day: int | None
    year_inferred: bool = Field(description="The year comes from evidence about the page, not its text.")


class ContentHash(Schema):
    algorithm: Literal["sha256"]
    value: str


class Provenance(Schema):
    source: SourceOut | None
    original_url: str = Field(description="Where the page was published, if known.")
    site: str = Field(description='The host the page was captured from ("sznews.com"), beside the source it names.')
    captured_at: str | None = Field(description="When it was fetched.", json_schema_extra={"format": "date-time"})
    published: str = Field(
        description='ISO 8601, partial when parts are unknown: "2020-03-20", "2020-03", "--03-04", "".'
    )
    published_parts: PublishedParts
    source_file: str = Field(description="The imported file, relative to the import root.")
    content_hash: ContentHash
    imported_at: str | None = Field(json_schema_extra={"format": "date-time"})
    updated_at: str | None = Field(json_schema_extra={"format": "date-time"})


class ArticleSummary(Schema):
    id: int
    title: str
    url: str = Field(description="The article's web page.")
    api_url: str
    language: LanguageCode
    published: str = Field(description="As provenance.published.")
    source: str = Field(description="The source's name, or empty.")
    source_file: str
    provenance: Provenance


class ParagraphOut(Schema):
    position: int = Field(description="1-based; the permalink #p-N.")
    text: str
    language: LanguageCode
    role: Literal[tuple(Role.values)]
    is_boilerplate: bool = Field(description="Page furniture: hidden and unsearched.")
    translation: int | None = Field(description="Position of this paragraph's translation.")


class Citation(Schema):
    text: str = Field(description="A plain-text reference.")
    text_url: str = Field(description="URL of the plain-text reference.")
    bibtex: str = Field(description="URL of the BibTeX entry.")
    csl_json: str = Field(description="URL of the CSL-JSON item.")


class NearDuplicate(Schema):
    id: int
    similarity: float = Field(description="Body similarity, 0 to 1.")


class ArticleOut(ArticleSummary):
    citation: Citation
    paragraphs: list[ParagraphOut]
    near_duplicates: list[NearDuplicate] | None = Field(
        None,
        description="The other articles of its group of near-duplicate reposts, most similar first "
        "(on /api/articles/{id}; not in exports).",
    )


class ArticleList(Schema):
    count: int = Field(description="Articles matching the filters, over all pages.")
    next: str | None = Field(description="The next page's URL, or null on the last page.")
    results: list[ArticleSummary]


class AlignedOut(Schema):
    position: int
    language: LanguageCode
    snippet: str


class ParagraphHitOut(Schema):
    position: int = Field(description="1-based; link to it as the article's url + #p-N.")
    snippet: str = Field(description="HTML: the paragraph's text escaped, the matches in <mark>.")
    aligned: AlignedOut | None = Field(description="The paragraph's aligned translation, or null.")


class SearchResult(Schema):
    id: int
    title: str
    title_highlighted: str = Field(description="HTML: the title escaped, its matches in <mark>.")
    url: str
    source_file: str
    language: LanguageCode
    published: str
    source: str
    paragraphs: list[ParagraphHitOut] = Field(description="The best few matching paragraphs (3).")
    paragraphs_matched: int = Field(description="How many paragraphs matched in all, a translated pair once.")
    copies: int = Field(0, description="Other articles of its group of near-duplicate reposts (0: none).")


class FacetValue(Schema):
    value: int | str = Field(description="What to pass as the filter of the same name.")
    label: str
    count: int = Field(description="Matching articles with this value.")


class Facets(Schema):
    language: list[FacetValue]
    source: list[FacetValue]
    month: list[FacetValue] = Field(description='Newest first; "unknown" (no year or no month) last.')


class RegionalForm(Schema):
    term: str
    forms: list[str]


class PinyinReading(Schema):
    word: str
    readings: list[str]


class Expansion(Schema):
    entry: str = Field(description="Pass it as drop= to search without this expansion.")
    matched: str
    added: list[str]
    source: str = Field(description='"glossary" or "CC-CEDICT".')


class Explain(Schema):
    normalised: str
    tokens: list[str]
    reading: str = Field(description="The query's Chinese in pinyin.")
    regional: list[RegionalForm] = Field(description="Taiwan and Hong Kong phrasing also searched in mainland form.")
    excluded: list[str]
    pinyin: list[PinyinReading]
    pinyin_matched: list[str]
    expansions: list[Expansion]


class TimelineBucket(Schema):
    period: str = Field(description="YYYY-MM, YYYY-Www (ISO week), or unknown.", examples=["2020-03"])
    start: str | None = Field(description="The period's first day (none for unknown).", examples=["2020-03-01"])
    end: str | None = Field(description="The period's last day (none for unknown).", examples=["2020-03-31"])
    count: int


class SearchResponse(Schema):
    """The body of /api/search, as archive.search.results.SearchPage.to_json builds it: a field added
    there is sent at once, and tests/test_api_schema.py fails until it is typed here too."""

    query: str
    count: int = Field(
        description="All results, not only this page: a group of near-duplicate reposts is one result "
        "(shown by its earliest-dated matching copy)."
    )
    articles: int = Field(0, description="All matching articles, each copy counted.")
    took_ms: float
    page: int
    num_pages: int
    per_page: int
    sort: Literal[tuple(SORTS)]
    results: list[SearchResult]
    facets: Facets
    explain: Explain
    error: str = Field(description="A notice about the query (e.g. only exclusions), or empty.")
    timeline: list[TimelineBucket] | None = Field(
        None,
        description="With timeline=month|week: every period from the first match to the last, then "
        '{"period": "unknown"}: the matches without a year and month (per month) or a full date (per week).',
    )
