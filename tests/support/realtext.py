"""Real text rendered as the pages the importer reads, with what the importer should read off each.

The corpus, tests/data/cctv-weibo-2020.jsonl.xz (credited in tests/data/README.md), holds 7,499
posts of the CCTV News (央视新闻) Weibo account from January to May 2020. Each post becomes a page
in one of the seeds' three text styles:

- "briefing" (seed 000): the title, `From: <source> | Updated:<date>`, the body;
- "news" (seed 002): a breadcrumb, the title, `时间:<date time>  来源:<source>  作者:<author>`,
  `原标题:<title>`, the body;
- "traditional" (seed 003): `MM.DD <title>` with no year, the body, all in traditional Chinese with
  Taiwan phrasing (OpenCC s2twp: 資訊, 軟體, 紐西蘭);

and each page ends with the furniture real sites put around an article: a related-news list of
other posts' titles, share buttons, a font-size switch, print/close links, "back to home", the
editor, the copyright and ICP footer. The variants of each piece differ from page to page, as they
do between sites. Every line's role, the title, the date (with its precision) and the source are
known by construction, so tests can check the importer and the search against them.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import lzma
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import opencc

CORPUS = Path(__file__).resolve().parent.parent / "data" / "cctv-weibo-2020.jsonl.xz"
STYLES = ("briefing", "news", "traditional")
HTML_STYLES = ("gov", "portal", "county")
ALL_STYLES = STYLES + HTML_STYLES

TITLE, BODY, METADATA, BOILERPLATE = "title", "body", "metadata", "boilerplate"

# Outlets named in the header; "" is the seeds' empty header ("来源:" with nothing after it).
SOURCES = ("央视新闻", "新华社", "人民日报", "深圳新闻网", "", "南方都市报", "中国新闻网", "CNN", "China Daily")
AUTHORS = ("网络", "记者 王磊", "本报记者", "")
EDITORS = ("张伟", "李娜", "Rex_07", "陈静")
SITES = ("深圳政府在线", "央视网", "南方网", "东莞阳光网")
ICP = ("粤ICP备05080304号", "京ICP证060535号", "粤ICP备20005723号-6", "豫ICP备20005723号-6")

_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_MIN_PARAGRAPH = 60
_SENTENCE = re.compile(r"[。！？!?]")


@dataclass(frozen=True)
class Post:
    number: int  # line number in the corpus, from 0
    title: str  # the 【…】 headline, or ""
    body: str
    date: datetime.date
    url: str


@functools.cache
def posts() -> tuple[Post, ...]:
    with lzma.open(CORPUS, "rt", encoding="utf-8") as stream:
        rows = [json.loads(line) for line in stream]
    return tuple(
        Post(
            number=number,
            title=row["title"].strip(),
            body=row["body"].strip(),
            date=datetime.date.fromisoformat(row["date"]),
            url=row["url"],
        )
        for number, row in enumerate(rows)
    )


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_taiwan(text: str) -> str:
    """Simplified → traditional with Taiwan phrasing (OpenCC s2twp), as a Taiwan site would write it."""
    return _converter("s2twp").convert(text)


@dataclass(frozen=True)
class Line:
    text: str
    role: str  # title, body, metadata or boilerplate
    related: bool = False  # an item of a related-articles list: furniture for the list it is in, not its words


def _furniture(texts: Sequence[str], *, related: int) -> list[Line]:
    """A furniture block whose lines 1..`related` are the items of its related-articles list."""
    return [Line(text, BOILERPLATE, related=1 <= index <= related) for index, text in enumerate(texts)]


@dataclass(frozen=True)
class Page:
    name: str  # path relative to the import root: "<style>/<number>.txt"
    style: str
    post: Post
    lines: tuple[Line, ...]
    title: str  # the article title the importer should read
    year: int | None
    month: int | None
    day: int | None
    year_inferred: bool
    source: str  # the source the page names ("" when it names none)
    language: str  # zh-Hans or zh-Hant
    site: str = ""  # the host the page was captured from, without "www." ("" when the page does not say)
    url: str = ""  # the page's own URL, when it gives one
    html: str = ""  # an HTML page's source; "" for a text page
    encoding: str = "utf-8"  # how the file is encoded

    @property
    def text(self) -> str:
        """The file's text: the HTML source of an HTML page, else its lines with blank lines between."""
        if self.html:
            return self.html
        return "\n\n".join(line.text for line in self.lines) + "\n"

    @property
    def data(self) -> bytes:
        return self.text.encode(self.encoding)

    @property
    def searchable(self) -> list[str]:
        """What a search may find this page by: its title and its title and body lines."""
        return [self.title, *(line.text for line in self.lines if line.role in (TITLE, BODY))]

    @property
    def furniture(self) -> list[str]:
        return [line.text for line in self.lines if line.role == BOILERPLATE]


