"""Writing Whoosh segments in bulk: the one module that reaches into Whoosh's writing internals.

Whoosh's writer spends an import in pure Python, per token, per posting and per term: a Token
object per token, a tuple per posting in a pool sorted as a whole, then for each term several
layers of calls (pickle, zlib, a hash-table entry). The archive's fields are pre-tokenised
(archive.search.analysis), and most of their terms are character n-grams found in one or two
documents: on real text that was most of an import's time.

`BulkWriter` is a SegmentWriter that keeps a field's pre-tokenised text as term numbers in an
array, and at the flush turns each field into its postings and the W3 codec's bytes with numpy,
a few operations per field rather than per term. Whoosh's own readers read what it writes, byte
format for byte format:

- the postings file (.pst): per term the W3 magic, then blocks of at most 128 postings, each a
  `!i` length (negative for the last block), a pickled info tuple (count, last id, max weight,
  compression level, min and max length bytes) and a pickled (ids, weights, values) tuple,
  zlib-compressed from 512 bytes (Whoosh meant to skip small ones too; each block records its
  level). The pickles are built as bytes here, with the opcodes pickle itself writes, but
  without its memo (any unpickler reads them); positions values are byte for byte Whoosh's
  (Positions.encode, a count and a protocol-2 pickle of the deltas);
- the terms file (.trm): Whoosh's ordered hash file, with keys hashed by CRC-32 (hash type 1,
  which the file records and Whoosh's reader honours) instead of MD5, which has no bulk form.

A field's postings are built and encoded a range of its terms at a time (about a million tokens
each, Pool.parts), so a flush's working arrays stay bounded whatever the size of the pool.

A field's encoding depends on no other field's, so at the flush of a segment of some size (but
less than a full pool's, so that memory stays within what a full pool's flush takes) the fields
are encoded in forked processes (one per core; they read the pool as the fork left it, nothing is
sent to them) and written to the segment's files in order by the writer alone; each chunk's
postings offsets are counted from 0 and moved to their place as it is written.

Other fields (ids, keywords) and postings merged in from older segments take Whoosh's own
route into the same pool, one posting at a time. Past `limitmb` of pooled postings, the writer
closes its segment and starts another, so memory stays bounded whatever the number of documents;
the commit adds all of them. tests/test_whoosh_writer.py builds the same documents with
Whoosh's stock writer and with this one and compares every term's postings and statistics.

Whoosh-Reloaded is pinned exactly (pyproject.toml, requirements.lock) because of this module.
"""

from __future__ import annotations

import bisect
import multiprocessing
import pickle
import secrets
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np
from whoosh import formats
from whoosh import util as whoosh_util
from whoosh import writing as whoosh_writing
from whoosh.codec import base as whoosh_codec_base
from whoosh.codec import whoosh3
from whoosh.filedb import compound as whoosh_compound
from whoosh.filedb import filestore as whoosh_filestore

from archive.search.analysis import BREAK_GAP, PARAGRAPH_BREAK, PretokenisedTokenizer

_UINT = struct.Struct("!I")
_MAGIC = whoosh3.WHOOSH3_HEADER_MAGIC
_MIN_COMPRESSED = 512  # bytes: below, zlib costs more time than it saves space
_CHUNK_POSTINGS = 1 << 17  # postings encoded at a time: bounds the flush's temporary arrays
_PART_TOKENS = 1 << 20  # tokens of a field whose postings a flush builds at a time (~175 bytes each)
_TOKEN_BYTES = 4  # pool memory per token (its term number)
_TERM_BYTES = 120  # and per distinct term of a field (a dict entry and its string)
_POSTING_BYTES = 24  # and per posting added one at a time, beside its value bytes
_MAX_BATCH = 1000  # pickle writes a list's items in batches of this many (Pickler._BATCHSIZE)
_HASH_CRC32 = 1  # filetables' hash types: 0 MD5, 1 CRC-32
_TERM_STATS = np.dtype(
    [("flags", "u1"), ("weight", ">f4"), ("df", ">u4"), ("minlength", "u1"), ("maxlength", "u1"),
     ("maxweight", ">f4"), ("minid", ">u4"), ("maxid", ">u4")]
)  # fmt: skip  # W3TermInfo._struct
# A block's info tuple as pickle writes it: (count, last id, max weight, level, min and max length byte).
_BLOCK_INFO = np.dtype(
    [("head", "S4"), ("count", "u1"), ("j", "S1"), ("last", "<i4"), ("g", "S1"), ("maxweight", ">f8"),
     ("k1", "S1"), ("level", "u1"), ("k2", "S1"), ("minlength", "u1"), ("k3", "S1"), ("maxlength", "u1"),
     ("end", "S2")]
)  # fmt: skip


# --- rows: many short byte strings as one array --------------------------------------------


class Rows(NamedTuple):
    """Byte strings back to back in `data`, row i being `lengths[i]` bytes long."""

    data: np.ndarray  # uint8
    lengths: np.ndarray  # int64

    @property
    def starts(self) -> np.ndarray:
        return np.cumsum(self.lengths) - self.lengths


def _empty_rows(count: int) -> Rows:
    return Rows(np.zeros(0, dtype=np.uint8), np.zeros(count, dtype=np.int64))


def _matrix_rows(matrix: np.ndarray, lengths: np.ndarray) -> Rows:
    """Row i: the first lengths[i] bytes of matrix[i]."""
    lengths = np.asarray(lengths, dtype=np.int64)
    if matrix.shape[1] and (lengths == matrix.shape[1]).all():
        return Rows(matrix.reshape(-1), lengths)
    keep = np.arange(matrix.shape[1]) < lengths[:, None]
    return Rows(matrix[keep], lengths)


def _constant(value: bytes, count: int) -> Rows:
    row = np.frombuffer(value, dtype=np.uint8)
    return Rows(np.tile(row, count), np.full(count, len(value), dtype=np.int64))


def _bytes_rows(values: list[bytes], *, at: np.ndarray, count: int) -> Rows:
    """`values` as the rows where `at` is true (in order), the others empty."""
    lengths = np.zeros(count, dtype=np.int64)
    lengths[at] = [len(value) for value in values]
    return Rows(np.frombuffer(b"".join(values), dtype=np.uint8), lengths)


