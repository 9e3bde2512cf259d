"""Playwright against Debian's chromium and pytest-django's live server (never `playwright install`)."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

# Playwright's sync API runs its own event loop; Django would otherwise refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium and fonts-noto-cjk "
            "(apt-get install chromium fonts-noto-cjk), which .ci/run installs"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class OutsideRequests(list):
    """URLs the page tried to load from anywhere but the live server (they are aborted)."""


@pytest.fixture
def outside_requests() -> OutsideRequests:
    return OutsideRequests()


@pytest.fixture
def page(chromium, outside_requests):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    yield page
    context.close()
    assert list(outside_requests) == [], f"requests left 127.0.0.1: {outside_requests}"


@pytest.fixture
def seeded_site(transactional_db, live_server, seeds_dir):
    """The live server's URL, with the five seeds imported and indexed."""
    call_command("import_seeds", str(seeds_dir), stdout=StringIO(), stderr=StringIO())
    call_command("rebuild_index", "--noinput", stdout=StringIO())
    return live_server.url


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
