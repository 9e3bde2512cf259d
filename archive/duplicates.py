"""Near-duplicate reposts: MinHash signatures of an article's searchable body, and groups of them
(pure: no Django here, so import workers compute signatures without the database).

A signature is datasketch's MinHash over the character shingles of the body's search form
(archive.text.normalise: NFKC, lower case, traditional → simplified), with white space and
punctuation dropped: a traditional repost of a simplified notice, or one re-punctuated by
another site, has the same shingles. Only body text counts: page furniture (a site's header,
related-articles list and footer) is what differs between sites, not what was republished.

Two articles are copies when their similarity is at least THRESHOLD. Their similarity is the
estimated Jaccard similarity of their shingle sets, or, when one is at least MIN_RATIO of the
other's size, how much of the shorter is in the longer (a repost cut short holds little of the
original's end, but all of it is in the original). Groups are the connected components of
"copies", candidates found by an LSH index (archive.lsh) (archive/copies.py applies them to the
database). The constants are tuned on real text by bench/duplicates.py (results in
bench/results/duplicates.md).
"""

from __future__ import annotations

import difflib
import threading
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from archive import lsh
from archive.text.normalise import normalise

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # datasketch's hashing scheme: 32-bit values, stored as 4 bytes each
# A shingle's hash before the permutations: CRC-32 hashes a shingle in C, over twice as fast as
# datasketch's default SHA-1 wrapper (most of a signature's time); the permutations do the mixing.
HASH = zlib.crc32
SHINGLE = 5  # characters: long enough that two posts sharing only stock phrases are far apart
MIN_SHINGLES = 8  # a body shorter than this is too short to call a copy of anything
# The similarity above which two articles are copies, and the least size ratio for which the
# containment of the shorter counts (bench/duplicates.py).
THRESHOLD = 0.6
MIN_RATIO = 0.4
# LSH finds pairs of Jaccard similarity from about this: a shorter copy wholly contained has MIN_RATIO.
LSH_THRESHOLD = 0.3
# The LSH's bands of values: datasketch's optimum for LSH_THRESHOLD at NUM_PERM permutations
# (equal weights to false positives and negatives; tests/test_lsh.py keeps them equal).
BANDS, ROWS = 37, 3
_PAIRS = 1 << 16  # candidate pairs compared at once
_DTYPE = np.dtype("<u4")
_SIZE = 4  # bytes: the shingle count, stored before the MinHash values


@dataclass(frozen=True)
class Signature:
    values: np.ndarray  # the MinHash values
    size: int  # distinct shingles

    def similarity(self, other: Signature) -> float:
        """Jaccard similarity, or the containment of the shorter when the sizes are comparable."""
        return float(scores(np.count_nonzero(self.values == other.values), self.size, other.size))


def scores(equal, first, second) -> np.ndarray:
    """Similarities from the count of equal MinHash values and the two shingle counts (numbers or
    arrays): the estimated Jaccard similarity, or, when the sizes are comparable, the larger
    containment of the shorter in the longer."""
    jaccard = np.asarray(equal, dtype=np.float64) / NUM_PERM
    small, large = np.minimum(first, second), np.maximum(first, second)
    comparable = (small > 0) & (small >= MIN_RATIO * large)
    with np.errstate(divide="ignore", invalid="ignore"):
        containment = jaccard * (small + large) / ((1 + jaccard) * small)
    return np.where(comparable, np.minimum(1.0, np.maximum(jaccard, containment)), jaccard)


def body_text(paragraphs: Iterable[tuple[str, bool]]) -> str:
    """The search form of the searchable paragraphs ((text, is_furniture) pairs), without white
    space or punctuation: what shingles are cut from."""
    text = normalise("\n".join(text for text, furniture in paragraphs if not furniture))
    return "".join(char for char in text if unicodedata.category(char)[0] in "LN")


def shingles(text: str, *, size: int = SHINGLE) -> set[bytes]:
    """The distinct character n-grams of `text` (the whole text when it is shorter)."""
    if len(text) <= size:
        return {text.encode()} if text else set()
    return {text[start : start + size].encode() for start in range(len(text) - size + 1)}


def signature(paragraphs: Iterable[tuple[str, bool]]) -> bytes:
    """The signature of an article's body ((text, is_furniture) pairs) as stored: its shingle
    count and MinHash values; b"" when the body is too short to compare."""
    cut = shingles(body_text(paragraphs))
    if len(cut) < MIN_SHINGLES:
        return b""
    minhash = _hasher()
    minhash.clear()
    minhash.update_batch(cut)
    return len(cut).to_bytes(_SIZE, "little") + minhash.hashvalues.astype(_DTYPE).tobytes()


_local = threading.local()


def _hasher() -> MinHash:
    """One MinHash per thread, cleared for each signature: building one (its permutations drawn
    from the seed) costs more than hashing a page."""
    if not hasattr(_local, "hasher"):
        _local.hasher = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=HASH)
    return _local.hasher


def read(stored: bytes) -> Signature | None:
    """A stored signature (None for b"" or one of another format)."""
    if len(stored) != _SIZE + NUM_PERM * _DTYPE.itemsize:
        return None
    return Signature(np.frombuffer(stored, dtype=_DTYPE, offset=_SIZE), int.from_bytes(stored[:_SIZE], "little"))


def similarity(first: bytes, second: bytes) -> float:
    """The similarity of two stored signatures, 0–1 (0.0 when either is empty)."""
    a, b = read(first), read(second)
    if a is None or b is None:
        return 0.0
    return round(a.similarity(b), 3)


