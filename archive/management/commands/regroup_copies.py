"""Recompute the groups of near-duplicate reposts from the stored signatures (archive.copies).

Groups are derived data: this rebuilds every group a curator has not pinned, and first computes
the signatures of articles that have none (those imported before signatures were stored).
Running it twice changes nothing the second time.
"""

from django.core.management.base import BaseCommand

from archive import copies


class Command(BaseCommand):
    help = "Recompute the groups of near-duplicate reposts from the stored MinHash signatures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--resign", action="store_true", help="Recompute every signature from the stored paragraphs first."
        )

    def handle(self, *args, **options):
        report = copies.regroup(resign=options["resign"])
        self.stdout.write(
            f"Signed {report.signed} articles; grouped {report.articles}: {report.groups} groups of copies, "
            f"{report.changed} memberships changed."
        )
