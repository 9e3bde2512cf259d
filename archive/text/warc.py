"""Reading WARC files: each HTML response (or resource) record is one captured page (pure: no Django)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

WARC_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class WarcError(ValueError):
    """Not a readable WARC file; the message says why, on one line."""


@dataclass(frozen=True)
class WarcPage:
    index: int  # the record's 0-based position among all records of the file
    target_uri: str
    captured_at: datetime.datetime | None
    content: bytes
    charset: str = ""
    too_large: bool = False  # the payload was over max_bytes and was not read


def is_warc(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def parse_warc_date(value: str) -> datetime.datetime | None:
    """WARC-Date (ISO 8601 in UTC, "2020-03-20T08:00:00Z", maybe with fractions) → aware datetime."""
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _content_type(record) -> tuple[str, str]:
    if record.http_headers is not None:
        value = record.http_headers.get_header("Content-Type") or ""
    else:
        value = record.rec_headers.get_header("Content-Type") or ""
    kind, _, params = value.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, setting = param.strip().partition("=")
        if name.lower() == "charset":
            charset = setting.strip().strip("\"'")
    return kind.strip().lower(), charset


def read_pages(stream: BinaryIO, *, max_bytes: int | None = None) -> Iterator[WarcPage]:
    """The HTML pages of a WARC stream (plain or gzipped), in file order.

    A payload over `max_bytes` is yielded empty with `too_large` set, so the caller can refuse it by name.
    """
    index = -1
    try:
        for index, record in enumerate(ArchiveIterator(stream)):
            if record.format != "warc":  # warcio reads anything as a legacy ARC record
                raise WarcError(f"not a WARC file: record {index} has no WARC header")
            yield from _page(index, record, max_bytes=max_bytes)
    except ArchiveLoadFailed as exc:
        raise WarcError(f"not a readable WARC file after {index + 1} records: {exc}".replace("\n", " ")) from exc
    if index < 0:
        raise WarcError("not a WARC file: no records found")


def _page(index: int, record, *, max_bytes: int | None) -> Iterator[WarcPage]:
    """The record as a page, if it is a successful HTML response or resource."""
    if record.rec_type not in ("response", "resource"):
        return
    if record.rec_type == "response" and record.http_headers is None:
        return
    if record.http_headers is not None and not (record.http_headers.get_statuscode() or "").startswith("2"):
        return
    kind, charset = _content_type(record)
    if kind not in _HTML_TYPES:
        return
    stream_in = record.content_stream()
    content = stream_in.read(max_bytes + 1) if max_bytes else stream_in.read()
    too_large = bool(max_bytes) and len(content) > max_bytes
    yield WarcPage(
        index=index,
        target_uri=record.rec_headers.get_header("WARC-Target-URI") or "",
        captured_at=parse_warc_date(record.rec_headers.get_header("WARC-Date") or ""),
        content=b"" if too_large else content,
        charset=charset,
        too_large=too_large,
    )
