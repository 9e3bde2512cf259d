"""A Haystack Whoosh backend for pre-tokenised fields, written through one writer.

Haystack's stock Whoosh backend analyses text with an English stemmer, stores
every field and writes through an AsyncWriter that drops updates when Whoosh's
lock is taken. Here the schema is ours (see ArticleIndex), nothing big is
stored, and every write happens under archive.search.queue's writer lock.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier
from whoosh import index as whoosh_index
from whoosh.codec.base import FieldWriter
from whoosh.fields import ID as WhooshID
from whoosh.fields import NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from archive.search.analysis import pretokenised_analyzer

log = logging.getLogger("archive.search")

TEXT_FIELDS = ("text", "chars", "title_words", "title_chars", "pinyin")
GRAM_FIELDS = ("grams", "title_grams")  # frequencies only: never used in phrases
KEYWORD_FIELDS = ("language", "month")


def term_fields(field: str) -> tuple[str, str, str]:
    """The words, chars and grams fields a query term of this field ("" or "title") looks in."""
    if field == "title":
        return "title_words", "title_chars", "title_grams"
    return "text", "chars", "grams"


# updated_at: the article's version (archive.search.documents.version), for check_index.
NUMERIC_FIELDS = ("article_pk", "source_pk", "published_sort", "updated_at")


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
        # Columns (sortable) let a search read these for every match without stored fields.
        fields[name] = NUMERIC(numtype=int, bits=64, stored=False, sortable=True, signed=False)
    return Schema(**fields)


class ArchiveWhooshBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        return "text", build_archive_schema()

    # --- writing: callers hold archive.search.queue.writer_lock -------------------------

    def apply(self, *, documents: Iterable[dict], removed_ids: Iterable[str]) -> None:
        """Add or replace documents and remove others, in one Whoosh commit."""
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        writer = self.index.writer(timeout=30.0)
        try:
            for identifier in removed_ids:
                writer.delete_by_term(ID, identifier)
            for document in documents:
                writer.update_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def update(self, index, iterable, commit=True):
        documents = [index.full_prepare(obj) for obj in iterable]
        self.apply(documents=documents, removed_ids=[])

    def remove(self, obj_or_string, commit=True):
        self.apply(documents=[], removed_ids=[get_identifier(obj_or_string)])

    # --- whole-index operations -----------------------------------------------------------

    def build_fresh(self, *, documents: Iterable[dict], processes: int = 1) -> None:
        """Write a complete new index beside the live one, then swap it in.

        Searches keep using the old index until the swap; the caller holds the writer lock.
        """
        live = Path(self.path)
        fresh = live.with_name(live.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        new_index = FileStorage(str(fresh)).create_index(build_archive_schema())
        if processes > 1:  # each writer process leaves its own segment
            writer = new_index.writer(procs=processes, limitmb=settings.ARCHIVE_INDEX_WRITER_MB, multisegment=True)
        else:
            writer = new_index.writer(limitmb=2 * settings.ARCHIVE_INDEX_WRITER_MB)
        try:
            for document in documents:
                writer.add_document(**document)
        except BaseException:
            writer.cancel()
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        writer.commit()
        old = live.with_name(live.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if live.exists():
            os.rename(live, old)
        os.rename(fresh, live)
        shutil.rmtree(old, ignore_errors=True)
        self.setup_complete = False
        self.setup()

    def is_healthy(self) -> bool:
        """True when the index opens and its schema is ours."""
        try:
            if not whoosh_index.exists_in(self.path):
                return False
            opened = whoosh_index.open_dir(self.path)
            with opened.searcher() as searcher:
                searcher.doc_count()
            return set(opened.schema.names()) == set(build_archive_schema().names())
        except Exception:  # any corruption shows up as some Whoosh or OS error
            log.exception("search index at %s cannot be opened", self.path)
            return False


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend


class _MemoLengths:
    """A segment's field lengths, read once per document and field instead of once per posting."""

    def __init__(self, lengths) -> None:
        self._lengths = lengths
        self._memo: dict[tuple[int, str], int] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        key = (docnum, fieldname)
        if key not in self._memo:
            self._memo[key] = self._lengths.doc_field_length(docnum, fieldname, default)
        return self._memo[key]


def _memoise_lengths_when_writing() -> None:
    # Whoosh's writer looks up a document's field length from disk for every
    # posting it writes (a third of a commit's time); memoise the look-up.
    original = FieldWriter.add_postings
    if getattr(original, "memoised", False):
        return

    def add_postings(self, schema, lengths, items):
        return original(self, schema, _MemoLengths(lengths) if lengths else lengths, items)

    add_postings.memoised = True
    FieldWriter.add_postings = add_postings


_memoise_lengths_when_writing()
