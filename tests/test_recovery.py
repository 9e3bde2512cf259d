"""A missing or corrupted index is detected and rebuilt from the database, which is never touched."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from archive.models import Article, Paragraph, Source
from archive.search import recovery
from archive.search.engines.whoosh import WhooshEngine
from archive.search.results import search_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db, seeds_dir):
    call_command("import_seeds", str(seeds_dir), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("rebuild_index", "--noinput", stdout=io.StringIO())
    recovery._checked.clear()


def counts() -> tuple[int, int, int]:
    return Article.objects.count(), Paragraph.objects.count(), Source.objects.count()


def index_dir() -> Path:
    return Path(recovery.index_path())


def found(query: str) -> set[str]:
    page = search_articles(query=query, per_page=100)
    assert not page.error, page.error
    return {hit.article.source_file[:3] for hit in page.results}


def garble_segments() -> None:
    for path in index_dir().iterdir():
        if path.suffix in (".seg", ".trm", ".pst", ".toc") or path.name.startswith("_"):
            size = max(path.stat().st_size, 64)
            path.write_bytes(b"\x00garbage\xff" * (size // 10 + 1))


def delete_toc() -> None:
    for toc in index_dir().glob("*.toc"):
        toc.unlink()


@pytest.mark.parametrize(
    "damage",
    [garble_segments, delete_toc, lambda: shutil.rmtree(index_dir())],
    ids=["garbage-in-segments", "toc-deleted", "directory-deleted"],
)
def test_damaged_index_is_rebuilt_on_the_next_search(seeded, caplog, damage):
    assert found("口罩") == {"002", "003"}  # a snapshot of the index is now open
    before = counts()
    damage()
    recovery._checked.clear()  # a new process
    with caplog.at_level("WARNING", logger="archive.search"):
        assert found("口罩") == {"002", "003"}
    assert "rebuilding it from the database" in caplog.text
    assert counts() == before
    assert recovery.diagnose() == recovery.OK


def test_index_breaking_under_a_running_process_is_rebuilt_and_retried(seeded, caplog):
    assert found("口罩") == {"002", "003"}
    before = counts()
    shutil.rmtree(index_dir())  # the process has checked already: the failure shows up in the search itself
    with caplog.at_level("WARNING", logger="archive.search"):
        assert found("复工复产") == {"000", "002", "003"}
    assert "rebuilding it and retrying once" in caplog.text
    assert counts() == before


def test_search_answers_with_an_error_when_the_rebuild_cannot_help(seeded, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(WhooshEngine, "ranked", broken)
    before = counts()
    page = search_articles(query="口罩")
    assert page.error.startswith("Search is unavailable")
    assert page.results == [] and page.count == 0
    assert counts() == before


def test_api_answers_200_with_the_error_not_500(seeded, client, monkeypatch):
    monkeypatch.setattr(WhooshEngine, "ranked", lambda *a, **k: (_ for _ in ()).throw(EOFError("truncated")))
    response = client.get("/api/search", {"q": "口罩"})
    assert response.status_code == 200
    assert response.json()["error"].startswith("Search is unavailable")


def test_rebuild_waits_for_the_writer_lock_with_a_timeout(seeded):
    from archive.search import queue

    shutil.rmtree(index_dir())
    with queue.writer_lock(blocking=True), pytest.raises(recovery.IndexUnavailable):
        recovery.repair(reason=recovery.MISSING, timeout=0.5)


def test_an_empty_index_while_the_database_has_articles_is_rebuilt(seeded):
    from archive.search import engines

    engines.whoosh_backend().build_fresh(documents=[])
    assert recovery.diagnose() == recovery.EMPTY
    assert recovery.check_index(repair_it=True) == recovery.OK
    assert found("口罩") == {"002", "003"}


def run_check(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_index", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue()


def test_check_index_command(seeded):
    assert run_check() == (0, f"search index at {index_dir()}: ok (5 articles in the database, 5 in the index)\n")
    before = counts()
    delete_toc()
    code, out = run_check()
    assert code == 1 and "missing" in out and "--repair" in out
    code, out = run_check("--repair")
    assert code == 0 and "rebuilt from the database (5 articles), now ok" in out
    assert counts() == before


def test_check_index_names_queued_tasks_and_drift_and_repair_applies_them(seeded):
    from archive.models import IndexTask
    from archive.search import queue

    article = Article.objects.get(source_file__startswith="004")
    # What a process killed after its commit leaves: the change and its task, not yet applied.
    Article.objects.filter(pk=article.pk).update(title="赛格广场通告", updated_at=timezone.now())
    queue.record_tasks(article_ids=[article.pk])
    # And a change nothing queued (a restore from an older backup of the index, say).
    other = Article.objects.get(source_file__startswith="001")
    Article.objects.filter(pk=other.pk).update(updated_at=timezone.now())
    code, out = run_check()
    assert code == 1
    assert f"1 stale (ids {other.pk})" in out and "1 queued for reindexing" in out
    code, out = run_check("--repair")
    assert code == 0 and "reindexed 1 drifted articles, now ok" in out
    assert not IndexTask.objects.exists()
    assert found("赛格广场") == {"004"}
    assert run_check()[0] == 0


def test_a_new_process_applies_what_a_killed_one_left_queued(seeded):
    from archive.models import IndexTask
    from archive.search import queue

    article = Article.objects.get(source_file__startswith="004")
    Article.objects.filter(pk=article.pk).update(title="赛格广场通告", updated_at=timezone.now())
    queue.record_tasks(article_ids=[article.pk])
    recovery._checked.clear()  # a new process: its first search catches up
    assert found("赛格广场") == {"004"}
    assert not IndexTask.objects.exists()
