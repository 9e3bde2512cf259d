"""One rule for dates everywhere: a date without a year passes no bounded date filter, and is
found under "date unknown" (seed 003 is dated 4 March, year unknown)."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest

from archive.dates import DATE_UNKNOWN
from archive.filters import FilterError, Filters
from archive.search.results import search_articles
from tests.support.seeds import seed_numbers

RANGE = {"date_from": "2020-03-01", "date_to": "2020-03-25"}
UNTIL = {"date_to": "2020-03-25"}


def numbers_in(text: str) -> set[str]:
    return {number for number in ("000", "001", "002", "003", "004") if f"{number}_" in text}


@pytest.mark.parametrize("dates", [RANGE, UNTIL, {"date_from": "1900-01-01"}])
def test_a_date_without_a_year_passes_no_bounded_filter_anywhere(seeded, client, dates):
    filters = Filters.parse(dates)
    assert "003" in seed_numbers("疫情")
    assert "003" not in {hit.article.source_file[:3] for hit in search_articles(query="疫情", filters=filters).results}
    pages = {
        "search page": client.get("/search/", {"q": "疫情", **dates}).content.decode(),
        "browse page": client.get("/", dates).content.decode(),
        "API search": json.dumps(client.get("/api/search", {"q": "疫情", **dates}).json(), ensure_ascii=False),
        "API list": json.dumps(client.get("/api/articles", dates).json(), ensure_ascii=False),
        "CSV export": b"".join(client.get("/export/search.csv", {"q": "疫情", **dates}).streaming_content).decode(),
        "JSONL export": b"".join(client.get("/export/articles.jsonl", dates).streaming_content).decode(),
        "search feed": client.get("/feeds/search.atom", {"q": "疫情", **dates}).content.decode(),
    }
    for where, text in pages.items():
        assert "003_" not in text and "精度、力度、溫度" not in text, where
    assert "000_" in pages["API search"] and "000_" in pages["API list"]  # 20 March 2020 still passes


def test_date_unknown_is_a_facet_value_that_can_be_selected(seeded, client):
    page = search_articles(query="疫情")
    months = {value: n for value, _, n in page.facets["month"]}
    assert months[DATE_UNKNOWN] >= 1
    assert page.facets["month"][-1][0] == DATE_UNKNOWN  # after the real months
    unknown = search_articles(query="疫情", filters=Filters(month=DATE_UNKNOWN))
    # 003 has no year, 004 no date at all.
    assert {hit.article.source_file[:3] for hit in unknown.results} == {"003", "004"}
    html = client.get("/search/", {"q": "疫情"}).content.decode()
    assert "month=unknown" in html and "date unknown" in html
    browse = client.get("/", {"month": "unknown"}).content.decode()
    # 001, 003 and 004 have no complete month; 000 and 002 are dated March 2020.
    assert "精度、力度、溫度" in browse and "细微处下功夫" in browse and "Bao &#x27;an" in browse
    assert "Daily Briefing" not in browse and "打好疫情防控战" not in browse
    assert "3 articles" in browse
    api = client.get("/api/search", {"q": "疫情"}).json()
    assert {"value": DATE_UNKNOWN, "label": DATE_UNKNOWN, "count": months[DATE_UNKNOWN]} in api["facets"]["month"]


def test_export_and_api_follow_the_month_filter(seeded, client):
    rows = list(csv.DictReader(io.StringIO(
        b"".join(client.get("/export/articles.csv", {"month": "unknown"}).streaming_content).decode().lstrip("\ufeff")
    )))  # fmt: skip
    assert {row["source_file"][:3] for row in rows} == {"001", "003", "004"}
    assert client.get("/api/articles", {"month": "2020-03"}).json()["count"] == 2  # 000 and 002


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"date_from": "March 2020"}, "date_from must be a date as YYYY-MM-DD"),
        ({"month": "2020-13"}, "month must be a month as YYYY-MM"),
        ({"language": "fr"}, "language must be one of"),
        ({"source": "-1"}, "source must be a source id"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(db, client, params, error):
    for url in ("/api/search", "/api/articles", "/export/articles.csv"):
        response = client.get(url, {"q": "口罩", **params})
        assert response.status_code == 400, url
        assert error in response.json()["error"], url
    with pytest.raises(FilterError):
        Filters.parse(params)
    assert Filters.parse(params, strict=False) == Filters()


def test_filters_round_trip_through_query_parameters():
    filters = Filters(
        language="zh-Hant", source=3, date_from=datetime.date(2020, 3, 1), date_to=None, month=DATE_UNKNOWN
    )
    assert Filters.parse(filters.as_params()) == filters
    assert not Filters() and filters
