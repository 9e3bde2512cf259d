"""Title, date, source and translation pairs read off the pages."""

from __future__ import annotations

import pytest

from archive.text.metadata import (
    PubDate,
    SourceInfo,
    find_date,
    find_original_url,
    find_source,
    parse_full_date,
    strip_leading_date,
)
from archive.text.pipeline import parse_page


def parse_seed(seeds_dir, seed: str):
    return parse_page(next(seeds_dir.glob(f"{seed}_*.txt")).read_bytes())


@pytest.mark.parametrize(
    ("seed", "title", "date", "language", "source", "pairs"),
    [
        (
            "000",
            "Daily Briefing on Fighting against COVID-19(March 20, 2020)",
            (2020, 3, 20, False),
            "mixed",
            ("深圳新闻网", "sznews.com"),
            [(3, 4), (5, 6), (7, 8), (9, 10), (11, 12)],
        ),
        (
            "001",
            "Enterprises meeting the requirements for epidemic prevention in Shenzhen Bao 'an can resume "
            "operations in an orderly manner after filing",
            (None, None, None, False),
            "en",
            ("Southern Metropolis Daily", ""),
            [],
        ),
        ("002", "打好疫情防控战按下复产加速键", (2020, 3, 31, False), "zh-Hans", ("", ""), []),
        (
            "003",
            "精度、力度、溫度!福田推一攬子解決方案,為轄區經濟“輸氧”“供血”",
            (None, 3, 4, False),
            "zh-Hant",
            ("", ""),
            [],
        ),
        (
            "004",
            "细微处下功夫,以最小代价实现最大防控效果",
            (None, None, None, False),
            "zh-Hans",
            ("热讯网", "tv.rexun.cn"),
            [],
        ),
    ],
)
def test_seed_metadata(seeds_dir, seed, title, date, language, source, pairs) -> None:
    page = parse_seed(seeds_dir, seed)
    assert page.title == title
    assert (page.pub_year, page.pub_month, page.pub_day, page.pub_year_inferred) == date
    assert page.language == language
    assert (page.source_name, page.source_domain) == source
    assert [(p.position, p.pair_position) for p in page.paragraphs if p.pair_position] == pairs
    assert page.original_url == ""


def test_bilingual_pairs_join_english_to_chinese(seeds_dir) -> None:
    page = parse_seed(seeds_dir, "000")
    by_position = {p.position: p for p in page.paragraphs}
    for paragraph in page.paragraphs:
        if paragraph.pair_position:
            assert paragraph.language == "en"
            assert by_position[paragraph.pair_position].language == "zh-Hans"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("From: | Updated:2020-03-20", PubDate(2020, 3, 20)),
        ("时间:2020-03-31 07:00:57  来源:  作者:网络", PubDate(2020, 3, 31)),
        ("发布日期：2020年3月4日", PubDate(2020, 3, 4)),
        ("Daily Briefing on Fighting against COVID-19(March 20, 2020)", PubDate(2020, 3, 20)),
        ("Posted 4 Mar 2020", PubDate(2020, 3, 4)),
        ("2020/3/5", PubDate(2020, 3, 5)),
        ("2020-13-45", None),
        ("3月19日", None),
        ("03.04 标题", None),
    ],
)
def test_parse_full_date(text: str, expected: PubDate | None) -> None:
    assert parse_full_date(text) == expected


@pytest.mark.parametrize(
    ("texts", "roles", "expected"),
    [
        (["03.04 标题", "正文"], ["title", "body"], PubDate(None, 3, 4)),
        # the year of a full date elsewhere in the page's own text is borrowed, and marked inferred
        (["03.04 标题", "2020年3月4日,福田区…"], ["title", "body"], PubDate(2020, 3, 4, year_inferred=True)),
        # … but never from page furniture
        (["03.04 标题", "· 2022-12-07 15:58:54"], ["title", "boilerplate"], PubDate(None, 3, 4)),
        (["标题", "时间:2020-03-31 07:00:57"], ["title", "metadata"], PubDate(2020, 3, 31)),
        # a date in a long body paragraph is an event, not the publication date
        (["标题", "2020年3月26日" + "正文" * 100], ["title", "body"], PubDate(None, None, None)),
        (["13.45 标题"], ["title"], PubDate(None, None, None)),
    ],
    ids=["partial", "inferred-year", "not-from-furniture", "metadata-line", "not-from-body", "invalid-prefix"],
)
def test_find_date(texts, roles, expected) -> None:
    assert find_date(texts, roles) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03.04 精度、力度、溫度!", "精度、力度、溫度!"),
        ("3.17 members of the team", "members of the team"),
        ("2020 plans", "2020 plans"),
        ("标题", "标题"),
    ],
)
def test_strip_leading_date(text: str, expected: str) -> None:
    assert strip_leading_date(text) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Body text (Source: sznews.com)", "中文正文【来源:深圳新闻网】"], SourceInfo("深圳新闻网", "sznews.com")),
        (["Body text (Source: Shenzhen Release)"], SourceInfo("Shenzhen Release")),
        (["中文正文【来源:深圳发布】"], SourceInfo("深圳发布")),
        (["来源:南方日报"], SourceInfo("南方日报")),
        (["时间:2020-03-31 07:00:57  来源:  作者:网络"], None),
        (["Official account of Southern Metropolis Daily 9 hours ago"], SourceInfo("Southern Metropolis Daily")),
        (
            ["Copyright @ 2008-2020 tv.rexun.cn Corporation", "热讯网 - 热讯电视网 版权所有"],
            SourceInfo("热讯网", "tv.rexun.cn"),
        ),
        (["Nothing here"], None),
    ],
)
def test_find_source(texts: list[str], expected: SourceInfo | None) -> None:
    assert find_source(texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (
            ["原文链接：https://www.sznews.com/news/content/2020-03/20/content_1.htm"],
            "https://www.sznews.com/news/content/2020-03/20/content_1.htm",
        ),
        (["http://example.org/a"], "http://example.org/a"),
        (["see http://example.org/a for more"], ""),
        (["no url"], ""),
    ],
)
def test_find_original_url(texts: list[str], expected: str) -> None:
    assert find_original_url(texts) == expected
