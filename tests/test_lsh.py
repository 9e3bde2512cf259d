"""The LSH index of signatures (archive.lsh) and the groups built on it (archive.duplicates.Groups),
checked against datasketch's MinHashLSH, which the index replaced."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHashLSH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import duplicates, lsh


def test_the_bands_are_datasketchs_optimum_for_the_threshold():
    reference = MinHashLSH(threshold=duplicates.LSH_THRESHOLD, num_perm=duplicates.NUM_PERM)
    assert (reference.b, reference.r) == (duplicates.BANDS, duplicates.ROWS)


def stored(values: np.ndarray, size: int) -> bytes:
    return size.to_bytes(4, "little") + values.astype("<u4").tobytes()


def archive_of(seed: int, *, originals: int, copies: int) -> dict[int, bytes]:
    """Random signatures, and copies of some with a few values changed: some similar enough to
    group, some only LSH candidates, some neither."""
    rng = np.random.default_rng(seed)
    signatures: dict[int, bytes] = {}
    bases = []
    for key in range(originals):
        values = rng.integers(0, 2**32, duplicates.NUM_PERM, dtype=np.uint64)
        size = int(rng.integers(8, 2000))
        bases.append((values, size))
        signatures[key] = stored(values, size)
    for key in range(originals, originals + copies):
        values, size = bases[int(rng.integers(originals))]
        changed = rng.choice(duplicates.NUM_PERM, int(rng.integers(0, 110)), replace=False)
        values = values.copy()
        values[changed] = rng.integers(0, 2**32, len(changed), dtype=np.uint64)
        signatures[key] = stored(values, max(8, int(size * rng.uniform(0.3, 1.5))))
    return signatures


def reference_groups(signatures: dict[int, bytes]) -> list[list[int]]:
    """Connected components of "an LSH candidate (datasketch's) and similar", found pair by pair."""
    index = MinHashLSH(threshold=duplicates.LSH_THRESHOLD, num_perm=duplicates.NUM_PERM)
    read = {key: duplicates.read(value) for key, value in signatures.items()}
    for key, found in read.items():
        index.insert(key, LeanMinHash(seed=duplicates.SEED, hashvalues=found.values, scheme=duplicates.SCHEME))
    component = {key: {key} for key in read}
    for key, found in read.items():
        for other in index.query(LeanMinHash(seed=duplicates.SEED, hashvalues=found.values, scheme=duplicates.SCHEME)):
            if other != key and found.similarity(read[other]) >= duplicates.THRESHOLD:
                joined = component[key] | component[other]
                for member in joined:
                    component[member] = joined
    return sorted({tuple(sorted(group)) for group in component.values() if len(group) > 1})


@pytest.fixture(params=[lsh._TAIL_MIN, 16], ids=["default tail", "tiny tail"])
def tail(request, monkeypatch):
    """The tail's size: a tiny one makes every few inserts a merge into the main run."""
    monkeypatch.setattr(lsh, "_TAIL_MIN", request.param)


# The tail fixture only sets a constant, the same for every example.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), chunk=st.integers(1, 60), replaced=st.integers(0, 20))
def test_groups_added_in_chunks_and_replaced_are_the_components_datasketch_finds(tail, seed, chunk, replaced):
    signatures = archive_of(seed, originals=40, copies=80)
    keys = list(signatures)
    np.random.default_rng(seed).shuffle(keys)
    groups = duplicates.Groups()
    for at in range(0, len(keys), chunk):
        groups.add((key, signatures[key]) for key in keys[at : at + chunk])
    # Replace some signatures with others' (an article edited into a copy of another, or away).
    other = archive_of(seed + 1, originals=40, copies=80)
    changed = {key: other[key] for key in keys[:replaced]}
    touched = groups.add(changed.items())
    signatures.update(changed)
    expected = reference_groups(signatures)
    assert groups.groups() == [list(group) for group in expected]
    assert set(changed) <= touched


def test_a_detached_signature_is_no_candidate_and_its_group_falls_apart(tail):
    values = np.arange(duplicates.NUM_PERM, dtype=np.uint64)
    bridge = values.copy()
    bridge[:50] += 1000  # like the first in its second half
    far = bridge.copy()
    far[50:100] += 1000  # like the bridge, far from the first
    groups = duplicates.Groups()
    groups.add([(1, stored(values, 100)), (2, stored(bridge, 100)), (3, stored(far, 100))])
    assert groups.groups() == [[1, 2, 3]]
    assert sorted(groups.detach(2)) == [1, 3]
    assert groups.groups() == []
    assert 2 not in groups
    _, candidates = groups.index.candidates(np.array([0, 2]))
    assert sorted(set(candidates.tolist())) == [0, 2]  # not row 1, key 2's


def test_an_empty_or_short_signature_is_kept_alone():
    groups = duplicates.Groups()
    touched = groups.add([(1, b""), (2, b"\x00")])
    assert touched == {1, 2}
    assert groups.component(1) == [1]
    assert groups.index.count == 0