def _spread(rows: Rows, at: np.ndarray) -> Rows:
    """The rows where `at` is true (in order), the others empty."""
    lengths = np.zeros(len(at), dtype=np.int64)
    lengths[at] = rows.lengths
    return Rows(rows.data, lengths)


def _subset(rows: Rows, keep: np.ndarray) -> Rows:
    """The rows where `keep` is true, the others left out."""
    if keep.all():
        return rows
    return Rows(rows.data[np.repeat(keep, rows.lengths)], rows.lengths[keep])


def _joined(parts: list[Rows]) -> Rows:
    """Row i: each part's row i, one after the other."""
    lengths = sum(part.lengths for part in parts)
    out = np.empty(int(lengths.sum()), dtype=np.uint8)
    offsets = np.cumsum(lengths) - lengths
    for part in parts:
        size = part.data.size
        if size:
            width = size // len(part.lengths)
            if width * len(part.lengths) == size and (part.lengths == width).all():  # rows of one width
                out[(offsets[:, None] + np.arange(width)).reshape(-1)] = part.data
            else:
                where = np.repeat(offsets - part.starts, part.lengths)
                where += np.arange(size)
                out[where] = part.data
        offsets = offsets + part.lengths
    return Rows(out, lengths)


def _grouped(rows: Rows, counts: np.ndarray) -> Rows:
    """Consecutive rows joined: the first counts[0] rows make row 0, and so on."""
    ends = np.cumsum(rows.lengths)
    bounds = np.concatenate(([0], ends))[np.cumsum(counts)]
    return Rows(rows.data, np.diff(bounds, prepend=0))


def _only(rows: Rows, keep: np.ndarray) -> Rows:
    """The rows where `keep` is true; the others empty."""
    if keep.all():
        return rows
    return Rows(rows.data[np.repeat(keep, rows.lengths)], np.where(keep, rows.lengths, 0))


def _taken(rows: Rows, index: np.ndarray) -> Rows:
    """rows[index], as a new Rows."""
    lengths = rows.lengths[index]
    shift = np.repeat(rows.starts[index] - (np.cumsum(lengths) - lengths), lengths)
    return Rows(rows.data[shift + np.arange(int(lengths.sum()))], lengths)


def _sliced(rows: Rows, start: int, stop: int) -> Rows:
    lengths = rows.lengths[start:stop]
    first = int(rows.lengths[:start].sum())
    return Rows(rows.data[first : first + int(lengths.sum())], lengths)


# --- pickle opcodes, many at a time (the ones Pickler writes for these types) ----------------


def _pickled_ints(values: np.ndarray) -> Rows:
    """BININT1 below 256, BININT2 below 65536, else BININT (values fit 32 signed bits)."""
    values = values.astype(np.int64, copy=False)
    if len(values) and (values.min() < -(2**31) or values.max() >= 2**31):
        raise OverflowError("a posting number past 32 bits")
    small = (values >= 0) & (values < 256)
    medium = (values >= 256) & (values < 65536)
    matrix = np.empty((len(values), 5), dtype=np.uint8)
    matrix[:, 0] = np.where(small, ord("K"), np.where(medium, ord("M"), ord("J")))
    matrix[:, 1:] = values.astype("<i4").view(np.uint8).reshape(-1, 4)
    return _matrix_rows(matrix, np.where(small, 2, np.where(medium, 3, 5)))


def _pickled_floats(values: np.ndarray) -> Rows:
    """BINFLOAT: a big-endian double."""
    matrix = np.empty((len(values), 9), dtype=np.uint8)
    matrix[:, 0] = ord("G")
    matrix[:, 1:] = values.astype(">f8").view(np.uint8).reshape(-1, 8)
    return Rows(matrix.reshape(-1), np.full(len(values), 9, dtype=np.int64))


def _bytes_opcodes(lengths: np.ndarray) -> Rows:
    """The opcode before bytes of each length: SHORT_BINBYTES below 256, else BINBYTES; none for
    no bytes (Whoosh leaves empty values out of a block)."""
    matrix = np.empty((len(lengths), 5), dtype=np.uint8)
    short = lengths < 256
    matrix[:, 0] = np.where(short, ord("C"), ord("B"))
    matrix[:, 1:] = lengths.astype("<u4").view(np.uint8).reshape(-1, 4)
    return _matrix_rows(matrix, np.where(lengths == 0, 0, np.where(short, 2, 5)))


def _pickled_bytes(rows: Rows) -> Rows:
    """Each row as pickle writes bytes (see _bytes_opcodes)."""
    return _joined([_bytes_opcodes(rows.lengths), rows])


def positions_values(deltas: np.ndarray, counts: np.ndarray, *, pickled: bool = False) -> Rows:
    """Whoosh's Positions.encode for each posting, byte for byte: the count (`!I`), then the
    protocol-2 pickle of the list of position deltas. `deltas` holds every posting's deltas,
    back to back; `counts`, how many each. `pickled`: each value as a block's tuple holds it,
    behind its bytes opcode."""
    postings = len(counts)
    head = np.empty((postings, 10), dtype=np.uint8)
    head[:, :4] = counts.astype(">u4").view(np.uint8).reshape(-1, 4)
    head[:, 4:9] = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)  # PROTO 2, EMPTY_LIST, BINPUT 0
    head[:, 9] = ord("(")  # MARK, for APPENDS
    single = counts == 1
    head_lengths = np.where(single, 9, 10)
    ints = _grouped(_pickled_ints(deltas), counts)
    tail = np.where(single[:, None], np.frombuffer(b"a.", dtype=np.uint8), np.frombuffer(b"e.", dtype=np.uint8))
    parts = [
        _matrix_rows(head, head_lengths),
        ints,
        Rows(tail.astype(np.uint8).reshape(-1), np.full(postings, 2, dtype=np.int64)),
    ]
    if pickled:
        parts.insert(0, _bytes_opcodes(head_lengths + ints.lengths + 2))
    rows = _joined(parts)
    long = counts > _MAX_BATCH  # pickled in several batches: left to pickle itself
    if long.any():
        starts = np.cumsum(counts) - counts
        values = [
            _UINT.pack(n) + pickle.dumps(deltas[start : start + n].tolist(), 2)
            for start, n in zip(starts[long].tolist(), counts[long].tolist(), strict=True)
        ]
        if pickled:
            values = [b"B" + struct.pack("<I", len(value)) + value for value in values]
        rows = _joined([_only(rows, ~long), _bytes_rows(values, at=long, count=postings)])
    return rows


