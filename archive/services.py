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
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from archive.dating import infer_years_from_neighbours, neighbour_year
from archive.models import Article, Paragraph, Role, Source
from archive.search import queue
from archive.text import pipeline
from archive.text.boilerplate import FURNITURE
from archive.text.decode import DecodeError
from archive.text.formats import is_multi_record, parse_file
from archive.text.pipeline import ParsedPage, parse_text, with_evidence

log = logging.getLogger("archive.import")

IMPORTED = "imported"
UPDATED = "updated"
UNCHANGED = "unchanged"
FAILED = "failed"
SKIPPED = "skipped"
CONFLICT = "conflict"  # the file changed, but a curator edited the article since: kept unless forced


class ImportRefused(Exception):
    """A file that cannot be imported; the message is the reason shown to the user."""


@dataclass(frozen=True)
class FileResult:
    source_file: str
    outcome: str  # imported, updated, unchanged, failed, skipped, conflict
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
    def conflicts(self) -> list[FileResult]:
        return [result for result in self.results if result.outcome == CONFLICT]

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
            f"unchanged {self.count(UNCHANGED)}, failed {self.count(FAILED)}, skipped {self.count(SKIPPED)}, "
            f"conflicts {self.count(CONFLICT)}"
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
    `force` re-imports files whose content is unchanged, and overwrites articles a
    curator has edited in the admin since their import (otherwise a conflict).
    """
    report = ImportReport(dry_run=dry_run)
    files = collect_files(paths=paths)
    seen_hashes: dict[str, str] = {}
    for path, file_root in _progress(files, enabled=progress, stream=progress_stream):
        name = relative_name(path=path, root=root or file_root)
        if is_multi_record(path.name):  # WARC archives and JSONL exports: one article per record
            from archive.record_import import import_records

            report.results.extend(import_records(path=path, source_file=name, dry_run=dry_run, force=force))
            continue
        result = import_file(path=path, source_file=name, dry_run=dry_run, force=force)
        digest = result.content_hash
        if result.outcome not in (FAILED, SKIPPED, CONFLICT) and digest:
            duplicate_of = seen_hashes.get(digest) or _stored_duplicate(digest=digest, source_file=name)
            if duplicate_of:
                result = dataclasses.replace(result, duplicate_of=duplicate_of)
            seen_hashes.setdefault(digest, name)
        report.results.append(result)
    if not dry_run:
        infer_years_from_neighbours(
            article_ids=[r.article_id for r in report.results if r.outcome in (IMPORTED, UPDATED)]
        )
    return report


def _stored_duplicate(*, digest: str, source_file: str) -> str:
    other = Article.objects.filter(content_hash=digest).exclude(source_file=source_file).order_by("source_file").first()
    return other.source_file if other else ""


def _progress(items: list, *, enabled: bool, stream) -> Iterable:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="importing", unit="file", file=stream)


def is_current(*, article: Article, content_hash: str) -> bool:
    """The stored article is this content read by today's rules: nothing to import."""
    return article.content_hash == content_hash and article.rules_version == pipeline.RULES_VERSION


