"""Which parser reads a file, by its name (pure: no Django here).

One file, one page: plain text (archive.text.pipeline) and saved HTML pages
(archive.text.html). Files holding many pages, WARC archives and JSON Lines
exports, are read record by record by archive.importing.records.
"""

from __future__ import annotations

from archive.text.html import HTML_SUFFIXES, parse_html
from archive.text.pipeline import ParsedPage, parse_page
from archive.text.warc import WARC_SUFFIXES

JSONL_SUFFIXES = (".jsonl",)
MULTI_RECORD_SUFFIXES = WARC_SUFFIXES + JSONL_SUFFIXES


def is_html(name: str) -> bool:
    return name.lower().endswith(HTML_SUFFIXES)


def is_multi_record(name: str) -> bool:
    return name.lower().endswith(MULTI_RECORD_SUFFIXES)


def parse_file(data: bytes, *, name: str) -> ParsedPage:
    """A one-page file's bytes → ParsedPage; raises decode.DecodeError for unreadable bytes."""
    if is_html(name):
        return parse_html(data)
    return parse_page(data)
