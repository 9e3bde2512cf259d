"""The single writer: every index change goes through this outbox.

A change to an article writes an IndexTask row in the same database transaction
(so a committed change can never be forgotten), and after the commit one
process at a time, holding a file lock, drains the queue: it reindexes each
queued article from the database as it is now, or removes it if it is gone.
Whoosh has one write lock and Haystack drops updates that hit it; here no
writer ever waits on Whoosh's lock, and a saver never waits on a rebuild.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction

from archive.models import IndexTask

log = logging.getLogger("archive.search")

# Queue draining runs synchronously after commit unless a thread is asked for.
DRAIN_BATCH = 500


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / "index-writer.lock"


@contextmanager
def writer_lock(*, blocking: bool) -> Iterator[bool]:
    """Hold the one index-writer lock; yields False at once if not blocking and it is taken."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def enqueue(*, article_ids: Iterable[int]) -> None:
    """Queue articles for reindexing; call inside the transaction that changed them."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    IndexTask.objects.bulk_create([IndexTask(article_id=article_id) for article_id in ids])
    transaction.on_commit(drain)


def pending() -> bool:
    return IndexTask.objects.exists()


def drain() -> None:
    """Apply every queued task, unless another process holds the writer lock.

    The holder re-checks the queue after releasing the lock, so a task queued
    while it was busy is never left behind.
    """
    while True:
        with writer_lock(blocking=False) as acquired:
            if not acquired:
                return
            drain_locked()
        if not pending():
            return


def drain_locked() -> None:
    """Apply queued tasks; the caller holds the writer lock."""
    from archive.search import indexer

    while True:
        tasks = list(IndexTask.objects.order_by("id")[:DRAIN_BATCH])
        if not tasks:
            return
        indexer.sync_articles(article_ids={task.article_id for task in tasks})
        # Delete exactly what was applied: on PostgreSQL a lower id may commit later.
        IndexTask.objects.filter(id__in=[task.id for task in tasks]).delete()