def headline(post: Post) -> str:
    """The post's headline, or for a post without one its first clause (hashtags dropped)."""
    if post.title:
        return _trim(post.title)
    text = re.sub(r"#[^#]*#", "", post.body).strip()
    if bracketed := re.search(r"【([^】]{4,})】", text):
        return _trim(bracketed.group(1))
    text = text.lstrip("【】 ")
    first = _SENTENCE.split(text, maxsplit=1)[0].strip() or text
    return _trim(first[:40])


def _trim(text: str) -> str:
    """Without the white space and zero-width characters around it (a page shows none)."""
    return text.strip().strip("\u200b\u200c\u200d\u2060\ufeff").strip()


def body_paragraphs(body: str) -> list[str]:
    """The body cut after a sentence's end once a paragraph is long enough, as sites lay text out."""
    paragraphs: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(body):
        current += sentence
        if len(current) >= _MIN_PARAGRAPH:
            paragraphs.append(current.strip())
            current = ""
    if current.strip():
        if paragraphs and len(current.strip()) < 10:
            paragraphs[-1] += current.strip()
        else:
            paragraphs.append(current.strip())
    return [paragraph for paragraph in paragraphs if paragraph]


def _pick(options: Sequence[str], number: int, salt: int = 0) -> str:
    return options[(number * 7 + salt * 13) % len(options)]


def _time_of_day(number: int) -> str:
    return f"{8 + number % 12:02d}:{number * 7 % 60:02d}:{number * 13 % 60:02d}"


def chinese_furniture(number: int, related: Sequence[str]) -> list[str]:
    """The block a Chinese news site puts under an article, varied from page to page."""
    lines = [_pick(("相关新闻", "相关阅读", "相关文章：", "推荐阅读"), number)]
    lines += [f"{_pick(('· ', '• ', ''), number, 1)}{title}" for title in related]
    lines.append(_pick(("分享到：", "分享到：微信 微博 QQ空间", "分享：微信 | 微博 | 复制链接"), number, 2))
    lines.append(_pick(("【字体：大 中 小】", "字号：大 中 小", "【字号 大 中 小】 【打印】 【关闭】"), number, 3))
    lines.append(_pick(("【打印本页】 【关闭窗口】", "打印本页 | 关闭窗口", "【打印】【关闭】"), number, 4))
    lines.append(_pick(("· 返回首页", "返回首页", "【返回顶部】", "· 返回列表"), number, 5))
    lines.append(f"责任编辑：{_pick(EDITORS, number, 6)}")
    lines.append(
        _pick(("扫一扫在手机打开当前页", "网站标识码：4403000001", "网站地图 | 联系我们 | 关于我们"), number, 7)
    )
    site = _pick(SITES, number, 8)
    lines.append(f"版权所有 © 2020 {site} {_pick(ICP, number, 9)}")
    return lines


def english_furniture(number: int, related: Sequence[str]) -> list[str]:
    """The block an English-language site puts under an article."""
    lines = [_pick(("Related articles", "Related News", "You may also like"), number)]
    lines += list(related)
    lines.append(_pick(("Share this article", "Share this:", "Share on WeChat | Weibo | Facebook"), number, 2))
    lines.append(_pick(("Back to top", "Print | Close", "Back to Home"), number, 3))
    lines.append(f"Copyright © 2020 {_english_owner(number)}. All rights reserved.")
    return lines


