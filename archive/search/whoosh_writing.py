"""Writing Whoosh segments fast: the one module that reaches into Whoosh's writing internals.

Whoosh's writer spends most of an import in pure Python, per posting and per term: every
posting becomes a tuple in a pool that is sorted as a whole, then each term's postings are
written through several layers of method calls (pickle, zlib, a hash-table entry). The
archive's fields are pre-tokenised (archive.search.analysis) and most of their terms are
character n-grams found in one or two documents, so a commit costs ~30 µs per term and a
real-text import spent most of its time there.

Four replacements, each producing an index that Whoosh's own readers read unchanged (and
two fixes: `random_name`, and writer processes that end with their parent):

- `fast_index`: a field's (term, frequency, weight, encoded positions) for our
  PretokenisedTokenizer fields, without Whoosh's per-token generator layers;
- SegmentWriter.add_document handing each field's postings to the pool at once;
- `CompactPool`: postings kept per field in arrays (term number, document, weight, value
  bytes) instead of one tuple each, sorted once per term with numpy, spilled to run files
  past `limitmb` and merged term by term, so memory stays bounded whatever the segment size;
- `add_postings`: the W3 codec's term and block writing, inlined for the common case.

The bytes written are the W3 codec's (WHOOSH3 blocks, W3TermInfo, OrderedHashWriter), except
that blocks under 512 bytes are not zlib-compressed (Whoosh meant to skip small ones too: each
block records its compression level, and its reader honours it). On 3,500 real pages that
takes a tenth off a commit for a 4% larger index. tests/test_whoosh_writing.py
builds the same documents with Whoosh's stock writer and with these, and compares every
term's postings and statistics.

Whoosh-Reloaded is pinned exactly (pyproject.toml, requirements.lock) because of this module.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import heapq
import os
import pickle
import secrets
import struct
import tempfile
import zlib
from array import array
from collections.abc import Iterator

import numpy as np
from whoosh import fields as whoosh_fields
from whoosh import formats
from whoosh import multiproc as whoosh_multiproc
from whoosh import util as whoosh_util
from whoosh import writing as whoosh_writing
from whoosh.codec import base as whoosh_codec_base
from whoosh.codec import whoosh3
from whoosh.filedb import compound as whoosh_compound
from whoosh.filedb import filestore as whoosh_filestore
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length, length_to_byte

from archive.orphans import die_with_parent
from archive.search.analysis import PretokenisedTokenizer

_UINT = struct.Struct("!I")
_INT = struct.Struct("!i")
_LONG = struct.Struct("!q")
_USHORT = struct.Struct("!H")
_HASH_LENGTHS = struct.Struct("!ii")  # filetables: key length, value length
_TERMINFO = whoosh3.W3TermInfo._struct
_MAGIC = whoosh3.WHOOSH3_HEADER_MAGIC
_MIN_COMPRESSED = 512  # bytes: below, zlib costs more time than it saves space (~4% larger index)
_POSTING_BYTES = 24  # estimated memory per posting in a CompactPool, beside its value bytes
_TERM_BYTES = 160  # and per distinct term (a dict entry and its key)
_CHUNK_POSTINGS = 1 << 16

_stock_index = whoosh_fields.FieldType.index


def fast_index(self, value, **kwargs):
    """FieldType.index for pre-tokenised text: (term bytes, frequency, weight, value bytes) per term.

    Same tuples as Whoosh's Positions/Frequency word_values over our tokenizer, whose
    tokens (and their positions, paragraph gaps included) are taken from the tokenizer itself.
    """
    fmt = self.format
    analyzer = self.analyzer
    kind = type(fmt)
    if not isinstance(analyzer, PretokenisedTokenizer) or kind not in (formats.Positions, formats.Frequency):
        return _stock_index(self, value, **kwargs)
    boost = fmt.field_boost
    pack = _UINT.pack
    if kind is formats.Frequency:
        counts: dict[str, int] = {}
        for token in analyzer(value):
            counts[token.text] = counts.get(token.text, 0) + 1
        return [(text.encode("utf-8"), n, n * boost, pack(n)) for text, n in counts.items()]
    positions: dict[str, list[int]] = {}
    for token in analyzer(value, positions=True):
        found = positions.get(token.text)
        if found is None:
            positions[token.text] = [token.pos]
        else:
            found.append(token.pos)
    postings = []
    dumps = pickle.dumps
    for text, poslist in positions.items():
        n = len(poslist)
        deltas = poslist if n == 1 else [poslist[0], *(poslist[i] - poslist[i - 1] for i in range(1, n))]
        postings.append((text.encode("utf-8"), n, n * boost, pack(n) + dumps(deltas, 2)))
    return postings


# --- the pool -------------------------------------------------------------------------------


class _FieldPostings:
    """One field's postings, in the order added: term number, document, weight, value bytes.

    Values of a fixed size (a frequency's four bytes) are kept back to back and come out joined,
    as a W3 block stores them; others are kept back to back with their end offsets.
    """

    __slots__ = ("docs", "fixed_size", "term_ids", "terms", "value_ends", "values", "weights")

    def __init__(self, fixed_size: int | None) -> None:
        self.fixed_size = fixed_size if fixed_size and fixed_size > 0 else None
        self.terms: dict[bytes, int] = {}
        self.term_ids = array("I")
        self.docs = array("I")
        self.weights = array("f")
        self.values = bytearray()
        self.value_ends = array("Q")

    def add(self, docnum: int, items) -> int:
        """Add one document's postings, (term, frequency, weight, value) each; returns their bytes."""
        terms, term_ids, values = self.terms, self.term_ids, self.values
        size = 0
        for term, _, weight, value in items:
            term_id = terms.get(term)
            if term_id is None:
                term_id = terms[term] = len(terms)
                size += _TERM_BYTES + len(term)
            term_ids.append(term_id)
            self.weights.append(weight)
            if value:
                values += value
                size += len(value)
            if self.fixed_size is None:
                self.value_ends.append(len(values))
        count = len(term_ids) - len(self.docs)
        self.docs.extend([docnum] * count)
        return size + count * _POSTING_BYTES

    def sorted_terms(self) -> Iterator[tuple[bytes, list[int], list[float], list[bytes] | bytes]]:
        """(term, documents, weights, values) per term, terms in byte order, documents ascending."""
        if not self.docs:
            return
        names = sorted(self.terms)
        rank = np.empty(len(names), dtype=np.int64)
        rank[[self.terms[name] for name in names]] = np.arange(len(names))
        term_rank = rank[np.frombuffer(self.term_ids, dtype=np.uint32)]
        docs = np.frombuffer(self.docs, dtype=np.uint32)
        order = np.lexsort((docs, term_rank))
        sorted_rank = term_rank[order].tolist()
        starts = np.concatenate(([0], np.flatnonzero(np.diff(term_rank[order])) + 1, [len(order)])).tolist()
        weights = np.frombuffer(self.weights, dtype=np.float32)
        blob = bytes(self.values)
        fixed = self.fixed_size
        if fixed:
            rows = np.frombuffer(blob, dtype=np.uint8).reshape(-1, fixed)
        else:
            ends = np.frombuffer(self.value_ends, dtype=np.uint64)
            begins = np.concatenate((np.zeros(1, dtype=np.uint64), ends[:-1]))
        # Converted to Python objects a slice of terms at a time, so memory stays near the arrays'.
        term, terms = 0, len(starts) - 1
        while term < terms:
            last = max(bisect.bisect_right(starts, starts[term] + _CHUNK_POSTINGS) - 1, term + 1)
            first_posting = starts[term]
            chunk = order[first_posting : starts[last]]
            doc_list = docs[chunk].tolist()
            weight_list = weights[chunk].tolist()
            if fixed:
                joined = rows[chunk].tobytes()
            else:
                begin_list, end_list = begins[chunk].tolist(), ends[chunk].tolist()
                value_list = [blob[begin:end] for begin, end in zip(begin_list, end_list, strict=True)]
            for index in range(term, last):
                start, stop = starts[index] - first_posting, starts[index + 1] - first_posting
                yield (
                    names[sorted_rank[starts[index]]],
                    doc_list[start:stop],
                    weight_list[start:stop],
                    joined[start * fixed : stop * fixed] if fixed else value_list[start:stop],
                )
            term = last


def _values_of(values: list[bytes] | bytes, count: int) -> list[bytes]:
    """One value per posting, whether kept apart or joined (fixed size)."""
    if isinstance(values, bytes):
        size = len(values) // count if count else 0
        return [values[i * size : (i + 1) * size] for i in range(count)]
    return values


class GroupedPostings:
    """What CompactPool.iter_postings returns: postings grouped per term for `add_postings`,
    and, for any other consumer, Whoosh's (field, term, document, weight, value) tuples."""

    def __init__(self, groups: Iterator[tuple[str, bytes, list[int], list[float], list[bytes] | bytes]]) -> None:
        self.groups = groups

    def __iter__(self):
        for fieldname, term, docs, weights, values in self.groups:
            for doc, weight, value in zip(docs, weights, _values_of(values, len(docs)), strict=True):
                yield fieldname, term, doc, weight, value


class CompactPool:
    """A Whoosh posting pool (SegmentWriter's `poolclass`) holding postings in arrays.

    Past `limitmb` the postings so far are written, sorted by term, to a run file; at the end
    the runs and what is left in memory are merged term by term (documents only grow, so a
    term's postings from successive runs simply follow each other).
    """

    def __init__(self, tempstore, segment, limitmb: int = 128, fixed_sizes: dict[str, int] | None = None) -> None:
        self.limit = limitmb * 1024 * 1024
        self.fixed_sizes = fixed_sizes or {}
        self.fieldnames: set[str] = set()
        self._fields: dict[str, _FieldPostings] = {}
        self._size = 0
        self._runs: list[str] = []
        self._tempdir = getattr(tempstore, "folder", None)

    def _field(self, fieldname: str) -> _FieldPostings:
        postings = self._fields.get(fieldname)
        if postings is None:
            postings = self._fields[fieldname] = _FieldPostings(self.fixed_sizes.get(fieldname))
            self.fieldnames.add(fieldname)
        return postings

    def add(self, item) -> None:
        """Whoosh's pool interface: one posting, (field, term, document, weight, value)."""
        fieldname, term, docnum, weight, value = item
        self.add_document_field(fieldname, docnum, ((term, 0, weight, value),))

    def add_document_field(self, fieldname: str, docnum: int, items) -> None:
        """All of one document's postings in one field, (term, frequency, weight, value) each."""
        self._size += self._field(fieldname).add(docnum, items)
        if self._size > self.limit:
            self.save()

    def _groups_in_memory(self) -> Iterator[tuple[str, bytes, list[int], list[float], list[bytes]]]:
        for fieldname in sorted(self._fields):
            for term, docs, weights, values in self._fields[fieldname].sorted_terms():
                yield fieldname, term, docs, weights, values

    def save(self) -> None:
        """Spill the postings held in memory to a run file."""
        if not self._fields:
            return
        handle, path = tempfile.mkstemp(suffix=".run", dir=self._tempdir)
        with os.fdopen(handle, "wb") as stream:
            for group in self._groups_in_memory():
                pickle.dump(group, stream, pickle.HIGHEST_PROTOCOL)
        self._runs.append(path)
        self._fields = {}
        self._size = 0

    def iter_postings(self) -> GroupedPostings:
        if not self._runs:
            return GroupedPostings(self._groups_in_memory())
        self.save()
        return GroupedPostings(self._merged_runs())

    def _merged_runs(self) -> Iterator[tuple[str, bytes, list[int], list[float], list[bytes]]]:
        def read(run: int, path: str):
            with open(path, "rb") as stream:
                while True:
                    try:
                        fieldname, term, docs, weights, values = pickle.load(stream)
                    except EOFError:
                        return
                    yield (fieldname, term), run, docs, weights, values

        current = None
        merged: list = []
        for key, _, docs, weights, values in heapq.merge(*(read(i, p) for i, p in enumerate(self._runs))):
            if key != current:
                if current is not None:
                    yield (*current, *merged)
                current, merged = key, [docs, weights, values]
            else:
                merged[0] += docs
                merged[1] += weights
                merged[2] = merged[2] + values
        if current is not None:
            yield (*current, *merged)

    def cleanup(self) -> None:
        for path in self._runs:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        self._runs = []
        self._fields = {}


# --- writing terms --------------------------------------------------------------------------


def add_postings(self, schema, lengths, items) -> None:
    """W3FieldWriter.add_postings for CompactPool's grouped postings (others: Whoosh's own).

    Writes what W3PostingsWriter and OrderedHashWriter.add write, term by term, with the file
    offsets counted here instead of asked of the files.
    """
    if not isinstance(items, GroupedPostings):
        return whoosh_codec_base.FieldWriter.add_postings(self, schema, lengths, items)
    if tindex_hashtype(self._tindex) != 0:
        raise ValueError("the term index is not MD5-hashed")
    fieldmap = self._fieldmap
    blocklimit = self._codec._blocklimit
    compression = self._codec._compression
    post_write = self._postfile.raw_file().write
    post_offset = self._postfile.tell()
    tindex = self._tindex
    buckets = tindex.buckets
    key_positions = tindex.index
    term_write = tindex.dbfile.raw_file().write
    term_offset = tindex.dbfile.tell()
    dumps = pickle.dumps
    md5 = hashlib.md5
    int_pack, terminfo_pack, lengths_pack, long_pack = _INT.pack, _TERMINFO.pack, _HASH_LENGTHS.pack, _LONG.pack
    length_byte = _LengthBytes()
    last_key = tindex.lastkey
    fieldname_now = None
    field_prefix = b""
    fixed_size = None
    field_lengths: list[int] = []
    for fieldname, term, docs, weights, values in items.groups:
        if fieldname != fieldname_now:
            if fieldname not in fieldmap:
                fieldmap[fieldname] = len(fieldmap)
            field_prefix = _USHORT.pack(fieldmap[fieldname])
            fixed_size = schema[fieldname].format.fixed_value_size()
            fieldname_now = fieldname
            # Each document's length in the field, decoded once (Whoosh's reader decodes per call).
            field_lengths = _field_lengths(lengths, fieldname)
        count = len(docs)
        term_lengths = [field_lengths[doc] for doc in docs] if field_lengths else [0] * count
        start_offset = post_offset
        chunks = [_MAGIC]
        total_weight = 0.0
        min_length = None
        max_length = 0
        max_weight = 0
        joined = isinstance(values, bytes)  # fixed-size values, back to back (CompactPool)
        for first in range(0, count, blocklimit):
            last = min(first + blocklimit, count)
            if last - first == count:
                block_docs, block_weights, block_values, block_lengths = docs, weights, values, term_lengths
            else:
                block_docs, block_weights = docs[first:last], weights[first:last]
                block_lengths = term_lengths[first:last]
                block_values = values[first * fixed_size : last * fixed_size] if joined else values[first:last]
            n = last - first
            if n == 1:
                block_max = block_sum = block_weights[0]
                ids = (block_docs[0],)
                block_min_length = block_lengths[0] or None
                block_max_length = block_lengths[0]
            else:
                block_max = max(block_weights)
                block_sum = sum(block_weights)
                ids = (block_docs[0], *(block_docs[i] - block_docs[i - 1] for i in range(1, n)))
                known = [length for length in block_lengths if length]
                block_min_length = min(known) if known else None
                block_max_length = max(known) if known else 0
            total_weight += block_sum
            if block_min_length is not None and (min_length is None or block_min_length < min_length):
                min_length = block_min_length
            if block_max_length > max_length:
                max_length = block_max_length
            if block_max > max_weight:
                max_weight = block_max
            # The W3 block: delta-coded ids, weights (None when all 1, one number when all
            # equal), values (joined when of fixed size, None when empty by definition).
            if block_max == 1.0 and block_sum == n:
                mini_weights = None
            elif block_sum == block_max * n:
                mini_weights = block_max
            else:
                mini_weights = tuple(block_weights)
            if fixed_size is None or fixed_size < 0:
                mini_values = tuple(block_values)
            elif fixed_size == 0:
                mini_values = None
            else:
                mini_values = block_values if joined else emptybytes.join(block_values)
            data = dumps((ids, mini_weights, mini_values), 2)
            level = compression if len(data) >= _MIN_COMPRESSED else 0
            if level:
                data = zlib.compress(data, level)
            info = dumps(
                (n, block_docs[-1], block_max, level, length_byte[block_min_length], length_byte[block_max_length]), 2
            )
            size = len(info) + len(data)
            chunks.append(int_pack(-size if last == count else size))
            chunks.append(info)
            chunks.append(data)
        block = b"".join(chunks)
        post_write(block)
        post_offset += len(block)
        terminfo = terminfo_pack(
            0,
            total_weight,
            count,
            0 if min_length is None else length_byte[min_length],
            length_byte[max_length],
            max_weight,
            docs[0],
            docs[-1],
        )
        terminfo += long_pack(start_offset) + int_pack(post_offset - start_offset)
        # OrderedHashWriter.add, inlined (its MD5 hash: the digest's last four bytes).
        key = field_prefix + term
        if key <= last_key:
            raise ValueError(f"Keys must increase: {last_key!r}..{key!r}")
        key_positions.append(term_offset)
        entry = lengths_pack(len(key), len(terminfo)) + key + terminfo
        term_write(entry)
        hashed = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
        buckets[hashed & 255].append((hashed, term_offset))
        term_offset += len(entry)
        last_key = key
    tindex.lastkey = last_key


def _field_lengths(lengths, fieldname: str) -> list[int]:
    """Every document's length in the field, as W3PerDocReader.doc_field_length gives them."""
    column = lengths._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN) if lengths else None
    return [] if column is None else [byte_to_length(byte) for byte in column]


