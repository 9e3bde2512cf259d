"""The single writer: every index change goes through this outbox.

A change to an article writes an IndexTask row in the same database transaction
(so a committed change can never be forgotten), and after the commit one
process at a time, holding a file lock, drains the queue: it reindexes each
queued article from the database as it is now, or removes it if it is gone.
Whoosh has one write lock and Haystack drops updates that hit it; here no
writer ever waits on Whoosh's lock, and a saver never waits on a rebuild.

After a commit made inside a web request (archive.middleware marks requests),
the queue is drained in a background thread, so an admin save returns without
waiting for a Whoosh commit (which may merge segments). Elsewhere (commands,
shell, tests) it is drained synchronously, so the index is current on return.
Tests that save through the test client call `wait_for_background()` first.
A background drain that dies leaves its tasks queued: the next drain applies them.

Every queued change also moves the article's `updated_at`, in the same transaction: the index
stores that version with each document (archive.search.documents), so `check_index` can tell
a stale document from a current one. A process killed after its commit leaves its tasks
queued; the next process applies them on its first search (`catch_up`) or its first write.
A queue holding a large share of the archive (a killed import of a large folder) is applied
by rebuilding the index rather than article by article.
"""

from __future__ import annotations

import contextvars
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from archive.models import Article, IndexTask

log = logging.getLogger("archive.search")

DRAIN_BATCH = 500
# A queue of more distinct articles than this, and than a third of the index, is applied by a rebuild.
REBUILD_FROM = 2000

# True while a web request is being handled (set by archive.middleware).
_in_web_request: contextvars.ContextVar[bool] = contextvars.ContextVar("archive_in_web_request", default=False)
_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def lock_path() -> Path:
    return Path(settings.DATA_DIR) / "index-writer.lock"


# pg_advisory_lock key of the index writer: "arch" in ASCII.
ADVISORY_LOCK_KEY = 0x61726368


@contextmanager
def writer_lock(*, blocking: bool) -> Iterator[bool]:
    """Hold the one index-writer lock; yields False at once if not blocking and it is taken.

    With a search cluster and PostgreSQL, web hosts share no disk: the lock is then a
    PostgreSQL advisory lock, held by this thread's database session. Otherwise it is a file
    lock beside the Whoosh index.
    """
    if getattr(settings, "ARCHIVE_SEARCH_CLUSTER", None) and connections["default"].vendor == "postgresql":
        with _advisory_lock(blocking=blocking) as acquired:
            yield acquired
    else:
        with _file_lock(blocking=blocking) as acquired:
            yield acquired


@contextmanager
def _advisory_lock(*, blocking: bool) -> Iterator[bool]:
    connection = connections["default"]
    with connection.cursor() as cursor:
        if blocking:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            acquired = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            acquired = bool(cursor.fetchone()[0])
    if not acquired:
        yield False
        return
    try:
        yield True
    finally:
        # Closed meanwhile (the session's locks went with it) or still open: either way released.
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


@contextmanager
def _file_lock(*, blocking: bool) -> Iterator[bool]:
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
    # QuerySet.update: no signal, no history row; a deleted article simply has no row to touch.
    Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    record_tasks(article_ids=ids)
    connection = transaction.get_connection()
    # One drain per transaction, however many rows it saved (an inline formset saves
    # dozens of paragraphs). Callbacks of a rolled-back savepoint are dropped by
    # Django, so this never skips the drain a committed change needs.
    if not any(entry[1] is _after_commit for entry in connection.run_on_commit):
        transaction.on_commit(_after_commit)


def record_tasks(*, article_ids: list[int]) -> list[int]:
    """Write one task per article (in the caller's transaction, which has set their updated_at);
    returns the tasks' ids, in the same order. Nothing is drained: enqueue() or the caller does it."""
    tasks = IndexTask.objects.bulk_create([IndexTask(article_id=article_id) for article_id in article_ids])
    return [task.pk for task in tasks]


@contextmanager
def in_web_request() -> Iterator[None]:
    """Drain in a background thread after commits made inside this block."""
    token = _in_web_request.set(True)
    try:
        yield
    finally:
        _in_web_request.reset(token)


def _after_commit() -> None:
    if _in_web_request.get() and settings.ARCHIVE_INDEX_IN_BACKGROUND:
        drain_in_background()
    else:
        drain_safely()


