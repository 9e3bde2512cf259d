"""The numpy side of the Whoosh engine: set operations on hits, and posting lists read straight from
a segment (archive.search.engines.whoosh.reading) equal to what Whoosh's own matchers give."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from archive.search.analysis import pretokenised_analyzer
from archive.search.engines.whoosh.execution import Hits, exclude, intersect, union
from archive.search.engines.whoosh.reading import postings


def hits(pairs: dict[int, float]) -> Hits:
    ids = np.array(sorted(pairs), dtype=np.int64)
    return Hits(ids, np.array([pairs[i] for i in sorted(pairs)], dtype=np.float32))


def as_dict(found: Hits) -> dict[int, float]:
    return {int(i): round(float(s), 4) for i, s in zip(found.ids, found.scores, strict=True)}


@pytest.mark.parametrize(
    ("left", "right", "both", "either", "left_only"),
    [
        (
            {1: 1.0, 3: 2.0, 5: 0.5},
            {3: 1.0, 4: 1.0, 5: 2.0},
            {3: 3.0, 5: 2.5},
            {1: 1.0, 3: 3.0, 4: 1.0, 5: 2.5},
            {1: 1.0},
        ),
        ({}, {2: 1.0}, {}, {2: 1.0}, {}),
        ({7: 1.0}, {7: 1.0}, {7: 2.0}, {7: 2.0}, {}),
        ({1: 1.0, 2: 1.0}, {8: 1.0, 9: 1.0}, {}, {1: 1.0, 2: 1.0, 8: 1.0, 9: 1.0}, {1: 1.0, 2: 1.0}),
    ],
)
def test_and_or_not_add_scores_where_documents_meet(left, right, both, either, left_only):
    assert as_dict(intersect([hits(left), hits(right)])) == both
    assert as_dict(union([hits(left), hits(right)])) == either
    assert as_dict(exclude(hits(left), hits(right))) == left_only
    assert as_dict(hits(left).restrict(hits(right).ids)) == {i: s for i, s in left.items() if i in right}


scored = st.dictionaries(st.integers(0, 5000), st.sampled_from([0.0, 0.25, 1.0, 2.5]), max_size=60)


@given(st.lists(scored, min_size=2, max_size=4), st.sampled_from([1, 100]))
def test_a_union_of_few_or_of_many_hits_sums_each_documents_scores(parts, spread):
    """Few hits far apart are sorted, many close together counted per document: the same answer."""
    parts = [{i * spread: score for i, score in part.items()} for part in parts]
    expected: dict[int, float] = {}
    for part in parts:
        for i, score in part.items():
            expected[i] = expected.get(i, 0.0) + score
    found = union([hits(part) for part in parts])
    assert as_dict(found) == {i: round(s, 4) for i, s in sorted(expected.items())}
    assert found.ids.dtype == np.int64 and list(found.ids) == sorted(expected)


@pytest.mark.parametrize("documents", [3, 129, 700])  # inlined, just over one block, many blocks
def test_a_posting_list_read_in_one_go_equals_whooshs_own(tmp_path, documents):
    analyzer = pretokenised_analyzer()
    schema = Schema(id=ID(stored=True), chars=TEXT(analyzer=analyzer, phrase=True))
    index = FileStorage(str(tmp_path)).create_index(schema)
    writer = index.writer()
    for number in range(documents):
        # "口罩" once to four times; every seventh document has none; others pad the length.
        text = " ".join(["口罩"] * (number % 4 + 1) + ["其他"] * (number % 11)) if number % 7 else "其他"
        writer.add_document(id=str(number), chars=text)
    writer.commit()
    with index.reader() as reader:
        (leaf, _), *_ = reader.leaf_readers()
        ids, weights = postings(leaf, "chars", "口罩")
        expected = [(docnum, weight) for docnum, weight in leaf.postings("chars", "口罩").items_as("weight")]
        assert [(int(i), float(w)) for i, w in zip(ids, weights, strict=True)] == expected
        assert len(postings(leaf, "chars", "没有")[0]) == 0


def test_phrases_are_words_at_consecutive_positions_as_whoosh_finds_them(tmp_path):
    from whoosh import query as wq

    from archive.search.analysis import PARAGRAPH_BREAK
    from archive.search.engines.whoosh.backend import build_archive_schema
    from archive.search.engines.whoosh.execution import Snapshot

    texts = [
        "nucleic acid test",  # together
        "acid nucleic test",  # reversed
        f"nucleic {PARAGRAPH_BREAK} acid",  # across a paragraph break
        "nucleic nucleic acid acid",  # together, amid repeats
        "nucleic test acid",  # apart
        "test acid test nucleic acid",  # together late
    ]
    index = FileStorage(str(tmp_path)).create_index(build_archive_schema())
    writer = index.writer()
    for number, text in enumerate(texts):
        writer.add_document(
            id=str(number), text=text, article_pk=number + 1, source_pk=0, published_sort=0, published_on=0
        )
    writer.commit()
    snapshot = Snapshot(index)
    ours = sorted(snapshot.phrase_docs("text", ["nucleic", "acid"]).tolist())
    whoosh = sorted(snapshot.searcher.docs_for_query(wq.Phrase("text", ["nucleic", "acid"])))
    assert ours == whoosh == [0, 3, 5]
    assert snapshot.phrase_docs("text", ["acid", "test"]).tolist() == [0, 5]
