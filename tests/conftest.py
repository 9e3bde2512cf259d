"""Shared fixtures: every test gets its own data directory and search index."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from haystack import connections

from tests.support.seeds import SEEDS_DIR, import_and_index


@pytest.fixture(autouse=True)
def isolated_data_dir(settings, tmp_path: Path):
    """A fresh ARCHIVE_DATA_DIR (index and writer lock) per test, as django-haystack's own tests do.

    A folder of its own beside tmp_path, so that a test importing tmp_path does not import the index."""
    data_dir = tmp_path.with_name(tmp_path.name + "-archive-data")
    data_dir.mkdir()
    settings.DATA_DIR = data_dir
    settings.ARCHIVE_SEARCH_RATE_LIMIT = 0  # tests/test_security.py turns it on where it is tested
    # A background index thread could outlive its test and meet the next test's
    # database flush; tests that check background draining turn it on themselves.
    settings.ARCHIVE_INDEX_IN_BACKGROUND = False
    # Rate-limit and login-throttle counters: in this process's memory, so that tests without the
    # database run too (production shares the database cache; test_security runs it in two processes).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    index_dir = str(data_dir / "whoosh_index")
    previous = connections.connections_info["default"]["PATH"]
    connections.connections_info["default"]["PATH"] = index_dir
    cluster = settings.ARCHIVE_SEARCH_CLUSTER
    if cluster:  # SEARCH_URL names a real cluster: an index of its own per test, deleted after it
        settings.ARCHIVE_SEARCH_CLUSTER = {**cluster, "INDEX": f"{cluster['INDEX']}-test-{uuid.uuid4().hex[:12]}"}
    yield data_dir
    connections.connections_info["default"]["PATH"] = previous
    if cluster and settings.ARCHIVE_SEARCH_CLUSTER and settings.ARCHIVE_SEARCH_CLUSTER["URL"] == cluster["URL"]:
        from archive.search import engines

        engine = engines.get_engine()
        engine.cluster.delete_indices(names=engine.cluster.alias_targets(alias=engine.index))


@pytest.fixture
def curator(db, client):
    """A client logged in as a superuser (client.user)."""
    from django.contrib.auth.models import User

    user = User.objects.create_superuser("curator", "curator@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture
def seeded(db, seeds_dir) -> dict:
    """The five seed articles imported and indexed, keyed by their file number ("000" … "004")."""
    from archive.models import Article

    import_and_index(seeds_dir)
    return {article.source_file[:3]: article for article in Article.objects.all()}


def pytest_report_header(config) -> str:
    from django.conf import settings

    return f"archive database: {settings.DATABASES['default']['ENGINE']}"
