"""The table of Django's database cache, where the search rate limit and the admin login throttle
count (shared by every worker process); a no-op when DJANGO_CACHE_URL names another cache."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_load_glossary")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
