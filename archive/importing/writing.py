"""Writing a batch of prepared pages: one transaction, rows created in bulk, each page all-or-nothing.

A batch is written in one transaction: its sources, articles, paragraphs, their history rows,
the articles' MinHash signatures (archive.copies groups them once the batch is written) and the
articles' index tasks, each kind in a few bulk statements. If anything in it fails,
the transaction rolls back and the batch is written again page by page, each page in its own
transaction, so a bad page fails alone and never leaves a partial article.

Inside the transaction the ladder (archive.importing.ladder) is asked again with the articles
as they are now, so a curator's edit made while the page was being parsed is not overwritten.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from archive import copies
from archive.importing.ladder import Stored, decide
from archive.importing.outcomes import FAILED, WRITTEN, FileResult
from archive.importing.prepare import Prepared, article_title
from archive.models import Article, Paragraph, Source
from archive.search import queue
from archive.text import pipeline

if TYPE_CHECKING:
    from collections.abc import Iterable

    from archive.text.pipeline import ParsedPage

log = logging.getLogger("archive.import")

# What a re-import rewrites on an existing article (it keeps its id, source_file and imported_at).
UPDATED_FIELDS = [
    "title", "source", "site", "original_url", "pub_year", "pub_month", "pub_day", "pub_year_inferred", "published_on",
    "language", "content_hash", "rules_version", "captured_at", "curated_at", "updated_at",
]  # fmt: skip


@dataclass
class Written:
    """A prepared page after the batch: its result, and for a written page its article and index task."""

    prepared: Prepared
    result: FileResult
    article: Article | None = None
    task_id: int | None = None


def stored_state(names: Iterable[str]) -> dict[str, Stored]:
    """What the database holds for these source_files (the ladder's first rungs)."""
    return {article.source_file: _stored(article) for article in Article.objects.filter(source_file__in=set(names))}


def _stored(article: Article | None) -> Stored | None:
    if article is None:
        return None
    curated = timezone.localtime(article.curated_at).strftime("%Y-%m-%d %H:%M") if article.curated_at else ""
    return Stored(
        pk=article.pk, content_hash=article.content_hash, curated=curated, rules_version=article.rules_version
    )


def write_batch(batch: list[Prepared], *, force: bool) -> list[Written]:
    """Write the batch's pages (those the workers found to write); a result for every page, in order."""
    to_write = [prepared for prepared in batch if prepared.to_write]
    done: dict[int, Written] = {}
    if to_write:
        try:
            with transaction.atomic():
                done = _write(to_write, force=force)
        except Exception:
            log.info("writing a batch of %d pages failed; writing them one by one", len(to_write), exc_info=True)
            done = {}
            for prepared in to_write:
                try:
                    with transaction.atomic():
                        done.update(_write([prepared], force=force))
                except Exception as exc:
                    log.exception("import of %s failed", prepared.item.source_file)
                    message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
                    failed = FileResult(source_file=prepared.item.source_file, outcome=FAILED, message=message)
                    done[id(prepared)] = Written(prepared, failed)
    return [done.get(id(prepared)) or Written(prepared, prepared.result) for prepared in batch]


def _write(items: list[Prepared], *, force: bool) -> dict[int, Written]:
    now = timezone.now()
    names = [prepared.item.source_file for prepared in items]
    current = {article.source_file: article for article in Article.objects.filter(source_file__in=names)}
    done: dict[int, Written] = {}
    plans: list[tuple[Prepared, FileResult, Article | None]] = []
    for prepared in items:
        name = prepared.item.source_file
        article = current.get(name)
        result = decide(
            source_file=name, digest=prepared.result.content_hash, stored=_stored(article), force=force,
            page=prepared.page,
        )  # fmt: skip
        if result.outcome in WRITTEN:
            plans.append((prepared, result, article))
        else:
            done[id(prepared)] = Written(prepared, result)
    if not plans:
        return done
    sources = sources_for(prepared.page for prepared, _, _ in plans)
    created: list[Article] = []
    changed: list[Article] = []
    for prepared, _, article in plans:
        page, name = prepared.page, prepared.item.source_file
        target = article or Article(source_file=name)
        apply_page_metadata(article=target, page=page, source=sources.get(page.source_name[:200]), fallback_title=name)
        target.content_hash = prepared.result.content_hash
        target.rules_version = pipeline.RULES_VERSION
        target.captured_at = page.captured_at
        target.curated_at = None
        target.published_on = target.full_date()
        target.updated_at = now  # bulk_update does not apply auto_now
        (changed if article else created).append(target)
    Article.objects.bulk_create(created)  # sets the pks (RETURNING on SQLite and PostgreSQL)
    Article.objects.bulk_update(changed, UPDATED_FIELDS)
    # Bulk writes send no signals: the history rows a save would have written, written in bulk.
    article_history = History(Article, when=now)
    article_history.copy(column="id", ids=[article.pk for article in created], kind="+")
    article_history.copy(column="id", ids=[article.pk for article in changed], kind="~")
    articles = list(_in_plan_order(plans, created, changed))
    paragraph_rows = ParagraphRows(when=now)
    if changed:
        paragraph_rows.replace([article.pk for article in changed])
    paragraph_rows.insert(
        [(article.pk, prepared.page) for (prepared, _, _), article in zip(plans, articles, strict=True)]
    )
    copies.store_signatures(
        signatures={
            article.pk: prepared.signature
            for (prepared, _, _), article in zip(plans, articles, strict=True)
            if prepared.signature is not None
        }
    )
    task_ids = queue.record_tasks(article_ids=[article.pk for article in articles])
    for (prepared, result, _), article, task_id in zip(plans, articles, task_ids, strict=True):
        written = FileResult(
            source_file=result.source_file, outcome=result.outcome, article_id=article.pk,
            content_hash=result.content_hash,
        )  # fmt: skip
        done[id(prepared)] = Written(prepared, written, article=article, task_id=task_id)
    return done


def _in_plan_order(plans, created: list[Article], changed: list[Article]):
    new, old = iter(created), iter(changed)
    for _, _, article in plans:
        yield next(old) if article else next(new)


class History:
    """History rows for rows written in bulk, as django-simple-history writes them for a save or a
    delete, each moved with one INSERT … SELECT from the rows as they stand.

    Tens of rows a page make the ORM's per-row work (a model instance, then each field prepared
    for the database) most of a batch's time; here no row passes through Python.
    """

    def __init__(self, model, *, when: datetime.datetime) -> None:
        self.model = model
        self.history = model.history.model
        self.date = self.history._meta.get_field("history_date").get_db_prep_save(when, connection)
        self.columns = ", ".join(connection.ops.quote_name(field.attname) for field in self.history.tracked_fields)

    def copy(self, *, column: str, ids: list[int], kind: str, reason: str | None = None) -> None:
        """A history row of `kind` ("+" created, "~" changed, "-" deleted) for each row whose `column`
        is one of `ids`."""
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(self.history)}"
                f" ({self.columns}, history_date, history_change_reason, history_type, history_user_id)"
                f" SELECT {self.columns}, %s, %s, %s, NULL FROM {_table(self.model)}"
                f" WHERE {connection.ops.quote_name(column)} IN ({marks})",
                [self.date, reason, kind, *ids],
            )


