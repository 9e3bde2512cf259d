"""python manage.py import_seeds [PATH ...]: import scraped pages (see archive.importing)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.importing import ImportRefused, count_files, import_paths


class Command(BaseCommand):
    help = "Import scraped pages (files or directories, recursively; default seeds/). Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: seeds/)")
        parser.add_argument("--dry-run", action="store_true", help="report what would happen without writing")
        parser.add_argument(
            "--force",
            action="store_true",
            help="re-import unchanged files, and overwrite articles edited in the admin since their import",
        )
        parser.add_argument("--progress", action="store_true", help="show a progress bar even when not on a TTY")
        parser.add_argument(
            "--workers",
            "--jobs",
            type=int,
            default=None,
            help="processes that parse pages (default: one per core; 1 parses in this process)",
        )

    def handle(self, *args, paths: list[Path], dry_run: bool, force: bool, progress: bool, workers, **options):
        paths = paths or [Path(settings.BASE_DIR) / "seeds"]
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1")
        try:
            count = count_files(paths)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        bar = (
            ProgressBar(total=count, stream=self.stderr._out)
            if count > 3 and (progress or self.stderr.isatty())
            else None
        )
        try:
            report = import_paths(
                paths=paths, dry_run=dry_run, force=force, workers=workers, progress=bar, expected=count,
                keep_results=False,
            )  # fmt: skip
        finally:
            if bar is not None:
                bar.close()
        for result in report.warnings:
            self.stderr.write(self.style.WARNING(f"{result.source_file}: {result.message}"))
        for result in report.failures:
            self.stderr.write(f"{result.source_file}: {result.message}")
        for result in report.conflicts:
            self.stderr.write(f"{result.source_file}: conflict: {result.message}")
        self.stdout.write(report.summary())
        if report.failures or report.conflicts:
            sys.exit(1)


class ProgressBar:
    """A tqdm bar counting pages (a WARC or JSON Lines file holds many), with pages/s."""

    def __init__(self, *, total: int, stream) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc="importing", unit="page", unit_scale=False, file=stream)

    def advance(self, pages: int) -> None:
        if self.bar.n + pages > self.bar.total:
            self.bar.total = self.bar.n + pages
        self.bar.update(pages)

    def note(self, text: str) -> None:
        self.bar.set_postfix_str(text)

    def close(self) -> None:
        self.bar.close()
