"""Article metadata read off the page: title, publication date, source, original URL.

Functions take the paragraph texts and, where it matters, their roles (as
computed by archive.text.boilerplate), and never look inside long lines for
metadata patterns except the title line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_SHORT_LINE = 100
_FURNITURE = frozenset({"metadata", "boilerplate"})

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
_YEAR = re.compile(r"(?<!\d)(?P<year>(19|20)\d{2})\s*年")

_EN_SOURCE = re.compile(r"\(\s*Source\s*[:：]\s*(?P<name>[^()]+?)\s*\)", re.IGNORECASE)
_ZH_SOURCE = re.compile(r"[【\[(（]\s*(?:来源|來源|稿源)\s*[:：]\s*(?P<name>[^】\]()（）]+?)\s*[】\])）]")
_SOURCE_LINE = re.compile(r"^(?:来源|來源|稿源|Source)\s*[:：]\s*(?P<name>\S[^|]*?)\s*(?:\s{2,}|\||$)", re.IGNORECASE)
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
    """Publication date from the metadata lines, else the title; a "03.04" title prefix gives a partial date."""
    for wanted in ("metadata", "title"):
        for text, role in zip(texts, roles, strict=True):
            if role == wanted and (date := parse_full_date(text)):
                return date
    for text, role in zip(texts, roles, strict=True):
        if role == "title" and (match := _LEADING_DATE.match(text)):
            month, day = int(match["month"]), int(match["day"])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                return NO_DATE
            year = _infer_year(texts, roles)
            return PubDate(year=year, month=month, day=day, year_inferred=year is not None)
    return NO_DATE


def _infer_year(texts: Sequence[str], roles: Sequence[str]) -> int | None:
    """The year of a full date (or "2020年") elsewhere in the page's own text, if any."""
    for text, role in zip(texts, roles, strict=True):
        if role in _FURNITURE and role != "metadata":
            continue
        if date := parse_full_date(text):
            return date.year
        if match := _YEAR.search(text):
            return int(match["year"])
    return None


def _split_source(name: str) -> SourceInfo:
    match = _DOMAIN.match(name.strip())
    if match:
        return SourceInfo(name=match["domain"].lower(), domain=match["domain"].lower())
    return SourceInfo(name=name.strip())


def find_source(texts: Sequence[str]) -> SourceInfo | None:
    """The page's source: credited sources (most frequent wins), else the copyright footer.

    On a bilingual page, "(Source: sznews.com)" at the end of an English paragraph
    and "【来源:深圳新闻网】" at the end of the next one name the same source:
    the Chinese name is kept with the English domain.
    """
    credited: Counter[SourceInfo] = Counter()
    for index, text in enumerate(texts):
        english = [m["name"] for m in _EN_SOURCE.finditer(text)]
        chinese = [m["name"] for m in _ZH_SOURCE.finditer(text)]
        if english and index + 1 < len(texts) and (paired := _ZH_SOURCE.search(texts[index + 1])):
            info = _split_source(english[-1])
            credited[SourceInfo(name=paired["name"].strip(), domain=info.domain)] += 1
            continue
        if chinese and index > 0 and _EN_SOURCE.search(texts[index - 1]):
            continue  # counted with its English partner
        for name in english + chinese:
            credited[_split_source(name)] += 1
        if len(text) <= _SHORT_LINE:
            for pattern in (_SOURCE_LINE, _OFFICIAL_ACCOUNT):
                if (match := pattern.match(text)) and match["name"].strip():
                    credited[_split_source(match["name"])] += 1
    if credited:
        best = max(credited.items(), key=lambda item: (item[1], bool(item[0].domain)))
        return best[0]
    return _source_from_footer(texts)


def _source_from_footer(texts: Sequence[str]) -> SourceInfo | None:
    domain = name = ""
    for text in texts:
        if len(text) > _SHORT_LINE:
            continue
        if not domain and (match := _COPYRIGHT_DOMAIN.search(text)):
            domain = match["domain"].lower()
        if not name and (match := _COPYRIGHT_NAME.search(text)):
            name = match["name"].strip()
    if name or domain:
        return SourceInfo(name=name or domain, domain=domain)
    return None


def find_original_url(texts: Sequence[str]) -> str:
    for text in texts:
        if len(text) <= 2000 and (match := _URL_LINE.match(text)):
            return match["url"]
    return ""