def _english_owner(number: int) -> str:
    """Who the English footer's copyright names: a site's name or its host."""
    return _pick(("Shenzhen Government Online", "eyeshenzhen.com", "China Daily"), number, 4)


def _body_role(text: str, title: str) -> str:
    """A body paragraph that only repeats the headline is the title repeated (as image alt text is): furniture."""
    return BOILERPLATE if text == title else BODY


_BODY_CREDIT = re.compile(r"[（(【\[]\s*来源\s*[:：]\s*([^）)】\]]+?)\s*[）)】\]]")


def body_credit(post: Post) -> str:
    """The source the post's own text credits ("（来源：朝鲜中央电视台）"), if any."""
    credit = _BODY_CREDIT.search(post.body)
    return credit.group(1) if credit else ""


def varied(post: Post, variant: int) -> Post:
    """The post with its sentences in another order and a counter added, for corpora larger than the
    real one (variant 0 is the post itself): the same vocabulary, different text and content hash."""
    if not variant:
        return post
    sentences = [sentence for sentence in _SENTENCE_END.split(post.body) if sentence.strip()]
    shift = variant % len(sentences) if sentences else 0
    body = "".join(sentences[shift:] + sentences[:shift]) + f"（第{variant}次转载，编号{post.number:05d}-{variant}）"
    return Post(number=post.number, title=post.title, body=body, date=post.date, url=f"{post.url}?v={variant}")


def render(post: Post, *, style: str, related: Sequence[Post] = (), variant: int = 0) -> Page:
    """The post as a page in one of STYLES, with `related` posts' headlines in its related list.

    A `variant` above 0 renders varied(post, variant) under its own name (…-v<variant>.txt)."""
    if variant:
        page = render(varied(post, variant), style=style, related=related)
        stem, dot, suffix = page.name.rpartition(".")
        return dataclasses.replace(page, name=f"{stem}-v{variant}{dot}{suffix}")
    title = headline(post)
    header = _pick(SOURCES, post.number)  # "" is the seeds' empty header
    source = header or body_credit(post)
    body = body_paragraphs(post.body)
    related_titles = [headline(other) for other in related]
    date = post.date
    if style == "briefing":
        lines = [
            Line(title, TITLE),
            Line(f"From: {header} | Updated:{date.isoformat()}", METADATA),
            *(Line(text, _body_role(text, title)) for text in body),
            *_furniture(english_furniture(post.number, related_titles), related=len(related_titles)),
        ]
        owner = _english_owner(post.number)
        return Page(
            name=f"briefing/{post.number:05d}.txt", style=style, post=post, lines=tuple(lines), title=title,
            year=date.year, month=date.month, day=date.day, year_inferred=False, source=source, language="zh-Hans",
            site=owner if "." in owner else "",
        )  # fmt: skip
    if style == "news":
        author = _pick(AUTHORS, post.number, 1)
        lines = [
            Line(f"您当前所在位置: > {_pick(('新闻', '要闻', '疫情防控'), post.number)} > 国内", BOILERPLATE),
            Line(title, TITLE),
            Line(f"时间:{date.isoformat()} {_time_of_day(post.number)}  来源:{header}  作者:{author}", METADATA),
            Line(f"原标题:{title}", METADATA),
            *(Line(text, _body_role(text, title)) for text in body),
            *_furniture(chinese_furniture(post.number, related_titles), related=len(related_titles)),
        ]
        return Page(
            name=f"news/{post.number:05d}.txt", style=style, post=post, lines=tuple(lines), title=title,
            year=date.year, month=date.month, day=date.day, year_inferred=False, source=source, language="zh-Hans",
        )  # fmt: skip
    if style == "traditional":
        title_tw = to_taiwan(title)
        lines = [
            Line(f"{date.month:02d}.{date.day:02d} {title_tw}", TITLE),
            *(Line(to_taiwan(text), _body_role(text, title)) for text in body),
            *_furniture(
                [to_taiwan(text) for text in chinese_furniture(post.number, related_titles)],
                related=len(related_titles),
            ),
        ]
        return Page(
            name=f"traditional/{post.number:05d}.txt", style=style, post=post, lines=tuple(lines), title=title_tw,
            year=None, month=date.month, day=date.day, year_inferred=False, source=to_taiwan(body_credit(post)),
            language="zh-Hant",
        )  # fmt: skip
    if style in HTML_STYLES:
        return render_html(post, template=style, related=related)
    raise ValueError(f"unknown style {style!r}; expected one of {', '.join(ALL_STYLES)}")


