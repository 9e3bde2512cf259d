"""The term timeline (issue 18): buckets per month and per week, the chart on the search page, its
links, comparisons, the API's `timeline` and the timeline CSV.

The seeds' dates: 000 is 2020-03-20, 002 2020-03-31, 003 is 4 March with no year, 001 and 004
have none. 复工复产 finds 000, 002 and 003.
"""

from __future__ import annotations

import csv
import datetime
import io
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from archive.timeline import (
    MONTH,
    WEEK,
    DateCounts,
    TimelineError,
    as_json,
    build,
    choose_unit,
    compare_terms,
    filter_period,
    parse_unit,
    table,
)
from archive.timeline_chart import link, nice_ticks

D = datetime.date


def counts(days: dict[int, int], *, month_only: dict[str, int] | None = None, unknown: int = 0) -> DateCounts:
    """Counts as an engine gives them: complete dates, plus month-only and undated matches."""
    months: dict[str, int] = {}
    for day, n in days.items():
        key = f"{day // 10000:04d}-{day // 100 % 100:02d}"
        months[key] = months.get(key, 0) + n
    for key, n in (month_only or {}).items():
        months[key] = months.get(key, 0) + n
    if unknown:
        months["unknown"] = unknown
    return DateCounts(total=sum(months.values()), months=months, days=days)


# --- buckets --------------------------------------------------------------------------------------


def test_months_run_from_the_first_to_the_last_with_empty_months_between():
    found = build(series=[("q", counts({20200115: 2, 20200402: 1}, month_only={"2020-02": 1}, unknown=3))], unit=MONTH)
    assert [(b.period, b.counts) for b in found.buckets] == [
        ("2020-01", (2,)),
        ("2020-02", (1,)),  # a month-only date counts in its month
        ("2020-03", (0,)),
        ("2020-04", (1,)),
    ]
    assert found.buckets[1].start == D(2020, 2, 1) and found.buckets[1].end == D(2020, 2, 29)
    assert found.buckets[0].filters == {"month": "2020-01"}
    assert found.unknown == (3,) and found.unknown_filters == {"month": "unknown"}
    assert sum(b.counts[0] for b in found.buckets) + found.unknown[0] == found.totals[0] == 7


def test_months_cross_the_year():
    found = build(series=[("q", counts({20191230: 1, 20200201: 1}))], unit=MONTH)
    assert [b.period for b in found.buckets] == ["2019-12", "2020-01", "2020-02"]


def test_weeks_are_iso_weeks_monday_to_sunday():
    # 2020-03-20 is a Friday (week 12), 2020-03-31 a Tuesday (week 14).
    found = build(series=[("q", counts({20200320: 1, 20200331: 2}))], unit=WEEK)
    assert [(b.period, b.start, b.end, b.counts) for b in found.buckets] == [
        ("2020-W12", D(2020, 3, 16), D(2020, 3, 22), (1,)),
        ("2020-W13", D(2020, 3, 23), D(2020, 3, 29), (0,)),
        ("2020-W14", D(2020, 3, 30), D(2020, 4, 5), (2,)),
    ]
    assert found.buckets[0].filters == {"month": "", "date_from": "2020-03-16", "date_to": "2020-03-22"}


def test_weeks_are_cut_to_the_filters_period():
    march = filter_period(month="2020-03")
    found = build(series=[("q", counts({20200320: 1}))], unit=WEEK, period=march)
    assert (found.buckets[0].start, found.buckets[0].end) == (D(2020, 3, 1), D(2020, 3, 1))  # a Sunday
    assert found.buckets[0].period == "2020-W09"
    assert (found.buckets[-1].start, found.buckets[-1].end) == (D(2020, 3, 30), D(2020, 3, 31))
    assert len(found.buckets) == 6 and sum(b.counts[0] for b in found.buckets) == 1


def test_per_week_a_month_only_date_is_unknown_and_no_filter_lists_it():
    found = build(series=[("q", counts({20200320: 1}, month_only={"2020-03": 2}, unknown=1))], unit=WEEK)
    assert found.unknown == (3,)  # 2 dated to the month only, 1 not at all
    assert found.unknown_filters is None
    exact = build(series=[("q", counts({20200320: 1}, unknown=1))], unit=WEEK)
    assert exact.unknown == (1,) and exact.unknown_filters == {"month": "unknown", "date_from": "", "date_to": ""}


