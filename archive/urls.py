from django.contrib.sitemaps.views import sitemap
from django.urls import path

from archive import api, exports, feeds, views

app_name = "archive"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("search/", views.search_page, name="search"),
    path("api/search", views.api_search, name="api_search"),
    # Open data: API, schema and docs, exports, feeds, citations, sitemap, OpenSearch.
    path("api/articles", api.articles, name="api_articles"),
    path("api/articles/<int:pk>", api.article, name="api_article"),
    path("api/schema", api.openapi_schema, name="api_schema"),
    path("api/docs", api.docs, name="api_docs"),
    path("export/articles.csv", exports.articles_csv, name="export_articles_csv"),
    path("export/articles.jsonl", exports.articles_jsonl, name="export_articles_jsonl"),
    path("export/search.csv", exports.search_csv, name="export_search_csv"),
    path("export/search.jsonl", exports.search_jsonl, name="export_search_jsonl"),
    path("export/timeline.csv", exports.timeline_csv, name="export_timeline_csv"),
    path("feeds/new.atom", feeds.NewArticlesFeed(), name="feed_new"),
    path("feeds/search.atom", feeds.SearchFeed(), name="feed_search"),
    path("articles/<int:pk>/cite.txt", api.cite_txt, name="cite_txt"),
    path("articles/<int:pk>/cite.bib", api.cite_bib, name="cite_bib"),
    path("articles/<int:pk>/cite.json", api.cite_json, name="cite_json"),
    path("sitemap.xml", sitemap, {"sitemaps": feeds.SITEMAPS}, name="sitemap"),
    path("opensearch.xml", feeds.opensearch, name="opensearch"),
]
