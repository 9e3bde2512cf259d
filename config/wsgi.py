import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

if os.environ.get("ARCHIVE_WARM_UP", "1") != "0":
    # Each gunicorn worker imports this module before it serves: its first search is then as
    # fast as the others (archive.warming).
    from archive.warming import warm_search

    warm_search()
