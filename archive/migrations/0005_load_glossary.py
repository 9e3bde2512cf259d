"""Load the curated glossary (archive/data/glossary.tsv); entries edited in the admin are kept."""

from django.db import migrations


def load(apps, schema_editor):
    from archive.glossary import read_glossary

    GlossaryEntry = apps.get_model("archive", "GlossaryEntry")
    for chinese, english, note in read_glossary():
        GlossaryEntry.objects.get_or_create(chinese=chinese, defaults={"english": english, "note": note})


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_glossaryentry")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
