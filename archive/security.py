"""Security middleware: a Content-Security-Policy, a per-IP rate limit on search, and a throttle on
failed admin logins. Counters live in Django's cache (CACHES["default"]), which every worker
process shares: the database cache by default (settings.py), so `gunicorn -w 4` allows what one
process would. Django's database cache increments by reading then writing: two requests at the
very same moment can count once, never more; memcached or Redis (DJANGO_CACHE_URL) count exactly.
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

log = logging.getLogger("archive.security")


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a proxy, the last address the proxy appended to X-Forwarded-For."""
    if getattr(settings, "ARCHIVE_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64] or "unknown"


class ContentSecurityPolicyMiddleware:
    """Adds settings.ARCHIVE_CSP (no inline scripts) to every response that has none."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "ARCHIVE_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class SearchRateLimitMiddleware:
    """At most ARCHIVE_SEARCH_RATE_LIMIT search requests per client IP per window (0 turns it off)."""

    PATHS = ("archive:search", "archive:api_search")

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self._paths: frozenset[str] | None = None

    def limited_paths(self) -> frozenset[str]:
        if self._paths is None:
            self._paths = frozenset(reverse(name) for name in self.PATHS)
        return self._paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = getattr(settings, "ARCHIVE_SEARCH_RATE_LIMIT", 0)
        if limit > 0 and request.path in self.limited_paths():
            window = max(1, getattr(settings, "ARCHIVE_SEARCH_RATE_WINDOW", 60))
            now = time.time()
            slot = int(now // window)
            key = f"archive:rate:{client_ip(request)}:{slot}"
            cache.add(key, 0, timeout=window + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window + 1)
                count = 1
            if count > limit:
                retry_after = max(1, math.ceil((slot + 1) * window - now))
                return too_many(
                    request,
                    f"Too many searches from your address: at most {limit} every {window} seconds. "
                    f"Try again in {retry_after} seconds.",
                    retry_after=retry_after,
                )
        return self.get_response(request)


def too_many(request: HttpRequest, message: str, *, retry_after: int) -> HttpResponse:
    from django.http import JsonResponse

    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


# --- admin login throttle ---------------------------------------------------------------


def _login_key(ip: str, username: str) -> str:
    import hashlib

    digest = hashlib.sha256(f"{ip}\x00{username.strip().lower()}".encode("utf-8", "replace")).hexdigest()
    return f"archive:login-failures:{digest}"


def login_locked(ip: str, username: str) -> bool:
    return cache.get(_login_key(ip, username), 0) >= settings.ARCHIVE_LOGIN_MAX_FAILURES


@receiver(user_login_failed)
def count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is None:
        return
    username = str(credentials.get("username", ""))
    key = _login_key(client_ip(request), username)
    lockout = settings.ARCHIVE_LOGIN_LOCKOUT_SECONDS
    if cache.add(key, 1, timeout=lockout):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=lockout)
            count = 1
        cache.touch(key, timeout=lockout)  # the lock lasts from the latest failure
    if count >= settings.ARCHIVE_LOGIN_MAX_FAILURES:
        log.warning("admin login locked for %s from %s after %d failures", username[:150], client_ip(request), count)


@receiver(user_logged_in)
def clear_login_failures(sender, request=None, user=None, **kwargs) -> None:
    if request is not None and user is not None:
        cache.delete(_login_key(client_ip(request), user.get_username()))


class AdminLoginThrottleMiddleware:
    """Refuses admin login attempts (429) for an IP + username after too many failures."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path == reverse("admin:login"):
            username = request.POST.get("username", "")
            if login_locked(client_ip(request), username):
                minutes = math.ceil(settings.ARCHIVE_LOGIN_LOCKOUT_SECONDS / 60)
                return too_many(
                    request,
                    f"Too many failed logins for this account from your address. Try again in {minutes} minutes.",
                    retry_after=settings.ARCHIVE_LOGIN_LOCKOUT_SECONDS,
                )
        return self.get_response(request)