class Groups:
    """Signatures in an LSH index (archive.lsh), and the groups their similarities make
    (union-find). Keys are article ids.

    `add` puts signatures in (replacing any under the same keys) and joins each to those it is
    similar to; `detach` takes one out of its group, which falls apart into the groups its other
    members still make."""

    def __init__(self, *, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.index = lsh.Index(bands=BANDS, rows=ROWS, width=NUM_PERM)
        self.sizes = np.empty(0, dtype=np.int64)  # a row's shingle count
        self.keys: list[int] = []  # a row's key
        self.rows: dict[int, int] = {}  # a key's row, when it has a signature
        self.parent: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}  # a root → its group's keys

    def __contains__(self, key: int) -> bool:
        return key in self.parent

    def add(self, items: Iterable[tuple[int, bytes]], *, join: bool = True) -> set[int]:
        """Index (key, stored signature) pairs; with `join`, join each key to the keys it is
        similar to. Returns the keys whose group may have changed: the added keys, and the rest
        of the groups that keys replaced were in."""
        stored = dict(items)
        touched: set[int] = set()
        for key in stored:
            if key in self.parent:
                touched.update(self.detach(key))
        signed: dict[int, Signature] = {}
        for key, signature in stored.items():
            self.parent[key] = key
            self.members[key] = [key]
            if found := read(signature):
                signed[key] = found
        touched.update(stored)
        if signed:
            rows = self.index.insert(np.stack([found.values for found in signed.values()]))
            self.sizes = np.concatenate([self.sizes, [found.size for found in signed.values()]])
            self.keys += signed
            self.rows.update(zip(signed, rows.tolist(), strict=True))
            if join:
                self._join(rows)
        return touched

    def detach(self, key: int) -> list[int]:
        """Take the key out (signature and group); the rest of its group is grouped again among
        itself (a group is closed: nothing outside it is similar to a member). Returns the rest."""
        root = self.find(key)
        rest = [member for member in self.members.pop(root) if member != key]
        if key in self.rows:
            self.index.remove([self.rows.pop(key)])
        del self.parent[key]
        for member in rest:
            self.parent[member] = member
            self.members[member] = [member]
        self._join([self.rows[member] for member in rest if member in self.rows])
        return rest

    def _join(self, rows: Sequence[int] | np.ndarray) -> None:
        """Join the rows' keys to the keys of the rows they are similar to."""
        first, second = self.index.candidates(np.asarray(rows, dtype=np.int64))
        similar = np.zeros(len(first), dtype=bool)
        for at in range(0, len(first), _PAIRS):  # bounded memory for a bucket of many copies
            a, b = first[at : at + _PAIRS], second[at : at + _PAIRS]
            equal = np.count_nonzero(self.index.values[a] == self.index.values[b], axis=1)
            similar[at : at + _PAIRS] = scores(equal, self.sizes[a], self.sizes[b]) >= self.threshold
        for a, b in zip(first[similar].tolist(), second[similar].tolist(), strict=True):
            self.union(self.keys[a], self.keys[b])

    def find(self, key: int) -> int:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:  # path compression
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a == b:
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a] += self.members.pop(b)

    def component(self, key: int) -> list[int]:
        """The sorted keys of the key's group (itself alone when it has no copies)."""
        return sorted(self.members[self.find(key)])

    def groups(self) -> list[list[int]]:
        """The groups of more than one key, each sorted, in order of their smallest key."""
        return sorted((sorted(group) for group in self.members.values() if len(group) > 1), key=lambda g: g[0])


EDITED = 0.5  # character similarity from which a replaced paragraph is shown as edited, not replaced


@dataclass(frozen=True)
class DiffLine:
    """One paragraph of a copy compared with the earliest copy: kept, added (only in this copy),
    removed (only in the earliest), or changed (with the parts that differ, for highlighting)."""

    kind: str  # "same", "added", "removed" or "changed"
    text: str
    earlier: str = ""  # the earliest copy's paragraph, for a changed one
    parts: tuple[tuple[str, str], ...] = ()  # ("same"|"added"|"removed", text) of a changed paragraph


def paragraph_diff(*, earliest: Sequence[str], copy: Sequence[str]) -> list[DiffLine]:
    """The copy's paragraphs against the earliest copy's, compared by their search form (so a
    traditional repost of simplified text differs only where the words do); a changed paragraph
    carries its character-level changes, in the copy's own text."""
    a = [normalise(text) for text in earliest]
    b = [normalise(text) for text in copy]
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", text) for text in copy[j1:j2]]
            continue
        # Paragraphs replaced one for one, in order, are edits of each other when mostly alike.
        paired = 0
        while paired < min(i2 - i1, j2 - j1):
            i, j = i1 + paired, j1 + paired
            if difflib.SequenceMatcher(None, a[i], b[j], autojunk=False).ratio() < EDITED:
                break
            lines.append(_changed(earliest[i], copy[j], a[i], b[j]))
            paired += 1
        lines += [DiffLine("removed", text) for text in earliest[i1 + paired : i2]]
        lines += [DiffLine("added", text) for text in copy[j1 + paired : j2]]
    return lines


def _changed(old: str, new: str, old_norm: str, new_norm: str) -> DiffLine:
    """A paragraph edited in the copy; normalise keeps lengths, so offsets in the search forms
    are offsets in the texts."""
    if len(old_norm) != len(old) or len(new_norm) != len(new):
        return DiffLine("changed", new, earlier=old, parts=(("removed", old), ("added", new)))
    parts: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_norm, new_norm, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(("same", new[j1:j2]))
            continue
        if i2 > i1:
            parts.append(("removed", old[i1:i2]))
        if j2 > j1:
            parts.append(("added", new[j1:j2]))
    return DiffLine("changed", new, earlier=old, parts=tuple(parts))
