"""archive.search.whoosh_writing writes the index Whoosh's own writer writes: the same terms, postings,
statistics and columns, whether its postings stay in memory, spill to run files, or come from
several writer processes; and every search reads it as before."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from whoosh import fields as whoosh_fields
from whoosh import index as whoosh_index
from whoosh.codec import base as whoosh_codec_base
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage

from archive.search import whoosh_writing
from archive.search.backend import build_archive_schema
from archive.search.documents import article_document, index_fields
from archive.search.fields import NUMERIC_FIELDS
from tests.support import realtext

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def documents(count: int) -> list[dict]:
    """Real pages' documents, as the importer makes them."""
    found = []
    for pk, page in enumerate(realtext.pages(count=count), start=1):
        paragraphs = [(line.text, page.language, line.role == realtext.BOILERPLATE) for line in page.lines]
        found.append(
            article_document(
                pk=pk, language=page.language, source_pk=pk % 7, pub_year=page.year, pub_month=page.month,
                pub_day=page.day, updated_at=_when(pk),
                fields=index_fields(title=page.title, title_language=page.language, paragraphs=paragraphs),
            )
        )  # fmt: skip
    return found


def _when(pk: int) -> datetime.datetime:
    return datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC) + datetime.timedelta(seconds=pk)


def build(directory: Path, docs: list[dict], *, stock: bool, monkeypatch=None, procs: int = 1, limitmb: int = 64):
    directory.mkdir()
    index = FileStorage(str(directory)).create_index(build_archive_schema())
    if stock:
        monkeypatch.setattr(whoosh_fields.FieldType, "index", whoosh_writing._stock_index)
        monkeypatch.setattr(whoosh3.W3FieldWriter, "add_postings", whoosh_codec_base.FieldWriter.add_postings)
        writer = index.writer(limitmb=limitmb)
    elif procs > 1:
        writer = index.writer(procs=procs, multisegment=True, poolclass=whoosh_writing.CompactPool, limitmb=limitmb)
    else:
        writer = index.writer(poolclass=whoosh_writing.CompactPool, limitmb=limitmb)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    if stock:
        monkeypatch.undo()
    return whoosh_index.open_dir(str(directory))


def postings(reader, fieldname: str, term: bytes) -> list[tuple]:
    matcher = reader.postings(fieldname, term)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value(), matcher.block_max_weight()))
        matcher.next()
    return found


def contents(index) -> dict:
    """Everything a search can read of an index, by article pk rather than document number; term
    statistics per segment (with one segment, they are the index's)."""
    with index.searcher() as searcher:
        terms: dict = {}
        stats: list[dict] = []
        columns: dict = {name: [] for name in NUMERIC_FIELDS}
        lengths: dict = {name: [] for name in ("text", "chars", "grams", "title_words", "pinyin")}
        for reader, _ in searcher.reader().leaf_readers():
            pks = list(reader.column_reader("article_pk"))
            segment_stats = {}
            for fieldname, term in reader.all_terms():
                info = reader.term_info(fieldname, term)
                segment_stats[(fieldname, term)] = (
                    info.weight(),
                    info.doc_frequency(),
                    info.min_length(),
                    info.max_length(),
                    info.max_weight(),
                )
                found = terms.setdefault((fieldname, term), [])
                found += [(pks[doc], weight, value) for doc, weight, value, _ in postings(reader, fieldname, term)]
            stats.append(segment_stats)
            for name in NUMERIC_FIELDS:
                columns[name] += zip(pks, reader.column_reader(name), strict=True)
            for name in lengths:
                lengths[name] += [
                    (pks[doc], reader.doc_field_length(doc, name)) for doc in range(reader.doc_count_all())
                ]
        return {
            "terms": {key: sorted(found) for key, found in terms.items()},
            "stats": stats,
            "columns": {name: sorted(values) for name, values in columns.items()},
            "lengths": {name: sorted(values) for name, values in lengths.items()},
            "count": searcher.doc_count(),
        }


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return documents(120)


def test_the_same_index_as_whooshs_writer(tmp_path, monkeypatch, docs):
    stock = contents(build(tmp_path / "stock", docs, stock=True, monkeypatch=monkeypatch))
    ours = contents(build(tmp_path / "ours", docs, stock=False))
    assert stock["count"] == ours["count"] == len(docs)
    assert len(stock["terms"]) > 10_000  # real text: n-grams by the thousand
    assert ours == stock


def test_spilled_runs_merge_into_the_same_index(tmp_path, monkeypatch, docs):
    stock = contents(build(tmp_path / "stock", docs, stock=True, monkeypatch=monkeypatch))
    pools = []
    original = whoosh_writing.CompactPool.save

    def counting_save(self):
        pools.append(self)
        original(self)

    monkeypatch.setattr(whoosh_writing.CompactPool, "save", counting_save)
    index = build(tmp_path / "ours", docs, stock=False, limitmb=1)
    assert len(pools) > 2  # 120 real pages are several MB of postings: runs were written and merged
    assert contents(index) == stock


def test_writer_processes_leave_segments_that_read_the_same(tmp_path, monkeypatch, docs):
    stock = contents(build(tmp_path / "stock", docs, stock=True, monkeypatch=monkeypatch))
    index = build(tmp_path / "ours", docs, stock=False, procs=2)
    assert len(index._segments()) == 2
    ours = contents(index)
    assert len(ours["stats"]) == 2  # each segment's term statistics are its own
    assert {key: value for key, value in ours.items() if key != "stats"} == {
        key: value for key, value in stock.items() if key != "stats"
    }


def test_segment_names_do_not_follow_the_global_random(tmp_path):
    import random

    names = set()
    for _ in range(3):
        random.seed(0)  # as hypothesis does before each example
        names.add(whoosh_writing.random_name(16))
    assert len(names) == 3
