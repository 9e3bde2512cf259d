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
        # a related list on a short page: the heading and its items, whatever came before them
        (["标题", "短正文。", "相关新闻", "· 另一篇", "· 第三篇", "返回首页"], [T, "body", B, B, B, B]),
        # a list ends at a line longer than a title
        (["标题", "推荐阅读", "另一篇", "正文" * 120], [T, B, B, "body"]),
        # a heading-like line inside the text that names no list stays body (seed 003's 相關政策、指引一覽)
        (["标题", "相关政策、指引一览", "1、福田区推出11条"], [T, "body", "body"]),
    ],
    ids=[
        "long-metadata-like", "short-metadata", "share-at-top", "related-en", "title-repeat", "no-source",
        "short-page-related", "list-ends", "not-a-list-heading",
    ],
)  # fmt: skip
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


# What makes a line furniture, beyond the seeds' own lines: each rule with lines it must catch, in
# simplified, traditional (Taiwan phrasing) and English forms.
@pytest.mark.parametrize(
    "text",
    [
        # page controls: share, print, close, back, font size, follow, legal links, attachments
        "· 返回首页", "返回首頁", "【返回顶部】", "· 返回列表", "Back to Home", "Back to top",
        "Share this article", "Share this:", "Share on WeChat | Weibo | Facebook", "分享到：微信 微博 QQ空间",
        "分享到：微信微博复制链接", "分享：微信 | 微博 | 复制链接", "分享到：微信 微博 QQ空間",
        "【字体：大 中 小】", "字号：大 中 小", "【字號 大 中 小】 【列印】 【關閉】", "【打印本页】 【关闭窗口】",
        "【列印本頁】 【關閉視窗】", "打印本页 | 关闭窗口", "Print | Close", "扫一扫在手机打开当前页",
        "掃一掃在手機開啟當前頁", "Follow us", "Terms of use", "Cookie policy", "附件：",
        # navigation: breadcrumbs, menus, prev/next
        "您现在的位置：首页 >> 工作动态", "当前位置：首页 > 疫情防控 > 正文", "首页 › 新闻 › 国内",
        "首页 | 要闻动态 | 政务公开 | 政务服务 | 互动交流", "上一篇：体育老师淡定指挥拔河",
        "下一篇：跨境电商所购物品可退货啦",
        # credits, counters
        "责任编辑：陈静", "責任編輯：李娜", "（责任编辑：张伟）", "浏览次数：123", "阅读 12",
        # the site's footer: copyright, registrations, site ID, owner
        "版权所有 © 2020 深圳政府在线 京ICP证060535号", "Copyright © 2020 China Daily. All rights reserved.",
        "网站标识码：4403000001", "網站標識碼：4403000001", "粤公网安备 44030402000001号",
        "京ICP证060535号 | 互联网新闻信息服务许可证：44120170002",
        "主办：深圳市人民政府办公厅 承办：深圳市政务服务数据管理局",
        "网站地图 | 联系我们 | 网站声明",
        # list headings
        "相关新闻", "相關閱讀", "推荐阅读：", "猜你喜欢", "网友评论", "Related News", "You may also like",
    ],
)  # fmt: skip
def test_furniture_by_its_words(text: str) -> None:
    assert is_furniture_line(text)
    # … wherever it stands: after a short paragraph as after a long one
    for before in ("短正文。", "正文" * 80):
        assert classify_roles(["标题", before, text])[2] == B


# Real text that shares words with furniture and must stay body.
@pytest.mark.parametrize(
    "text",
    [
        "国家市场监管总局：从重查处口罩大幅涨价行为 转发举报电话！",
        "返回武汉的医疗队员已全部完成隔离",
        "分享一个好消息：深圳新增治愈出院5例",
        "关注",
        "中小企业复工复产",
        "相关政策、指引一览",
        "Related to the epidemic, the city closed its schools.",
        "平臺:保障防疫物資供應 提供“一對一”服務",
        "2月23日",
        "Back to work: Shenzhen factories reopen",
        "来源：深圳新闻网",
    ],
)
def test_body_that_looks_like_furniture(text: str) -> None:
    assert not is_furniture_line(text)