def tindex_hashtype(tindex) -> int:
    return tindex.hashtype


class _LengthBytes(dict):
    """length_to_byte, memoised (it bisects a 256-entry table on every call)."""

    def __missing__(self, length):
        self[length] = found = length_to_byte(length)
        return found


def _honour_poolclass(init):
    # Whoosh-Reloaded's SegmentWriter accepts `poolclass` and ignores it.
    def __init__(self, ix, poolclass=None, *args, limitmb=128, **kwargs):
        init(self, ix, None, *args, limitmb=limitmb, **kwargs)
        if poolclass is CompactPool:
            sizes = {name: field.format.fixed_value_size() for name, field in self.schema.items() if field.format}
            self.pool = CompactPool(self._tempstorage, self.newsegment, limitmb=limitmb, fixed_sizes=sizes)
        elif poolclass is not None:
            self.pool = poolclass(self._tempstorage, self.newsegment, limitmb=limitmb)

    __init__.honours_poolclass = True
    return __init__


def _add_document_to_compact_pool(stock):
    """SegmentWriter.add_document handing each field's postings to a CompactPool at once (Whoosh
    adds them one call each); the rest as Whoosh does it. Schemas with spelling or vector fields,
    which the archive's has not, go to Whoosh's own."""

    def add_document(self, **fields):
        schema = self.schema
        if not isinstance(self.pool, CompactPool) or any(field.separate_spelling() or field.vector for field in schema):
            return stock(self, **fields)
        self._check_state()
        perdocwriter, docnum = self.perdocwriter, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    items = list(field.index(value))
                    if boost != 1.0:
                        items = [(term, freq, weight * boost, data) for term, freq, weight, data in items]
                    if field.scorable:
                        length = sum(item[1] for item in items)
                    self.pool.add_document_field(fieldname, docnum, items)
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    add_document.compact = True
    return add_document


