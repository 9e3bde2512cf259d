"""python manage.py import_seeds [PATH ...]: import scraped pages (see archive.services)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.services import ImportRefused, collect_files, import_paths


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

    def handle(self, *args, paths: list[Path], dry_run: bool, force: bool, progress: bool, **options) -> None:
        paths = paths or [Path(settings.BASE_DIR) / "seeds"]
        try:
            count = len(collect_files(paths=paths))
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        show_progress = count > 3 and (progress or self.stderr.isatty())
        report = import_paths(
            paths=paths, dry_run=dry_run, force=force, progress=show_progress, progress_stream=self.stderr._out
        )
        for result in report.warnings:
            self.stderr.write(self.style.WARNING(f"{result.source_file}: {result.message}"))
        for result in report.failures:
            self.stderr.write(f"{result.source_file}: {result.message}")
        for result in report.conflicts:
            self.stderr.write(f"{result.source_file}: conflict: {result.message}")
        self.stdout.write(report.summary())
        if report.failures or report.conflicts:
            sys.exit(1)
