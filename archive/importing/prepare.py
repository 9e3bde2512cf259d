"""What a worker process does with an item: read, hash, decide, parse, and tokenise for the index
(pure: no Django here, so workers never touch the database).

The result (`Prepared`) carries the ladder's decision so far, the parsed page when there is
something to write, its index fields (archive.search.documents.index_fields) and its MinHash
signature (archive.duplicates), so the importing process only writes rows and documents.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from archive import duplicates
from archive.importing.items import Item
from archive.importing.ladder import decide
from archive.importing.outcomes import FAILED, SKIPPED, WRITTEN, FileResult, ImportRefused
from archive.importing.records import page_from_export
from archive.search.documents import index_fields
from archive.text.decode import DecodeError
from archive.text.formats import parse_file
from archive.text.html import parse_html
from archive.text.pipeline import ParsedPage
from archive.text.script import title_language

log = logging.getLogger("archive.import")


@dataclass
class Prepared:
    item: Item
    result: FileResult  # final, or IMPORTED/UPDATED: to be written
    page: ParsedPage | None = None
    fields: dict[str, str] | None = None  # index tokens, for a page to be written
    signature: bytes | None = None  # MinHash of the body, for a page to be written (None: not computed)

    @property
    def to_write(self) -> bool:
        return self.result.outcome in WRITTEN and self.page is not None


@dataclass(frozen=True)
class Options:
    force: bool = False
    max_bytes: int = 20 * 1024 * 1024
    tokenise: bool = True  # compute the index fields (not for a dry run)


def prepare_many(items: list[Item], options: Options) -> list[Prepared]:
    return [prepare(item, options) for item in items]


def prepare(item: Item, options: Options) -> Prepared:
    """Settle the item as far as can be done without the database."""
    name = item.source_file
    try:
        if item.kind == Item.REFUSED:
            raise ImportRefused(item.message)
        if item.kind == Item.NOTHING:
            return Prepared(item, FileResult(source_file=name, outcome=SKIPPED, message=item.message))
        digest, data = item.digest, b""
        if item.kind == Item.FILE:
            data = _read(Path(item.path), max_bytes=options.max_bytes)
            if not data.strip():
                return Prepared(item, FileResult(source_file=name, outcome=SKIPPED, message="empty file, skipped"))
            digest = hashlib.sha256(data).hexdigest()
        settled = decide(source_file=name, digest=digest, stored=item.stored, force=options.force)
        if settled is not None:
            return Prepared(item, settled)
        page = _parse(item, data)
        result = decide(source_file=name, digest=digest, stored=item.stored, force=options.force, page=page)
        if result.outcome not in WRITTEN:
            return Prepared(item, result)
        fields = signature = None
        if options.tokenise:
            paragraphs = [(p.text, p.language, p.is_boilerplate) for p in page.paragraphs]
            title = article_title(page, fallback=name)
            fields = index_fields(
                title=title,
                title_language=title_language(title, article_language=page.language),
                paragraphs=paragraphs,
            )
            signature = duplicates.signature((p.text, p.is_boilerplate) for p in page.paragraphs)
        return Prepared(item, result, page=page, fields=fields, signature=signature)
    except (DecodeError, ImportRefused) as exc:
        return Prepared(item, FileResult(source_file=name, outcome=FAILED, message=str(exc)))
    except OSError as exc:
        message = f"cannot read: {exc.strerror or exc}"
        return Prepared(item, FileResult(source_file=name, outcome=FAILED, message=message))
    except Exception as exc:  # one bad page must not stop the others
        log.exception("import of %s failed", name)
        message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
        return Prepared(item, FileResult(source_file=name, outcome=FAILED, message=message))


def article_title(page: ParsedPage, *, fallback: str) -> str:
    """The article's title as stored: the page's, else its source_file."""
    return (page.title or fallback)[:500]


def _read(path: Path, *, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportRefused(f"file too large ({size} bytes; the limit is ARCHIVE_MAX_IMPORT_BYTES={max_bytes})")
    return path.read_bytes()


def _parse(item: Item, data: bytes) -> ParsedPage:
    if item.kind == Item.FILE:
        return parse_file(data, name=Path(item.path).name)
    if item.kind == Item.WARC:
        return parse_html(item.content, url=item.url, charset=item.charset, captured_at=item.captured_at)
    if item.kind == Item.JSONL:
        return page_from_export(item.record, line=item.line)
    raise ImportRefused(f"cannot import a {item.kind!r} item")
