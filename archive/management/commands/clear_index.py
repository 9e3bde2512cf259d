"""Empty the search index (replaces Haystack's command of the same name).

Under the index writer lock an empty index is swapped in for the live one and the queued index
tasks are dropped with it. The database is untouched: rebuild_index fills the index again.
"""

from django.core.management.base import BaseCommand, CommandError

from archive.management.haystack_commands import add_unsupported, refuse_unsupported
from archive.search import engines, queue


class Command(BaseCommand):
    help = "Remove every document from the search index (the database is untouched; rebuild_index refills it)."

    def add_arguments(self, parser):
        parser.add_argument("--noinput", "--no-input", action="store_true", help="Do not ask for confirmation.")
        add_unsupported(parser, command="clear_index")

    def handle(self, *args, noinput: bool, **options):
        refuse_unsupported(options, command="clear_index")
        where = engines.get_engine().location
        if not noinput:
            answer = input(f"Remove every document from the search index at {where}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("clear_index: nothing removed.")
        with queue.writer_lock(blocking=True):
            queue.clear_locked()
        self.stdout.write(
            f"Cleared the search index at {where}. Searches find nothing until rebuild_index refills it "
            "from the database (a process that starts meanwhile rebuilds it on its first search)."
        )
