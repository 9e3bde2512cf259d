"""Importing files that hold many pages: WARC archives and JSON Lines exports.

Each record becomes its own article, in its own transaction, idempotent by
content hash like a single file:

- a WARC's HTML responses: source_file "<warc path>#<record index>", the
  record's WARC-Target-URI as original URL and its WARC-Date as capture date,
  the payload's SHA-256 as content hash;
- a JSON Lines export (/export/articles.jsonl, one article per line as
  /api/articles/<id> gives it): the article comes back under its own
  source_file and content hash, with its paragraphs, positions, roles, flags
  and translation pairs exactly as exported (nothing is re-inferred).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from archive import services
from archive.models import Article, Language, Role
from archive.services import FAILED, IMPORTED, SKIPPED, UNCHANGED, UPDATED, FileResult, ImportRefused
from archive.text.decode import DecodeError
from archive.text.formats import JSONL_SUFFIXES
from archive.text.html import parse_html
from archive.text.pipeline import ParsedPage, ParsedParagraph
from archive.text.warc import WarcError, is_warc, read_pages

log = logging.getLogger("archive.import")


def import_records(*, path: Path, source_file: str, dry_run: bool = False, force: bool = False) -> list[FileResult]:
    """Every record of a WARC or JSON Lines file, one result each (a broken file: one failure)."""
    results: list[FileResult] = []
    try:
        if is_warc(path.name):
            records = _warc_records(path=path, source_file=source_file)
        elif path.name.lower().endswith(JSONL_SUFFIXES):
            records = _jsonl_records(path=path, source_file=source_file)
        else:
            raise ImportRefused("not a WARC or JSON Lines file")
        for name, digest, parse in records:
            results.append(_import_record(name=name, digest=digest, parse=parse, dry_run=dry_run, force=force))
    except (ImportRefused, DecodeError, WarcError) as exc:
        results.append(FileResult(source_file=source_file, outcome=FAILED, message=str(exc)))
    except OSError as exc:
        results.append(FileResult(source_file=source_file, outcome=FAILED, message=f"cannot read: {exc}"))
    except Exception as exc:  # a corrupt archive: the records read so far stay imported
        log.exception("reading %s failed", source_file)
        message = f"unreadable after {len(results)} records: {type(exc).__name__}: {exc}".replace("\n", " ")
        results.append(FileResult(source_file=source_file, outcome=FAILED, message=message))
    if not results:
        results.append(FileResult(source_file=source_file, outcome=SKIPPED, message="no pages in this file, skipped"))
    return results


def _import_record(*, name: str, digest: str, parse, dry_run: bool, force: bool) -> FileResult:
    try:
        existing = Article.objects.filter(source_file=name).first()
        if existing and services.is_current(article=existing, content_hash=digest) and not force:
            return FileResult(source_file=name, outcome=UNCHANGED, article_id=existing.pk, content_hash=digest)
        if existing and existing.curated_at and not force:
            return services.curator_conflict(article=existing, source_file=name, content_hash=digest)
        page = parse()
        if not page.paragraphs:
            return FileResult(source_file=name, outcome=SKIPPED, message="no text, skipped", content_hash=digest)
        outcome = UPDATED if existing else IMPORTED
        if dry_run:
            return FileResult(
                source_file=name, outcome=outcome, article_id=existing.pk if existing else None, content_hash=digest
            )
        with transaction.atomic():
            article = services.save_article(page=page, source_file=name, content_hash=digest, article=existing)
        return FileResult(source_file=name, outcome=outcome, article_id=article.pk, content_hash=digest)
    except (DecodeError, ImportRefused) as exc:
        return FileResult(source_file=name, outcome=FAILED, message=str(exc))
    except Exception as exc:
        log.exception("import of %s failed", name)
        return FileResult(source_file=name, outcome=FAILED, message=f"{type(exc).__name__}: {exc}")


# --- WARC ------------------------------------------------------------------------------------


def _warc_records(*, path: Path, source_file: str) -> Iterator[tuple[str, str, Any]]:
    limit = settings.ARCHIVE_MAX_IMPORT_BYTES
    with path.open("rb") as stream:
        for page in read_pages(stream, max_bytes=limit):
            name = f"{source_file}#{page.index}"
            if page.too_large:
                yield name, "", _refuse(f"record too large (the limit is ARCHIVE_MAX_IMPORT_BYTES={limit})")
                continue
            digest = hashlib.sha256(page.content).hexdigest()

            def parse(page=page) -> ParsedPage:
                return parse_html(page.content, url=page.target_uri, charset=page.charset, captured_at=page.captured_at)

            yield name, digest, parse


def _refuse(message: str):
    def parse() -> ParsedPage:
        raise ImportRefused(message)

    return parse


# --- JSON Lines exports ----------------------------------------------------------------------


def _jsonl_records(*, path: Path, source_file: str) -> Iterator[tuple[str, str, Any]]:
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig"))
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
            except (UnicodeDecodeError, ValueError) as exc:
                yield f"{source_file}#{number}", "", _refuse(f"line {number}: not an exported article ({exc})")
                continue
            provenance = record.get("provenance") if isinstance(record.get("provenance"), dict) else {}
            name = str(provenance.get("source_file") or record.get("source_file") or f"{source_file}#{number}")
            hashed = provenance.get("content_hash")
            digest = str(hashed.get("value", "")) if isinstance(hashed, dict) else str(hashed or "")
            digest = digest or hashlib.sha256(raw).hexdigest()
            yield name[:1000], digest[:64], (lambda record=record, number=number: page_from_export(record, line=number))


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
        role = item.get("role") if item.get("role") in Role.values else Role.BODY
        language = item.get("language") if item.get("language") in Language.values else Language.UNKNOWN
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
    language = record.get("language") if record.get("language") in Language.values else Language.UNKNOWN
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