# --- a field's postings -----------------------------------------------------------------------


class Postings(NamedTuple):
    """A field's postings ordered by term, then document: `terms` (bytes, ascending), where each
    term's postings start (`term_starts`, one more entry than terms), and per posting its
    document, weight and value. Values of a fixed size are kept as they are (a block joins
    them); others as a block's tuple holds them, each behind its pickle opcode."""

    terms: list[bytes]
    term_starts: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    values: Rows


def _term_order(names: list) -> tuple[np.ndarray, np.ndarray]:
    """For terms numbered by their place in `names`: the numbers in the terms' order, and each
    number's rank in that order."""
    by_name = np.fromiter(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64, count=len(names))
    rank = np.empty(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(names))
    return by_name, rank


class _TokenStream:
    """One field's pre-tokenised text, as term numbers: documents one after the other."""

    __slots__ = ("_breaks_at", "_order", "docs", "ends", "ids", "terms")

    def __init__(self) -> None:
        self.terms: dict[str, int] = {}  # numbered in the order first seen
        self.ids = array("I")
        self.docs = array("I")
        self.ends = array("q")
        self._order: tuple[list[bytes], np.ndarray, np.ndarray, list[bytes]] | None = None
        self._breaks_at: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, docnum: int, value: str) -> tuple[int, int]:
        """Add a document's text; returns its length (tokens, breaks not counted) and the bytes
        it took."""
        # Split on spaces only: str.split() would take PARAGRAPH_BREAK (U+2029) for a space.
        tokens = value.split(" ")
        terms = self.terms
        new = set(tokens).difference(terms)
        if new:
            terms.update(zip(new, range(len(terms), len(terms) + len(new)), strict=True))
        self.ids.extend(map(terms.__getitem__, tokens))
        self.docs.append(docnum)
        self.ends.append(len(self.ids))
        self._order = self._breaks_at = None
        length = len(tokens) - tokens.count("") - tokens.count(PARAGRAPH_BREAK)
        return length, _TOKEN_BYTES * len(tokens) + _TERM_BYTES * len(new)

    def order(self) -> tuple[list[bytes], np.ndarray, np.ndarray, list[bytes]]:
        """The terms as bytes (in number order), the numbers in the terms' order, each number's
        rank in it, and the terms in order; kept for the flush's parts."""
        if self._order is None:
            names = list(map(str.encode, self.terms))  # bytes sort faster than str
            by_name, rank = _term_order(names)
            self._order = (names, by_name, rank, [names[number] for number in by_name.tolist()])
        return self._order

    def parts(self, *, tokens: int) -> list[Part]:
        """Ranges of terms [from, to) (None: open) each holding about `tokens` tokens, in order."""
        if len(self.ids) <= tokens:
            return [(None, None)]
        names, by_name, _, _ = self.order()
        held = np.bincount(np.frombuffer(self.ids, dtype=np.uint32), minlength=len(names))[by_name]
        cumulative = np.cumsum(held)
        wanted = np.arange(1, -(-int(cumulative[-1]) // tokens)) * tokens
        cuts = np.unique(np.searchsorted(cumulative, wanted, side="right"))
        bounds = [names[by_name[cut]] for cut in cuts.tolist() if 0 < cut < len(names)]
        return list(zip([None, *bounds], [*bounds, None], strict=True))

    def _breaks(self) -> tuple[np.ndarray, np.ndarray]:
        """Where the empty tokens and the paragraph breaks stand (token indices, ascending)."""
        if self._breaks_at is None:
            ids = np.frombuffer(self.ids, dtype=np.uint32)
            empty, gap = self.terms.get(""), self.terms.get(PARAGRAPH_BREAK)
            none = np.zeros(0, dtype=np.int64)
            self._breaks_at = tuple(none if term is None else np.flatnonzero(ids == term) for term in (empty, gap))
        return self._breaks_at

    def _positions(self, chosen: np.ndarray, doc_index: np.ndarray) -> np.ndarray:
        """The position of each chosen token in its document: the tokens before it there, an
        empty one counting 0 and a paragraph break BREAK_GAP (counted between the two, by
        searching the breaks' places, not by a running sum over every token of the field)."""
        ends = np.frombuffer(self.ends, dtype=np.int64)
        starts = np.where(doc_index > 0, ends[np.maximum(doc_index - 1, 0)], 0)
        empties, gaps = self._breaks()
        empty = np.searchsorted(empties, chosen) - np.searchsorted(empties, starts)
        gap = np.searchsorted(gaps, chosen) - np.searchsorted(gaps, starts)
        return (chosen - starts) - empty + (BREAK_GAP - 1) * gap

    def postings(self, *, positions: bool, part: Part = (None, None)) -> Postings | None:
        """The postings of the terms in `part`: each term's frequency in each document as the
        weight, and the value Whoosh's Positions or Frequency format gives it."""
        ids = np.frombuffer(self.ids, dtype=np.uint32)
        names, _, rank, sorted_names = self.order()
        wanted = np.ones(len(names), dtype=bool)  # per term number
        for skipped in ("", PARAGRAPH_BREAK):
            if skipped in self.terms:
                wanted[self.terms[skipped]] = False
        low, high = part
        if low is not None or high is not None:
            first = bisect.bisect_left(sorted_names, low) if low is not None else 0
            last = bisect.bisect_left(sorted_names, high) if high is not None else len(names)
            wanted &= (rank >= first) & (rank < last)
        chosen = np.flatnonzero(wanted[ids])
        if not len(chosen):
            return None
        doc_index = np.searchsorted(np.frombuffer(self.ends, dtype=np.int64), chosen, side="right")
        docs = np.frombuffer(self.docs, dtype=np.uint32)[doc_index]
        ranks = rank[ids[chosen]]
        order = np.argsort(ranks, kind="stable")  # by term; documents and positions stay in order
        ranks, docs = ranks[order], docs[order]
        new = np.ones(len(ranks), dtype=bool)
        new[1:] = (ranks[1:] != ranks[:-1]) | (docs[1:] != docs[:-1])
        starts = np.flatnonzero(new)
        freqs = np.diff(starts, append=len(ranks))
        posting_ranks = ranks[starts]
        term_firsts = np.flatnonzero(np.concatenate(([True], posting_ranks[1:] != posting_ranks[:-1])))
        terms = list(map(sorted_names.__getitem__, posting_ranks[term_firsts].tolist()))
        if positions:
            sorted_pos = self._positions(chosen, doc_index)[order]
            deltas = np.diff(sorted_pos, prepend=0)
            deltas[starts] = sorted_pos[starts]
            values = positions_values(deltas, freqs, pickled=True)
        else:
            values = Rows(freqs.astype(">u4").view(np.uint8), np.full(len(freqs), 4, dtype=np.int64))
        return Postings(
            terms=terms,
            term_starts=np.append(term_firsts, len(starts)),
            docs=docs[starts].astype(np.int64),
            weights=freqs.astype(np.float32),
            values=values,
        )


class _Added:
    """One field's postings added one at a time (by Whoosh's route): term, document, weight, value."""

    __slots__ = ("_built", "docs", "term_ids", "terms", "value_ends", "values", "weights")

    def __init__(self) -> None:
        self.terms: dict[bytes, int] = {}
        self.term_ids = array("I")
        self.docs = array("I")
        self.weights = array("f")
        self.values = bytearray()
        self.value_ends = array("q")
        self._built: Postings | None = None  # kept for a flush's later parts (Pool.parts)

    def add(self, term: bytes, docnum: int, weight: float, value: bytes | None) -> int:
        self._built = None
        term_id = self.terms.get(term)
        size = _POSTING_BYTES
        if term_id is None:
            term_id = self.terms[term] = len(self.terms)
            size += _TERM_BYTES
        self.term_ids.append(term_id)
        self.docs.append(docnum)
        self.weights.append(weight)
        if value:
            self.values += value
            size += len(value)
        self.value_ends.append(len(self.values))
        return size

    def postings(self, *, fixed_size: int | None) -> Postings | None:
        """All the field's postings, built once however many parts a flush asks for."""
        if self._built is None and self.docs:
            self._built = self._build(fixed_size=fixed_size)
        return self._built

    def _build(self, *, fixed_size: int | None) -> Postings:
        names = list(self.terms)  # in number order
        by_name, rank = _term_order(names)
        ranks = rank[np.frombuffer(self.term_ids, dtype=np.uint32)]
        docs = np.frombuffer(self.docs, dtype=np.uint32).astype(np.int64)
        order = np.lexsort((docs, ranks))
        ranks = ranks[order]
        ends = np.frombuffer(self.value_ends, dtype=np.int64)
        values = Rows(np.frombuffer(bytes(self.values), dtype=np.uint8), np.diff(ends, prepend=0))
        if not fixed_size:
            values = _pickled_bytes(values)
        term_firsts = np.flatnonzero(np.concatenate(([True], ranks[1:] != ranks[:-1])))
        return Postings(
            terms=list(map(names.__getitem__, by_name[ranks[term_firsts]].tolist())),
            term_starts=np.append(term_firsts, len(ranks)),
            docs=docs[order],
            weights=np.frombuffer(self.weights, dtype=np.float32)[order],
            values=_taken(values, order),
        )


def _in_range(postings: Postings | None, part: Part) -> Postings | None:
    """The postings of the terms in [low, high) (None: open)."""
    low, high = part
    if postings is None or (low is None and high is None):
        return postings
    first = bisect.bisect_left(postings.terms, low) if low is not None else 0
    last = bisect.bisect_left(postings.terms, high) if high is not None else len(postings.terms)
    if first == last:
        return None
    p0, p1 = int(postings.term_starts[first]), int(postings.term_starts[last])
    return Postings(
        terms=postings.terms[first:last],
        term_starts=postings.term_starts[first : last + 1] - p0,
        docs=postings.docs[p0:p1],
        weights=postings.weights[p0:p1],
        values=_sliced(postings.values, p0, p1),
    )


def _merged(first: Postings | None, second: Postings | None) -> Postings | None:
    """Two sets of postings of one field (never of one document) as one."""
    if first is None or second is None:
        return first or second
    terms = sorted(set(first.terms).union(second.terms))
    number = {term: index for index, term in enumerate(terms)}
    term_of = [np.repeat([number[term] for term in part.terms], np.diff(part.term_starts)) for part in (first, second)]
    ranks = np.concatenate(term_of)
    docs = np.concatenate((first.docs, second.docs))
    order = np.lexsort((docs, ranks))
    ranks = ranks[order]
    values = Rows(
        np.concatenate((first.values.data, second.values.data)),
        np.concatenate((first.values.lengths, second.values.lengths)),
    )
    term_firsts = np.flatnonzero(np.concatenate(([True], ranks[1:] != ranks[:-1])))
    return Postings(
        terms=terms,
        term_starts=np.append(term_firsts, len(ranks)),
        docs=docs[order],
        weights=np.concatenate((first.weights, second.weights))[order],
        values=_taken(values, order),
    )


def takes_tokens(field) -> bool:
    """Whether the field's text goes into the pool as tokens (our pre-tokenised text fields)."""
    return (
        isinstance(field.analyzer, PretokenisedTokenizer)
        and type(field.format) in (formats.Positions, formats.Frequency)
        and field.format.field_boost == 1.0
        and not field.vector
        and not field.separate_spelling()
    )


class Pool:
    """The postings of a segment being written, field by field: pre-tokenised text as term
    numbers, anything else as postings added one at a time (Whoosh's pool interface, `add`)."""

    def __init__(self) -> None:
        self._tokens: dict[str, _TokenStream] = {}
        self._added: dict[str, _Added] = {}
        self.size = 0  # bytes held, estimated

    def add_tokens(self, fieldname: str, docnum: int, value: str) -> int:
        """Add a document's pre-tokenised text; returns its length in tokens."""
        stream = self._tokens.get(fieldname)
        if stream is None:
            stream = self._tokens[fieldname] = _TokenStream()
        length, size = stream.add(docnum, value)
        self.size += size
        return length

    def add(self, item) -> None:
        """One posting: (field, term bytes, document, weight, value bytes)."""
        fieldname, term, docnum, weight, value = item
        added = self._added.get(fieldname)
        if added is None:
            added = self._added[fieldname] = _Added()
        self.size += added.add(term, docnum, weight, value)

    def fieldnames(self) -> list[str]:
        return sorted(set(self._tokens) | set(self._added))

    def field_size(self, fieldname: str) -> int:
        """Tokens and postings held for the field (what its encoding costs grows with)."""
        stream, added = self._tokens.get(fieldname), self._added.get(fieldname)
        return (len(stream.ids) if stream else 0) + (len(added.docs) if added else 0)

    def parts(self, fieldname: str) -> list[Part]:
        """The field's terms in ranges of about _PART_TOKENS tokens: a flush builds and encodes
        one range's postings at a time, so its working arrays stay bounded whatever the pool."""
        stream = self._tokens.get(fieldname)
        return stream.parts(tokens=_PART_TOKENS) if stream else [(None, None)]

    def postings(self, fieldname: str, field, part: Part = (None, None)) -> Postings | None:
        stream, added = self._tokens.get(fieldname), self._added.get(fieldname)
        positions = type(field.format) is formats.Positions
        return _merged(
            stream.postings(positions=positions, part=part) if stream else None,
            _in_range(added.postings(fixed_size=field.format.fixed_value_size()), part) if added else None,
        )

    def release(self, fieldname: str) -> None:
        """Forget a field once it is written (its memory is the next field's)."""
        self._tokens.pop(fieldname, None)
        self._added.pop(fieldname, None)

    def cleanup(self) -> None:
        self._tokens, self._added, self.size = {}, {}, 0


# --- writing a segment's terms and postings ---------------------------------------------------


class Encoded(NamedTuple):
    """Some terms as a segment holds them: their posting lists' bytes (for the postings file) and
    each term's info (for the terms file)."""

    postings: np.ndarray  # uint8
    infos: Rows  # one row per term


Chunk = tuple[list[bytes], Encoded]  # some terms of a field (without its number) and their encoding
Part = tuple[bytes | None, bytes | None]  # a range of a field's terms, [from, to); None: open


def encode(postings: Postings, *, first: int, last: int, lengths: np.ndarray, fixed_size: int | None,
           codec: whoosh3.W3Codec, offset: int) -> Encoded:  # fmt: skip
    """Terms first..last-1 of `postings` as the W3 codec writes them; `lengths`: each document's
    length byte in the field (0: none); `offset`: where their postings go in the postings file.

    A term with fewer postings than the codec's inline limit has them inlined in its info
    (W3TermInfo: a pickled (ids, weights, values) tuple after the statistics); the others get
    posting blocks in the postings file."""
    term_starts = postings.term_starts[first : last + 1]
    p0, p1 = int(term_starts[0]), int(term_starts[-1])
    counts = np.diff(term_starts)
    starts = term_starts[:-1] - p0
    docs = postings.docs[p0:p1]
    weights = postings.weights[p0:p1]
    values = _sliced(postings.values, p0, p1)
    length_bytes = lengths[docs] if len(lengths) else np.zeros(len(docs), dtype=np.uint8)
    terms = len(counts)
    # Not a field of values empty by definition: Whoosh's reader of inlined postings gives "" for
    # those, its block reader None.
    inline = counts < codec._inlinelimit if fixed_size != 0 else np.zeros(terms, dtype=bool)
    infos = np.zeros(terms, dtype=_TERM_STATS)
    infos["flags"] = inline
    infos["weight"] = np.add.reduceat(weights.astype(np.float64), starts)
    infos["df"] = counts
    infos["minlength"], infos["maxlength"] = _length_range(length_bytes, starts)
    infos["maxweight"] = np.maximum(np.maximum.reduceat(weights, starts), 0)
    infos["minid"] = docs[starts]
    infos["maxid"] = docs[starts + counts - 1]
    stats = Rows(infos.view(np.uint8), np.full(terms, _TERM_STATS.itemsize, dtype=np.int64))
    blocked = ~inline
    data = np.zeros(0, dtype=np.uint8)
    extents = _empty_rows(0)
    if blocked.any():
        keep = np.repeat(blocked, counts)
        lists = _posting_lists(
            docs[keep], weights[keep], length_bytes[keep], _subset(values, keep), counts[blocked],
            fixed_size=fixed_size, blocklimit=codec._blocklimit, compression=codec._compression,
        )  # fmt: skip
        data = lists.data
        extent = np.empty(len(lists.lengths), dtype=[("offset", ">i8"), ("length", ">i4")])
        extent["offset"] = offset + lists.starts
        extent["length"] = lists.lengths
        extents = Rows(extent.view(np.uint8), np.full(len(extent), extent.dtype.itemsize, dtype=np.int64))
    inlined = _empty_rows(0)
    if inline.any():
        keep = np.repeat(inline, counts)
        inlined = _inlined(docs[keep], weights[keep], _subset(values, keep), counts[inline], fixed_size=fixed_size)
    return Encoded(data, _joined([stats, _spread(extents, blocked), _spread(inlined, inline)]))


def encode_field(postings: Postings, *, lengths: np.ndarray, field, codec) -> list[Chunk]:
    """A field's terms (without the field's number) and their encoding, _CHUNK_POSTINGS postings at
    a time (at least one term), with postings offsets counted from the field's first byte."""
    fixed_size = field.format.fixed_value_size()
    chunks = []
    first = 0
    while first < len(postings.terms):
        limit = postings.term_starts[first] + _CHUNK_POSTINGS
        last = max(first + 1, int(np.searchsorted(postings.term_starts, limit, side="right")) - 1)
        encoded = encode(postings, first=first, last=last, lengths=lengths, fixed_size=fixed_size,
                         codec=codec, offset=0)  # fmt: skip
        chunks.append((postings.terms[first:last], encoded))
        first = last
    return chunks


def _shift_offsets(encoded: Encoded, by: int) -> None:
    """Add `by` to the postings offset in each term info that has posting blocks (W3TermInfo: the
    statistics, then a big-endian 8-byte offset and a 4-byte length)."""
    if not by or not len(encoded.postings):
        return
    infos = encoded.infos
    blocked = (infos.data[infos.starts] & 1) == 0  # the flags byte: 1 = postings inlined
    at = infos.starts[blocked] + _TERM_STATS.itemsize
    where = at[:, None] + np.arange(8)
    offsets = infos.data[where].copy().view(">i8").reshape(-1) + by
    infos.data[where] = offsets.astype(">i8").view(np.uint8).reshape(-1, 8)


def _length_range(length_bytes: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The least and greatest length byte in each group of postings; lengths of 0 are not lengths
    (Whoosh skips them), and a group without any has 0 for both."""
    least = np.minimum.reduceat(np.where(length_bytes == 0, 256, length_bytes.astype(np.int16)), starts)
    return np.where(least == 256, 0, least), np.maximum.reduceat(length_bytes, starts)


def _inlined(docs: np.ndarray, weights: np.ndarray, values: Rows, counts: np.ndarray, *,
             fixed_size: int | None) -> Rows:  # fmt: skip
    """W3TermInfo's inlined postings, (ids, weights, values) as pickle writes them, for terms of one
    posting each (W3PostingsWriter inlines only those below its limit; the archive's limit is 2)."""
    if (counts != 1).any():
        raise ValueError("only single postings are inlined")
    terms = len(docs)
    items = _pickled_bytes(values) if fixed_size else values  # others are pickled already
    has_value = items.lengths > 0
    return _joined(
        [
            _constant(b"\x80\x02", terms),
            _pickled_ints(docs),
            _constant(b"\x85", terms),  # TUPLE1
            _pickled_floats(weights),
            _constant(b"\x85", terms),
            items,
            _only(_constant(b"\x85", terms), has_value),
            _only(_constant(b")", terms), ~has_value),  # EMPTY_TUPLE
            _constant(b"\x87.", terms),
        ]
    )


def _posting_lists(
    docs: np.ndarray, weights: np.ndarray, length_bytes: np.ndarray, values: Rows, counts: np.ndarray, *,
    fixed_size: int | None, blocklimit: int, compression: int,
) -> Rows:  # fmt: skip
    """Each term's postings (`counts` of them, one term after the other) as W3PostingsWriter
    writes them: the magic, then blocks of at most `blocklimit` postings."""
    if blocklimit > 255:
        raise ValueError("a block's posting count is written as one byte")
    terms = len(counts)
    per_term = (counts + blocklimit - 1) // blocklimit
    first_block = np.cumsum(per_term) - per_term
    block_term = np.repeat(np.arange(terms), per_term)
    nth = np.arange(len(block_term)) - first_block[block_term]
    block_start = (np.cumsum(counts) - counts)[block_term] + nth * blocklimit
    block_count = np.minimum(blocklimit, counts[block_term] - nth * blocklimit)
    blocks = len(block_start)
    max_weight = np.maximum.reduceat(weights, block_start)
    min_weight = np.minimum.reduceat(weights, block_start)
    min_length, max_length = _length_range(length_bytes, block_start)
    # The block's data: (ids delta-coded within the block; weights None when all 1, one float
    # when all equal, else a tuple; values joined when of a fixed size, None when empty by
    # definition, else a tuple).
    deltas = np.diff(docs, prepend=0)
    deltas[block_start] = docs[block_start]
    ones = (min_weight == 1.0) & (max_weight == 1.0)
    same = (min_weight == max_weight) & ~ones
    several = ~(ones | same)
    if fixed_size == 0:
        block_values = [_constant(b"N", blocks)]
    elif fixed_size:
        grouped = _grouped(values, block_count)
        block_values = [_bytes_opcodes(grouped.lengths), grouped]
    else:
        block_values = [_constant(b"(", blocks), _grouped(values, block_count), _constant(b"t", blocks)]
    data = _joined(
        [
            _constant(b"\x80\x02(", blocks),
            _grouped(_pickled_ints(deltas), block_count),
            _constant(b"t", blocks),
            _only(_constant(b"N", blocks), ones),
            _only(_pickled_floats(max_weight), same),
            _only(_constant(b"(", blocks), several),
            _only(_grouped(_pickled_floats(weights), block_count), several),
            _only(_constant(b"t", blocks), several),
            *block_values,
            _constant(b"\x87.", blocks),  # TUPLE3, STOP
        ]
    )
    level = np.zeros(blocks, dtype=np.uint8)
    if compression:
        large = data.lengths >= _MIN_COMPRESSED
        if large.any():
            raw = data.data.tobytes()
            packed = [
                zlib.compress(raw[start : start + n], compression)
                for start, n in zip(data.starts[large].tolist(), data.lengths[large].tolist(), strict=True)
            ]
            data = _joined([_only(data, ~large), _bytes_rows(packed, at=large, count=blocks)])
            level[large] = compression
    info = np.zeros(blocks, dtype=_BLOCK_INFO)
    info["head"], info["j"], info["g"], info["end"] = b"\x80\x02(K", b"J", b"G", b"t."
    info["k1"] = info["k2"] = info["k3"] = b"K"
    info["count"] = block_count
    info["last"] = docs[block_start + block_count - 1]
    info["maxweight"] = max_weight
    info["level"] = level
    info["minlength"] = min_length
    info["maxlength"] = max_length
    size = _BLOCK_INFO.itemsize + data.lengths
    prefix = np.where(nth == per_term[block_term] - 1, -size, size).astype(">i4")  # negative: the last
    block_rows = _joined(
        [
            _only(_constant(_MAGIC, blocks), nth == 0),
            Rows(prefix.view(np.uint8), np.full(blocks, 4, dtype=np.int64)),
            Rows(info.view(np.uint8), np.full(blocks, _BLOCK_INFO.itemsize, dtype=np.int64)),
            data,
        ]
    )
    return _grouped(block_rows, per_term)


class FieldWriter:
    """Writes a segment's terms (.trm) and postings (.pst) as W3FieldWriter does, a field at a
    time from its Postings (W3FieldWriter's own interface, term by term, is not offered)."""

    def __init__(self, codec, storage, segment) -> None:
        self._codec = codec
        self._postfile = segment.create_file(storage, whoosh3.W3Codec.POSTS_EXT)
        self._termfile = segment.create_file(storage, whoosh3.W3Codec.TERMS_EXT)
        # filetables.HashWriter's header: magic, hash type, two unused ints.
        header = b"HSH3" + bytes([_HASH_CRC32]) + bytes(8)
        self._termfile.write(header)
        self._post_offset = 0
        self._term_offset = len(header)
        self._hashes: list[np.ndarray] = []
        self._entries: list[np.ndarray] = []  # where each term's entry starts in the terms file
        self._fieldmap: dict[str, int] = {}
        self.is_closed = False

    def write_field(self, fieldname: str, field, postings: Postings, lengths: np.ndarray) -> None:
        self.write_encoded(fieldname, encode_field(postings, lengths=lengths, field=field, codec=self._codec))

    def write_encoded(self, fieldname: str, chunks: Iterable[Chunk]) -> None:
        """A field's terms and postings as encode_field gives them (their postings' offsets counted
        from 0, their terms in order), moved to where they go in the postings file; a field with
        none is not written."""
        if fieldname in self._fieldmap:
            raise ValueError(f"field {fieldname!r} written twice")
        prefix = b""
        for terms, encoded in chunks:
            if not prefix:
                prefix = struct.pack("!H", self._fieldmap.setdefault(fieldname, len(self._fieldmap)))
            _shift_offsets(encoded, self._post_offset)
            self._postfile.write(encoded.postings)
            self._post_offset += len(encoded.postings)
            self._add_terms([prefix + term for term in terms], encoded.infos)

    def _add_terms(self, keys: list[bytes], infos: Rows) -> None:
        """filetables.HashWriter.add for each: `!ii` (key and value lengths), key, value."""
        count = len(keys)
        key_rows = Rows(np.frombuffer(b"".join(keys), dtype=np.uint8), np.fromiter(map(len, keys), np.int64, count))
        heads = np.empty((count, 2), dtype=">i4")
        heads[:, 0] = key_rows.lengths
        heads[:, 1] = infos.lengths
        entries = _joined([Rows(heads.view(np.uint8).reshape(-1), np.full(count, 8, dtype=np.int64)), key_rows, infos])
        self._termfile.write(entries.data)
        self._entries.append(self._term_offset + entries.starts)
        self._term_offset += len(entries.data)
        self._hashes.append(np.fromiter(map(zlib.crc32, keys), dtype=np.uint32, count=count))

    def close(self) -> None:
        """filetables.OrderedHashWriter.close: the hash tables, their directory, the extras
        (the field map and the key index) and their length."""
        if self.is_closed:
            return
        termfile = self._termfile
        hashes = np.concatenate(self._hashes) if self._hashes else np.zeros(0, dtype=np.uint32)
        entries = np.concatenate(self._entries) if self._entries else np.zeros(0, dtype=np.int64)
        tables, directory = hash_tables(hashes, entries, start=self._term_offset)
        termfile.write(tables)
        termfile.write(directory)
        code, index = _key_index(entries)
        pickled = pickle.dumps({"fieldmap": self._fieldmap, "indextype": code, "indexlen": len(entries)}, -1)
        termfile.write(pickled)
        termfile.write(index.tobytes())
        termfile.write(struct.pack("!i", len(pickled) + index.nbytes))
        termfile.close()
        self._postfile.close()
        self.is_closed = True


def _key_index(entries: np.ndarray) -> tuple[str, np.ndarray]:
    """The entries' positions as GrowableArray keeps them: the smallest of H, i, I, q that fits
    (its type code), written big-endian."""
    largest = int(entries.max()) if len(entries) else 0
    for code, dtype, bound in (("H", ">u2", 2**16), ("i", ">i4", 2**31), ("I", ">u4", 2**32)):
        if largest < bound:
            return code, entries.astype(dtype)
    return "q", entries.astype(">i8")


def hash_tables(hashes: np.ndarray, entries: np.ndarray, *, start: int) -> tuple[bytes, bytes]:
    """filetables.HashWriter._write_hashes and _write_directory: 256 open-addressing tables (a
    key's bucket is its hash's low byte, its first slot the rest modulo twice the bucket's size,
    linear probing), then each table's position and slot count. The tables start at `start`."""
    buckets = (hashes & 255).astype(np.int64)
    sizes = np.bincount(buckets, minlength=256)
    slots = 2 * sizes
    table_starts = np.cumsum(slots) - slots
    home = np.zeros(len(hashes), dtype=np.int64)
    used = slots[buckets] > 0
    home[used] = (hashes[used].astype(np.int64) >> 8) % slots[buckets[used]]
    order = np.lexsort((home, buckets))
    bucket, home = buckets[order], home[order]
    nth = np.arange(len(order)) - (np.cumsum(sizes) - sizes)[bucket]
    # In order of first slot, each entry takes the first free slot from its own: the running
    # maximum of (first slot - n), per bucket (buckets kept apart by a large offset).
    apart = 2 * len(order) + 1
    slot = np.maximum.accumulate(bucket * apart + home - nth) - bucket * apart + nth if len(order) else nth
    table = np.zeros(int(slots.sum()), dtype=[("hash", ">u4"), ("position", ">i8")])
    fits = slot < slots[bucket]
    table["hash"][table_starts[bucket[fits]] + slot[fits]] = hashes[order[fits]]
    table["position"][table_starts[bucket[fits]] + slot[fits]] = entries[order[fits]]
    # Past the table's end, probing wraps to its start (rare at half load).
    for index in np.flatnonzero(~fits).tolist():
        b = int(bucket[index])
        free = int(np.flatnonzero(table["position"][table_starts[b] : table_starts[b] + slots[b]] == 0)[0])
        table[table_starts[b] + free] = (hashes[order[index]], entries[order[index]])
    directory = np.zeros(256, dtype=[("position", ">i8"), ("slots", ">i4")])
    directory["position"] = start + table_starts * table.dtype.itemsize
    directory["slots"] = slots
    return table.tobytes(), directory.tobytes()


class _Codec(whoosh3.W3Codec):
    """The W3 codec with FieldWriter, inlining the postings of terms found in one document (most
    of the archive's n-grams: a term info is then all a search reads of them); segments record
    Whoosh's own codec, so no reader needs this class."""

    def __init__(self) -> None:
        super().__init__(inlinelimit=2)

    def field_writer(self, storage, segment) -> FieldWriter:
        return FieldWriter(self, storage, segment)

    def new_segment(self, storage, indexname):
        return whoosh3.W3Segment(whoosh3.W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


def _length_bytes(perdoc, fieldname: str, doc_count: int) -> np.ndarray:
    """Each document's length byte in the field, as the segment's per-document writer stored it."""
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    found = np.zeros(doc_count, dtype=np.uint8)
    if column is not None and column._count:
        stored = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        found[: len(stored)] = stored
    return found


# What forked encoders read: inherited from the writer's process, never pickled.
_flushing: tuple[Pool, list, whoosh3.W3Codec] | None = None
_PARALLEL_FROM = 32 * 1024 * 1024  # pooled bytes: below, forking costs more than it saves


def _encode_parts(pool: Pool, fieldname: str, field, lengths: np.ndarray, codec) -> Iterator[Chunk]:
    """encode_field's chunks for the field, one range of terms at a time (Pool.parts): a range's
    postings are built when the chunks before them have been taken."""
    for part in pool.parts(fieldname):
        postings = pool.postings(fieldname, field, part)
        if postings is not None:
            yield from encode_field(postings, lengths=lengths, field=field, codec=codec)
    pool.release(fieldname)


def _encode_one(index: int) -> list[Chunk]:
    pool, fields, codec = _flushing
    fieldname, field, lengths = fields[index]
    return list(_encode_parts(pool, fieldname, field, lengths, codec))


def encoded_fields(pool: Pool, fields: list, *, codec, processes: int, limit: int):
    """(field name, encode_field's chunks or None) for each (name, field, lengths), in order.

    Each field's encoding is independent of the others', and the segment's files are written by
    the caller alone, so the fields are encoded in `processes` forked processes when the pool is
    large enough for that to pay, and small enough that `processes` encodings at once take no more
    memory than one of a full pool (`limit` bytes): a full pool is encoded here, a field at a time.
    """
    global _flushing
    _flushing = (pool, fields, codec)
    try:
        if processes < 2 or len(fields) < 2 or not _PARALLEL_FROM <= pool.size <= limit / processes:
            for fieldname, field, lengths in fields:
                yield fieldname, _encode_parts(pool, fieldname, field, lengths, codec)
            return
        # Largest fields first, so that no process is left with a big one at the end.
        order = sorted(range(len(fields)), key=lambda i: -pool.field_size(fields[i][0]))
        done: dict[int, list[Chunk]] = {}
        with multiprocessing.get_context("fork").Pool(processes) as workers:
            results = workers.imap_unordered(_encode_indexed, order)
            for want in range(len(fields)):
                while want not in done:
                    index, chunks = next(results)
                    done[index] = chunks
                yield fields[want][0], done.pop(want)
    finally:
        _flushing = None


def _encode_indexed(index: int) -> tuple[int, list[Chunk]]:
    return index, _encode_one(index)


class BulkWriter(whoosh_writing.SegmentWriter):
    """A SegmentWriter whose postings are written in bulk (see the module's docstring). Past
    `limitmb` of pooled postings it closes its segment and starts another; the commit adds them all."""

    def __init__(self, ix, *, limitmb: int = 256, processes: int = 1, **kwargs) -> None:
        super().__init__(ix, codec=_Codec(), limitmb=limitmb, **kwargs)
        self.limit = limitmb * 1024 * 1024
        self.processes = processes
        self.pool = Pool()
        self.written: list = []  # segments closed, for the commit's TOC

    def add_document(self, **fields) -> None:
        schema = self.schema
        if any(field.separate_spelling() or field.vector for field in schema):  # not the archive's
            return super().add_document(**fields)
        self._check_state()
        perdocwriter, docnum, pool = self.perdocwriter, self.docnum, self.pool
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
                    if boost == 1.0 and takes_tokens(field):
                        length = pool.add_tokens(fieldname, docnum, value)
                    else:
                        for term, freq, weight, data in field.index(value):
                            pool.add((fieldname, term, docnum, weight * boost, data))
                            if field.scorable:
                                length += freq
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
        if pool.size > self.limit:
            self._next_segment()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        perdoc = self.per_document_reader()
        try:
            names = self.pool.fieldnames()
            fields = [(name, self.schema[name], _length_bytes(perdoc, name, self.docnum)) for name in names]
        finally:
            perdoc.close()
        encoded = encoded_fields(self.pool, fields, codec=self.codec, processes=self.processes, limit=self.limit)
        for fieldname, chunks in encoded:
            self.fieldwriter.write_encoded(fieldname, chunks)
        self.fieldwriter.close()

    def _next_segment(self) -> None:
        """Close the segment written so far and start a new, empty one."""
        self.written.append(self._finalize_segment())
        codec = self.codec
        self.newsegment = codec.new_segment(self.storage, self.indexname)
        self.perdocwriter = codec.per_document_writer(self.storage, self.newsegment)
        self.fieldwriter = codec.field_writer(self.storage, self.newsegment)
        self.pool = Pool()
        self.docnum = self.docbase = 0
        self._added = False

    def commit(self, mergetype=None, optimize=None, merge=None) -> None:
        self._check_state()
        segments = self._merge_segments(mergetype, optimize, merge) + self.written
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()

    def cancel(self) -> None:
        super().cancel()
        for segment in self.written:
            for name in segment.list_files(self.storage):
                self.storage.delete_file(name)
        self.written = []


def random_name(size: int = 28) -> str:
    """Whoosh's random_name from the system's randomness: Whoosh draws segment ids and temporary
    file names from the global `random`, which anything may reseed (hypothesis does, before each
    example), and two segments with one id overwrite each other's files."""
    return "".join(secrets.choice(whoosh_util.IDCHARS) for _ in range(size))


def install() -> None:
    """Whoosh's segment ids and temporary names from `random_name` (idempotent)."""
    for module in (whoosh_util, whoosh_writing, whoosh_codec_base, whoosh_compound, whoosh_filestore):
        module.random_name = random_name
