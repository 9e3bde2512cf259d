"""Reading a Whoosh segment straight into numpy arrays: the one place our search reads Whoosh's
private structures (Whoosh-Reloaded is pinned exactly, in pyproject.toml and requirements.lock, for
this and for archive.search.engines.whoosh.writing).

Whoosh's matchers hand out one posting at a time through several Python layers; a search that
matches most of 100,000 articles cannot afford that. Here a term's whole posting list is read in
one call and its blocks are decoded with numpy. The W3 codec's postings, as whoosh/codec/whoosh3.py
writes them (W3PostingsWriter._write_block), are: a 4-byte magic, then blocks of
`!i` length (negative for the last block), a pickled info tuple (count, last id, max weight,
compression level, min and max length bytes), and the block's data: a pickled tuple
(ids, weights, values), zlib-compressed when the level is not 0, where ids are delta-coded
(unless the field stores ids as bytes), weights are None (all 1.0), one float for all, or a tuple.
Postings of rare terms are stored inline in the term info instead.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.util.numeric import byte_to_length

_LENGTH = struct.Struct("!i")
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def segment_id(reader) -> str:
    """A segment's id: unique, and a segment never changes once written (only its deletions do)."""
    return reader.segment().segment_id()


def postings(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The segment's documents holding the term (ascending) and the term's weight in each."""
    ids, weights, _ = _read(reader, fieldname, text, values=False)
    return ids, weights


def positions(reader, fieldname: str, text: str) -> tuple[np.ndarray, list[bytes]]:
    """The segment's documents holding the term, and for each its encoded positions (decode them
    with `decode_positions`); the field must store positions."""
    ids, _, values = _read(reader, fieldname, text, values=True)
    return ids, values


def decode_positions(value: bytes) -> np.ndarray:
    """Positions as whoosh.formats.Positions.encode writes them: a count, then pickled deltas
    (Whoosh trims the pickle's final STOP opcode)."""
    body = value[4:]
    return np.cumsum(pickle.loads(body if body.endswith(b".") else body + b"."))


def _read(reader, fieldname: str, text: str, *, values: bool) -> tuple[np.ndarray, np.ndarray, list]:
    if (fieldname, text) not in reader:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), []
    terms = reader._terms
    matcher = terms.matcher(fieldname, reader._text_to_bytes(fieldname, text), reader.schema[fieldname].format)
    if not hasattr(matcher, "_startoffset"):  # inlined in the term info: a short list
        ids, weights, found_values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if values:
                found_values.append(matcher.value())
            matcher.next()
        return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32), found_values
    # W3TermInfo.from_bytes leaves the length as struct.unpack's 1-tuple (Whoosh itself never reads it).
    length = matcher._length[0] if isinstance(matcher._length, tuple) else matcher._length
    raw = matcher._postfile.get(matcher._startoffset, length)
    return _decode_blocks(raw, byteids=matcher._byteids, values=values)


def _decode_blocks(raw: bytes, *, byteids: bool, values: bool) -> tuple[np.ndarray, np.ndarray, list]:
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a Whoosh W3 posting list")
    stream = io.BytesIO(raw)
    stream.seek(4)
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    value_parts: list = []
    last = False
    while not last:
        start = stream.tell()
        (length,) = _LENGTH.unpack(stream.read(4))
        last = length < 0
        end = start + 4 + abs(length)
        count, _, _, compression, _, _ = pickle.load(stream)
        data = raw[stream.tell() : end]
        ids, weights, block_values = pickle.loads(zlib.decompress(data) if compression else data)
        if values:
            value_parts.extend(block_values)
        block_ids = np.asarray(ids, dtype=np.int64)
        id_parts.append(block_ids if byteids else np.cumsum(block_ids))
        if weights is None:
            weight_parts.append(np.ones(count, dtype=np.float32))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights, dtype=np.float32))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float32))
        stream.seek(end)
    return np.concatenate(id_parts).astype(np.int32), np.concatenate(weight_parts), value_parts


def field_lengths(reader, fieldname: str) -> np.ndarray | None:
    """Each document's length in the field (Whoosh stores it as one byte, approximately): the
    column's bytes as they lie in the file, documents past its end being 0."""
    lengths = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if lengths is None:
        return None
    stored = np.frombuffer(lengths._dbfile.get(lengths._basepos, lengths._count), dtype=np.uint8)
    padded = np.zeros(reader.doc_count_all(), dtype=np.uint8)
    padded[: len(stored)] = stored
    return BYTE_LENGTHS[padded]


def number_column(reader, fieldname: str) -> np.ndarray:
    """A column of 64-bit numbers (NumericColumn "q") as it lies in the file: big-endian, documents
    past its end holding the default, 0."""
    found = reader.column_reader(fieldname, translate=False)
    padded = np.zeros(reader.doc_count_all(), dtype=np.int64)
    if not hasattr(found, "_dbfile"):  # no document holds anything but the default
        return padded
    stored = np.frombuffer(found._dbfile.get(found._basepos, found._count * 8), dtype=">i8")
    padded[: len(stored)] = stored
    return padded


def column(reader, fieldname: str) -> list:
    """A sortable field's value for every document of the segment (bytes decoded to str)."""
    return [value.decode() if isinstance(value, bytes) else value for value in reader.column_reader(fieldname)]


def deleted(reader) -> list[int]:
    """The segment's deleted document numbers."""
    return list(reader.deleted_docs_set) if reader.has_deletions() else []