def curator_conflict(*, article: Article, source_file: str, content_hash: str) -> FileResult:
    """A changed file (or record), or new import rules, for an article a curator has edited since: the edit is kept."""
    edited = timezone.localtime(article.curated_at).strftime("%Y-%m-%d %H:%M")
    what = "the file changed" if article.content_hash != content_hash else "the import rules changed"
    return FileResult(
        source_file=source_file,
        outcome=CONFLICT,
        article_id=article.pk,
        content_hash=content_hash,
        message=(
            f"{what}, but article {article.pk} was edited in the admin on {edited} "
            "since its import; the edit is kept (use --force to overwrite it with the file)"
        ),
    )


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
        if existing and is_current(article=existing, content_hash=digest) and not force:
            return FileResult(source_file=source_file, outcome=UNCHANGED, article_id=existing.pk, content_hash=digest)
        if existing and existing.curated_at and not force:
            return curator_conflict(article=existing, source_file=source_file, content_hash=digest)
        page = parse_file(data, name=path.name)
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
    An update overwrites curator edits (the caller has checked `curated_at`); the
    replaced paragraphs stay in their history ("-" rows), so they can be recovered.
    The new paragraphs are bulk-created, with their "+" history rows written in bulk.
    """
    article = article or Article(source_file=source_file)
    _apply_page_metadata(article=article, page=page, fallback_title=source_file)
    article.content_hash = content_hash
    article.rules_version = pipeline.RULES_VERSION
    article.captured_at = page.captured_at
    article.curated_at = None
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
    # bulk_create sends no signals, so simple-history wrote nothing: one "+" row per
    # paragraph as imported, so that a curator's first edit can be reverted too.
    Paragraph.history.bulk_history_create(list(by_position.values()), default_change_reason="imported")
    queue.enqueue(article_ids=[article.pk])
    return article


def _apply_page_metadata(*, article: Article, page: ParsedPage, fallback_title: str) -> None:
    article.title = (page.title or fallback_title)[:500]
    article.source = get_or_create_source(name=page.source_name, domain=page.source_domain)
    article.original_url = page.original_url
    article.site = page.site[:200]
    article.pub_year = page.pub_year
    article.pub_month = page.pub_month
    article.pub_day = page.pub_day
    article.pub_year_inferred = page.pub_year_inferred
    article.language = page.language


# Curation: the admin's writes. QuerySet.update and bulk_update send no signals, so
# every bulk write here queues its articles for reindexing itself.


def mark_curated(*, article_ids: Iterable[int]) -> None:
    """Record that a curator changed these articles: a re-import will not overwrite them silently."""
    Article.objects.filter(pk__in=set(article_ids)).update(curated_at=timezone.now())


def set_paragraphs_furniture(*, paragraph_ids: Iterable[int], furniture: bool, user=None) -> int:
    """Flag paragraphs as page furniture (hidden, unsearched) or as body text; returns how many changed.

    Furniture keeps a metadata line's role; body turns metadata/furniture into body
    and leaves a title a title. Each change gets a history row, so it can be reverted.
    """
    with transaction.atomic():
        changed: list[Paragraph] = []
        for paragraph in Paragraph.objects.filter(pk__in=set(paragraph_ids)).select_for_update():
            role = paragraph.role
            if furniture and role not in FURNITURE:
                role = Role.BOILERPLATE
            elif not furniture and role in FURNITURE:
                role = Role.BODY
            if paragraph.is_boilerplate != furniture or paragraph.role != role:
                paragraph.is_boilerplate, paragraph.role = furniture, role
                changed.append(paragraph)
        if changed:
            reason = "marked as page furniture" if furniture else "marked as body"
            bulk_update_with_history(
                changed, Paragraph, ["is_boilerplate", "role"], default_user=user, default_change_reason=reason
            )
            article_ids = {paragraph.article_id for paragraph in changed}
            mark_curated(article_ids=article_ids)
            queue.enqueue(article_ids=article_ids)
    return len(changed)


def reinfer_metadata(*, article_ids: Iterable[int]) -> int:
    """Re-read title, date, source, site, URL and language from each article's paragraphs as stored now.

    Uses the importer's own pipeline (archive.text.pipeline.parse_text) on the
    paragraphs' current text, so edits made in the admin are taken into account,
    with the same evidence for a missing year as an import: the article's URL and
    capture date, then its dated neighbours (infer_years_from_neighbours).
    It does not mark the article as curated: it derives, as an import would.
    Returns how many articles changed.
    """
    fields = ["title", "source_id", "original_url", "site", "pub_year", "pub_month", "pub_day", "pub_year_inferred"]
    fields += ["language"]
    changed = 0
    for article in Article.objects.filter(pk__in=set(article_ids)).prefetch_related("paragraphs"):
        texts = [paragraph.text for paragraph in article.paragraphs.all()]
        if not texts:
            continue
        page = with_evidence(parse_text("\n".join(texts)), url=article.original_url, captured_at=article.captured_at)
        with transaction.atomic():
            before = [getattr(article, name) for name in fields]
            _apply_page_metadata(article=article, page=page, fallback_title=article.title)
            if article.pub_year is None and (year := neighbour_year(article=article)):
                article.pub_year, article.pub_year_inferred = year, True
            if [getattr(article, name) for name in fields] != before:
                article._change_reason = "re-ran metadata inference"
                article.save()  # post_save queues it for reindexing
                changed += 1
    return changed


def reindex_articles(*, article_ids: Iterable[int]) -> None:
    """Queue articles for reindexing from the database as it is now."""
    with transaction.atomic():
        queue.enqueue(article_ids=article_ids)
