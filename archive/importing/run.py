"""An import run: stream the items, prepare them in workers, write them in batches, index each batch.

    files / records (discovery, records) ─▶ workers: read, hash, decide, parse, tokenise (prepare)
        ─▶ batches of ARCHIVE_IMPORT_BATCH pages: one transaction each (writing) ─▶ the report
        ─▶ near-duplicate groups of the batch's articles (archive.copies)
        ─▶ the index: one apply per batch, or a fresh index swapped in when the import outgrows it

Nothing holds the whole folder: files are walked lazily, at most a few chunks per worker are in
flight, and a batch is forgotten once written (the report keeps counts and what it prints).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from django.conf import settings

from archive import copies
from archive.cores import usable_cores
from archive.dating import infer_years_from_neighbours
from archive.importing.discovery import check_paths, iter_files, relative_name
from archive.importing.items import Item
from archive.importing.outcomes import CONFLICT, FAILED, SKIPPED, FileResult, ImportRefused, ImportReport
from archive.importing.prepare import Options, Prepared, prepare_many
from archive.importing.records import RECORD_ERRORS, read_records
from archive.importing.workers import Workers
from archive.importing.writing import Written, stored_state, write_batch
from archive.models import Article
from archive.search import engines, indexing, queue
from archive.search.indexing import document_of
from archive.text.decode import DecodeError
from archive.text.formats import is_multi_record

log = logging.getLogger("archive.import")

CHUNK = 64  # items per worker task
POOL_FROM = 2 * CHUNK  # items: fewer are prepared in this process (starting workers costs more)
# An import expected to write at least this many batches' pages, and more than the index holds,
# builds a fresh index instead of adding to the live one batch by batch.
FRESH_FROM_BATCHES = 2


class Progress(Protocol):
    def advance(self, pages: int) -> None: ...

    def note(self, text: str) -> None: ...


def import_paths(
    *,
    paths: list[Path],
    root: Path | None = None,
    dry_run: bool = False,
    force: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    expected: int = 0,
    keep_results: bool = True,
) -> ImportReport:
    """Import files and directories; each page all-or-nothing, so a failure loses only that page.

    `root` overrides the import root (by default the directory given, or a file's parent).
    `force` re-imports files whose content is unchanged, and overwrites articles a curator has
    edited in the admin since their import (otherwise a conflict). `workers`: processes that
    parse (default: one per core; none for a small import). `expected`: the number of files,
    if known, to choose between adding to the index and building a fresh one early.
    """
    check_paths(paths)
    return _run(
        items(paths=paths, root=root, max_bytes=settings.ARCHIVE_MAX_IMPORT_BYTES),
        dry_run=dry_run, force=force, workers=workers, progress=progress, expected=expected,
        keep_results=keep_results,
    )  # fmt: skip


def import_file(*, path: Path, source_file: str, dry_run: bool = False, force: bool = False) -> FileResult:
    """Import one file as one article (created, updated in place, or left alone)."""
    report = _run(iter([Item(source_file=source_file, kind=Item.FILE, path=str(path))]), dry_run=dry_run,
                  force=force, workers=1)  # fmt: skip
    return report.results[0]


def items(*, paths: Iterable[Path], root: Path | None, max_bytes: int) -> Iterator[Item]:
    """Every page to import, in path order: a file, or each record of a WARC or JSON Lines file."""
    for path, file_root in iter_files(paths):
        name = relative_name(path=path, root=root or file_root)
        if is_multi_record(path.name):
            yield from _records(path=path, source_file=name, max_bytes=max_bytes)
        else:
            yield Item(source_file=name, kind=Item.FILE, path=str(path))


def _records(*, path: Path, source_file: str, max_bytes: int) -> Iterator[Item]:
    read = 0
    try:
        for item in read_records(path=path, source_file=source_file, max_bytes=max_bytes):
            read += 1
            yield item
    except (*RECORD_ERRORS, DecodeError) as exc:
        read += 1
        yield Item(source_file=source_file, kind=Item.REFUSED, message=str(exc))
    except OSError as exc:
        read += 1
        yield Item(source_file=source_file, kind=Item.REFUSED, message=f"cannot read: {exc}")
    except Exception as exc:  # a corrupt archive: the records read so far stay imported
        log.exception("reading %s failed", source_file)
        message = f"unreadable after {read} records: {type(exc).__name__}: {exc}".replace("\n", " ")
        read += 1
        yield Item(source_file=source_file, kind=Item.REFUSED, message=message)
    if not read:
        yield Item(source_file=source_file, kind=Item.NOTHING, message="no pages in this file, skipped")


def _run(
    stream: Iterator[Item],
    *,
    dry_run: bool,
    force: bool,
    workers: int | None = None,
    progress: Progress | None = None,
    expected: int = 0,
    keep_results: bool = True,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run, keep_results=keep_results)
    options = Options(force=force, max_bytes=settings.ARCHIVE_MAX_IMPORT_BYTES, tokenise=not dry_run)
    first = list(itertools.islice(stream, POOL_FROM))
    stream = itertools.chain(first, stream)
    processes = workers or (usable_cores() if len(first) == POOL_FROM else 1)
    if not dry_run:
        queue.drain()  # tasks an earlier process left queued: this is a writer too
    batch = settings.ARCHIVE_IMPORT_BATCH
    with Workers(processes) as pool:
        chunks = pool.map(functools.partial(prepare_many, options=options), _with_stored_state(stream))
        prepared = (each for chunk in chunks for each in chunk)
        batches = _batches(prepared, size=batch)
        written = _write(batches, report=report, force=force, dry_run=dry_run, progress=progress)
        if dry_run:
            for _ in written:
                pass
        else:
            fresh_from = FRESH_FROM_BATCHES * batch
            undated: list[int] = []
            written = _noting_undated(written, undated)
            written = _grouping(written, copies.Grouping())
            _index(written, expected=expected, fresh_from=fresh_from, progress=progress)
            if infer_years_from_neighbours(article_ids=undated):
                queue.drain()  # the saves queued their articles
    return report


def _noting_undated(batches: Iterator[list[Written]], undated: list[int]) -> Iterator[list[Written]]:
    """Pass the batches on, noting the articles written with a month but no year (and a source): once
    the run is written, the dated pages imported with them may give them one (archive.dating)."""
    for batch in batches:
        undated.extend(
            each.article.pk
            for each in batch
            if each.article is not None
            and each.article.pub_year is None
            and each.article.pub_month
            and each.article.source_id is not None
        )
        yield batch


def _grouping(batches: Iterator[list[Written]], grouping: copies.Grouping) -> Iterator[list[Written]]:
    """Pass the batches on, once their articles are grouped with the copies they are of."""
    for batch in batches:
        grouping.apply(article_ids=[each.article.pk for each in batch if each.article is not None])
        yield batch


def _with_stored_state(stream: Iterator[Item]) -> Iterator[list[Item]]:
    """Chunks of items, each told what the database holds for its source_file (one query a chunk)."""
    while chunk := list(itertools.islice(stream, CHUNK)):
        stored = stored_state(item.source_file for item in chunk)
        for item in chunk:
            item.stored = stored.get(item.source_file)
        yield chunk


def _batches(prepared: Iterator[Prepared], *, size: int) -> Iterator[list[Prepared]]:
    """`size` pages at a time; a source_file seen twice (the same folder given twice) starts a new
    batch, so the second sees what the first wrote."""
    batch: list[Prepared] = []
    names: set[str] = set()
    for each in prepared:
        name = each.item.source_file
        if len(batch) >= size or name in names:
            yield batch
            batch, names = [], set()
        batch.append(each)
        names.add(name)
    if batch:
        yield batch


def _write(
    batches: Iterator[list[Prepared]], *, report: ImportReport, force: bool, dry_run: bool, progress: Progress | None
) -> Iterator[list[Written]]:
    """Write each batch (nothing in a dry run), report its results in order, and pass it on."""
    unwritten_hashes: dict[str, str] = {}  # content hash → first file with it this run not yet in the database
    for batch in batches:
        stored_hashes = _stored_names_by_hash(batch)
        written = [Written(each, each.result) for each in batch] if dry_run else write_batch(batch, force=force)
        for each in written:
            result = each.result
            if each.prepared.item.kind == Item.FILE and result.outcome not in (FAILED, SKIPPED, CONFLICT):
                digest, name = result.content_hash, result.source_file
                others = [other for other in stored_hashes.get(digest, ()) if other != name]
                duplicate_of = unwritten_hashes.get(digest) or (others[0] if others else "")
                if duplicate_of and duplicate_of != name:
                    result = dataclasses.replace(result, duplicate_of=duplicate_of)
                unwritten_hashes.setdefault(digest, name)
            report.add(result)
        if not dry_run:
            unwritten_hashes.clear()  # written now: the database answers for them
        if progress is not None:
            progress.advance(len(batch))
        yield written


def _stored_names_by_hash(batch: list[Prepared]) -> dict[str, list[str]]:
    """The files already in the database with a content hash of the batch (byte-identical twins)."""
    digests = {each.result.content_hash for each in batch if each.result.content_hash}
    names: dict[str, list[str]] = {}
    query = Article.objects.filter(content_hash__in=digests).order_by("source_file")
    for name, digest in query.values_list("source_file", "content_hash"):
        names.setdefault(digest, []).append(name)
    return names


# --- the index -------------------------------------------------------------------------------------


def document(written: Written) -> dict:
    """The index document of a page just written: its tokens from the worker, the rest from the row."""
    return document_of(written.article, fields=written.prepared.fields)


def _index(batches: Iterator[list[Written]], *, expected: int, fresh_from: int, progress: Progress | None) -> None:
    """Keep the index in step with the batches: one apply (one commit) per batch, or, once the
    import is seen to outgrow the index, a fresh index fed with the rest and swapped in."""
    indexed = _indexed_documents()
    seen = written = 0
    for batch in batches:
        seen += len(batch)
        written += sum(each.article is not None for each in batch)
        projected = written * max(expected, seen) / seen
        if projected >= fresh_from and projected > indexed:
            _build_fresh(itertools.chain([batch], batches), progress=progress)
            return
        _apply(batch)


def _indexed_documents() -> int:
    try:
        return engines.get_engine().document_count() or 0
    except Exception:  # missing or unreadable: a fresh index is what it needs
        return 0


def _apply(batch: list[Written]) -> None:
    documents = {each.article.pk: (each.task_id, document(each)) for each in batch if each.article is not None}
    if not documents:
        return
    with queue.writer_lock(blocking=True):
        queue.apply_written_locked(documents=documents)
        queue.drain_locked()
    if queue.pending():  # queued by another process while we held the lock
        queue.drain()


def _build_fresh(batches: Iterator[list[Written]], *, progress: Progress | None) -> None:
    """One new index: this import's documents as its batches are written, then every other article
    from the database; swapped in at the end, when the import's tasks are done with."""
    included: set[int] = set()
    task_ids: list[int] = []

    def documents() -> Iterator[dict]:
        for batch in batches:
            for each in batch:
                if each.article is not None:
                    included.add(each.article.pk)
                    task_ids.append(each.task_id)
                    yield document(each)
        if progress is not None:
            progress.note("indexing")
        yield from indexing.all_documents(skip=included)

    with queue.writer_lock(blocking=True):
        engines.get_engine().build_fresh(documents=documents())
        queue.delete_tasks(task_ids=task_ids)
        queue.drain_locked()  # changes made meanwhile by others, from the database
    if queue.pending():
        queue.drain()


__all__ = ["ImportRefused", "import_file", "import_paths", "items"]