def drain_safely(*, attempts: int = 3) -> bool:
    """Drain after a commit without ever failing the change that was just committed.

    A failure (say, a database busy beyond its timeout) is retried, then logged:
    the tasks stay queued and the next drain, or a rebuild, applies them.
    """
    for attempt in range(attempts):
        try:
            drain()
            return True
        except Exception:
            if attempt + 1 == attempts:
                log.exception("index update failed; its tasks stay queued for the next drain")
                return False
            time.sleep(0.05 * 2**attempt)
    return False


def drain_in_background() -> threading.Thread:
    thread = threading.Thread(target=_background_drain, name="archive-index-drain", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()
    return thread


def _background_drain() -> None:
    try:
        drain_safely()
    finally:
        connections.close_all()  # this thread's connections only
        with _threads_lock:
            _threads.discard(threading.current_thread())


def wait_for_background(*, timeout: float = 30.0) -> None:
    """Wait until the background drains started so far have finished (for tests and shutdown)."""
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout)


def pending() -> bool:
    return IndexTask.objects.exists()


def queued_articles() -> set[int]:
    """The articles with tasks waiting."""
    return set(IndexTask.objects.values_list("article_id", flat=True).distinct())


def catch_up() -> None:
    """Apply tasks a previous process left queued (it was killed, or its drain failed): once per
    process, on its first search. In a web request it runs in the background, so no visitor waits."""
    if not pending():
        return
    log.info("index tasks left queued by an earlier process: applying them")
    if _in_web_request.get() and settings.ARCHIVE_INDEX_IN_BACKGROUND:
        drain_in_background()
    else:
        drain_safely()


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
    from archive.search import indexing

    if _worth_a_rebuild():
        rebuild_locked()
    while True:
        tasks = list(IndexTask.objects.order_by("id")[:DRAIN_BATCH])
        if not tasks:
            return
        indexing.sync_articles(article_ids={task.article_id for task in tasks})
        # Delete exactly what was applied: on PostgreSQL a lower id may commit later.
        IndexTask.objects.filter(id__in=[task.id for task in tasks]).delete()


def _worth_a_rebuild() -> bool:
    from archive.search import engines

    queued = IndexTask.objects.values("article_id").distinct().count()
    if queued <= REBUILD_FROM:
        return False
    try:
        indexed = engines.get_engine().document_count() or 0
    except Exception:  # a missing or unreadable index: rebuilding is the way back anyway
        return True
    return queued * 3 > indexed


def rebuild_locked() -> int:
    """Rebuild the index from the database and drop the tasks it covered (the caller holds the
    writer lock). A task is covered when it was queued before the rebuild started reading;
    tasks queued since stay for the next drain. Returns the number of articles indexed."""
    from archive.search import indexing

    covered = list(IndexTask.objects.values_list("id", flat=True))
    count = indexing.rebuild()
    delete_tasks(task_ids=covered)
    return count


def delete_tasks(*, task_ids: list[int]) -> None:
    for start in range(0, len(task_ids), DRAIN_BATCH):
        IndexTask.objects.filter(id__in=task_ids[start : start + DRAIN_BATCH]).delete()


def apply_written_locked(*, documents: dict[int, tuple[int, dict]]) -> None:
    """Apply documents their writer built along with the tasks it queued (the caller holds the
    writer lock): {article id: (task id, document)}.

    A document goes in only while its task is the article's only one queued: a drain that has
    already applied it from the database deleted the task, and a later change queued another,
    which drain_locked() then applies from the database. Either way the database wins.
    """
    from archive.search import engines

    queued: dict[int, set[int]] = {}
    for task_id, article_id in IndexTask.objects.filter(article_id__in=documents).values_list("id", "article_id"):
        queued.setdefault(article_id, set()).add(task_id)
    current = [document for article_id, (task_id, document) in documents.items() if queued.get(article_id) == {task_id}]
    if current:
        engines.get_engine().apply(documents=current, removed_ids=[])
    delete_tasks(task_ids=[task_id for task_id, _ in documents.values()])


def clear_locked() -> None:
    """Swap an empty index in for the live one and drop the queued tasks with it (the caller holds
    the writer lock): clear_index. A rebuild (rebuild_locked) fills it from the database again."""
    from archive.search import engines

    covered = list(IndexTask.objects.values_list("id", flat=True))
    engines.get_engine().build_fresh(documents=iter(()))
    delete_tasks(task_ids=covered)
