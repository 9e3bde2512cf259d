"""Locality-sensitive hashing of MinHash signatures, held in numpy arrays (pure).

Why not datasketch's MinHashLSH: its in-memory storage keeps a Python set per band bucket and a
tuple of byte strings per key, about 6.5 KB an article (650 MB at 100,000, most of the import's
memory beyond the index writer). Here an article costs its signature's values (4 bytes each) and
its band hashes (8 bytes each, and a 4-byte row number): 131 MB at 100,000 (bench/results/lsh.md).

A signature's first bands × rows values are cut into bands of `rows` values (datasketch's layout);
each band is hashed with its number to 64 bits, and two signatures are candidates when a band
hash is equal, as when datasketch's band keys are (a 64-bit collision only adds a candidate,
which the caller's similarity then judges).

Band hashes are kept sorted with their row numbers: a large main run and a small tail that new
signatures are merged into, itself merged into the main run when it outgrows a quarter of it, so
an insert copies the tail rather than the whole index; a lookup is a binary search in both.
Removed rows are dropped from the runs at that merge.
"""

from __future__ import annotations

import numpy as np

_TAIL_MIN = 1 << 16  # band hashes the tail holds before it is merged, at least
_CHUNK = 4096  # rows looked up at once
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


class Index:
    """Signatures by row number (0, 1, … in order of insertion), with their band hashes."""

    def __init__(self, *, bands: int, rows: int, width: int) -> None:
        if bands * rows > width:
            raise ValueError(f"{bands} bands of {rows} values need {bands * rows} values, not {width}")
        self.bands, self.rows, self.width = bands, rows, width
        self.values = np.empty((0, width), dtype=np.uint32)
        self.alive = np.empty(0, dtype=bool)
        self.count = 0
        self._main = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int32))
        self._tail = self._main

    def insert(self, values: np.ndarray) -> np.ndarray:
        """Add signatures (an array of shape (n, width)); returns their row numbers."""
        values = np.asarray(values, dtype=np.uint32).reshape(-1, self.width)
        start, end = self.count, self.count + len(values)
        if end > len(self.values):
            capacity = max(end, 2 * len(self.values), 1024)
            self.values = _grown(self.values, (capacity, self.width))
            self.alive = _grown(self.alive, (capacity,))
        self.values[start:end] = values
        self.alive[start:end] = True
        self.count = end
        added = np.arange(start, end, dtype=np.int64)
        keys = self.band_hashes(values).ravel()
        order = np.argsort(keys, kind="stable")
        self._tail = _merged(self._tail, (keys[order], np.repeat(added.astype(np.int32), self.bands)[order]))
        if len(self._tail[0]) > max(_TAIL_MIN, len(self._main[0]) // 4):
            self._main = _merged(self._live(self._main), self._live(self._tail))
            self._tail = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int32))
        return added

    def remove(self, rows: np.ndarray) -> None:
        """Take rows out: they are never candidates again."""
        self.alive[np.asarray(rows, dtype=np.int64)] = False

    def candidates(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pairs (row, other) where `other` is a live row, not `row`, sharing a band hash
        with `row`; each pair once, ordered by row then other."""
        rows = np.asarray(rows, dtype=np.int64)
        # In chunks: before duplicates are dropped, every band's matches are held, and a bucket of
        # many copies makes them quadratic in its size.
        pairs = np.unique(
            np.concatenate(
                [self._pairs(rows[at : at + _CHUNK]) for at in range(0, len(rows), _CHUNK)]
                or [np.empty(0, dtype=np.int64)]
            )
        )
        return pairs >> 32, pairs & 0xFFFFFFFF

    def _pairs(self, rows: np.ndarray) -> np.ndarray:
        """The candidate pairs of `rows`, each as row << 32 | other, unique."""
        keys = self.band_hashes(self.values[rows]).ravel()
        found = [_lookup(run, keys) for run in (self._main, self._tail)]
        query = np.concatenate([rows[index // self.bands] for index, _ in found])
        other = np.concatenate([match for _, match in found])
        keep = (query != other) & self.alive[other]
        return np.unique((query[keep] << 32) | other[keep])

    def band_hashes(self, values: np.ndarray) -> np.ndarray:
        """Each signature's band hashes, shape (n, bands)."""
        cut = values[:, : self.bands * self.rows].astype(np.uint64).reshape(len(values), self.bands, self.rows)
        hashed = np.broadcast_to(np.arange(self.bands, dtype=np.uint64), cut.shape[:2]).copy()
        with np.errstate(over="ignore"):
            for column in range(self.rows):
                hashed = _mixed((hashed * _GOLDEN) ^ cut[:, :, column])
        return hashed

    def _live(self, run: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        keys, rows = run
        keep = self.alive[rows]
        return run if keep.all() else (keys[keep], rows[keep])


def _mixed(value: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    value = value ^ (value >> np.uint64(30))
    value = value * _MIX[0]
    value = value ^ (value >> np.uint64(27))
    value = value * _MIX[1]
    return value ^ (value >> np.uint64(31))


def _grown(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    grown = np.zeros(shape, dtype=array.dtype)
    grown[: len(array)] = array
    return grown


def _merged(
    first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs as one (a linear merge: each element is copied once)."""
    at = np.searchsorted(first[0], second[0], side="right")
    return np.insert(first[0], at, second[0]), np.insert(first[1], at, second[1])


def _lookup(run: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (position in `keys`, row) where the run holds that key."""
    sorted_keys, rows = run
    low = np.searchsorted(sorted_keys, keys, side="left")
    counts = np.searchsorted(sorted_keys, keys, side="right") - low
    total = int(counts.sum())
    index = np.repeat(np.arange(len(keys)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return index, rows[np.repeat(low, counts) + offsets]
