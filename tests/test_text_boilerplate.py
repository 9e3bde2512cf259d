"""Roles of paragraphs: every paragraph of every seed has its expected role, both ways."""

from __future__ import annotations

from functools import cache

import pytest

from archive.text.boilerplate import classify_roles, is_furniture_line, is_metadata_line
from archive.text.pipeline import parse_page
from tests.support.seeds import SEEDS_DIR

T, M, B = "title", "metadata", "boilerplate"

# seed → (number of paragraphs, {position: role} for every paragraph that is not body)
EXPECTED: dict[str, tuple[int, dict[int, str]]] = {
    # 1 title, 2 "From: | Updated:…", 3–12 five EN/ZH pairs, 13 "attachment:"
    "000": (13, {1: T, 2: M, 13: B}),
    # site header, title, source name, account banner, "Focus on", "Source prize", body, sales widget, privacy
    "001": (14, {1: B, 2: T, 3: M, 4: B, 5: B, 6: B, 13: B, 14: B}),
    # breadcrumb, title, 时间/来源 line, 原标题, body 5–20, 制版 credit, then 相关下载… to the end
    "002": (72, {1: B, 2: T, 3: M, 4: M} | dict.fromkeys(range(21, 73), B)),
    # title with "03.04 " prefix; the title repeated as image alt text; 分享到 / 相關文章
    "003": (83, {1: T} | dict.fromkeys((10, 20, 26, 29, 37, 53, 61, 63, 69, 82, 83), B)),
    # breadcrumb, title, body 3–11, 关键词 / 责任编辑 / 推荐阅读 list / footer
    "004": (29, {1: B, 2: T} | dict.fromkeys(range(12, 30), B)),
}

CASES = [
    pytest.param(seed, position, roles.get(position, "body"), id=f"{seed}-p{position}")
    for seed, (count, roles) in EXPECTED.items()
    for position in range(1, count + 1)
]


@cache
def parsed(seed: str):
    return parse_page(next(SEEDS_DIR.glob(f"{seed}_*.txt")).read_bytes())


@pytest.mark.parametrize(("seed", "position", "role"), CASES)
def test_every_seed_paragraph_has_its_role(seed: str, position: int, role: str) -> None:
    paragraph = parsed(seed).paragraphs[position - 1]
    assert paragraph.position == position
    assert (paragraph.role, paragraph.is_boilerplate) == (role, role in (M, B)), paragraph.text[:80]


@pytest.mark.parametrize(("seed", "count"), [(seed, count) for seed, (count, _) in EXPECTED.items()])
def test_seed_paragraph_count(seed: str, count: int) -> None:
    assert len(parsed(seed).paragraphs) == count


# A few lines named in the issue, checked by text so that the table above cannot drift.
@pytest.mark.parametrize(
    ("seed", "text", "role"),
    [
        ("000", "attachment:", B),
        ("000", "From: | Updated:2020-03-20", M),
        ("001", "Official account of Southern Metropolis Daily 9 hours ago", B),
        ("001", "Focus on", B),
        ("001", "Source prize", B),
        ("001", "Get the latest price? We'll respond as soon as possible(within 12 hours)", B),
        ("001", "Privacy policy", B),
        ("002", "您当前所在位置: > 爆料站 > 扒一扒", B),
        ("002", "相关下载", B),
        ("002", "玩家评论", B),
        ("002", "阅读: 0", B),
        ("002", "精彩推荐", B),
        ("002", "清溪镇一手抓防疫,一手抓复工复产。", "body"),
        ("003", "分享到:", B),
        ("003", "相關文章:", B),
        ("003", "一如往年,這個冬天不太冷", "body"),
        ("003", "△福田區真功夫新聞路店復工", "body"),
        ("003", "2月23日", "body"),
        ("004", "首页 > 社会 >", B),
        ("004", "关键词: 有关部门 重点企业 工业企业", B),
        ("004", "责任编辑:Rex_07", B),
        ("004", "推荐阅读", B),
        ("004", "· 2022-12-07 15:58:54", B),
        ("004", "关于我们  联系我们  商务合作  诚聘英才  网站地图", B),
        ("004", "营业执照公示信息", B),
    ],
)
def test_named_lines(seed: str, text: str, role: str) -> None:
    # Pages use no-break spaces inside lines; compare with plain spaces.
    roles = {paragraph.text.replace("\xa0", " "): paragraph.role for paragraph in parsed(seed).paragraphs}
    assert roles[text] == role


LONG_BODY = "时间：2020-03-26 " + "深圳市疫情防控指挥部发布通告。" * 2000


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # a long paragraph that begins like a metadata line is body
        (["标题", LONG_BODY], [T, "body"]),
        (["标题", "时间：2020-03-26 10:00"], [T, M]),
        # a share button under the title does not swallow the article
        (["标题", "分享到:", "正文" * 60, "相关文章"], [T, B, "body", B]),
        (["Title", "Body " * 40, "Related articles:", "Another headline"], [T, "body", B, B]),
        # the title repeated later is furniture; other short lines stay body
        (["03.04 标题", "短句", "标题", "标题之后"], [T, "body", B, "body"]),
        (["Southern Metropolis Daily", "Body " * 40], [T, "body"]),
    ],
    ids=["long-metadata-like", "short-metadata", "share-at-top", "related-en", "title-repeat", "no-source"],
)
def test_classify_roles(texts: list[str], expected: list[str]) -> None:
    assert classify_roles(texts) == expected


def test_source_name_line_is_metadata() -> None:
    texts = ["Title", "Southern Metropolis Daily", "Body " * 40]
    assert classify_roles(texts, source_names=["Southern Metropolis Daily"]) == [T, M, "body"]


@pytest.mark.parametrize(
    ("text", "furniture", "metadata"),
    [
        ("Copyright @ 2008-2020 tv.rexun.cn Corporation, All Rights Reserved", True, False),
        ("Official website of Shenzhen COVID-19 Prevention and Control Headquarters", True, False),
        ("時間:2020-03-31", False, True),
        ("Updated:2020-03-20", False, True),
        ("一如往年,這個冬天不太冷", False, False),
        ("关键词: " + "疫情" * 100, False, False),  # long: never furniture
    ],
)
def test_line_predicates(text: str, furniture: bool, metadata: bool) -> None:
    assert (is_furniture_line(text), is_metadata_line(text)) == (furniture, metadata)
