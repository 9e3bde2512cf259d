"""Detecting a missing, corrupted or drifted search index and bringing it back to the database.

The database is the truth and the index a copy: an index failure never writes
to Article or Paragraph rows. A process checks the index lazily, on its first
search (not in AppConfig.ready(), which must not touch the database), applies
any index tasks an earlier process left queued, and a search that fails on an
index error triggers one rebuild, under the writer lock, and one retry; if that
fails too the search answers with an error message instead of a 500.

`drift()` compares the index with the database article by article (each document
carries its article's version, archive.search.documents.version), for check_index;
`repair_drift()` applies the queue and reindexes what still differs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext

from archive.search import engines, indexing, queue
from archive.search.engines.base import CORRUPT, MISSING, OK  # noqa: F401 (MISSING: callers name the states as recovery.X)

log = logging.getLogger("archive.search")

T = TypeVar("T")

EMPTY = "empty"  # no documents while the database has articles (e.g. an index directory replaced)

_checked: set[str] = set()
_checked_lock = threading.Lock()


class IndexUnavailable(Exception):
    """The index cannot be used now; the message is shown to the user."""


def index_path() -> str:
    """Where the index is, for messages: a directory, or a cluster's index."""
    return engines.get_engine().location


def diagnose() -> str:
    """OK, MISSING, CORRUPT or EMPTY, from the engine and (for EMPTY) the article count."""
    from archive.models import Article

    current = engines.get_engine()
    state = current.state()
    if state != OK:
        return state
    try:
        empty = current.document_count() == 0
    except Exception:
        return CORRUPT
    if empty and Article.objects.exists():
        return EMPTY
    return OK


def repair(*, reason: str, timeout: float | None = None) -> int:
    """Rebuild the index from the database under the writer lock, waiting at most `timeout` seconds.

    Returns the number of articles indexed. If another process rebuilt it while we waited, does nothing.
    """
    timeout = getattr(settings, "ARCHIVE_INDEX_REPAIR_TIMEOUT", 30.0) if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while True:
        with queue.writer_lock(blocking=False) as acquired:
            if acquired:
                state = diagnose()
                if state == OK and reason != "search failed":
                    return 0  # someone else repaired it meanwhile
                log.warning("search index at %s is %s: rebuilding it from the database", index_path(), reason)
                count = queue.rebuild_locked()
                queue.drain_locked()
                return count
        if time.monotonic() >= deadline:
            raise IndexUnavailable(
                gettext("The search index is being rebuilt by another process; please try again in a minute.")
            )
        time.sleep(0.2)


def check_index(*, repair_it: bool = False) -> str:
    """The index's state; with repair_it, rebuild it when it is not OK. Never writes to the database."""
    state = diagnose()
    if state != OK and repair_it:
        repair(reason=state)
        state = diagnose()
    return state


def ensure_checked() -> None:
    """Once per process and index path: detect a missing/corrupt index and rebuild it."""
    path = index_path()
    if path in _checked:
        return
    with _checked_lock:
        if path in _checked:
            return
        state = diagnose()
        if state != OK:
            repair(reason=state)
        queue.catch_up()
        _checked.add(path)


def with_recovery(run: Callable[[], T]) -> T:
    """Run a search; on an index error rebuild the index once and retry, else raise IndexUnavailable."""
    try:
        ensure_checked()
        return run()
    except (DatabaseError, IndexUnavailable):
        raise
    except Exception:  # a corrupted Whoosh index fails with many exception types (EOFError, struct.error, ...)
        log.exception("search failed on the index at %s; rebuilding it and retrying once", index_path())
    repair(reason="search failed")
    try:
        return run()
    except DatabaseError:
        raise
    except Exception as exc:
        log.exception("search failed again after rebuilding the index")
        raise IndexUnavailable(gettext("Search is unavailable right now (the index could not be read).")) from exc


# --- drift between the index and the database ----------------------------------------------------

DRIFT_SHOWN = 10  # ids named in a report
REBUILD_SHARE = 0.2  # repair by a rebuild when more than this share of the articles differ


@dataclass
class Drift:
    """How the index differs from the database, beside what the queue will change anyway."""

    articles: int  # in the database
    documents: int  # in the index
    queued: set[int] = field(default_factory=set)  # articles with tasks waiting
    missing: list[int] = field(default_factory=list)  # in the database, not in the index
    stale: list[int] = field(default_factory=list)  # indexed at another version than the database's
    extra: list[int] = field(default_factory=list)  # in the index, not in the database

    @property
    def drifted(self) -> list[int]:
        return sorted({*self.missing, *self.stale, *self.extra})

    @property
    def ok(self) -> bool:
        return not self.drifted and not self.queued and self.articles == self.documents

    def describe(self) -> str:
        parts = [f"{self.articles} articles in the database, {self.documents} in the index"]
        for name in ("missing", "stale", "extra"):
            ids = getattr(self, name)
            if ids:
                shown = ", ".join(map(str, sorted(ids)[:DRIFT_SHOWN])) + (", …" if len(ids) > DRIFT_SHOWN else "")
                parts.append(f"{len(ids)} {name} (ids {shown})")
        if self.queued:
            parts.append(f"{len(self.queued)} queued for reindexing")
        return "; ".join(parts)


def database_state() -> str:
    """What an index should hold, for a report on one that cannot be read."""
    from archive.models import Article

    queued = len(queue.queued_articles())
    return f"{Article.objects.count()} articles in the database, {queued} queued for reindexing"


def drift() -> Drift:
    """Compare every article's version in the database with the index's (read without the writer
    lock: articles changed meanwhile show up as queued, not as drift)."""
    from archive.models import Article
    from archive.search.documents import version

    engine = engines.get_engine()
    indexed = engine.indexed_versions()
    documents = engine.document_count() or 0
    versions = {pk: version(updated) for pk, updated in Article.objects.values_list("pk", "updated_at").iterator()}
    queued = queue.queued_articles()
    report = Drift(articles=len(versions), documents=documents, queued=queued)
    for pk, current in versions.items():
        if pk in queued:
            continue
        if pk not in indexed:
            report.missing.append(pk)
        elif indexed[pk] != current:
            report.stale.append(pk)
    report.extra = [pk for pk in indexed if pk not in versions and pk not in queued]
    return report


def repair_drift() -> str:
    """Apply the queue and bring the drifted articles back to the database's state (a rebuild when
    many differ or the index holds duplicates); returns what was done."""
    with queue.writer_lock(blocking=True):
        queue.drain_locked()
        found = drift()
        ids = found.drifted
        duplicates = found.documents != len(engines.get_engine().indexed_versions())
        if duplicates or len(ids) > max(queue.DRAIN_BATCH, REBUILD_SHARE * found.articles):
            count = queue.rebuild_locked()
            queue.drain_locked()
            return f"rebuilt from the database ({count} articles)"
        for start in range(0, len(ids), queue.DRAIN_BATCH):
            indexing.sync_articles(article_ids=ids[start : start + queue.DRAIN_BATCH])
    return f"reindexed {len(ids)} drifted articles"
