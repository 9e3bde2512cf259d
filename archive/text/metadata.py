"""Article metadata read off the page: title, publication date, source, original URL, site.

Functions take the paragraph texts and, where it matters, their roles (as
computed by archive.text.boilerplate), and never look inside long lines for
metadata patterns except the title line. A year is read only where the page
prints it with its date; a missing year is left to archive.text.years, which
looks only at evidence about the page (never at years written in its text).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

_SHORT_LINE = 100

# "03.04 精度、力度…": month.day before the title text.
_LEADING_DATE = re.compile(r"^(?P<month>\d{1,2})[.\-/](?P<day>\d{1,2})\s+(?=\S)")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_FULL_DATES = (
    re.compile(r"(?<!\d)(?P<year>(19|20)\d{2})\s*[-/.]\s*(?P<month>\d{1,2})\s*[-/.]\s*(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>(19|20)\d{2})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"),
    re.compile(
        r"\b(?P<monthname>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(?P<day>\d{1,2}),?\s+"
        r"(?P<year>(19|20)\d{2})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?P<day>\d{1,2})\s+(?P<monthname>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+"
        r"(?P<year>(19|20)\d{2})\b",
        re.IGNORECASE,
    ),
)
# A month and day without a year, as a metadata line may give them: "03-04 10:00", "03月04日".
_PARTIAL_DATES = (
    re.compile(r"(?<![\d年./-])(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"),
    re.compile(r"(?<![\d年./:-])(?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?=\s+\d{1,2}:\d{2})"),
)

_EN_SOURCE = re.compile(r"\(\s*Source\s*[:：]\s*(?P<name>[^()]+?)\s*\)", re.IGNORECASE)
_ZH_SOURCE = re.compile(r"[【\[(（]\s*(?:来源|來源|稿源)\s*[:：]\s*(?P<name>[^】\]()（）]+?)\s*[】\])）]")
# A source credited in a header line: "来源:X" alone or inside a "时间:… 来源:X 作者:…" line,
# "From: X | Updated:…", "信息来源：X", "Source: X". The label starts the line or follows a space or bar.
_SOURCE_LABEL = re.compile(
    r"(?:^|(?<=[\s|｜]))(?:(?:信息|文章|新闻|新聞|消息|稿件)?(?:来源|來源)|稿源|Source|From)\s*[:：]", re.IGNORECASE
)
# Where a credited name ends: the next "label:", a bar or bracket, a date, two spaces, the end.
_SOURCE_END = re.compile(r"\s{2,}|\s*[|｜【\[]|\s+[^\s:：|｜]{1,8}[:：]|^[^\s:：|｜]{1,8}[:：]|\s+\d{2,4}[-/.年]|$")
_MAX_SOURCE = 40
_OFFICIAL_ACCOUNT = re.compile(r"^Official account of (?P<name>.+?)(?:\s+\d+\s+\w+\s+ago)?$", re.IGNORECASE)
_COPYRIGHT_DOMAIN = re.compile(
    r"copyright\s*(?:@|©|\(c\))?\s*[\d\s\-–]*\s*(?P<domain>(?:[a-z0-9-]+\.)+[a-z]{2,})", re.IGNORECASE
)
_COPYRIGHT_NAME = re.compile(r"^(?P<name>[^\s\-–—|]+)\s*(?:[-–—|][^版]*)?版权所有")
_DOMAIN = re.compile(r"^(?:www\.)?(?P<domain>(?:[a-z0-9-]+\.)+[a-z]{2,})$", re.IGNORECASE)
_URL_LINE = re.compile(
    r"^(?:(?:原文链接|原文地址|本文链接|原文|链接|URL|Original URL|Source URL|Link)\s*[:：]\s*)?(?P<url>https?://\S+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PubDate:
    year: int | None
    month: int | None
    day: int | None
    year_inferred: bool = False


NO_DATE = PubDate(year=None, month=None, day=None)


@dataclass(frozen=True)
class SourceInfo:
    name: str
    domain: str = ""


def strip_leading_date(text: str) -> str:
    """A title line without its "03.04 " month.day prefix."""
    return _LEADING_DATE.sub("", text, count=1)


def find_title(texts: Sequence[str], roles: Sequence[str]) -> str:
    for text, role in zip(texts, roles, strict=True):
        if role == "title":
            return strip_leading_date(text).strip()
    for text, role in zip(texts, roles, strict=True):
        if role == "body":
            return text[:80].rstrip() + ("…" if len(text) > 80 else "")
    return ""


def parse_full_date(text: str) -> PubDate | None:
    """The first complete, valid date in `text`."""
    found: list[tuple[int, PubDate]] = []
    for pattern in _FULL_DATES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = _MONTHS[parts["monthname"].lower()] if parts.get("monthname") else int(parts["month"])
            day = int(parts["day"])
            if 1 <= month <= 12 and 1 <= day <= 31:
                found.append((match.start(), PubDate(year=int(parts["year"]), month=month, day=day)))
                break
    return min(found, key=lambda item: item[0])[1] if found else None


def find_date(texts: Sequence[str], roles: Sequence[str]) -> PubDate:
    """Publication date from the metadata lines, else the title.

    A "03.04" title prefix, or a month and day in a metadata line ("03-04 10:00"), gives a
    date without a year: the year is not borrowed from elsewhere in the text (a birth year,
    "2018年度" are no evidence of when the page was published).
    """
    for text, role in zip(texts, roles, strict=True):
        if role == "metadata" and (date := parse_full_date(text)):
            return date
    for text, role in zip(texts, roles, strict=True):
        if role == "metadata" and len(text) <= _SHORT_LINE:
            for pattern in _PARTIAL_DATES:
                if match := pattern.search(text):
                    return _partial(int(match["month"]), int(match["day"]))
    for text, role in zip(texts, roles, strict=True):
        if role == "title":
            if match := _LEADING_DATE.match(text):
                return _partial(int(match["month"]), int(match["day"]))
            return parse_full_date(text) or NO_DATE
    return NO_DATE


def _partial(month: int, day: int) -> PubDate:
    if 1 <= month <= 12 and 1 <= day <= 31:
        return PubDate(year=None, month=month, day=day)
    return NO_DATE


def _split_source(name: str) -> SourceInfo:
    match = _DOMAIN.match(name.strip())
    if match:
        return SourceInfo(name=match["domain"].lower(), domain=match["domain"].lower())
    return SourceInfo(name=name.strip())


def header_sources(text: str) -> list[str]:
    """Names credited by header labels in a short line: "时间:… 来源:央视新闻 作者:…" → ["央视新闻"].

    An empty credit ("来源:  作者:网络", "From: | Updated:…") names nothing.
    """
    if len(text) > _SHORT_LINE:
        return []
    names = []
    for label in _SOURCE_LABEL.finditer(text):
        rest = text[label.end() :].lstrip()
        name = rest[: _SOURCE_END.search(rest).start()].strip(" \t\u00a0\u3000,，.。;；")
        if name and len(name) <= _MAX_SOURCE:
            names.append(name)
    return names


def find_source(texts: Sequence[str], *, skip: Collection[int] = ()) -> SourceInfo | None:
    """The page's source: credited sources (most frequent wins), else the copyright footer.

    Lines whose index is in `skip` (lists of other articles, whose credits are not this
    page's) are not read. On a bilingual page, "(Source: sznews.com)" at the end of an
    English paragraph and "【来源:深圳新闻网】" at the end of the next one name the same
    source: the Chinese name is kept with the English domain.
    """
    footer = footer_owner(texts)
    return credited_source(texts, skip=skip) or (footer if footer and footer.name else None)


def credited_source(texts: Sequence[str], *, skip: Collection[int] = ()) -> SourceInfo | None:
    """The source the page's own lines credit, if any (the most frequent credit)."""
    credited: Counter[SourceInfo] = Counter()
    for index, text in enumerate(texts):
        if index in skip:
            continue
        english = [m["name"] for m in _EN_SOURCE.finditer(text)]
        chinese = [m["name"] for m in _ZH_SOURCE.finditer(text)]
        if english and index + 1 < len(texts) and (paired := _ZH_SOURCE.search(texts[index + 1])):
            info = _split_source(english[-1])
            credited[SourceInfo(name=paired["name"].strip(), domain=info.domain)] += 1
            continue
        if chinese and index > 0 and _EN_SOURCE.search(texts[index - 1]):
            continue  # counted with its English partner
        names = english + chinese
        if not names and len(text) <= _SHORT_LINE:
            names = header_sources(text)
            if (match := _OFFICIAL_ACCOUNT.match(text)) and match["name"].strip():
                names.append(match["name"])
        for name in names:
            credited[_split_source(name)] += 1
    if credited:
        return max(credited.items(), key=lambda item: (item[1], bool(item[0].domain)))[0]
    return None


def footer_owner(texts: Sequence[str]) -> SourceInfo | None:
    """The site's owner and host as its copyright footer names them ("热讯网 版权所有", "Copyright @ 2020 tv.rexun.cn").

    The name is "" when the footer gives only the host: a host is the site, not an outlet.
    """
    domain = name = ""
    for text in texts:
        if len(text) > _SHORT_LINE:
            continue
        if not domain and (match := _COPYRIGHT_DOMAIN.search(text)):
            domain = match["domain"].lower().removeprefix("www.")
        if not name and (match := _COPYRIGHT_NAME.search(text)):
            name = match["name"].strip()
    if name or domain:
        return SourceInfo(name=name, domain=domain)
    return None


def host_of(url: str) -> str:
    """The site a URL is on: its host name, lower case, without "www."."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def find_original_url(texts: Sequence[str]) -> str:
    for text in texts:
        if len(text) <= 2000 and (match := _URL_LINE.match(text)):
            return match["url"]
    return ""