# --- HTML pages ---------------------------------------------------------------------------------
#
# Three site templates of our own, each a different way sites build a page: "gov" (a city
# government portal: divs named by class, an info line, a font-size switch, a related list under
# an opaque class name), "portal" (a news portal in HTML5: <header>, <nav>, <article>, <aside>,
# <footer>, og: metadata, a date sometimes without its year but with one in the URL) and "county"
# (an old county-government site: one layout table, GBK-encoded, the title only in a table cell,
# the source sometimes only in the "X版权所有" footer). Every visible line of the page is recorded
# with its role, as the importer should read it (one line per block element, whitespace collapsed).


@dataclass(frozen=True)
class Site:
    name: str
    host: str

    @property
    def bare_host(self) -> str:
        return self.host.removeprefix("www.")


GOV_SITES = (Site("深圳市人民政府", "www.sz.gov.cn"), Site("东莞市人民政府", "www.dg.gov.cn"))
PORTAL_SITES = (Site("南方网", "www.southcn.com"), Site("深圳新闻网", "www.sznews.com"))
COUNTY_SITES = (Site("惠东县人民政府", "www.huidong.gov.cn"), Site("龙门县人民政府", "www.longmen.gov.cn"))
# A source named only in <meta name="source">, never in the text.
META_ONLY_SOURCE = "深圳特区报"


def _visible(html: str) -> str:
    """A block's text as a browser shows it: tags dropped, entities read, white space collapsed."""
    import lxml.html

    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    return " ".join(text.split()).strip("\u200b\u200c\u200d\u2060\ufeff")


