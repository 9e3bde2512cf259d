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
import json
import lzma
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import opencc

CORPUS = Path(__file__).resolve().parent.parent / "data" / "cctv-weibo-2020.jsonl.xz"
STYLES = ("briefing", "news", "traditional")

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

    @property
    def text(self) -> str:
        return "\n\n".join(line.text for line in self.lines) + "\n"

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

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
        return post.title
    text = re.sub(r"#[^#]*#", "", post.body).strip()
    if bracketed := re.search(r"【([^】]{4,})】", text):
        return bracketed.group(1).strip()
    text = text.lstrip("【】 ")
    first = _SENTENCE.split(text, maxsplit=1)[0].strip() or text
    return first[:40]


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
    owner = _pick(("Shenzhen Government Online", "eyeshenzhen.com", "China Daily"), number, 4)
    lines.append(f"Copyright © 2020 {owner}. All rights reserved.")
    return lines


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
    source = _pick(SOURCES, post.number)
    body = body_paragraphs(post.body)
    related_titles = [headline(other) for other in related]
    date = post.date
    if style == "briefing":
        lines = [
            Line(title, TITLE),
            Line(f"From: {source} | Updated:{date.isoformat()}", METADATA),
            *(Line(text, BODY) for text in body),
            *(Line(text, BOILERPLATE) for text in english_furniture(post.number, related_titles)),
        ]
        return Page(
            name=f"briefing/{post.number:05d}.txt", style=style, post=post, lines=tuple(lines), title=title,
            year=date.year, month=date.month, day=date.day, year_inferred=False, source=source, language="zh-Hans",
        )  # fmt: skip
    if style == "news":
        author = _pick(AUTHORS, post.number, 1)
        lines = [
            Line(f"您当前所在位置: > {_pick(('新闻', '要闻', '疫情防控'), post.number)} > 国内", BOILERPLATE),
            Line(title, TITLE),
            Line(f"时间:{date.isoformat()} {_time_of_day(post.number)}  来源:{source}  作者:{author}", METADATA),
            Line(f"原标题:{title}", METADATA),
            *(Line(text, BODY) for text in body),
            *(Line(text, BOILERPLATE) for text in chinese_furniture(post.number, related_titles)),
        ]
        return Page(
            name=f"news/{post.number:05d}.txt", style=style, post=post, lines=tuple(lines), title=title,
            year=date.year, month=date.month, day=date.day, year_inferred=False, source=source, language="zh-Hans",
        )  # fmt: skip
    if style == "traditional":
        title_tw = to_taiwan(title)
        lines = [
            Line(f"{date.month:02d}.{date.day:02d} {title_tw}", TITLE),
            *(Line(to_taiwan(text), BODY) for text in body),
            *(Line(to_taiwan(text), BOILERPLATE) for text in chinese_furniture(post.number, related_titles)),
        ]
        return Page(
            name=f"traditional/{post.number:05d}.txt", style=style, post=post, lines=tuple(lines), title=title_tw,
            year=None, month=date.month, day=date.day, year_inferred=False, source="", language="zh-Hant",
        )  # fmt: skip
    raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")


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
