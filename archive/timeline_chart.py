"""The geometry of the search page's timeline chart: grouped bars in an SVG coordinate box, the
axis ticks and labels, each bar's link (pure: templates/archive/_timeline.html draws it, escaped
and translated, with no script and no inline style, so the Content-Security-Policy holds).

Our own small template rather than a charting library: pygal's SVG carries inline <style> and
<script> (refused by our CSP), its bars cannot carry our filter links and labels in three
languages without post-editing, and a bar chart is a few rectangles (docs/timeline.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from archive.timeline import MONTH, Bucket, Timeline

WIDTH = 720
HEIGHT = 220
LEFT = 44  # room for the count labels
RIGHT = 8
TOP = 10
BOTTOM = 28  # room for the period labels
MAX_LABELS = 12
MAX_SLOT = 96  # a period's width at most: a lone month is a bar, not a wall
GROUP_FILL = 0.8  # of each period's width; the rest separates periods
# Parameters that a link to a period leaves out: the page number starts again.
_DROPPED = ("page",)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    count: int
    bucket: Bucket
    href: str
    current: bool  # the results are filtered to this bar's period


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Unknown:
    """One term's matches that no bar holds, and the link listing them ("" when no filter does)."""

    series: int
    term: str
    count: int
    href: str


@dataclass(frozen=True)
class Chart:
    timeline: Timeline
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    unknown: list[Unknown]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM


def nice_ticks(highest: int, *, steps: int = 4) -> list[int]:
    """Round axis values from 0 to at least `highest`: steps of 1, 2 or 5 times a power of ten."""
    if highest <= 0:
        return [0, 1]
    raw = max(1.0, highest / steps)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [int(step * i) for i in range(math.ceil(highest / step) + 1)]


def link(params: Mapping[str, Sequence[str]], changes: Mapping[str, str | Sequence[str]]) -> str:
    """A query string: `params` (the page's own) with `changes` applied ("" removes a parameter)."""
    merged = {name: list(values) for name, values in params.items() if name not in _DROPPED}
    for name, value in changes.items():
        values = [value] if isinstance(value, str) else list(value)
        merged[name] = [item for item in values if item]
    return "?" + urlencode([(name, item) for name, values in merged.items() for item in values])


def series_changes(terms: Sequence[str], series: int) -> dict[str, str | list[str]]:
    """What turns the page into one term's search, the others still compared with it."""
    if series == 0:
        return {}
    return {"q": terms[series], "compare": [term for term in terms if term != terms[series]]}


def short_label(bucket: Bucket, unit: str) -> str:
    """The axis label: "2020-03" per month, the week's first day "03-02" per week."""
    return bucket.period if unit == MONTH else bucket.start.strftime("%m-%d")


def chart(*, timeline: Timeline, params: Mapping[str, Sequence[str]], current: Mapping[str, str]) -> Chart:
    """The chart of `timeline` for a page whose query parameters are `params` and whose active
    period filters are `current` (month, date_from, date_to as strings)."""
    buckets = timeline.buckets
    ticks = nice_ticks(timeline.highest)
    top_value = ticks[-1]
    plot_height = HEIGHT - BOTTOM - TOP
    plot_width = WIDTH - RIGHT - LEFT
    slot = min(MAX_SLOT, plot_width / max(1, len(buckets)))
    left = LEFT + (plot_width - slot * len(buckets)) / 2  # a few bars stand in the middle
    bar_width = slot * GROUP_FILL / len(timeline.terms)
    bars = []
    for index, bucket in enumerate(buckets):
        is_current = all(current.get(name, "") == value for name, value in bucket.filters.items())
        for series, count in enumerate(bucket.counts):
            height = plot_height * count / top_value
            if count:
                height = max(height, 1.0)  # a bar of one article among thousands still shows
            href = link(params, {**series_changes(timeline.terms, series), **bucket.filters})
            bars.append(
                Bar(
                    x=round(left + slot * index + slot * (1 - GROUP_FILL) / 2 + bar_width * series, 2),
                    y=round(HEIGHT - BOTTOM - height, 2),
                    width=round(max(bar_width - 0.5, 0.5), 2),
                    height=round(height, 2),
                    series=series,
                    count=count,
                    bucket=bucket,
                    href=href,
                    current=is_current,
                )
            )
    every = max(1, math.ceil(len(buckets) / MAX_LABELS))
    labels = [
        Label(x=round(left + slot * (index + 0.5), 2), text=short_label(bucket, timeline.unit))
        for index, bucket in enumerate(buckets)
        if index % every == 0
    ]
    return Chart(
        timeline=timeline,
        bars=bars,
        ticks=[Tick(y=round(HEIGHT - BOTTOM - plot_height * value / top_value, 2), value=value) for value in ticks],
        labels=labels,
        unknown=[
            Unknown(
                series=series,
                term=term,
                count=count,
                href=link(params, {**series_changes(timeline.terms, series), **timeline.unknown_filters})
                if timeline.unknown_filters is not None and count
                else "",
            )
            for series, (term, count) in enumerate(zip(timeline.terms, timeline.unknown, strict=True))
        ],
    )