class ParagraphRows:
    """The paragraphs of a batch and their history rows, written with one statement per kind: each
    row a tuple sent with executemany, its history row moved by History."""

    def __init__(self, *, when: datetime.datetime) -> None:
        self.history = History(Paragraph, when=when)

    def replace(self, article_ids: list[int]) -> None:
        """Delete the articles' paragraphs, keeping each in its history (a "-" row, as a delete writes)."""
        self.history.copy(column="article_id", ids=article_ids, kind="-")
        marks = ", ".join(["%s"] * len(article_ids))
        with connection.cursor() as cursor:
            # No signals (each would queue its article and write another history row); translation
            # links only ever join paragraphs of one article, all deleted here together.
            cursor.execute(f"DELETE FROM {_table(Paragraph)} WHERE article_id IN ({marks})", article_ids)

    def insert(self, pages: list[tuple[int, ParsedPage]]) -> None:
        """Insert the pages' paragraphs, pair the translations, and write a "+" history row for each
        as imported (so that a curator's first edit can be reverted too)."""
        insert_paragraphs(pages)
        ids = _paragraph_ids([article_id for article_id, _ in pages])
        pairs = [
            (ids[article_id, parsed.pair_position], ids[article_id, parsed.position])
            for article_id, page in pages
            for parsed in page.paragraphs
            if parsed.pair_position is not None
        ]
        if pairs:
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {_table(Paragraph)} SET translation_id = %s WHERE id = %s", pairs)
        self.history.copy(column="article_id", ids=[article_id for article_id, _ in pages], kind="+", reason="imported")


def insert_paragraphs(pages: list[tuple[int, ParsedPage]]) -> None:
    """One row per parsed paragraph, in a single executemany."""
    fields = ["article_id", "position", "text", "language", "role", "is_boilerplate"]
    rows = [
        (article_id, p.position, p.text, p.language, p.role, p.is_boilerplate)
        for article_id, page in pages
        for p in page.paragraphs
    ]
    columns = ", ".join(map(connection.ops.quote_name, fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_table(Paragraph)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", rows
        )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _paragraph_ids(article_ids: list[int]) -> dict[tuple[int, int], int]:
    """(article id, position) → paragraph id, for the articles' paragraphs."""
    query = Paragraph.objects.filter(article_id__in=article_ids).values_list("article_id", "position", "id")
    return {(article_id, position): pk for article_id, position, pk in query}


def sources_for(pages: Iterable[ParsedPage]) -> dict[str, Source]:
    """The Source of each outlet the pages name, created when new (with the first domain seen),
    given a domain when it had none."""
    domains: dict[str, str] = {}
    for page in pages:
        if page.source_name:
            name = page.source_name[:200]
            if not domains.get(name):
                domains[name] = page.source_domain[:200]
    if not domains:
        return {}
    found = {source.name: source for source in Source.objects.filter(name__in=domains)}
    missing = [Source(name=name, domain=domain) for name, domain in domains.items() if name not in found]
    if missing:
        Source.objects.bulk_create(missing, ignore_conflicts=True)  # another import may create one meanwhile
        found.update((source.name, source) for source in Source.objects.filter(name__in=[s.name for s in missing]))
    without_domain = [source for source in found.values() if not source.domain and domains.get(source.name)]
    for source in without_domain:
        source.domain = domains[source.name]
    Source.objects.bulk_update(without_domain, ["domain"])
    return found


def apply_page_metadata(*, article: Article, page: ParsedPage, source: Source | None, fallback_title: str) -> None:
    """What the page says about the article: title, source, site, URL, date and language."""
    article.title = article_title(page, fallback=fallback_title)
    article.source = source
    article.site = page.site[:200]
    article.original_url = page.original_url
    article.pub_year = page.pub_year
    article.pub_month = page.pub_month
    article.pub_day = page.pub_day
    article.pub_year_inferred = page.pub_year_inferred
    article.language = page.language
