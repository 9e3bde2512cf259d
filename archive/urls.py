from django.contrib.sitemaps.views import sitemap
from django.urls import path

from archive import feeds, views
from archive.api import api

app_name = "archive"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("search/", views.search_page, name="search"),
    path("feeds/new.atom", feeds.NewArticlesFeed(), name="feed_new"),
    path("feeds/search.atom", feeds.SearchFeed(), name="feed_search"),
    path("sitemap.xml", sitemap, {"sitemaps": feeds.SITEMAPS}, name="sitemap"),
    path("opensearch.xml", feeds.opensearch, name="opensearch"),
    # The open data API (archive.api): /api/*, /export/*, /articles/<id>/cite.*, /api/schema.
    # Its routes join this list rather than a namespace of their own, so that they keep their
    # names (archive:api_search, archive:cite_bib, ...); its empty root route comes after the
    # browse page above and is never reached.
    *api.urls[0],
]
