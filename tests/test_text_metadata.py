"""Title, date, source and translation pairs read off the pages."""

from __future__ import annotations

import datetime

import pytest

from archive.text import years
from archive.text.metadata import (
    PubDate,
    SourceInfo,
    find_date,
    find_original_url,
    find_source,
    footer_owner,
    header_sources,
    host_of,
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
        # a year written in the text is no evidence of when the page was published: it stays unknown
        (["03.04 标题", "2020年3月4日,福田区…"], ["title", "body"], PubDate(None, 3, 4)),
        (["02.03 標題", "患者男，1972年出生"], ["title", "body"], PubDate(None, 2, 3)),
        (["02.03 標題", "2018年度工作總結"], ["title", "body"], PubDate(None, 2, 3)),
        (["03.04 2020年3月4日深圳通报"], ["title"], PubDate(None, 3, 4)),
        (["03.04 标题", "· 2022-12-07 15:58:54"], ["title", "boilerplate"], PubDate(None, 3, 4)),
        (["标题", "时间:2020-03-31 07:00:57"], ["title", "metadata"], PubDate(2020, 3, 31)),
        # a metadata line's month and day without a year; it wins over a date in the title
        (["标题 2020年1月25日", "03-04 10:00 来源：新华社"], ["title", "metadata"], PubDate(None, 3, 4)),
        (["标题", "发布日期：03月04日 信息来源：新华社"], ["title", "metadata"], PubDate(None, 3, 4)),
        # a date in a long body paragraph is an event, not the publication date
        (["标题", "2020年3月26日" + "正文" * 100], ["title", "body"], PubDate(None, None, None)),
        (["13.45 标题"], ["title"], PubDate(None, None, None)),
    ],
    ids=[
        "partial", "no-year-from-body", "no-birth-year", "no-fiscal-year", "no-year-from-title-text",
        "not-from-furniture", "metadata-line", "metadata-partial", "metadata-partial-cn", "not-from-body",
        "invalid-prefix",
    ],
)  # fmt: skip
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
        # a copyright line that gives only a host names the site, not an outlet
        (["Copyright © 2020 www.southcn.com All Rights Reserved"], None),
        # filled headers: the source named in them
        (["时间:2020-01-30 10:07:43  来源:央视新闻  作者:网络"], SourceInfo("央视新闻")),
        (["From: CNN | Updated:2020-03-16"], SourceInfo("CNN")),
        (["正文【来源:深圳新闻网】"], SourceInfo("深圳新闻网")),
        (["Source: Shenzhen Daily"], SourceInfo("Shenzhen Daily")),
    ],
)
def test_find_source(texts: list[str], expected: SourceInfo | None) -> None:
    assert find_source(texts) == expected


def test_a_credit_in_a_list_of_other_articles_is_not_the_pages() -> None:
    texts = ["标题", "正文", "相关新闻", "· 另一篇 来源：新华社"]
    assert find_source(texts) == SourceInfo("新华社")
    assert find_source(texts, skip={2, 3}) is None
    assert parse_page("\n".join(texts).encode()).source_name == ""


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("时间:2020-01-30 10:07:43  来源:央视新闻  作者:网络", ["央视新闻"]),
        ("时间:2020-03-31 07:00:57\xa0\xa0来源:\xa0\xa0作者:网络", []),  # seed 002: empty
        ("From: CNN | Updated:2020-03-16", ["CNN"]),
        ("From: | Updated:2020-03-20", []),  # seed 000: empty
        ("From: China Daily | Updated:2020-03-16", ["China Daily"]),
        ("发布时间：2020-03-04 10:00:12 来源：深圳新闻网", ["深圳新闻网"]),
        ("来源：人民日报 | 发布时间：2020-03-04", ["人民日报"]),
        ("发布日期：2020-03-04 信息来源：南方都市报 浏览次数：123", ["南方都市报"]),
        ("2020-03-04 10:00 来源: 新华社 作者：记者 王磊", ["新华社"]),
        ("发布日期：2020年03月04日 信息来源：中国新闻网 【字体：大 中 小】", ["中国新闻网"]),
        ("03-04 10:00 From: 央视新闻", ["央视新闻"]),
        ("來源：東莞陽光網 2020-03-04", ["東莞陽光網"]),
        ("资金来源：财政拨款", []),  # not a credit: 资金来源 is "source of funds"
        ("来源：" + "长" * 60, []),  # too long to be a name
    ],
)
def test_header_sources(text: str, names: list[str]) -> None:
    assert header_sources(text) == names


