"""Many editors at once: 8 threads, 200 mixed saves and deletes; the index must end up equal to the database.

Each thread has its own database connection and its own Haystack backend; each
commit drains the queue in that thread, so writers race for the index-writer
lock the whole time (losers return at once and the holder picks their tasks up).
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, OperationalError, connections, transaction

from archive.models import Article, IndexTask, Paragraph
from archive.search import engines, queue
from archive.search.results import search_articles

THREADS = 8
OPERATIONS = 200
INITIAL_ARTICLES = 16
MAX_ATTEMPTS = 12

_LETTERS = "bcdfghjklm"  # digits spelled as consonants: one plain word, same after stemming


def unique_word(number: int) -> str:
    return "zq" + "".join(_LETTERS[int(digit)] for digit in str(number)) + "x"


class Run:
    """Shared bookkeeping of the threads: words written per article, counters."""

    def __init__(self, article_ids: list[int]) -> None:
        self.lock = threading.Lock()
        self.pool = list(article_ids)
        self.counter = itertools.count(1000)
        self.words: dict[int, set[str]] = {}  # every word ever written into an article
        self.counts = {"title": 0, "paragraph": 0, "delete": 0, "create": 0, "gone": 0}
        self.retries = 0
        self.errors: list[BaseException] = []

    def next_word(self, article_id: int | None) -> str:
        with self.lock:
            word = unique_word(next(self.counter))
            if article_id is not None:
                self.words.setdefault(article_id, set()).add(word)
            return word

    def pick(self, rng: random.Random) -> int | None:
        with self.lock:
            return rng.choice(self.pool) if self.pool else None

    def count(self, kind: str) -> None:
        with self.lock:
            self.counts[kind] += 1


def retitle(run: Run, rng: random.Random) -> str:
    article_id = run.pick(rng)
    if article_id is None:
        return "gone"
    word = run.next_word(article_id)
    with transaction.atomic():
        article = Article.objects.filter(pk=article_id).first()
        if article is None:
            return "gone"
        article.title = f"Briefing {word}"
        article.save(update_fields=["title", "updated_at"])  # raises if deleted meanwhile
    return "title"


def edit_paragraph(run: Run, rng: random.Random) -> str:
    article_id = run.pick(rng)
    if article_id is None:
        return "gone"
    word = run.next_word(article_id)
    with transaction.atomic():
        paragraphs = list(Paragraph.objects.filter(article_id=article_id).only("pk", "article_id"))
        if not paragraphs:
            return "gone"
        paragraph = rng.choice(paragraphs)
        paragraph.text = f"Measures announced today, keyword {word}."
        paragraph.save(update_fields=["text"])
    return "paragraph"


def delete(run: Run, rng: random.Random) -> str:
    with run.lock:
        if len(run.pool) <= 4:
            return "gone"
        article_id = run.pool.pop(rng.randrange(len(run.pool)))
    with transaction.atomic():
        deleted, _ = Article.objects.filter(pk=article_id).delete()  # per-object signals: queued
    return "delete" if deleted else "gone"


def create(run: Run, rng: random.Random) -> str:
    word = run.next_word(None)
    with transaction.atomic():
        article = Article.objects.create(
            title=f"New briefing {word}", source_file=f"generated/{word}.txt", content_hash=word, language="en"
        )
        Paragraph.objects.create(article=article, position=1, text=f"New briefing {word}", role="title")
        Paragraph.objects.create(article=article, position=2, text=f"Body text about {word}.", language="en")
    with run.lock:
        run.words.setdefault(article.pk, set()).add(word)
        run.pool.append(article.pk)
    return "create"


OPERATIONS_MIX = [(retitle, 35), (edit_paragraph, 35), (delete, 15), (create, 15)]


def worker(run: Run, seed: int, operations: int, start: threading.Barrier) -> None:
    rng = random.Random(seed)
    kinds = [operation for operation, _ in OPERATIONS_MIX]
    weights = [weight for _, weight in OPERATIONS_MIX]
    try:
        start.wait()
        for _ in range(operations):
            operation = rng.choices(kinds, weights)[0]
            for attempt in range(MAX_ATTEMPTS):
                try:
                    # The queue drains after the commit and never raises into the saver
                    # (queue.drain_safely): an exception here means the change did not commit.
                    outcome = operation(run, rng)
                    run.count(outcome)
                    break
                except OperationalError as exc:  # SQLite: "database is locked" / "table is locked"
                    if "locked" not in str(exc):
                        raise
                    with run.lock:
                        run.retries += 1
                    time.sleep(0.005 * 2**attempt * (1 + rng.random()))
                except DatabaseError as exc:  # save(update_fields=…) of an article deleted meanwhile
                    if "did not affect any rows" not in str(exc):
                        raise
                    run.count("gone")
                    break
            else:
                raise AssertionError(f"{operation.__name__} still locked after {MAX_ATTEMPTS} attempts")
    except BaseException as exc:
        with run.lock:
            run.errors.append(exc)
    finally:
        connections.close_all()


def indexed_article_pks() -> list[int]:
    """Every article the index holds, from the article_pk column and the stored django_id (must agree)."""
    backend = engines.whoosh_backend()
    if not backend.setup_complete:
        backend.setup()
    with backend.index.refresh().searcher() as searcher:
        reader = searcher.reader()
        column = reader.column_reader("article_pk")
        from_column = sorted(column[docnum] for docnum in reader.all_doc_ids())
        from_stored = sorted(int(fields["django_id"]) for fields in searcher.all_stored_fields())
    assert from_column == from_stored
    return from_column


def found_ids(word: str) -> set[int]:
    return {hit.article.pk for hit in search_articles(query=word, per_page=100).results}


def write_corpus(directory: Path) -> None:
    directory.mkdir()
    for number in range(INITIAL_ARTICLES):
        word = unique_word(number)
        (directory / f"{number:02d}.txt").write_text(
            f"Daily briefing number {number} {word}\n\nUpdated:2020-03-{number + 1:02d}\n\n"
            f"The city announced measures, keyword {word}.\n\n深圳市发布第{number}号通告。\n\nShare to WeChat\n",
            encoding="utf-8",
        )


@pytest.mark.django_db(transaction=True)
def test_eight_editors_at_once_leave_the_index_equal_to_the_database(tmp_path, capsys, caplog):
    write_corpus(tmp_path / "corpus")
    call_command("import_seeds", str(tmp_path / "corpus"), stdout=StringIO(), stderr=StringIO())
    initial = list(Article.objects.values_list("pk", flat=True))
    assert len(initial) == INITIAL_ARTICLES
    run = Run(initial)
    for pk, source_file in Article.objects.values_list("pk", "source_file"):
        run.words[pk] = {unique_word(int(source_file[:2]))}

    start = threading.Barrier(THREADS)
    per_thread = OPERATIONS // THREADS
    threads = [threading.Thread(target=worker, args=(run, seed, per_thread, start)) for seed in range(THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads)
    assert not run.errors, run.errors

    failed_drains = sum("stay queued" in record.getMessage() for record in caplog.records)
    left_queued = IndexTask.objects.count()
    # Drains run synchronously here: a task is left behind only by a drain that gave up (and said so).
    assert left_queued == 0 or failed_drains > 0, f"{left_queued} tasks queued, yet no drain gave up"
    queue.drain()
    assert not IndexTask.objects.exists()

    database_pks = set(Article.objects.values_list("pk", flat=True))
    indexed = indexed_article_pks()
    assert len(indexed) == len(set(indexed)), "an article is indexed twice"
    assert set(indexed) == database_pks

    # Each article's current words find it (and only it); every overwritten or deleted word finds nothing.
    # A plain query matches the paragraphs and the title; `title:` matches the title alone.
    lost = []
    current_words = 0
    for pk, words in run.words.items():
        article = Article.objects.filter(pk=pk).first()
        title, body = "", ""
        if article is not None:
            title = article.title
            body = " ".join(article.paragraphs.filter(is_boilerplate=False).values_list("text", flat=True))
        for word in words:
            in_title = {pk} if word in title.split() else set()
            in_body = {pk} if word in body.replace(".", " ").split() else set()
            current_words += bool(in_title or in_body)
            if found_ids(f"title:{word}") != in_title or found_ids(word) != in_title | in_body:
                lost.append((pk, word, in_title, in_body))
    assert not lost, f"index disagrees with the database for {len(lost)} words: {lost[:5]}"

    operations = sum(run.counts.values())
    assert operations == per_thread * THREADS
    with capsys.disabled():
        print(
            f"\nconcurrency: {THREADS} threads, {operations} operations {run.counts} in {elapsed:.1f}s; "
            f"{run.retries} retries on a locked database, {failed_drains} drains given up after commit "
            f"({left_queued} tasks left queued, applied by the final drain); "
            f"{len(database_pks)} articles, {current_words} current and "
            f"{sum(map(len, run.words.values())) - current_words} stale words checked, 0 lost updates"
        )