def random_name(size: int = 28) -> str:
    """Whoosh's random_name from the system's randomness: Whoosh draws segment ids and temporary
    file names from the global `random`, which anything may reseed (hypothesis does, before each
    example), and two segments with one id overwrite each other's files."""
    return "".join(secrets.choice(whoosh_util.IDCHARS) for _ in range(size))


def _ending_with_parent(run):
    # A rebuild's writer processes (MpWriter's SubWriterTask) wait on a job queue whose other end
    # their siblings hold: killed, the parent would leave them waiting for ever.
    def run_until_parent_dies(self):
        die_with_parent(self._parent_pid)
        return run(self)

    run_until_parent_dies.ends_with_parent = True
    return run_until_parent_dies


def _remembering_parent(start):
    def start_remembering_parent(self):
        self._parent_pid = os.getpid()
        return start(self)

    return start_remembering_parent


def install() -> None:
    """Route Whoosh's field indexing and W3 term writing through this module (idempotent);
    writers opened with `poolclass=CompactPool` then keep their postings in one."""
    whoosh_fields.FieldType.index = fast_index
    whoosh3.W3FieldWriter.add_postings = add_postings
    for module in (whoosh_util, whoosh_writing, whoosh_multiproc, whoosh_codec_base, whoosh_compound, whoosh_filestore):
        module.random_name = random_name
    task = whoosh_multiproc.SubWriterTask
    if not getattr(task.run, "ends_with_parent", False):
        task.start = _remembering_parent(task.start)
        task.run = _ending_with_parent(task.run)
    writer = whoosh_writing.SegmentWriter
    if not getattr(writer.__init__, "honours_poolclass", False):
        writer.__init__ = _honour_poolclass(writer.__init__)
    if not getattr(writer.add_document, "compact", False):
        writer.add_document = _add_document_to_compact_pool(writer.add_document)
