"""Atom feeds (newly imported articles; a saved search), the sitemap and the OpenSearch description."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.xmlutils import SimplerXMLGenerator

from archive.filters import Filters
from archive.models import Article, Paragraph
from archive.search.results import matching_article_ids

FEED_ITEMS = 50
SUMMARY_CHARS = 500


def _summary(article: Article) -> str:
    body = (
        Paragraph.objects.filter(article=article, is_boilerplate=False, role="body")
        .order_by("position")
        .values_list("text", flat=True)
        .first()
    )
    text = body or ""
    return text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "")


class _ArticleFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return _summary(item)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        return f"article-{item.pk}-{item.content_hash[:16]}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Article):
        return item.imported_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.source.name if item.source else ""

    def item_categories(self, item: Article) -> list[str]:
        return [item.language]


class NewArticlesFeed(_ArticleFeed):
    title = "COVID-19 briefings archive: newly imported"
    subtitle = "Articles most recently added to the archive."

    def link(self) -> str:
        return reverse("archive:article_list")

    def feed_url(self) -> str:
        return reverse("archive:feed_new")

    def items(self):
        return Article.objects.select_related("source").order_by("-imported_at", "-id")[:FEED_ITEMS]


class SearchFeed(_ArticleFeed):
    """A saved search: the newest imported articles that match ?q= and the list filters
    (archive.filters; an invalid filter is left out, as on the search page)."""

    def get_object(self, request: HttpRequest) -> tuple[str, Filters]:
        return request.GET.get("q", "").strip().replace("\x00", ""), Filters.parse(request.GET, strict=False)

    def title(self, saved: tuple[str, Filters]) -> str:
        return f"COVID-19 briefings archive: search “{saved[0]}”"

    def subtitle(self, saved: tuple[str, Filters]) -> str:
        return "Newest imported articles matching a saved search."

    def link(self, saved: tuple[str, Filters]) -> str:
        return reverse("archive:search") + "?" + urlencode({"q": saved[0], **saved[1].as_params()})

    def feed_url(self, saved: tuple[str, Filters]) -> str:
        return reverse("archive:feed_search") + "?" + urlencode({"q": saved[0], **saved[1].as_params()})

    def items(self, saved: tuple[str, Filters]):
        query, filters = saved
        ids = matching_article_ids(query=query, filters=filters) if query else []
        newest = sorted(ids, reverse=True)[:FEED_ITEMS]  # ids grow with imports: highest = newest
        return Article.objects.select_related("source").filter(pk__in=newest).order_by("-imported_at", "-id")


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10000

    def items(self):
        return Article.objects.order_by("id").only("id", "updated_at")

    def lastmod(self, item: Article):
        return item.updated_at


SITEMAPS = {"articles": ArticleSitemap}


def opensearch(request: HttpRequest) -> HttpResponse:
    """OpenSearch 1.1 description, so browsers can add the archive as a search engine."""
    base = request.build_absolute_uri("/")[:-1]
    search = base + reverse("archive:search")
    response = HttpResponse(content_type="application/opensearchdescription+xml; charset=utf-8")
    xml = SimplerXMLGenerator(response, "utf-8")
    xml.startDocument()
    xml.startElement("OpenSearchDescription", {"xmlns": "http://a9.com/-/spec/opensearch/1.1/"})
    xml.addQuickElement("ShortName", "COVID-19 archive")
    xml.addQuickElement("Description", "Search the archive of COVID-19 briefings (English, 简体中文, 繁體中文).")
    xml.addQuickElement("InputEncoding", "UTF-8")
    xml.addQuickElement("OutputEncoding", "UTF-8")
    xml.addQuickElement("Url", attrs={"type": "text/html", "method": "get", "template": f"{search}?q={{searchTerms}}"})
    xml.addQuickElement(
        "Url",
        attrs={
            "type": "application/json",
            "template": f"{base}{reverse('archive:api_search')}?q={{searchTerms}}&page={{startPage?}}",
        },
    )
    xml.addQuickElement(
        "Url",
        attrs={"type": "application/atom+xml", "template": f"{base}{reverse('archive:feed_search')}?q={{searchTerms}}"},
    )
    xml.addQuickElement(
        "Url",
        attrs={
            "type": "application/opensearchdescription+xml",
            "rel": "self",
            "template": request.build_absolute_uri(),
        },
    )
    xml.endElement("OpenSearchDescription")
    xml.endDocument()
    return response
