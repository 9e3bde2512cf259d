"""Taiwan and Hong Kong wording finds mainland wording and back, through the whole search."""

from __future__ import annotations

import pytest

from archive.search.results import search_articles
from tests.support.seeds import found_files, import_texts

PAGES = {
    # A Taiwan page: traditional script, Taiwan words (紐西蘭, 資訊, 軟體, 小程式, 部落格).
    "taiwan.txt": "03.04 紐西蘭防疫資訊\n\n紐西蘭衛生部透過小程式發佈疫情資訊，民眾可下載防疫軟體，也可以看部落格。\n",
    # A mainland page saying the same in mainland words.
    "mainland.txt": "03.05 新西兰防疫信息\n\n新西兰卫生部通过小程序发布疫情信息，民众可下载防疫软件，也可以看博客。\n",
    # A mainland page that uses 小程序 and 进程 in their mainland senses.
    "process.txt": "03.06 系统说明\n\n后台进程定时清理，微信小程序照常使用。\n",
}


@pytest.fixture
def regional(db, tmp_path):
    import_texts(tmp_path, PAGES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("紐西蘭", {"taiwan", "mainland"}),
        ("新西兰", {"taiwan", "mainland"}),
        ("資訊", {"taiwan", "mainland"}),
        ("信息", {"taiwan", "mainland"}),
        ("軟體", {"taiwan", "mainland"}),
        ("软件", {"taiwan", "mainland"}),
        ("部落格", {"taiwan", "mainland"}),
        ("博客", {"taiwan", "mainland"}),
        ("小程式", {"taiwan", "mainland", "process"}),
        # Substrings of the original wording still find it (and only it).
        ("紐西", {"taiwan"}),
        ("纽西", {"taiwan"}),
        ("落格", {"taiwan"}),
        # Mainland 小程序 is mainland 小程序, not Taiwan's 程序 ("process").
        ("小程序", {"taiwan", "mainland", "process"}),
        ("进程", {"process"}),
        ("防疫軟體", {"taiwan", "mainland"}),
        ("下載防疫軟體", {"taiwan", "mainland"}),
    ],
)
def test_either_wording_finds_both(regional, query, expected):
    assert set(found_files(query)) == expected


def test_the_original_phrase_is_highlighted_and_the_bridge_explained(regional):
    page = search_articles(query="信息")
    hits = {hit.article.source_file: hit for hit in page.results}
    assert any("<mark>資訊</mark>" in str(p.snippet) for p in hits["taiwan.txt"].paragraphs)
    assert "<mark>信息</mark>" in str(hits["mainland.txt"].title)
    taiwan = search_articles(query="紐西蘭 軟體")
    assert taiwan.explain["regional"] == [
        {"term": "纽西兰", "forms": ["新西兰"]},
        {"term": "软体", "forms": ["软件"]},
    ]
    assert {hit.article.source_file for hit in taiwan.results} == {"taiwan.txt", "mainland.txt"}


def test_the_search_page_shows_the_mainland_wording_searched(regional, client):
    html = client.get("/search/", {"q": "紐西蘭"}).content.decode()
    assert "新西兰" in html
    assert "<mark>紐西蘭</mark>" in html and "<mark>新西兰</mark>" in html
