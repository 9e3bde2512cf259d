"""Thin views: parse the request, call a selector, render."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from archive.models import Article
from archive.search.service import search_articles


def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.select_related("source")
    return render(request, "archive/article_list.html", {"articles": articles})


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk)
    return render(request, "archive/article_detail.html", {"article": article})


def search_page(request: HttpRequest) -> HttpResponse:
    page = search_articles(query=request.GET.get("q", ""), page=_page_number(request))
    return render(request, "archive/search.html", {"page": page})


def api_search(request: HttpRequest) -> JsonResponse:
    page = search_articles(query=request.GET.get("q", ""), page=_page_number(request))
    return JsonResponse(page.to_json(), json_dumps_params={"ensure_ascii": False})


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