class _Builder:
    """An HTML page written block by block, with the role of each visible line."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.lines: list[Line] = []

    def markup(self, html: str) -> None:
        """Markup with no visible text of its own (opening and closing containers)."""
        self.parts.append(html)

    def line(self, role: str, html: str, *, related: bool = False) -> None:
        """One visible line: `html` is one block element holding inline markup only."""
        self.parts.append(html)
        self.lines.append(Line(_visible(html), role, related=related))

    def links(self, role: str, tag: str, words: Sequence[str], *, sep: str = " ", attrs: str = "") -> None:
        self.line(role, f"<{tag}{attrs}>" + sep.join(f'<a href="#">{_esc(word)}</a>' for word in words) + f"</{tag}>")


def _vary(options: Sequence, number: int, salt: int):
    """One of `options` for a post, independent of the style the post is rendered in (a stable hash)."""
    digest = hashlib.sha256(f"{number}:{salt}".encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _meta(name: str, content: str, *, attribute: str = "name") -> str:
    return f'<meta {attribute}="{name}" content="{_esc(content)}">' if content else ""


def render_html(post: Post, *, template: str, related: Sequence[Post] = ()) -> Page:
    """The post as an HTML page of one of HTML_STYLES."""
    builders = {"gov": _gov_page, "portal": _portal_page, "county": _county_page}
    if template not in builders:
        raise ValueError(f"unknown template {template!r}; expected one of {', '.join(HTML_STYLES)}")
    others = [headline(other) for other in related] or ["更多新闻"]
    return builders[template](post, _visible(_esc(headline(post))), others)


def _page(post: Post, template: str, builder: _Builder, head: str, *, encoding: str = "utf-8", **expected) -> Page:
    html = f"<!DOCTYPE html>\n<html><head>{head}</head>\n<body>\n" + "\n".join(builder.parts) + "\n</body></html>\n"
    return Page(
        name=f"{template}/{post.number:05d}.html", style=template, post=post, lines=tuple(builder.lines),
        language="zh-Hans", html=html, encoding=encoding, **expected,
    )  # fmt: skip


def _gov_page(post: Post, title: str, related: Sequence[str]) -> Page:
    n, date = post.number, post.date
    site = _vary(GOV_SITES, n, 10)
    source = _vary(SOURCES, n, 19)
    meta_source = _vary((source, "", "", META_ONLY_SOURCE), n, 11)
    named = source or body_credit(post) or meta_source
    url = "" if _vary(range(5), n, 16) == 4 else f"http://{site.host}/cn/xxgk/zwdt/content/post_{7000000 + n}.html"
    info = _vary(
        (
            f"发布时间：{date.isoformat()} {_time_of_day(n)}&nbsp;&nbsp;来源：{_esc(source)}",
            f"来源：{_esc(source)} | 发布时间：{date.isoformat()}",
            f"发布日期：{date.isoformat()} 信息来源：{_esc(source)} 浏览次数：{n % 900 + 100}",
        ),
        n,
        12,
    )
    b = _Builder()
    b.markup('<div class="top">')
    b.line(BOILERPLATE, f'<div class="logo">{site.name}门户网站</div>')
    b.links(
        BOILERPLATE, "div", ("首页", "要闻动态", "政务公开", "政务服务", "互动交流"), sep=" | ", attrs=' class="menu"'
    )
    b.markup("</div>")
    section = _vary(("要闻动态", "疫情防控", "部门动态"), n, 13)
    b.line(
        BOILERPLATE, f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="#">{section}</a> &gt; 正文</div>'
    )
    b.markup('<div class="article">')
    b.line(TITLE, f"<h1>{_esc(title)}</h1>")
    b.line(METADATA, f'<div class="info">{info}</div>')
    b.line(BOILERPLATE, '<div class="fontsize">【字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】 '
           '<a href="#">【打印】</a> <a href="#">【关闭】</a></div>')  # fmt: skip
    b.markup('<div class="content">')
    for text in body_paragraphs(post.body):
        b.line(_body_role(text, title), f"<p>{_esc(text)}</p>")
    b.markup("</div>")
    b.line(BOILERPLATE, '<div class="bdsharebuttonbox">分享到：<a href="#">微信</a> <a href="#">微博</a> '
           '<a href="#">QQ空间</a></div>')  # fmt: skip
    b.line(BOILERPLATE, f'<p class="prev">上一篇：<a href="#">{_esc(related[0])}</a></p>')
    b.line(BOILERPLATE, f'<p class="next">下一篇：<a href="#">{_esc(related[-1])}</a></p>')
    b.markup("</div>")
    b.markup('<div class="xgxw">')
    b.line(BOILERPLATE, '<div class="tit">相关新闻</div>')
    b.markup("<ul>")
    for offset, other in enumerate(related):
        day = date - datetime.timedelta(days=offset + 1)
        b.line(BOILERPLATE, f'<li><a href="#">{_esc(other)}</a> <span>{day.isoformat()}</span></li>', related=True)
    b.markup("</ul></div>")
    b.markup('<div class="footer">')
    b.links(BOILERPLATE, "p", ("网站地图", "联系我们", "网站声明"), sep=" | ")
    b.line(BOILERPLATE, f"<p>主办：{site.name}办公厅 承办：{site.name[:2]}市政务服务数据管理局</p>")
    b.line(BOILERPLATE, f"<p>网站标识码：4403000001 {_vary(ICP, n, 9)} 粤公网安备 44030402000001号</p>")
    b.markup("</div>")
    head = (
        f'<meta charset="utf-8"><title>{_esc(title)}-{site.name}</title>'
        + _meta("source", meta_source)
        + (f'<link rel="canonical" href="{url}">' if url else "")
    )
    return _page(
        post, "gov", b, head, title=title, year=date.year, month=date.month, day=date.day, year_inferred=False,
        source=named, site=site.bare_host if url else "", url=url,
    )  # fmt: skip


def _portal_page(post: Post, title: str, related: Sequence[str]) -> Page:
    n, date = post.number, post.date
    site = _vary(PORTAL_SITES, n, 10)
    source = _vary(SOURCES, n, 19)
    author = _vary(AUTHORS, n, 1)
    hour_minute = _time_of_day(n)[:5]
    shown_date, year_shown = _vary(
        (
            (f"{date.isoformat()} {_time_of_day(n)}", True),
            (f"{date.year}年{date.month:02d}月{date.day:02d}日 {hour_minute}", True),
            (f"{date.month:02d}-{date.day:02d} {hour_minute}", False),
        ),
        n,
        12,
    )
    credit = _vary((f"来源：{_esc(source)}", f"来源: {_esc(source)}", f"From: {_esc(source)}"), n, 13)
    og_site_name = site.name if _vary(range(2), n, 16) else ""
    published_meta = _vary(range(3), n, 17) == 0
    url = (
        ""
        if _vary(range(4), n, 18) == 3
        else f"https://{site.host}/content/{date.year}-{date.month:02d}/{date.day:02d}/content_{n}.htm"
    )
    b = _Builder()
    b.markup("<header>")
    b.line(BOILERPLATE, f'<div class="logo"><a href="/">{site.name}</a></div>')
    b.markup("<nav><ul>")
    for item in ("首页", "新闻", "深圳", "财经", "视频"):
        b.line(BOILERPLATE, f'<li><a href="#">{item}</a></li>')
    b.markup("</ul></nav></header>")
    b.markup("<main><article>")
    b.line(BOILERPLATE, f'<nav class="breadcrumb"><a href="/">首页</a> › <a href="#">新闻</a> › '
           f'<a href="#">{_vary(("国内", "深圳", "抗击疫情"), n, 14)}</a></nav>')  # fmt: skip
    b.line(TITLE, f"<h1>{_esc(title)}</h1>")
    spans = [f"<span>{shown_date}</span>", f"<span>{credit}</span>"]
    if author:
        spans.append(f"<span>作者：{_esc(author)}</span>")
    b.line(METADATA, '<p class="meta">' + " ".join(spans) + "</p>")
    b.markup('<div class="article-body">')
    for text in body_paragraphs(post.body):
        b.line(_body_role(text, title), f"<p>{_esc(text)}</p>")
    b.markup("</div>")
    b.line(BOILERPLATE, f'<p class="editor">责任编辑：{_vary(EDITORS, n, 6)}</p>')
    b.line(BOILERPLATE, '<div class="share-bar"><span>分享到：</span><a href="#">微信</a><a href="#">微博</a>'
           '<a href="#">复制链接</a></div>')  # fmt: skip
    b.markup("</article>")
    b.markup("<aside>")
    b.line(BOILERPLATE, f"<h3>{_vary(('相关阅读', '相关新闻', '推荐阅读'), n, 15)}</h3>")
    b.markup("<ol>")
    for other in related:
        b.line(BOILERPLATE, f'<li><a href="#">{_esc(other)}</a></li>', related=True)
    b.markup("</ol></aside></main>")
    b.markup("<footer>")
    b.line(BOILERPLATE, f"<p>Copyright © 2020 {site.host} All Rights Reserved</p>")
    b.line(BOILERPLATE, f"<p>{_vary(ICP, n, 9)} | 互联网新闻信息服务许可证：44120170002</p>")
    b.markup("</footer>")
    head = (
        f'<meta charset="utf-8"><title>{_esc(title)}_{site.name}</title>'
        + _meta("og:title", title, attribute="property")
        + _meta("og:site_name", og_site_name, attribute="property")
        + _meta("article:published_time", f"{date.isoformat()}T{_time_of_day(n)}+08:00" if published_meta else "",
                attribute="property")
        + (f'<link rel="canonical" href="{url}">' if url else "")
    )  # fmt: skip
    year_known = year_shown or published_meta
    year = date.year if year_known or url else None
    return _page(
        post, "portal", b, head, title=title, year=year, month=date.month, day=date.day,
        year_inferred=not year_known and bool(url), source=source or body_credit(post) or og_site_name,
        site=site.bare_host, url=url,
    )  # fmt: skip


def _county_page(post: Post, title: str, related: Sequence[str]) -> Page:
    n, date = post.number, post.date
    site = _vary(COUNTY_SITES, n, 10)
    source = _vary(SOURCES, n, 19)
    shown_date, year_shown = _vary(
        (
            (f"{date.year}年{date.month:02d}月{date.day:02d}日", True),
            (date.isoformat(), True),
            (f"{date.month:02d}月{date.day:02d}日", False),
        ),
        n,
        12,
    )
    b = _Builder()
    b.markup('<table width="100%" border="0" cellspacing="0" cellpadding="0">')
    b.line(BOILERPLATE, f'<tr><td class="logo">{site.name}</td></tr>')
    b.line(BOILERPLATE, '<tr><td><a href="/">首页</a>&nbsp;<a href="#">政务公开</a>&nbsp;<a href="#">办事服务</a>'
           '&nbsp;<a href="#">公众参与</a></td></tr>')  # fmt: skip
    b.line(BOILERPLATE, '<tr><td>您现在的位置：<a href="/">首页</a> &gt;&gt; <a href="#">工作动态</a></td></tr>')
    b.line(TITLE, f'<tr><td class="biaoti"><b>{_esc(title)}</b></td></tr>')
    b.line(METADATA, f"<tr><td>发布日期：{shown_date}&nbsp;&nbsp;信息来源：{_esc(source)}&nbsp;&nbsp;"
           '【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</td></tr>')  # fmt: skip
    b.markup('<tr><td class="zw">')
    for text in body_paragraphs(post.body):
        b.line(_body_role(text, title), f"<p>{_esc(text)}</p>")
    b.markup("</td></tr>")
    b.line(BOILERPLATE, '<tr><td>【<a href="#">打印本页</a>】 【<a href="#">关闭窗口</a>】</td></tr>')
    b.line(BOILERPLATE, "<tr><td>相关文章：</td></tr>")
    for other in related:
        b.line(BOILERPLATE, f'<tr><td>· <a href="#">{_esc(other)}</a></td></tr>', related=True)
    b.line(BOILERPLATE, f"<tr><td>{site.name}版权所有 {_vary(ICP, n, 9)}</td></tr>")
    b.line(BOILERPLATE, "<tr><td>网站标识码：4413230001</td></tr>")
    b.markup("</table>")
    head = f'<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>{_esc(title)}</title>'
    return _page(
        post, "county", b, head, title=title, year=date.year if year_shown else None, month=date.month,
        day=date.day, year_inferred=False, source=source or body_credit(post) or site.name, site="", encoding="gb18030",
    )  # fmt: skip


def pages(*, count: int | None = None, styles: Sequence[str] = STYLES, start: int = 0) -> Iterator[Page]:
    """Posts from `start` on, each rendered in the next style in turn, with the three posts after it
    (cyclically) in its related-news list; `count` pages in all (every post once when None). Past the
    last post the corpus starts again with variants (varied()): 1 on the second round, 2 on the third…"""
    everything = posts()
    total = len(everything) - start if count is None else count
    for offset in range(total):
        number = (start + offset) % len(everything)
        related = [everything[(number + k) % len(everything)] for k in (1, 2, 3)]
        variant = (start + offset) // len(everything)
        yield render(everything[number], style=styles[offset % len(styles)], related=related, variant=variant)


def write_pages(directory: Path, rendered: Iterable[Page]) -> list[Page]:
    """Write the pages under `directory` (one file each, at page.name); returns them."""
    written = []
    for page in rendered:
        path = directory / page.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page.data)
        written.append(page)
    return written


def imported_dates(rendered: Sequence[Page]) -> dict[str, tuple[int | None, int | None, int | None, bool]]:
    """(year, month, day, year inferred) each page should have once all of `rendered` is imported together.

    A page dated without a year, with no year in its URL, takes one from the pages of the same
    named source in its folder that print theirs (all posts are from 2020): inferred. Pages that
    name no source keep an unknown year.
    """
    dated: set[tuple[str, str]] = set()
    for page in rendered:
        if page.year is not None and not page.year_inferred and page.source:
            dated.add((page.name.rsplit("/", 1)[0], page.source))
    out = {}
    for page in rendered:
        year, inferred = page.year, page.year_inferred
        if year is None and page.source and (page.name.rsplit("/", 1)[0], page.source) in dated:
            year, inferred = page.post.date.year, True
        out[page.name] = (year, page.month, page.day, inferred)
    return out
