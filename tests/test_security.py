"""Security headers, the search rate limit and the admin login throttle (issue 7)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@pytest.mark.parametrize("url", ["/api/search?q=口罩", "/admin/login/", "/no-such-page/"])
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    assert response["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/api/search", "/search/"])
def test_search_rate_limit_answers_429_with_retry_after(client, settings, url):
    settings.ARCHIVE_SEARCH_RATE_LIMIT = 3
    settings.ARCHIVE_SEARCH_RATE_WINDOW = 60
    statuses = [client.get(url, {"q": ""}, REMOTE_ADDR="203.0.113.7").status_code for _ in range(5)]
    assert 429 not in statuses[:3]
    assert statuses[3:] == [429, 429]
    refused = client.get(url, {"q": ""}, REMOTE_ADDR="203.0.113.7")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many searches" in refused.content.decode()
    # another client is not affected, nor are other pages
    assert client.get(url, {"q": ""}, REMOTE_ADDR="203.0.113.8").status_code != 429
    assert client.get("/admin/login/", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_rate_limit_zero_turns_it_off(client, settings):
    settings.ARCHIVE_SEARCH_RATE_LIMIT = 0
    assert all(client.get("/api/search", {"q": ""}).status_code == 200 for _ in range(100))


def test_api_rate_limit_answer_is_json(client, settings):
    settings.ARCHIVE_SEARCH_RATE_LIMIT = 1
    client.get("/api/search", {"q": ""})
    refused = client.get("/api/search", {"q": ""})
    assert refused.status_code == 429
    assert "Too many searches" in refused.json()["error"]


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("editor", "editor@example.org", "correct horse battery")


def login(client, username: str, password: str, ip: str = "198.51.100.1"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_admin_login_locked_after_five_failures(client, admin_user, settings):
    settings.ARCHIVE_LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        assert login(client, "editor", "wrong").status_code == 200  # the form again, with its error
    locked = login(client, "editor", "correct horse battery")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.ARCHIVE_LOGIN_LOCKOUT_SECONDS
    assert "Too many failed logins" in locked.content.decode()
    # case and spaces do not make a new account name
    assert login(client, " EDITOR ", "correct horse battery").status_code == 429
    # the same account from another address is not locked
    assert login(client, "editor", "correct horse battery", ip="198.51.100.2").status_code == 302


def test_successful_login_resets_the_count(client, admin_user):
    for _ in range(4):
        login(client, "editor", "wrong")
    assert login(client, "editor", "correct horse battery").status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "editor", "wrong")
    assert login(client, "editor", "correct horse battery").status_code == 302


def test_lock_expires(client, admin_user, settings):
    from django.core.cache import cache

    for _ in range(5):
        login(client, "editor", "wrong")
    assert login(client, "editor", "correct horse battery").status_code == 429
    cache.clear()  # what the lockout timeout does after ARCHIVE_LOGIN_LOCKOUT_SECONDS
    assert login(client, "editor", "correct horse battery").status_code == 302