def test_terms_compared_share_the_periods():
    found = build(
        series=[("a", counts({20200115: 1})), ("b", counts({20200310: 4}, unknown=2))],
        unit=MONTH,
    )
    assert [(b.period, b.counts) for b in found.buckets] == [
        ("2020-01", (1, 0)),
        ("2020-02", (0, 0)),
        ("2020-03", (0, 4)),
    ]
    assert found.unknown == (0, 2) and found.terms == ("a", "b") and found.highest == 4


def test_nothing_dated_gives_no_buckets_only_the_unknown_one():
    found = build(series=[("q", counts({}, unknown=2))], unit=WEEK)
    assert found.buckets == () and found.unknown == (2,)
    assert as_json(found) == [{"period": "unknown", "start": None, "end": None, "count": 2}]


@pytest.mark.parametrize(
    ("filters", "requested", "unit"),
    [
        ({}, "", MONTH),
        ({"month": "2020-03"}, "", WEEK),
        ({"date_from": D(2020, 3, 1), "date_to": D(2020, 5, 31)}, "", WEEK),  # 92 days
        ({"date_from": D(2020, 3, 1), "date_to": D(2020, 6, 1)}, "", MONTH),
        ({"date_from": D(2020, 3, 1)}, "", MONTH),  # open: the span is the data's
        ({"month": "unknown"}, "", MONTH),
        ({"month": "2020-03"}, MONTH, MONTH),
        ({}, WEEK, WEEK),
    ],
)
def test_per_week_when_the_filters_bound_a_short_period(filters, requested, unit):
    assert choose_unit(requested, filter_period(**filters)) == unit


@pytest.mark.parametrize(
    ("filters", "period"),
    [
        ({"month": "2020-02"}, (D(2020, 2, 1), D(2020, 2, 29))),
        ({"month": "2020-12"}, (D(2020, 12, 1), D(2020, 12, 31))),
        ({"month": "2020-03", "date_from": D(2020, 3, 10)}, (D(2020, 3, 10), D(2020, 3, 31))),
        ({"date_from": D(2020, 3, 10), "date_to": D(2020, 3, 1)}, None),
        ({"date_to": D(2020, 3, 1)}, None),
        ({}, None),
    ],
)
def test_the_filters_period(filters, period):
    assert filter_period(**filters) == period


@pytest.mark.parametrize(
    ("query", "compare", "terms"),
    [
        ("复工复产", [], ("复工复产",)),
        ("复工复产", ["封控"], ("复工复产", "封控")),
        ("复工复产", ["封控,停工", "口罩"], ("复工复产", "封控", "停工", "口罩")),
        ("复工复产", ["封控，停工、 复工复产", ""], ("复工复产", "封控", "停工")),
    ],
)
def test_compare_terms(query, compare, terms):
    assert compare_terms(query, compare) == terms


def test_more_than_four_terms_is_an_error_naming_compare():
    with pytest.raises(TimelineError) as error:
        compare_terms("a", ["b,c,d,e"])
    assert error.value.name == "compare" and "at most 3" in str(error.value)


def test_a_bad_unit_is_an_error_naming_timeline():
    assert parse_unit("week") == WEEK and parse_unit("") == ""
    with pytest.raises(TimelineError, match=r"^timeline must be one of month, week"):
        parse_unit("year")


