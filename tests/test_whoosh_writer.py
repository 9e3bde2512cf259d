"""archive.search.engines.whoosh.writing writes the index Whoosh's own writer writes: the same terms, postings,
statistics and columns, whether its documents fit one segment or fill several, whether its postings
come from text or from older segments merged in; and every search reads it as before."""

from __future__ import annotations

import datetime
import pickle
import random
import zlib
from pathlib import Path

import numpy as np
import pytest
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import FileStorage

from archive.search.documents import article_document, index_fields
from archive.search.engines.whoosh import writing as whoosh_writing
from archive.search.engines.whoosh.backend import build_archive_schema
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


def new_index(directory: Path, schema=None):
    directory.mkdir()
    return FileStorage(str(directory)).create_index(schema or build_archive_schema())


def build(directory: Path, docs: list[dict], *, stock: bool, limitmb: int = 64, processes: int = 1):
    index = new_index(directory)
    writer = index.writer() if stock else whoosh_writing.BulkWriter(index, limitmb=limitmb, processes=processes)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
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
                found = postings(reader, fieldname, term)
                segment_stats[(fieldname, term)] = (
                    info.weight(),
                    info.doc_frequency(),
                    info.min_length(),
                    info.max_length(),
                    info.max_weight(),
                    (info.min_id(), info.max_id()) == (found[0][0], found[-1][0]),
                )
                terms.setdefault((fieldname, term), []).extend(
                    (pks[doc], weight, value) for doc, weight, value, _ in found
                )
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


def without_stats(found: dict) -> dict:
    return {key: value for key, value in found.items() if key != "stats"}


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return documents(120)


@pytest.fixture(scope="module")
def stock(docs, tmp_path_factory) -> dict:
    return contents(build(tmp_path_factory.mktemp("stock") / "index", docs, stock=True))


def test_the_same_index_as_whooshs_writer(tmp_path, docs, stock):
    ours = contents(build(tmp_path / "ours", docs, stock=False))
    assert stock["count"] == ours["count"] == len(docs)
    assert len(stock["terms"]) > 10_000  # real text: n-grams by the thousand
    assert ours == stock


def test_a_full_pool_starts_another_segment(tmp_path, docs, stock):
    index = build(tmp_path / "ours", docs, stock=False, limitmb=1)
    assert len(index._segments()) > 2  # 120 real pages are several MB of tokens
    ours = contents(index)
    assert len(ours["stats"]) == len(index._segments())  # each segment's term statistics are its own
    assert without_stats(ours) == without_stats(stock)


def test_a_field_built_a_range_of_terms_at_a_time_gives_the_same_index(tmp_path, docs, stock, monkeypatch):
    monkeypatch.setattr(whoosh_writing, "_PART_TOKENS", 2000)  # these pages' fields in tens of parts
    writer_pool = whoosh_writing.Pool()
    for doc in docs:
        writer_pool.add_tokens("chars", 0, doc["chars"])
    assert len(writer_pool.parts("chars")) > 5
    assert contents(build(tmp_path / "ours", docs, stock=False)) == stock


@pytest.mark.parametrize("limitmb", [64, 1])
def test_fields_encoded_in_forked_processes_give_the_same_index(tmp_path, docs, stock, monkeypatch, limitmb):
    monkeypatch.setattr(whoosh_writing, "_PARALLEL_FROM", 0)  # these few pages would be encoded in-process
    monkeypatch.setattr(whoosh_writing, "_CHUNK_POSTINGS", 2000)  # and a field in one chunk
    index = build(tmp_path / "ours", docs, stock=False, limitmb=limitmb, processes=2)
    ours = contents(index)
    assert (len(index._segments()) > 2) == (limitmb == 1)
    assert without_stats(ours) == without_stats(stock)
    if limitmb == 64:
        assert ours == stock


def test_older_segments_merged_in_are_written_the_same(tmp_path, docs, stock):
    index = new_index(tmp_path / "ours")
    for part, optimize in ((docs[:50], False), (docs[50:], True)):
        writer = whoosh_writing.BulkWriter(index)
        for doc in part:
            writer.add_document(**doc)
        writer.commit(optimize=optimize)  # the second merges the first's segment into its own
    index = whoosh_index.open_dir(str(tmp_path / "ours"))
    assert len(index._segments()) == 1
    assert contents(index) == stock


def test_a_cancelled_writer_leaves_no_closed_segment_behind(tmp_path, docs):
    index = new_index(tmp_path / "ours")
    writer = whoosh_writing.BulkWriter(index, limitmb=1)
    for doc in docs:
        writer.add_document(**doc)
    closed = [name for segment in writer.written for name in segment.list_files(index.storage)]
    assert closed  # segments the writer had closed before the cancel
    writer.cancel()
    assert not set(closed) & set(index.storage.list())
    assert whoosh_index.open_dir(str(tmp_path / "ours")).doc_count() == 0


@pytest.mark.parametrize(
    "positions",
    [
        [0],
        [5, 9],
        [255, 256],
        [0, 65535, 65536, 2**31 - 1],
        list(range(0, 3000, 3)),  # more than pickle's batch of 1,000 list items
        list(range(1000)),
        list(range(1001)),
    ],
)
def test_positions_are_encoded_as_whoosh_encodes_them(positions):
    encoded = formats.Positions().encode(positions)
    deltas = np.diff(positions, prepend=0)
    assert whoosh_writing.positions_values(deltas, np.array([len(positions)])).data.tobytes() == encoded
    pickled = whoosh_writing.positions_values(deltas, np.array([len(positions)]), pickled=True).data.tobytes()
    assert pickle.loads(b"\x80\x02" + pickled + b".") == encoded


def test_colliding_keys_are_all_found(tmp_path):
    """Keys whose hashes share a bucket and its last slot: linear probing wraps to the table's start."""
    prefix = b"\x00\x00"  # the first field's number
    rng = random.Random(7)
    colliding = []
    while len(colliding) < 6:
        term = rng.randbytes(6).hex().encode()
        hashed = zlib.crc32(prefix + term)
        if hashed & 255 == 0 and (hashed >> 8) % 12 == 11:  # bucket 0; 6 keys, so 12 slots
            colliding.append(term)
    others = [term for n in range(60) if zlib.crc32(prefix + (term := f"other{n}".encode())) & 255]
    terms = sorted(colliding) + others
    index = new_index(tmp_path / "ours", Schema(tag=ID(stored=True)))
    writer = whoosh_writing.BulkWriter(index)
    for term in terms:
        writer.add_document(tag=term.decode())
    writer.commit()
    with whoosh_index.open_dir(str(tmp_path / "ours")).searcher() as searcher:
        reader = searcher.reader()
        assert [reader.doc_frequency("tag", term) for term in terms] == [1] * len(terms)
        assert [searcher.document(tag=term.decode())["tag"] for term in terms] == [t.decode() for t in terms]
        assert sorted(term for _, term in reader.all_terms()) == sorted(terms)


def test_segment_names_do_not_follow_the_global_random():
    names = set()
    for _ in range(3):
        random.seed(0)  # as hypothesis does before each example
        names.add(whoosh_writing.random_name(16))
    assert len(names) == 3
