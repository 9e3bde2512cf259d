"""Writes: importing scraped pages into Source/Article/Paragraph rows."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from archive.models import Article, Paragraph, Source
from archive.search import queue
from archive.text.decode import DecodeError
from archive.text.pipeline import ParsedPage, parse_page

log = logging.getLogger("archive.import")

IMPORTED = "imported"
UPDATED = "updated"
UNCHANGED = "unchanged"
FAILED = "failed"
SKIPPED = "skipped"


class ImportRefused(Exception):
    """A file that cannot be imported; the message is the reason shown to the user."""


@dataclass(frozen=True)
class FileResult:
    source_file: str
    outcome: str  # imported, updated, unchanged, failed, skipped
    article_id: int | None = None
    message: str = ""
    duplicate_of: str = ""  # another file with byte-identical content
    content_hash: str = ""


@dataclass
class ImportReport:
    dry_run: bool = False
    results: list[FileResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(result.outcome == outcome for result in self.results)

    @property
    def failures(self) -> list[FileResult]:
        return [result for result in self.results if result.outcome == FAILED]

    @property
    def warnings(self) -> list[FileResult]:
        return [result for result in self.results if result.outcome == SKIPPED]

    @property
    def duplicates(self) -> list[FileResult]:
        return [result for result in self.results if result.duplicate_of]

    def summary(self) -> str:
        prefix = "dry run: would have " if self.dry_run else ""
        line = (
            f"{prefix}imported {self.count(IMPORTED)}, updated {self.count(UPDATED)}, "
            f"unchanged {self.count(UNCHANGED)}, failed {self.count(FAILED)}, skipped {self.count(SKIPPED)}"
        )
        if self.duplicates:
            pairs = "; ".join(f"{result.source_file} = {result.duplicate_of}" for result in self.duplicates)
            line += f" (duplicates: {pairs})"
        return line


def collect_files(*, paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(file, import root) for each file given or found recursively in a directory, hidden ones skipped."""
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in relative.parts):
                    found.append((child, path))
        elif path.exists():
            found.append((path, path.parent))
        else:
            raise ImportRefused(f"{path}: no such file or directory")
    return found


def relative_name(*, path: Path, root: Path) -> str:
    """The stored source_file: the path relative to the import root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def import_paths(
    *,
    paths: list[Path],
    root: Path | None = None,
    dry_run: bool = False,
    force: bool = False,
    progress: bool = False,
    progress_stream=None,
) -> ImportReport:
    """Import files and directories; one transaction per file, so a failure loses only that file.

    `root` overrides the import root (by default the directory given, or a file's parent).
    `force` re-imports files whose content is unchanged.
    """
    report = ImportReport(dry_run=dry_run)
    files = collect_files(paths=paths)
    seen_hashes: dict[str, str] = {}
    for path, file_root in _progress(files, enabled=progress, stream=progress_stream):
        name = relative_name(path=path, root=root or file_root)
        result = import_file(path=path, source_file=name, dry_run=dry_run, force=force)
        digest = result.content_hash
        if result.outcome not in (FAILED, SKIPPED) and digest:
            duplicate_of = seen_hashes.get(digest) or _stored_duplicate(digest=digest, source_file=name)
            if duplicate_of:
                result = dataclasses.replace(result, duplicate_of=duplicate_of)
            seen_hashes.setdefault(digest, name)
        report.results.append(result)
    return report


def _stored_duplicate(*, digest: str, source_file: str) -> str:
    other = Article.objects.filter(content_hash=digest).exclude(source_file=source_file).order_by("source_file").first()
    return other.source_file if other else ""


def _progress(items: list, *, enabled: bool, stream) -> Iterable:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="importing", unit="file", file=stream)


def import_file(*, path: Path, source_file: str, dry_run: bool = False, force: bool = False) -> FileResult:
    """Import one file as one article (created, updated in place, or left alone)."""
    try:
        size = path.stat().st_size
        limit = settings.ARCHIVE_MAX_IMPORT_BYTES
        if size > limit:
            raise ImportRefused(f"file too large ({size} bytes; the limit is ARCHIVE_MAX_IMPORT_BYTES={limit})")
        data = path.read_bytes()
        if not data.strip():
            return FileResult(source_file=source_file, outcome=SKIPPED, message="empty file, skipped")
        digest = hashlib.sha256(data).hexdigest()
        existing = Article.objects.filter(source_file=source_file).first()
        if existing and existing.content_hash == digest and not force:
            return FileResult(source_file=source_file, outcome=UNCHANGED, article_id=existing.pk, content_hash=digest)
        page = parse_page(data)
        if not page.paragraphs:
            return FileResult(source_file=source_file, outcome=SKIPPED, message="no text (only blank lines), skipped")
        outcome = UPDATED if existing else IMPORTED
        if dry_run:
            article_id = existing.pk if existing else None
            return FileResult(source_file=source_file, outcome=outcome, article_id=article_id, content_hash=digest)
        with transaction.atomic():
            article = save_article(page=page, source_file=source_file, content_hash=digest, article=existing)
        return FileResult(source_file=source_file, outcome=outcome, article_id=article.pk, content_hash=digest)
    except (DecodeError, ImportRefused) as exc:
        return FileResult(source_file=source_file, outcome=FAILED, message=str(exc))
    except OSError as exc:
        return FileResult(source_file=source_file, outcome=FAILED, message=f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # one bad file must not stop the others
        log.exception("import of %s failed", source_file)
        return FileResult(source_file=source_file, outcome=FAILED, message=f"{type(exc).__name__}: {exc}")


def get_or_create_source(*, name: str, domain: str = "") -> Source | None:
    if not name:
        return None
    source, created = Source.objects.get_or_create(name=name[:200], defaults={"domain": domain[:200]})
    if not created and domain and not source.domain:
        source.domain = domain[:200]
        source.save(update_fields=["domain"])
    return source


def save_article(*, page: ParsedPage, source_file: str, content_hash: str, article: Article | None = None) -> Article:
    """Create or update (same id) the article of a parsed page and replace its paragraphs.

    Call inside a transaction: the index queue entry is written with the change.
    """
    article = article or Article(source_file=source_file)
    article.title = (page.title or source_file)[:500]
    article.source = get_or_create_source(name=page.source_name, domain=page.source_domain)
    article.original_url = page.original_url
    article.pub_year = page.pub_year
    article.pub_month = page.pub_month
    article.pub_day = page.pub_day
    article.pub_year_inferred = page.pub_year_inferred
    article.language = page.language
    article.content_hash = content_hash
    article.save()
    article.paragraphs.all().delete()
    rows = Paragraph.objects.bulk_create(
        [
            Paragraph(
                article=article,
                position=parsed.position,
                text=parsed.text,
                language=parsed.language,
                role=parsed.role,
                is_boilerplate=parsed.is_boilerplate,
            )
            for parsed in page.paragraphs
        ]
    )
    by_position: dict[int, Paragraph] = {row.position: row for row in rows}
    if any(row.pk is None for row in rows):
        by_position = {row.position: row for row in article.paragraphs.all()}
    paired: list[Paragraph] = []
    for parsed in page.paragraphs:
        if parsed.pair_position is not None:
            paragraph = by_position[parsed.position]
            paragraph.translation = by_position[parsed.pair_position]
            paired.append(paragraph)
    if paired:
        Paragraph.objects.bulk_update(paired, ["translation"])
    queue.enqueue(article_ids=[article.pk])
    return article


def delete_article(*, article: Article) -> None:
    with transaction.atomic():
        article_id = article.pk
        article.delete()
        queue.enqueue(article_ids=[article_id])
