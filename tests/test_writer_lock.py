"""The one index writer: a file lock beside a local index, a PostgreSQL advisory lock for a cluster."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from archive.search import queue

CLUSTER = {"URL": "elasticsearch://127.0.0.1:9", "INDEX": "archive"}


def taken_elsewhere() -> bool:
    """Whether another thread (another database session) finds the writer lock taken."""
    result = {}

    def attempt() -> None:
        try:
            with queue.writer_lock(blocking=False) as acquired:
                result["taken"] = not acquired
        finally:
            connections.close_all()

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(timeout=30)
    return result["taken"]


@pytest.mark.django_db(transaction=True)
def test_the_local_index_is_guarded_by_a_file_lock(settings):
    settings.ARCHIVE_SEARCH_CLUSTER = None
    with queue.writer_lock(blocking=True) as held:
        assert held and taken_elsewhere()
        assert queue.lock_path().exists()
    assert not taken_elsewhere()


@pytest.mark.django_db(transaction=True)
def test_with_a_cluster_on_postgresql_hosts_share_an_advisory_lock(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; .ci/run runs this file on PostgreSQL too")
    settings.ARCHIVE_SEARCH_CLUSTER = CLUSTER
    with queue.writer_lock(blocking=True) as held:
        assert held and taken_elsewhere()
        # No file: a second web host would not see it.
        assert not queue.lock_path().exists()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s", [queue.ADVISORY_LOCK_KEY]
            )
            assert cursor.fetchone()[0] == 1
    assert not taken_elsewhere()