def test_footer_owner_and_site() -> None:
    assert footer_owner(["热讯网 - 热讯电视网 版权所有 备案号:豫ICP备20005723号-6"]) == SourceInfo("热讯网")
    assert footer_owner(["Copyright © 2020 www.southcn.com All Rights Reserved"]) == SourceInfo("", "southcn.com")
    assert footer_owner(["正文"]) is None


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://www.sz.gov.cn/cn/xxgk/post_1.html", "sz.gov.cn"),
        ("https://News.SouthCN.com:8080/a", "news.southcn.com"),
        ("not a url", ""),
        ("http://[::1", ""),
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host


# --- Years from evidence (archive.text.years) -----------------------------------------------


@pytest.mark.parametrize(
    ("url", "month", "day", "year"),
    [
        ("https://www.sznews.com/content/2020-03/04/content_1.htm", 3, 4, 2020),
        ("http://news.example.cn/2019/12/30/a.html", 12, 30, 2019),
        ("http://www.gov.cn/xinwen/202003/04/content_5486.htm", 3, 4, 2020),
        ("http://www.gov.cn/zhengce/content/t20200304_123456.htm", 3, 4, 2020),
        ("http://www.gov.cn/xxgk/202003/t123.html", 3, None, 2020),
        ("http://x.cn/2020-03/04/a.htm", 4, 3, None),  # the URL's date is another day
        ("http://www.sz.gov.cn/cn/xxgk/zwdt/content/post_7000012.html", 3, 4, None),  # no date
        ("http://x.cn/a?date=2020-03-04", 3, 4, 2020),
    ],
)
def test_year_from_url(url: str, month: int, day: int | None, year: int | None) -> None:
    assert years.year_from_url(url, month=month, day=day) == year


@pytest.mark.parametrize(
    ("captured", "month", "day", "year"),
    [
        (datetime.datetime(2020, 3, 21, 8, 0, tzinfo=datetime.UTC), 3, 4, 2020),
        (datetime.datetime(2020, 3, 21, 8, 0, tzinfo=datetime.UTC), 3, 21, 2020),
        (datetime.datetime(2021, 1, 5, tzinfo=datetime.UTC), 12, 30, 2020),  # a page from before New Year
    ],
)
def test_year_from_capture(captured: datetime.datetime, month: int, day: int, year: int) -> None:
    assert years.year_from_capture(captured, month=month, day=day) == year


@pytest.mark.parametrize(
    ("dated", "month", "day", "year"),
    [
        ([datetime.date(2020, 3, 20), datetime.date(2020, 3, 25)], 3, 4, 2020),
        ([datetime.date(2020, 1, 3)], 12, 30, 2019),  # across New Year
        ([datetime.date(2019, 12, 28), datetime.date(2020, 1, 2)], 1, 1, 2020),
        ([datetime.date(2016, 3, 4)], 3, 4, 2016),
        ([datetime.date(2020, 6, 30)], 3, 4, None),  # too far from any neighbour in any year
        ([], 3, 4, None),
        ([datetime.date(2019, 3, 1)], 2, 29, None),  # no 29 February near 2019
        ([datetime.date(2020, 3, 1)], 2, 29, 2020),
    ],
)
def test_year_from_neighbours(dated: list[datetime.date], month: int, day: int, year: int | None) -> None:
    assert years.year_from_neighbours(month=month, day=day, dated=dated) == year


def test_infer_year_prefers_the_url_to_the_capture_date() -> None:
    captured = datetime.datetime(2021, 5, 1, tzinfo=datetime.UTC)
    assert years.infer_year(month=3, day=4, url="http://x.cn/2020/03/04/a", captured_at=captured) == 2020
    assert years.infer_year(month=3, day=4, url="http://x.cn/a", captured_at=captured) == 2021
    assert years.infer_year(month=3, day=4) is None
    assert years.infer_year(month=None, day=None, captured_at=captured) is None


def test_a_text_page_takes_its_year_from_its_url_line_not_its_text() -> None:
    text = "03.04 深圳复工复产\n1972年出生的患者已出院，2018年度数据…\n原文链接：https://www.sznews.com/content/2020-03/04/c.htm\n"
    page = parse_page(text.encode())
    assert (page.pub_year, page.pub_month, page.pub_day, page.pub_year_inferred) == (2020, 3, 4, True)
    assert page.site == "sznews.com"
    without_url = parse_page("03.04 深圳复工复产\n1972年出生的患者已出院，2018年度数据…\n".encode())
    assert (without_url.pub_year, without_url.pub_year_inferred) == (None, False)


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
