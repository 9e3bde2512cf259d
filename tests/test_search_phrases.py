"""A phrase, or a word with punctuation inside, holding Chinese: its runs must follow one another
(punctuation and spaces between them do not count), not merely all occur somewhere."""

from __future__ import annotations

import pytest

from archive.search.results import search_articles
from tests.support.seeds import found_files, import_texts

PAGES = {
    # The headline the real corpus repeats: 急转！急寻…
    "alert.txt": "01.26 急转！急寻\n\n急转！急寻18日汉口至北京T3038次列车乘客，请速与当地联系。\n",
    # Both words, far apart: not the phrase.
    "apart.txt": "01.27 急转\n\n宁夏发现境外输入病例，急寻密切接触者。\n",
    # The two words written together, in one run.
    "together.txt": "01.28 通知\n\n复工复产有序推进，急转急寻不再需要。\n",
    # Traditional script, punctuation of another width.
    "traditional.txt": "01.29 急轉\n\n【急轉!急尋】武漢至河北Z162次列車乘客。\n",
    # Latin words between two Chinese runs.
    "latin.txt": "01.30 通告\n\n新增病例 COVID-19 疫情通报如下。\n",
}


@pytest.fixture
def phrases(db, tmp_path):
    import_texts(tmp_path, PAGES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"急转！急寻"', {"alert", "together", "traditional"}),
        ("急转！急寻", {"alert", "together", "traditional"}),
        ('"急转 急寻"', {"alert", "together", "traditional"}),
        ('"急轉，急尋"', {"alert", "together", "traditional"}),
        ("急转 急寻", {"alert", "apart", "together", "traditional"}),  # two words: both, anywhere
        ('"复工 复产"', {"together"}),
        ('"急寻 急转"', set()),  # out of order
        ('"病例 疫情"', {"latin"}),  # latin words between leave the Chinese runs adjacent
    ],
)
def test_phrase_runs_follow_one_another(phrases, query, expected):
    assert set(found_files(query)) == expected


def test_the_whole_phrase_is_highlighted_with_its_punctuation(phrases):
    page = search_articles(query='"急转！急寻"')
    hits = {hit.article.source_file: hit for hit in page.results}
    assert page.count == 3
    assert any("<mark>急转！急寻</mark>18日" in str(p.snippet) for p in hits["alert.txt"].paragraphs)
    assert any("<mark>急轉!急尋</mark>" in str(p.snippet) for p in hits["traditional.txt"].paragraphs)
