"""Thin views: parse the request, call a selector or the search, render."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from archive import selectors, timeline
from archive.api import BadRequest, error_response, list_query
from archive.filters import Filters
from archive.forms import ArticleFilterForm, SearchForm, script_choice
from archive.models import Article, Paragraph
from archive.search.engines.base import RELEVANCE, SORTS
from archive.search.results import MAX_PER_PAGE, SearchPage, search_articles, search_timeline
from archive.timeline_chart import Chart, chart

ARTICLES_PER_PAGE = 20
RESULTS_PER_PAGE = 10


def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None)
    filters = form.filters()
    articles = selectors.list_articles(filters=filters)
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filtered": bool(filters),
        "page_obj": page,
        "articles": page.object_list,
        "languages": selectors.language_choices(),
        "months": selectors.month_choices(),
    }
    return render(request, "archive/article_list.html", context)


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        article = selectors.get_article(article_id=pk)
    except Article.DoesNotExist:
        raise Http404("No such article") from None
    script = script_choice(request.GET.get("script"))
    paragraphs: list[Paragraph] = list(article.paragraphs.order_by("position"))
    title, title_lang = selectors.show_text(
        text=article.title,
        language=article.title_language,
        script=script,
    )
    context = {
        "article": article,
        "title": title,
        "title_lang": title_lang,
        "blocks": selectors.article_blocks(paragraphs=paragraphs, script=script),
        "script": script,
        "has_chinese": any(p.language in selectors.CHINESE for p in paragraphs),
        "furniture_count": sum(p.is_boilerplate for p in paragraphs),
        "permalink": request.build_absolute_uri(article.get_absolute_url()),
        "accessed": timezone.localdate(),
    }
    return render(request, "archive/article_detail.html", context)


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = form.filters()
    query = form.cleaned_data.get("q", "").strip() if form.is_bound else ""
    page = None
    options = rewrite_options(request)
    if query:
        page = search_articles(
            query=query, page=_page_number(request), per_page=RESULTS_PER_PAGE, filters=filters,
            sort=form.sort_order(), **options,
        )  # fmt: skip
    drawn, timeline_error = (None, "")
    if page is not None and page.count:
        drawn, timeline_error = _timeline_chart(request, query, filters, page, options)
    context = {
        **options,
        "chart": drawn,
        "timeline_error": timeline_error,
        "timeline_auto": request.GET.get("timeline") not in timeline.UNITS,
        "compare": ", ".join(value.strip() for value in request.GET.getlist("compare") if value.strip()),
        "expansions": _with_drop_urls(request, page.explain.get("expansions", [])) if page else [],
        "form": form,
        "query": query,
        "page": page,
        "filtered": bool(filters),
        "single_words": _single_words(query) if page is not None and not page.count else [],
    }
    return render(request, "archive/search.html", context)


def _timeline_chart(
    request: HttpRequest, query: str, filters: Filters, page: SearchPage, options: dict
) -> tuple[Chart, str]:
    """The chart over the results, and an error message for a compare or timeline parameter that
    cannot be used (the chart then shows the search alone, per the unit the period suggests)."""
    error = ""
    try:
        terms = timeline.compare_terms(query, request.GET.getlist("compare"))
    except timeline.TimelineError:
        terms = (query,)
        error = gettext("At most %(count)s terms can be compared: the search and %(more)s more.") % {
            "count": timeline.MAX_TERMS,
            "more": timeline.MAX_TERMS - 1,
        }
    try:
        unit = timeline.parse_unit(request.GET.get("timeline"))
    except timeline.TimelineError:
        unit = ""
        error = gettext("The timeline is drawn per month or per week.")
    found = search_timeline(terms=terms, filters=filters, unit=unit, first=page.dates, **options)
    current = {name: value for name, value in filters.as_params().items() if name in ("month", "date_from", "date_to")}
    return chart(timeline=found, params=dict(request.GET.lists()), current=current), error


def api_search(request: HttpRequest) -> JsonResponse:
    try:
        listed = list_query(request.GET)
        per_page = _per_page(request)
        sort = _sort(request)
        unit = timeline.parse_unit(request.GET.get("timeline"))
    except (BadRequest, timeline.TimelineError) as exc:
        return error_response(str(exc))
    options = rewrite_options(request)
    page = search_articles(
        query=request.GET.get("q", ""), page=_page_number(request), per_page=per_page, filters=listed.filters,
        sort=sort, **options,
    )  # fmt: skip
    body = page.to_json()
    if unit:
        first = page.dates or timeline.NO_DATES
        found = search_timeline(terms=(page.query,), filters=listed.filters, unit=unit, first=first, **options)
        body["timeline"] = timeline.as_json(found)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _sort(request: HttpRequest) -> str:
    value = request.GET.get("sort", "") or RELEVANCE
    if value not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}")
    return value


def _per_page(request: HttpRequest) -> int:
    value = request.GET.get("per_page", "")
    if not value:
        return RESULTS_PER_PAGE
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PER_PAGE:
        raise BadRequest(f"per_page must be an integer from 1 to {MAX_PER_PAGE}")
    return int(value)


def rewrite_options(request: HttpRequest) -> dict:
    """expand=1 (glossary translations, minus each drop=), pinyin=1 (read latin words as pinyin)."""
    return {
        "expand": request.GET.get("expand") == "1",
        "pinyin": request.GET.get("pinyin") == "1",
        "drop": request.GET.getlist("drop")[:32],
    }


def _with_drop_urls(request: HttpRequest, expansions: list[dict]) -> list[dict]:
    """Each expansion with the URL of this search without it."""
    out = []
    for item in expansions:
        params = request.GET.copy()
        params.setlist("drop", [*params.getlist("drop"), item["entry"]])
        params.pop("page", None)
        out.append({**item, "drop_url": "?" + params.urlencode()})
    return out


def _single_words(query: str) -> list[str]:
    """The query's plain words, offered one by one when all of them together found nothing."""
    words = [word for word in query.split() if word != "OR" and not word.startswith("-") and '"' not in word]
    return list(dict.fromkeys(words)) if len(words) > 1 else []


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
