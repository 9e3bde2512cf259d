"""Bring the search index up to the database (replaces Haystack's command of the same name).

Under the index writer lock: an index that is missing or unreadable is rebuilt; otherwise the
queue is applied, then every article whose indexed version differs from the database's is
reindexed, and documents of deleted articles are removed (Haystack's --remove, always done).
"""

from django.core.management.base import BaseCommand, CommandError

from archive.management.haystack_commands import SUPPORTED, add_unsupported, refuse_unsupported
from archive.search import recovery


class Command(BaseCommand):
    help = "Reindex the articles whose search document differs from the database, and remove deleted ones."

    def add_arguments(self, parser):
        parser.add_argument("app_label", nargs="*", help="archive (the only app with a search index)")
        parser.add_argument("-r", "--remove", action="store_true", help="Accepted: deleted articles are always removed")
        add_unsupported(parser, command="update_index")

    def handle(self, *args, app_label, **options):
        refuse_unsupported(options, command="update_index")
        others = [label for label in app_label if label.split(".")[0] != "archive"]
        if others:
            named = " ".join(others)
            raise CommandError(f"update_index {named}: only archive has a search index. Supported: {SUPPORTED}.")
        where = f"search index at {recovery.index_path()}"
        state = recovery.diagnose()
        if state != recovery.OK:
            count = recovery.repair(reason=state)
            self.stdout.write(f"{where} was {state}: rebuilt from the database ({count} articles).")
            return
        self.stdout.write(f"{where}: {recovery.repair_drift()}.")
