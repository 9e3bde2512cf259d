"""Role of each paragraph: title, body, metadata line or page furniture (boilerplate).

A line is furniture for what it is, not for where it stands: the same line gets the
same flag anywhere in a page, whatever the paragraph before it looks like. The rules
(docs/import-rules.md lists them with examples):

- only short lines (SHORT_LINE characters) can be metadata or furniture: a long
  paragraph is body whatever it begins with (a 27 KB paragraph may start "时间:…");
- page controls: a line made only of the words of controls (share, print, close,
  back, font size, follow, tip, legal links, and the services a page shares to),
  with at least one action among them: "分享到：微信 微博", "【字号 大 中 小】",
  "Share this article", "Back to top";
- navigation: breadcrumbs ("当前位置：…", "首页 > 社会 >"), menus of short items
  between bars, prev/next links ("上一篇：…");
- credits, counters and stamps: "责任编辑：…", "关键词：…", "阅读: 12", a bare
  timestamp, "9 hours ago";
- the site's own footer: copyright, registrations (ICP, 公网安备, 网站标识码, 营业执照,
  licence numbers), the site's owner and host (主办/承办/技术支持), "about us | contact us";
- related lists and comments: a heading ("相关新闻", "Related articles", "网友评论")
  and every list item after it (lines up to MAX_TITLE characters), until a longer line.

Lines are compared in simplified Chinese with mainland phrasing (OpenCC tw2sp, so
Taiwan's 列印 and 視窗 read as 打印 and 窗口), case-folded.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import cache, lru_cache

import opencc

from archive.text.metadata import strip_leading_date

TITLE = "title"
BODY = "body"
METADATA = "metadata"
BOILERPLATE = "boilerplate"
FURNITURE = frozenset({METADATA, BOILERPLATE})

# Lines longer than this are never metadata or furniture.
SHORT_LINE = 100
# A title is the first non-furniture line, if it is no longer than this; so is an item of a related list.
MAX_TITLE = 200

_PUNCT = " \t:：,，.。!！?？|｜·•>»›-—_*#【】[]()（）"


def _alternation(words: Collection[str]) -> str:
    """A regex alternation of words, longest first; Latin words match whole words only."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])" if word[-1].isascii() else escaped)
    return "|".join(parts)


# Words that name what a page control does. A line of control words needs one of them.
_ACTIONS = (
    *("分享", "打印", "关闭", "返回", "收藏", "复制链接", "复制网址", "字号", "字体", "扫一扫", "扫码", "关注我们"),
    *("打赏", "赞赏", "附件", "隐私", "声明", "条款", "设为首页", "加入收藏"),
    *("share", "print", "close", "back", "bookmark", "font", "follow", "focus", "subscribe", "email", "e-mail"),
    *("tweet", "prize", "reward", "donate", "privacy", "cookie", "cookies", "terms", "disclaimer", "attachment"),
    "attachments",
)
# Words that may stand beside an action in a control line: targets, objects, sizes, fillers.
_CONTROL_WORDS = (
    *_ACTIONS,
    *("分享到", "打印本页", "关闭窗口", "关闭本页", "返回首页", "返回顶部", "返回列表", "返回上一页", "收藏本页"),
    *("微信", "微博", "新浪微博", "腾讯微博", "朋友圈", "qq空间", "qq好友", "qq", "豆瓣", "人人网", "抖音", "下载"),
    *("大", "中", "小", "默认", "首页", "顶部", "列表", "本页", "本文", "窗口", "页面", "当前页", "链接", "网址"),
    *("在", "上", "用", "手机", "打开", "阅读", "扫描", "二维码", "政策", "保护", "网站", "使用", "服务", "免责"),
    *("法律", "相关", "我们"),
    *("this", "article", "page", "story", "post", "on", "to", "via", "with", "the", "top", "home", "homepage"),
    *("window", "wechat", "weibo", "facebook", "twitter", "x", "linkedin", "whatsapp", "reddit", "telegram"),
    *("copy", "link", "url", "size", "a+", "a-", "larger", "smaller", "text", "us", "source", "policy", "of"),
    *("use", "service", "legal", "notice", "mail", "friend", "friends"),
)
_CONTROL = re.compile(_alternation(_CONTROL_WORDS))
_ACTION = re.compile(_alternation(_ACTIONS))
_SEPARATORS = re.compile(r"[\s" + re.escape(_PUNCT) + r"/\\、;；~～]+")

# A heading that opens a list of other articles or of readers' comments.
_LIST_HEADINGS = tuple(
    re.compile(pattern)
    for pattern in (
        r"^(相关|推荐|精彩|热门|热点|更多|延伸|最新|猜你|今日|编辑).{0,2}"
        r"(文章|阅读|新闻|推荐|报道|链接|下载|专题|内容|资讯|喜欢|图片|视频)$",
        r"^(网友|玩家|读者|发表|最新|热门|全部|精彩)?(评论|留言)(\s*\d+\s*条?)?$",
        r"^(related|recommended)( (articles?|news|stories|posts|links|reading|content|videos?|topics?))?( for you)?$",
        r"^(you (may|might) also like|more (news|stories|articles)|most (read|popular|viewed)|further reading)$",
    )
)

