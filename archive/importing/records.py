"""Files that hold many pages: WARC archives and JSON Lines exports, read record by record
(pure: no Django here).

Each record becomes its own article, idempotent by content hash like a single file:

- a WARC's HTML responses: source_file "<warc path>#<record index>", the record's
  WARC-Target-URI as original URL and its WARC-Date as capture date, the payload's SHA-256 as
  content hash;
- a JSON Lines export (/export/articles.jsonl, one article per line as /api/articles/<id>
  gives it): the article comes back under its own source_file and content hash, with its
  paragraphs, positions, roles, flags and translation pairs exactly as exported (nothing is
  re-inferred).

The records are read in the importing process (a WARC is read once, in order); parsing them
happens in the workers (archive.importing.prepare).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archive.importing.items import Item
from archive.importing.outcomes import ImportRefused
from archive.text import boilerplate, script
from archive.text.formats import JSONL_SUFFIXES
from archive.text.pipeline import ParsedPage, ParsedParagraph
from archive.text.warc import WarcError, is_warc, read_pages

ROLES = frozenset({boilerplate.TITLE, boilerplate.BODY, boilerplate.METADATA, boilerplate.BOILERPLATE})
LANGUAGES = frozenset({script.ENGLISH, script.SIMPLIFIED, script.TRADITIONAL, script.MIXED, script.UNKNOWN})


def read_records(*, path: Path, source_file: str, max_bytes: int) -> Iterator[Item]:
    """The records of a WARC or JSON Lines file as items; raises ImportRefused, WarcError or
    OSError when the file itself cannot be read (records already yielded stay valid)."""
    if is_warc(path.name):
        yield from _warc_records(path=path, source_file=source_file, max_bytes=max_bytes)
    elif path.name.lower().endswith(JSONL_SUFFIXES):
        yield from _jsonl_records(path=path, source_file=source_file)
    else:
        raise ImportRefused("not a WARC or JSON Lines file")


RECORD_ERRORS = (ImportRefused, WarcError)


def _warc_records(*, path: Path, source_file: str, max_bytes: int) -> Iterator[Item]:
    with path.open("rb") as stream:
        for page in read_pages(stream, max_bytes=max_bytes):
            name = f"{source_file}#{page.index}"
            if page.too_large:
                message = f"record too large (the limit is ARCHIVE_MAX_IMPORT_BYTES={max_bytes})"
                yield Item(source_file=name, kind=Item.REFUSED, message=message)
                continue
            yield Item(
                source_file=name,
                kind=Item.WARC,
                content=page.content,
                digest=hashlib.sha256(page.content).hexdigest(),
                url=page.target_uri,
                charset=page.charset,
                captured_at=page.captured_at,
            )


def _jsonl_records(*, path: Path, source_file: str) -> Iterator[Item]:
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig"))
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
            except (UnicodeDecodeError, ValueError) as exc:
                message = f"line {number}: not an exported article ({exc})"
                yield Item(source_file=f"{source_file}#{number}", kind=Item.REFUSED, message=message)
                continue
            provenance = record.get("provenance") if isinstance(record.get("provenance"), dict) else {}
            name = str(provenance.get("source_file") or record.get("source_file") or f"{source_file}#{number}")
            hashed = provenance.get("content_hash")
            digest = str(hashed.get("value", "")) if isinstance(hashed, dict) else str(hashed or "")
            digest = digest or hashlib.sha256(raw).hexdigest()
            yield Item(source_file=name[:1000], kind=Item.JSONL, record=record, line=number, digest=digest[:64])


def _datetime(value) -> datetime.datetime | None:
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _part(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def page_from_export(record: dict[str, Any], *, line: int = 0) -> ParsedPage:
    """One exported article (the /api/articles/<id> shape) → ParsedPage, as exported."""
    where = f"line {line}: " if line else ""
    paragraphs_in = record.get("paragraphs")
    if not isinstance(paragraphs_in, list):
        raise ImportRefused(f"{where}no paragraphs list")
    paragraphs: list[ParsedParagraph] = []
    positions: set[int] = set()
    for item in paragraphs_in:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ImportRefused(f"{where}a paragraph without text")
        position = _part(item.get("position"))
        if position is None or position in positions:
            raise ImportRefused(f"{where}paragraph positions must be distinct positive integers")
        positions.add(position)
        role = item.get("role") if item.get("role") in ROLES else boilerplate.BODY
        language = item.get("language") if item.get("language") in LANGUAGES else script.UNKNOWN
        paragraphs.append(
            ParsedParagraph(
                position=position,
                text=item["text"],
                language=language,
                role=role,
                is_boilerplate=bool(item.get("is_boilerplate")),
                pair_position=_part(item.get("translation")),
            )
        )
    paragraphs = [
        p
        if p.pair_position in positions and p.pair_position != p.position
        else dataclasses.replace(p, pair_position=None)
        for p in paragraphs
    ]
    provenance = record.get("provenance") if isinstance(record.get("provenance"), dict) else {}
    parts = provenance.get("published_parts") if isinstance(provenance.get("published_parts"), dict) else {}
    source = provenance.get("source") if isinstance(provenance.get("source"), dict) else {}
    language = record.get("language") if record.get("language") in LANGUAGES else script.UNKNOWN
    return ParsedPage(
        title=str(record.get("title") or ""),
        pub_year=_part(parts.get("year")),
        pub_month=_part(parts.get("month")),
        pub_day=_part(parts.get("day")),
        pub_year_inferred=bool(parts.get("year_inferred")),
        language=language,
        source_name=str(source.get("name") or record.get("source") or ""),
        source_domain=str(source.get("domain") or ""),
        site=str(provenance.get("site") or "")[:200],
        original_url=str(provenance.get("original_url") or "")[:2000],
        encoding="utf-8",
        paragraphs=sorted(paragraphs, key=lambda p: p.position),
        captured_at=_datetime(provenance.get("captured_at")),
    )
