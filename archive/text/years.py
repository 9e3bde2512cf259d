"""Where a missing year may come from: evidence about the page, never a year written in its text.

A page dated "03.04" prints no year. A year in its body ("1972年出生", "2018年度") says
nothing about when the page was published, so it is never used. Evidence is:

- the page's URL, when its path holds the date ("/2020/03/04/", "/2020-03/04/",
  "content_20200304_1.htm") or the year and month ("/202003/"), agreeing with the
  page's month (and day, when the URL has one);
- the page's capture date (a WARC record's WARC-Date): the latest year in which the
  page's month and day fall on or before the capture;
- the dated pages imported with it from the same named source and folder: the year
  that puts the page nearest to them (archive.services.infer_years_from_neighbours
  finds them in the database; year_from_neighbours is its pure choice).

A year found this way is marked as inferred.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

_URL_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-/_.]?(?P<month>[01]\d)(?:[-/_.]?(?P<day>[0-3]\d))?(?!\d)")
# A neighbour is evidence only within about a season of the page's month and day (any month and
# day falls within half a year of any date in some year, so a wider window would decide nothing).
MAX_NEIGHBOUR_DAYS = 92


def year_from_url(url: str, *, month: int, day: int | None) -> int | None:
    """The year of a date in the URL's path that agrees with the page's month and day."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    for match in _URL_DATE.finditer(parts.path + "?" + parts.query):
        if int(match["month"]) != month:
            continue
        if match["day"] and day and int(match["day"]) != day:
            continue
        return int(match["year"])
    return None


def year_from_capture(captured_at: datetime.datetime | datetime.date, *, month: int, day: int | None) -> int:
    """The latest year in which the page's month and day fall on or before its capture."""
    if (month, day or 1) <= (captured_at.month, captured_at.day):
        return captured_at.year
    return captured_at.year - 1


def year_from_neighbours(*, month: int, day: int | None, dated: Iterable[datetime.date]) -> int | None:
    """The year that puts month/day nearest to a dated neighbour (within MAX_NEIGHBOUR_DAYS), if any."""
    best: tuple[int, int] | None = None  # (distance in days, year)
    for neighbour in dated:
        for year in (neighbour.year - 1, neighbour.year, neighbour.year + 1):
            try:
                candidate = datetime.date(year, month, day or 1)
            except ValueError:  # 29 February in a common year
                continue
            distance = abs((candidate - neighbour).days)
            if distance <= MAX_NEIGHBOUR_DAYS and (best is None or (distance, year) < best):
                best = (distance, year)
    return best[1] if best else None


def infer_year(
    *, month: int | None, day: int | None, url: str = "", captured_at: datetime.datetime | None = None
) -> int | None:
    """The year of a page that prints only its month and day, from its URL, else its capture date."""
    if not month:
        return None
    if url and (year := year_from_url(url, month=month, day=day)):
        return year
    if captured_at:
        return year_from_capture(captured_at, month=month, day=day)
    return None
