"""SEARCH_URL: which search engine, and where, as one URL (parsed in config/settings.py).

    whoosh:///var/lib/archive/whoosh_index   the local Whoosh index at that absolute path
    whoosh://                                 the local Whoosh index at the default path
    (unset or empty)                          the same as whoosh://

`elasticsearch://` and `opensearch://` URLs are recognised but refused: that backend is not built
yet (docs/deploy.md, section 11). Pure: no settings are read here.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

WHOOSH_ENGINE = "archive.search.backend.ArchiveWhooshEngine"
CLUSTER_SCHEMES = frozenset({"elasticsearch", "elasticsearchs", "opensearch", "opensearchs"})


def search_connection(url: str | None, *, default_path: Path | str) -> dict:
    """The HAYSTACK_CONNECTIONS["default"] entry for a SEARCH_URL."""
    url = (url or "").strip()
    if not url:
        return {"ENGINE": WHOOSH_ENGINE, "PATH": str(default_path)}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in CLUSTER_SCHEMES:
        raise ImproperlyConfigured(
            f"SEARCH_URL {scheme}://…: the Elasticsearch/OpenSearch backend is not built yet, see docs/deploy.md"
        )
    if scheme != "whoosh":
        raise ImproperlyConfigured(f"SEARCH_URL {url!r}: unknown scheme {scheme!r} (expected whoosh:///absolute/path)")
    if parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"SEARCH_URL {url!r}: a Whoosh index is a local directory, written whoosh:///absolute/path"
        )
    path = unquote(parts.path)
    if not path or path == "/":
        path = str(default_path)
    return {"ENGINE": WHOOSH_ENGINE, "PATH": path}
