"""A Haystack Whoosh backend for pre-tokenised fields, written through one writer.

Haystack's stock Whoosh backend analyses text with an English stemmer, stores
every field and writes through an AsyncWriter that drops updates when Whoosh's
lock is taken. Here the schema is ours (see ArticleIndex), nothing big is
stored, every write happens under archive.search.queue's writer lock, and
segments are written by archive.search.engines.whoosh.writing. This backend only writes:
SearchQuerySet is answered by archive.search.haystack_api.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from haystack.backends.whoosh_backend import WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier
from whoosh import columns
from whoosh import index as whoosh_index
from whoosh.fields import COLUMN, TEXT, Schema
from whoosh.fields import ID as WhooshID
from whoosh.filedb.filestore import FileStorage

from archive.cores import usable_cores
from archive.search.analysis import INDEX_FORMAT, pretokenised_analyzer
from archive.search.engines.whoosh import writing as whoosh_writing
from archive.search.fields import GRAM_FIELDS, KEYWORD_FIELDS, NUMERIC_FIELDS, TEXT_FIELDS

log = logging.getLogger("archive.search")


def build_archive_schema() -> Schema:
    analyzer = pretokenised_analyzer()
    fields = {
        ID: WhooshID(stored=True, unique=True),
        DJANGO_CT: WhooshID(stored=True),
        DJANGO_ID: WhooshID(stored=True),
    }
    for name in TEXT_FIELDS:
        fields[name] = TEXT(analyzer=analyzer, phrase=True, stored=False)
    for name in GRAM_FIELDS:
        fields[name] = TEXT(analyzer=analyzer, phrase=False, stored=False)
    for name in KEYWORD_FIELDS:
        fields[name] = WhooshID(stored=False, sortable=True)
    for name in NUMERIC_FIELDS:
        # Only ever read as columns (pks for results, sorting, filters, facets, versions): no terms.
        # A NUMERIC field would also index 16 terms per value, most of them unique to one article.
        fields[name] = COLUMN(columns.NumericColumn("q", default=0))
    return Schema(**fields)


FORMAT_FILE = "ARCHIVE_FORMAT"  # holds analysis.INDEX_FORMAT: the version of the tokens inside


def _write_format(directory: Path) -> None:
    (directory / FORMAT_FILE).write_text(f"{INDEX_FORMAT}\n", encoding="ascii")


def index_format(directory: Path) -> int | None:
    try:
        return int((directory / FORMAT_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _abandon(writer) -> None:
    """Cancel a writer that failed, even half-way through its commit: Whoosh's lock must go."""
    try:
        writer.cancel()
    except Exception:
        if getattr(writer, "writelock", None) is not None:
            writer.writelock.release()


def _writer(index, **kwargs) -> whoosh_writing.BulkWriter:
    # A segment's fields are encoded at its flush in one process per core.
    limit = settings.ARCHIVE_INDEX_WRITER_MB
    return whoosh_writing.BulkWriter(index, limitmb=limit, processes=usable_cores(), **kwargs)


class ArchiveWhooshBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        return "text", build_archive_schema()

    def setup(self):
        super().setup()
        # A new, empty index (Haystack creates one on first use) is of today's format.
        if index_format(Path(self.path)) is None and self.index.is_empty():
            _write_format(Path(self.path))

    # --- writing: callers hold archive.search.queue.writer_lock -------------------------

    def apply(self, *, documents: Iterable[dict], removed_ids: Iterable[str]) -> None:
        """Add or replace documents and remove others, in one Whoosh commit."""
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        writer = _writer(self.index, timeout=30.0)
        try:
            for identifier in removed_ids:
                writer.delete_by_term(ID, identifier)
            for document in documents:
                writer.update_document(**document)
            writer.commit()
        except BaseException:
            _abandon(writer)
            raise

    def update(self, index, iterable, commit=True):
        documents = [index.full_prepare(obj) for obj in iterable]
        self.apply(documents=documents, removed_ids=[])

    def remove(self, obj_or_string, commit=True):
        self.apply(documents=[], removed_ids=[get_identifier(obj_or_string)])

    def search(self, query_string, **kwargs):
        # Haystack's query-string search would miss our pre-tokenised fields (Chinese above all).
        raise NotImplementedError(
            "ArchiveWhooshBackend only writes; search with SearchQuerySet (archive.search.haystack_api)"
        )

    def more_like_this(self, model_instance, additional_query_string=None, **kwargs):
        raise NotImplementedError("more_like_this() is not supported by the archive's search")

    # --- whole-index operations -----------------------------------------------------------

    def build_fresh(self, *, documents: Iterable[dict]) -> None:
        """Write a complete new index beside the live one, then swap it in.

        Searches keep using the old index until the swap; the caller holds the writer lock. A
        large index is written as several segments (whoosh_writing.BulkWriter), memory bounded.
        """
        live = Path(self.path)
        fresh = live.with_name(live.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        new_index = FileStorage(str(fresh)).create_index(build_archive_schema())
        writer = _writer(new_index)
        try:
            for document in documents:
                writer.add_document(**document)
            writer.commit()
            _write_format(fresh)
        except BaseException:
            _abandon(writer)
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        old = live.with_name(live.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if live.exists():
            os.rename(live, old)
        # A crash here leaves .old and a complete .new: finish_interrupted_swap() completes it.
        os.rename(fresh, live)
        shutil.rmtree(old, ignore_errors=True)
        self.setup_complete = False
        self.setup()

    def finish_interrupted_swap(self) -> bool:
        """Complete a build_fresh() killed between its two renames (the live index moved aside, the
        new one, already committed, not yet in place). True when it did."""
        live = Path(self.path)
        fresh, old = live.with_name(live.name + ".new"), live.with_name(live.name + ".old")
        if live.exists() or not (old.exists() and whoosh_index.exists_in(str(fresh))):
            return False
        os.rename(fresh, live)
        shutil.rmtree(old, ignore_errors=True)
        log.warning("search index at %s: completed a rebuild's swap that a crash had interrupted", live)
        return True

    def is_healthy(self) -> bool:
        """True when the index opens, its schema is ours and its tokens are of today's format."""
        try:
            self.finish_interrupted_swap()
            if not whoosh_index.exists_in(self.path) or index_format(Path(self.path)) != INDEX_FORMAT:
                return False
            opened = whoosh_index.open_dir(self.path)
            with opened.searcher() as searcher:
                searcher.doc_count()
            return set(opened.schema.names()) == set(build_archive_schema().names())
        except Exception:  # any corruption shows up as some Whoosh or OS error
            log.exception("search index at %s cannot be opened", self.path)
            return False


whoosh_writing.install()
