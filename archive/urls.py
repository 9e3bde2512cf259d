from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("search/", views.search_page, name="search"),
    path("api/search", views.api_search, name="api_search"),
]