_FURNITURE_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"^official (website|account) of\b",  # site header, account banner
        r"\b\d+\s+(second|minute|hour|day|week|month)s?\s+ago$",  # "9 hours ago"
        # a sales widget: price and quote requests, reply-time promises
        r"\b(latest price|get a quote|request a quote|send (an )?inquiry|respond .* within \d+ hours)\b",
        r"^(您|你)?(当前|现在)?(所在)?的?位置\s*[:：]",  # breadcrumb
        r"^(首页|home)\s*[>»›]",  # breadcrumb
        r"^(上一篇|下一篇|上一条|下一条|previous|next)( (article|post|story))?\s*[:：]",  # prev/next links
        r"^(关键词|关键字|标签|tags?|keywords?)\s*[:：]",
        r"^[【\[(（]?(责任编辑|责编|编辑|编审|值班编辑|制版|校对|审核|审校|美编|监制|editors?)\s*[:：]",
        r"copyright|版权所有|all rights reserved|©",  # copyright footer
        # the site's registrations: ICP, public security, site ID, business licence, licence numbers
        r"icp备|icp证|公网安备|备案号|网站标识码|网站识别码|营业执照|许可证\s*(号|编号)?\s*[:：]?\s*[\d a-z]",
        r"^(主办|承办|协办|主管|技术支持|网站维护)(单位)?\s*[:：]",  # the site's owner and host
        r"(投诉|举报)(邮箱|电话)\s*[:：]|违法和不良信息",  # complaint contacts
        r"^(阅读|浏览|点击|评论|访问)(次数|数|量)?\s*[:：]?\s*\d+$",  # counters
        r"^[·•\s]*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?$",  # bare timestamps
    )
)

# Links of a site's own pages; two on one line make a footer or menu.
_SITE_LINKS = ("关于我们", "联系我们", "商务合作", "诚聘英才", "网站地图", "网站声明", "网站导航", "意见反馈")
_SITE_LINKS += ("about us", "contact us", "sitemap", "site map")

_METADATA_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"^(from|source|updated|published|date|posted|release time)\s*[:：|]",
        r"\b(updated|published)\s*[:：]\s*\d{4}",
        r"^(时间|日期|发布时间|发布日期|更新时间|来源|信息来源|文章来源|作者|原标题|稿源)\s*[:：]",
        # a date (and time), then the source or author: "2020-03-04 10:00 来源：…", "03-04 10:00 From: …"
        r"^(\d{4}[-/.年])?\d{1,2}[-/.月]\d{1,2}日?\s+(\d{1,2}:\d{2}(:\d{2})?\s+)?(来源|from|source|作者|by)\s*[:：]",
    )
)


@cache
def _mainland() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


@lru_cache(maxsize=65536)
def comparison_form(text: str) -> str:
    """A short line as the rules read it: simplified with mainland phrasing, case-folded."""
    return _mainland().convert(text).casefold()


def _key(text: str) -> str:
    """Comparison form with punctuation trimmed."""
    return comparison_form(text).strip(_PUNCT)


def is_list_heading(text: str) -> bool:
    """A heading of a related-articles list or of readers' comments."""
    if len(text) > SHORT_LINE:
        return False
    key = _key(text)
    return any(pattern.match(key) for pattern in _LIST_HEADINGS)


def is_control_line(text: str) -> bool:
    """A line made only of page controls: share and print buttons, font-size switch, legal links."""
    key = comparison_form(text)
    if not _ACTION.search(key):
        return False
    return not _SEPARATORS.sub("", _CONTROL.sub(" ", key))


def is_furniture_line(text: str) -> bool:
    """A short line of navigation, controls, credits, counters or the site's footer, wherever it stands."""
    if len(text) > SHORT_LINE:
        return False
    form = comparison_form(text)
    if is_list_heading(text) or is_control_line(text):
        return True
    if any(pattern.search(form) for pattern in _FURNITURE_PATTERNS):
        return True
    if sum(link in form for link in _SITE_LINKS) >= 2:
        return True
    return _is_breadcrumb(form) or _is_menu(form)


def _is_breadcrumb(text: str) -> bool:
    parts = [part.strip() for part in re.split(r"[>»›]+", text)]
    return len(parts) >= 3 and all(len(part) <= 12 for part in parts)


def _is_menu(text: str) -> bool:
    """Three or more short items between bars: "首页 | 新闻 | 视频"."""
    parts = [part.strip() for part in re.split(r"[|｜]", text)]
    return len(parts) >= 3 and all(0 < len(part) <= 10 for part in parts)


def is_metadata_line(text: str) -> bool:
    """A short date/source/author line of the article itself."""
    if len(text) > SHORT_LINE:
        return False
    form = comparison_form(text)
    return any(pattern.search(form) for pattern in _METADATA_PATTERNS)


def related_list_lines(texts: Sequence[str]) -> set[int]:
    """Indexes of the lines of related-articles and comment lists: each heading and the items after it.

    A list runs over the lines after its heading as long as they are no longer than a
    title (MAX_TITLE); a longer line is text again.
    """
    inside: set[int] = set()
    in_list = False
    for index, text in enumerate(texts):
        if is_list_heading(text):
            in_list = True
        elif len(text) > MAX_TITLE:
            in_list = False
        if in_list:
            inside.add(index)
    return inside


def classify_roles(
    texts: Sequence[str],
    *,
    source_names: Collection[str] = (),
    furniture: Collection[int] = (),
    title: int | None = None,
) -> list[str]:
    """One role per paragraph: title, body, metadata or boilerplate.

    `source_names` are names found by metadata.find_source: a short line that is
    only the name of the source is a metadata line. `furniture` are indexes of lines
    known to be furniture by other evidence (an HTML page's structure), and `title`
    the index of the title line when the page says which it is (an HTML heading).
    """
    roles = [BODY] * len(texts)
    listed = related_list_lines(texts) | set(furniture)
    names = {_key(name) for name in source_names if name}
    title_key: str | None = None
    if title is not None:
        title_key = _key(texts[title])
    for index, text in enumerate(texts):
        if index == title:
            roles[index] = TITLE
        elif index in listed:
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
