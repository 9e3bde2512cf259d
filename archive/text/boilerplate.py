"""Role of each paragraph: title, body, metadata line or page furniture (boilerplate).

Rules look at short lines only: a long paragraph is body whatever it begins
with (a 27 KB paragraph may start "时间:2020-03-26 …"). Phrases are compared in
simplified, case-folded form, so one list serves both scripts. A trailing
"related articles / share / comments" trigger starts a zone of furniture that
runs to the end of the page.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from archive.text.metadata import strip_leading_date
from archive.text.normalise import to_simplified

TITLE = "title"
BODY = "body"
METADATA = "metadata"
BOILERPLATE = "boilerplate"
FURNITURE = frozenset({METADATA, BOILERPLATE})

# Lines longer than this are never metadata or furniture.
SHORT_LINE = 100
# A title is the first non-furniture line, if it is no longer than this.
MAX_TITLE = 200

_PUNCT = " \t:：,，.。!！?？|｜·•>»›-—_*#【】[]()（）"

# Whole short lines that are page furniture (simplified, case-folded, punctuation trimmed).
_FURNITURE_LINES = frozenset(
    {
        "focus on",
        "follow",
        "follow us",
        "source prize",
        "privacy policy",
        "terms of use",
        "cookie policy",
        "share",
        "share this",
        "share to",
        "print",
        "close",
        "back to top",
        "attachment",
        "attachments",
        "附件",
        "打印",
        "关闭",
        "收藏",
        "返回顶部",
        "关闭窗口",
        "打印本页",
        "营业执照公示信息",
        "上一篇",
        "下一篇",
    }
)

# Short lines that start a trailing zone of furniture (related lists, comments, share buttons).
_TRAILING_TRIGGERS = frozenset(
    {
        "相关下载",
        "玩家评论",
        "网友评论",
        "发表评论",
        "相关文章",
        "相关阅读",
        "相关新闻",
        "相关推荐",
        "推荐阅读",
        "精彩推荐",
        "热门推荐",
        "猜你喜欢",
        "分享到",
        "related articles",
        "related news",
        "related stories",
        "recommended",
        "recommended reading",
        "you may also like",
    }
)

_FURNITURE_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^official (website|account) of\b",  # site header, account banner
        r"\b\d+\s+(second|minute|hour|day|week|month)s?\s+ago$",  # "9 hours ago"
        r"get the latest price|respond as soon as possible",  # sales widget
        r"^(您当前所在位置|当前位置|您的位置|你的位置|所在位置|位置)\s*[:：]",  # breadcrumb
        r"^(首页|home)\s*[>»›]",  # breadcrumb
        r"^(关键词|关键字|标签|tags?|keywords?)\s*[:：]",
        r"^(责任编辑|编辑|制版|校对|审核|审校|美编|editor)\s*[:：]",
        r"copyright|版权所有|all rights reserved|©|icp备|icp证|公网安备|备案号",
        r"投诉邮箱|举报邮箱|举报电话|违法和不良信息",
        r"^(阅读|浏览|点击|评论|views?|reads?)\s*[:：]?\s*\d+$",  # counters
        r"^[·•\s]*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?$",  # bare timestamps
    )
)

_NAV_WORDS = ("关于我们", "联系我们", "商务合作", "诚聘英才", "网站地图", "about us", "contact us", "sitemap")

_METADATA_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^(from|source|updated|published|date|posted|release time)\s*[:：|]",
        r"\b(updated|published)\s*[:：]\s*\d{4}",
        r"^(时间|日期|发布时间|发布日期|更新时间|来源|作者|原标题|稿源)\s*[:：]",
    )
)


def _key(text: str) -> str:
    """Comparison form of a short line: simplified, case-folded, punctuation trimmed."""
    return to_simplified(text).casefold().strip(_PUNCT)


def is_trailing_trigger(text: str) -> bool:
    return len(text) <= SHORT_LINE and _key(text) in _TRAILING_TRIGGERS


def is_furniture_line(text: str) -> bool:
    """A short line of navigation, share buttons, counters, credits or footer."""
    if len(text) > SHORT_LINE:
        return False
    key = _key(text)
    if key in _FURNITURE_LINES or key in _TRAILING_TRIGGERS:
        return True
    simplified = to_simplified(text)
    if any(pattern.search(simplified) for pattern in _FURNITURE_PATTERNS):
        return True
    if sum(word in key for word in _NAV_WORDS) >= 2:
        return True
    return _is_breadcrumb(simplified)


def _is_breadcrumb(text: str) -> bool:
    parts = [part.strip() for part in re.split(r"[>»›]", text)]
    return len(parts) >= 3 and all(len(part) <= 12 for part in parts)


def is_metadata_line(text: str) -> bool:
    """A short date/source/author line of the article itself."""
    if len(text) > SHORT_LINE:
        return False
    simplified = to_simplified(text)
    return any(pattern.search(simplified) for pattern in _METADATA_PATTERNS)


def _trailing_zone_start(texts: Sequence[str]) -> int | None:
    """Index of the first trailing trigger that comes after some real body text.

    A trigger above the first long paragraph (share buttons under the title) only
    flags its own line: it must not swallow the article.
    """
    seen_long = False
    for index, text in enumerate(texts):
        if seen_long and is_trailing_trigger(text):
            return index
        if len(text) > SHORT_LINE:
            seen_long = True
    return None


def classify_roles(texts: Sequence[str], *, source_names: Collection[str] = ()) -> list[str]:
    """One role per paragraph: title, body, metadata or boilerplate.

    `source_names` are names found by metadata.find_source: a short line that is
    only the name of the source is a metadata line.
    """
    roles = [BODY] * len(texts)
    trailing = _trailing_zone_start(texts)
    names = {_key(name) for name in source_names if name}
    title_key: str | None = None
    for index, text in enumerate(texts):
        if trailing is not None and index >= trailing:
            roles[index] = BOILERPLATE
        elif is_metadata_line(text) or (len(text) <= SHORT_LINE and _key(text) in names):
            roles[index] = METADATA
        elif is_furniture_line(text):
            roles[index] = BOILERPLATE
        elif title_key is None:
            if len(text) <= MAX_TITLE:
                roles[index] = TITLE
            title_key = _key(strip_leading_date(text))
        elif len(text) <= MAX_TITLE and _key(text) == title_key:
            roles[index] = BOILERPLATE  # the title repeated as image alt text
    return roles


def is_furniture(role: str) -> bool:
    return role in FURNITURE