def test_the_table_has_a_column_per_term_and_the_unknown_row_last():
    found = build(series=[("a", counts({20200115: 1})), ("b", counts({}, unknown=2))], unit=MONTH)
    assert table(found) == [
        ["period", "start", "end", "a", "b"],
        ["2020-01", "2020-01-01", "2020-01-31", 1, 0],
        ["unknown", "", "", 0, 2],
    ]


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (2, [0, 1, 2]),
        (7, [0, 2, 4, 6, 8]),
        (38, [0, 10, 20, 30, 40]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_nice_ticks(highest, ticks):
    assert nice_ticks(highest) == ticks


def test_links_keep_the_page_and_apply_the_changes():
    params = {"q": ["复工复产"], "page": ["3"], "month": ["2020-03"], "drop": ["a", "b"]}
    url = link(params, {"month": "", "date_from": "2020-03-02", "date_to": "2020-03-08"})
    assert parse_qs(url[1:]) == {
        "q": ["复工复产"],
        "drop": ["a", "b"],
        "date_from": ["2020-03-02"],
        "date_to": ["2020-03-08"],
    }


# --- the search page ------------------------------------------------------------------------------


def page_tree(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode()), response


def bars(tree) -> list:
    return tree.xpath("//svg[contains(@class, 'timeline-chart')]//a[@data-period]")


def result_count(tree) -> int:
    found = tree.xpath("//p[contains(@class, 'count')]")
    return int(found[0].text_content().split()[0]) if found else 0


def test_the_search_page_draws_a_march_2020_bar(client, seeded):
    tree, response = page_tree(client, "/search/?q=复工复产")
    svg = tree.xpath("//svg[contains(@class, 'timeline-chart')]")[0]
    assert svg.get("role") == "group" and svg.get("aria-labelledby") == "timeline-title"
    assert svg.xpath("./title")[0].text_content() == "Matching articles per month: 复工复产"
    assert svg.xpath("./desc")[0].text_content().startswith("One bar per term for 1 period, from March 2020")
    [bar] = bars(tree)
    assert (bar.get("data-period"), bar.get("data-count")) == ("2020-03", "2")
    assert bar.xpath("./title")[0].text_content() == "复工复产, March 2020: 2 articles"
    assert float(bar.xpath("./rect")[0].get("height")) > 0
    # The undated match (003: 4 March, no year) is beside the chart, not in a bar.
    unknown = tree.xpath("//div[@class='timeline-unknown']//a")[0]
    assert unknown.text_content() == "1 article" and "month=unknown" in unknown.get("href")
    assert result_count(tree) == 3
    # The data table behind <details>.
    rows = [[cell.text_content() for cell in row] for row in tree.xpath("//details[@class='timeline-table']//tr")]
    assert rows == [["Month", "复工复产"], ["March 2020", "2"], ["Date unknown", "1"]]
    # No script, no inline style: the CSP stays as it was.
    figure = lxml.html.tostring(tree.xpath("//figure[@class='timeline']")[0]).decode()
    assert "<script" not in figure and "style=" not in figure and "<style" not in figure
    assert "style-src 'self';" in response["Content-Security-Policy"]


def test_a_bar_links_to_exactly_its_articles(client, seeded):
    tree, _ = page_tree(client, "/search/?q=复工复产")
    [bar] = bars(tree)
    assert parse_qs(urlsplit(bar.get("href")).query) == {"q": ["复工复产"], "month": ["2020-03"]}
    filtered, _ = page_tree(client, "/search/" + bar.get("href"))
    assert result_count(filtered) == int(bar.get("data-count")) == 2
    # Filtered to a month, the chart shows its weeks, the selected period's bars link on.
    weeks = bars(filtered)
    assert [(b.get("data-period"), b.get("data-count")) for b in weeks] == [("2020-W12", "1"), ("2020-W14", "1")]
    assert "per week, as the period is short" in filtered.xpath("//figcaption")[0].text_content()
    last = weeks[-1]
    assert parse_qs(urlsplit(last.get("href")).query) == {
        "q": ["复工复产"], "date_from": ["2020-03-30"], "date_to": ["2020-03-31"],
    }  # fmt: skip
    week, _ = page_tree(client, "/search/" + last.get("href"))
    assert result_count(week) == 1
    assert [a.get("aria-current") for a in bars(week)] == ["true"]


def test_the_unknown_link_lists_the_undated(client, seeded):
    tree, _ = page_tree(client, "/search/?q=复工复产")
    href = tree.xpath("//div[@class='timeline-unknown']//a")[0].get("href")
    undated, _ = page_tree(client, "/search/" + href)
    assert result_count(undated) == 1


def test_compare_draws_a_series_per_term(client, seeded):
    tree, _ = page_tree(client, "/search/?q=复工复产&compare=口罩")
    series = {b.get("class") for b in bars(tree)}
    assert series == {"bar series-0", "bar series-1"}
    legend = [item.text_content().strip() for item in tree.xpath("//ul[@class='timeline-legend']/li")]
    assert legend == ["复工复产", "口罩"]
    [mask] = [b for b in bars(tree) if "series-1" in b.get("class")]
    # 口罩 finds 002 (2020-03-31) and 003 (no year).
    assert (mask.get("data-period"), mask.get("data-count")) == ("2020-03", "1")
    assert parse_qs(urlsplit(mask.get("href")).query) == {"q": ["口罩"], "compare": ["复工复产"], "month": ["2020-03"]}
    assert tree.xpath("//input[@id='id_compare']")[0].get("value") == "口罩"
    same, _ = page_tree(client, "/search/?q=复工复产&compare=口罩,东莞")
    assert {b.get("class") for b in bars(same)} == {"bar series-0", "bar series-1", "bar series-2"}


def test_more_than_four_terms_says_so(client, seeded):
    tree, _ = page_tree(client, "/search/?q=复工复产&compare=口罩,东莞,深圳&compare=疫情")
    alert = tree.xpath("//figure[@class='timeline']//p[@role='alert']")[0].text_content()
    assert alert == "At most 4 terms can be compared: the search and 3 more."
    assert {b.get("class") for b in bars(tree)} == {"bar series-0"}
    assert result_count(tree) == 3  # the results are still there


def test_the_unit_can_be_chosen_on_the_page(client, seeded):
    tree, _ = page_tree(client, "/search/?q=复工复产&timeline=week")
    assert [b.get("data-period") for b in bars(tree)] == ["2020-W12", "2020-W14"]
    assert "as the period is short" not in tree.xpath("//figcaption")[0].text_content()
    switch = tree.xpath("//span[@class='timeline-tools']/a")[0]
    assert switch.text_content() == "per month" and "timeline=month" in switch.get("href")
    bad, _ = page_tree(client, "/search/?q=复工复产&timeline=year")
    alert = bad.xpath("//figure[@class='timeline']//p[@role='alert']")[0].text_content()
    assert alert == "The timeline is drawn per month or per week."
    assert [b.get("data-period") for b in bars(bad)] == ["2020-03"]


def test_the_chart_speaks_the_ui_language(client, seeded):
    client.cookies["django_language"] = "zh-hant"
    tree, _ = page_tree(client, "/search/?q=复工复产")
    [bar] = bars(tree)
    assert bar.xpath("./title")[0].text_content() == "复工复产，2020年3月：2 篇文章"
    assert tree.xpath("//figcaption/strong")[0].text_content() == "每月相符的文章"


# --- the API and the CSV --------------------------------------------------------------------------


def test_the_api_gives_the_buckets(client, seeded):
    body = client.get("/api/search?q=复工复产&timeline=month").json()
    assert body["timeline"] == [
        {"period": "2020-03", "start": "2020-03-01", "end": "2020-03-31", "count": 2},
        {"period": "unknown", "start": None, "end": None, "count": 1},
    ]
    assert sum(bucket["count"] for bucket in body["timeline"]) == body["count"]
    weeks = client.get("/api/search?q=复工复产&timeline=week").json()["timeline"]
    assert [(b["period"], b["count"]) for b in weeks] == [
        ("2020-W12", 1),
        ("2020-W13", 0),
        ("2020-W14", 1),
        ("unknown", 1),
    ]
    assert "timeline" not in client.get("/api/search?q=复工复产").json()


def test_the_api_refuses_a_bad_timeline(client, seeded):
    response = client.get("/api/search?q=复工复产&timeline=year")
    assert response.status_code == 400
    assert response.json()["error"] == "timeline must be one of month, week"


def test_the_timeline_csv(client, seeded):
    response = client.get("/export/timeline.csv?q=复工复产&compare=口罩&timeline=month")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["period", "start", "end", "复工复产", "口罩"],
        ["2020-03", "2020-03-01", "2020-03-31", "2", "1"],
        ["unknown", "", "", "1", "1"],
    ]
    tree, _ = page_tree(client, "/search/?q=复工复产&compare=口罩")
    href = tree.xpath("//a[@download]")[0].get("href")
    assert client.get(href).content == response.content


def test_the_timeline_csv_neutralises_formulas(client, seeded):
    response = client.get("/export/timeline.csv", {"q": "复工复产", "compare": "=HYPERLINK(1)"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[-1] == "'=HYPERLINK(1)"
    assert client.get("/export/timeline.csv?q=a&compare=b,c,d,e").json()["error"].startswith("compare ")
