"""Security headers, the search rate limit and the admin login throttle."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.support.processes import own_archive_env

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
def test_search_rate_limit_answers_429_with_retry_after(client, settings, url, monkeypatch):
    from archive import security

    settings.ARCHIVE_SEARCH_RATE_LIMIT = 3
    settings.ARCHIVE_SEARCH_RATE_WINDOW = 60
    monkeypatch.setattr(security.time, "time", lambda: 1_800_000_030.0)  # mid-window: no minute turns mid-test
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


# --- limits shared by worker processes -------------------------------------------------------------

WORKER = """
import sys

import django

django.setup()
from django.test import Client

client, kind, count = Client(), sys.argv[1], int(sys.argv[2])
for _ in range(count):
    if kind == "search":
        response = client.get("/api/search", {"q": ""}, REMOTE_ADDR="203.0.113.9")
    else:
        login = {"username": "editor", "password": sys.argv[3]}
        response = client.post("/admin/login/", login, REMOTE_ADDR="198.51.100.9")
    print(response.status_code)
"""


def worker_env(tmp_path, **extra: str) -> dict[str, str]:
    return own_archive_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings", **extra)


def as_worker(env: dict[str, str], *args: str) -> list[int]:
    """One worker process's requests (a Django process of its own, as gunicorn runs each worker)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", WORKER, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [int(line) for line in done.stdout.split()]


@pytest.mark.parametrize(("cache", "shared"), [("", True), ("locmemcache://", False)])
def test_the_search_limit_counts_across_worker_processes(tmp_path, cache, shared):
    import subprocess
    import sys

    # A day-long window, so that no window ends between the two processes.
    extra = {"ARCHIVE_SEARCH_RATE_LIMIT": "4", "ARCHIVE_SEARCH_RATE_WINDOW": "86400"}
    extra.update({"DJANGO_CACHE_URL": cache} if cache else {})
    env = worker_env(tmp_path, **extra)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, timeout=120)
    assert as_worker(env, "search", "3") == [200, 200, 200]
    second = as_worker(env, "search", "3")
    # The default database cache: the second process continues the first one's count.
    # A per-process cache (locmemcache://) lets each worker allow the limit on its own.
    assert second == ([200, 429, 429] if shared else [200, 200, 200])


def test_the_login_throttle_counts_across_worker_processes(tmp_path):
    import subprocess
    import sys

    env = worker_env(tmp_path, ARCHIVE_LOGIN_MAX_FAILURES="3")
    for command in (["migrate", "-v0"], ["shell", "-c", CREATE_EDITOR]):
        subprocess.run([sys.executable, "manage.py", *command], env=env, check=True, timeout=120)
    assert as_worker(env, "login", "2", "wrong") == [200, 200]  # the form again, with its error
    assert as_worker(env, "login", "2", "wrong") == [200, 429]  # the third failure, in another process, locks
    assert as_worker(env, "login", "1", "correct horse battery") == [429]


CREATE_EDITOR = (
    "from django.contrib.auth import get_user_model; "
    "get_user_model().objects.create_superuser('editor', 'editor@example.org', 'correct horse battery')"
)
