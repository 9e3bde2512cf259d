"""Haystack's update_index, clear_index and rebuild_index write through the archive's writer lock
and queue, and refuse Haystack's options that mean nothing here."""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article, IndexTask, Paragraph
from archive.search import engines, queue
from tests.support.seeds import seed_numbers


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_update_index_brings_changes_made_behind_the_queue_into_the_index(seeded):
    # QuerySet.update writes no index task: only update_index can find this change.
    paragraph = Paragraph.objects.filter(article=seeded["001"], is_boilerplate=False).order_by("position").first()
    Paragraph.objects.filter(pk=paragraph.pk).update(text="Zyxwvut harbour")
    Article.objects.filter(pk=seeded["001"].pk).update(updated_at=seeded["001"].updated_at.replace(year=2030))
    seeded["004"].delete()
    IndexTask.objects.all().delete()  # the deletion's task, lost as a crash would lose it
    assert seed_numbers("Zyxwvut") == set()
    output = run("update_index")
    assert "reindexed 2 drifted articles" in output
    assert seed_numbers("Zyxwvut") == {"001"}
    assert engines.get_engine().document_count() == 4


def test_update_index_waits_for_the_writer_lock(seeded):
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with queue.writer_lock(blocking=True):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    run("update_index")
    assert time.monotonic() - started >= 0.9
    holder.join()


def test_clear_index_empties_the_index_and_rebuild_index_refills_it(seeded):
    queue.record_tasks(article_ids=[seeded["000"].pk])
    output = run("clear_index", "--noinput")
    assert "Cleared the search index" in output
    assert engines.get_engine().document_count() == 0
    assert not IndexTask.objects.exists()  # a queued task would put back one article of an empty index
    assert Article.objects.count() == 5
    assert "Indexed 5 articles" in run("rebuild_index", "--noinput")
    assert seed_numbers("复工复产") == {"000", "002", "003"}


def test_clear_index_asks_first(seeded, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="nothing removed"):
        run("clear_index")
    assert engines.get_engine().document_count() == 5


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["update_index", "--age", "24"], "update_index --age"),
        (["update_index", "--workers", "4"], "update_index --workers"),
        (["update_index", "--nocommit"], "update_index --nocommit"),
        (["update_index", "otherapp"], "update_index otherapp"),
        (["rebuild_index", "--noinput", "--batch-size", "10"], "rebuild_index --batch-size"),
        (["clear_index", "--noinput", "--using", "other"], "clear_index --using"),
    ],
)
def test_haystack_options_that_mean_nothing_here_are_refused_by_name(db, args, named):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert named in str(raised.value)
    assert "Supported: rebuild_index [--noinput]; update_index [archive] [--remove]" in str(raised.value)
