"""Hostile scraped text and queries are rendered inert everywhere.

A page whose text carries <script>, an attribute break-out and javascript: URLs
is imported from a temporary file and shown on the article page, in search
snippets (HTML and JSON), in the admin change list and change form.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from archive.models import Article

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(document.cookie)"

HOSTILE_PAGE = f"""口罩 {SCRIPT} 标题
时间:2020-03-31 07:00:57 来源:深圳新闻网
深圳市口罩供应 {SCRIPT} 继续增加 {BREAKOUT} 市民可以预约。
Masks {BREAKOUT} are available; see <a href="{JS_URL}">here</a>.
原文链接: https://example.org/a"onmouseover="alert(1)
"""


@pytest.fixture
def hostile(tmp_path) -> Article:
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE_PAGE, encoding="utf-8")
    call_command("import_seeds", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("rebuild_index", "--noinput", stdout=io.StringIO())
    return Article.objects.get(source_file="hostile.txt")


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html.lower()
    assert "onerror=alert" not in html or "&quot;&gt;&lt;img" in html
    assert '"onmouseover="' not in html


def test_article_page_escapes_scraped_text(client, hostile):
    html = client.get(hostile.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert_inert(html)


def test_search_page_escapes_snippets_and_the_query(client, hostile):
    html = client.get("/search/", {"q": f"口罩 {SCRIPT} {BREAKOUT}"}).content.decode()
    assert "<mark>" in html  # the highlight itself is markup, around escaped text
    assert "&lt;script&gt;" in html
    assert_inert(html)


def test_api_snippets_are_escaped_html(client, hostile):
    response = client.get("/api/search", {"q": "口罩"})
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    snippets = " ".join(p["snippet"] for result in data["results"] for p in result["paragraphs"])
    assert "&lt;script&gt;" in snippets and "<script>" not in snippets
    assert "<mark>" in snippets
    # titles are data in JSON (a client escapes them); the response is JSON, never sniffed as HTML
    assert response["X-Content-Type-Options"] == "nosniff"
    assert any(SCRIPT in result["title"] for result in data["results"])


def test_original_url_with_javascript_scheme_is_never_a_link(client, hostile):
    Article.objects.filter(pk=hostile.pk).update(original_url=JS_URL)
    html = client.get(hostile.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html.lower()
    assert JS_URL in html  # shown as text, so a curator can see and fix it
    assert_inert(html)


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("http:alert(1)", ""),
        ("//evil.example.org", ""),
        ("", ""),
    ],
)
def test_link_url_only_for_http(url, link):
    assert Article(original_url=url).link_url == link


def test_original_url_from_the_page_cannot_break_out_of_the_attribute(client, hostile):
    html = client.get(hostile.get_absolute_url()).content.decode()
    assert '"onmouseover="' not in html


def test_admin_change_list_and_form_escape(client, hostile):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-for-tests-only")
    client.force_login(user)
    pages = {}
    for url in ("/admin/archive/article/", f"/admin/archive/article/{hostile.pk}/change/", "/admin/archive/paragraph/"):
        response = client.get(url)
        assert response.status_code == 200, url  # a page that fails to render is not a safe page
        pages[url] = response.content.decode()
        assert_inert(pages[url])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["/admin/archive/article/"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["/admin/archive/paragraph/"]


def test_admin_refuses_a_javascript_original_url(client, hostile):
    from django.core.exceptions import ValidationError

    hostile.original_url = JS_URL
    with pytest.raises(ValidationError):
        hostile.full_clean()
